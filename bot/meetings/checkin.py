"""Check-in at the meeting: the rotating code, the signed QR link, and the attendance row.

Guessing a code that changes every minute is stopped by a lockout kept in the database
(``checkinguard``): each code typed counts as a failure *before* it is checked, in the same
transaction (the row's lock serialises a member's concurrent attempts), and is taken back
when the code was right or no meeting was open. After ``MAX_WRONG_CODES`` failures within
``LOCKOUT_MINUTES`` the member waits; the count survives restarts and other bot processes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot import members
from bot.meetings import texts as mt
from bot.meetings.scheduling import QR_PREFIX, MeetingError, hold_open, member_of, open_meeting
from bot.models import (
    CheckInGuard,
    Mark,
    Meeting,
    MeetingAttendance,
    MeetingCodeGuard,
    MeetingState,
    Member,
    Method,
    as_utc,
)
from bot.settings import MeetingSettings
from bot.when import VIETNAM

_QR_MAC_BYTES = 9
MAX_WRONG_CODES = 5  # wrong codes a member may type …
LOCKOUT_MINUTES = 10  # … within this long before check-in by code stops for them


def _key(meeting: Meeting) -> bytes:
    return bytes.fromhex(meeting.secret)


def code_at(meeting: Meeting, moment: datetime, settings: MeetingSettings) -> str:
    """The check-in code shown at the meeting during the period that contains ``moment``."""
    step = int(moment.timestamp()) // settings.code_seconds
    mac = hmac.new(_key(meeting), f"{meeting.id}:{step}".encode(), hashlib.sha256).digest()
    value = int.from_bytes(mac[:8], "big") % 10**settings.code_digits
    return str(value).zfill(settings.code_digits)


def code_valid(meeting: Meeting, code: str, now: datetime, settings: MeetingSettings) -> bool:
    """The current code, or the previous one (typed while it changed)."""
    period = timedelta(seconds=settings.code_seconds)
    return any(
        hmac.compare_digest(code, code_at(meeting, moment, settings))
        for moment in (now, now - period)
    )


def qr_payload(meeting: Meeting, now: datetime, settings: MeetingSettings) -> str:
    """The /start payload of a signed check-in link, valid for ``qr_minutes``."""
    assert meeting.id is not None
    expires = int((now + timedelta(minutes=settings.qr_minutes)).timestamp()) // 60
    data = struct.pack(">II", meeting.id, expires)
    mac = hmac.new(_key(meeting), data, hashlib.sha256).digest()[:_QR_MAC_BYTES]
    return QR_PREFIX + base64.urlsafe_b64encode(data + mac).decode().rstrip("=")


def read_qr(payload: str) -> tuple[int, datetime, bytes, bytes] | None:
    """(meeting id, expiry, signed data, signature) of a check-in payload; None if malformed."""
    if not payload.startswith(QR_PREFIX):
        return None
    raw = payload[len(QR_PREFIX) :]
    try:
        blob = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
    except (ValueError, TypeError):
        return None
    if len(blob) != 8 + _QR_MAC_BYTES:
        return None
    meeting_id, expires = struct.unpack(">II", blob[:8])
    return meeting_id, datetime.fromtimestamp(expires * 60, tz=VIETNAM), blob[:8], blob[8:]


class Outcome(StrEnum):
    """What came of a check-in."""

    PRESENT = "present"
    LATE = "late"
    ALREADY = "already"
    TOO_EARLY = "too_early"
    TOO_LATE = "too_late"
    WRONG_CODE = "wrong_code"
    NO_MEETING = "no_meeting"
    QR_EXPIRED = "qr_expired"
    QR_FORGED = "qr_forged"
    CANCELLED = "cancelled"
    CLOSED = "closed"
    NOT_MEMBER = "not_member"
    OTHER_CELL = "other_cell"
    LOCKED = "locked"
    CODES_PAUSED = "codes_paused"  # the meeting took too many wrong codes


@dataclass(frozen=True)
class CheckIn:
    """A check-in's outcome, with the meeting and the time it was recorded, if any."""

    outcome: Outcome
    meeting: Meeting | None = None
    at: datetime | None = None
    wait_minutes: int = 0  # LOCKED: how long until codes are accepted again

    @property
    def counted(self) -> bool:
        """The member is on the attendance list (now or from before)."""
        return self.outcome in (Outcome.PRESENT, Outcome.LATE, Outcome.ALREADY)


def window(meeting: Meeting, settings: MeetingSettings) -> tuple[datetime, datetime]:
    """When check-in opens and closes."""
    start = as_utc(meeting.starts_at)
    return (
        start - timedelta(minutes=settings.check_in_opens_minutes),
        start + timedelta(minutes=settings.check_in_closes_minutes),
    )


def check_in_by_code(
    session: Session, *, telegram_user_id: int, code: str, now: datetime, settings: MeetingSettings
) -> CheckIn:
    """Check in with the code shown at the meeting: for oneself, in one's cell, in the window."""
    member = member_of(session, telegram_user_id=telegram_user_id)
    if member is None or member.id is None:
        return CheckIn(Outcome.NOT_MEMBER)
    guard = _count_attempt(session, member.id, now)
    if guard.failures > MAX_WRONG_CODES:
        ends = as_utc(guard.window_start) + timedelta(minutes=LOCKOUT_MINUTES)
        wait = max(1, -(-int((ends - now).total_seconds()) // 60))
        return CheckIn(Outcome.LOCKED, wait_minutes=wait)
    result = _check_code(session, member, code, now, settings)
    if result.outcome != Outcome.WRONG_CODE:  # right, or no meeting to guess for: no failure
        guard.failures = 0 if result.counted else guard.failures - 1
        session.add(guard)
    return result


def _count_attempt(session: Session, member_id: int, now: datetime) -> CheckInGuard:
    """Count one failure for the member, locked until the transaction ends; a stale window
    starts again from this attempt."""
    bump = (
        update(CheckInGuard)
        .where(col(CheckInGuard.member_id) == member_id)
        .values(failures=col(CheckInGuard.failures) + 1)
    )
    if session.execute(bump).rowcount == 0:  # type: ignore[attr-defined]
        try:
            with session.begin_nested():
                session.add(CheckInGuard(member_id=member_id, failures=1, window_start=now))
        except IntegrityError:  # another attempt made the row first
            session.execute(bump)
    guard = session.exec(
        select(CheckInGuard)
        .where(col(CheckInGuard.member_id) == member_id)
        .execution_options(populate_existing=True)
    ).one()
    if as_utc(guard.window_start) <= now - timedelta(minutes=LOCKOUT_MINUTES):
        guard.failures, guard.window_start = 1, now
        session.add(guard)
        session.flush()
    return guard


def _count_meeting_attempt(session: Session, meeting: Meeting, now: datetime) -> MeetingCodeGuard:
    """Count one wrong code for the meeting before the code is compared (taken back if it is
    right), under the row's lock; a new minute starts the per-minute count again."""
    assert meeting.id is not None
    bump = (
        update(MeetingCodeGuard)
        .where(col(MeetingCodeGuard.meeting_id) == meeting.id)
        .values(
            failures=col(MeetingCodeGuard.failures) + 1,
            minute_failures=col(MeetingCodeGuard.minute_failures) + 1,
        )
    )
    if session.execute(bump).rowcount == 0:  # type: ignore[attr-defined]
        try:
            with session.begin_nested():
                session.add(
                    MeetingCodeGuard(
                        meeting_id=meeting.id, failures=1, minute_start=now, minute_failures=1
                    )
                )
        except IntegrityError:  # another attempt made the row first
            session.execute(bump)
    guard = session.exec(
        select(MeetingCodeGuard)
        .where(col(MeetingCodeGuard.meeting_id) == meeting.id)
        .execution_options(populate_existing=True)
    ).one()
    if as_utc(guard.minute_start) <= now - timedelta(minutes=1):
        guard.minute_start, guard.minute_failures = now, 1
        session.add(guard)
        session.flush()
    return guard


def _check_code(
    session: Session, member: Member, code: str, now: datetime, settings: MeetingSettings
) -> CheckIn:
    opens = now + timedelta(minutes=settings.check_in_opens_minutes)
    closes = now - timedelta(minutes=settings.check_in_closes_minutes)
    near = session.exec(
        select(Meeting)
        .where(
            col(Meeting.cell_id) == member.cell_id,
            col(Meeting.starts_at) <= opens + timedelta(hours=12),
            col(Meeting.starts_at) >= closes - timedelta(hours=12),
        )
        .order_by(col(Meeting.starts_at))
    ).all()
    scheduled = [m for m in near if m.state == MeetingState.SCHEDULED]
    live = [m for m in scheduled if window(m, settings)[0] <= now <= window(m, settings)[1]]
    if live:
        guard = _count_meeting_attempt(session, live[0], now)
        if (
            guard.failures > settings.wrong_codes_per_meeting
            or guard.minute_failures > settings.wrong_codes_per_minute
        ):
            guard.failures, guard.minute_failures = guard.failures - 1, guard.minute_failures - 1
            session.add(guard)
            return CheckIn(Outcome.CODES_PAUSED, live[0])
        for meeting in live:
            if code_valid(meeting, code, now, settings):
                guard.failures, guard.minute_failures = (
                    guard.failures - 1,
                    guard.minute_failures - 1,
                )
                session.add(guard)
                return _record(
                    session, meeting, member, method=Method.CODE, now=now, settings=settings
                )
        return CheckIn(Outcome.WRONG_CODE, live[0])
    if scheduled:  # a meeting near, but its window is not open
        meeting = min(scheduled, key=lambda m: abs(as_utc(m.starts_at) - now))
        early = now < window(meeting, settings)[0]
        return CheckIn(Outcome.TOO_EARLY if early else Outcome.TOO_LATE, meeting)
    if near:
        latest = near[-1]
        state = Outcome.CANCELLED if latest.state == MeetingState.CANCELLED else Outcome.CLOSED
        return CheckIn(state, latest)
    return CheckIn(Outcome.NO_MEETING)


def check_in_by_qr(
    session: Session,
    *,
    telegram_user_id: int,
    payload: str,
    now: datetime,
    settings: MeetingSettings,
) -> CheckIn:
    """Check in through a signed link from the QR code the secretary shows."""
    parsed = read_qr(payload)
    if parsed is None:
        return CheckIn(Outcome.QR_FORGED)
    meeting_id, expires, data, mac = parsed
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        return CheckIn(Outcome.QR_FORGED)
    expected = hmac.new(_key(meeting), data, hashlib.sha256).digest()[:_QR_MAC_BYTES]
    if not hmac.compare_digest(expected, mac):
        return CheckIn(Outcome.QR_FORGED)
    member = member_of(session, telegram_user_id=telegram_user_id)
    if member is None:
        return CheckIn(Outcome.NOT_MEMBER, meeting)
    if member.cell_id != meeting.cell_id:
        return CheckIn(Outcome.OTHER_CELL, meeting)
    if meeting.state == MeetingState.CANCELLED:
        return CheckIn(Outcome.CANCELLED, meeting)
    if meeting.state == MeetingState.CLOSED:
        return CheckIn(Outcome.CLOSED, meeting)
    if now > expires:
        return CheckIn(Outcome.QR_EXPIRED, meeting)
    opens, closes = window(meeting, settings)
    if now < opens:
        return CheckIn(Outcome.TOO_EARLY, meeting)
    if now > closes:
        return CheckIn(Outcome.TOO_LATE, meeting)
    return _record(session, meeting, member, method=Method.QR, now=now, settings=settings)


def _mark_for(meeting: Meeting, now: datetime, settings: MeetingSettings) -> Mark:
    late = as_utc(meeting.starts_at) + timedelta(minutes=settings.late_after_minutes)
    return Mark.LATE if now > late else Mark.PRESENT


def _record(
    session: Session,
    meeting: Meeting,
    member: Member,
    *,
    method: Method,
    now: datetime,
    settings: MeetingSettings,
    by: int | None = None,
    by_name: str | None = None,
    mark: Mark | None = None,
) -> CheckIn:
    assert meeting.id is not None
    if not hold_open(session, meeting.id):  # closed or cancelled since it was read
        session.refresh(meeting)
        closed = meeting.state == MeetingState.CLOSED
        return CheckIn(Outcome.CLOSED if closed else Outcome.CANCELLED, meeting)
    existing = attendance_of(session, meeting.id, member.id)
    if existing is not None:
        return CheckIn(Outcome.ALREADY, meeting, existing.checked_in_at)
    chosen = mark or _mark_for(meeting, now, settings)
    row = MeetingAttendance(
        meeting_id=meeting.id,
        member_id=member.id,
        member_name=member.full_name,
        member_role=members.describe_role(member),
        mark=chosen,
        method=method,
        checked_in_at=now,
        recorded_by=by,
        recorded_by_name=by_name,
    )
    try:
        # Added inside the savepoint: begin_nested() flushes what is pending before it.
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:  # checked in twice at the same moment: the first row stands
        # The savepoint's rollback already took the new row out of the session.
        found = attendance_of(session, meeting.id, member.id)
        return CheckIn(Outcome.ALREADY, meeting, found.checked_in_at if found else None)
    return CheckIn(Outcome(chosen.value), meeting, now)


def attendance_of(
    session: Session, meeting_id: int, member_id: int | None
) -> MeetingAttendance | None:
    return session.exec(
        select(MeetingAttendance).where(
            col(MeetingAttendance.meeting_id) == meeting_id,
            col(MeetingAttendance.member_id) == member_id,
        )
    ).first()


def record_by_hand(
    session: Session,
    *,
    meeting_id: int,
    name: str,
    late: bool,
    by: int,
    by_name: str,
    now: datetime,
    settings: MeetingSettings,
) -> tuple[Member, CheckIn]:
    """A secretary records a member present (or late) by hand, with who did it kept."""
    meeting = open_meeting(session, meeting_id)
    found = members.find_members(session, cell_id=meeting.cell_id, text=name)
    if len(found) > 1:
        raise MeetingError(mt.MEMBER_AMBIGUOUS.format(name=name.strip(), count=len(found)))
    if not found:
        raise MeetingError(mt.MEMBER_NOT_FOUND.format(name=name.strip()))
    member = found[0]
    mark = Mark.LATE if late else Mark.PRESENT
    starts = as_utc(meeting.starts_at)
    if late and now < starts:  # nobody is late before the meeting has begun
        raise MeetingError(
            mt.HAND_LATE_TOO_EARLY.format(
                start=f"{starts.astimezone(VIETNAM):%H:%M}", name=member.full_name
            )
        )
    result = _record(
        session,
        meeting,
        member,
        method=Method.MANUAL,
        now=now,
        settings=settings,
        by=by,
        by_name=by_name,
        mark=mark,
    )
    return member, result
