"""A cell from nothing, over real HTTP: the admin creates it, a secretary and a member join
through invite links, the member asks with and without diacritics, presses every button."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.bot.support import (
    ADMIN_ID,
    Corpus,
    Deployment,
    assert_verbatim,
    make_settings,
    open_services,
    read_answer,
    running_bot,
    services_from,
)
from tests.e2e.telegram_emulator import TelegramEmulator

pytestmark = [pytest.mark.e2e, pytest.mark.model]

LINK = re.compile(r"https://t\.me/chibo_test_bot\?start=([A-Za-z0-9_-]+)")


async def test_admin_bootstraps_a_cell_and_members_join_by_invite(deployment: Deployment) -> None:
    tg = deployment.telegram
    # Before anyone presses Start, Telegram shows the bot's description: Vietnamese, saying
    # what it is for and who may use it.
    assert "văn bản của Đảng" in tg.descriptions[""] and "đảng viên" in tg.descriptions[""]
    assert tg.short_descriptions[""].startswith("Trợ lý chi bộ")
    admin = tg.create_user("Quản trị", user_id=ADMIN_ID)
    tg.user_starts(admin)
    welcome = await tg.wait_for_message(admin.id)
    assert "quản trị viên" in welcome["text"]

    created = await deployment.say(admin, "/taochibo Chi bộ Xí nghiệp Xe buýt số 1")
    assert "Đã tạo Chi bộ Xí nghiệp Xe buýt số 1" in created["text"]
    secretary_token = LINK.search(created["text"]).group(1)  # type: ignore[union-attr]

    binh = tg.create_user("Bình", username="binh_tv")
    tg.user_starts(binh, secretary_token)
    asked = await tg.wait_for_message(binh.id)
    assert "họ và tên đầy đủ" in asked["text"]
    received = await deployment.say(binh, "trần văn bình")
    assert "Cảm ơn đồng chí Trần Văn Bình" in received["text"]

    request = await tg.wait_for_message(admin.id, lambda m: "Yêu cầu tham gia" in m["text"])
    assert "Trần Văn Bình" in request["text"] and "Bí thư" in request["text"]
    await deployment.press(admin, request, "✅ Duyệt")
    approved = await tg.wait_for_message(binh.id, lambda m: "đã được duyệt" in m["text"])
    assert "Chi bộ Xí nghiệp Xe buýt số 1" in approved["text"]
    assert tg.sent_messages(admin.id)[-1]["text"].startswith("✅ Đã duyệt Trần Văn Bình")

    invite = await deployment.say(binh, "/moi")
    assert "vai trò khi duyệt: đảng viên" in invite["text"]
    member_token = LINK.search(invite["text"]).group(1)  # type: ignore[union-attr]
    lan = tg.create_user("Lan")
    tg.user_starts(lan, member_token)
    await tg.wait_for_message(lan.id)
    await deployment.say(lan, "Nguyễn Thị Lan")
    request = await tg.wait_for_message(binh.id, lambda m: "Nguyễn Thị Lan" in m["text"])
    await deployment.press(binh, request, "✅ Duyệt")
    welcomed = await tg.wait_for_message(lan.id, lambda m: "đã được duyệt" in m["text"])
    # The welcome says what a member does: ask, answer invitations, check in, see attendance.
    for what in ("gõ câu hỏi", "Sẽ dự", "/comat", "/diemdanh"):
        assert what in welcomed["text"], what
    helped = await deployment.say(lan, "/help")
    for what in ("Họp chi bộ", "Xin vắng", "/comat", "/diemdanh"):
        assert what in helped["text"], what

    answer = await deployment.say(lan, "chi thi 05 noi ve gi")
    read = read_answer(answer["text"])
    assert "Chỉ thị số 05-CT/TW ngày 15/5/2016 của Bộ Chính trị" in read.sources[1]


async def test_a_forged_invite_and_a_stranger_get_one_polite_sentence(
    deployment: Deployment,
) -> None:
    tg = deployment.telegram
    stranger = tg.create_user("Khách")
    tg.user_starts(stranger, "forgedTokenThatWasNeverIssued_123")
    refused = await tg.wait_for_message(stranger.id)
    assert refused["text"].startswith("Đường dẫn mời không hợp lệ")

    reply = await deployment.say(stranger, "chỉ thị 05 nói về gì")
    assert reply["text"].startswith("Xin chào! Trợ lý này chỉ phục vụ đảng viên")
    assert "05-CT/TW" not in reply["text"] and "reply_markup" not in reply


@pytest.mark.parametrize(
    ("question", "number", "quoted"),
    [
        ("Đảng viên có được kinh doanh không?", "37-QĐ/TW", "kinh doanh"),
        ("dang vien co duoc kinh doanh khong", "37-QĐ/TW", "kinh doanh"),
        # chat shorthand: «đv … k» is «đảng viên … không» (it was refused)
        ("đv có được kinh doanh k", "37-QĐ/TW", "3. Không được kinh doanh"),
        ("Chi bộ sinh hoạt thường kỳ mấy lần một tháng?", "12-HD/BTCTW", "mỗi tháng một lần"),
        ("sinh hoat chi bo may lan 1 thang", "12-HD/BTCTW", "mỗi tháng một lần"),
        (
            "dang vien dang tin sai su that len mang xa hoi co bi cam khong",
            "37-QĐ/TW",
            "sai sự thật",
        ),
        # the parts of a plan: every numbered heading of the section asked, cited to it
        ("kh48 co may nhom nhiem vu, gom nhung gi", "Thanh Hóa — II", "6. Phát huy vai trò"),
        # a document named alone: its subject, then what it says — not its «Căn cứ» preamble
        ("quy dinh 37 noi ve gi", "37-QĐ/TW", "Quy định này quy định những điều đảng viên"),
        # a conclusion named by its kind before the directive it continues: quoted from it
        (
            "theo ket luan cua bo chinh tri ve tiep tuc thuc hien chi thi 05 thi hoc tap lam "
            "theo Bac phai gan voi nghi quyet trung uong nao",
            "01-KL/TW",
            "Nghị quyết Trung ương 4 khóa XI, khóa XII",
        ),
        # a section asked by its heading: its items in order, cited to that section
        ("muc dich yeu cau cua ke hoach 48", "Thanh Hóa — I (", "1. Quán triệt sâu sắc"),
        # the articles of a regulation, when how many are asked
        ("quy dinh 37 co bao nhieu dieu", "37-QĐ/TW", "Điều 10. Hiệu lực thi hành"),
        # the quarter asked, written in digits where the notice writes it in Roman numerals
        ("quy 3 sinh hoat chuyen de ve noi dung gi", "215-TB/ĐUK", "c) Quý III:"),
        # a document not in the library, dated where another document cites it
        ("chỉ thị 03 được ban hành ngày nào", "05-CT/TW", "03-CT/TW ngày 14/5/2011"),
        # an article and a clause named: that clause, cited to its article
        (
            "khoan 3 dieu 6 qd 37 noi gi",
            "Ban Chấp hành Trung ương — Chương II, Điều 6",
            "3. Không được kinh doanh",
        ),
    ],
)
async def test_members_get_cited_answers_with_or_without_diacritics(
    deployment: Deployment, question: str, number: str, quoted: str
) -> None:
    lan = deployment.telegram.create_user("Lan")
    deployment.member(lan)

    answer = await deployment.say(lan, question)

    read = read_answer(answer["text"])
    cited = [n for n, source in read.sources.items() if number in source]
    assert cited, read.sources
    assert any(quoted in text and n in cited for text, n in read.quotes), read.quotes
    assert_verbatim(deployment.services.engine, read.quotes)
    assert set(deployment.buttons(answer)) >= {"📄 [1]", "🔎 Thêm kết quả", "👍", "👎"}
    print(deployment.transcript(lan))


async def test_a_number_not_in_the_library_is_answered_only_from_what_cites_it(
    deployment: Deployment,
) -> None:
    lan = deployment.telegram.create_user("Lan")
    deployment.member(lan)

    answer = await deployment.say(lan, "chỉ thị 03 được ban hành ngày nào")

    assert answer["text"].startswith("Trong kho chưa có Chỉ thị số 03; dưới đây là")
    read = read_answer(answer["text"])
    # a report's «ban hành Kế hoạch số 21-KH/ĐU ngày 10/5/2021» padded it, citing nothing of 03
    assert read.sources and all("05-CT/TW" in source for source in read.sources.values())
    assert "03-CT/TW ngày 14/5/2011" in read.quotes[0][0]
    print(deployment.transcript(lan))


async def test_off_topic_questions_are_answered_honestly(deployment: Deployment) -> None:
    lan = deployment.telegram.create_user("Lan")
    deployment.member(lan)

    gold = await deployment.say(lan, "giá vàng hôm nay bao nhiêu")
    unknown = await deployment.say(lan, "chỉ thị 99-CT/TW nói về gì")
    no_article = await deployment.say(lan, "điều 15 quy định 37 nói gì")

    assert gold["text"].startswith("Chưa tìm thấy đoạn văn bản nào trả lời câu hỏi này")
    assert "Nguồn" not in gold["text"] and "“" not in gold["text"]
    assert re.search(r"ví dụ «[^»]+ \d{2,3}-[A-ZĐ]+/[A-ZĐ]+»", gold["text"])
    assert unknown["text"].startswith("Trong kho chưa có văn bản số 99-CT/TW.")
    assert "Nguồn" not in unknown["text"]
    # not another article quoted in its place
    assert no_article["text"] == "Quy định 37-QĐ/TW trong kho chỉ có 10 điều, không có Điều 15."
    print(deployment.transcript(lan))


async def test_buttons_open_the_passage_page_the_document_and_store_feedback(
    deployment: Deployment,
) -> None:
    tg = deployment.telegram
    lan = tg.create_user("Lan")
    deployment.member(lan, role="bi_thu")
    answer = await deployment.say(lan, "Đảng viên có được kinh doanh không?")
    quote, _marker = read_answer(answer["text"]).quotes[0]

    await deployment.press(lan, answer, "📄 [1]")
    passage = await tg.wait_for_message(lan.id, after=answer)
    assert quote in passage["text"] and "37-QĐ/TW" in passage["text"]
    position = re.search(r"Đoạn (\d+)/(\d+)", passage["text"])
    assert position is not None
    labels = deployment.buttons(passage)
    assert "📎 Tệp gốc" in labels
    turn = "Đoạn sau ▶" if "Đoạn sau ▶" in labels else "◀ Đoạn trước"
    await deployment.press(lan, passage, turn)
    paged = await tg.wait_for(
        lambda: next(
            (m for m in tg.sent_messages(lan.id) if m["message_id"] == passage["message_id"]
             and m.get("edit_date")),
            None,
        )
    )  # fmt: skip
    assert paged["text"] != passage["text"] and "Đoạn " in paged["text"]

    await deployment.press(lan, passage, "📎 Tệp gốc")
    original = await tg.wait_for_message(lan.id, lambda m: "document" in m, after=passage)
    assert original["document"]["file_name"] == "quy-dinh-37-qd-tw-2021.txt"

    more = await deployment.press(lan, answer, "🔎 Thêm kết quả")
    assert more.get("text") is None  # answered silently; the list comes as a message
    listed = await tg.wait_for_message(
        lan.id, lambda m: "Thêm kết quả" in m["text"], after=original
    )
    assert re.search(r"^4\. ", listed["text"], re.M)

    verdict = await deployment.press(lan, answer, "👎")
    assert verdict["text"].startswith("Cảm ơn đồng chí; bí thư chi bộ sẽ xem lại")
    review = await deployment.say(lan, "/phanhoi")
    assert "Đảng viên có được kinh doanh không?" in review["text"]
    assert "[1] Quy định số 37-QĐ/TW" in review["text"]


async def test_buttons_of_an_answer_still_work_after_the_bot_restarts(
    emulator: TelegramEmulator, corpus: Corpus, tmp_path: Path
) -> None:
    settings = make_settings(
        tmp_path, api_base_url=emulator.base_url, api_file_url=emulator.base_file_url
    )
    before = services_from(corpus, settings)
    lan = emulator.create_user("Lan")
    Deployment(emulator, before).member(lan)
    async with running_bot(settings, before):
        answer = await Deployment(emulator, before).say(lan, "chỉ thị 05 nói về gì")
    before.engine.dispose()

    after = open_services(settings, corpus.embedder)  # a new process: same database and index
    deployment = Deployment(emulator, after)
    try:
        async with running_bot(settings, after):
            opened = await deployment.press(lan, answer, "📄 [1]")
            passage = await emulator.wait_for_message(lan.id, after=answer)
            rated = await deployment.press(lan, answer, "👍")
    finally:
        after.engine.dispose()

    assert opened.get("show_alert") is None
    assert "Chỉ thị số 05-CT/TW" in passage["text"] and "Đoạn 1/" in passage["text"]
    assert rated["text"] == "Cảm ơn đồng chí đã đánh giá."
