"""The Telegram Bot API emulator, driven by the real python-telegram-bot client over HTTP."""

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import aiohttp
import pytest
import pytest_asyncio
from aiohttp import web
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputFile,
    InputTextMessageContent,
    LinkPreviewOptions,
    ReplyParameters,
    Update,
)
from telegram.constants import MessageEntityType, ParseMode
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, RetryAfter
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tests.e2e.telegram_emulator import TelegramEmulator

pytestmark = pytest.mark.e2e

ATTEND = InlineKeyboardMarkup([[InlineKeyboardButton("Có mặt", callback_data="attend:1")]])


@pytest_asyncio.fixture
async def bot(emulator: TelegramEmulator) -> AsyncIterator[Bot]:
    """The real PTB client pointed at the emulator."""
    client = Bot(emulator.token, base_url=emulator.base_url, base_file_url=emulator.base_file_url)
    async with client:
        yield client


async def test_get_me_fields_parse_in_ptb(bot: Bot, emulator: TelegramEmulator) -> None:
    me = await bot.get_me()

    assert me.is_bot
    assert me.id == emulator.bot.id
    assert me.username == bot.username == "chibo_test_bot"
    assert me.can_join_groups is True
    assert me.can_read_all_group_messages is False
    assert me.supports_inline_queries is True


async def test_envelope_token_and_method_errors(emulator: TelegramEmulator) -> None:
    lan = emulator.create_user("Lan", started=True)
    root = f"http://127.0.0.1:{emulator.port}"
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{root}/botWRONG/getMe") as resp:
            assert resp.status == 401
            assert await resp.json() == {
                "ok": False,
                "error_code": 401,
                "description": "Unauthorized",
            }
        async with http.get(f"{root}/bot{emulator.token}/sendTelepathy") as resp:
            assert resp.status == 404
            assert (await resp.json())["description"] == "Not Found"
        url = f"{root}/bot{emulator.token}/sendMessage"
        async with http.post(url, json={"chat_id": lan.id, "text": "json"}) as resp:
            body = await resp.json()
        async with http.post(url, data={"chat_id": str(lan.id), "text": "form"}) as resp:
            form_body = await resp.json()

    assert body["ok"] is True
    assert body["result"]["text"] == "json"
    assert abs(body["result"]["date"] - time.time()) < 60  # Unix seconds, not milliseconds
    assert form_body["result"]["message_id"] == body["result"]["message_id"] + 1
    with pytest.raises(InvalidToken):  # getMe in initialize() gets 401
        async with Bot("1:WRONG", base_url=emulator.base_url):
            pass


async def test_send_message_round_trip(bot: Bot, emulator: TelegramEmulator) -> None:
    lan = emulator.create_user("Lan", username="lan_nguyen", started=True)

    sent = await bot.send_message(
        lan.id,
        "<b>Họp chi bộ</b> lúc 19h &amp; điểm danh",
        parse_mode=ParseMode.HTML,
        reply_markup=ATTEND,
        disable_notification=True,
        link_preview_options=LinkPreviewOptions(is_disabled=True),
    )
    reply = await bot.send_message(
        lan.id, "Nhắc lại", reply_parameters=ReplyParameters(sent.message_id)
    )

    assert sent.text == "Họp chi bộ lúc 19h & điểm danh"
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [
        (MessageEntityType.BOLD, 0, 10)
    ]
    assert sent.from_user is not None and sent.from_user.id == emulator.bot.id
    assert sent.chat.type == "private" and sent.chat.first_name == "Lan"
    assert abs(sent.date.timestamp() - time.time()) < 60
    assert sent.reply_markup == ATTEND
    assert reply.message_id == sent.message_id + 1
    assert reply.reply_to_message is not None
    assert reply.reply_to_message.message_id == sent.message_id
    stored = emulator.sent_messages(lan.id)
    assert [m["text"] for m in stored] == [sent.text, "Nhắc lại"]
    assert stored[0]["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "attend:1"
    assert emulator.calls("sendMessage")[0].params["disable_notification"] is True


async def test_text_length_counts_visible_characters(bot: Bot, emulator: TelegramEmulator) -> None:
    lan = emulator.create_user("Lan", started=True)

    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(lan.id, "a" * 4097)
    with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
        await bot.send_message(lan.id, "   ")
    tagged = await bot.send_message(lan.id, "<b>" + "ă" * 4096 + "</b>", parse_mode="HTML")

    assert len(tagged.text) == 4096
    assert emulator.calls("sendMessage")[0].description == "Bad Request: message is too long"


@pytest.mark.parametrize(
    "html",
    [
        "<b>chưa đóng",
        "<blink>lạ</blink>",
        "<b><i>chéo</b></i>",
        "1 < 2",
        "Tom &nbsp; Jerry",
        "R&D",
        "<span>ẩn</span>",
        "thừa</b>",
    ],
)
async def test_malformed_html_is_refused(bot: Bot, emulator: TelegramEmulator, html: str) -> None:
    lan = emulator.create_user("Lan", started=True)

    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(lan.id, html, parse_mode=ParseMode.HTML)
    assert emulator.sent_messages(lan.id) == []


@pytest.mark.parametrize(
    ("html", "text", "entity"),
    [
        ("1 &lt; 2 &amp;&#33; <i>ok</i>", "1 < 2 &! ok", "italic"),
        ('<a href="https://dang.vn/?a=1&amp;b=2">link</a>', "link", "text_link"),
        ('<pre><code class="language-python">x = 1</code></pre>', "x = 1", "pre"),
        ("<blockquote expandable>trích</blockquote>", "trích", "expandable_blockquote"),
        ('<span class="tg-spoiler">bí mật</span>', "bí mật", "spoiler"),
    ],
)
async def test_valid_html_becomes_entities(
    bot: Bot, emulator: TelegramEmulator, html: str, text: str, entity: str
) -> None:
    lan = emulator.create_user("Lan", started=True)

    sent = await bot.send_message(lan.id, html, parse_mode=ParseMode.HTML)

    assert sent.text == text
    assert [e.type for e in sent.entities] == [entity]


@pytest.mark.parametrize("data", ["x" * 65, "đ" * 33, ""])
async def test_callback_data_outside_1_to_64_bytes(
    bot: Bot, emulator: TelegramEmulator, data: str
) -> None:
    lan = emulator.create_user("Lan", started=True)
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Nút", callback_data=data)]])

    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await bot.send_message(lan.id, "Chọn", reply_markup=markup)
    assert emulator.requests[-1].description == "Bad Request: BUTTON_DATA_INVALID"
    ok = InlineKeyboardMarkup([[InlineKeyboardButton("Nút", callback_data="đ" * 32)]])
    assert (await bot.send_message(lan.id, "Chọn", reply_markup=ok)).reply_markup == ok


@pytest.mark.parametrize(
    ("state", "description"),
    [
        ("blocked", "bot was blocked by the user"),
        ("never_started", "bot can't initiate conversation with a user"),
        ("deactivated", "user is deactivated"),
    ],
)
async def test_users_the_bot_cannot_write_to(
    bot: Bot, emulator: TelegramEmulator, state: str, description: str
) -> None:
    lan = emulator.create_user("Lan", started=state != "never_started")
    if state == "blocked":
        emulator.block(lan)
    if state == "deactivated":
        emulator.deactivate(lan)

    with pytest.raises(Forbidden, match=description):
        await bot.send_message(lan.id, "Thông báo")
    assert emulator.calls("sendMessage")[-1].description == f"Forbidden: {description}"


async def test_unknown_chat_and_restart_after_block(bot: Bot, emulator: TelegramEmulator) -> None:
    lan = emulator.create_user("Lan", started=True)
    emulator.block(lan)

    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(424242, "Ai đó")
    updates = await bot.get_updates(timeout=0)
    emulator.user_starts(lan)

    assert updates[0].my_chat_member is not None
    assert updates[0].my_chat_member.new_chat_member.status == "kicked"
    assert (await bot.send_message(lan.id, "Chào lại")).text == "Chào lại"


async def test_flood_limits_answer_retry_after(
    bot: Bot, emulator: TelegramEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "1")  # RetryAfter.retry_after as a timedelta
    lan = emulator.create_user("Lan", started=True)
    minh = emulator.create_user("Minh", started=True)
    emulator.rate_limits.group_per_minute = 2
    group = emulator.create_group("Chi bộ 3", [lan, minh])

    for n in range(3):  # the allowed burst in a private chat
        await bot.send_message(lan.id, f"Tin {n}")
    with pytest.raises(RetryAfter) as private:
        await bot.send_message(lan.id, "Tin thừa")
    await bot.send_message(group.id, "Một")
    await bot.send_message(group.id, "Hai")
    with pytest.raises(RetryAfter) as grouped:
        await bot.send_message(group.id, "Ba")

    assert timedelta(0) < private.value.retry_after <= timedelta(seconds=1)
    assert timedelta(seconds=50) < grouped.value.retry_after <= timedelta(seconds=60)
    assert emulator.rate_limited == 2
    assert emulator.rate_limited_by_chat[lan.id] == 1
    assert await bot.send_message(minh.id, "Chat khác vẫn gửi được")

    emulator.rate_limits.enabled = False
    for n in range(5):
        await bot.send_message(minh.id, f"Không giới hạn {n}")


async def test_seeded_random_429_is_reproducible(
    bot: Bot, emulator: TelegramEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    emulator.rate_limits.enabled = False
    lan = emulator.create_user("Lan", started=True)

    async def pattern() -> list[bool]:
        emulator.inject_random_429(0.3, seed=11, retry_after=2)
        refused = []
        for n in range(30):
            try:
                await bot.send_message(lan.id, f"Tin {n}")
                refused.append(False)
            except RetryAfter:
                refused.append(True)
        return refused

    first, second = await pattern(), await pattern()

    assert first == second
    assert 0 < sum(first) < 30
    assert emulator.rate_limited == 2 * sum(first)


async def test_answer_callback_query_only_once(bot: Bot, emulator: TelegramEmulator) -> None:
    lan = emulator.create_user("Lan", started=True)
    await bot.send_message(lan.id, "Điểm danh", reply_markup=ATTEND)
    message = emulator.sent_messages(lan.id)[0]

    query = emulator.user_presses_button(lan, message, "attend:1")
    assert await bot.answer_callback_query(query["id"], text="Đã ghi nhận")
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query(query["id"])
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query("999")

    assert query["chat_instance"] and query["message"]["message_id"] == message["message_id"]
    assert [a["text"] for a in emulator.callback_answers] == ["Đã ghi nhận"]
    with pytest.raises(LookupError):
        emulator.user_presses_button(lan, message, "attend:2")


async def test_edit_returns_message_and_refuses_no_change(
    bot: Bot, emulator: TelegramEmulator
) -> None:
    lan = emulator.create_user("Lan", started=True)
    sent = await bot.send_message(lan.id, "Họp lúc 19h", reply_markup=ATTEND)

    edited = await bot.edit_message_text("Họp lúc 20h", lan.id, sent.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text("Họp lúc 20h", lan.id, sent.message_id)
    with_markup = await bot.edit_message_reply_markup(lan.id, sent.message_id, reply_markup=ATTEND)

    assert edited.text == "Họp lúc 20h" and edited.edit_date is not None
    assert edited.reply_markup is None  # editing text without reply_markup drops the keyboard
    assert with_markup.reply_markup == ATTEND
    assert emulator.sent_messages(lan.id)[0]["text"] == "Họp lúc 20h"
    assert await bot.delete_message(lan.id, sent.message_id)
    assert emulator.sent_messages(lan.id) == []


async def test_documents_upload_get_file_and_download(bot: Bot, emulator: TelegramEmulator) -> None:
    lan = emulator.create_user("Lan", started=True)
    content = b"%PDF-1.4 bien ban hop chi bo"

    sent = await bot.send_document(
        lan.id, InputFile(content, filename="bien-ban.pdf"), caption="Biên bản"
    )
    assert sent.document is not None and sent.document.file_name == "bien-ban.pdf"
    downloaded = await (await bot.get_file(sent.document.file_id)).download_as_bytearray()
    again = await bot.send_document(lan.id, sent.document.file_id)
    incoming = emulator.user_sends_document(lan, "ke-hoach.docx", b"PK\x03\x04 ke hoach")
    from_user = await bot.get_file(incoming["document"]["file_id"])

    assert bytes(downloaded) == content
    assert again.document is not None and again.document.file_id == sent.document.file_id
    assert bytes(await from_user.download_as_bytearray()) == b"PK\x03\x04 ke hoach"
    with pytest.raises(BadRequest, match=r"(?i)caption is too long"):
        await bot.send_photo(lan.id, b"\x89PNG fake", caption="c" * 1025)
    huge = emulator.user_sends_document(lan, "video.mp4", b"\0" * (20 * 1024 * 1024 + 1))
    with pytest.raises(BadRequest, match=r"(?i)file is too big"):
        await bot.get_file(huge["document"]["file_id"])


async def test_long_poll_wakes_on_update_and_offset_confirms(
    bot: Bot, emulator: TelegramEmulator
) -> None:
    lan = emulator.create_user("Lan")
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.3)
    assert not poll.done()

    started = time.monotonic()
    emulator.user_sends_text(lan, "xin chào")
    updates = await asyncio.wait_for(poll, 2)

    assert time.monotonic() - started < 1
    assert [u.message.text for u in updates if u.message] == ["xin chào"]
    assert await bot.get_updates(offset=updates[0].update_id + 1, timeout=0) == ()
    assert emulator.pending_updates == 0


async def test_webhook_delivery_and_409_for_get_updates(
    bot: Bot, emulator: TelegramEmulator
) -> None:
    lan = emulator.create_user("Lan")
    received: list[tuple[dict[str, Any], str | None]] = []

    async def hook(request: web.Request) -> web.Response:
        secret = request.headers.get("X-Telegram-Bot-Api-Secret-Token")
        received.append((await request.json(), secret))
        return web.Response()

    receiver = web.Application()
    receiver.router.add_post("/hook", hook)
    runner = web.AppRunner(receiver)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    try:
        assert await bot.set_webhook(url, secret_token="bi-mat_1")
        with pytest.raises(Conflict):
            await bot.get_updates(timeout=0)
        emulator.user_sends_text(lan, "qua webhook")
        await emulator.wait_for(lambda: received, timeout=5)
        info = await bot.get_webhook_info()
    finally:
        await runner.cleanup()

    assert received == [(received[0][0], "bi-mat_1")]
    assert received[0][0]["message"]["text"] == "qua webhook"
    assert info.url == url and info.pending_update_count == 0
    assert await bot.delete_webhook()
    assert await bot.get_updates(timeout=0) == ()


async def test_group_privacy_mode_and_command_entities(
    bot: Bot, emulator: TelegramEmulator
) -> None:
    lan = emulator.create_user("Lan")
    minh = emulator.create_user("Minh")
    group = emulator.create_group("Chi bộ 3", [lan, minh])

    emulator.user_sends_text(lan, "chào mọi người", group)
    emulator.user_sends_text(minh, "/diemdanh@chibo_test_bot", group)
    emulator.user_sends_text(minh, "🎉🎉 @chibo_test_bot có tài liệu không?", group)
    updates = await bot.get_updates(timeout=0)

    messages = [u.message for u in updates if u.message]
    assert [m.text for m in messages] == [
        "/diemdanh@chibo_test_bot",
        "🎉🎉 @chibo_test_bot có tài liệu không?",
    ]
    assert messages[0].chat.type == "group" and messages[0].chat.title == "Chi bộ 3"
    assert messages[0].entities[0].type == MessageEntityType.BOT_COMMAND
    assert messages[0].entities[0].length == len("/diemdanh@chibo_test_bot")
    assert messages[1].parse_entities([MessageEntityType.MENTION]) == {
        messages[1].entities[0]: "@chibo_test_bot"
    }


async def test_inline_answers_are_limited_to_50(bot: Bot, emulator: TelegramEmulator) -> None:
    lan = emulator.create_user("Lan")
    query = emulator.user_sends_inline_query(lan, "điều lệ")

    def results(count: int) -> list[InlineQueryResultArticle]:
        body = InputTextMessageContent("Điều lệ Đảng")
        return [InlineQueryResultArticle(str(n), f"Điều {n}", body) for n in range(count)]

    with pytest.raises(BadRequest, match=r"(?i)results_too_much"):
        await bot.answer_inline_query(query["id"], results(51))
    assert await bot.answer_inline_query(query["id"], results(2))
    assert [len(a["results"]) for a in emulator.inline_answers] == [2]


async def test_application_polling_handlers_reply(emulator: TelegramEmulator) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Greet with the deep-link payload and an attendance button."""
        assert update.message and update.effective_user
        payload = " ".join(context.args or [])
        await update.message.reply_text(
            f"Chào {update.effective_user.first_name}! Mã: {payload}", reply_markup=ATTEND
        )

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Repeat the user's text."""
        assert update.message
        await update.message.reply_text(f"Bạn nói: {update.message.text}")

    async def attend(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Record attendance from the button."""
        query = update.callback_query
        assert query
        await query.answer("Đã điểm danh")
        await query.edit_message_text(f"{query.from_user.first_name} có mặt")

    app = (
        Application.builder()
        .token(emulator.token)
        .base_url(emulator.base_url)
        .base_file_url(emulator.base_file_url)
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    app.add_handler(CallbackQueryHandler(attend))
    lan = emulator.create_user("Lan")

    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0)
        try:
            emulator.user_starts(lan, payload="hop-thang-5")
            welcome = await emulator.wait_for_message(lan.id, timeout=5)
            said = emulator.user_sends_text(lan, "xin chào")
            reply = await emulator.wait_for_message(lan.id, after=said, timeout=5)
            emulator.user_presses_button(lan, welcome, "attend:1")
            edited = await emulator.wait_for_message(
                lan.id, lambda m: m["text"] == "Lan có mặt", timeout=5
            )
        finally:
            await app.updater.stop()
            await app.stop()

    assert welcome["text"] == "Chào Lan! Mã: hop-thang-5"
    assert reply["text"] == "Bạn nói: xin chào"
    assert edited["message_id"] == welcome["message_id"] and "reply_markup" not in edited
    assert [a["text"] for a in emulator.callback_answers] == ["Đã điểm danh"]
