"""Tables of cell meetings: the meeting, RSVPs, attendance, reminders and the quality vote.

Unique constraints make the rules hold in the database itself, whatever races the handlers
run into: one RSVP, one attendance row and one vote per member and meeting, one firing per
reminder. A secret vote writes who voted (``meetingvoter``, unique) and adds to the counters of
``meetingtally``: no row of a single vote exists, and each vote rewrites all four counters of
the meeting, so neither row order nor row versions tell who chose what.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Column, ForeignKey, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.notice_models import _stamp


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
