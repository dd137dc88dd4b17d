"""Baseline: the schema create_all made before migrations (knowledge, bot and notice tables).

Revision ID: 0001
Revises:
Create Date: 2026-11-27

Written from the models in knowledge/models.py, bot/models.py and bot/notice_models.py. A database
that create_all made is adopted at this revision by bot.schema.migrate, so this must stay exactly
what create_all made: never edit it, add a revision instead. SQLModel's ``str`` columns are
VARCHAR without a length (``sa.String()``); its ``datetime`` columns are time zone aware.

When migrate adopts such a database it names the baseline tables already there in
``config.attributes["present_tables"]``, and only the missing ones are created (with this
revision's columns, not the models' newer ones). Every other run creates them all.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import context, op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _stamp(name: str, *, nullable: bool) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _present() -> frozenset[str]:
    return frozenset(context.config.attributes.get("present_tables", ()))


def _create_table(name: str, *elements: Any) -> None:
    if name not in _present():
        op.create_table(name, *elements)


def _create_index(name: str, table: str, columns: list[str]) -> None:
    if table not in _present():
        op.create_index(name, table, columns)


def upgrade() -> None:
    # --- knowledge: documents, passages, cited numbers
    _create_table(
        "document",
        sa.Column("doc_type", sa.String(), nullable=False),
        sa.Column("number", sa.String(), nullable=True),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.Column("issuer", sa.String(), nullable=True),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("file_name", sa.String(), nullable=False),
        sa.Column("format", sa.String(), nullable=False),
        sa.Column("encoding", sa.String(), nullable=True),
        sa.Column("content_hash", sa.String(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("n_passages", sa.Integer(), nullable=False),
        _stamp("ingested_at", nullable=False),
        _stamp("updated_at", nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source"),
    )
    _create_index("ix_document_content_hash", "document", ["content_hash"])
    _create_index("ix_document_doc_type", "document", ["doc_type"])
    _create_index("ix_document_issued_on", "document", ["issued_on"])
    _create_index("ix_document_issuer", "document", ["issuer"])
    _create_index("ix_document_number", "document", ["number"])

    _create_table(
        "passage",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("heading_path", sa.JSON(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("folded", sa.Text(), nullable=False),
        sa.Column("char_start", sa.Integer(), nullable=False),
        sa.Column("char_end", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    _create_index("ix_passage_document_id", "passage", ["document_id"])

    _create_table(
        "documentcitation",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("document_id", "number"),
    )
    _create_index("ix_documentcitation_number", "documentcitation", ["number"])

    # --- bot: cells, invites, members, questions, feedback, group chats
    _create_table(
        "cell",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("committee", sa.String(), nullable=True),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        _stamp("created_at", nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )

    _create_table(
        "invite",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cell_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=False),
        _stamp("created_at", nullable=False),
        _stamp("expires_at", nullable=False),
        _stamp("revoked_at", nullable=True),
        sa.Column("uses", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["cell_id"], ["cell.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    _create_index("ix_invite_cell_id", "invite", ["cell_id"])

    _create_table(
        "member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cell_id", sa.Integer(), nullable=False),
        sa.Column("full_name", sa.String(), nullable=False),
        sa.Column("folded_name", sa.String(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("party_status", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("telegram_user_id", sa.BigInteger(), nullable=True),
        sa.Column("telegram_username", sa.String(), nullable=True),
        sa.Column("in_roster", sa.Boolean(), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("joined_party_on", sa.Date(), nullable=True),
        sa.Column("official_on", sa.Date(), nullable=True),
        sa.Column("party_card", sa.String(), nullable=True),
        sa.Column("phone", sa.String(), nullable=True),
        sa.Column("note", sa.String(), nullable=True),
        sa.Column("invite_id", sa.Integer(), nullable=True),
        sa.Column("approved_by", sa.BigInteger(), nullable=True),
        _stamp("created_at", nullable=False),
        _stamp("updated_at", nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.ForeignKeyConstraint(["cell_id"], ["cell.id"], ondelete="CASCADE"),
        sa.UniqueConstraint("telegram_user_id"),
        sa.ForeignKeyConstraint(["invite_id"], ["invite.id"], ondelete="SET NULL"),
    )
    _create_index("ix_member_cell_id", "member", ["cell_id"])
    _create_index("ix_member_folded_name", "member", ["folded_name"])
    _create_index("ix_member_status", "member", ["status"])

    _create_table(
        "askedquestion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("telegram_user_id", sa.BigInteger(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("cited", sa.JSON(), nullable=False),
        sa.Column("not_found", sa.Boolean(), nullable=False),
        _stamp("created_at", nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    _create_index("ix_askedquestion_telegram_user_id", "askedquestion", ["telegram_user_id"])

    _create_table(
        "feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("telegram_user_id", sa.BigInteger(), nullable=False),
        sa.Column("helpful", sa.Boolean(), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("cited", sa.JSON(), nullable=False),
        _stamp("created_at", nullable=False),
        _stamp("reviewed_at", nullable=True),
        sa.Column("reviewed_by", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("question_id", "telegram_user_id"),
        sa.ForeignKeyConstraint(["question_id"], ["askedquestion.id"], ondelete="CASCADE"),
    )
    _create_index("ix_feedback_question_id", "feedback", ["question_id"])

    _create_table(
        "groupchat",
        sa.Column("chat_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("cell_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("linked_by", sa.BigInteger(), nullable=False),
        _stamp("linked_at", nullable=False),
        sa.ForeignKeyConstraint(["cell_id"], ["cell.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("chat_id"),
    )
    _create_index("ix_groupchat_cell_id", "groupchat", ["cell_id"])

    # --- notices: the notice, its outbox of deliveries, sender heartbeats
    _create_table(
        "notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cell_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.BigInteger(), nullable=False),
        sa.Column("sender_name", sa.String(), nullable=False),
        sa.Column("audience", sa.JSON(), nullable=False),
        sa.Column("audience_label", sa.String(), nullable=False),
        sa.Column("text_html", sa.Text(), nullable=False),
        sa.Column("parts", sa.JSON(), nullable=False),
        sa.Column("attachment_name", sa.String(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.Column("rounds", sa.Integer(), nullable=False),
        _stamp("send_at", nullable=False),
        _stamp("created_at", nullable=False),
        _stamp("finished_at", nullable=True),
        _stamp("cancelled_at", nullable=True),
        sa.Column("status_chat_id", sa.BigInteger(), nullable=True),
        sa.Column("status_message_id", sa.BigInteger(), nullable=True),
        _stamp("status_edited_at", nullable=True),
        sa.Column("status_digest", sa.String(), nullable=True),
        _stamp("changed_at", nullable=True),
        sa.ForeignKeyConstraint(["cell_id"], ["cell.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    _create_index("ix_notice_cell_id", "notice", ["cell_id"])
    _create_index("ix_notice_created_by", "notice", ["created_by"])
    _create_index("ix_notice_state", "notice", ["state"])

    _create_table(
        "noticedelivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("member_name", sa.String(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=True),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("origin_id", sa.Integer(), nullable=True),
        sa.Column("reply_to", sa.BigInteger(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("part", sa.Integer(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _stamp("due_at", nullable=False),
        sa.Column("worker_id", sa.String(length=64), nullable=True),
        _stamp("claimed_at", nullable=True),
        _stamp("sent_at", nullable=True),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("error", sa.String(), nullable=True),
        _stamp("read_at", nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("notice_id", "member_id", "round"),
        sa.ForeignKeyConstraint(["notice_id"], ["notice.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], ondelete="SET NULL"),
    )
    _create_index("ix_noticedelivery_notice_id", "noticedelivery", ["notice_id"])
    _create_index("ix_noticedelivery_due", "noticedelivery", ["state", "due_at"])

    _create_table(
        "noticeworker",
        sa.Column("worker_id", sa.String(length=64), nullable=False),
        sa.Column("host", sa.String(), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        _stamp("started_at", nullable=False),
        _stamp("heartbeat_at", nullable=False),
        _stamp("paused_until", nullable=True),
        sa.PrimaryKeyConstraint("worker_id"),
    )
    _create_index("ix_noticeworker_heartbeat_at", "noticeworker", ["heartbeat_at"])


def downgrade() -> None:
    # Children before parents; indexes go with their tables.
    for table in (
        "noticeworker",
        "noticedelivery",
        "notice",
        "groupchat",
        "feedback",
        "askedquestion",
        "member",
        "invite",
        "cell",
        "documentcitation",
        "passage",
        "document",
    ):
        op.drop_table(table)
