"""Who may read a document: the rule every path applies (retrieval, listings, buttons, files).

A reader sees the deployment's shared documents, their đảng bộ's (if their cell belongs to one)
and their own cell's, nothing else. The ids are the bot's cells and đảng bộ; this layer only
compares them.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, false, or_, true
from sqlmodel import col

from knowledge.models import Document, Scope


@dataclass(frozen=True)
class Readable:
    """What one reader may read. ``Readable()`` is the shared documents only (the CLI's
    default); a member's is ``Readable(cell_id=…, committee_id=…)``."""

    cell_id: int | None = None
    committee_id: int | None = None
    # The server's operator at the command line (`--all`): every scope. Never a member.
    everything: bool = False

    def allows(self, scope: str, scope_id: int | None) -> bool:
        """True if a document of this scope may be shown to this reader."""
        if self.everything or scope == Scope.SHARED:
            return True
        if scope == Scope.CELL:
            return self.cell_id is not None and scope_id == self.cell_id
        if scope == Scope.COMMITTEE:
            return self.committee_id is not None and scope_id == self.committee_id
        return False  # a scope this code does not know is nobody's

    def may_read(self, document: Document) -> bool:
        """``allows`` for a stored document."""
        return self.allows(document.scope, document.scope_id)

    def clause(self) -> ColumnElement[bool]:
        """The same rule as a WHERE clause on Document."""
        if self.everything:
            return true()
        parts = [col(Document.scope) == Scope.SHARED]
        if self.cell_id is not None:
            parts.append(
                and_(col(Document.scope) == Scope.CELL, col(Document.scope_id) == self.cell_id)
            )
        if self.committee_id is not None:
            parts.append(
                and_(
                    col(Document.scope) == Scope.COMMITTEE,
                    col(Document.scope_id) == self.committee_id,
                )
            )
        return or_(false(), *parts)


SHARED = Readable()
EVERYTHING = Readable(everything=True)
