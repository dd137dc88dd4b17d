"""Joining and managing cells: /start with an invite, the name, approvals, invites, members."""

from __future__ import annotations

import html
import logging
from datetime import timedelta

from sqlmodel import Session
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.error import Forbidden
from telegram.helpers import create_deep_linked_url

from bot import members, texts
from bot.answers import library
from bot.members import Access, MembershipError
from bot.members.committees import committee_command
from bot.models import SECRETARY_ROLES, Cell, Invite, Member, MemberStatus, Role, as_utc
from bot.telegram.callbacks import Action, int_args, pack, unpack
from bot.telegram.handlers import menus
from bot.telegram.handlers.common import (
    Context,
    access_of,
    button_ids,
    cell_secretary_access,
    in_session,
    member_access,
    refusal,
    reply,
    secretary_access,
    send_html,
    services,
)
from bot.when import VIETNAM
from knowledge.text import fold

log = logging.getLogger(__name__)


# ----------------------------------------------------------------------------- start and help


async def start(update: Update, context: Context) -> None:
    """/start, possibly through an invite deep link t.me/<bot>?start=<token>."""
    user = update.effective_user
    chat = update.effective_chat
    assert user is not None and chat is not None
    if chat.type != ChatType.PRIVATE:
        await help_command(update, context)
        return
    payload = context.args[0] if context.args else None
    if payload and payload != "join":
        await _redeem(update, context, payload)
        return
    access = await access_of(context, user.id)
    if access.awaiting_name:
        cell = await in_session(context, lambda s: s.get(Cell, access.member.cell_id))  # type: ignore[union-attr]
        await reply(update, context, texts.INVITE_ASK_NAME.format(cell=_cell_name(cell)))
    elif access.member is not None and access.can_ask:
        cell = await in_session(context, lambda s: s.get(Cell, access.member.cell_id))  # type: ignore[union-attr]
        text = texts.WELCOME_MEMBER.format(
            name=html.escape(access.member.full_name), cell=_cell_name(cell)
        )
        await reply(update, context, text)
    elif access.is_admin:
        state = await in_session(context, library.library_state)
        note = {"empty": texts.LIBRARY_EMPTY_ADMIN, "samples": texts.LIBRARY_ONLY_SAMPLES_ADMIN}
        extra = note.get(state)
        await reply(update, context, texts.WELCOME_ADMIN + (f"\n\n{extra}" if extra else ""))
    else:
        await reply(update, context, refusal(access))


async def help_command(update: Update, context: Context) -> None:
    """/help: how to ask; the secretary's and admin's commands for them."""
    access = await member_access(update, context)
    if access is None:
        return
    text = texts.HELP.format(bot=html.escape(context.bot.username or "bot"))
    if access.is_secretary:
        text += texts.HELP_SECRETARY
    if access.is_admin:
        text += texts.HELP_ADMIN
    await reply(update, context, text)


async def _redeem(update: Update, context: Context, token: str) -> None:
    user = update.effective_user
    assert user is not None

    def redeem(session: Session) -> str:
        member = members.redeem_invite(
            session, token=token, telegram_user_id=user.id, username=user.username
        )
        return _cell_name(session.get(Cell, member.cell_id))

    try:
        cell_name = await in_session(context, redeem)
    except MembershipError as exc:
        await reply(update, context, str(exc))
        return
    await reply(update, context, texts.INVITE_ASK_NAME.format(cell=cell_name))


async def take_name(update: Update, context: Context, access: Access, raw_name: str) -> None:
    """The full name of someone who opened an invite; the secretaries are asked to approve."""
    assert access.member is not None
    admins = services(context).admins
    member_id = access.member.id

    def save(session: Session) -> tuple[Member, Cell | None, list[Member], list[int]]:
        member = session.get(Member, member_id)
        assert member is not None
        members.give_name(session, member=member, raw_name=raw_name)
        candidates = members.roster_candidates(session, member=member)
        notify = members.approvers(session, cell_id=member.cell_id, admins=admins)
        return member, session.get(Cell, member.cell_id), candidates, notify

    try:
        member, cell, candidates, notify = await in_session(context, save)
    except MembershipError as exc:
        await reply(update, context, str(exc))
        return
    text, markup = request_card(member, cell, candidates)
    for chat_id in notify:
        try:
            await send_html(context.bot, chat_id, text, markup)
        except Forbidden:
            log.info("approver %s has not started the bot; request %s waits", chat_id, member.id)
    name = html.escape(member.full_name)
    await reply(update, context, texts.NAME_RECEIVED.format(name=name, cell=_cell_name(cell)))


def request_card(
    member: Member, cell: Cell | None, candidates: list[Member]
) -> tuple[str, InlineKeyboardMarkup]:
    """A join request as secretaries see it, with one-tap approve (and link) / reject."""
    account = f"@{member.telegram_username}" if member.telegram_username else "Telegram"
    text = texts.JOIN_REQUEST.format(
        cell=_cell_name(cell),
        name=html.escape(member.full_name),
        account=html.escape(account),
        role=texts.ROLE_LABELS[Role(member.role)],
    )
    rows = []
    if candidates:
        matches = ", ".join(_with_birth(c) for c in candidates[:3])
        text += "\n" + texts.JOIN_REQUEST_ROSTER.format(matches=html.escape(matches))
        for row in candidates[:3]:
            born = f" ({row.birth_date.year})" if row.birth_date else ""
            label = texts.BTN_APPROVE_ROSTER.format(name=row.full_name, born=born)
            rows.append(
                [
                    InlineKeyboardButton(
                        label, callback_data=pack(Action.APPROVE, member.id or 0, row.id or 0)
                    )
                ]
            )
        approve_label = texts.BTN_APPROVE_NEW
    else:
        text += "\n" + texts.JOIN_REQUEST_NO_ROSTER
        approve_label = texts.BTN_APPROVE
    rows.append(
        [
            InlineKeyboardButton(
                approve_label, callback_data=pack(Action.APPROVE, member.id or 0, 0)
            ),
            InlineKeyboardButton(
                texts.BTN_REJECT, callback_data=pack(Action.REJECT, member.id or 0)
            ),
        ]
    )
    return text, InlineKeyboardMarkup(rows)


def _with_birth(member: Member) -> str:
    return (
        f"{member.full_name} ({member.birth_date:%d/%m/%Y})"
        if member.birth_date
        else member.full_name
    )


def _cell_name(cell: Cell | None) -> str:
    return html.escape(cell.name) if cell else "chi bộ"


# ----------------------------------------------------------------------------- approvals


async def decide_request(update: Update, context: Context) -> None:
    """✅ / ❌ on a join request."""
    query = update.callback_query
    assert query is not None
    unpacked = unpack(query.data)
    assert unpacked is not None
    action, args = unpacked
    ids = int_args(args, 2 if action == "a" else 1)
    if ids is None:
        await query.answer(texts.STALE_BUTTON, show_alert=True)
        return
    access = await access_of(context, query.from_user.id)

    def decide(session: Session) -> tuple[Member, Cell | None]:
        request = session.get(Member, ids[0])
        if request is None or request.status != MemberStatus.PENDING:
            raise MembershipError(texts.REQUEST_GONE)
        if not access.manages(request.cell_id):
            raise MembershipError(texts.NOT_SECRETARY)
        cell = session.get(Cell, request.cell_id)
        if action == "x":
            return members.reject(session, member_id=ids[0]), cell
        roster_id = ids[1] or None
        done = members.approve(
            session, member_id=ids[0], approved_by=query.from_user.id, roster_member_id=roster_id
        )
        return done, cell

    try:
        member, cell = await in_session(context, decide)
    except MembershipError as exc:
        await query.answer(str(exc), show_alert=True)
        return
    await query.answer()
    name, cell_name = html.escape(member.full_name), _cell_name(cell)
    if action == "a":
        notice, to_member = texts.APPROVED, texts.WELCOME_APPROVED
    else:
        notice, to_member = texts.REJECTED, texts.REJECTED_TO_USER
    await query.edit_message_text(notice.format(name=name, cell=cell_name))
    if member.telegram_user_id is not None and action == "a" and member.is_secretary:
        await menus.set_menu(context.bot, await access_of(context, member.telegram_user_id))
    if member.telegram_user_id is not None:
        try:
            await send_html(context.bot, member.telegram_user_id, to_member.format(cell=cell_name))
        except Forbidden:
            log.info("member %s blocked the bot before the decision", member.id)


async def pending(update: Update, context: Context) -> None:
    """/duyet: join requests waiting for a decision."""
    access = await secretary_access(update, context)
    if access is None:
        return
    cell_id = None if access.is_admin else access.member.cell_id  # type: ignore[union-attr]

    def load(session: Session) -> list[tuple[Member, Cell | None, list[Member]]]:
        return [
            (m, session.get(Cell, m.cell_id), members.roster_candidates(session, member=m))
            for m in members.pending_requests(session, cell_id=cell_id)
        ]

    requests = await in_session(context, load)
    if not requests:
        await reply(update, context, texts.DUYET_EMPTY)
        return
    for member, cell, candidates in requests:
        text, markup = request_card(member, cell, candidates)
        await reply(update, context, text, markup)


# ----------------------------------------------------------------------------- cells and invites


async def create_cell(update: Update, context: Context) -> None:
    """/taochibo <tên>: an admin creates a cell and gets an invite for its secretary."""
    user = update.effective_user
    assert user is not None
    access = await access_of(context, user.id)
    if not access.is_admin:
        await reply(update, context, texts.NOT_ADMIN)
        return
    name = " ".join(context.args or [])
    if not name.strip():
        await reply(update, context, texts.TAOCHIBO_USAGE)
        return
    ttl = timedelta(hours=services(context).settings.bot.invite_ttl_hours)

    def create(session: Session) -> tuple[Cell, Invite, str]:
        cell = members.create_cell(session, name=name, created_by=user.id)
        assert cell.id is not None
        invite, token = members.create_invite(
            session, cell_id=cell.id, created_by=user.id, ttl=ttl, role=Role.SECRETARY
        )
        return cell, invite, token

    try:
        cell, invite, token = await in_session(context, create)
    except MembershipError as exc:
        await reply(update, context, str(exc))
        return
    text = texts.CELL_CREATED.format(
        cell=_cell_name(cell), expires=_when(invite), link=_link(context, token)
    )
    await reply(update, context, text, _revoke_keyboard(invite))


async def invite(update: Update, context: Context) -> None:
    """/moi [chi bộ]: an invite link for the secretary's cell (admins name the cell)."""
    user, chat = update.effective_user, update.effective_chat
    assert user is not None and chat is not None
    if chat.type != ChatType.PRIVATE:
        await reply(update, context, texts.GROUP_COMMAND_PRIVATE)
        return
    access = await secretary_access(update, context)
    if access is None:
        return
    ttl = timedelta(hours=services(context).settings.bot.invite_ttl_hours)
    wanted = " ".join(context.args or [])

    def create(session: Session) -> tuple[Cell, Invite, str] | str:
        if access.is_admin:
            cell = members.find_cell(session, text=wanted)
            if cell is None:
                cells = members.list_cells(session)
                if not cells:
                    return texts.NO_CELLS
                listing = "\n".join(f"{c.id}. {html.escape(c.name)}" for c in cells)
                return texts.CHOOSE_CELL.format(cells=listing)
        else:
            cell = session.get(Cell, access.member.cell_id)  # type: ignore[union-attr]
            assert cell is not None
        assert cell.id is not None
        # A cell without a secretary yet is invited to by its first secretary.
        has_secretary = bool(members.approvers(session, cell_id=cell.id, admins=frozenset()))
        role = Role.MEMBER if has_secretary else Role.SECRETARY
        new, token = members.create_invite(
            session, cell_id=cell.id, created_by=user.id, ttl=ttl, role=role
        )
        return cell, new, token

    made = await in_session(context, create)
    if isinstance(made, str):
        await reply(update, context, made)
        return
    cell, new, token = made
    text = texts.INVITE_CREATED.format(
        cell=_cell_name(cell),
        role=texts.ROLE_LABELS[Role(new.role)].lower(),
        expires=_when(new),
        link=_link(context, token),
    )
    await reply(update, context, text, _revoke_keyboard(new))


async def revoke(update: Update, context: Context) -> None:
    """🚫 Thu hồi on an invite message."""
    query = update.callback_query
    assert query is not None
    ids = await button_ids(update, 1)
    if ids is None:
        return
    access = await access_of(context, query.from_user.id)

    def work(session: Session) -> None:
        found = session.get(Invite, ids[0])
        if found is None or not access.manages(found.cell_id):
            raise MembershipError(texts.NOT_SECRETARY if found else texts.INVITE_INVALID)
        members.revoke_invite(session, invite_id=ids[0])

    try:
        await in_session(context, work)
    except MembershipError as exc:
        await query.answer(str(exc), show_alert=True)
        return
    await query.answer(texts.INVITE_REVOKED_DONE)
    await query.edit_message_text(texts.INVITE_REVOKED_DONE)


def _revoke_keyboard(new: Invite) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(texts.BTN_REVOKE, callback_data=pack(Action.REVOKE, new.id or 0))]]
    )


def _link(context: Context, token: str) -> str:
    return html.escape(create_deep_linked_url(context.bot.username, token))


def _when(new: Invite) -> str:
    local = as_utc(new.expires_at).astimezone(VIETNAM)
    return f"{local:%H:%M} ngày {local.day}/{local.month}/{local.year}"


# ----------------------------------------------------------------------------- members


async def list_members(update: Update, context: Context) -> None:
    """/thanhvien: the cell's members, with who has linked a Telegram account."""
    access = await secretary_access(update, context)
    if access is None:
        return
    wanted = " ".join(context.args or [])

    def load(session: Session) -> list[tuple[Cell, list[Member]]]:
        if access.is_admin:
            found = members.find_cell(session, text=wanted) if wanted else None
            cells = [found] if found else members.list_cells(session)
        else:
            own = session.get(Cell, access.member.cell_id)  # type: ignore[union-attr]
            cells = [own] if own else []
        return [(c, members.list_members(session, cell_id=c.id or 0)) for c in cells]

    listing = await in_session(context, load)
    if not listing:
        await reply(update, context, texts.NO_CELLS)
        return
    for cell, people in listing:
        active = [m for m in people if m.status == MemberStatus.ACTIVE]
        linked = sum(1 for m in active if m.telegram_user_id is not None)
        lines = [
            texts.THANHVIEN_HEADING.format(cell=_cell_name(cell), n=len(active), linked=linked)
        ]
        for m in people:
            mark = texts.THANHVIEN_LINKED if m.telegram_user_id else texts.THANHVIEN_UNLINKED
            left = f" {texts.THANHVIEN_LEFT}" if m.status == MemberStatus.LEFT else ""
            role = members.describe_role(m)
            lines.append(f"{mark} {html.escape(m.full_name)} — {role}{left}")
        await reply(update, context, "\n".join(lines))


async def mark_left(update: Update, context: Context) -> None:
    """/chuyendi <họ tên>: a member moved away; their access ends now."""
    user = update.effective_user
    assert user is not None
    access = await access_of(context, user.id)
    if not access.is_secretary or access.member is None:
        await reply(
            update, context, texts.NOT_SECRETARY if not access.is_admin else texts.NOT_IN_CELL
        )
        return
    name = " ".join(context.args or [])
    if not name.strip():
        await reply(update, context, texts.CHUYENDI_USAGE)
        return
    cell_id = access.member.cell_id

    def work(session: Session) -> tuple[Member, Cell | None]:
        found = members.find_member(session, cell_id=cell_id, text=name)
        if found is None or found.id is None:
            raise MembershipError(texts.MEMBER_NOT_FOUND)
        return members.mark_left(session, member_id=found.id), session.get(Cell, cell_id)

    try:
        member, cell = await in_session(context, work)
    except MembershipError as exc:
        await reply(update, context, str(exc))
        return
    text = texts.CHUYENDI_DONE.format(name=html.escape(member.full_name), cell=_cell_name(cell))
    await reply(update, context, text)
    if member.telegram_user_id is not None and member.role in SECRETARY_ROLES:
        # A secretary who leaves goes back to the members' menu.
        await menus.set_menu(context.bot, await access_of(context, member.telegram_user_id))


async def link_group(update: Update, context: Context) -> None:
    """/nhom in a group: the secretary declares it the cell's own group."""
    user, chat = update.effective_user, update.effective_chat
    assert user is not None and chat is not None
    if chat.type == ChatType.PRIVATE:
        await reply(update, context, texts.GROUP_ONLY)
        return
    access = await access_of(context, user.id)
    if access.member is None or not access.member.is_secretary:
        await reply(update, context, texts.NOT_SECRETARY)
        return
    cell_id = access.member.cell_id

    def work(session: Session) -> Cell | None:
        members.link_group(
            session, chat_id=chat.id, cell_id=cell_id, title=chat.title or "", linked_by=user.id
        )
        return session.get(Cell, cell_id)

    cell = await in_session(context, work)
    context.bot_data.group_checks.pop(chat.id, None)
    await reply(update, context, texts.GROUP_LINKED.format(cell=_cell_name(cell)))


# ----------------------------------------------------------------------------- relinking


async def relink_command(update: Update, context: Context) -> None:
    """/lienket: join approved accounts to their rows of the roster (suggested by name), or
    /lienket <tên tài khoản> = <tên trong danh sách> when the names differ."""
    access = await cell_secretary_access(update, context)
    if access is None:
        return
    assert access.member is not None
    cell_id = access.member.cell_id
    typed = " ".join(context.args or [])
    if typed:
        if "=" not in typed:
            await reply(update, context, texts.RELINK_USAGE)
            return
        left, right = (part.strip() for part in typed.split("=", 1))

        def pair(session: Session) -> tuple[Member | None, Member | None, str]:
            accounts = [a for a, _ in members.unlinked_accounts(session, cell_id=cell_id)]
            account = next((a for a in accounts if fold(a.full_name) == fold(left)), None)
            row = members.find_member(session, cell_id=cell_id, text=right)
            if row is not None and row.telegram_user_id is not None:
                row = None
            return account, row, left if account is None else right

        account, row, missing = await in_session(context, pair)
        if account is None or row is None:
            await reply(update, context, texts.RELINK_NOT_FOUND.format(name=html.escape(missing)))
            return
        pairs = [(account, [row])]
    else:
        found = await in_session(context, lambda s: members.unlinked_accounts(s, cell_id=cell_id))
        pairs = [(a, rows) for a, rows in found if rows]
    buttons = [
        [
            InlineKeyboardButton(
                texts.RELINK_BUTTON.format(account=account.full_name, row=_row_label(row))[:60],
                callback_data=pack(Action.RELINK, account.id or 0, row.id or 0),
            )
        ]
        for account, rows in pairs[:20]
        for row in rows[:3]
    ]
    if not buttons:
        await reply(update, context, texts.RELINK_NONE)
        return
    await reply(update, context, texts.RELINK_TITLE, InlineKeyboardMarkup(buttons))


def _row_label(row: Member) -> str:
    born = f" ({row.birth_date.year})" if row.birth_date else ""
    return f"{row.full_name}{born}"


async def relink_button(update: Update, context: Context) -> None:
    """🔗 on a /lienket suggestion."""
    query = update.callback_query
    assert query is not None
    ids = await button_ids(update, 2)
    if ids is None:
        return
    access = await access_of(context, query.from_user.id)

    def work(session: Session) -> Member:
        account = session.get(Member, ids[0])
        if account is None:
            raise MembershipError(texts.RELINK_GONE)
        if not access.manages(account.cell_id):
            raise MembershipError(texts.NOT_SECRETARY)
        return members.relink(session, account_id=ids[0], roster_id=ids[1], by=query.from_user.id)

    try:
        row = await in_session(context, work)
    except MembershipError as exc:
        await query.answer(str(exc), show_alert=True)
        return
    await query.answer()
    await reply(update, context, texts.RELINK_DONE.format(name=html.escape(row.full_name)))
    if row.telegram_user_id is not None and row.is_secretary:
        # The roster row made the account a (deputy) secretary: his menu changes now.
        await menus.set_menu(context.bot, await access_of(context, row.telegram_user_id))


async def committees(update: Update, context: Context) -> None:
    """/dangbo: an admin groups cells under a đảng bộ and names its secretaries."""
    user = update.effective_user
    assert user is not None
    admins = services(context).admins
    args = " ".join(context.args or [])
    text = await in_session(
        context,
        lambda s: committee_command(s, telegram_user_id=user.id, admins=admins, args=args),
    )
    await reply(update, context, html.escape(text))
