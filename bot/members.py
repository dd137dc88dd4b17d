"""Cells, members and invites: every function takes the session keyword-only; callers commit."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from bot import texts
from bot.models import (
    SECRETARY_ROLES,
    Cell,
    GroupChat,
    Invite,
    Member,
    MemberStatus,
    PartyStatus,
    Role,
)
from bot.names import normalize_name, valid_name
from bot.roster import RosterRow
from knowledge.models import utcnow
from knowledge.text import fold, nfc

# Deep-link payloads allow 64 characters of A-Z a-z 0-9 _ -; token_urlsafe(18) gives 24.
CHECK_IN_PREFIX = "ci-"  # bot.meetings.QR_PREFIX
_TOKEN_BYTES = 18
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


class MembershipError(Exception):
    """A membership action that cannot be done; the message is Vietnamese, for the user."""


@dataclass(frozen=True)
class Access:
    """Who is writing to the bot, as far as permissions go."""

    telegram_user_id: int
    member: Member | None
    is_admin: bool

    @property
    def status(self) -> MemberStatus | None:
        """The member's status, if the user is known at all."""
        return self.member.status if self.member else None

    @property
    def can_ask(self) -> bool:
        """Active members and deployment admins may read the documents."""
        return self.is_admin or self.status == MemberStatus.ACTIVE

    @property
    def is_secretary(self) -> bool:
        """May manage a cell: admins for every cell, bí thư / phó bí thư for their own."""
        return self.is_admin or (self.member is not None and self.member.is_secretary)

    @property
    def awaiting_name(self) -> bool:
        """Redeemed an invite and has not yet said who they are."""
        return self.status == MemberStatus.PENDING and not self.member.full_name  # type: ignore[union-attr]

    def manages(self, cell_id: int) -> bool:
        """True if this user may manage ``cell_id``."""
        return self.is_admin or (
            self.member is not None and self.member.is_secretary and self.member.cell_id == cell_id
        )


@dataclass
class RosterReport:
    """What a roster import did."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)


def hash_token(token: str) -> str:
    """The stored form of an invite token."""
    return hashlib.sha256(token.encode()).hexdigest()


# ----------------------------------------------------------------------------- lookups


def access(session: Session, *, telegram_user_id: int, admins: frozenset[int]) -> Access:
    """What this Telegram user may do."""
    member = member_by_telegram(session, telegram_user_id=telegram_user_id)
    return Access(telegram_user_id, member, telegram_user_id in admins)


def member_by_telegram(session: Session, *, telegram_user_id: int) -> Member | None:
    """The member linked to a Telegram account."""
    query = select(Member).where(Member.telegram_user_id == telegram_user_id)
    return session.exec(query).first()


def get_cell(session: Session, *, cell_id: int) -> Cell | None:
    """A cell by id."""
    return session.get(Cell, cell_id)


def list_cells(session: Session) -> list[Cell]:
    """Every cell, by name."""
    return list(session.exec(select(Cell).order_by(col(Cell.name))).all())


def list_members(session: Session, *, cell_id: int) -> list[Member]:
    """Members of a cell that are not pending, by role then name."""
    query = select(Member).where(Member.cell_id == cell_id, Member.status != MemberStatus.PENDING)
    order = {Role.SECRETARY: 0, Role.DEPUTY: 1, Role.COMMITTEE: 2, Role.MEMBER: 3}
    members = list(session.exec(query).all())
    members.sort(key=lambda m: (m.status != MemberStatus.ACTIVE, order[m.role], m.folded_name))
    return members


def pending_requests(session: Session, *, cell_id: int | None = None) -> list[Member]:
    """Join requests with a name given, oldest first; all cells when ``cell_id`` is None."""
    query = select(Member).where(Member.status == MemberStatus.PENDING, Member.full_name != "")
    if cell_id is not None:
        query = query.where(Member.cell_id == cell_id)
    return list(session.exec(query.order_by(col(Member.created_at))).all())


def approvers(session: Session, *, cell_id: int, admins: frozenset[int]) -> list[int]:
    """Telegram ids to notify of a join request: the cell's secretaries, else the admins."""
    query = select(Member.telegram_user_id).where(
        Member.cell_id == cell_id,
        Member.status == MemberStatus.ACTIVE,
        col(Member.role).in_(list(SECRETARY_ROLES)),
        col(Member.telegram_user_id).is_not(None),
    )
    ids = [i for i in session.exec(query).all() if i is not None]
    return ids or sorted(admins)


def roster_candidates(session: Session, *, member: Member) -> list[Member]:
    """Roster rows of the member's cell, not yet linked, whose name matches the given one."""
    query = select(Member).where(
        Member.cell_id == member.cell_id,
        Member.folded_name == member.folded_name,
        col(Member.telegram_user_id).is_(None),
        Member.status == MemberStatus.ACTIVE,
    )
    return list(session.exec(query.order_by(col(Member.birth_date))).all())


# ----------------------------------------------------------------------------- cells


def create_cell(
    session: Session, *, name: str, created_by: int, committee: str | None = None
) -> Cell:
    """A new cell; names are unique (compared without diacritics)."""
    name = " ".join(nfc(name).split())
    if not 3 <= len(name) <= 120:
        raise MembershipError(texts.CELL_NAME_INVALID)
    if any(fold(c.name) == fold(name) for c in list_cells(session)):
        raise MembershipError(texts.CELL_EXISTS.format(name=name))
    cell = Cell(name=name, committee=committee, created_by=created_by)
    session.add(cell)
    session.flush()
    return cell


def find_cell(session: Session, *, text: str) -> Cell | None:
    """A cell by id or by (folded) name, or the only cell when ``text`` is empty."""
    cells = list_cells(session)
    text = text.strip()
    if not text:
        return cells[0] if len(cells) == 1 else None
    if text.isdigit():
        return next((c for c in cells if c.id == int(text)), None)
    wanted = fold(text)
    exact = [c for c in cells if fold(c.name) == wanted]
    if exact:
        return exact[0]
    partial = [c for c in cells if wanted in fold(c.name)]
    return partial[0] if len(partial) == 1 else None


def link_group(
    session: Session, *, chat_id: int, cell_id: int, title: str, linked_by: int
) -> GroupChat:
    """Declare a Telegram group to be a cell's own."""
    group = session.get(GroupChat, chat_id) or GroupChat(
        chat_id=chat_id, cell_id=cell_id, linked_by=linked_by
    )
    group.cell_id, group.title, group.linked_by = cell_id, title, linked_by
    session.add(group)
    return group


def group_of(session: Session, *, chat_id: int) -> GroupChat | None:
    """The cell group record of a chat, if any."""
    return session.get(GroupChat, chat_id)


def active_member_ids(session: Session, *, cell_id: int) -> list[int]:
    """Telegram ids of the cell's active, linked members."""
    query = select(Member.telegram_user_id).where(
        Member.cell_id == cell_id,
        Member.status == MemberStatus.ACTIVE,
        col(Member.telegram_user_id).is_not(None),
    )
    return [i for i in session.exec(query).all() if i is not None]


# ----------------------------------------------------------------------------- invites


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
        raise MembershipError(texts.INVITE_INVALID)
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
        raise MembershipError(texts.INVITE_INVALID)
    if invite.revoked_at is not None:
        raise MembershipError(texts.INVITE_REVOKED)
    if not invite.usable(now):
        raise MembershipError(texts.INVITE_EXPIRED)
    member = member_by_telegram(session, telegram_user_id=telegram_user_id)
    if member is not None and member.status == MemberStatus.ACTIVE:
        raise MembershipError(texts.ALREADY_MEMBER)
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


def give_name(session: Session, *, member: Member, raw_name: str) -> Member:
    """Record the full name of a pending join request."""
    name = normalize_name(raw_name)
    if not valid_name(name):
        raise MembershipError(texts.NAME_INVALID)
    member.full_name, member.folded_name = name, fold(name)
    member.updated_at = utcnow()
    session.add(member)
    session.flush()
    return member


def approve(
    session: Session,
    *,
    member_id: int,
    approved_by: int,
    roster_member_id: int | None = None,
) -> Member:
    """Admit a pending request; with ``roster_member_id`` the account is linked to that row."""
    request = session.get(Member, member_id)
    if request is None or request.status != MemberStatus.PENDING or not request.full_name:
        raise MembershipError(texts.REQUEST_GONE)
    if roster_member_id is None:
        request.status = MemberStatus.ACTIVE
        request.approved_by = approved_by
        request.updated_at = utcnow()
        session.add(request)
        return request
    row = session.get(Member, roster_member_id)
    if (
        row is None
        or row.cell_id != request.cell_id
        or row.telegram_user_id is not None
        or row.status != MemberStatus.ACTIVE
    ):
        raise MembershipError(texts.ROSTER_ROW_GONE)
    telegram_user_id, username = request.telegram_user_id, request.telegram_username
    invited_role = request.role
    session.delete(request)
    session.flush()  # frees the unique Telegram id before the roster row takes it
    row.telegram_user_id, row.telegram_username = telegram_user_id, username
    if row.role == Role.MEMBER and invited_role != Role.MEMBER:
        row.role = invited_role
    row.approved_by = approved_by
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    return row


def unlinked_accounts(session: Session, *, cell_id: int) -> list[tuple[Member, list[Member]]]:
    """Active accounts of the cell that are not a roster row, each with the roster rows (no
    account yet) of the same name it could be."""
    query = select(Member).where(
        Member.cell_id == cell_id,
        Member.status == MemberStatus.ACTIVE,
        col(Member.in_roster).is_(False),
        col(Member.telegram_user_id).is_not(None),
    )
    accounts = session.exec(query.order_by(col(Member.folded_name))).all()
    return [(a, [r for r in roster_candidates(session, member=a) if r.in_roster]) for a in accounts]


def relink(session: Session, *, account_id: int, roster_id: int, by: int) -> Member:
    """Join an approved account to its roster row: the row takes the Telegram account, and what
    the account did (answers, check-ins, votes, notices) moves to the row; the account row goes.

    Where both have a record for the same meeting, the roster row's stays (a secretary wrote it),
    except an absence written at closing, which gives way to the account's check-in.
    """
    from bot.meeting_models import MeetingAttendance, MeetingRsvp, MeetingVoter, Method
    from bot.notice_models import NoticeDelivery

    account, row = session.get(Member, account_id), session.get(Member, roster_id)
    if account is None or account.telegram_user_id is None or account.in_roster:
        raise MembershipError(texts.RELINK_GONE)
    if (
        row is None
        or row.id is None
        or row.cell_id != account.cell_id
        or row.telegram_user_id is not None
        or row.status != MemberStatus.ACTIVE
    ):
        raise MembershipError(texts.ROSTER_ROW_GONE)
    tables: tuple[type[MeetingRsvp] | type[MeetingAttendance] | type[MeetingVoter], ...]
    tables = (MeetingRsvp, MeetingAttendance, MeetingVoter)
    for table in tables:
        taken = set(session.exec(select(table.meeting_id).where(table.member_id == row.id)).all())
        records: list[Any] = list(
            session.exec(select(table).where(table.member_id == account_id)).all()
        )
        for record in records:
            if record.meeting_id in taken and table is MeetingAttendance:
                kept = session.exec(
                    select(MeetingAttendance).where(
                        MeetingAttendance.member_id == row.id,
                        MeetingAttendance.meeting_id == record.meeting_id,
                    )
                ).one()
                if kept.method == Method.CLOSING:  # "absent" written at closing gives way
                    session.delete(kept)
                    session.flush()
                    taken.discard(record.meeting_id)
            if record.meeting_id in taken:
                session.delete(record)
            else:
                record.member_id = row.id
                session.add(record)
    # The row's own copies of a notice both got (unreachable: it had no account) give way.
    for delivery in session.exec(
        select(NoticeDelivery).where(col(NoticeDelivery.member_id) == account_id)
    ).all():
        twin = session.exec(
            select(NoticeDelivery).where(
                col(NoticeDelivery.member_id) == row.id,
                col(NoticeDelivery.notice_id) == delivery.notice_id,
                col(NoticeDelivery.round) == delivery.round,
            )
        ).first()
        if twin is not None:
            session.delete(twin)
            session.flush()
        delivery.member_id = row.id
        session.add(delivery)
    telegram_user_id, username = account.telegram_user_id, account.telegram_username
    if row.role == Role.MEMBER and account.role != Role.MEMBER:
        row.role = account.role
    session.delete(account)
    session.flush()  # frees the unique Telegram id before the roster row takes it
    row.telegram_user_id, row.telegram_username = telegram_user_id, username
    row.approved_by = account.approved_by or by
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    return row


def reject(session: Session, *, member_id: int) -> Member:
    """Turn down a pending request; the row is removed, the returned copy says who it was."""
    request = session.get(Member, member_id)
    if request is None or request.status != MemberStatus.PENDING:
        raise MembershipError(texts.REQUEST_GONE)
    gone = request.model_copy()
    session.delete(request)
    return gone


def mark_left(session: Session, *, member_id: int) -> Member:
    """A member moved away or was removed: no more access, the row stays for the record."""
    member = session.get(Member, member_id)
    if member is None:
        raise MembershipError(texts.MEMBER_NOT_FOUND)
    member.status = MemberStatus.LEFT
    member.updated_at = utcnow()
    session.add(member)
    return member


def find_members(session: Session, *, cell_id: int, text: str) -> list[Member]:
    """Active members of a cell with this (folded) full name; namesakes are common."""
    query = select(Member).where(
        Member.cell_id == cell_id,
        Member.folded_name == fold(normalize_name(text)),
        Member.status == MemberStatus.ACTIVE,
    )
    return list(session.exec(query).all())


def find_member(session: Session, *, cell_id: int, text: str) -> Member | None:
    """The one active member of a cell with this full name (None if none, or several)."""
    found = find_members(session, cell_id=cell_id, text=text)
    return found[0] if len(found) == 1 else None


# ----------------------------------------------------------------------------- roster


def import_roster(session: Session, *, cell_id: int, rows: list[RosterRow]) -> RosterReport:
    """Add or update roster rows; a row matches an existing member by name and birth date."""
    report = RosterReport()
    existing = list(
        session.exec(
            select(Member).where(Member.cell_id == cell_id, Member.status != MemberStatus.PENDING)
        ).all()
    )
    for row in rows:
        folded = fold(row.full_name)
        same_name = [m for m in existing if m.folded_name == folded]
        match = next(
            (
                m
                for m in same_name
                if row.birth_date is None or m.birth_date in (None, row.birth_date)
            ),
            None,
        )
        if match is None:
            match = Member(cell_id=cell_id, status=MemberStatus.ACTIVE)
            existing.append(match)
            report.created.append(row.full_name)
        else:
            report.updated.append(row.full_name)
        match.full_name, match.folded_name = row.full_name, folded
        match.in_roster = True
        match.role = row.role
        match.party_status = row.party_status
        for name in ("birth_date", "joined_party_on", "official_on", "party_card", "phone", "note"):
            value = getattr(row, name)
            if value is not None:
                setattr(match, name, value)
        match.updated_at = utcnow()
        session.add(match)
    session.flush()
    return report


def describe_role(member: Member) -> str:
    """ "Bí thư", "Đảng viên dự bị", …"""
    if member.role == Role.MEMBER:
        return texts.PARTY_STATUS_LABELS[PartyStatus(member.party_status)]
    return texts.ROLE_LABELS[Role(member.role)]
