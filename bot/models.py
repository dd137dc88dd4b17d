"""SQLModel tables of the cell's own domain: cells, members, invites, questions and feedback."""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, ForeignKey, String, Text, UniqueConstraint
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


class Cell(SQLModel, table=True):
    """A chi bộ hosted by this deployment."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, description="Chi bộ Xí nghiệp Xe buýt số 1")
    committee: str | None = Field(default=None, description="The đảng bộ it belongs to")
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
    birth_date: date | None = None
    joined_party_on: date | None = None
    official_on: date | None = None
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
