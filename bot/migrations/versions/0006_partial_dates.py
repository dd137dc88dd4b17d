"""Dates a roster gives only in part («1985», «5/1985»), kept as written beside the full ones.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy import inspect

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("birth_written", "joined_written", "official_written")


def upgrade() -> None:
    present = {c["name"] for c in inspect(op.get_bind()).get_columns("member")}
    for name in COLUMNS:
        if name not in present:  # create_all may have made it
            op.add_column("member", sa.Column(name, sa.String(), nullable=True))


def downgrade() -> None:
    for name in COLUMNS:
        op.drop_column("member", name)
