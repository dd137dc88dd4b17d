"""Documents record where they came from (who added them, when, a note, whether their text is
a sample, unchecked or checked) and who may read them (shared, a đảng bộ, one cell).

Existing documents become shared and unchecked, except: files of the bundled sample corpus
(known by their bytes) become samples; minutes attached to a meeting and files a secretary
uploaded into their cell's folder become that cell's own.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy import inspect

from knowledge.provenance import sample_hashes

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = (
    sa.Column("trust", sa.String(16), nullable=False, server_default="unchecked"),
    sa.Column("added_by", sa.String(), nullable=False, server_default=""),
    sa.Column("added_by_user", sa.BigInteger(), nullable=True),
    sa.Column("source_note", sa.String(), nullable=True),
    sa.Column("checked_by", sa.String(), nullable=True),
    sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("scope", sa.String(16), nullable=False, server_default="shared"),
    sa.Column("scope_id", sa.Integer(), nullable=True),
)
_CELL_FOLDER = re.compile(r"[/\\]cell-(\d+)[/\\]")


def upgrade() -> None:
    bind = op.get_bind()
    present = {c["name"] for c in inspect(bind).get_columns("document")}
    for column in _COLUMNS:  # create_all may have made the table with them already
        if column.name not in present:
            op.add_column("document", column._copy())
    indexes = {i["name"] for i in inspect(bind).get_indexes("document")}
    for name, column_name in (
        ("ix_document_trust", "trust"),
        ("ix_document_scope", "scope"),
        ("ix_document_scope_id", "scope_id"),
    ):
        if name not in indexes:
            op.create_index(name, "document", [column_name])

    document = sa.table(
        "document",
        sa.column("id", sa.Integer),
        sa.column("source", sa.String),
        sa.column("content_hash", sa.String),
        sa.column("trust", sa.String),
        sa.column("scope", sa.String),
        sa.column("scope_id", sa.Integer),
    )
    meeting = sa.table(
        "meeting", sa.column("cell_id", sa.Integer), sa.column("minutes_source", sa.String)
    )
    samples = sorted(sample_hashes())
    bind.execute(
        document.update()
        .where(document.c.content_hash.in_(samples))
        .values(trust="sample", scope="shared", scope_id=None)
    )
    owners: dict[int, int] = {}
    for doc_id, source in bind.execute(sa.select(document.c.id, document.c.source)):
        match = _CELL_FOLDER.search(source)
        if match:
            owners[doc_id] = int(match.group(1))
    minutes = bind.execute(
        sa.select(document.c.id, meeting.c.cell_id).join(
            meeting, meeting.c.minutes_source == document.c.source
        )
    )
    for doc_id, cell_id in minutes:
        owners[doc_id] = cell_id
    for doc_id, cell_id in owners.items():
        bind.execute(
            document.update()
            .where(document.c.id == doc_id, document.c.trust != "sample")
            .values(scope="cell", scope_id=cell_id)
        )


def downgrade() -> None:
    for name in ("ix_document_scope_id", "ix_document_scope", "ix_document_trust"):
        op.drop_index(name, "document")
    with op.batch_alter_table("document") as batch:
        for column in reversed(_COLUMNS):
            batch.drop_column(column.name)
