"""Documents over real HTTP: a secretary's upload becomes searchable at once; /vanban, /tailieu
and inline mode show members what the store holds."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest

from tests.bot.support import Deployment, read_answer

pytestmark = [pytest.mark.e2e, pytest.mark.model]

NOTICE = """ĐẢNG BỘ CÔNG TY CP VẬN TẢI VÀ DỊCH VỤ HÀM RỒNG
ĐẢNG ỦY
*
Số 300-TB/ĐU
ĐẢNG CỘNG SẢN VIỆT NAM
Thanh Hóa, ngày 02 tháng 3 năm 2025

THÔNG BÁO
về phòng cháy, chữa cháy tại các bến xe buýt

1. Các chi bộ tổ chức diễn tập phòng cháy, chữa cháy tại bến xe buýt mỗi quý một lần.
2. Mỗi bến xe buýt bố trí ít nhất hai bình chữa cháy bột và một bình khí CO2 tại phòng điều hành.
3. Đảng viên lái xe kiểm tra bình chữa cháy trên xe trước mỗi ca làm việc.

T/M ĐẢNG ỦY
BÍ THƯ
"""


async def test_an_uploaded_directive_is_searchable_in_seconds(deployment: Deployment) -> None:
    tg = deployment.telegram
    binh = tg.create_user("Bình")
    deployment.member(binh, role="bi_thu")
    started = time.monotonic()

    sent = tg.user_sends_document(binh, "thong-bao-300.txt", NOTICE.encode(), "text/plain")
    done = await tg.wait_for(
        lambda: next(
            (m for m in tg.sent_messages(binh.id) if m["text"].startswith(("✅", "❌"))), None
        ),
        timeout=60,
    )
    took = time.monotonic() - started

    assert re.fullmatch(
        r"✅ Đã nạp Thông báo 300-TB/ĐU \(\d+ đoạn\) — có thể hỏi ngay\.", done["text"]
    )
    progress = [c.params["text"] for c in tg.calls("editMessageText")]
    assert any(t.startswith("⏳ Đang đọc") for t in progress)
    assert any(t.startswith("⏳ Đang lập chỉ mục") for t in progress)
    assert len(tg.sent_messages(binh.id)) == 1  # one message, edited as the work progresses
    assert took < 30, f"ingesting one notice took {took:.1f}s"
    kept = list(deployment.services.uploads_dir.rglob("thong-bao-300.txt"))
    assert [p.read_bytes() for p in kept] == [NOTICE.encode()]

    lan = tg.create_user("Lan")
    deployment.member(lan, cell=f"Chi bộ {binh.id}")  # Bình's cell: the upload is theirs
    answer = await deployment.say(lan, "bến xe buýt phải có mấy bình chữa cháy?")
    read = read_answer(answer["text"])
    assert "Thông báo số 300-TB/ĐU" in read.sources[1]
    # Nobody compared it with the official text yet: the citation says so.
    assert read.sources[1].endswith("(chưa đối chiếu với bản chính thức)")
    assert any("hai bình chữa cháy" in quote for quote, _ in read.quotes)
    assert sent["document"]["file_name"] == "thong-bao-300.txt"
    # A member of another cell: not a quote, not the number, not the card.
    hung = tg.create_user("Hùng")
    deployment.member(hung)
    elsewhere = await deployment.say(hung, "bến xe buýt phải có mấy bình chữa cháy?")
    assert "300-TB" not in elsewhere["text"] and "hai bình chữa cháy" not in elsewhere["text"]
    card_elsewhere = await deployment.say(hung, "/vanban 300-TB/ĐU")
    assert card_elsewhere["text"].startswith("Trong kho không có văn bản số")
    card = await deployment.say(binh, "/vanban 300-TB/ĐU")
    assert (
        "bởi Bình Nguyễn" in card["text"] and "Chưa đối chiếu với bản chính thức." in card["text"]
    )


async def test_files_members_may_not_send_or_the_bot_cannot_read(deployment: Deployment) -> None:
    tg = deployment.telegram
    binh, lan = tg.create_user("Bình"), tg.create_user("Lan")
    deployment.member(binh, role="bi_thu")
    deployment.member(lan)

    by_member = tg.user_sends_document(lan, "ghi-chu.txt", b"mot van ban")
    refused = await tg.wait_for_message(lan.id, after=by_member)
    program = tg.user_sends_document(binh, "cai-dat.exe", b"MZ\x90\x00binary")
    unsupported = await tg.wait_for_message(binh.id, after=program)
    huge = tg.user_sends_document(binh, "bao-cao.pdf", b"%PDF" + b"0" * (21 * 2**20))
    too_large = await tg.wait_for_message(binh.id, after=huge)
    garbage = tg.user_sends_document(binh, "hong.docx", b"PK\x03\x04 not really a docx")
    broken = await tg.wait_for(
        lambda: next(
            (
                m
                for m in tg.sent_messages(binh.id)
                if m["message_id"] > garbage["message_id"] and m["text"].startswith("❌")
            ),
            None,
        ),
        timeout=30,
    )

    assert refused["text"].startswith("Chỉ bí thư, phó bí thư chi bộ gửi được tệp vào kho.")
    assert unsupported["text"].startswith("Không nạp được «cai-dat.exe»: định dạng này không")
    assert too_large["text"].startswith("Không nạp được «bao-cao.pdf»: tệp quá lớn (21.0 MB")
    assert broken["text"].startswith("❌ Không nạp được «hong.docx»:")
    assert not tg.calls("getFile") or all(
        c.params.get("file_id") != huge["document"]["file_id"] for c in tg.calls("getFile")
    )


async def test_vanban_tailieu_and_inline_mode(deployment: Deployment) -> None:
    tg = deployment.telegram
    lan, stranger = tg.create_user("Lan"), tg.create_user("Khách")
    deployment.member(lan)

    card = await deployment.say(lan, "/vanban 05/CT-TW")
    listing = await deployment.say(lan, "/tailieu chỉ thị")
    sent = tg.user_sends_text(lan, "/vanban hd 12")
    await tg.wait_for(lambda: len(tg.sent_messages(lan.id)) >= 5)
    ambiguous = [
        m["text"] for m in tg.sent_messages(lan.id) if m["message_id"] > sent["message_id"]
    ]

    assert card["text"].startswith("Chỉ thị số 05-CT/TW ngày 15/5/2016 của Bộ Chính trị")
    assert "Dàn ý:" in card["text"] and "mục đích, yêu cầu" in card["text"].lower()
    assert set(deployment.buttons(card)) == {"📖 Đọc toàn văn", "📎 Tệp gốc"}
    assert "Chỉ thị" in listing["text"] and "2016: 05-CT/TW" in listing["text"]
    assert "Nghị quyết" not in listing["text"]
    assert ambiguous[0] == "«hd 12» khớp 2 văn bản:"
    assert ambiguous[1].startswith("Hướng dẫn số 12-HD/BTCTW ngày 6/6/2022")
    assert ambiguous[2].startswith("Hướng dẫn số 12-HD/BTCTW ngày 18/1/2018")

    tg.user_sends_inline_query(lan, "sinh hoạt chi bộ mấy lần một tháng")
    tg.user_sends_inline_query(stranger, "sinh hoạt chi bộ")
    await tg.wait_for(lambda: len(tg.inline_answers) == 2, timeout=20)
    by_user = {a["inline_query_id"]: a for a in tg.inline_answers}
    answers = sorted(by_user.values(), key=lambda a: len(a.get("results") or []))
    stranger_answer, member_answer = answers
    assert stranger_answer["results"] == []
    assert stranger_answer["button"]["start_parameter"] == "join"
    titles = [r["title"] for r in member_answer["results"]]
    assert titles and any("12-HD/BTCTW" in t for t in titles)
    first = member_answer["results"][0]["input_message_content"]
    assert first["parse_mode"] == "HTML" and "“" in first["message_text"]


MINUTES = """CHI BỘ XÍ NGHIỆP XE BUÝT SỐ {n}
ĐẢNG CỘNG SẢN VIỆT NAM

BIÊN BẢN
Sinh hoạt chi bộ thường kỳ tháng {n}

1. Chi bộ thống nhất giao đồng chí phụ trách số {n} hoàn thành báo cáo trước ngày {n} hằng tháng.
"""


async def _upload(deployment: Deployment, sender: Any, name: str, data: bytes) -> str:
    tg = deployment.telegram
    sent = tg.user_sends_document(sender, name, data, "text/plain")
    done = await tg.wait_for(
        lambda: next(
            (
                m
                for m in tg.sent_messages(sender.id)
                if m["message_id"] > sent["message_id"] and m["text"].startswith(("✅", "❌", "ℹ"))
            ),
            None,
        ),
        timeout=60,
    )
    return str(done["text"])


async def test_uploads_are_never_replaced_by_name_nor_reveal_another_cells_file(
    deployment: Deployment,
) -> None:
    tg = deployment.telegram
    binh, hoa = tg.create_user("Bình"), tg.create_user("Hoa")
    deployment.member(binh, role="bi_thu")
    deployment.member(hoa, role="bi_thu", cell="Chi bộ Phòng Kế toán")

    first = await _upload(deployment, binh, "bien-ban.txt", MINUTES.format(n=1).encode())
    second = await _upload(deployment, binh, "bien-ban.txt", MINUTES.format(n=2).encode())
    copied = await _upload(deployment, hoa, "ban-sao-cua-toi.txt", MINUTES.format(n=1).encode())
    again = await _upload(deployment, binh, "ban-sao.txt", MINUTES.format(n=1).encode())
    long_name = "bien-ban-sinh-hoat-chi-bo-" + "rat-dai-" * 20 + "thang-12.txt"
    long = await _upload(deployment, binh, long_name, MINUTES.format(n=3).encode())

    assert first.startswith("✅ Đã nạp") and second.startswith("✅ Đã nạp")  # two documents
    kept = sorted(p.read_text() for p in deployment.services.uploads_dir.rglob("bien-ban.txt"))
    assert kept == [MINUTES.format(n=1), MINUTES.format(n=2)]  # neither replaced the other
    # The same bytes in another cell: that cell's own copy (it cannot read Bình's), and not a
    # word of the other cell's file; within Bình's own cell it is a duplicate.
    assert copied.startswith("✅ Đã nạp"), copied
    assert "bien-ban" not in copied and "cell-" not in copied
    assert again.startswith("ℹ️ Không nạp «ban-sao.txt»: nội dung trùng"), again
    assert long.startswith("✅ Đã nạp"), long  # shortened with its extension, still readable
    [stored] = list(deployment.services.uploads_dir.rglob("bien-ban-sinh-hoat-*"))
    assert stored.suffix == ".txt" and len(stored.name) <= 120
