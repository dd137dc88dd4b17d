"""Scheduling a meeting, changing or cancelling it, and finding a cell's meetings.

Every function in bot.meetings takes the session keyword-only and leaves committing to the
caller. Messages to members (invitation, reminders, changes, the vote) are queued in the
notices outbox, so they are paced, survive restarts and reach each member at most once.
Nothing in this package talks to Telegram.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from bot import members, notices
from bot.meetings import texts as mt
from bot.messages import split_html
from bot.models import (
    Change,
    Meeting,
    MeetingKind,
    MeetingReminder,
    MeetingState,
    Member,
    MemberStatus,
    Notice,
    as_utc,
)
from bot.settings import MeetingSettings
from bot.when import VIETNAM

QR_PREFIX = members.CHECK_IN_PREFIX


MAX_PLACE = 200


MAX_AGENDA = 2000


class MeetingError(Exception):
    """A meeting action that cannot be done as asked; the message is Vietnamese."""


@dataclass(frozen=True)
class Reading:
    """A document to read before the meeting."""

    source: str
    label: str


def default_title(kind: MeetingKind, starts_at: datetime, topic: str = "") -> str:
    """ "Sinh hoạt chi bộ thường kỳ tháng 12/2026", or the thematic meeting's topic."""
    local = as_utc(starts_at).astimezone(VIETNAM)
    if kind == MeetingKind.THEMATIC:
        return mt.THEMATIC_TITLE.format(topic=topic.strip()) if topic.strip() else mt.THEMATIC
    return mt.REGULAR_TITLE.format(month=local.month, year=local.year)


def schedule(
    session: Session,
    *,
    cell_id: int,
    kind: MeetingKind,
    title: str,
    starts_at: datetime,
    place: str,
    agenda: str,
    readings: Sequence[Reading],
    created_by: int,
    sender_name: str,
    now: datetime,
    settings: MeetingSettings,
) -> Meeting:
    """The meeting, its reminders, and the invitation queued to every active member."""
    check_start(starts_at, now=now, settings=settings)
    check_text(place=place, agenda=agenda)
    meeting = Meeting(
        cell_id=cell_id,
        kind=kind,
        title=title.strip(),
        starts_at=starts_at,
        place=place.strip(),
        agenda=agenda.strip(),
        readings=[{"source": r.source, "label": r.label} for r in readings],
        secret=secrets.token_hex(16),
        created_by=created_by,
        created_at=now,
        updated_at=now,
    )
    session.add(meeting)
    session.flush()
    assert meeting.id is not None
    for minutes in sorted(set(settings.reminder_minutes), reverse=True):
        due = starts_at - timedelta(minutes=minutes)
        session.add(
            MeetingReminder(
                meeting_id=meeting.id, minutes_before=minutes, due_at=due, skipped=due <= now
            )
        )
    queue_to_roll(
        session,
        meeting,
        recipients=roll(session, cell_id=cell_id),
        body=mt.invitation(meeting, sender_name),
        buttons=f"rsvp:{meeting.id}",
        sender_name=sender_name,
        created_by=created_by,
        now=now,
    )
    session.flush()
    return meeting


def check_text(*, place: str | None = None, agenda: str | None = None) -> None:
    """A place given, not too long; an agenda that fits in a message with the rest."""
    if place is not None and not place.strip():
        raise MeetingError(mt.PLACE_EMPTY)
    if place is not None and len(place.strip()) > MAX_PLACE:
        raise MeetingError(mt.TOO_LONG.format(what="Địa điểm", limit=MAX_PLACE))
    if agenda is not None and len(agenda.strip()) > MAX_AGENDA:
        raise MeetingError(mt.TOO_LONG.format(what="Nội dung", limit=MAX_AGENDA))


def check_start(starts_at: datetime, *, now: datetime, settings: MeetingSettings) -> None:
    """A start in the future, not absurdly far."""
    if starts_at <= now:
        raise MeetingError(mt.START_PAST)
    if starts_at - now > timedelta(days=settings.max_schedule_days):
        raise MeetingError(mt.START_TOO_FAR.format(days=settings.max_schedule_days))


def roll(session: Session, *, cell_id: int) -> list[Member]:
    """The cell's active members (with or without a Telegram account), by name."""
    query = select(Member).where(
        col(Member.cell_id) == cell_id, col(Member.status) == MemberStatus.ACTIVE
    )
    return list(session.exec(query.order_by(col(Member.folded_name), col(Member.id))).all())


def queue_to_roll(
    session: Session,
    meeting: Meeting,
    *,
    recipients: Iterable[Member],
    body: str,
    buttons: str | None,
    sender_name: str,
    created_by: int,
    now: datetime,
    exclude: int | None = None,
) -> Notice | None:
    # Members without Telegram get an unreachable delivery, so the report names them (as for
    # notices); nothing is queued when nobody at all can receive it. ``exclude`` is whoever
    # made the change being announced: they know already.
    people = [m for m in recipients if exclude is None or m.telegram_user_id != exclude]
    if not any(m.telegram_user_id is not None for m in people):
        return None
    return notices.queue_to_members(
        session,
        members=people,
        created_by=created_by,
        sender_name=sender_name,
        cell_id=meeting.cell_id,
        label=meeting.title,
        body=body,
        parts=[{"kind": "text", "html": part} for part in split_html(body)],
        buttons=buttons,
        send_at=now,
        now=now,
    )


def get(session: Session, *, meeting_id: int) -> Meeting:
    """The meeting, or MeetingError when it does not exist."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise MeetingError(mt.NO_SUCH_MEETING)
    return meeting


def hold_open(session: Session, meeting_id: int) -> bool:
    """Lock the meeting's row for this transaction if it is still scheduled; False if it is not.

    Closing and every check-in take this lock before they read attendance, so a check-in
    either lands before the closing (and is counted) or sees the meeting closed: the closing
    never writes an absence beside a check-in, and nobody is told «đã điểm danh» while the
    stored row says absent. (An UPDATE locks the row on PostgreSQL and takes SQLite's write
    lock; a waiting UPDATE re-reads the state once the other transaction commits.)"""
    held = session.execute(
        update(Meeting)
        .where(col(Meeting.id) == meeting_id, col(Meeting.state) == MeetingState.SCHEDULED)
        .values(state=MeetingState.SCHEDULED)
    )
    return bool(held.rowcount)  # type: ignore[attr-defined]


def open_meeting(session: Session, meeting_id: int) -> Meeting:
    meeting = get(session, meeting_id=meeting_id)
    if meeting.state == MeetingState.CANCELLED:
        raise MeetingError(mt.MEETING_CANCELLED)
    if meeting.state == MeetingState.CLOSED:
        raise MeetingError(mt.MEETING_CLOSED)
    return meeting


def _apply(
    meeting: Meeting,
    change: Change,
    value: str | datetime,
    *,
    now: datetime,
    settings: MeetingSettings,
) -> None:
    """Check the new value and put it on the meeting (not on its reminders)."""
    if change == Change.TIME:
        assert isinstance(value, datetime)
        check_start(value, now=now, settings=settings)
        if meeting.title == default_title(MeetingKind(meeting.kind), meeting.starts_at):
            meeting.title = default_title(MeetingKind(meeting.kind), value)  # "tháng 12" follows
        meeting.starts_at = value
    elif change == Change.PLACE:
        assert isinstance(value, str)
        check_text(place=value)
        meeting.place = value.strip()
    else:
        assert isinstance(value, str)
        check_text(agenda=value)
        meeting.agenda = value.strip()


@dataclass(frozen=True)
class ChangePreview:
    """What members would be sent about a change, before the secretary sends it."""

    body: str
    recipients: int  # members on Telegram who would be told (not the one making the change)


def preview_edit(
    session: Session,
    *,
    meeting_id: int,
    change: Change,
    value: str | datetime,
    by: int,
    by_name: str,
    now: datetime,
    settings: MeetingSettings,
) -> ChangePreview:
    """The message a change would send and to how many, checked as `edit` checks it;
    nothing is written."""
    meeting = open_meeting(session, meeting_id)
    before = mt.describe_meeting_line(meeting)
    # A detached copy (field by field: model_dump would re-serialise the stored strings).
    draft = Meeting(**{name: getattr(meeting, name) for name in Meeting.model_fields})
    _apply(draft, change, value, now=now, settings=settings)
    told = [
        m
        for m in roll(session, cell_id=meeting.cell_id)
        if m.telegram_user_id is not None and m.telegram_user_id != by
    ]
    return ChangePreview(mt.changed(draft, change, before, by_name), len(told))


def edit(
    session: Session,
    *,
    meeting_id: int,
    change: Change,
    value: str | datetime,
    by: int,
    by_name: str,
    now: datetime,
    settings: MeetingSettings,
) -> Meeting:
    """Change the time, place or agenda; reminders follow a new time; members are told."""
    meeting = open_meeting(session, meeting_id)
    before = mt.describe_meeting_line(meeting)
    _apply(meeting, change, value, now=now, settings=settings)
    if change == Change.TIME:
        assert isinstance(value, datetime)
        reminders = session.exec(
            select(MeetingReminder).where(col(MeetingReminder.meeting_id) == meeting_id)
        ).all()
        for reminder in reminders:
            reminder.due_at = value - timedelta(minutes=reminder.minutes_before)
            # A reminder for the new time is owed even if one went out for the old time.
            reminder.fired_at, reminder.notice_id = None, None
            reminder.skipped = reminder.due_at <= now
            session.add(reminder)
    meeting.updated_at = now
    session.add(meeting)
    queue_to_roll(
        session,
        meeting,
        recipients=roll(session, cell_id=meeting.cell_id),
        body=mt.changed(meeting, change, before, by_name),
        exclude=by,
        buttons=f"rsvp:{meeting.id}",
        sender_name=by_name,
        created_by=by,
        now=now,
    )
    session.flush()
    return meeting


def cancel(
    session: Session, *, meeting_id: int, reason: str, by: int, by_name: str, now: datetime
) -> Meeting:
    """Cancel the meeting: no more reminders or check-ins; members are told."""
    meeting = open_meeting(session, meeting_id)
    meeting.state = MeetingState.CANCELLED
    meeting.cancelled_at = meeting.updated_at = now
    meeting.cancel_reason = reason.strip() or None
    session.add(meeting)
    session.execute(
        update(MeetingReminder)
        .where(
            col(MeetingReminder.meeting_id) == meeting_id,
            col(MeetingReminder.fired_at).is_(None),
        )
        .values(skipped=True)
    )
    queue_to_roll(
        session,
        meeting,
        recipients=roll(session, cell_id=meeting.cell_id),
        body=mt.cancelled(meeting, by_name),
        exclude=by,
        buttons=None,
        sender_name=by_name,
        created_by=by,
        now=now,
    )
    session.flush()
    return meeting


def upcoming(session: Session, *, cell_id: int, now: datetime, limit: int = 10) -> list[Meeting]:
    """Scheduled meetings not long over (their check-in may still be open), soonest first,
    then the latest closed or cancelled ones."""
    recent = now - timedelta(days=1)
    ahead = session.exec(
        select(Meeting)
        .where(
            col(Meeting.cell_id) == cell_id,
            col(Meeting.state) == MeetingState.SCHEDULED,
            col(Meeting.starts_at) >= recent,
        )
        .order_by(col(Meeting.starts_at))
        .limit(limit)
    ).all()
    past = session.exec(
        select(Meeting)
        .where(col(Meeting.cell_id) == cell_id, col(Meeting.id).not_in([m.id for m in ahead]))
        .order_by(col(Meeting.starts_at).desc())
        .limit(max(0, limit - len(ahead)))
    ).all()
    return [*ahead, *past]


def set_panel(session: Session, *, meeting_id: int, chat_id: int, message_id: int) -> None:
    """Remember the secretary's live panel message."""
    session.execute(
        update(Meeting)
        .where(col(Meeting.id) == meeting_id)
        .values(panel_chat_id=chat_id, panel_message_id=message_id)
    )


def member_of(session: Session, *, telegram_user_id: int) -> Member | None:
    """The active member behind a Telegram account."""
    member = members.member_by_telegram(session, telegram_user_id=telegram_user_id)
    if member is None or member.status != MemberStatus.ACTIVE:
        return None
    return member
