"""Đảng bộ (committee): a table, its secretaries, and each cell's link to the one it belongs
to, whose documents its members read.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy import inspect

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    bind = op.get_bind()
    if "committee" not in set(inspect(bind).get_table_names()):  # create_all may have made it
        op.create_table(
            "committee",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("name", sa.String(), nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("name"),
        )
    if "committeesecretary" not in set(inspect(bind).get_table_names()):
        op.create_table(
            "committeesecretary",
            sa.Column("committee_id", sa.Integer(), nullable=False),
            sa.Column("telegram_user_id", sa.BigInteger(), nullable=False),
            sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
            sa.ForeignKeyConstraint(["committee_id"], ["committee.id"], ondelete="CASCADE"),
            sa.PrimaryKeyConstraint("committee_id", "telegram_user_id"),
        )
    if "committee_id" in {c["name"] for c in inspect(bind).get_columns("cell")}:
        return
    with op.batch_alter_table("cell") as batch:
        batch.add_column(sa.Column("committee_id", sa.Integer(), nullable=True))
        batch.create_index("ix_cell_committee_id", ["committee_id"])
        batch.create_foreign_key(
            "fk_cell_committee_id", "committee", ["committee_id"], ["id"], ondelete="SET NULL"
        )


def downgrade() -> None:
    with op.batch_alter_table("cell") as batch:
        batch.drop_constraint("fk_cell_committee_id", type_="foreignkey")
        batch.drop_index("ix_cell_committee_id")
        batch.drop_column("committee_id")
    op.drop_table("committeesecretary")
    op.drop_table("committee")
