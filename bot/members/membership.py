"""Who a Telegram user is in the cell, and the life of a membership: requests, approval, leaving.

Every function takes the session keyword-only; callers commit.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from bot.members import texts as mbt
from bot.members.names import normalize_name, valid_name
from bot.models import (
    SECRETARY_ROLES,
    Cell,
    Member,
    MemberStatus,
    PartyStatus,
    Role,
)
from knowledge.models import utcnow
from knowledge.scopes import SHARED, Readable
from knowledge.text import fold

# Deep-link payloads allow 64 characters of A-Z a-z 0-9 _ -; token_urlsafe(18) gives 24.
CHECK_IN_PREFIX = "ci-"  # bot.meetings.QR_PREFIX


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


@dataclass(frozen=True)
class Actor:
    """Who presses a button or types a command, as the domain needs them: the Telegram id and
    name, and the deployment's admins (so rights are decided inside the domain call)."""

    telegram_user_id: int
    telegram_name: str
    admins: frozenset[int]

    def access(self, session: Session) -> Access:
        """What this user may do, read in the caller's unit of work."""
        return access(session, telegram_user_id=self.telegram_user_id, admins=self.admins)

    def name(self, access: Access) -> str:
        """The roster name of whoever acts, else their Telegram name."""
        member = access.member
        return member.full_name if member is not None and member.full_name else self.telegram_name


def access(session: Session, *, telegram_user_id: int, admins: frozenset[int]) -> Access:
    """What this Telegram user may do."""
    member = member_by_telegram(session, telegram_user_id=telegram_user_id)
    return Access(telegram_user_id, member, telegram_user_id in admins)


def readable_of(session: Session, *, telegram_user_id: int) -> Readable:
    """What this Telegram user may read: the shared documents, and while an active member,
    their cell's and its đảng bộ's. Admins read the shared ones (and their own cell's if they
    are members): no one reads another cell's minutes by being an admin."""
    member = member_by_telegram(session, telegram_user_id=telegram_user_id)
    if member is None or member.status != MemberStatus.ACTIVE:
        return SHARED
    cell = session.get(Cell, member.cell_id)
    return Readable(cell_id=member.cell_id, committee_id=cell.committee_id if cell else None)


def member_by_telegram(session: Session, *, telegram_user_id: int) -> Member | None:
    """The member linked to a Telegram account."""
    query = select(Member).where(Member.telegram_user_id == telegram_user_id)
    return session.exec(query).first()


def list_members(session: Session, *, cell_id: int) -> list[Member]:
    """Members of a cell that are not pending: active first, in the roster sheet's order (STT),
    then those not in a sheet by role and name."""
    query = select(Member).where(Member.cell_id == cell_id, Member.status != MemberStatus.PENDING)
    order = {Role.SECRETARY: 0, Role.DEPUTY: 1, Role.COMMITTEE: 2, Role.MEMBER: 3}
    members = list(session.exec(query).all())
    members.sort(
        key=lambda m: (
            m.status != MemberStatus.ACTIVE,
            m.roster_no is None,
            m.roster_no or 0,
            order[m.role],
            m.folded_name,
        )
    )
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


def active_member_ids(session: Session, *, cell_id: int) -> list[int]:
    """Telegram ids of the cell's active, linked members."""
    query = select(Member.telegram_user_id).where(
        Member.cell_id == cell_id,
        Member.status == MemberStatus.ACTIVE,
        col(Member.telegram_user_id).is_not(None),
    )
    return [i for i in session.exec(query).all() if i is not None]


def give_name(session: Session, *, member: Member, raw_name: str) -> Member:
    """Record the full name of a pending join request."""
    name = normalize_name(raw_name)
    if not valid_name(name):
        raise MembershipError(mbt.NAME_INVALID)
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
        raise MembershipError(mbt.REQUEST_GONE)
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
        raise MembershipError(mbt.ROSTER_ROW_GONE)
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


def reject(session: Session, *, member_id: int) -> Member:
    """Turn down a pending request; the row is removed, the returned copy says who it was."""
    request = session.get(Member, member_id)
    if request is None or request.status != MemberStatus.PENDING:
        raise MembershipError(mbt.REQUEST_GONE)
    gone = request.model_copy()
    session.delete(request)
    return gone


def mark_left(session: Session, *, member_id: int) -> Member:
    """A member moved away or was removed: no more access, the row stays for the record."""
    member = session.get(Member, member_id)
    if member is None:
        raise MembershipError(mbt.MEMBER_NOT_FOUND)
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


def describe_role(member: Member) -> str:
    """ "Bí thư", "Đảng viên dự bị", …"""
    if member.role == Role.MEMBER:
        return mbt.PARTY_STATUS_LABELS[PartyStatus(member.party_status)]
    return mbt.ROLE_LABELS[Role(member.role)]
