"""The quality vote after a meeting (Tốt / Khá / Trung bình / Kém), secret by default."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import case, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot.meetings.checkin import attendance_of
from bot.meetings.scheduling import get, member_of
from bot.models import (
    Mark,
    MeetingState,
    MeetingTally,
    MeetingVoter,
    Rating,
)


class VoteOutcome(StrEnum):
    """What came of a press on a rating button."""

    COUNTED = "counted"
    ALREADY = "already"
    NOT_CLOSED = "not_closed"
    NOT_ATTENDEE = "not_attendee"


def vote(
    session: Session,
    *,
    meeting_id: int,
    telegram_user_id: int,
    rating: Rating,
    anonymous: bool,
) -> VoteOutcome:
    """One rating per attendee of a closed meeting; a secret ballot unless configured open."""
    meeting = get(session, meeting_id=meeting_id)
    if meeting.state != MeetingState.CLOSED:
        return VoteOutcome.NOT_CLOSED
    member = member_of(session, telegram_user_id=telegram_user_id)
    row = attendance_of(session, meeting_id, member.id) if member is not None else None
    if member is None or row is None or row.mark not in (Mark.PRESENT, Mark.LATE):
        return VoteOutcome.NOT_ATTENDEE
    assert member.id is not None
    try:
        with session.begin_nested():
            session.add(
                MeetingVoter(
                    meeting_id=meeting_id,
                    member_id=member.id,
                    rating=None if anonymous else rating,
                )
            )
            session.flush()
    except IntegrityError:
        return VoteOutcome.ALREADY
    open_tally(session, meeting_id)
    # Every counter of the meeting is rewritten (+1 or +0): the rows changed by this vote are
    # the same whatever was chosen.
    session.execute(
        update(MeetingTally)
        .where(col(MeetingTally.meeting_id) == meeting_id)
        .values(
            votes=col(MeetingTally.votes)
            + case((col(MeetingTally.rating) == str(rating), 1), else_=0)
        )
    )
    return VoteOutcome.COUNTED


def open_tally(session: Session, meeting_id: int) -> None:
    """The four counters of a meeting, at zero if they do not exist yet."""
    have = set(
        session.exec(
            select(MeetingTally.rating).where(col(MeetingTally.meeting_id) == meeting_id)
        ).all()
    )
    for rating in Rating:
        if rating not in have:
            session.add(MeetingTally(meeting_id=meeting_id, rating=rating, votes=0))
    session.flush()


def tally(session: Session, *, meeting_id: int) -> dict[Rating, int]:
    """Votes by rating (every rating present, zero if none)."""
    counts = dict.fromkeys(Rating, 0)
    rows = session.exec(
        select(MeetingTally).where(col(MeetingTally.meeting_id) == meeting_id)
    ).all()
    for row in rows:
        counts[Rating(row.rating)] = row.votes
    return counts
