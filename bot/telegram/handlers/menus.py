"""Command menus by role: members see theirs; secretaries and admins also see the commands that
are theirs (Telegram's per-chat command scope), kept in step when someone is approved or leaves.
"""

from __future__ import annotations

import logging

from sqlmodel import Session, col, select
from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.error import TelegramError
from telegram.ext import Application

from bot import texts
from bot.members import Access
from bot.models import SECRETARY_ROLES, Member, MemberStatus
from bot.telegram.handlers.common import in_session, services

log = logging.getLogger(__name__)


def commands_for(access: Access) -> dict[str, str]:
    """The menu this person should see (the default one for members and everyone else)."""
    menu = dict(texts.COMMANDS)
    if access.is_secretary:
        menu |= texts.SECRETARY_COMMANDS
    if access.is_admin:
        menu |= texts.ADMIN_COMMANDS
    return menu


async def set_default_menu(bot: Bot) -> None:
    """The members' menu, for every chat without a menu of its own."""
    commands = [BotCommand(name, text) for name, text in texts.COMMANDS.items()]
    try:
        await bot.set_my_commands(commands)
    except TelegramError as exc:  # the menu is a convenience; never refuse to start over it
        log.warning("setMyCommands failed: %s", exc)


async def set_menu(bot: Bot, access: Access) -> None:
    """This person's private-chat menu: their role's, or back to the default one."""
    scope = BotCommandScopeChat(access.telegram_user_id)
    try:
        if access.is_secretary:
            commands = [BotCommand(name, text) for name, text in commands_for(access).items()]
            await bot.set_my_commands(commands, scope=scope)
        else:
            await bot.delete_my_commands(scope=scope)
    except TelegramError as exc:
        log.info("menu of %s not set: %s", access.telegram_user_id, exc)


def secretaries(session: Session, *, admins: frozenset[int]) -> list[Access]:
    """Everyone whose menu differs from the default: active secretaries and the admins."""
    rows = session.exec(
        select(Member).where(
            col(Member.status) == MemberStatus.ACTIVE,
            col(Member.role).in_([str(r) for r in SECRETARY_ROLES]),
            col(Member.telegram_user_id).is_not(None),
        )
    ).all()
    found = {
        m.telegram_user_id: Access(m.telegram_user_id, m, m.telegram_user_id in admins)
        for m in rows
        if m.telegram_user_id is not None
    }
    for admin in admins:
        if admin not in found:
            member = session.exec(select(Member).where(Member.telegram_user_id == admin)).first()
            found[admin] = Access(admin, member, True)
    return list(found.values())


async def set_role_menus(application: Application) -> None:
    """Start-up: the default menu, then each secretary's and admin's own."""
    await set_default_menu(application.bot)
    admins = services(application).admins
    people = await in_session(application, lambda s: secretaries(s, admins=admins))
    for access in people:
        await set_menu(application.bot, access)
