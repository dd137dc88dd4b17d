"""Group policy in one place: every handler declares where it may answer, and private results
asked for in a group go to the asker's private chat with one line in the group."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlmodel import Session, select
from telegram.ext import Application, BaseHandler, ConversationHandler

from bot import texts
from bot.models import Cell, Role
from bot.telegram.policy import policy_of
from knowledge.models import Passage
from tests.bot.support import RecordingRequest, callback_update, feed, message_update, user
from tests.utils.cell_factories import make_cell, make_member

LAN = user(500_001, "Lan")
SECRETARY = user(600_001, "Bình")
GROUP = {"id": -100_500, "type": "supergroup", "title": "Chi bộ và khách"}


def _every_handler(app: Application) -> Iterator[BaseHandler[Any, Any, Any]]:
    for handlers in app.handlers.values():
        for handler in handlers:
            if isinstance(handler, ConversationHandler):
                yield from handler.entry_points
                for state in handler.states.values():
                    yield from state
                yield from handler.fallbacks
            else:
                yield handler


def test_every_registered_handler_declares_where_it_may_answer(app: Application) -> None:
    handlers = list(_every_handler(app))
    assert len(handlers) > 40  # the walk reached the conversations' steps too
    undeclared = [h for h in handlers if policy_of(h.callback) is None]
    assert undeclared == []


def _cell(session: Session) -> Cell:
    cell = make_cell(session)
    make_member(session, cell, full_name="Nguyễn Thị Lan", telegram_user_id=LAN["id"])
    make_member(session, cell, full_name="Trần Văn Bình", role=Role.SECRETARY,
                telegram_user_id=SECRETARY["id"])  # fmt: skip
    return cell


def _texts_to(recorder: RecordingRequest, chat_id: int) -> list[str]:
    return [
        str(c.params.get("text") or c.params.get("caption") or c.method)
        for c in recorder.calls
        if c.method in ("sendMessage", "editMessageText", "sendDocument", "sendPhoto")
        and int(c.params["chat_id"]) == chat_id
    ]


async def test_personal_results_asked_in_a_group_go_to_the_private_chat(
    app: Application, recorder: RecordingRequest, session: Session
) -> None:
    _cell(session)
    for sender, command in ((LAN, "/diemdanh"), (SECRETARY, "/diemdanh 2026"),
                            (SECRETARY, "/thongbao_ds"), (LAN, "/comat 123456")):  # fmt: skip
        await feed(app, message_update(sender, command, chat=GROUP))

    in_group = _texts_to(recorder, GROUP["id"])
    assert len(in_group) == 4  # one line each…
    assert all(t.startswith("Tôi đã gửi riêng cho đồng chí") for t in in_group)  # …and only that
    assert _texts_to(recorder, LAN["id"]) and _texts_to(recorder, SECRETARY["id"])


async def test_page_buttons_in_an_unverified_group_never_edit_the_group_message(
    app: Application, recorder: RecordingRequest, session: Session
) -> None:
    _cell(session)
    passage = session.exec(select(Passage).where(Passage.ordinal == 1)).first()
    assert passage is not None
    await feed(app, callback_update(LAN, f"c1:d:{passage.document_id}:2", chat_id=GROUP["id"]))
    await feed(app, callback_update(LAN, f"c1:p:{passage.id}", chat_id=GROUP["id"]))

    assert _texts_to(recorder, GROUP["id"]) == []
    assert len(_texts_to(recorder, LAN["id"])) == 2  # both pages went to Lan privately


async def test_a_private_only_command_in_a_group_says_so_in_one_line(
    app: Application, recorder: RecordingRequest, session: Session
) -> None:
    _cell(session)
    await feed(app, message_update(SECRETARY, "/cuochop", chat=GROUP))

    assert len(_texts_to(recorder, GROUP["id"])) == 1
    assert _texts_to(recorder, SECRETARY["id"]) == []
    assert texts.GROUP_COMMAND_PRIVATE  # the wording lives in bot/texts.py
