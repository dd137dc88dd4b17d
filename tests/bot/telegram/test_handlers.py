"""Handlers through Application.process_update, asserting the exact Bot API calls they make.

The corpus is two sample documents indexed with the deterministic HashEmbedder: these tests are
about who is answered, how, and with which calls, not about retrieval quality.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import Session, select
from telegram.ext import Application

from bot import members, texts
from bot.answers import texts as ant
from bot.members import texts as mbt
from bot.models import AskedQuestion, Cell, Feedback, Member, MemberStatus, Role
from bot.services import Services
from bot.settings import Settings
from bot.telegram.app import build_application
from index.answer import Answer, QuotedSentence, Source
from knowledge.models import Passage, utcnow
from tests.bot.support import (
    ADMIN_ID,
    BOT_ID,
    Call,
    RecordingRequest,
    callback_update,
    feed,
    inline_update,
    message_update,
    user,
)
from tests.utils.cell_factories import make_cell, make_member

LAN = user(500_001, "Lan")
STRANGER = user(777, "Khách")
SECRETARY = user(600_001, "Bình", username="binh_tv")
STICKER = {
    "file_id": "st", "file_unique_id": "st", "type": "regular", "width": 512, "height": 512,
    "is_animated": False, "is_video": False,
}  # fmt: skip
PHOTO = [{"file_id": "ph", "file_unique_id": "ph", "width": 1, "height": 1}]
VOICE = {"file_id": "vo", "file_unique_id": "vo", "duration": 3}


def _said(recorder: RecordingRequest) -> list[tuple[str, int, str]]:
    """(method, chat, text) of every message the bot sent or edited."""
    return [
        (c.method, int(c.params["chat_id"]), str(c.params["text"]))
        for c in recorder.calls
        if c.method in ("sendMessage", "editMessageText")
    ]


def _alerts(recorder: RecordingRequest) -> list[tuple[str | None, bool]]:
    return [
        (c.params.get("text"), bool(c.params.get("show_alert")))
        for c in recorder.calls
        if c.method == "answerCallbackQuery"
    ]


@pytest.fixture
def lan(session: Session) -> Member:
    """An active member linked to Telegram user LAN."""
    return make_member(session, make_cell(session), telegram_user_id=LAN["id"])


async def test_start_up_registers_the_vietnamese_command_menu(
    settings: Settings, services: Services
) -> None:
    recorder = RecordingRequest()
    app = build_application(settings, services, request=recorder, updater=False)
    await app.initialize()
    assert app.post_init is not None
    await app.post_init(app)
    await app.shutdown()

    menus = recorder.sent("setMyCommands")
    assert [c["command"] for c in menus[0]["commands"]] == [
        "hoi",
        "comat",
        "diemdanh",
        "vanban",
        "tailieu",
        "help",
        "start",
    ]
    assert menus[0]["commands"][0]["description"] == "Hỏi về văn bản của Đảng"


# ----------------------------------------------------------------------------- who is answered


async def test_a_stranger_gets_one_polite_sentence_and_nothing_else(
    app: Application, recorder: RecordingRequest
) -> None:
    await feed(app, message_update(STRANGER, "chỉ thị 05 nói về gì"))
    await feed(app, message_update(STRANGER, None, sticker=STICKER))

    assert _said(recorder) == [("sendMessage", 777, texts.STRANGER)] * 2
    assert [c.method for c in recorder.calls] == ["sendMessage", "sendMessage"]


@pytest.mark.parametrize(
    ("status", "name", "expected"),
    [
        (MemberStatus.PENDING, "Nguyễn Thị Lan", texts.PENDING),
        (MemberStatus.LEFT, "Nguyễn Thị Lan", texts.LEFT),
    ],
)
async def test_pending_and_left_members_cannot_read_documents(
    app: Application,
    recorder: RecordingRequest,
    session: Session,
    status: MemberStatus,
    name: str,
    expected: str,
) -> None:
    make_member(
        session, make_cell(session), telegram_user_id=LAN["id"], status=status, full_name=name
    )

    await feed(app, message_update(LAN, "chỉ thị 05 nói về gì"))
    await feed(app, message_update(LAN, "/vanban 05-CT/TW"))
    await feed(app, inline_update(LAN, "chỉ thị 05"))

    assert _said(recorder) == [("sendMessage", LAN["id"], expected)] * 2
    inline = recorder.sent("answerInlineQuery")
    assert inline[0]["results"] == [] and inline[0]["button"]["start_parameter"] == "join"


@pytest.mark.parametrize(
    "content",
    [{"sticker": STICKER}, {"photo": PHOTO}, {"voice": VOICE}],
    ids=["sticker", "photo", "voice"],
)
async def test_non_text_messages_get_the_text_only_hint(
    app: Application, recorder: RecordingRequest, lan: Member, content: dict[str, Any]
) -> None:
    await feed(app, message_update(LAN, None, **content))
    assert _said(recorder) == [("sendMessage", LAN["id"], texts.TEXT_ONLY)]
    assert "chỉ hỗ trợ câu hỏi bằng chữ" in texts.TEXT_ONLY


async def test_empty_symbol_only_and_overlong_questions(
    app: Application, recorder: RecordingRequest, lan: Member
) -> None:
    await feed(app, message_update(LAN, "/hoi"))
    await feed(app, message_update(LAN, "?!… ***"))
    await feed(app, message_update(LAN, ("sinh hoạt chi bộ " * 625)[:10_000]))

    said = _said(recorder)
    assert said[0] == ("sendMessage", LAN["id"], ant.EMPTY_QUESTION)
    assert said[1] == ("sendMessage", LAN["id"], ant.EMPTY_QUESTION)
    assert said[2][2].startswith("Câu hỏi dài quá (10.000 ký tự); xin hỏi ngắn gọn, dưới 1000")
    assert len(said) == 3


async def test_greetings_get_a_hint_not_a_quote(
    app: Application, recorder: RecordingRequest, lan: Member
) -> None:
    await feed(app, message_update(LAN, "Xin chào bot"))
    assert _said(recorder) == [("sendMessage", LAN["id"], texts.GREETING)]


# ----------------------------------------------------------------------------- answers


async def test_an_answer_is_quoted_cited_escaped_and_remembered(
    app: Application, recorder: RecordingRequest, lan: Member, session: Session
) -> None:
    question = 'Chỉ thị 05 <b>nêu gương</b> & "nêu gương" thế nào?'
    await feed(app, message_update(LAN, question))

    [sent] = recorder.sent()
    text = str(sent["text"])
    body, _, sources = text.partition("<b>Nguồn:</b>\n")
    assert re.fullmatch(r"(“[^”]+” \[\d\]\n\n)+", body)
    assert sources.startswith("[1] Chỉ thị số 05-CT/TW ngày 15/5/2016 của Bộ Chính trị")
    labels = [label for label, _ in recorder.buttons(sent)]
    assert labels[-3:] == ["🔎 Thêm kết quả", "👍", "👎"] and labels[0] == "📄 [1]"
    asked = session.exec(select(AskedQuestion)).one()
    assert asked.text == question and asked.cited[0]["citation"].startswith("Chỉ thị số 05-CT/TW")

    recorder.clear()
    await feed(app, callback_update(LAN, f"c1:m:{asked.id}:3"))
    more = recorder.texts(LAN["id"])
    assert more and "&lt;b&gt;nêu gương&lt;/b&gt; &amp; &quot;nêu gương&quot;" in more[0]


async def test_feedback_is_stored_with_the_question_and_what_was_cited(
    app: Application, recorder: RecordingRequest, lan: Member, session: Session
) -> None:
    await feed(app, message_update(LAN, "chỉ thị 05 nói về gì"))
    asked = session.exec(select(AskedQuestion)).one()
    recorder.clear()

    await feed(app, callback_update(LAN, f"c1:f:{asked.id}:0"))
    await feed(app, callback_update(LAN, f"c1:f:{asked.id}:1"))  # changes the verdict

    assert _alerts(recorder) == [(ant.FEEDBACK_DOWN, False), (ant.FEEDBACK_UP, False)]
    saved = session.exec(select(Feedback)).one()
    session.refresh(saved)
    assert saved.helpful and saved.question == "chỉ thị 05 nói về gì"
    assert saved.cited and all(c["quote"] and c["citation"] for c in saved.cited)


async def test_an_inconsistent_answer_is_never_sent(
    app: Application, recorder: RecordingRequest, lan: Member, services: Services,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    broken = Answer(
        "câu hỏi",
        (QuotedSentence("Một câu.", 1, 1), QuotedSentence("Câu khác.", 2, 2)),
        (Source(1, "Chỉ thị số 05-CT/TW", 1, (1,)),),
    )
    monkeypatch.setattr(services.answers, "answer", lambda question, readable: broken)

    await feed(app, message_update(LAN, "câu hỏi"))

    assert _said(recorder) == [("sendMessage", LAN["id"], ant.ANSWER_BROKEN)]


async def test_open_a_passage_and_page_through_its_document(
    app: Application, recorder: RecordingRequest, lan: Member, session: Session
) -> None:
    passage = session.exec(select(Passage).where(Passage.ordinal == 1)).first()
    assert passage is not None

    await feed(app, callback_update(LAN, f"c1:p:{passage.id}"))
    [shown] = recorder.sent()
    assert passage.text.split("\n")[0][:40] in str(shown["text"])
    assert [label for label, _ in recorder.buttons(shown)] == [
        "◀ Đoạn trước",
        "Đoạn sau ▶",
        "📎 Tệp gốc",
    ]

    recorder.clear()
    await feed(app, callback_update(LAN, f"c1:d:{passage.document_id}:2"))
    assert [c.method for c in recorder.calls] == ["answerCallbackQuery", "editMessageText"]
    assert "Đoạn 3/" in str(recorder.sent("editMessageText")[0]["text"])


@pytest.mark.parametrize(
    ("data", "alert"),
    [
        ("attend:1", ant.STALE_BUTTON),  # another bot's or a much older version's button
        ("v0:p:1", ant.STALE_BUTTON),
        ("c1:zz:1", ant.STALE_BUTTON),  # an action this version does not know
        ("c1:p:notanumber", ant.STALE_BUTTON),
        ("c1:p:999999", ant.PASSAGE_GONE),  # the document was re-ingested since
        ("c1:m:999999:3", ant.STALE_BUTTON),  # the question is no longer stored
        ("c1:f:999999:1", ant.STALE_BUTTON),
    ],
)
async def test_buttons_from_old_messages_are_answered_politely(
    app: Application, recorder: RecordingRequest, lan: Member, data: str, alert: str
) -> None:
    await feed(app, callback_update(LAN, data))
    assert recorder.calls == [
        Call(
            "answerCallbackQuery",
            {
                "callback_query_id": recorder.calls[0].params["callback_query_id"],
                "text": alert,
                "show_alert": True,
            },
        )
    ]


async def test_a_stranger_pressing_a_members_button_is_refused(
    app: Application, recorder: RecordingRequest, session: Session
) -> None:
    passage = session.exec(select(Passage)).first()
    assert passage is not None
    await feed(app, callback_update(STRANGER, f"c1:p:{passage.id}"))
    assert _alerts(recorder) == [(texts.STRANGER, True)]
    assert recorder.sent() == []


# ----------------------------------------------------------------------------- joining


async def test_invite_name_and_one_tap_approval(
    app: Application, recorder: RecordingRequest, session: Session
) -> None:
    cell = make_cell(session)
    make_member(
        session,
        cell,
        telegram_user_id=SECRETARY["id"],
        role=Role.SECRETARY,
        full_name="Trần Văn Bình",
    )
    _invite, token = members.create_invite(
        session, cell_id=cell.id or 0, created_by=SECRETARY["id"], ttl=timedelta(hours=1)
    )
    session.commit()

    await feed(app, message_update(LAN, f"/start {token}"))
    await feed(app, message_update(LAN, "nguyễn thị lan"))
    request = session.exec(select(Member).where(Member.telegram_user_id == LAN["id"])).one()

    cell_name = "Chi bộ Xí nghiệp Xe buýt số 1"
    said = _said(recorder)
    assert said[0] == ("sendMessage", LAN["id"], mbt.INVITE_ASK_NAME.format(cell=cell_name))
    assert said[1][1] == SECRETARY["id"] and "<b>Nguyễn Thị Lan</b>" in said[1][2]
    assert recorder.buttons(recorder.sent()[1]) == [
        ("✅ Duyệt", f"c1:a:{request.id}:0"),
        ("❌ Từ chối", f"c1:x:{request.id}"),
    ]
    assert said[2] == (
        "sendMessage", LAN["id"], mbt.NAME_RECEIVED.format(name="Nguyễn Thị Lan", cell=cell_name)
    )  # fmt: skip

    recorder.clear()
    await feed(app, callback_update(LAN, f"c1:a:{request.id}:0"))  # not theirs to approve
    await feed(app, callback_update(SECRETARY, f"c1:a:{request.id}:0"))
    await feed(app, callback_update(SECRETARY, f"c1:x:{request.id}"))  # a second tap, too late

    assert [c.method for c in recorder.calls] == [
        "answerCallbackQuery", "answerCallbackQuery", "editMessageText", "sendMessage",
        "answerCallbackQuery",
    ]  # fmt: skip
    assert _alerts(recorder) == [
        (texts.NOT_SECRETARY, True), (None, False), (mbt.REQUEST_GONE, True)
    ]  # fmt: skip
    assert _said(recorder) == [
        (
            "editMessageText",
            SECRETARY["id"],
            mbt.APPROVED.format(name="Nguyễn Thị Lan", cell=cell_name),
        ),
        ("sendMessage", LAN["id"], mbt.WELCOME_APPROVED.format(cell=cell_name)),
    ]


async def test_someone_who_opened_an_invite_is_asked_for_a_name_not_refused(
    app: Application, recorder: RecordingRequest, session: Session
) -> None:
    cell = make_cell(session)
    _invite, token = members.create_invite(
        session, cell_id=cell.id or 0, created_by=1, ttl=timedelta(hours=1)
    )
    session.commit()

    await feed(app, message_update(LAN, f"/start {token}"))
    await feed(app, message_update(LAN, None, sticker=STICKER))
    await feed(app, message_update(LAN, "Lan"))

    said = [text for _m, _c, text in _said(recorder)]
    assert said[1:] == [mbt.NAME_INVALID, mbt.NAME_INVALID]


@pytest.mark.parametrize(
    ("age", "expected"), [(None, mbt.INVITE_INVALID), (timedelta(hours=2), mbt.INVITE_EXPIRED)]
)
async def test_forged_and_expired_invites(
    app: Application,
    recorder: RecordingRequest,
    session: Session,
    age: timedelta | None,
    expected: str,
) -> None:
    token = "forgedTokenThatWasNeverIssued_123"
    if age is not None:
        cell = make_cell(session)
        _row, token = members.create_invite(
            session, cell_id=cell.id or 0, created_by=1, ttl=timedelta(hours=1), now=utcnow() - age
        )
        session.commit()

    await feed(app, message_update(LAN, f"/start {token}"))

    assert _said(recorder) == [("sendMessage", LAN["id"], expected)]
    assert members.member_by_telegram(session, telegram_user_id=LAN["id"]) is None


# ----------------------------------------------------------------------------- files


async def test_unsupported_and_oversized_files_are_explained_without_downloading(
    app: Application, recorder: RecordingRequest, session: Session
) -> None:
    make_member(session, make_cell(session), telegram_user_id=SECRETARY["id"], role=Role.SECRETARY)
    exe = {"file_id": "f1", "file_unique_id": "f1", "file_name": "cai-dat.exe", "file_size": 10}
    big = {
        "file_id": "f2",
        "file_unique_id": "f2",
        "file_name": "bao-cao.pdf",
        "file_size": 25 * 2**20,
    }

    await feed(app, message_update(SECRETARY, None, document=exe))
    await feed(app, message_update(SECRETARY, None, document=big))

    said = [text for _m, _c, text in _said(recorder)]
    assert said[0] == ant.UPLOAD_UNSUPPORTED.format(name="cai-dat.exe")
    assert said[1] == "Không nạp được «bao-cao.pdf»: tệp quá lớn (25.0 MB; giới hạn 20 MB)."
    assert "getFile" not in [c.method for c in recorder.calls]


async def test_a_roster_sheet_from_the_secretary_is_imported_with_row_errors(
    app: Application, recorder: RecordingRequest, session: Session
) -> None:
    cell = make_cell(session)
    make_member(
        session,
        cell,
        telegram_user_id=SECRETARY["id"],
        role=Role.SECRETARY,
        full_name="Trần Văn Bình",
    )
    sheet = "STT;Họ và tên;Ngày sinh\n1;Nguyễn Thị Lan;15/8/1990\n2;Lê Văn Tám;31/02/1988\n"
    recorder.files["roster"] = sheet.encode("utf-8")
    document = {
        "file_id": "roster",
        "file_unique_id": "r",
        "file_name": "danh-sach.csv",
        "file_size": 80,
    }

    await feed(app, message_update(SECRETARY, None, document=document))

    [(_method, _chat, text)] = _said(recorder)
    assert text.startswith("✅ Đã nhập danh sách Chi bộ Xí nghiệp Xe buýt số 1: thêm 1, cập nhật 0")
    assert "• dòng 3: ngày sinh «31/02/1988» không đúng dạng ngày/tháng/năm" in text
    names = [m.full_name for m in members.list_members(session, cell_id=cell.id or 0)]
    # The sheet's rows come in its order; the secretary, not in the sheet, after them.
    assert names == ["Nguyễn Thị Lan", "Trần Văn Bình"]


async def test_changes_to_members_are_shown_first_and_a_cancel_changes_nothing(
    app: Application, recorder: RecordingRequest, session: Session
) -> None:
    cell = make_cell(session)
    make_member(session, cell, telegram_user_id=SECRETARY["id"], role=Role.SECRETARY,
                full_name="Trần Văn Bình")  # fmt: skip
    lan = make_member(session, cell, full_name="Nguyễn Thị Lan", role=Role.COMMITTEE,
                      phone="0912000111", telegram_user_id=None)  # fmt: skip
    sheet = "STT;Họ và tên;Chức vụ;Điện thoại\n1;Nguyễn Thị Lan;Chi ủy viên;0988777666\n"
    recorder.files["roster"] = sheet.encode("utf-8")
    document = {"file_id": "roster", "file_unique_id": "r", "file_name": "ds.csv", "file_size": 60}

    async def send_and_press(label: str) -> str:
        recorder.clear()
        await feed(app, message_update(SECRETARY, None, document=document))
        preview = recorder.sent()[-1]
        [data] = [d for text, d in recorder.buttons(preview) if text == label]
        await feed(app, callback_update(SECRETARY, data))
        return str(preview["text"])

    shown = await send_and_press("Hủy")
    assert "• Nguyễn Thị Lan — điện thoại: 0912000111 → 0988777666" in shown
    assert recorder.texts()[-1] == mbt.ROSTER_CANCELLED
    session.refresh(lan)
    assert lan.phone == "0912000111"  # cancelled: nothing changed

    await send_and_press("✅ Áp dụng")
    assert recorder.texts()[-1].startswith("✅ Đã nhập danh sách Chi bộ Xí nghiệp Xe buýt số 1: "
                                           "thêm 0, cập nhật 1")  # fmt: skip
    session.refresh(lan)
    assert (lan.phone, lan.role) == ("0988777666", Role.COMMITTEE)
    await feed(app, callback_update(SECRETARY, recorder.buttons(recorder.sent()[0])[0][1]))
    assert recorder.calls[-1].params.get("show_alert")  # the preview is used up


# ----------------------------------------------------------------------------- groups


async def test_in_a_group_with_outsiders_the_answer_goes_private(
    app: Application, recorder: RecordingRequest, lan: Member
) -> None:
    group = {"id": -4001, "type": "group", "title": "Chi bộ và khách"}
    update = message_update(LAN, "@chibo_test_bot chỉ thị 05 nói về gì", chat=group)
    update["message"]["entities"] = [{"type": "mention", "offset": 0, "length": 15}]
    ignored = message_update(LAN, "chào cả nhà", chat=group)

    await feed(app, ignored)
    await feed(app, update)

    said = _said(recorder)
    assert [(m, c) for m, c, _t in said] == [("sendMessage", LAN["id"]), ("sendMessage", -4001)]
    assert "Nguồn:" in said[0][2]
    assert said[1][2] == texts.GROUP_ANSWERED_PRIVATELY.format(name="Lan")
    assert recorder.sent()[1]["reply_parameters"]["message_id"] == update["message"]["message_id"]


async def test_a_verified_cell_group_is_answered_in_place(
    app: Application, recorder: RecordingRequest, session: Session, lan: Member
) -> None:
    members.link_group(session, chat_id=-4002, cell_id=lan.cell_id, title="Chi bộ", linked_by=1)
    session.commit()
    recorder.chat_member_count = 2  # Lan and the bot
    recorder.chat_members = {LAN["id"]: "member"}
    group = {"id": -4002, "type": "group", "title": "Chi bộ"}

    await feed(app, message_update(LAN, "/hoi chỉ thị 05 nói về gì", chat=group))

    assert [c.method for c in recorder.calls] == [
        "getChatMemberCount",
        "getChatMember",
        "sendMessage",
    ]
    assert int(recorder.sent()[0]["chat_id"]) == -4002
    assert BOT_ID not in [int(c.params.get("user_id", 0)) for c in recorder.calls]


async def test_creating_a_cell_whose_name_holds_markup_twice_says_it_exists(
    app: Application, recorder: RecordingRequest
) -> None:
    admin = user(ADMIN_ID, "Quản trị")
    name = "Chi bộ <b>Kho</b> & Bãi"
    await feed(app, message_update(admin, f"/taochibo {name}"))
    await feed(app, message_update(admin, f"/taochibo {name}"))

    # The recording Bot API parses HTML as Telegram does: an unescaped name would be a 400.
    replies = [text for _, chat, text in _said(recorder) if chat == ADMIN_ID]
    assert (
        replies[-1] == "Đã có chi bộ «Chi bộ &lt;b&gt;Kho&lt;/b&gt; &amp; Bãi»."
    )  # shown as typed


# ----------------------------------------------------------------------------- other people's rows

HUNG = user(500_002, "Hùng")
OTHER_SECRETARY = user(600_002, "Hoa")
COMPLAINT = "Tôi bị kỷ luật oan, đảng viên có quyền khiếu nại không"


@pytest.fixture
def lan_complained(session: Session, lan: Member) -> tuple[AskedQuestion, Feedback]:
    """Lan's question and her 👎 on its answer; Hùng is a member of another cell, Hoa that
    cell's secretary, Bình Lan's own secretary."""
    other = make_cell(session, name="Chi bộ Phòng Kế toán")
    make_member(session, other, full_name="Lê Văn Hùng", telegram_user_id=HUNG["id"])
    make_member(session, other, full_name="Vũ Thị Hoa", role=Role.SECRETARY,
                telegram_user_id=OTHER_SECRETARY["id"])  # fmt: skip
    make_member(session, _cell_of(session, lan), full_name="Trần Văn Bình",
                role=Role.SECRETARY, telegram_user_id=SECRETARY["id"])  # fmt: skip
    asked = AskedQuestion(telegram_user_id=LAN["id"], chat_id=LAN["id"], text=COMPLAINT)
    session.add(asked)
    session.commit()
    verdict = Feedback(question_id=asked.id or 0, telegram_user_id=LAN["id"], helpful=False,
                       question=COMPLAINT, cited=[])  # fmt: skip
    session.add(verdict)
    session.commit()
    return asked, verdict


def _cell_of(session: Session, member: Member) -> Cell:
    cell = session.get(Cell, member.cell_id)
    assert cell is not None
    return cell


async def test_a_forged_more_results_button_does_not_show_someone_elses_question(
    app: Application, recorder: RecordingRequest, lan_complained: tuple[AskedQuestion, Feedback]
) -> None:
    asked, _ = lan_complained
    await feed(app, callback_update(HUNG, f"c1:m:{asked.id}:3"))

    assert _alerts(recorder) == [(ant.STALE_BUTTON, True)]  # as for an unknown id
    assert not any("kỷ luật" in text for _, _, text in _said(recorder))


async def test_a_forged_thumbs_down_does_not_copy_someone_elses_question(
    app: Application, recorder: RecordingRequest, session: Session,
    lan_complained: tuple[AskedQuestion, Feedback],
) -> None:  # fmt: skip
    asked, _ = lan_complained
    await feed(app, callback_update(HUNG, f"c1:f:{asked.id}:0"))
    await feed(app, message_update(OTHER_SECRETARY, "/phanhoi"))

    assert _alerts(recorder)[0] == (ant.STALE_BUTTON, True)
    assert [f.telegram_user_id for f in session.exec(select(Feedback)).all()] == [LAN["id"]]
    assert not any("kỷ luật" in text for _, _, text in _said(recorder))


async def test_only_the_complainants_own_secretary_closes_the_complaint(
    app: Application, recorder: RecordingRequest, session: Session,
    lan_complained: tuple[AskedQuestion, Feedback],
) -> None:  # fmt: skip
    _, verdict = lan_complained
    await feed(app, callback_update(OTHER_SECRETARY, f"c1:r:{verdict.id}"))
    session.refresh(verdict)
    after_other = verdict.reviewed_at
    await feed(app, callback_update(SECRETARY, f"c1:r:{verdict.id}"))
    session.refresh(verdict)

    assert after_other is None
    assert verdict.reviewed_at is not None and verdict.reviewed_by == SECRETARY["id"]
    assert _alerts(recorder) == [(ant.STALE_BUTTON, True), (ant.REVIEWED, False)]
