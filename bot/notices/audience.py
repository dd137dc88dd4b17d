"""Who receives a notice, and the notice with one delivery row per recipient."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from bot.models import (
    AudienceKind,
    Cell,
    DeliveryState,
    Member,
    MemberStatus,
    Notice,
    NoticeDelivery,
)
from bot.notices import texts as nt
from bot.notices.compose import COMMITTEE_ROLES, NO_ACCOUNT, Audience, NoticeError


@dataclass(frozen=True)
class Plan:
    """Who a notice would reach, for the preview."""

    reachable: int
    without_account: list[str]
    label: str


def audience_members(
    session: Session, *, audience: Audience, exclude_telegram_id: int | None
) -> list[Member]:
    """Active members the audience covers, the sender left out (they get the status instead)."""
    query = select(Member).where(
        col(Member.cell_id).in_(audience.cell_ids), col(Member.status) == MemberStatus.ACTIVE
    )
    if audience.kind == AudienceKind.COMMITTEE:
        query = query.where(col(Member.role).in_([str(r) for r in COMMITTEE_ROLES]))
    elif audience.kind == AudienceKind.ROLE and audience.role is not None:
        query = query.where(col(Member.role) == audience.role)
    members = session.exec(query.order_by(col(Member.cell_id), col(Member.folded_name))).all()
    return [
        m
        for m in members
        if exclude_telegram_id is None or m.telegram_user_id != exclude_telegram_id
    ]


def audience_label(session: Session, *, audience: Audience) -> str:
    """ "Cả chi bộ Xe buýt số 1", "Chi ủy · 3 chi bộ", …"""
    cells = session.exec(select(Cell).where(col(Cell.id).in_(audience.cell_ids))).all()
    names = [c.name for c in sorted(cells, key=lambda c: c.name)]
    return nt.audience_label(audience.kind, audience.role, names)


def plan(session: Session, *, audience: Audience, exclude_telegram_id: int | None) -> Plan:
    """How many members a notice would reach, and who has no Telegram account linked."""
    members = audience_members(session, audience=audience, exclude_telegram_id=exclude_telegram_id)
    reachable = sum(1 for m in members if m.telegram_user_id is not None)
    missing = [m.full_name for m in members if m.telegram_user_id is None]
    return Plan(reachable, missing, audience_label(session, audience=audience))


def create_notice(
    session: Session,
    *,
    created_by: int,
    sender_name: str,
    cell_id: int | None,
    audience: Audience,
    body: str,
    parts: list[dict[str, Any]],
    attachment_name: str | None,
    send_at: datetime,
    now: datetime,
    status_chat_id: int | None = None,
    status_message_id: int | None = None,
) -> Notice:
    """The notice and its outbox: one pending delivery per reachable member, due at send_at.

    Members without a Telegram account get a delivery marked unreachable, so the report names
    them; NoticeError when nobody at all can receive it.
    """
    members = audience_members(session, audience=audience, exclude_telegram_id=created_by)
    if not any(m.telegram_user_id is not None for m in members):
        raise NoticeError(nt.NO_RECIPIENTS)
    return queue_to_members(
        session,
        members=members,
        created_by=created_by,
        sender_name=sender_name,
        cell_id=cell_id,
        label=audience_label(session, audience=audience),
        body=body,
        parts=parts,
        attachment_name=attachment_name,
        audience=audience.to_json(),
        send_at=send_at,
        now=now,
        status_chat_id=status_chat_id,
        status_message_id=status_message_id,
    )


def queue_to_members(
    session: Session,
    *,
    members: Sequence[Member],
    created_by: int,
    sender_name: str,
    cell_id: int | None,
    label: str,
    body: str,
    parts: list[dict[str, Any]],
    send_at: datetime,
    now: datetime,
    attachment_name: str | None = None,
    audience: dict[str, Any] | None = None,
    buttons: str | None = None,
    status_chat_id: int | None = None,
    status_message_id: int | None = None,
) -> Notice:
    """A notice to these members: one pending delivery each (unreachable without an account).

    ``parts`` are the messages as sent (``body`` is kept for the report); ``buttons`` names the
    keyboard of a meeting message (bot.meetings.texts.buttons_markup) instead of «Đã đọc».
    """
    notice = Notice(
        cell_id=cell_id,
        created_by=created_by,
        sender_name=sender_name,
        audience=audience or {},
        audience_label=label,
        text_html=body,
        parts=parts,
        attachment_name=attachment_name,
        recipients=len(members),
        send_at=max(send_at, now),
        created_at=now,
        changed_at=now,
        status_chat_id=status_chat_id,
        status_message_id=status_message_id,
        buttons=buttons,
    )
    session.add(notice)
    session.flush()
    assert notice.id is not None
    for member in members:
        linked = member.telegram_user_id is not None
        session.add(
            NoticeDelivery(
                notice_id=notice.id,
                member_id=member.id,
                member_name=member.full_name,
                chat_id=member.telegram_user_id,
                state=DeliveryState.PENDING if linked else DeliveryState.UNREACHABLE,
                error=None if linked else NO_ACCOUNT,
                due_at=notice.send_at,
            )
        )
    session.flush()
    return notice


def set_status_message(session: Session, *, notice_id: int, chat_id: int, message_id: int) -> None:
    """Remember the secretary's status message, which the sender keeps up to date."""
    session.execute(
        update(Notice)
        .where(col(Notice.id) == notice_id)
        .values(status_chat_id=chat_id, status_message_id=message_id)
    )
