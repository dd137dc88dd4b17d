"""The check-in lockout in the database: wrong codes per member (checkinguard) and per meeting
(meetingcodeguard).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy import inspect

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    present = set(inspect(op.get_bind()).get_table_names())  # create_all may have made them
    if "meetingcodeguard" not in present:
        op.create_table(
            "meetingcodeguard",
            sa.Column("meeting_id", sa.Integer(), nullable=False),
            sa.Column("failures", sa.Integer(), nullable=False),
            sa.Column("minute_start", sa.DateTime(timezone=True), nullable=False),
            sa.Column("minute_failures", sa.Integer(), nullable=False),
            sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"], ondelete="CASCADE"),
            sa.PrimaryKeyConstraint("meeting_id"),
        )
    if "checkinguard" in present:
        return
    op.create_table(
        "checkinguard",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("member_id"),
    )


def downgrade() -> None:
    """Drop the tables (the counts are lost; nobody stays locked out)."""
    op.drop_table("meetingcodeguard")
    op.drop_table("checkinguard")
