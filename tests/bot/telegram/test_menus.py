"""Command menus by role: members see the members' commands; a secretary's own chat also lists
the secretary's commands, from start-up, from approval, and no longer once they leave."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlmodel import Session, select
from telegram.ext import Application

from bot import members
from bot.models import Member, Role
from bot.services import Services
from bot.settings import Settings
from bot.telegram.app import build_application
from bot.telegram.callbacks import pack
from tests.bot.support import (
    ADMIN_ID,
    RecordingRequest,
    callback_update,
    feed,
    message_update,
    user,
)
from tests.utils.cell_factories import make_cell, make_member

SECRETARY = user(610_001, "Bình")
DEPUTY = user(610_002, "Hà")
LAN = user(610_003, "Lan")


def menus(recorder: RecordingRequest) -> dict[int | None, list[str]]:
    """Chat id (None = everyone) → the commands set for it, from the calls made."""
    found: dict[int | None, list[str]] = {}
    for params in recorder.sent("setMyCommands"):
        scope = params.get("scope")
        scope = json.loads(scope) if isinstance(scope, str) else scope
        chat = int(scope["chat_id"]) if scope else None
        found[chat] = [c["command"] for c in params["commands"]]
    return found


def cleared(recorder: RecordingRequest) -> list[int]:
    """Chats whose own menu was deleted (back to the default one)."""
    out = []
    for params in recorder.sent("deleteMyCommands"):
        scope = params.get("scope")
        scope = json.loads(scope) if isinstance(scope, str) else scope
        out.append(int(scope["chat_id"]))
    return out


async def test_start_up_gives_secretaries_and_admins_their_own_menus(
    settings: Settings, services: Services, session: Session
) -> None:
    cell = make_cell(session)
    make_member(session, cell, telegram_user_id=SECRETARY["id"], role=Role.SECRETARY)
    make_member(session, cell, telegram_user_id=LAN["id"], full_name="Nguyễn Thị Lan")
    recorder = RecordingRequest()
    app = build_application(settings, services, request=recorder, updater=False)
    await app.initialize()
    assert app.post_init is not None
    await app.post_init(app)
    await app.shutdown()

    found = menus(recorder)
    assert "hop" not in found[None] and "hoi" in found[None] and "comat" in found[None]
    assert {"hoi", "hop", "cuochop", "thongbao", "moi"} <= set(found[SECRETARY["id"]])
    assert "taochibo" not in found[SECRETARY["id"]]
    assert {"hop", "taochibo"} <= set(found[ADMIN_ID])
    assert LAN["id"] not in found  # a member keeps the default menu


async def test_an_approved_secretary_gets_the_menu_and_loses_it_on_leaving(
    app: Application, recorder: RecordingRequest, session: Session
) -> None:
    cell = make_cell(session)
    make_member(session, cell, telegram_user_id=SECRETARY["id"], role=Role.SECRETARY)
    _invite, token = members.create_invite(
        session,
        cell_id=cell.id or 0,
        created_by=SECRETARY["id"],
        ttl=timedelta(hours=1),
        role=Role.DEPUTY,
    )
    session.commit()
    await feed(app, message_update(DEPUTY, f"/start {token}"))
    await feed(app, message_update(DEPUTY, "Lê Thị Hà"))
    request = session.exec(select(Member).where(Member.telegram_user_id == DEPUTY["id"])).one()
    recorder.clear()

    await feed(app, callback_update(SECRETARY, f"c1:a:{request.id}:0"))
    approved = menus(recorder)
    recorder.clear()
    await feed(app, message_update(SECRETARY, "/chuyendi Lê Thị Hà"))

    assert "hop" in approved[DEPUTY["id"]]
    assert cleared(recorder) == [DEPUTY["id"]]


async def test_an_account_joined_to_a_deputys_roster_row_gets_the_menu(
    app: Application, recorder: RecordingRequest, session: Session
) -> None:
    cell = make_cell(session)
    make_member(session, cell, telegram_user_id=SECRETARY["id"], role=Role.SECRETARY)
    account = make_member(session, cell, full_name="Lê Thị Hà", telegram_user_id=DEPUTY["id"])
    row = make_member(
        session,
        cell,
        full_name="Lê Thị Hà",
        role=Role.DEPUTY,
        telegram_user_id=None,
        in_roster=True,
    )
    session.commit()
    recorder.clear()

    await feed(app, callback_update(SECRETARY, pack("l", account.id or 0, row.id or 0)))

    assert "Đã ghép tài khoản Telegram" in recorder.texts(SECRETARY["id"])[-1]
    assert "hop" in menus(recorder)[DEPUTY["id"]]
