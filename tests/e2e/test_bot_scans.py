"""Photos of pages over real HTTP: an album a secretary sends becomes one document (pages in
order, recognised with Tesseract, progress counted, «chưa đối chiếu»); the sender can stop it
and nothing is stored; members go on getting answers meanwhile."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from knowledge.ocr import available
from tests.bot.support import Deployment, read_answer
from tests.utils.pages import image_bytes, photo, render_page

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.model,
    pytest.mark.skipif(not available(), reason="tesseract with Vietnamese is not installed"),
]

PAGE_ONE = (
    "ĐẢNG ỦY CÔNG TY CP VẬN TẢI HÀM RỒNG (văn bản mẫu để kiểm thử)\n"
    "Số 301-TB/ĐU\n"
    "THÔNG BÁO\n"
    "về kiểm tra an toàn trên xe buýt"
)
PAGE_TWO = (
    "Mỗi xe buýt được trang bị một búa thoát hiểm tại mỗi cửa sổ thoát hiểm.\n"
    "Lái xe kiểm tra búa thoát hiểm trước mỗi ca làm việc.\n"
    "T/M ĐẢNG ỦY\nBÍ THƯ"
)


def _final(tg: Any, user_id: int) -> Any:
    return next((m for m in tg.sent_messages(user_id) if m["text"].startswith(("✅", "❌"))), None)


async def test_an_album_of_page_photos_becomes_one_searchable_document(
    deployment: Deployment,
) -> None:
    tg = deployment.telegram
    binh, lan = tg.create_user("Bình"), tg.create_user("Lan")
    deployment.member(binh, role="bi_thu")
    deployment.member(lan, cell=f"Chi bộ {binh.id}")

    for page in (PAGE_ONE, PAGE_TWO):
        tg.user_sends_photo(
            binh, image_bytes(photo(render_page(page)), "JPEG"), media_group_id="a1"
        )
    asking = asyncio.ensure_future(deployment.say(lan, "chi bộ sinh hoạt mấy lần một tháng?"))
    done = await tg.wait_for(lambda: _final(tg, binh.id), timeout=120)
    meanwhile = await asyncio.wait_for(asking, 60)

    assert done["text"].startswith("✅ Đã nạp Thông báo 301-TB/ĐU"), done["text"]
    edits = [c.params for c in tg.calls("editMessageText")]
    counted = [e["text"] for e in edits if e["text"].startswith("⏳ Đang nhận dạng chữ trang")]
    assert counted and counted[0] == "⏳ Đang nhận dạng chữ trang 1/2…"
    assert "⛔ Dừng" in str(next(e for e in edits if "nhận dạng" in e["text"]).get("reply_markup"))
    assert len(tg.sent_messages(binh.id)) == 1  # one message for the whole album, edited
    assert meanwhile["text"]  # a member was answered while the pages were read

    answer = await deployment.say(lan, "xe buýt phải có búa thoát hiểm ở đâu?")
    read = read_answer(answer["text"])
    assert any("búa thoát hiểm" in quote for quote, _ in read.quotes)
    assert "Thông báo số 301-TB/ĐU" in read.sources[1]
    assert read.sources[1].endswith("(chưa đối chiếu với bản chính thức)")
    card = await deployment.say(binh, "/vanban 301-TB/ĐU")
    assert "nhận dạng chữ từ ảnh quét (2 trang)" in card["text"]


async def test_the_sender_stops_a_long_recognition_and_nothing_is_stored(
    deployment: Deployment,
) -> None:
    tg = deployment.telegram
    binh = tg.create_user("Bình")
    deployment.member(binh, role="bi_thu")
    for _ in range(4):
        tg.user_sends_photo(binh, image_bytes(render_page(PAGE_TWO)), media_group_id="a2")
    progress = await tg.wait_for(
        lambda: next(
            (
                c.params
                for c in tg.calls("editMessageText")
                if c.params["text"].startswith("⏳ Đang nhận dạng chữ trang")
            ),
            None,
        ),
        timeout=60,
    )
    [message] = tg.sent_messages(binh.id)
    [[button]] = progress["reply_markup"]["inline_keyboard"]
    tg.user_presses_button(binh, message, button["callback_data"])
    done = await tg.wait_for(lambda: _final(tg, binh.id), timeout=120)

    assert done["text"].startswith("❌ Không nạp được «anh-chup-4-trang")
    assert "đã dừng nhận dạng theo yêu cầu; chưa nạp gì vào kho" in done["text"]
    answer = await deployment.say(binh, "/vanban 301-TB/ĐU")
    assert answer["text"].startswith("Trong kho không có văn bản số")
