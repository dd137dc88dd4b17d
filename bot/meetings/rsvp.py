"""Members' answers to an invitation («Sẽ dự» / «Xin vắng») and the secretary's board of them."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot.meetings import texts as mt
from bot.meetings.scheduling import MeetingError, get, member_of, open_meeting, roll
from bot.models import (
    Answer,
    Mark,
    Meeting,
    MeetingAttendance,
    MeetingRsvp,
    as_utc,
)


def answer(
    session: Session,
    *,
    meeting_id: int,
    telegram_user_id: int,
    choice: Answer,
    reason: str | None,
    now: datetime,
) -> Meeting:
    """Record «Sẽ dự» or «Xin vắng» (with its reason); a later answer replaces an earlier one."""
    meeting = open_meeting(session, meeting_id)
    member = member_of(session, telegram_user_id=telegram_user_id)
    if member is None or member.cell_id != meeting.cell_id:
        raise MeetingError(mt.NOT_YOUR_MEETING)
    if as_utc(meeting.starts_at) <= now:  # an excuse after the start would rewrite an absence
        raise MeetingError(mt.RSVP_TOO_LATE)
    if choice == Answer.EXCUSED and not (reason or "").strip():
        raise MeetingError(mt.REASON_EMPTY)
    assert member.id is not None
    found = session.exec(
        select(MeetingRsvp).where(
            col(MeetingRsvp.meeting_id) == meeting_id, col(MeetingRsvp.member_id) == member.id
        )
    ).first()
    row = found or MeetingRsvp(meeting_id=meeting_id, member_id=member.id, answer=choice)
    row.answer = choice
    row.reason = reason.strip()[:500] if choice == Answer.EXCUSED and reason else None
    row.answered_at = now
    # Added inside the savepoint: begin_nested() flushes what is pending before it, and a
    # failed insert there would roll back the caller's whole transaction. If the same member
    # answered twice at once, the other answer won and the savepoint's rollback drops this row.
    with contextlib.suppress(IntegrityError), session.begin_nested():
        session.add(row)
        session.flush()
    return meeting


def excuses(session: Session, *, meeting_id: int) -> dict[int, str | None]:
    """Member id → reason of everyone who asked to be excused from the meeting."""
    rows = session.exec(
        select(MeetingRsvp).where(
            col(MeetingRsvp.meeting_id) == meeting_id,
            col(MeetingRsvp.answer) == Answer.EXCUSED,
        )
    ).all()
    return {r.member_id: r.reason for r in rows}


@dataclass(frozen=True)
class Board:
    """Who answered what, for the secretary's live panel."""

    meeting: Meeting
    total: int
    attending: list[str]
    excused: list[tuple[str, str]]
    silent: list[str]
    checked_in: int


def board(session: Session, *, meeting_id: int) -> Board:
    """The invitation's answers and the check-ins so far."""
    meeting = get(session, meeting_id=meeting_id)
    people = roll(session, cell_id=meeting.cell_id)
    answers = {
        r.member_id: r
        for r in session.exec(
            select(MeetingRsvp).where(col(MeetingRsvp.meeting_id) == meeting_id)
        ).all()
    }
    checked = session.exec(
        select(func.count())
        .select_from(MeetingAttendance)
        .where(
            col(MeetingAttendance.meeting_id) == meeting_id,
            col(MeetingAttendance.mark).in_([Mark.PRESENT, Mark.LATE]),
        )
    ).one()
    attending, excused, silent = [], [], []
    for person in people:
        found = answers.get(person.id or 0)
        if found is None:
            silent.append(person.full_name)
        elif found.answer == Answer.ATTEND:
            attending.append(person.full_name)
        else:
            excused.append((person.full_name, found.reason or ""))
    return Board(meeting, len(people), attending, excused, silent, int(checked))
