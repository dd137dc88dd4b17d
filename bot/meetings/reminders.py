"""Reminders before a meeting: each one a row, fired once by a guarded UPDATE."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from bot import notices
from bot.meetings import texts as mt
from bot.meetings.rsvp import excuses
from bot.meetings.scheduling import queue_to_roll, roll
from bot.models import (
    Meeting,
    MeetingReminder,
    MeetingState,
    as_utc,
)


@dataclass(frozen=True)
class PendingReminder:
    """A reminder still to fire, for the job queue."""

    id: int
    meeting_id: int
    due_at: datetime
    minutes_before: int


def pending_reminders(session: Session, *, meeting_id: int | None = None) -> list[PendingReminder]:
    """Reminders not yet fired of scheduled meetings (the job queue is rebuilt from these)."""
    query = (
        select(MeetingReminder)
        .join(Meeting, col(Meeting.id) == col(MeetingReminder.meeting_id))
        .where(
            col(MeetingReminder.fired_at).is_(None),
            col(MeetingReminder.skipped).is_(False),
            col(Meeting.state) == MeetingState.SCHEDULED,
        )
    )
    if meeting_id is not None:
        query = query.where(col(MeetingReminder.meeting_id) == meeting_id)
    return [
        PendingReminder(r.id, r.meeting_id, as_utc(r.due_at), r.minutes_before)
        for r in session.exec(query.order_by(col(MeetingReminder.due_at))).all()
        if r.id is not None
    ]


def fire_reminder(session: Session, *, reminder_id: int, now: datetime) -> int | None:
    """Queue the reminder's messages, once: the id of its notice, or None when not due, already
    fired (by this or another process), or no longer useful (the meeting started or ended)."""
    reminder = session.get(MeetingReminder, reminder_id)
    if reminder is None or reminder.fired_at is not None or reminder.skipped:
        return None
    if as_utc(reminder.due_at) > now:
        return None
    meeting = session.get(Meeting, reminder.meeting_id)
    useful = (
        meeting is not None
        and meeting.state == MeetingState.SCHEDULED
        and as_utc(meeting.starts_at) > now
    )
    claimed = session.execute(
        update(MeetingReminder)
        .where(
            col(MeetingReminder.id) == reminder_id,
            col(MeetingReminder.fired_at).is_(None),
            col(MeetingReminder.skipped).is_(False),
        )
        .values(fired_at=now, skipped=not useful)
    ).rowcount  # type: ignore[attr-defined]
    if not claimed or not useful:
        return None
    assert meeting is not None and meeting.id is not None
    excused = excuses(session, meeting_id=meeting.id)
    recipients = [m for m in roll(session, cell_id=meeting.cell_id) if m.id not in excused]
    sender, _cell = notices.member_name(
        session, telegram_user_id=meeting.created_by, fallback=mt.SECRETARY
    )
    notice = queue_to_roll(
        session,
        meeting,
        recipients=recipients,
        body=mt.reminder(meeting, now),
        buttons=f"rsvp:{meeting.id}",
        sender_name=sender,
        created_by=meeting.created_by,
        now=now,
    )
    if notice is not None:
        session.execute(
            update(MeetingReminder)
            .where(col(MeetingReminder.id) == reminder_id)
            .values(notice_id=notice.id)
        )
    return notice.id if notice is not None else None
