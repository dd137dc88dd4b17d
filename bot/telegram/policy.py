"""Where each command and button may answer: declared once per handler, enforced here.

Every handler the application registers is wrapped by :func:`placed` with one of:

- ``PRIVATE``: a conversation or a secretary's tool that only makes sense in a private chat; in
  a group the bot says so in one line and does nothing else;
- ``PERSONAL``: results about one person or the cell's private records (attendance, notices,
  complaints, the roster, check-in replies); in a group they go to the sender's private chat,
  with a one-line note in the group;
- ``CELL_GROUP``: the cell's documents (answers, passages, pages, files); in place in a private
  chat or in a group a secretary registered whose participants are all members, otherwise as
  ``PERSONAL``;
- ``GROUP``: only in a group (registering it with /nhom);
- ``ANYWHERE``: nothing private in what the bot says (/start, /help, stale buttons, the
  group's membership changes, inline queries, which Telegram shows only to the asker).

A test enumerates every registered handler and fails if one has no declared place.
"""

from __future__ import annotations

import contextvars
import functools
import html
import logging
from collections.abc import Callable, Coroutine
from enum import StrEnum
from typing import Any

from telegram import Update
from telegram.constants import ChatType
from telegram.error import Forbidden

from bot import texts
from bot.telegram.context import Context

log = logging.getLogger(__name__)

Callback = Callable[[Update, Context], Coroutine[Any, Any, Any]]
ATTRIBUTE = "chibo_where"
CHECKED_INSIDE = "chibo_checked_inside"


class Where(StrEnum):
    """Where a handler may answer."""

    PRIVATE = "private"
    PERSONAL = "personal"
    CELL_GROUP = "cell_group"
    GROUP = "group"
    ANYWHERE = "anywhere"


# The private chat this update's replies go to instead of the group it came from.
_private_to: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "chibo_private_to", default=None
)


def redirected_to() -> int | None:
    """The sender's private chat when this update's replies must not go to its group."""
    return _private_to.get()


def target_chat(update: Update) -> int:
    """The chat a reply to ``update`` goes to (its own, or the sender's private chat)."""
    private = _private_to.get()
    if private is not None:
        return private
    chat = update.effective_chat
    assert chat is not None
    return chat.id


def checked_inside(callback: Callback) -> Callback:
    """Mark a CELL_GROUP handler that applies the rule itself (through common.deliver), so
    :func:`placed` only records its place."""
    setattr(callback, CHECKED_INSIDE, True)
    return callback


def policy_of(callback: object) -> Where | None:
    """The place a registered callback declared, if any."""
    return getattr(callback, ATTRIBUTE, None)


def placed(where: Where, callback: Callback) -> Callback:
    """``callback`` answering only where ``where`` allows (see the module's docstring)."""

    @functools.wraps(callback)
    async def wrapped(update: Update, context: Context) -> Any:
        chat, user = update.effective_chat, update.effective_user
        in_group = chat is not None and chat.type != ChatType.PRIVATE
        if (
            where == Where.ANYWHERE
            or user is None
            or getattr(callback, "chibo_checked_inside", False)
        ):
            return await callback(update, context)
        if where == Where.GROUP or not in_group:
            return await callback(update, context)
        if where == Where.PRIVATE:
            await _tell(update, context, texts.GROUP_COMMAND_PRIVATE)
            return None
        assert chat is not None
        note = texts.GROUP_SENT_PRIVATELY
        if where == Where.CELL_GROUP:
            from bot.telegram.handlers.common import group_is_members_only

            if await group_is_members_only(context, chat.id):
                return await callback(update, context)
            note = texts.GROUP_ANSWERED_PRIVATELY
        return await _privately(update, context, callback, note)

    setattr(wrapped, ATTRIBUTE, where)
    return wrapped


async def _privately(update: Update, context: Context, callback: Callback, note: str) -> Any:
    """Run ``callback`` with its replies sent to the sender's private chat; one line in the
    group says where they went (or asks the sender to open a private chat first)."""
    user = update.effective_user
    assert user is not None
    name = html.escape(user.full_name)
    token = _private_to.set(user.id)
    try:
        result = await callback(update, context)
    except Forbidden:  # the sender never opened a private chat with the bot
        bot_name = html.escape(context.bot.username or "")
        await _tell(update, context, texts.GROUP_OPEN_PRIVATE_CHAT.format(name=name, bot=bot_name))
        return None
    finally:
        _private_to.reset(token)
    await _tell(update, context, note.format(name=name), quiet=True)
    return result


async def _tell(update: Update, context: Context, text: str, *, quiet: bool = False) -> None:
    """One line where the update came from: an alert for a button, a message otherwise."""
    query = update.callback_query
    if query is not None:
        if not quiet:
            from telegram.error import BadRequest

            try:
                await query.answer(html.unescape(_plain(text)), show_alert=True)
            except BadRequest:  # already answered by the handler
                log.debug("callback already answered")
        return
    from bot.telegram.handlers.common import reply

    await reply(update, context, text)


def _plain(text: str) -> str:
    import re

    return re.sub(r"<[^>]+>", "", text)
