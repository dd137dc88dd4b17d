"""Tables of notices: the notice, one delivery row per recipient (the outbox), sender heartbeats.

A delivery moves ``pending → claimed → sending → sent`` one committed step at a time, so that
any crash leaves a row whose state says exactly what may have happened to it (see bot/outbox.py).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
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
