"""The secretary's actions on one meeting, each with its permission check in the same unit of
work as what it reads or changes.

A meeting is managed by its cell's bí thư / phó bí thư and by deployment admins. Someone
outside the cell (or pressing a button forged with another meeting's id) is told the meeting
does not exist, exactly as for an unknown id; a member of the cell without the rights is told
the action is for secretaries.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.meetings import texts as mt
from bot.meetings.closing import close, sheet
from bot.meetings.corrections import Correction, correct, last_closed
from bot.meetings.history import rate_points
from bot.meetings.reports import MeetingSheet, RatePoint
from bot.meetings.rsvp import Board, board
from bot.meetings.scheduling import ChangePreview, MeetingError, cancel, edit, preview_edit
from bot.meetings.voting import tally
from bot.members import Access, Actor
from bot.models import Change, Meeting, Rating
from bot.settings import MeetingSettings


def managed(session: Session, *, meeting_id: int, actor: Actor) -> tuple[Meeting, Access]:
    """The meeting and the actor's rights, or MeetingError saying why they may not manage it."""
    access = actor.access(session)
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or not _in_cell(access, meeting):
        raise MeetingError(mt.NO_SUCH_MEETING)
    if not access.manages(meeting.cell_id):
        raise MeetingError(mt.NOT_SECRETARY)
    return meeting, access


def _in_cell(access: Access, meeting: Meeting) -> bool:
    return access.is_admin or (
        access.member is not None and access.member.cell_id == meeting.cell_id
    )


def board_for(session: Session, *, meeting_id: int, actor: Actor) -> Board:
    """The panel's board, for someone who manages the meeting."""
    managed(session, meeting_id=meeting_id, actor=actor)
    return board(session, meeting_id=meeting_id)


def cancel_as(
    session: Session, *, meeting_id: int, actor: Actor, reason: str, now: datetime
) -> Meeting:
    """Cancel the meeting in the actor's name (members are told)."""
    _, access = managed(session, meeting_id=meeting_id, actor=actor)
    return cancel(
        session,
        meeting_id=meeting_id,
        reason=reason,
        by=actor.telegram_user_id,
        by_name=actor.name(access),
        now=now,
    )


def close_as(
    session: Session, *, meeting_id: int, actor: Actor, now: datetime, settings: MeetingSettings
) -> Meeting:
    """Close the meeting in the actor's name."""
    _, access = managed(session, meeting_id=meeting_id, actor=actor)
    return close(
        session,
        meeting_id=meeting_id,
        by=actor.telegram_user_id,
        by_name=actor.name(access),
        now=now,
        settings=settings,
    )


def edit_as(
    session: Session,
    *,
    meeting_id: int,
    actor: Actor,
    change: Change,
    value: str | datetime,
    now: datetime,
    settings: MeetingSettings,
) -> Meeting:
    """Change the time, place or agenda in the actor's name (members are told)."""
    _, access = managed(session, meeting_id=meeting_id, actor=actor)
    return edit(
        session,
        meeting_id=meeting_id,
        change=change,
        value=value,
        by=actor.telegram_user_id,
        by_name=actor.name(access),
        now=now,
        settings=settings,
    )


def correct_as(
    session: Session, *, meeting_id: int, actor: Actor, line: str, now: datetime
) -> Correction:
    """Correct a mark of a closed meeting in the actor's name, with the trail kept."""
    _, access = managed(session, meeting_id=meeting_id, actor=actor)
    return correct(
        session,
        meeting_id=meeting_id,
        line=line,
        by=actor.telegram_user_id,
        by_name=actor.name(access),
        now=now,
    )


def last_closed_for(session: Session, *, actor: Actor) -> Meeting:
    """The actor's cell's most recently closed meeting, or MeetingError saying why none."""
    access = actor.access(session)
    if access.member is None:
        raise MeetingError(mt.NOT_SECRETARY)
    meeting = last_closed(session, cell_id=access.member.cell_id)
    if meeting is None:
        raise MeetingError(mt.CORRECT_NONE_CLOSED)
    managed(session, meeting_id=meeting.id or 0, actor=actor)
    return meeting


def preview_edit_as(
    session: Session,
    *,
    meeting_id: int,
    actor: Actor,
    change: Change,
    value: str | datetime,
    now: datetime,
    settings: MeetingSettings,
) -> ChangePreview:
    """What a change would tell members, for the actor to confirm («Gửi») or drop."""
    _, access = managed(session, meeting_id=meeting_id, actor=actor)
    return preview_edit(
        session,
        meeting_id=meeting_id,
        change=change,
        value=value,
        by=actor.telegram_user_id,
        by_name=actor.name(access),
        now=now,
        settings=settings,
    )


def report_for(
    session: Session,
    *,
    meeting_id: int,
    actor: Actor,
    settings: MeetingSettings,
    original: bool = False,
) -> tuple[MeetingSheet, list[RatePoint]]:
    """The attendance sheet (with ``original``, as it was at closing) and the chart's points
    of the cell's last meetings."""
    meeting, _ = managed(session, meeting_id=meeting_id, actor=actor)
    found = sheet(session, meeting_id=meeting_id, settings=settings, original=original)
    points = rate_points(
        session, cell_id=meeting.cell_id, limit=settings.chart_meetings, settings=settings
    )
    return found, points


def tally_for(
    session: Session, *, meeting_id: int, actor: Actor
) -> tuple[Meeting, dict[Rating, int]]:
    """The quality vote's counts."""
    meeting, _ = managed(session, meeting_id=meeting_id, actor=actor)
    return meeting, tally(session, meeting_id=meeting_id)
