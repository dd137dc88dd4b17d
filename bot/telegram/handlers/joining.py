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
from bot.answers import texts as ant
from bot.members import Access, MembershipError
from bot.members import texts as mbt
from bot.members.committees import committee_command
from bot.models import SECRETARY_ROLES, Cell, Invite, Member, MemberStatus, Role, as_utc
from bot.telegram.callbacks import Action, int_args, pack, unpack
from bot.telegram.handlers import menus
from bot.telegram.handlers.common import (
    REFUSED,
    Context,
    access_of,
    actor,
    button_ids,
    decided,
    in_session,
    member_access,
    refusal,
    reply,
    send_html,
    services,
)
from bot.when import VIETNAM

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
        await reply(update, context, mbt.INVITE_ASK_NAME.format(cell=_cell_name(cell)))
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

    cell_name = await decided(update, context, redeem, MembershipError)
    if cell_name is REFUSED:
        return
    await reply(update, context, mbt.INVITE_ASK_NAME.format(cell=cell_name))


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

    found = await decided(update, context, save, MembershipError)
    if found is REFUSED:
        return
    member, cell, candidates, notify = found
    text, markup = request_card(member, cell, candidates)
    for chat_id in notify:
        try:
            await send_html(context.bot, chat_id, text, markup)
        except Forbidden:
            log.info("approver %s has not started the bot; request %s waits", chat_id, member.id)
    name = html.escape(member.full_name)
    await reply(update, context, mbt.NAME_RECEIVED.format(name=name, cell=_cell_name(cell)))


def request_card(
    member: Member, cell: Cell | None, candidates: list[Member]
) -> tuple[str, InlineKeyboardMarkup]:
    """A join request as secretaries see it, with one-tap approve (and link) / reject."""
    account = f"@{member.telegram_username}" if member.telegram_username else "Telegram"
    text = mbt.JOIN_REQUEST.format(
        cell=_cell_name(cell),
        name=html.escape(member.full_name),
        account=html.escape(account),
        role=mbt.ROLE_LABELS[Role(member.role)],
    )
    rows = []
    if candidates:
        matches = ", ".join(_with_birth(c) for c in candidates[:3])
        text += "\n" + mbt.JOIN_REQUEST_ROSTER.format(matches=html.escape(matches))
        for row in candidates[:3]:
            born = f" ({row.birth_date.year})" if row.birth_date else ""
            label = mbt.BTN_APPROVE_ROSTER.format(name=row.full_name, born=born)
            rows.append(
                [
                    InlineKeyboardButton(
                        label, callback_data=pack(Action.APPROVE, member.id or 0, row.id or 0)
                    )
                ]
            )
        approve_label = mbt.BTN_APPROVE_NEW
    else:
        text += "\n" + mbt.JOIN_REQUEST_NO_ROSTER
        approve_label = mbt.BTN_APPROVE
    rows.append(
        [
            InlineKeyboardButton(
                approve_label, callback_data=pack(Action.APPROVE, member.id or 0, 0)
            ),
            InlineKeyboardButton(mbt.BTN_REJECT, callback_data=pack(Action.REJECT, member.id or 0)),
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
        await query.answer(ant.STALE_BUTTON, show_alert=True)
        return
    who = actor(update, context)
    roster_id = (ids[1] or None) if action == "a" else None

    def decide(session: Session) -> tuple[Member, Cell | None]:
        return members.decide_request(
            session,
            actor=who,
            member_id=ids[0],
            approved=action == "a",
            roster_member_id=roster_id,
        )

    found = await decided(update, context, decide, MembershipError)
    if found is REFUSED:
        return
    member, cell = found
    await query.answer()
    name, cell_name = html.escape(member.full_name), _cell_name(cell)
    if action == "a":
        notice, to_member = mbt.APPROVED, mbt.WELCOME_APPROVED
    else:
        notice, to_member = mbt.REJECTED, mbt.REJECTED_TO_USER
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
    who = actor(update, context)
    requests = await decided(
        update, context, lambda s: members.requests_for(s, actor=who), MembershipError
    )
    if requests is REFUSED:
        return
    if not requests:
        await reply(update, context, mbt.DUYET_EMPTY)
        return
    for member, cell, candidates in requests:
        text, markup = request_card(member, cell, candidates)
        await reply(update, context, text, markup)


# ----------------------------------------------------------------------------- cells and invites


async def create_cell(update: Update, context: Context) -> None:
    """/taochibo <tên>: an admin creates a cell and gets an invite for its secretary."""
    who, name = actor(update, context), " ".join(context.args or [])
    ttl = timedelta(hours=services(context).settings.bot.invite_ttl_hours)
    found = await decided(
        update,
        context,
        lambda s: members.new_cell(s, actor=who, name=name, ttl=ttl),
        MembershipError,
    )
    if found is REFUSED:
        return
    cell, invite, token = found
    text = mbt.CELL_CREATED.format(
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
    who, wanted = actor(update, context), " ".join(context.args or [])
    ttl = timedelta(hours=services(context).settings.bot.invite_ttl_hours)
    found = await decided(
        update,
        context,
        lambda s: members.new_invite(s, actor=who, wanted=wanted, ttl=ttl),
        MembershipError,
    )
    if found is REFUSED:
        return
    cell, new, token = found
    text = mbt.INVITE_CREATED.format(
        cell=_cell_name(cell),
        role=mbt.ROLE_LABELS[Role(new.role)].lower(),
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
    who = actor(update, context)
    done = await decided(
        update,
        context,
        lambda s: members.withdraw_invite(s, actor=who, invite_id=ids[0]),
        MembershipError,
    )
    if done is REFUSED:
        return
    await query.answer(mbt.INVITE_REVOKED_DONE)
    await query.edit_message_text(mbt.INVITE_REVOKED_DONE)


def _revoke_keyboard(new: Invite) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(mbt.BTN_REVOKE, callback_data=pack(Action.REVOKE, new.id or 0))]]
    )


def _link(context: Context, token: str) -> str:
    return html.escape(create_deep_linked_url(context.bot.username, token))


def _when(new: Invite) -> str:
    local = as_utc(new.expires_at).astimezone(VIETNAM)
    return f"{local:%H:%M} ngày {local.day}/{local.month}/{local.year}"


# ----------------------------------------------------------------------------- members


async def list_members(update: Update, context: Context) -> None:
    """/thanhvien: the cell's members, with who has linked a Telegram account."""
    who, wanted = actor(update, context), " ".join(context.args or [])
    listing = await decided(
        update, context, lambda s: members.roll_call(s, actor=who, wanted=wanted), MembershipError
    )
    if listing is REFUSED:
        return
    for cell, people in listing:
        active = [m for m in people if m.status == MemberStatus.ACTIVE]
        linked = sum(1 for m in active if m.telegram_user_id is not None)
        lines = [mbt.THANHVIEN_HEADING.format(cell=_cell_name(cell), n=len(active), linked=linked)]
        for m in people:
            mark = mbt.THANHVIEN_LINKED if m.telegram_user_id else mbt.THANHVIEN_UNLINKED
            left = f" {mbt.THANHVIEN_LEFT}" if m.status == MemberStatus.LEFT else ""
            role = members.describe_role(m)
            lines.append(f"{mark} {html.escape(m.full_name)} — {role}{left}")
        await reply(update, context, "\n".join(lines))


async def mark_left(update: Update, context: Context) -> None:
    """/chuyendi <họ tên>: a member moved away; their access ends now."""
    who, name = actor(update, context), " ".join(context.args or [])
    found = await decided(
        update, context, lambda s: members.move_away(s, actor=who, name=name), MembershipError
    )
    if found is REFUSED:
        return
    member, cell = found
    text = mbt.CHUYENDI_DONE.format(name=html.escape(member.full_name), cell=_cell_name(cell))
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
    who, title = actor(update, context), chat.title or ""

    def claim(session: Session) -> Cell | None:
        return members.claim_group(session, actor=who, chat_id=chat.id, title=title)

    cell = await decided(update, context, claim, MembershipError)
    if cell is REFUSED:
        return
    context.bot_data.group_checks.pop(chat.id, None)
    await reply(update, context, texts.GROUP_LINKED.format(cell=_cell_name(cell)))


# ----------------------------------------------------------------------------- relinking


async def relink_command(update: Update, context: Context) -> None:
    """/lienket: join approved accounts to their rows of the roster (suggested by name), or
    /lienket <tên tài khoản> = <tên trong danh sách> when the names differ."""
    who, typed = actor(update, context), " ".join(context.args or [])
    pairs = await decided(
        update,
        context,
        lambda s: members.relink_suggestions(s, actor=who, typed=typed),
        MembershipError,
    )
    if pairs is REFUSED:
        return
    buttons = [
        [
            InlineKeyboardButton(
                mbt.RELINK_BUTTON.format(account=account.full_name, row=_row_label(row))[:60],
                callback_data=pack(Action.RELINK, account.id or 0, row.id or 0),
            )
        ]
        for account, rows in pairs[:20]
        for row in rows[:3]
    ]
    await reply(update, context, mbt.RELINK_TITLE, InlineKeyboardMarkup(buttons))


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
    who = actor(update, context)

    def work(session: Session) -> Member:
        return members.relink_by(session, actor=who, account_id=ids[0], roster_id=ids[1])

    row = await decided(update, context, work, MembershipError)
    if row is REFUSED:
        return
    await query.answer()
    await reply(update, context, mbt.RELINK_DONE.format(name=html.escape(row.full_name)))
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
