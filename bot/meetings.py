"""Cell meetings: scheduling, RSVPs, reminders, check-in, closing, the report, votes, history.

Every function takes the session keyword-only and leaves committing to the caller. Messages
to members (invitation, reminders, changes, the vote) are queued in the notices outbox
(bot/outbox.py), so they are paced, survive restarts and reach each member at most once.
Nothing here talks to Telegram.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import secrets
import struct
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from pydantic import Field
from sqlalchemy import case, func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot import meeting_texts as mt
from bot import members, notices
from bot.attendance_files import (
    AttendanceLine,
    MeetingSheet,
    MemberStat,
    MonthStat,
    RatePoint,
)
from bot.meeting_models import (
    Answer,
    Mark,
    Meeting,
    MeetingAttendance,
    MeetingKind,
    MeetingReminder,
    MeetingRsvp,
    MeetingState,
    MeetingTally,
    MeetingVoter,
    Method,
    Rating,
)
from bot.messages import split_html
from bot.models import Cell, Member, MemberStatus, as_utc
from bot.notice_models import Notice
from bot.when import VIETNAM
from knowledge.settings import Section
from knowledge.text import fold

QR_PREFIX = members.CHECK_IN_PREFIX
MAX_PLACE = 200
MAX_AGENDA = 2000
_QR_MAC_BYTES = 9


class MeetingSettings(Section):
    """How meetings run (config.yaml section ``meetings``)."""

    reminder_minutes: list[int] = Field(
        default_factory=lambda: [1440, 60],
        description="Reminders this many minutes before the start (1440 = one day).",
    )
    check_in_opens_minutes: int = Field(
        30, ge=0, le=24 * 60, description="Check-in opens this long before the start."
    )
    check_in_closes_minutes: int = Field(
        240, ge=1, le=24 * 60, description="…and closes this long after the start."
    )
    late_after_minutes: int = Field(
        15, ge=0, le=24 * 60, description="Checked in later than this after the start = late."
    )
    code_digits: int = Field(6, ge=4, le=8, description="Digits of the check-in code.")
    code_seconds: int = Field(60, ge=15, le=3600, description="The code changes this often.")
    qr_minutes: int = Field(5, ge=1, le=60, description="A check-in QR link works this long.")
    excused_in_denominator: bool = Field(
        True, description="Excused absences count in the rate's denominator (x/all members)."
    )
    anonymous_votes: bool = Field(True, description="Votes on meeting quality are secret.")
    max_schedule_days: int = Field(366, ge=1, le=731, description="How far ahead to schedule.")
    chart_meetings: int = Field(12, ge=2, le=36, description="Meetings in the attendance chart.")
    draft_minutes: int = Field(30, ge=1, le=24 * 60, description="An idle /hop draft is dropped.")


def meeting_settings(settings: object) -> MeetingSettings:
    """The ``meetings`` section of the bot's settings, or the defaults when it has none."""
    found = getattr(settings, "meetings", None)
    return found if isinstance(found, MeetingSettings) else MeetingSettings.model_validate({})


class MeetingError(Exception):
    """A meeting action that cannot be done as asked; the message is Vietnamese."""


# ----------------------------------------------------------------------------- scheduling


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
    _queue(
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


def _queue(
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


def _open(session: Session, meeting_id: int) -> Meeting:
    meeting = get(session, meeting_id=meeting_id)
    if meeting.state == MeetingState.CANCELLED:
        raise MeetingError(mt.MEETING_CANCELLED)
    if meeting.state == MeetingState.CLOSED:
        raise MeetingError(mt.MEETING_CLOSED)
    return meeting


class Change(StrEnum):
    """What a secretary may change of a scheduled meeting."""

    TIME = "time"
    PLACE = "place"
    AGENDA = "agenda"


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
    meeting = _open(session, meeting_id)
    before = mt.describe_meeting_line(meeting)
    if change == Change.TIME:
        assert isinstance(value, datetime)
        check_start(value, now=now, settings=settings)
        if meeting.title == default_title(MeetingKind(meeting.kind), meeting.starts_at):
            meeting.title = default_title(MeetingKind(meeting.kind), value)  # "tháng 12" follows
        meeting.starts_at = value
        reminders = session.exec(
            select(MeetingReminder).where(col(MeetingReminder.meeting_id) == meeting_id)
        ).all()
        for reminder in reminders:
            reminder.due_at = value - timedelta(minutes=reminder.minutes_before)
            # A reminder for the new time is owed even if one went out for the old time.
            reminder.fired_at, reminder.notice_id = None, None
            reminder.skipped = reminder.due_at <= now
            session.add(reminder)
    elif change == Change.PLACE:
        assert isinstance(value, str)
        check_text(place=value)
        meeting.place = value.strip()
    else:
        assert isinstance(value, str)
        check_text(agenda=value)
        meeting.agenda = value.strip()
    meeting.updated_at = now
    session.add(meeting)
    _queue(
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
    meeting = _open(session, meeting_id)
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
    _queue(
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


# ----------------------------------------------------------------------------- answers


def member_of(session: Session, *, telegram_user_id: int) -> Member | None:
    """The active member behind a Telegram account."""
    member = members.member_by_telegram(session, telegram_user_id=telegram_user_id)
    if member is None or member.status != MemberStatus.ACTIVE:
        return None
    return member


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
    meeting = _open(session, meeting_id)
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


# ----------------------------------------------------------------------------- reminders


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
    notice = _queue(
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


# ----------------------------------------------------------------------------- check-in


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


@dataclass(frozen=True)
class CheckIn:
    """A check-in's outcome, with the meeting and the time it was recorded, if any."""

    outcome: Outcome
    meeting: Meeting | None = None
    at: datetime | None = None

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
    if member is None:
        return CheckIn(Outcome.NOT_MEMBER)
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
    for meeting in live:
        if code_valid(meeting, code, now, settings):
            return _record(session, meeting, member, method=Method.CODE, now=now, settings=settings)
    if live:
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
    existing = _attendance(session, meeting.id, member.id)
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
        found = _attendance(session, meeting.id, member.id)
        return CheckIn(Outcome.ALREADY, meeting, found.checked_in_at if found else None)
    return CheckIn(Outcome(chosen.value), meeting, now)


def _attendance(
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
    meeting = _open(session, meeting_id)
    found = members.find_members(session, cell_id=meeting.cell_id, text=name)
    if len(found) > 1:
        raise MeetingError(mt.MEMBER_AMBIGUOUS.format(name=name.strip(), count=len(found)))
    if not found:
        raise MeetingError(mt.MEMBER_NOT_FOUND.format(name=name.strip()))
    member = found[0]
    mark = Mark.LATE if late else Mark.PRESENT
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


# ----------------------------------------------------------------------------- closing


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
    meeting = _open(session, meeting_id)
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
    _open_tally(session, meeting_id)
    _queue(
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


def sheet(session: Session, *, meeting_id: int, settings: MeetingSettings) -> MeetingSheet:
    """The attendance sheet: final once closed; before that, the check-ins so far, those who
    asked to be excused, and everyone else as not (yet) present."""
    meeting = get(session, meeting_id=meeting_id)
    cell = session.get(Cell, meeting.cell_id)
    rows = session.exec(
        select(MeetingAttendance).where(col(MeetingAttendance.meeting_id) == meeting_id)
    ).all()
    lines = [_line(r) for r in rows]
    if meeting.state != MeetingState.CLOSED:
        people = roll(session, cell_id=meeting.cell_id)
        counted = {r.member_id for r in rows}
        excused = excuses(session, meeting_id=meeting_id)
        lines += [
            AttendanceLine(person.full_name, members.describe_role(person), mark, reason=reason)
            for person, mark, reason in _not_checked_in(people, counted, excused)
        ]
    rule = meeting.excused_in_denominator
    return MeetingSheet(
        cell_name=cell.name if cell is not None else "",
        title=meeting.title,
        starts_at=as_utc(meeting.starts_at),
        place=meeting.place,
        lines=tuple(sorted(lines, key=lambda line: (_ORDER[line.mark], line.name))),
        excused_in_denominator=settings.excused_in_denominator if rule is None else rule,
    )


_ORDER = {Mark.PRESENT: 0, Mark.LATE: 1, Mark.EXCUSED: 2, Mark.ABSENT: 3}
METHOD_LABELS = {
    Method.CODE: mt.METHOD_CODE,
    Method.QR: mt.METHOD_QR,
    Method.MANUAL: mt.METHOD_MANUAL,
}


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


def rate_points(
    session: Session, *, cell_id: int, limit: int, settings: MeetingSettings
) -> list[RatePoint]:
    """Attendance of the cell's last ``limit`` closed meetings, oldest first (for the chart)."""
    closed = session.exec(
        select(Meeting)
        .where(col(Meeting.cell_id) == cell_id, col(Meeting.state) == MeetingState.CLOSED)
        .order_by(col(Meeting.starts_at).desc())
        .limit(limit)
    ).all()
    points = []
    for meeting in reversed(closed):
        assert meeting.id is not None
        found = sheet(session, meeting_id=meeting.id, settings=settings)
        local = as_utc(meeting.starts_at).astimezone(VIETNAM)
        label = f"{local.day:02d}/{local.month:02d}/{local.year % 100:02d}"
        points.append(RatePoint(label, found.rate, found.present, found.denominator))
    return points


# ----------------------------------------------------------------------------- votes


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
    row = _attendance(session, meeting_id, member.id) if member is not None else None
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
    _open_tally(session, meeting_id)
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


def _open_tally(session: Session, meeting_id: int) -> None:
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


# ----------------------------------------------------------------------------- minutes


def attach_minutes(session: Session, *, meeting_id: int, source: str) -> Meeting:
    """Link the ingested minutes (or the cell's resolution) to the meeting."""
    meeting = get(session, meeting_id=meeting_id)
    if meeting.state == MeetingState.CANCELLED:
        raise MeetingError(mt.MEETING_CANCELLED)
    meeting.minutes_source = source
    session.add(meeting)
    return meeting


# ----------------------------------------------------------------------------- history


@dataclass(frozen=True)
class Record:
    """One meeting in a member's own record."""

    title: str
    starts_at: datetime
    mark: Mark
    reason: str | None


def member_record(session: Session, *, member_id: int, since: datetime) -> list[Record]:
    """A member's attendance at closed meetings since ``since``, newest first."""
    rows = session.execute(
        select(MeetingAttendance, Meeting)
        .join(Meeting, col(Meeting.id) == col(MeetingAttendance.meeting_id))
        .where(
            col(MeetingAttendance.member_id) == member_id,
            col(Meeting.state) == MeetingState.CLOSED,
            col(Meeting.starts_at) >= since,
        )
        .order_by(col(Meeting.starts_at).desc())
    ).all()
    return [
        Record(meeting.title, as_utc(meeting.starts_at), Mark(row.mark), row.reason)
        for row, meeting in rows
    ]


def month_start(year: int, month: int) -> datetime:
    """00:00 on the 1st of a month in Vietnam's time."""
    return datetime(year, month, 1, tzinfo=VIETNAM)


def parse_period(args: Sequence[str], *, now: datetime) -> tuple[datetime, datetime]:
    """[start, end) from "" (the last 12 months), "2026" (a year), "5/2026" (a month) or
    "1/2026 6/2026" (months, inclusive)."""
    local = now.astimezone(VIETNAM)
    this_month = month_start(local.year, local.month)
    if not args:
        start = _shift(this_month, -11)
        return start, _shift(this_month, 1)
    months = [_month(a) for a in args[:2]]
    if len(args) > 2 or any(m is None for m in months):
        raise MeetingError(mt.PERIOD_INVALID)
    first = months[0]
    assert first is not None
    if len(months) == 1 and first[1] == 0:  # a whole year
        return month_start(first[0], 1), month_start(first[0] + 1, 1)
    last = months[-1]
    assert last is not None
    start = month_start(first[0], first[1] or 1)
    end = _shift(month_start(last[0], last[1] or 12), 1)
    if end <= start:
        raise MeetingError(mt.PERIOD_INVALID)
    return start, end


def _month(text: str) -> tuple[int, int] | None:
    parts = text.replace("-", "/").replace(".", "/").split("/")
    try:
        numbers = [int(p) for p in parts]
    except ValueError:
        return None
    if len(numbers) == 1 and 2000 <= numbers[0] <= 2100:
        return numbers[0], 0
    if len(numbers) == 2 and 1 <= numbers[0] <= 12 and 2000 <= numbers[1] <= 2100:
        return numbers[1], numbers[0]
    return None


def _shift(moment: datetime, months: int) -> datetime:
    index = moment.year * 12 + moment.month - 1 + months
    return month_start(index // 12, index % 12 + 1)


@dataclass
class _Tally:
    name: str
    role: str
    marks: dict[Mark, int]


@dataclass
class _Month:
    meetings: set[int]
    present: int = 0
    denominator: int = 0


def statistics(
    session: Session, *, cell_id: int, start: datetime, end: datetime, settings: MeetingSettings
) -> tuple[list[MemberStat], list[MonthStat]]:
    """Per member and per month figures of the cell's closed meetings in [start, end)."""
    # SQLite compares the stored UTC wall time, so bounds in Vietnam's time must become UTC.
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    rows = session.execute(
        select(MeetingAttendance, Meeting)
        .join(Meeting, col(Meeting.id) == col(MeetingAttendance.meeting_id))
        .where(
            col(Meeting.cell_id) == cell_id,
            col(Meeting.state) == MeetingState.CLOSED,
            col(Meeting.starts_at) >= start,
            col(Meeting.starts_at) < end,
        )
        .order_by(col(Meeting.starts_at))
    ).all()
    people: dict[tuple[int | None, str], _Tally] = {}
    months: dict[tuple[int, int], _Month] = {}
    for row, meeting in rows:
        mark = Mark(row.mark)
        person = people.setdefault(
            (row.member_id, row.member_name),
            _Tally(row.member_name, row.member_role, dict.fromkeys(Mark, 0)),
        )
        person.marks[mark] += 1
        local = as_utc(meeting.starts_at).astimezone(VIETNAM)
        month = months.setdefault((local.year, local.month), _Month(set()))
        month.meetings.add(meeting.id or 0)
        rule = meeting.excused_in_denominator
        counts_excused = settings.excused_in_denominator if rule is None else rule
        month.present += mark in (Mark.PRESENT, Mark.LATE)
        month.denominator += mark != Mark.EXCUSED or counts_excused
    member_stats = [
        MemberStat(
            name=p.name,
            role=p.role,
            meetings=sum(p.marks.values()),
            present=p.marks[Mark.PRESENT] + p.marks[Mark.LATE],
            late=p.marks[Mark.LATE],
            excused=p.marks[Mark.EXCUSED],
            absent=p.marks[Mark.ABSENT],
        )
        for p in sorted(people.values(), key=lambda p: fold(p.name))
    ]
    month_stats = [
        MonthStat(f"{month:02d}/{year}", len(m.meetings), m.present, m.denominator)
        for (year, month), m in sorted(months.items())
    ]
    return member_stats, month_stats


def days_ago(now: datetime, days: int) -> datetime:
    """``days`` before ``now``."""
    return now - timedelta(days=days)
