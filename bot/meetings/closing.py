"""Closing a meeting: everyone not checked in written down, the sheet of the report, minutes."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from dataclasses import replace
from datetime import datetime

from sqlmodel import Session, col, select

from bot import members
from bot.meetings import texts as mt
from bot.meetings.corrections import corrections_of
from bot.meetings.reports import (
    AttendanceLine,
    CorrectionLine,
    MeetingSheet,
)
from bot.meetings.rsvp import excuses
from bot.meetings.scheduling import MeetingError, get, hold_open, open_meeting, queue_to_roll, roll
from bot.meetings.voting import open_tally
from bot.models import (
    AttendanceCorrection,
    Cell,
    Committee,
    Mark,
    Meeting,
    MeetingAttendance,
    MeetingState,
    Member,
    Method,
    Role,
    as_utc,
)
from bot.settings import MeetingSettings

_ORDER = {Mark.PRESENT: 0, Mark.LATE: 1, Mark.EXCUSED: 2, Mark.ABSENT: 3}


METHOD_LABELS = {
    Method.CODE: mt.METHOD_CODE,
    Method.QR: mt.METHOD_QR,
    Method.MANUAL: mt.METHOD_MANUAL,
}


def close(
    session: Session,
    *,
    meeting_id: int,
    by: int,
    by_name: str,
    now: datetime,
    settings: MeetingSettings,
) -> Meeting:
    """Close the meeting: everyone not checked in is written down as excused (with the reason
    given) or absent, the counting rule is fixed, and attendees are asked to rate the meeting."""
    hold_open(session, meeting_id)  # check-ins wait for this transaction (see hold_open)
    meeting = open_meeting(session, meeting_id)
    session.refresh(meeting)
    assert meeting.id is not None
    if as_utc(meeting.starts_at) > now:
        raise MeetingError(mt.CLOSE_TOO_EARLY)
    excused = excuses(session, meeting_id=meeting_id)
    counted = set(
        session.exec(
            select(MeetingAttendance.member_id).where(
                col(MeetingAttendance.meeting_id) == meeting_id
            )
        ).all()
    )
    people = roll(session, cell_id=meeting.cell_id)
    attendees = [person for person in people if person.id in counted]
    for person, mark, reason in _not_checked_in(people, counted, excused):
        session.add(
            MeetingAttendance(
                meeting_id=meeting_id,
                member_id=person.id,
                member_name=person.full_name,
                member_role=members.describe_role(person),
                mark=mark,
                method=Method.CLOSING,
                reason=reason,
            )
        )
    meeting.state = MeetingState.CLOSED
    meeting.closed_at = meeting.updated_at = now
    meeting.excused_in_denominator = settings.excused_in_denominator
    session.add(meeting)
    session.flush()
    open_tally(session, meeting_id)
    queue_to_roll(
        session,
        meeting,
        recipients=attendees,
        body=mt.vote_invitation(meeting, secret=settings.anonymous_votes),
        buttons=f"vote:{meeting.id}",
        sender_name=by_name,
        created_by=by,
        now=now,
    )
    return meeting


def _not_checked_in(
    people: Iterable[Member], counted: Collection[int | None], excused: dict[int, str | None]
) -> Iterator[tuple[Member, Mark, str | None]]:
    """Members with no attendance row: excused (with their reason) if they asked, else absent."""
    for person in people:
        if person.id not in counted:
            reason = excused.get(person.id or 0)
            yield person, Mark.EXCUSED if person.id in excused else Mark.ABSENT, reason


def sheet(
    session: Session, *, meeting_id: int, settings: MeetingSettings, original: bool = False
) -> MeetingSheet:
    """The attendance sheet: final once closed (with the corrections made since, or with
    ``original`` the marks as they were at closing); before that, the check-ins so far, those
    who asked to be excused, and everyone else as not (yet) present."""
    meeting = get(session, meeting_id=meeting_id)
    cell = session.get(Cell, meeting.cell_id)
    rows = session.exec(
        select(MeetingAttendance).where(col(MeetingAttendance.meeting_id) == meeting_id)
    ).all()
    corrections = corrections_of(session, meeting_id=meeting_id)
    first: dict[int, AttendanceCorrection] = {}
    for correction in corrections:
        first.setdefault(correction.attendance_id, correction)
    numbers = _roster_numbers(session, [r.member_id for r in rows if r.member_id is not None])
    lines = [
        replace(
            _as_closed(r, first[r.id]) if original and r.id in first else _line(r),
            roster_no=numbers.get(r.member_id or 0),
        )
        for r in rows
    ]
    if meeting.state != MeetingState.CLOSED:
        people = roll(session, cell_id=meeting.cell_id)
        counted = {r.member_id for r in rows}
        excused = excuses(session, meeting_id=meeting_id)
        lines += [
            AttendanceLine(
                person.full_name,
                members.describe_role(person),
                mark,
                reason=reason,
                roster_no=person.roster_no,
            )
            for person, mark, reason in _not_checked_in(people, counted, excused)
        ]
    rule = meeting.excused_in_denominator
    committee = session.get(Committee, cell.committee_id) if cell and cell.committee_id else None
    secretary = next(
        (p.full_name for p in roll(session, cell_id=meeting.cell_id) if p.role == Role.SECRETARY),
        "",
    )
    return MeetingSheet(
        committee_name=committee.name if committee is not None else "",
        secretary_name=secretary,
        cell_name=cell.name if cell is not None else "",
        title=meeting.title,
        starts_at=as_utc(meeting.starts_at),
        place=meeting.place,
        lines=tuple(sorted(lines, key=lambda line: (_ORDER[line.mark], line.name))),
        excused_in_denominator=settings.excused_in_denominator if rule is None else rule,
        corrections=tuple(
            CorrectionLine(
                name=c.member_name,
                old_mark=Mark(c.old_mark),
                new_mark=Mark(c.new_mark),
                why=c.why,
                by=c.corrected_by_name,
                at=as_utc(c.corrected_at),
            )
            for c in corrections
        ),
        original=original,
    )


def _roster_numbers(session: Session, member_ids: list[int]) -> dict[int, int]:
    """Member id → STT in the cell's roster sheet, for those imported from one."""
    if not member_ids:
        return {}
    found = session.exec(
        select(Member.id, Member.roster_no).where(
            col(Member.id).in_(member_ids), col(Member.roster_no).is_not(None)
        )
    ).all()
    return {member_id: number for member_id, number in found if member_id and number}


def _line(row: MeetingAttendance) -> AttendanceLine:
    return AttendanceLine(
        name=row.member_name,
        role=row.member_role,
        mark=Mark(row.mark),
        checked_in_at=as_utc(row.checked_in_at) if row.checked_in_at else None,
        method=METHOD_LABELS.get(Method(row.method)),
        recorded_by=row.recorded_by_name,
        reason=row.reason,
    )


def _as_closed(row: MeetingAttendance, first: AttendanceCorrection) -> AttendanceLine:
    """The row as it was when the meeting closed: the oldest correction's old values."""
    return AttendanceLine(
        name=row.member_name,
        role=row.member_role,
        mark=Mark(first.old_mark),
        checked_in_at=as_utc(first.old_checked_in_at) if first.old_checked_in_at else None,
        method=METHOD_LABELS.get(Method(first.old_method)),
        recorded_by=first.old_recorded_by_name,
        reason=first.old_reason,
    )


def attach_minutes(session: Session, *, meeting_id: int, source: str) -> Meeting:
    """Link the ingested minutes (or the cell's resolution) to the meeting."""
    meeting = get(session, meeting_id=meeting_id)
    if meeting.state == MeetingState.CANCELLED:
        raise MeetingError(mt.MEETING_CANCELLED)
    meeting.minutes_source = source
    session.add(meeting)
    return meeting
