"""SQLModel tables for documents, their passages and the numbers they cite."""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum

from sqlalchemy import JSON, BigInteger, Column, DateTime, ForeignKey, String, Text
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    """Timezone-aware now, for created/updated stamps."""
    return datetime.now(UTC)


class Trust(StrEnum):
    """How far a document's text can be trusted as the official one."""

    SAMPLE = "sample"  # written by this project to illustrate: never an official text
    UNCHECKED = "unchecked"  # added, not yet compared with the official text
    CHECKED = "checked"  # someone with rights on its scope confirmed it matches


class Scope(StrEnum):
    """Who may read a document: the whole deployment, one đảng bộ's cells, or one cell."""

    SHARED = "shared"  # chung: central and higher-level documents
    COMMITTEE = "committee"  # đảng bộ: the members of its cells
    CELL = "cell"  # chi bộ: its own members only


class DocumentBase(SQLModel):
    """What describes a document, independent of storage."""

    doc_type: str = Field(index=True, description="Chỉ thị, Nghị quyết, …, Bài viết")
    number: str | None = Field(default=None, index=True, description="Canonical, e.g. 05-CT/TW")
    issued_on: date | None = Field(default=None, index=True)
    issuer: str | None = Field(default=None, index=True)
    title: str


class Document(DocumentBase, table=True):
    """One ingested file."""

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(unique=True, description="Resolved path of the file it came from")
    file_name: str
    format: str
    encoding: str | None = None
    content_hash: str = Field(index=True, description="SHA-256 of the file's bytes")
    text: str = Field(sa_column=Column(Text, nullable=False))
    n_passages: int = 0
    ingested_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    # Provenance: who added it, from where, and whether its text was checked.
    trust: Trust = Field(
        default=Trust.UNCHECKED, sa_column=Column(String(16), nullable=False, index=True)
    )
    added_by: str = Field(default="", description="«dòng lệnh» or the member's name")
    added_by_user: int | None = Field(default=None, sa_column=Column(BigInteger))
    source_note: str | None = Field(default=None, description="A link or note on its origin")
    checked_by: str | None = None
    checked_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    # Who may read it (the ids are the bot's cells and đảng bộ; this layer only stores them).
    scope: Scope = Field(
        default=Scope.SHARED, sa_column=Column(String(16), nullable=False, index=True)
    )
    scope_id: int | None = Field(default=None, index=True)

    @property
    def year(self) -> int | None:
        """Year of issue, if known."""
        return self.issued_on.year if self.issued_on else None


class Passage(SQLModel, table=True):
    """A piece of a document that is embedded, searched and cited on its own."""

    # Stable 63-bit id derived from the document key, heading path and text, so that re-ingesting
    # the same document gives the same ids and the vector index can be updated incrementally.
    id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    document_id: int = Field(
        sa_column=Column(ForeignKey("document.id", ondelete="CASCADE"), index=True, nullable=False)
    )
    ordinal: int
    heading_path: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    text: str = Field(sa_column=Column(Text, nullable=False))
    folded: str = Field(sa_column=Column(Text, nullable=False))
    char_start: int = 0
    char_end: int = 0


class DocumentCitation(SQLModel, table=True):
    """A document number mentioned in a document's text."""

    document_id: int = Field(
        sa_column=Column(ForeignKey("document.id", ondelete="CASCADE"), primary_key=True)
    )
    number: str = Field(primary_key=True, index=True)
