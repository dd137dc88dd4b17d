"""/thongbao as a secretary goes through it, offline: the guided draft, every refusal with its
reason, the preview, confirming, and the «Đã đọc» button — through the real Application."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from sqlmodel import Session, select
from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import Application, Defaults, MessageHandler, filters

from bot.models import DeliveryState, Notice, NoticeDelivery, Role
from bot.services import Services
from bot.telegram.callbacks import pack
from bot.telegram.context import CONTEXT_TYPES
from bot.telegram.handlers.notices import register
from tests.bot.support import (
    ADMIN_ID,
    TOKEN,
    RecordingRequest,
    callback_update,
    message_update,
    user,
)
from tests.utils.cell_factories import make_cell, make_member

SECRETARY = user(800_001, "Bình")
MEMBER = user(800_002, "Lan")
STRANGER = user(800_099, "Khách")
JSON = dict[str, Any]


GROUP0: list[Update] = []  # what reached the question handlers' group (cleared per test)


async def _group0(update: Update, context: Any) -> None:
    GROUP0.append(update)


@pytest_asyncio.fixture
async def app(services: Services, recorder: RecordingRequest) -> AsyncIterator[Application]:
    """The notice handlers on an Application of their own, plus a group-0 catch-all spy."""
    application = (
        Application.builder()
        .token(TOKEN)
        .request(recorder)
        .get_updates_request(recorder)
        .updater(None)
        .context_types(CONTEXT_TYPES)
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        .build()
    )
    application.bot_data.services = services
    GROUP0.clear()
    register(application)
    application.add_handler(MessageHandler(filters.ALL, _group0))
    await application.initialize()
    await application.start()
    recorder.clear()
    yield application
    await application.stop()
    await application.shutdown()


@pytest.fixture
def cell(session: Session) -> int:
    """A cell with its secretary, two linked members and one without Telegram."""
    found = make_cell(session)
    make_member(
        session, found, full_name="Trần Văn Bình", role=Role.SECRETARY, telegram_user_id=800_001
    )
    make_member(session, found, full_name="Nguyễn Thị Lan", telegram_user_id=800_002)
    make_member(session, found, full_name="Lê Văn Hùng", telegram_user_id=800_003)
    make_member(session, found, full_name="Phạm Chưa Dùng", telegram_user_id=None)
    assert found.id is not None
    return found.id


async def say(app: Application, sender: JSON, text: str | None = None, **content: Any) -> None:
    """The user sends a message."""
    await app.process_update(Update.de_json(message_update(sender, text, **content), app.bot))


async def press(app: Application, sender: JSON, *args: str | int) -> None:
    """The user presses a button carrying ``pack(*args)``; draft buttons get the draft's token."""
    if args[0] == "nd":
        args = ("nd", app.user_data[sender["id"]].notice_draft.token, *args[1:])
    data = callback_update(sender, pack(str(args[0]), *args[1:]))
    await app.process_update(Update.de_json(data, app.bot))


def last_text(recorder: RecordingRequest, chat_id: int = 800_001) -> str:
    """The bot's latest message to a chat."""
    return recorder.texts(chat_id)[-1]


def answers(recorder: RecordingRequest) -> list[str]:
    """Texts of the callback answers, in order."""
    return [str(p.get("text", "")) for p in recorder.sent("answerCallbackQuery")]


async def draft_until_audience(app: Application, text: str = "Họp chi bộ thứ Hai") -> None:
    """/thongbao, a text, no attachment: the audience question is showing."""
    await say(app, SECRETARY, "/thongbao")
    await say(app, SECRETARY, text)
    await press(app, SECRETARY, "nd", "skip")


# ----------------------------------------------------------------------------- who may


@pytest.mark.parametrize("sender", [MEMBER, STRANGER])
async def test_only_secretaries_may_send_notices(
    app: Application, recorder: RecordingRequest, cell: int, sender: JSON
) -> None:
    await say(app, sender, "/thongbao")
    await say(app, sender, "Họp chi bộ")  # not taken as a draft

    assert recorder.texts(sender["id"]) == [
        "Lệnh /thongbao dành cho bí thư, phó bí thư chi bộ và quản trị viên."
    ]
    assert len(GROUP0) == 1  # the text went on to the question handlers


async def test_notices_are_composed_in_private(
    app: Application, recorder: RecordingRequest
) -> None:
    group = {"id": -100123, "type": "supergroup", "title": "Chi bộ"}

    await say(app, SECRETARY, "/thongbao", chat=group)

    assert recorder.texts(-100123) == ["Xin soạn thông báo trong tin nhắn riêng với tôi."]


# ----------------------------------------------------------------------------- the draft


async def test_a_secretary_drafts_previews_and_confirms(
    app: Application, recorder: RecordingRequest, session: Session, cell: int
) -> None:
    await say(app, SECRETARY, "/thongbao")
    await say(
        app,
        SECRETARY,
        "Họp chi bộ thứ Hai lúc 19:30",
        entities=[{"type": "bold", "offset": 0, "length": 10}],
    )
    asked_file = last_text(recorder)
    await press(app, SECRETARY, "nd", "skip")
    await press(app, SECRETARY, "nd", "kind", "cell")
    asked_time = last_text(recorder)
    recorder.clear()
    await press(app, SECRETARY, "nd", "now")
    preview = recorder.sent()
    token = app.user_data[800_001].notice_draft.token
    await press(app, SECRETARY, "nd", "ok")

    assert asked_file.startswith("Đã nhận nội dung (28 ký tự)")
    assert "tới <b>2</b> đồng chí" in asked_time
    assert "Phạm Chưa Dùng" in asked_time  # named: no Telegram account
    notice_part = preview[1]
    assert notice_part["text"] == (
        "📢 <b>THÔNG BÁO</b> — Chi bộ Xí nghiệp Xe buýt số 1\n\n"
        "<b>Họp chi bộ</b> thứ Hai lúc 19:30\n\n<i>— Trần Văn Bình</i>"
    )
    assert recorder.buttons(notice_part) == [("✅ Đã đọc", "c1:nr:0")]
    assert "Người nhận: 2 đồng chí" in preview[2]["text"]
    assert recorder.buttons(preview[2]) == [
        ("✅ Gửi", f"c1:nd:{token}:ok"),
        ("✖ Hủy", f"c1:nd:{token}:no"),
    ]
    notice = session.exec(select(Notice)).one()
    rows = session.exec(select(NoticeDelivery)).all()
    assert notice.status_chat_id == 800_001 and notice.status_message_id is not None
    assert sorted((r.member_name, r.state) for r in rows) == [
        ("Lê Văn Hùng", DeliveryState.PENDING),
        ("Nguyễn Thị Lan", DeliveryState.PENDING),
        ("Phạm Chưa Dùng", DeliveryState.UNREACHABLE),
    ]
    assert not GROUP0  # no draft message reached the question handlers


async def test_cancel_drops_the_draft(
    app: Application, recorder: RecordingRequest, session: Session, cell: int
) -> None:
    await draft_until_audience(app)
    await say(app, SECRETARY, "/huy")
    await say(app, SECRETARY, "Câu hỏi sau khi hủy")

    assert last_text(recorder) == "Đã hủy bản thông báo."
    assert session.exec(select(Notice)).first() is None
    assert len(GROUP0) == 1


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("<b></b>", "Thông báo trống"),
        ("<b>Họp chi bộ lúc 19:30", "thẻ &lt;b&gt; chưa được đóng"),
        ("x" * 20_000, "dài quá (20"),
    ],
)
async def test_bad_text_is_refused_with_the_reason_and_asked_again(
    app: Application, recorder: RecordingRequest, cell: int, typed: str, expected: str
) -> None:
    await say(app, SECRETARY, "/thongbao")
    await say(app, SECRETARY, typed)
    refusal = last_text(recorder)
    await say(app, SECRETARY, "Họp chi bộ")

    assert expected in refusal
    assert last_text(recorder).startswith("Đã nhận nội dung")


async def test_a_long_notice_is_split_and_the_preview_says_so(
    app: Application, recorder: RecordingRequest, cell: int
) -> None:
    await draft_until_audience(app, "Nội dung nghị quyết. " * 300)  # 6,300 characters
    await press(app, SECRETARY, "nd", "kind", "cell")
    recorder.clear()
    await press(app, SECRETARY, "nd", "now")

    sent = recorder.sent()
    assert len(sent) == 4  # intro, two parts, summary
    assert recorder.buttons(sent[1]) == [] and recorder.buttons(sent[2]) == [
        ("✅ Đã đọc", "c1:nr:0")
    ]
    assert "vượt giới hạn 4.096 của Telegram nên được chia" in sent[3]["text"]


async def test_an_attachment_over_telegrams_limit_is_refused(
    app: Application, recorder: RecordingRequest, cell: int
) -> None:
    big = {"file_id": "big", "file_unique_id": "b", "file_name": "video.mp4", "file_size": 60 << 20}
    small = {"file_id": "ok", "file_unique_id": "o", "file_name": "ke-hoach.pdf", "file_size": 9000}

    await say(app, SECRETARY, "/thongbao")
    await say(app, SECRETARY, "Kế hoạch tháng 6")
    await say(app, SECRETARY, document=big)
    refusal = last_text(recorder)
    await say(app, SECRETARY, document=small)

    assert "Tệp nặng 60,0 MB, vượt giới hạn 50 MB" in refusal
    assert last_text(recorder) == "Gửi tới ai?"
    assert not GROUP0  # the files were not ingested as documents


async def test_a_send_time_in_the_past_is_refused_then_a_future_one_taken(
    app: Application, recorder: RecordingRequest, cell: int
) -> None:
    await draft_until_audience(app)
    await press(app, SECRETARY, "nd", "kind", "cell")
    await say(app, SECRETARY, "07:30 01/01/2020")
    refusal = last_text(recorder)
    await say(app, SECRETARY, "07:30 01/01/2099")
    refused_far = last_text(recorder)

    assert "Thời điểm 07:30 thứ Tư, 01/01/2020 đã qua" in refusal
    assert refusal.endswith("Hoặc bấm «Gửi ngay».")
    assert "trong vòng 90 ngày" in refused_far


async def test_an_audience_with_no_reachable_members_is_refused(
    app: Application, recorder: RecordingRequest, cell: int
) -> None:
    await draft_until_audience(app)
    await press(app, SECRETARY, "nd", "kind", "committee")  # only the secretary: left out
    refusal, asked_again = recorder.texts(800_001)[-2:]
    await press(app, SECRETARY, "nd", "kind", "cell")

    assert refusal.startswith("Không có đảng viên nào trong nhóm người nhận này")
    assert asked_again == "Gửi tới ai?"
    assert "tới <b>2</b> đồng chí" in last_text(recorder)


async def test_buttons_of_a_passed_step_or_an_old_draft_change_nothing(
    app: Application, recorder: RecordingRequest, session: Session, cell: int
) -> None:
    await draft_until_audience(app)
    old = app.user_data[800_001].notice_draft.token
    await press(app, SECRETARY, "nd", "ok")  # «Gửi» before any preview
    await say(app, SECRETARY, "/thongbao")  # a new draft replaces the old one
    await say(app, SECRETARY, "Nội dung mới")
    await press(app, SECRETARY, "nd", "skip")
    await press(app, SECRETARY, "nd", "kind", "cell")
    await press(app, SECRETARY, "nd", "now")
    await app.process_update(
        Update.de_json(callback_update(SECRETARY, pack("nd", old, "ok")), app.bot)
    )

    stale = "Nút này thuộc một bước đã qua hoặc một bản soạn đã kết thúc."
    assert answers(recorder).count(stale) == 2
    assert session.exec(select(Notice)).first() is None
    await press(app, SECRETARY, "nd", "ok")  # the current draft's own button
    assert session.exec(select(Notice)).one().text_html == "Nội dung mới"


# ----------------------------------------------------------------------------- reading


async def _sent_delivery(session: Session, chat_id: int) -> int:
    row = session.exec(select(NoticeDelivery).where(NoticeDelivery.chat_id == chat_id)).one()
    row.state, row.message_id = DeliveryState.SENT, 55
    session.add(row)
    session.commit()
    assert row.id is not None
    return row.id


async def test_read_button_pressed_twice_or_on_a_forwarded_copy(
    app: Application, recorder: RecordingRequest, session: Session, cell: int
) -> None:
    await draft_until_audience(app)
    await press(app, SECRETARY, "nd", "kind", "cell")
    await press(app, SECRETARY, "nd", "now")
    await press(app, SECRETARY, "nd", "ok")
    delivery = await _sent_delivery(session, 800_002)
    recorder.clear()

    await press(app, STRANGER, "nr", delivery)
    await press(app, MEMBER, "nr", delivery)
    await press(app, MEMBER, "nr", delivery)
    await press(app, MEMBER, "nr", 0)

    assert answers(recorder) == [
        "Nút này chỉ dành cho người được gửi thông báo; bản chuyển tiếp không xác nhận thay được.",
        "Cảm ơn đồng chí đã xác nhận.",
        "Đồng chí đã xác nhận đọc thông báo này rồi.",
        "Đây là bản xem trước; nút «Đã đọc» chỉ hoạt động ở bản đảng viên nhận.",
    ]
    marked = recorder.sent("editMessageReplyMarkup")
    assert len(marked) == 1 and recorder.buttons(marked[0]) == [
        ("✔ Đã xác nhận đọc", f"c1:nr:{delivery}")
    ]
    session.expire_all()
    assert session.get(NoticeDelivery, delivery).read_at is not None  # type: ignore[union-attr]


async def test_only_those_who_manage_a_notice_may_stop_it(
    app: Application, recorder: RecordingRequest, session: Session, cell: int
) -> None:
    await draft_until_audience(app)
    await press(app, SECRETARY, "nd", "kind", "cell")
    await press(app, SECRETARY, "nd", "now")
    await press(app, SECRETARY, "nd", "ok")
    notice = session.exec(select(Notice)).one()
    recorder.clear()

    await press(app, MEMBER, "nx", notice.id or 0)
    await press(app, user(ADMIN_ID, "Quản trị"), "nx", notice.id or 0)
    await press(app, SECRETARY, "nx", notice.id or 0)

    assert answers(recorder) == [
        "Đồng chí không quản lý thông báo này.",
        f"Đã dừng thông báo #{notice.id}: 2 bản chưa gửi đã được hủy.",
        f"Thông báo #{notice.id} đã gửi xong hoặc đã dừng.",
    ]
