"""SQLModel tables of the cell's own domain, one module for every feature.

Members: cells, members, invites, groups. Answers: asked questions and feedback. Notices: the
notice, one delivery row per recipient (the outbox), sender heartbeats — a delivery moves
``pending → claimed → sending → sent`` one committed step at a time, so that any crash leaves a
row whose state says exactly what may have happened to it (see bot/telegram/sender.py).
Meetings: the meeting, RSVPs, attendance, reminders and the quality vote. Unique constraints
make the rules hold in the database itself, whatever races the handlers run into: one RSVP, one
attendance row and one vote per member and meeting, one firing per reminder. A secret vote
writes who voted (``meetingvoter``, unique) and adds to the counters of ``meetingtally``: no row
of a single vote exists, and each vote rewrites all four counters of the meeting, so neither row
order nor row versions tell who chose what.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from knowledge.models import utcnow


class Role(StrEnum):
    """A member's office in the cell."""

    SECRETARY = "bi_thu"
    DEPUTY = "pho_bi_thu"
    COMMITTEE = "chi_uy_vien"
    MEMBER = "dang_vien"


class PartyStatus(StrEnum):
    """Full (chính thức) or probationary (dự bị) Party membership."""

    FULL = "chinh_thuc"
    PROBATIONARY = "du_bi"


class MemberStatus(StrEnum):
    """Where a member stands: asked to join, in the cell, or gone."""

    PENDING = "pending"
    ACTIVE = "active"
    LEFT = "left"


SECRETARY_ROLES = frozenset({Role.SECRETARY, Role.DEPUTY})


def as_utc(value: datetime) -> datetime:
    """SQLite hands datetimes back naive; they were stored in UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


class Committee(SQLModel, table=True):
    """A đảng bộ an admin groups cells under: its documents are read by its cells' members."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, description="Đảng bộ Công ty Cổ phần Vận tải Hàm Rồng")
    created_at: datetime = Field(default_factory=utcnow)


class CommitteeSecretary(SQLModel, table=True):
    """Someone the admin made a secretary of a đảng bộ: they add and manage its documents."""

    committee_id: int = Field(
        sa_column=Column(ForeignKey("committee.id", ondelete="CASCADE"), primary_key=True)
    )
    telegram_user_id: int = Field(sa_column=Column(BigInteger, primary_key=True))
    granted_at: datetime = Field(default_factory=utcnow)


class Cell(SQLModel, table=True):
    """A chi bộ hosted by this deployment."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, description="Chi bộ Xí nghiệp Xe buýt số 1")
    committee: str | None = Field(default=None, description="The đảng bộ it belongs to")
    committee_id: int | None = Field(
        default=None,
        sa_column=Column(
            ForeignKey("committee.id", ondelete="SET NULL"), nullable=True, index=True
        ),
        description="The đảng bộ whose documents its members read",
    )
    created_by: int | None = Field(default=None, sa_column=Column(BigInteger))
    created_at: datetime = Field(default_factory=utcnow)


class Member(SQLModel, table=True):
    """A Party member of a cell: a roster row, a Telegram account, or both once linked."""

    id: int | None = Field(default=None, primary_key=True)
    cell_id: int = Field(
        sa_column=Column(ForeignKey("cell.id", ondelete="CASCADE"), index=True, nullable=False)
    )
    full_name: str = Field(default="", description="Empty while a join request awaits the name")
    folded_name: str = Field(default="", index=True, description="For matching roster rows")
    role: Role = Field(default=Role.MEMBER, sa_column=Column(String(16), nullable=False))
    party_status: PartyStatus = Field(
        default=PartyStatus.FULL, sa_column=Column(String(16), nullable=False)
    )
    status: MemberStatus = Field(
        default=MemberStatus.ACTIVE, sa_column=Column(String(16), nullable=False, index=True)
    )
    telegram_user_id: int | None = Field(
        default=None, sa_column=Column(BigInteger, unique=True, nullable=True)
    )
    telegram_username: str | None = None
    in_roster: bool = Field(default=False, description="Imported from the cell's roster sheet")
    roster_no: int | None = Field(
        default=None, description="STT in the cell's roster sheet: the order of its lists"
    )
    birth_date: date | None = None
    joined_party_on: date | None = None
    official_on: date | None = None
    # A date the roster gives only in part («1985», «5/1985»), kept as written.
    birth_written: str | None = None
    joined_written: str | None = None
    official_written: str | None = None
    party_card: str | None = None
    phone: str | None = None
    note: str | None = None
    invite_id: int | None = Field(default=None, foreign_key="invite.id", ondelete="SET NULL")
    approved_by: int | None = Field(default=None, sa_column=Column(BigInteger))
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)

    @property
    def is_secretary(self) -> bool:
        """Bí thư or phó bí thư of an active membership."""
        return self.status == MemberStatus.ACTIVE and self.role in SECRETARY_ROLES


class Invite(SQLModel, table=True):
    """A deep-link invitation to a cell; only the token's hash is stored."""

    id: int | None = Field(default=None, primary_key=True)
    cell_id: int = Field(
        sa_column=Column(ForeignKey("cell.id", ondelete="CASCADE"), index=True, nullable=False)
    )
    token_hash: str = Field(unique=True)
    role: Role = Field(default=Role.MEMBER, sa_column=Column(String(16), nullable=False))
    created_by: int = Field(sa_column=Column(BigInteger, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    revoked_at: datetime | None = None
    uses: int = 0

    def usable(self, now: datetime) -> bool:
        """Neither revoked nor expired."""
        return self.revoked_at is None and as_utc(self.expires_at) > now


class AskedQuestion(SQLModel, table=True):
    """A question and the passages its answer cited; buttons refer to it after a restart."""

    id: int | None = Field(default=None, primary_key=True)
    telegram_user_id: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    text: str = Field(sa_column=Column(Text, nullable=False))
    cited: list[dict[str, Any]] = Field(
        default_factory=list,
        sa_column=Column(JSON, nullable=False),
        description="[{source, passage_id, citation, quote}] as shown",
    )
    not_found: bool = False
    created_at: datetime = Field(default_factory=utcnow)


class Feedback(SQLModel, table=True):
    """👍 / 👎 on an answer, kept with the question and what it cited for review."""

    __table_args__ = (UniqueConstraint("question_id", "telegram_user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    question_id: int = Field(
        sa_column=Column(
            ForeignKey("askedquestion.id", ondelete="CASCADE"), index=True, nullable=False
        )
    )
    telegram_user_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    helpful: bool
    question: str = Field(sa_column=Column(Text, nullable=False))
    cited: list[dict[str, Any]] = Field(
        default_factory=list,
        sa_column=Column(JSON, nullable=False),
        description="Copied from the question, so a review survives re-ingesting",
    )
    created_at: datetime = Field(default_factory=utcnow)
    reviewed_at: datetime | None = None
    reviewed_by: int | None = Field(default=None, sa_column=Column(BigInteger))


class GroupChat(SQLModel, table=True):
    """A Telegram group a secretary declared to be the cell's own."""

    chat_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    cell_id: int = Field(
        sa_column=Column(ForeignKey("cell.id", ondelete="CASCADE"), index=True, nullable=False)
    )
    title: str = ""
    linked_by: int = Field(sa_column=Column(BigInteger, nullable=False))
    linked_at: datetime = Field(default_factory=utcnow)


def _stamp(*, nullable: bool = True, index: bool = False) -> Any:
    # Time zone aware on PostgreSQL (timestamptz); SQLite stores the UTC wall time.
    column = Column(DateTime(timezone=True), nullable=nullable, index=index)
    if nullable:
        return Field(default=None, sa_column=column)
    return Field(default_factory=utcnow, sa_column=column)


class NoticeState(StrEnum):
    """Whether a notice still has deliveries to make."""

    QUEUED = "queued"  # waiting for its send time, or sending
    DONE = "done"  # every delivery reached a final state
    CANCELLED = "cancelled"  # stopped by the secretary; sent messages stay sent


class DeliveryState(StrEnum):
    """Where one recipient's copy stands."""

    PENDING = "pending"  # due at due_at; nothing attempted since the last final answer
    CLAIMED = "claimed"  # reserved by a worker, not yet attempted: safe to hand back
    SENDING = "sending"  # the request may be on its way to Telegram
    SENT = "sent"  # Telegram accepted every part
    FAILED = "failed"  # refused (400) or gave up after transient errors; error says why
    UNREACHABLE = "unreachable"  # blocked the bot, never started it, deleted, or no account
    UNCERTAIN = "uncertain"  # the sender died (or the connection broke) mid-request
    CANCELLED = "cancelled"  # the notice was cancelled before this copy went out


OPEN_STATES = (DeliveryState.PENDING, DeliveryState.CLAIMED, DeliveryState.SENDING)


class AudienceKind(StrEnum):
    """Who in the chosen cells receives a notice."""

    CELL = "cell"  # every active member
    COMMITTEE = "committee"  # the cell committee: bí thư, phó bí thư, chi ủy viên
    ROLE = "role"  # members holding one role


class Notice(SQLModel, table=True):
    """A notice a secretary (or an admin) broadcast, with what it looks like and who gets it."""

    id: int | None = Field(default=None, primary_key=True)
    cell_id: int | None = Field(
        default=None,
        sa_column=Column(ForeignKey("cell.id", ondelete="SET NULL"), index=True, nullable=True),
        description="The sender's cell; None for an admin's notice to several cells",
    )
    created_by: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    sender_name: str = ""
    audience: dict[str, Any] = Field(
        default_factory=dict,
        sa_column=Column(JSON, nullable=False),
        description="{kind, cell_ids, role}",
    )
    audience_label: str = ""
    text_html: str = Field(sa_column=Column(Text, nullable=False))
    parts: list[dict[str, Any]] = Field(
        default_factory=list,
        sa_column=Column(JSON, nullable=False),
        description="[{kind: text|photo|document, html, file_id}] exactly as sent",
    )
    attachment_name: str | None = None
    state: NoticeState = Field(
        default=NoticeState.QUEUED, sa_column=Column(String(16), nullable=False, index=True)
    )
    recipients: int = 0
    rounds: int = Field(default=0, description="Reminder rounds started (0 = the notice itself)")
    send_at: datetime = _stamp(nullable=False)
    created_at: datetime = _stamp(nullable=False)
    finished_at: datetime | None = _stamp()
    cancelled_at: datetime | None = _stamp()
    status_chat_id: int | None = Field(default=None, sa_column=Column(BigInteger))
    status_message_id: int | None = Field(default=None, sa_column=Column(BigInteger))
    status_edited_at: datetime | None = _stamp()
    status_digest: str | None = None
    changed_at: datetime | None = _stamp()
    buttons: str | None = Field(
        default=None,
        sa_column=Column(String(32), nullable=True),
        description="Keyboard of a meeting message (rsvp:<id>, vote:<id>); None = «Đã đọc»",
    )


class NoticeDelivery(SQLModel, table=True):
    """One recipient's copy of a notice (round 0) or of a reminder (round ≥ 1): the outbox row."""

    __tablename__ = "noticedelivery"
    __table_args__ = (
        UniqueConstraint("notice_id", "member_id", "round"),
        Index("ix_noticedelivery_due", "state", "due_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    notice_id: int = Field(
        sa_column=Column(ForeignKey("notice.id", ondelete="CASCADE"), index=True, nullable=False)
    )
    member_id: int | None = Field(
        default=None,
        sa_column=Column(ForeignKey("member.id", ondelete="SET NULL"), nullable=True),
    )
    member_name: str = Field(default="", description="Kept for the report if the member goes")
    chat_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    round: int = 0
    origin_id: int | None = Field(
        default=None, description="For a reminder: the round-0 delivery its read button confirms"
    )
    reply_to: int | None = Field(default=None, sa_column=Column(BigInteger))
    state: DeliveryState = Field(
        default=DeliveryState.PENDING, sa_column=Column(String(16), nullable=False)
    )
    part: int = Field(default=0, description="Index of the next part to send")
    attempts: int = 0
    due_at: datetime = _stamp(nullable=False)
    worker_id: str | None = Field(default=None, sa_column=Column(String(64), nullable=True))
    claimed_at: datetime | None = _stamp()
    sent_at: datetime | None = _stamp()
    message_id: int | None = Field(default=None, sa_column=Column(BigInteger))
    error: str | None = None
    read_at: datetime | None = _stamp()


class NoticeWorker(SQLModel, table=True):
    """A running sender: its heartbeat tells others it is alive and shares a 429 pause."""

    __tablename__ = "noticeworker"

    worker_id: str = Field(sa_column=Column(String(64), primary_key=True))
    host: str = ""
    pid: int = 0
    started_at: datetime = _stamp(nullable=False)
    heartbeat_at: datetime = _stamp(nullable=False, index=True)
    paused_until: datetime | None = _stamp()


class Change(StrEnum):
    """What a secretary may change of a scheduled meeting."""

    TIME = "time"
    PLACE = "place"
    AGENDA = "agenda"


class MeetingKind(StrEnum):
    """Monthly (thường kỳ) or thematic (chuyên đề) meeting."""

    REGULAR = "thuong_ky"
    THEMATIC = "chuyen_de"


class MeetingState(StrEnum):
    """A meeting's life: scheduled, then closed (report made) or cancelled."""

    SCHEDULED = "scheduled"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class Answer(StrEnum):
    """A member's answer to the invitation."""

    ATTEND = "attend"  # Sẽ dự
    EXCUSED = "excused"  # Xin vắng (with a reason)


class Mark(StrEnum):
    """Attendance as the report counts it."""

    PRESENT = "present"
    LATE = "late"
    EXCUSED = "excused"
    ABSENT = "absent"


class Method(StrEnum):
    """How an attendance row came to be."""

    CODE = "code"
    QR = "qr"
    MANUAL = "manual"  # recorded by a secretary
    CLOSING = "closing"  # excused or absent, written when the meeting was closed


class Rating(StrEnum):
    """Meeting quality per Hướng dẫn 12-HD/BTCTW: Tốt, Khá, Trung bình, Kém."""

    GOOD = "tot"
    FAIR = "kha"
    AVERAGE = "trung_binh"
    POOR = "kem"


def _cascade(table: str) -> Any:
    return Column(ForeignKey(f"{table}.id", ondelete="CASCADE"), index=True, nullable=False)


class Meeting(SQLModel, table=True):
    """One meeting of a cell, from scheduling to its report."""

    id: int | None = Field(default=None, primary_key=True)
    cell_id: int = Field(sa_column=_cascade("cell"))
    kind: MeetingKind = Field(sa_column=Column(String(16), nullable=False))
    title: str = Field(description="«Sinh hoạt chi bộ thường kỳ tháng 12/2026»")
    starts_at: datetime = _stamp(nullable=False, index=True)
    place: str = ""
    agenda: str = Field(default="", sa_column=Column(Text, nullable=False))
    readings: list[dict[str, Any]] = Field(
        default_factory=list,
        sa_column=Column(JSON, nullable=False),
        description="[{source, label}] documents to read beforehand",
    )
    state: MeetingState = Field(
        default=MeetingState.SCHEDULED, sa_column=Column(String(16), nullable=False, index=True)
    )
    secret: str = Field(description="Key of the rotating check-in code and the signed QR links")
    created_by: int = Field(sa_column=Column(BigInteger, nullable=False))
    created_at: datetime = _stamp(nullable=False)
    updated_at: datetime = _stamp(nullable=False)
    closed_at: datetime | None = _stamp()
    cancelled_at: datetime | None = _stamp()
    cancel_reason: str | None = None
    excused_in_denominator: bool | None = Field(
        default=None,
        sa_column=Column(Boolean, nullable=True),
        description="How the rate was counted when closed (the setting may change later)",
    )
    minutes_source: str | None = Field(default=None, description="Ingested minutes (document)")
    panel_chat_id: int | None = Field(default=None, sa_column=Column(BigInteger))
    panel_message_id: int | None = Field(default=None, sa_column=Column(BigInteger))


class MeetingRsvp(SQLModel, table=True):
    """A member's answer to the invitation; the latest answer counts."""

    __tablename__ = "meetingrsvp"
    __table_args__ = (UniqueConstraint("meeting_id", "member_id"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(sa_column=_cascade("meeting"))
    member_id: int = Field(sa_column=_cascade("member"))
    answer: Answer = Field(sa_column=Column(String(16), nullable=False))
    reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    answered_at: datetime = _stamp(nullable=False)
    told_at: datetime | None = _stamp()  # when the secretary was sent this «Xin vắng»


class MeetingAttendance(SQLModel, table=True):
    """Who attended (or, once closed, was excused or absent): one row per member and meeting."""

    __tablename__ = "meetingattendance"
    __table_args__ = (UniqueConstraint("meeting_id", "member_id"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(sa_column=_cascade("meeting"))
    member_id: int | None = Field(
        default=None,
        sa_column=Column(ForeignKey("member.id", ondelete="SET NULL"), nullable=True),
    )
    member_name: str = Field(default="", description="Kept for history if the member goes")
    member_role: str = ""
    mark: Mark = Field(sa_column=Column(String(16), nullable=False))
    method: Method = Field(sa_column=Column(String(16), nullable=False))
    checked_in_at: datetime | None = _stamp()
    recorded_by: int | None = Field(
        default=None, sa_column=Column(BigInteger), description="Telegram id of who recorded it"
    )
    recorded_by_name: str | None = None
    reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class AttendanceCorrection(SQLModel, table=True):
    """A secretary's correction of a mark after the meeting was closed.

    The attendance row holds the mark as it is now; the corrections of a member, oldest first,
    hold the trail: who changed what, when and why. The oldest one's ``old_*`` values are the
    mark the meeting was closed with, so the original report can always be rebuilt."""

    __tablename__ = "attendancecorrection"

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(sa_column=_cascade("meeting"))
    attendance_id: int = Field(sa_column=_cascade("meetingattendance"))
    member_name: str = ""
    old_mark: Mark = Field(sa_column=Column(String(16), nullable=False))
    old_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    old_method: Method = Field(sa_column=Column(String(16), nullable=False))
    old_checked_in_at: datetime | None = _stamp()
    old_recorded_by_name: str | None = None
    new_mark: Mark = Field(sa_column=Column(String(16), nullable=False))
    new_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    why: str = Field(sa_column=Column(Text, nullable=False))
    corrected_by: int = Field(sa_column=Column(BigInteger, nullable=False))
    corrected_by_name: str = ""
    corrected_at: datetime = _stamp(nullable=False)


class MeetingReminder(SQLModel, table=True):
    """One reminder of a meeting; fired (its notice queued) once, whatever restarts happen."""

    __tablename__ = "meetingreminder"
    __table_args__ = (UniqueConstraint("meeting_id", "minutes_before"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(sa_column=_cascade("meeting"))
    minutes_before: int
    due_at: datetime = _stamp(nullable=False, index=True)
    fired_at: datetime | None = _stamp()
    notice_id: int | None = Field(
        default=None,
        sa_column=Column(ForeignKey("notice.id", ondelete="SET NULL"), nullable=True),
    )
    skipped: bool = Field(default=False, description="Due while the bot was down, too late")


class MeetingVoter(SQLModel, table=True):
    """That a member rated a meeting (and, for an open vote, what)."""

    __tablename__ = "meetingvoter"
    __table_args__ = (UniqueConstraint("meeting_id", "member_id"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(sa_column=_cascade("meeting"))
    member_id: int = Field(sa_column=_cascade("member"))
    rating: Rating | None = Field(
        default=None, sa_column=Column(String(16), nullable=True), description="Open votes only"
    )


class MeetingTally(SQLModel, table=True):
    """How many votes a rating of a meeting has (four rows per closed meeting)."""

    __tablename__ = "meetingtally"

    meeting_id: int = Field(
        sa_column=Column(
            ForeignKey("meeting.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
        )
    )
    rating: Rating = Field(sa_column=Column(String(16), primary_key=True))
    votes: int = 0


class CheckInGuard(SQLModel, table=True):
    """Wrong check-in codes a member typed in the current lockout window.

    One row per member, updated in the same transaction that checks the code, so the count
    holds across restarts and bot processes (bot.meetings.checkin).
    """

    __tablename__ = "checkinguard"

    member_id: int = Field(
        sa_column=Column(ForeignKey("member.id", ondelete="CASCADE"), primary_key=True)
    )
    failures: int = Field(default=0)
    window_start: datetime = _stamp(nullable=False)


class MeetingCodeGuard(SQLModel, table=True):
    """Wrong check-in codes compared for one meeting: in all, and in the current minute.

    Caps every member's guesses together (bot.meetings.checkin), so the odds of guessing a
    code over a meeting's whole check-in window stay bounded whoever guesses."""

    __tablename__ = "meetingcodeguard"

    meeting_id: int = Field(
        sa_column=Column(ForeignKey("meeting.id", ondelete="CASCADE"), primary_key=True)
    )
    failures: int = Field(default=0)
    minute_start: datetime = _stamp(nullable=False)
    minute_failures: int = Field(default=0)
