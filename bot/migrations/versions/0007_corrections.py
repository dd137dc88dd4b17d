"""Corrections of a closed meeting's marks with their trail (attendancecorrection), when the
secretary was sent each «Xin vắng» (meetingrsvp.told_at), and each member's STT in the cell's
roster sheet (member.roster_no).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy import inspect

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    found = inspect(op.get_bind())  # create_all may have made what follows
    if "roster_no" not in {c["name"] for c in found.get_columns("member")}:
        op.add_column("member", sa.Column("roster_no", sa.Integer(), nullable=True))
    if "told_at" not in {c["name"] for c in found.get_columns("meetingrsvp")}:
        op.add_column(
            "meetingrsvp", sa.Column("told_at", sa.DateTime(timezone=True), nullable=True)
        )
    if "attendancecorrection" in found.get_table_names():
        return
    op.create_table(
        "attendancecorrection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("attendance_id", sa.Integer(), nullable=False),
        sa.Column("member_name", sa.String(), nullable=False),
        sa.Column("old_mark", sa.String(16), nullable=False),
        sa.Column("old_reason", sa.Text(), nullable=True),
        sa.Column("old_method", sa.String(16), nullable=False),
        sa.Column("old_checked_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("old_recorded_by_name", sa.String(), nullable=True),
        sa.Column("new_mark", sa.String(16), nullable=False),
        sa.Column("new_reason", sa.Text(), nullable=True),
        sa.Column("why", sa.Text(), nullable=False),
        sa.Column("corrected_by", sa.BigInteger(), nullable=False),
        sa.Column("corrected_by_name", sa.String(), nullable=False),
        sa.Column("corrected_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["attendance_id"], ["meetingattendance.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_attendancecorrection_meeting_id", "attendancecorrection", ["meeting_id"])
    op.create_index(
        "ix_attendancecorrection_attendance_id", "attendancecorrection", ["attendance_id"]
    )


def downgrade() -> None:
    """Drop the trail (the marks as corrected stay in meetingattendance)."""
    op.drop_table("attendancecorrection")
    op.drop_column("meetingrsvp", "told_at")
    op.drop_column("member", "roster_no")
