"""What a cell's secretary, or an admin, does to membership — with the rights decided here.

Each verb takes the ``Actor`` (who pressed or typed, and the deployment's admins), reads what
they may do in the same unit of work as the change, and raises ``MembershipError`` with the
sentence to show when they may not. The Telegram handlers only call one of these and say what
it returns.
"""

from __future__ import annotations

import html
from datetime import timedelta

from sqlmodel import Session

from bot import texts
from bot.members import texts as mbt
from bot.members.cells import create_cell, find_cell, link_group, list_cells
from bot.members.invites import create_invite, revoke_invite
from bot.members.membership import (
    Access,
    Actor,
    MembershipError,
    approve,
    approvers,
    find_member,
    list_members,
    mark_left,
    pending_requests,
    reject,
)
from bot.members.relink import relink, unlinked_accounts
from bot.members.roster import RosterRow
from bot.members.roster_import import (
    RosterPlan,
    RosterReport,
    apply_plan,
    plan_import,
    roster_candidates,
)
from bot.models import Cell, Invite, Member, MemberStatus, Role
from knowledge.text import fold


def _secretary(session: Session, actor: Actor) -> Access:
    access = actor.access(session)
    if not access.is_secretary:
        raise MembershipError(texts.NOT_SECRETARY)
    return access


def _own_cell(session: Session, actor: Actor) -> int:
    """The cell of a secretary who belongs to one (an admin with no cell is told so)."""
    access = actor.access(session)
    if not access.is_secretary:
        raise MembershipError(texts.NOT_SECRETARY)
    if access.member is None or not access.member.is_secretary:
        raise MembershipError(mbt.NOT_IN_CELL if access.is_admin else texts.NOT_SECRETARY)
    return access.member.cell_id


def decide_request(
    session: Session,
    *,
    actor: Actor,
    member_id: int,
    approved: bool,
    roster_member_id: int | None = None,
) -> tuple[Member, Cell | None]:
    """✅ / ❌ on a join request, by a secretary of the request's cell or an admin."""
    request = session.get(Member, member_id)
    if request is None or request.status != MemberStatus.PENDING:
        raise MembershipError(mbt.REQUEST_GONE)
    if not actor.access(session).manages(request.cell_id):
        raise MembershipError(texts.NOT_SECRETARY)
    cell = session.get(Cell, request.cell_id)
    if not approved:
        return reject(session, member_id=member_id), cell
    done = approve(
        session,
        member_id=member_id,
        approved_by=actor.telegram_user_id,
        roster_member_id=roster_member_id,
    )
    return done, cell


def requests_for(
    session: Session, *, actor: Actor
) -> list[tuple[Member, Cell | None, list[Member]]]:
    """/duyet: join requests waiting for this secretary (every cell's for an admin), each with
    the roster rows it may be."""
    access = _secretary(session, actor)
    cell_id = None if access.is_admin else access.member.cell_id  # type: ignore[union-attr]
    return [
        (m, session.get(Cell, m.cell_id), roster_candidates(session, member=m))
        for m in pending_requests(session, cell_id=cell_id)
    ]


def new_cell(
    session: Session, *, actor: Actor, name: str, ttl: timedelta
) -> tuple[Cell, Invite, str]:
    """/taochibo: an admin creates a cell and an invite for its secretary."""
    if not actor.access(session).is_admin:
        raise MembershipError(texts.NOT_ADMIN)
    if not name.strip():
        raise MembershipError(mbt.TAOCHIBO_USAGE)
    cell = create_cell(session, name=name, created_by=actor.telegram_user_id)
    assert cell.id is not None
    invite, token = create_invite(
        session, cell_id=cell.id, created_by=actor.telegram_user_id, ttl=ttl, role=Role.SECRETARY
    )
    return cell, invite, token


def roll_call(session: Session, *, actor: Actor, wanted: str) -> list[tuple[Cell, list[Member]]]:
    """/thanhvien: a secretary's own cell with its members; an admin's named cell, or all."""
    access = _secretary(session, actor)
    if access.is_admin:
        found = find_cell(session, text=wanted) if wanted.strip() else None
        cells = [found] if found else list_cells(session)
    else:
        own = session.get(Cell, access.member.cell_id)  # type: ignore[union-attr]
        cells = [own] if own else []
    if not cells:
        raise MembershipError(mbt.NO_CELLS)
    return [(c, list_members(session, cell_id=c.id or 0)) for c in cells]


def move_away(session: Session, *, actor: Actor, name: str) -> tuple[Member, Cell | None]:
    """/chuyendi: a member of the secretary's cell moved away; their access ends now."""
    cell_id = _own_cell(session, actor)
    if not name.strip():
        raise MembershipError(mbt.CHUYENDI_USAGE)
    found = find_member(session, cell_id=cell_id, text=name)
    if found is None or found.id is None:
        raise MembershipError(mbt.MEMBER_NOT_FOUND)
    return mark_left(session, member_id=found.id), session.get(Cell, cell_id)


def claim_group(session: Session, *, actor: Actor, chat_id: int, title: str) -> Cell | None:
    """/nhom: a cell's secretary declares this group the cell's own."""
    access = actor.access(session)
    if access.member is None or not access.member.is_secretary:
        raise MembershipError(texts.NOT_SECRETARY)
    cell_id = access.member.cell_id
    link_group(
        session, chat_id=chat_id, cell_id=cell_id, title=title, linked_by=actor.telegram_user_id
    )
    return session.get(Cell, cell_id)


def new_invite(
    session: Session, *, actor: Actor, wanted: str, ttl: timedelta
) -> tuple[Cell, Invite, str]:
    """/moi: an invite link to the secretary's cell (an admin names the cell). A cell without a
    secretary yet is invited to by its first secretary."""
    access = _secretary(session, actor)
    if access.is_admin:
        cell = find_cell(session, text=wanted)
        if cell is None:
            cells = list_cells(session)
            if not cells:
                raise MembershipError(mbt.NO_CELLS)
            listing = "\n".join(f"{c.id}. {html.escape(c.name)}" for c in cells)
            raise MembershipError(mbt.CHOOSE_CELL.format(cells=listing))
    else:
        cell = session.get(Cell, access.member.cell_id)  # type: ignore[union-attr]
        assert cell is not None
    assert cell.id is not None
    has_secretary = bool(approvers(session, cell_id=cell.id, admins=frozenset()))
    role = Role.MEMBER if has_secretary else Role.SECRETARY
    invite, token = create_invite(
        session, cell_id=cell.id, created_by=actor.telegram_user_id, ttl=ttl, role=role
    )
    return cell, invite, token


def withdraw_invite(session: Session, *, actor: Actor, invite_id: int) -> None:
    """🚫 Thu hồi: the invite stops working, if this secretary manages its cell."""
    found = session.get(Invite, invite_id)
    if found is None:
        raise MembershipError(mbt.INVITE_INVALID)
    if not actor.access(session).manages(found.cell_id):
        raise MembershipError(texts.NOT_SECRETARY)
    revoke_invite(session, invite_id=invite_id)


def relink_suggestions(
    session: Session, *, actor: Actor, typed: str
) -> list[tuple[Member, list[Member]]]:
    """/lienket: approved accounts of the secretary's cell with the roster rows they may be
    (suggested by name), or the one pair «tên tài khoản = tên trong danh sách» typed."""
    cell_id = _own_cell(session, actor)
    if not typed.strip():
        pairs = [(a, rows) for a, rows in unlinked_accounts(session, cell_id=cell_id) if rows]
        if not pairs:
            raise MembershipError(mbt.RELINK_NONE)
        return pairs
    if "=" not in typed:
        raise MembershipError(mbt.RELINK_USAGE)
    left, right = (part.strip() for part in typed.split("=", 1))
    accounts = [a for a, _ in unlinked_accounts(session, cell_id=cell_id)]
    account = next((a for a in accounts if fold(a.full_name) == fold(left)), None)
    row = find_member(session, cell_id=cell_id, text=right)
    if account is None or row is None or row.telegram_user_id is not None:
        missing = left if account is None else right
        raise MembershipError(mbt.RELINK_NOT_FOUND.format(name=html.escape(missing)))
    return [(account, [row])]


def relink_by(session: Session, *, actor: Actor, account_id: int, roster_id: int) -> Member:
    """🔗 on a suggestion: the account takes its roster row, if this secretary manages it."""
    account = session.get(Member, account_id)
    if account is None:
        raise MembershipError(mbt.RELINK_GONE)
    if not actor.access(session).manages(account.cell_id):
        raise MembershipError(texts.NOT_SECRETARY)
    return relink(session, account_id=account_id, roster_id=roster_id, by=actor.telegram_user_id)


def preview_roster(
    session: Session, *, actor: Actor, rows: list[RosterRow]
) -> tuple[int, RosterPlan]:
    """What a secretary's roster sheet would do to their cell (nothing written)."""
    cell_id = _own_cell(session, actor)
    return cell_id, plan_import(session, cell_id=cell_id, rows=rows)


def apply_roster(
    session: Session, *, actor: Actor, cell_id: int, rows: list[RosterRow], shown: RosterPlan
) -> RosterReport:
    """«✅ Áp dụng»: the sheet applied as previewed; refused when the members changed since
    (the secretary would apply what they did not see)."""
    if _own_cell(session, actor) != cell_id:
        raise MembershipError(texts.NOT_SECRETARY)
    plan = plan_import(session, cell_id=cell_id, rows=rows)
    if plan.changes != shown.changes or len(plan.created) != len(shown.created):
        raise MembershipError(mbt.ROSTER_EXPIRED)
    return apply_plan(session, cell_id=cell_id, plan=plan)
