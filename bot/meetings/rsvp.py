"""Members' answers to an invitation («Sẽ dự» / «Xin vắng») and the secretary's board of them."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot.meetings import texts as mt
from bot.meetings.scheduling import MeetingError, get, member_of, open_meeting, roll
from bot.models import (
    Answer,
    AttendanceCorrection,
    Mark,
    Meeting,
    MeetingAttendance,
    MeetingRsvp,
    MeetingState,
    Member,
    as_utc,
)
from knowledge.models import utcnow
from knowledge.text import fold


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
    row.told_at = None  # a new or changed «Xin vắng» is owed to the secretary
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
    """What the secretary's panel shows: before the meeting, who answered what; while it runs,
    also who has not checked in; once closed, the attendance as recorded (not the answers)."""

    meeting: Meeting
    total: int
    attending: list[str]
    excused: list[tuple[str, str]]
    silent: list[str]
    checked_in: int
    running: bool = False  # started, or someone has checked in
    not_checked_in: list[str] = field(default_factory=list)
    marks: dict[Mark, list[tuple[str, str]]] = field(default_factory=dict)  # closed: (name, reason)
    corrections: int = 0


def board(session: Session, *, meeting_id: int, now: datetime | None = None) -> Board:
    """The invitation's answers and the check-ins so far (the attendance once closed)."""
    meeting = get(session, meeting_id=meeting_id)
    people = roll(session, cell_id=meeting.cell_id)
    answers = {
        r.member_id: r
        for r in session.exec(
            select(MeetingRsvp).where(col(MeetingRsvp.meeting_id) == meeting_id)
        ).all()
    }
    rows = session.exec(
        select(MeetingAttendance).where(col(MeetingAttendance.meeting_id) == meeting_id)
    ).all()
    checked = sum(1 for r in rows if r.mark in (Mark.PRESENT, Mark.LATE))
    attending, excused, silent = [], [], []
    for person in people:
        found = answers.get(person.id or 0)
        if found is None:
            silent.append(person.full_name)
        elif found.answer == Answer.ATTEND:
            attending.append(person.full_name)
        else:
            excused.append((person.full_name, found.reason or ""))
    moment = now or utcnow()
    running = as_utc(meeting.starts_at) <= moment or bool(rows)
    counted = {r.member_id for r in rows}
    waiting = [p.full_name for p in people if p.id not in counted]
    marks: dict[Mark, list[tuple[str, str]]] = {}
    corrections = 0
    if meeting.state == MeetingState.CLOSED:
        for row in sorted(rows, key=lambda r: fold(r.member_name)):
            marks.setdefault(Mark(row.mark), []).append((row.member_name, row.reason or ""))
        corrections = session.exec(
            select(func.count())
            .select_from(AttendanceCorrection)
            .where(col(AttendanceCorrection.meeting_id) == meeting_id)
        ).one()
        total = len(rows)
    else:
        total = len(people)
    return Board(
        meeting,
        total,
        attending,
        excused,
        silent,
        checked,
        running=running,
        not_checked_in=waiting,
        marks=marks,
        corrections=int(corrections),
    )


@dataclass(frozen=True)
class Excuses:
    """«Xin vắng» answers the secretary has not been sent yet, for one message."""

    meeting: Meeting
    rsvp_ids: list[int]
    lines: list[tuple[str, str]]  # (name, reason)


def untold_excuses(session: Session, *, meeting_id: int) -> Excuses:
    """The meeting's «Xin vắng» not yet sent to the secretary, oldest first (none once the
    meeting started, was closed or cancelled: the panel and the report have them)."""
    meeting = get(session, meeting_id=meeting_id)
    if meeting.state != MeetingState.SCHEDULED:
        return Excuses(meeting, [], [])
    rows = session.exec(
        select(MeetingRsvp, Member.full_name)
        .join(Member, col(Member.id) == col(MeetingRsvp.member_id))
        .where(
            col(MeetingRsvp.meeting_id) == meeting_id,
            col(MeetingRsvp.answer) == Answer.EXCUSED,
            col(MeetingRsvp.told_at).is_(None),
        )
        .order_by(col(MeetingRsvp.answered_at), col(MeetingRsvp.id))
    ).all()
    return Excuses(
        meeting, [r.id for r, _ in rows if r.id is not None], [(n, r.reason or "") for r, n in rows]
    )


def mark_told(session: Session, *, rsvp_ids: list[int], now: datetime) -> None:
    """The secretary was sent these answers (an answer changed since is owed again)."""
    if rsvp_ids:
        session.execute(
            update(MeetingRsvp)
            .where(col(MeetingRsvp.id).in_(rsvp_ids), col(MeetingRsvp.told_at).is_(None))
            .values(told_at=now)
        )


def meetings_with_untold_excuses(session: Session) -> list[int]:
    """Scheduled meetings owing the secretary a «Xin vắng» message (after a restart)."""
    return list(
        session.exec(
            select(MeetingRsvp.meeting_id)
            .join(Meeting, col(Meeting.id) == col(MeetingRsvp.meeting_id))
            .where(
                col(Meeting.state) == MeetingState.SCHEDULED,
                col(MeetingRsvp.answer) == Answer.EXCUSED,
                col(MeetingRsvp.told_at).is_(None),
            )
            .distinct()
        ).all()
    )
