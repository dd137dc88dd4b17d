"""Invite links: one-time deep-link tokens, stored only as hashes."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from sqlmodel import Session, select

from bot.members import texts as mbt
from bot.members.membership import CHECK_IN_PREFIX, MembershipError, member_by_telegram
from bot.models import (
    Invite,
    Member,
    MemberStatus,
    Role,
)
from knowledge.models import utcnow

_TOKEN_BYTES = 18


_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def hash_token(token: str) -> str:
    """The stored form of an invite token."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_invite(
    session: Session,
    *,
    cell_id: int,
    created_by: int,
    ttl: timedelta,
    role: Role = Role.MEMBER,
    now: datetime | None = None,
) -> tuple[Invite, str]:
    """A new invite and its token (shown once; only the hash is stored)."""
    now = now or utcnow()
    token = secrets.token_urlsafe(_TOKEN_BYTES)
    while token.startswith(CHECK_IN_PREFIX):  # that prefix marks a check-in QR link
        token = secrets.token_urlsafe(_TOKEN_BYTES)
    invite = Invite(
        cell_id=cell_id,
        token_hash=hash_token(token),
        role=role,
        created_by=created_by,
        created_at=now,
        expires_at=now + ttl,
    )
    session.add(invite)
    session.flush()
    return invite, token


def revoke_invite(session: Session, *, invite_id: int, now: datetime | None = None) -> Invite:
    """Make an invite unusable."""
    invite = session.get(Invite, invite_id)
    if invite is None:
        raise MembershipError(mbt.INVITE_INVALID)
    if invite.revoked_at is None:
        invite.revoked_at = now or utcnow()
        session.add(invite)
    return invite


def redeem_invite(
    session: Session,
    *,
    token: str,
    telegram_user_id: int,
    username: str | None,
    now: datetime | None = None,
) -> Member:
    """Turn a deep-link token into a pending join request (the name comes next)."""
    now = now or utcnow()
    invite = None
    if _TOKEN_RE.match(token):
        query = select(Invite).where(Invite.token_hash == hash_token(token))
        invite = session.exec(query).first()
    if invite is None:
        raise MembershipError(mbt.INVITE_INVALID)
    if invite.revoked_at is not None:
        raise MembershipError(mbt.INVITE_REVOKED)
    if not invite.usable(now):
        raise MembershipError(mbt.INVITE_EXPIRED)
    member = member_by_telegram(session, telegram_user_id=telegram_user_id)
    if member is not None and member.status == MemberStatus.ACTIVE:
        raise MembershipError(mbt.ALREADY_MEMBER)
    if member is None:
        member = Member(cell_id=invite.cell_id, telegram_user_id=telegram_user_id)
    # A pending request follows the latest invite; a member who left starts over.
    member.cell_id = invite.cell_id
    member.status = MemberStatus.PENDING
    member.role = invite.role
    member.invite_id = invite.id
    member.telegram_username = username
    member.full_name, member.folded_name = "", ""
    member.updated_at = now
    invite.uses += 1
    session.add(invite)
    session.add(member)
    session.flush()
    return member
