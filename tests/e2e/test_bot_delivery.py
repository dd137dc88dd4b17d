"""Where answers go and how they get there: groups with and without outsiders, flood limits,
webhook mode with its secret."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import pytest_asyncio

from bot.telegram.app import build_application
from bot.telegram.webhook import SECRET_HEADER, serve_webhook
from tests.bot.support import (
    Corpus,
    Deployment,
    deployed,
    make_settings,
    read_answer,
    services_from,
)
from tests.e2e.telegram_emulator import JSON, Chat, TelegramEmulator, User, _Params

pytestmark = [pytest.mark.e2e, pytest.mark.model]


class GroupAwareEmulator(TelegramEmulator):
    """The emulator plus getChatMemberCount / getChatMember and join service messages."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._methods["getChatMemberCount"] = self._member_count
        self._methods["getChatMember"] = self._chat_member
        self._method_names = {name.lower(): name for name in self._methods}

    async def _member_count(self, params: _Params) -> int:
        chat = self._chat(params.values.get("chat_id"))
        return len(chat.member_ids) + int(chat.bot_is_member)

    async def _chat_member(self, params: _Params) -> JSON:
        chat = self._chat(params.values.get("chat_id"))
        user_id = params.integer("user_id") or 0
        user = self.users.get(user_id, User(user_id, "?"))
        status = "member" if user_id in chat.member_ids else "left"
        return {"status": status, "user": user.to_api()}

    def user_joins(self, user: User, chat: Chat) -> None:
        """Someone is added to a group; the bot sees the service message (as Telegram sends)."""
        chat.member_ids.add(user.id)
        message = self._new_message(chat, user, {"new_chat_members": [user.to_api()]})
        self._push_update("message", message)


@pytest_asyncio.fixture
async def deployment(corpus: Corpus, tmp_path: Path) -> AsyncIterator[Deployment]:
    """`chibo run` against a group-aware emulator."""
    async with GroupAwareEmulator() as telegram, deployed(telegram, corpus, tmp_path) as running:
        yield running


async def test_group_answers_go_private_while_an_outsider_is_present(
    deployment: Deployment,
) -> None:
    tg = deployment.telegram
    assert isinstance(tg, GroupAwareEmulator)
    binh, lan, outsider = tg.create_user("Bình"), tg.create_user("Lan"), tg.create_user("Khách")
    deployment.member(binh, role="bi_thu")
    deployment.member(lan)
    tg.user_starts(lan)
    await tg.wait_for_message(lan.id)
    group = tg.create_group("Chi bộ và khách", [binh, lan, outsider])

    asked = tg.user_sends_text(lan, "@chibo_test_bot sinh hoạt chi bộ mấy lần một tháng?", group)
    note = await tg.wait_for_message(group.id, after=asked, timeout=20)
    private = await tg.wait_for_message(lan.id, lambda m: "Nguồn:" in m["text"])
    stranger_asks = tg.user_sends_text(outsider, "/hoi chỉ thị 05 nói về gì", group)
    refused = await tg.wait_for_message(group.id, after=stranger_asks)

    assert note["text"].startswith("Tôi đã trả lời riêng đồng chí Lan")
    assert all("Nguồn" not in m["text"] for m in tg.sent_messages(group.id))
    read_answer(private["text"])
    assert refused["text"] == "Xin lỗi, tôi chỉ trả lời đảng viên của chi bộ."


async def test_a_members_only_cell_group_gets_answers_until_a_stranger_joins(
    deployment: Deployment,
) -> None:
    tg = deployment.telegram
    assert isinstance(tg, GroupAwareEmulator)
    binh, lan = tg.create_user("Bình"), tg.create_user("Lan")
    deployment.member(binh, cell="Chi bộ Xe buýt số 1", role="bi_thu")
    deployment.member(lan, cell="Chi bộ Xe buýt số 1")
    group = tg.create_group("Chi bộ Xe buýt số 1", [binh, lan])

    linked = tg.user_sends_text(binh, "/nhom", group)
    confirm = await tg.wait_for_message(group.id, after=linked)
    asked = tg.user_sends_text(lan, "/hoi chỉ thị 05 nói về gì", group)
    in_group = await tg.wait_for_message(group.id, after=asked, timeout=20)
    tg.user_joins(tg.create_user("Khách"), group)
    again = tg.user_sends_text(lan, "/hoi chỉ thị 05 nói về gì", group)
    after_join = await tg.wait_for_message(group.id, after=again, timeout=20)

    assert confirm["text"].startswith("Đã ghi nhận nhóm này là nhóm của")
    assert "05-CT/TW" in read_answer(in_group["text"]).sources[1]
    assert in_group["reply_to_message"]["message_id"] == asked["message_id"]
    assert "Nguồn" not in after_join["text"]
    assert after_join["text"].startswith("Đồng chí Lan hãy nhắn riêng cho tôi")


async def test_flood_limits_are_waited_out_not_dropped(deployment: Deployment) -> None:
    tg = deployment.telegram
    lan = tg.create_user("Lan")
    deployment.member(lan)
    tg.inject_error("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)

    answer = await deployment.say(lan, "chỉ thị 05 nói về gì", timeout=30)

    sends = tg.calls("sendMessage")
    assert [c.error_code for c in sends] == [429, None]
    assert sends[1].time - sends[0].time >= 1.0
    assert "05-CT/TW" in read_answer(answer["text"]).sources[1]


async def test_webhook_mode_accepts_only_telegram_with_the_secret(
    emulator: TelegramEmulator, corpus: Corpus, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHIBO_WEBHOOK_SECRET", "s3cret_token-1")
    port = _free_port()
    url = f"http://127.0.0.1:{port}/telegram"
    settings = make_settings(
        tmp_path,
        mode="webhook",
        webhook_url=url,
        webhook_port=port,
        api_base_url=emulator.base_url,
        api_file_url=emulator.base_file_url,
    )
    services = services_from(corpus, settings)
    lan = emulator.create_user("Lan")
    Deployment(emulator, services).member(lan)
    stop = asyncio.Event()
    application = build_application(settings, services, updater=False)
    server = asyncio.create_task(serve_webhook(application, settings, stop=stop))
    try:
        await emulator.wait_for(lambda: emulator.calls("setWebhook"), timeout=20)
        async with aiohttp.ClientSession() as http:
            async with http.post(url, json={"update_id": 1}) as forged:
                forged_status = forged.status
            async with http.post(url, json={"update_id": 2}, headers={SECRET_HEADER: "x"}) as bad:
                bad_status = bad.status
        sent = emulator.user_sends_text(lan, "chỉ thị 05 nói về gì")
        answer = await emulator.wait_for_message(lan.id, after=sent, timeout=20)
    finally:
        stop.set()
        await server
        services.engine.dispose()

    assert emulator.calls("setWebhook")[0].params["secret_token"] == "s3cret_token-1"
    assert (forged_status, bad_status) == (403, 403)
    assert "05-CT/TW" in read_answer(answer["text"]).sources[1]


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
