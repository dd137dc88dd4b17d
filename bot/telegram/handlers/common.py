"""What every handler needs: services from the context, who is writing, sending long HTML."""

from __future__ import annotations

import asyncio
import functools
import html
import logging
import time
from collections.abc import Callable, Coroutine
from enum import Enum
from typing import Any, Literal, TypeVar

from sqlmodel import Session
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import Forbidden, TelegramError
from telegram.ext import ApplicationHandlerStop, ConversationHandler

from bot import members, texts
from bot.answers import texts as ant
from bot.members import Access, Actor
from bot.members import texts as mbt
from bot.messages import split_html
from bot.models import MemberStatus
from bot.services import Services
from bot.telegram.callbacks import int_args, unpack
from bot.telegram.context import BotDataOwner, Context, Drafts
from bot.telegram.policy import redirected_to

log = logging.getLogger(__name__)

T = TypeVar("T")

GROUP_CHECK_TTL = 600.0
GROUP_CHECK_MAX_MEMBERS = 200
_PRESENT = {ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.MEMBER}


Callback = Callable[[Update, Context], Coroutine[Any, Any, Any]]


def reported(callback: Callback) -> Callback:
    """Errors go to the error handlers and end the update; otherwise the callback decides
    whether the update goes on to later groups (by raising ApplicationHandlerStop)."""

    @functools.wraps(callback)
    async def wrapped(update: Update, context: Context) -> Any:
        try:
            return await callback(update, context)
        except ApplicationHandlerStop:
            raise
        except Exception as exc:
            await context.application.process_error(update, exc)
            raise ApplicationHandlerStop(None) from exc

    return wrapped


def final(callback: Callback) -> Callback:
    """End the update with this handler: later groups' handlers (the question handlers of
    group 0) must not see it too, even after an error, which the error handlers report."""
    inner = reported(callback)

    @functools.wraps(callback)
    async def wrapped(update: Update, context: Context) -> Any:
        raise ApplicationHandlerStop(await inner(update, context))

    return wrapped


def drop_on_timeout(
    key: Drafts, text: str
) -> Callable[[object, Context], Coroutine[Any, Any, None]]:
    """A ConversationHandler TIMEOUT callback: forget the draft under ``key``, say ``text``."""

    async def timed_out(update: object, context: Context) -> None:
        if context.user_data is not None:
            context.user_data.forget(key)
        if isinstance(update, Update) and update.effective_chat is not None:
            await send_html(context.bot, update.effective_chat.id, text)

    return timed_out


def drop_draft(key: Drafts, text: str) -> Callable[[Update, Context], Coroutine[Any, Any, int]]:
    """A /huy or «Hủy» callback: forget the draft under ``key``, say ``text``, end the talk."""

    async def dropped(update: Update, context: Context) -> int:
        assert context.user_data is not None
        context.user_data.forget(key)
        await reply(update, context, text)
        return ConversationHandler.END

    return dropped


def stale_button(text: str) -> Callable[[Update, Context], Coroutine[Any, Any, None]]:
    """A callback for buttons of a step already passed or a draft that ended: ``text`` in a
    pop-up."""

    async def stale(update: Update, context: Context) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer(text, show_alert=True)

    return stale


async def button_ids(update: Update, count: int) -> list[int] | None:
    """The pressed button's ``count`` integer arguments; for a malformed or outdated payload,
    the stale-button notice in a pop-up and None."""
    query = update.callback_query
    assert query is not None
    unpacked = unpack(query.data)
    ids = int_args(unpacked[1], count) if unpacked else None
    if ids is None:
        await query.answer(ant.STALE_BUTTON, show_alert=True)
    return ids


def keyboard(*rows: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    """Inline buttons from rows of (label, callback data)."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )


def services(context: BotDataOwner) -> Services:
    """The services the entry point built."""
    return context.bot_data.services


async def in_session(context: BotDataOwner, work: Callable[[Session], T]) -> T:
    """Run ``work`` in one short session, in a worker thread; commits when it returns."""
    engine = services(context).engine

    def unit() -> T:
        # Objects returned to the event loop must stay readable after the commit.
        with Session(engine, expire_on_commit=False) as session:
            result = work(session)
            session.commit()
            return result

    return await asyncio.to_thread(unit)


class Refused(Enum):
    """What ``decided`` returns when the domain said no (and the person was told why)."""

    REFUSED = 0


REFUSED = Refused.REFUSED


async def decided(
    update: Update,
    context: Context,
    work: Callable[[Session], T],
    refusals: type[Exception] | tuple[type[Exception], ...],
) -> T | Literal[Refused.REFUSED]:
    """Run a domain call that decides the rights itself (``in_session``); when it refuses with
    one of ``refusals`` (whose message is Vietnamese), say so where the person acted — a pop-up
    on a button, a reply to a message — and return REFUSED."""
    try:
        return await in_session(context, work)
    except refusals as exc:
        if update.callback_query is not None:
            await update.callback_query.answer(str(exc), show_alert=True)
        else:
            await reply(update, context, str(exc))
        return REFUSED


def actor(update: Update, context: Context) -> Actor:
    """Who sent this update, as the domain's permission checks take them."""
    user = update.effective_user
    assert user is not None
    return Actor(user.id, user.full_name, services(context).admins)


async def access_of(context: Context, telegram_user_id: int) -> Access:
    """What this Telegram user may do."""
    admins = services(context).admins
    return await in_session(
        context,
        lambda s: members.access(s, telegram_user_id=telegram_user_id, admins=admins),
    )


def refusal(access: Access) -> str:
    """The one sentence for someone who may not read the documents."""
    if access.member is None:
        return texts.STRANGER
    if access.awaiting_name:
        return mbt.NAME_INVALID  # asks for the full name again
    return texts.PENDING if access.member.status == MemberStatus.PENDING else texts.LEFT


async def allowed_access(
    update: Update,
    context: Context,
    allowed: Callable[[Access], bool],
    denial: Callable[[Access], str],
) -> Access | None:
    """The sender's access if ``allowed`` says yes; otherwise reply with ``denial`` and None."""
    user = update.effective_user
    assert user is not None
    access = await access_of(context, user.id)
    if not allowed(access):
        await reply(update, context, denial(access))
        return None
    return access


async def member_access(update: Update, context: Context) -> Access | None:
    """Access of a member who may read the documents; anyone else gets the one refusal."""
    return await allowed_access(update, context, lambda a: a.can_ask, refusal)


async def secretary_access(
    update: Update, context: Context, denial: str = texts.NOT_SECRETARY
) -> Access | None:
    """Access of a secretary (bí thư, phó bí thư); anyone else is told the command is theirs."""
    return await allowed_access(update, context, lambda a: a.is_secretary, lambda _: denial)


async def cell_secretary_access(
    update: Update, context: Context, denial: str = texts.NOT_SECRETARY
) -> Access | None:
    """Like ``secretary_access``, for commands about the secretary's own cell: an admin with no
    cell of his own is refused the same way. ``access.member`` is set when this returns one."""
    return await allowed_access(
        update, context, lambda a: a.is_secretary and a.member is not None, lambda _: denial
    )


async def send_html(
    bot: Bot,
    chat_id: int,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
    *,
    reply_to: int | None = None,
) -> Message:
    """Send HTML split to Telegram's length limit; the keyboard goes on the last part."""
    parts = split_html(text) or [html.escape(texts.ERROR)]
    message: Message | None = None
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        message = await bot.send_message(
            chat_id,
            part,
            reply_markup=markup if last else None,
            reply_to_message_id=reply_to if index == 0 else None,
            allow_sending_without_reply=True,
        )
    assert message is not None
    return message


async def reply(update: Update, context: Context, text: str, markup: Any = None) -> Message:
    """Answer in the chat the update came from (replying to the message in groups), or in the
    sender's private chat when the handler's place says so (bot.telegram.policy)."""
    chat = update.effective_chat
    assert chat is not None
    private = redirected_to()
    if private is not None:
        return await send_html(context.bot, private, text, markup)
    reply_to = None
    if chat.type != ChatType.PRIVATE and update.effective_message is not None:
        reply_to = update.effective_message.message_id
    return await send_html(context.bot, chat.id, text, markup, reply_to=reply_to)


async def deliver(
    update: Update, context: Context, text: str, markup: InlineKeyboardMarkup | None = None
) -> Message | None:
    """Send member-only content where no non-member can read it.

    In a private chat, or a group verified to hold only the cell's members, it goes in place;
    from any other group it goes to the member privately, and the group is told so.
    """
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    if redirected_to() is not None:  # the handler's place already sends it privately
        return await reply(update, context, text, markup)
    if chat.type == ChatType.PRIVATE or await group_is_members_only(context, chat.id):
        return await reply(update, context, text, markup)
    name = html.escape(user.full_name)
    try:
        sent = await send_html(context.bot, user.id, text, markup)
    except Forbidden:
        bot_name = html.escape(context.bot.username or "")
        await reply(update, context, texts.GROUP_OPEN_PRIVATE_CHAT.format(name=name, bot=bot_name))
        return None
    await reply(update, context, texts.GROUP_ANSWERED_PRIVATELY.format(name=name))
    return sent


async def group_is_members_only(context: Context, chat_id: int) -> bool:
    """True when a secretary declared this group the cell's and every participant is a member.

    Telegram is asked for the head count and each member's presence; the verdict is cached for
    a few minutes and dropped as soon as someone joins or leaves the group.
    """
    checks: dict[int, tuple[float, bool]] = context.bot_data.group_checks
    cached = checks.get(chat_id)
    if cached is not None and cached[0] > time.monotonic():
        return cached[1]

    def load(session: Session) -> list[int] | None:
        group = members.group_of(session, chat_id=chat_id)
        if group is None:
            return None
        return members.active_member_ids(session, cell_id=group.cell_id)

    ids = await in_session(context, load)
    verdict = False
    if ids is not None and len(ids) <= GROUP_CHECK_MAX_MEMBERS:
        try:
            count = await context.bot.get_chat_member_count(chat_id)
            present = 0
            for user_id in ids:
                member = await context.bot.get_chat_member(chat_id, user_id)
                if member.status in _PRESENT or getattr(member, "is_member", False):
                    present += 1
            verdict = count == present + 1  # everyone else in the group is the bot itself
        except TelegramError as exc:
            log.info("cannot verify the members of group %s: %s", chat_id, exc)
    checks[chat_id] = (time.monotonic() + GROUP_CHECK_TTL, verdict)
    return verdict


async def forget_group_check(update: Update, context: Context) -> None:
    """Someone joined or left a group: check its members again before answering there."""
    if update.effective_chat is not None:
        context.bot_data.group_checks.pop(update.effective_chat.id, None)
