"""Cell meetings in Telegram, offline, through the real Application: /hop step by step, the
refusals, «Sẽ dự» / «Xin vắng», check-in by code, by the code alone and by the QR link,
/ghicomat, closing with the report files, the vote, /diemdanh, changes from the panel, and
reminders that survive restarts and several processes."""

from __future__ import annotations

import asyncio
import dataclasses
import re
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy import update
from sqlmodel import Session, col, func, select
from telegram.ext import Application

from bot import meetings
from bot.meetings import texts as mt
from bot.models import (
    Answer,
    Cell,
    DeliveryState,
    Mark,
    Meeting,
    MeetingAttendance,
    MeetingKind,
    MeetingReminder,
    MeetingRsvp,
    MeetingState,
    Member,
    Method,
    Notice,
    NoticeDelivery,
    Rating,
    Role,
    as_utc,
)
from bot.services import Services
from bot.settings import MeetingSettings, NoticeSettings, Settings
from bot.telegram.app import build_application
from bot.telegram.callbacks import Action, pack
from bot.telegram.ratelimit import TelegramRateLimiter
from bot.when import VIETNAM
from knowledge.models import utcnow
from tests.bot.support import (
    ADMIN_ID,
    RecordingRequest,
    callback_update,
    feed,
    message_update,
    user,
)
from tests.utils.cell_factories import make_cell, make_meeting, make_member

SECRETARY = user(800_001, "Bình")
LAN = user(800_002, "Lan")
HUNG = user(800_003, "Hùng")
HOA = user(800_010, "Hoa")  # a member of another cell
STRANGER = user(800_099, "Khách")
ADMIN = user(ADMIN_ID, "Quản trị")
GROUP = {"id": -100_555, "type": "supergroup", "title": "Chi bộ"}
SETTINGS = MeetingSettings.model_validate({})
NO_SENDER = NoticeSettings.model_validate({"enabled": False})
JSON = dict[str, Any]


@pytest_asyncio.fixture
async def app(
    settings: Settings, services: Services, recorder: RecordingRequest
) -> AsyncIterator[Application]:
    """The real Application, started (its job queue runs), without the notice sender: queued
    messages stay in the outbox for the tests to read."""
    application = await _start(settings, services, recorder)
    recorder.clear()
    yield application
    await _stop(application)


async def _start(settings: Settings, services: Services, recorder: RecordingRequest) -> Application:
    """Start-up as `chibo run` does it: initialize, post_init (reminders rebuilt), start."""
    services = dataclasses.replace(
        services, settings=settings.model_copy(update={"notices": NO_SENDER})
    )
    application = build_application(settings, services, request=recorder, updater=False)
    limiter = application.bot.rate_limiter
    assert isinstance(limiter, TelegramRateLimiter)
    # A test chat says more than a person would in a second; pacing is test_ratelimit's.
    limiter.chat_burst, limiter.chat_per_second = 100, 100.0
    await application.initialize()
    assert application.post_init is not None
    await application.post_init(application)
    await application.start()
    return application


async def _stop(application: Application) -> None:
    await application.stop()
    await application.shutdown()
    assert application.post_shutdown is not None
    await application.post_shutdown(application)


@pytest.fixture
def cell(session: Session) -> Cell:
    """The cell: its secretary, two linked members, one without Telegram; and another cell."""
    found = make_cell(session)
    make_member(
        session, found, full_name="Trần Văn Bình", role=Role.SECRETARY, telegram_user_id=800_001
    )
    make_member(session, found, full_name="Nguyễn Thị Lan", telegram_user_id=800_002)
    make_member(session, found, full_name="Lê Văn Hùng", telegram_user_id=800_003)
    make_member(session, found, full_name="Phạm Chưa Dùng", telegram_user_id=None)
    other = make_cell(session, name="Chi bộ Xí nghiệp Xe buýt số 2", created_by=2)
    make_member(session, other, full_name="Vũ Thị Hoa", telegram_user_id=800_010)
    return found


def schedule(
    session: Session,
    cell: Cell,
    *,
    starts_in: timedelta,
    scheduled_ago: timedelta = timedelta(0),
    settings: MeetingSettings = SETTINGS,
) -> Meeting:
    """A meeting of ``cell`` starting ``starts_in`` from now (negative: already started),
    scheduled ``scheduled_ago`` (committed)."""
    now = utcnow()
    return make_meeting(
        session,
        cell,
        starts_at=now + starts_in,
        now=now - scheduled_ago,
        settings=settings,
        title="Sinh hoạt chi bộ thường kỳ tháng 6/2026",
        agenda="",
    )


async def say(app: Application, sender: JSON, text: str, chat: JSON | None = None) -> None:
    """The user sends a message (privately unless ``chat`` is given)."""
    await feed(app, message_update(sender, text, chat=chat))


async def press(app: Application, sender: JSON, data: str) -> None:
    """The user presses a button carrying ``data``."""
    await feed(app, callback_update(sender, data))


def last_text(recorder: RecordingRequest, chat_id: int = 800_001) -> str:
    """The bot's latest message to a chat."""
    return recorder.texts(chat_id)[-1]


def alerts(recorder: RecordingRequest) -> list[tuple[str | None, bool]]:
    """(text, shown as an alert) of every answer to a button press, in order."""
    return [
        (p.get("text"), bool(p.get("show_alert"))) for p in recorder.sent("answerCallbackQuery")
    ]


def panel_buttons(meeting_id: int, *actions: str) -> list[tuple[str, str]]:
    """The panel's buttons as the secretary sees them."""
    return [(mt.PANEL_BUTTONS[a], pack(Action.PANEL, meeting_id, a)) for a in actions]


def attendance(session: Session, meeting_id: int) -> dict[str, tuple[Mark, Method]]:
    """Member name → (mark, method) of a meeting's attendance rows, read afresh."""
    session.expire_all()
    rows = session.exec(
        select(MeetingAttendance).where(col(MeetingAttendance.meeting_id) == meeting_id)
    ).all()
    return {r.member_name: (Mark(r.mark), Method(r.method)) for r in rows}


def notice_texts(session: Session) -> list[str]:
    """The text of every queued notice, oldest first."""
    session.expire_all()
    return [n.text_html for n in session.exec(select(Notice).order_by(col(Notice.id))).all()]


# ----------------------------------------------------------------------------- /hop


async def test_readings_are_looked_up_and_unknown_numbers_named(
    app: Application, recorder: RecordingRequest, session: Session, cell: Cell
) -> None:
    await say(app, SECRETARY, "/hop")
    await press(app, SECRETARY, dict(recorder.buttons(recorder.sent()[-1]))["Thường kỳ"])
    for answer in ("14h thứ 6 tuần sau", "Hội trường", "không"):
        await say(app, SECRETARY, answer)
    await say(app, SECRETARY, "Chỉ thị 05, Chỉ thị 99-CT/TW; QĐ 777")
    refused = last_text(recorder)
    await say(app, SECRETARY, "CT 05")
    preview = last_text(recorder)

    assert refused == mt.READING_UNKNOWN.format(missing="«Chỉ thị 99-CT/TW», «QĐ 777»")
    assert "05-CT/TW" in preview and "99-CT/TW" not in preview


async def test_a_secretary_schedules_a_meeting_step_by_step(
    app: Application, recorder: RecordingRequest, session: Session, cell: Cell
) -> None:
    await say(app, SECRETARY, "/hop")
    asked_kind = recorder.sent()[-1]
    await press(app, SECRETARY, dict(recorder.buttons(asked_kind))["Thường kỳ"])
    asked_when = last_text(recorder)
    await say(app, SECRETARY, "abc")
    refused = last_text(recorder)
    await say(app, SECRETARY, "14h thứ 6 tuần sau")
    asked_place = last_text(recorder)
    await say(app, SECRETARY, "Hội trường tầng 2")
    asked_agenda = last_text(recorder)
    await say(app, SECRETARY, "không")
    asked_readings = last_text(recorder)
    await say(app, SECRETARY, "không")
    preview = recorder.sent()[-1]
    before = len(recorder.texts(800_001))
    confirm = dict(recorder.buttons(preview))["✅ Gửi giấy mời"]
    await press(app, SECRETARY, confirm)
    done, panel = recorder.sent()[-2:]
    await press(app, SECRETARY, confirm)  # an impatient second tap

    assert asked_kind["text"] == mt.ASK_KIND
    assert [label for label, _ in recorder.buttons(asked_kind)] == ["Thường kỳ", "Chuyên đề"]
    assert asked_when == mt.ASK_WHEN
    assert refused == (
        "Tôi chưa hiểu «abc» trong ngày giờ đã ghi. Xin ghi ngày giờ, ví dụ: "
        "«14h thứ 6 tuần sau», «8h30 ngày 25/12», «19h30 mai»."
    )
    assert (asked_place, asked_agenda, asked_readings) == (
        mt.ASK_PLACE,
        mt.ASK_AGENDA,
        mt.ASK_READINGS,
    )
    assert "Sinh hoạt chi bộ thường kỳ tháng" in preview["text"]
    assert "📍 Hội trường tầng 2" in preview["text"] and "14:00 thứ Sáu" in preview["text"]
    assert [label for label, _ in recorder.buttons(preview)] == ["✅ Gửi giấy mời", "✖️ Hủy"]

    meeting = session.exec(select(Meeting)).one()
    local = as_utc(meeting.starts_at).astimezone(VIETNAM)
    assert (local.weekday(), local.hour, local.minute) == (4, 14, 0)  # Friday, 14:00
    assert meeting.title == f"Sinh hoạt chi bộ thường kỳ tháng {local.month}/{local.year}"
    assert (meeting.place, meeting.agenda, meeting.created_by) == ("Hội trường tầng 2", "", 800_001)
    assert meeting.id is not None
    notice = session.exec(select(Notice)).one()
    assert notice.buttons == f"rsvp:{meeting.id}"
    assert notice.text_html.startswith("📣 <b>Giấy mời họp chi bộ</b>")
    deliveries = session.exec(select(NoticeDelivery)).all()
    # The roll is every active member of the cell, the secretary included.
    assert sorted((d.member_name, d.chat_id, d.state) for d in deliveries) == [
        ("Lê Văn Hùng", 800_003, DeliveryState.PENDING),
        ("Nguyễn Thị Lan", 800_002, DeliveryState.PENDING),
        ("Phạm Chưa Dùng", None, DeliveryState.UNREACHABLE),
        ("Trần Văn Bình", 800_001, DeliveryState.PENDING),
    ]
    reminders = session.exec(select(MeetingReminder)).all()
    assert sorted((r.minutes_before, r.skipped) for r in reminders) == [(60, False), (1440, False)]
    assert app.job_queue is not None
    jobs = [j for j in app.job_queue.jobs() if j.name and j.name.startswith("hop-nhac")]
    assert {j.name for j in jobs} == {f"hop-nhac-{meeting.id}-{r.id}" for r in reminders}
    # A reminder whose job runs late (a busy event loop, a long pause) still goes out.
    assert all(j.job.misfire_grace_time is None for j in jobs)

    assert len(recorder.texts(800_001)) == before + 2  # nothing else, no answer to a question
    assert done["text"] == (
        "Đã lên lịch và đang gửi giấy mời tới 3 đảng viên. Nhắc họp: 1 ngày trước, "
        "1 giờ trước. Gõ /cuochop để xem các cuộc họp."
    )
    assert int(panel["chat_id"]) == 800_001
    assert "❔ Chưa trả lời (4)" in panel["text"] and "📍 Đã điểm danh: 0/4" in panel["text"]
    assert recorder.buttons(panel) == panel_buttons(
        meeting.id, "code", "board", "edit_time", "edit_place", "edit_agenda", "cancel", "close"
    )
    assert meeting.panel_chat_id == 800_001 and meeting.panel_message_id is not None
    assert alerts(recorder)[-1] == (mt.BUTTON_STALE, True)  # the second tap: no second meeting


async def test_documents_to_read_can_be_uploaded_while_scheduling(
    app: Application, recorder: RecordingRequest, session: Session, cell: Cell
) -> None:
    await say(app, SECRETARY, "/hop")
    await press(app, SECRETARY, dict(recorder.buttons(recorder.sent()[-1]))["Thường kỳ"])
    for answer in ("14h thứ 6 tuần sau", "Hội trường tầng 2", "không"):
        await say(app, SECRETARY, answer)
    recorder.files["ke-hoach"] = (
        "ĐẢNG BỘ KHỐI DOANH NGHIỆP\nSố 91-KH/ĐUK\nKẾ HOẠCH\n"
        "Học tập chuyên đề năm 2027\n1. Mỗi chi bộ tổ chức học tập chuyên đề trong quý I.\n"
    ).encode()
    document = {
        "file_id": "ke-hoach",
        "file_unique_id": "k",
        "file_name": "ke-hoach-91.txt",
        "file_size": 120,
    }
    await feed(app, message_update(SECRETARY, None, document=document))
    added = last_text(recorder)
    await say(app, SECRETARY, "xong")
    preview = recorder.sent()[-1]
    await press(app, SECRETARY, dict(recorder.buttons(preview))["✅ Gửi giấy mời"])

    assert added.startswith("Đã thêm «") and "vào danh sách đọc trước" in added
    assert "📚 Đọc trước:" in preview["text"] and "91-KH/ĐUK" in preview["text"]
    meeting = session.exec(select(Meeting)).one()
    assert [r["source"].endswith("ke-hoach-91.txt") for r in meeting.readings] == [True]


async def test_a_draft_button_pressed_after_the_draft_ended_changes_nothing(
    app: Application, recorder: RecordingRequest, session: Session, cell: Cell
) -> None:
    await say(app, SECRETARY, "/hop")
    kind = dict(recorder.buttons(recorder.sent()[-1]))["Thường kỳ"]
    await say(app, SECRETARY, "/huy")
    await press(app, SECRETARY, kind)

    assert last_text(recorder) == mt.DRAFT_CANCELLED
    assert alerts(recorder) == [(mt.BUTTON_STALE, True)]
    assert session.exec(select(Meeting)).first() is None


# ----------------------------------------------------------------------------- refusals


async def test_members_and_strangers_are_refused_with_the_reason(
    app: Application, recorder: RecordingRequest, session: Session, cell: Cell
) -> None:
    meeting = schedule(session, cell, starts_in=timedelta(days=2))
    assert meeting.id is not None

    await say(app, LAN, "/hop")
    await say(app, LAN, "/cuochop")
    await say(app, LAN, "/ghicomat Phạm Chưa Dùng")
    await press(app, LAN, pack(Action.PANEL, meeting.id, "close"))
    await press(app, STRANGER, pack(Action.RSVP, meeting.id, "a"))
    await press(app, STRANGER, pack(Action.RSVP, meeting.id, "x"))
    await say(app, SECRETARY, "/hop", chat=GROUP)
    await say(app, ADMIN, "/hop")  # an admin of the deployment, with no cell of his own
    await say(app, ADMIN, "/cuochop")

    assert recorder.texts(800_002) == [mt.NOT_SECRETARY] * 3
    assert recorder.texts(ADMIN_ID) == [mt.NOT_SECRETARY] * 2
    assert mt.NOT_SECRETARY == "Lệnh này dành cho bí thư, phó bí thư chi bộ."
    assert alerts(recorder) == [
        (mt.NOT_SECRETARY, True),
        ("Cuộc họp này không phải của chi bộ đồng chí.", True),
        ("Cuộc họp này không phải của chi bộ đồng chí.", True),
    ]
    assert recorder.texts(-100_555) == [
        "Việc lên lịch và theo dõi cuộc họp làm trong trò chuyện riêng với tôi (gõ /hop, "
        "/cuochop ở đó)."
    ]
    assert recorder.texts(800_099) == []  # no prompt for a reason
    session.expire_all()
    assert session.exec(select(MeetingRsvp)).first() is None
    assert session.get(Meeting, meeting.id).state == MeetingState.SCHEDULED  # type: ignore[union-attr]


# ----------------------------------------------------------------------------- answers


async def test_members_answer_the_invitation(
    app: Application, recorder: RecordingRequest, session: Session, cell: Cell
) -> None:
    meeting = schedule(session, cell, starts_in=timedelta(days=2))
    assert meeting.id is not None

    await press(app, LAN, pack(Action.RSVP, meeting.id, "a"))
    await press(app, HUNG, pack(Action.RSVP, meeting.id, "x"))
    await say(app, HUNG, "Đi công tác")
    await press(app, SECRETARY, pack(Action.PANEL, meeting.id, "board"))

    assert alerts(recorder) == [
        (
            "Đã ghi: đồng chí sẽ dự Sinh hoạt chi bộ thường kỳ tháng 6/2026. Cảm ơn đồng chí!",
            True,
        ),
        (None, False),
        (None, False),
    ]
    # The reason was taken as the answer: it did not go on to the question handlers.
    assert recorder.texts(800_003) == [
        "Đồng chí xin vắng vì lý do gì? (gõ một câu ngắn)",
        "Đã ghi: đồng chí xin vắng (Đi công tác).",
    ]
    rows = session.exec(select(MeetingRsvp, Member).join(Member)).all()
    assert sorted((m.full_name, r.answer, r.reason) for r, m in rows) == [
        ("Lê Văn Hùng", Answer.EXCUSED, "Đi công tác"),
        ("Nguyễn Thị Lan", Answer.ATTEND, None),
    ]
    board = last_text(recorder)
    assert "✅ Sẽ dự (1): Nguyễn Thị Lan" in board
    assert "🙏 Xin vắng (1): Lê Văn Hùng (Đi công tác)" in board
    assert "❔ Chưa trả lời (2): Phạm Chưa Dùng, Trần Văn Bình" in board
    # Each member's invitation now shows the choice they made.
    marked = {
        int(c.params["chat_id"]): [label for label, _ in recorder.buttons(c.params)]
        for c in recorder.calls
        if c.method == "editMessageReplyMarkup"
    }
    assert marked == {
        LAN["id"]: ["✅ Sẽ dự ✔", "🙏 Xin vắng"],
        HUNG["id"]: ["✅ Sẽ dự", "🙏 Xin vắng ✔"],
    }


async def test_answers_to_a_cancelled_meeting_are_refused(
    app: Application, recorder: RecordingRequest, session: Session, cell: Cell
) -> None:
    meeting = schedule(session, cell, starts_in=timedelta(days=2))
    assert meeting.id is not None
    meetings.cancel(
        session, meeting_id=meeting.id, reason="", by=800_001, by_name="Bình", now=utcnow()
    )
    session.commit()

    await press(app, LAN, pack(Action.RSVP, meeting.id, "a"))
    await press(app, LAN, pack(Action.RSVP, meeting.id, "x"))
    await say(app, LAN, "Đi công tác")  # not taken as a reason: no reason was asked

    assert alerts(recorder) == [("Cuộc họp này đã bị hủy.", True)] * 2
    assert not any("xin vắng" in t for t in recorder.texts(800_002))
    assert session.exec(select(MeetingRsvp)).first() is None


# ----------------------------------------------------------------------------- check-in


async def test_check_in_by_code_by_the_code_alone_and_by_the_qr_link(
    app: Application, recorder: RecordingRequest, session: Session, cell: Cell
) -> None:
    meeting = schedule(session, cell, starts_in=timedelta(minutes=5))
    assert meeting.id is not None
    code = meetings.code_at(meeting, utcnow(), SETTINGS)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    payload = meetings.qr_payload(meeting, utcnow(), SETTINGS)
    spot = len(payload) - 5  # inside the signature
    forged = payload[:spot] + ("B" if payload[spot] != "B" else "C") + payload[spot + 1 :]
    expired = meetings.qr_payload(meeting, utcnow() - timedelta(hours=1), SETTINGS)

    await say(app, LAN, f"/comat {code}")
    await say(app, LAN, code)  # the code typed alone, a second time
    await say(app, HUNG, f"/comat {wrong}")
    await say(app, HUNG, "/comat")
    await say(app, HOA, f"/comat {code}")  # another cell's member with this cell's code
    await say(app, HUNG, f"/start {forged}")
    await say(app, HUNG, f"/start {expired}")
    after_refusals = attendance(session, meeting.id)
    await say(app, HUNG, f"/start {payload}")

    lan = recorder.texts(800_002)
    assert len(lan) == 2
    assert lan[0].startswith(
        "✅ Đã điểm danh: đồng chí có mặt tại «Sinh hoạt chi bộ thường kỳ tháng 6/2026» lúc "
    )
    clock = lan[0].rsplit(" ", 1)[1].rstrip(".")
    assert lan[1] == (
        "Đồng chí đã điểm danh cuộc họp «Sinh hoạt chi bộ thường kỳ tháng 6/2026» rồi "
        f"(lúc {clock})."
    )
    assert recorder.texts(800_003)[:4] == [
        "Mã điểm danh không đúng hoặc đã đổi (mã đổi sau mỗi 60 giây). Xin nhập mã đang hiện ở "
        "cuộc họp.",
        "Nhập mã điểm danh đang hiện ở cuộc họp, ví dụ: /comat 123456",
        "Đường dẫn điểm danh không hợp lệ.",
        "Mã QR này đã hết hạn. Xin quét mã QR đang hiện tại cuộc họp, hoặc nhập mã số.",
    ]
    assert recorder.texts(800_003)[4].startswith("✅ Đã điểm danh: đồng chí có mặt tại")
    assert recorder.texts(800_010) == [mt.CHECKIN_NO_MEETING]
    assert after_refusals == {"Nguyễn Thị Lan": (Mark.PRESENT, Method.CODE)}
    assert attendance(session, meeting.id) == {
        "Nguyễn Thị Lan": (Mark.PRESENT, Method.CODE),
        "Lê Văn Hùng": (Mark.PRESENT, Method.QR),
    }


async def test_the_code_the_panel_shows_checks_members_in(
    app: Application, recorder: RecordingRequest, session: Session, cell: Cell
) -> None:
    meeting = schedule(session, cell, starts_in=timedelta(minutes=5))
    later = schedule(session, cell, starts_in=timedelta(days=2))
    assert meeting.id is not None and later.id is not None

    await press(app, SECRETARY, pack(Action.PANEL, later.id, "code"))  # check-in not open yet
    not_open = last_text(recorder)
    await press(app, SECRETARY, pack(Action.PANEL, meeting.id, "code"))
    shown = last_text(recorder)
    code = re.search(r"<code>(\d{6})</code>", shown)
    assert code is not None
    await say(app, LAN, code.group(1))

    assert not_open.startswith("Giờ điểm danh: từ ")
    qr = recorder.sent("sendPhoto")
    assert len(qr) == 1 and qr[0]["caption"].startswith(
        "Quét để điểm danh «Sinh hoạt chi bộ thường kỳ tháng 6/2026» (hiệu lực đến "
    )
    assert recorder.uploads[0][:2] == ("sendPhoto", "diem-danh.png")
    assert shown.startswith("<b>Điểm danh — Sinh hoạt chi bộ thường kỳ tháng 6/2026</b>")
    assert "Đã điểm danh: 0/4." in shown
    # When the code changes, as a clock time: it stays true while the screen waits to be edited.
    changes = re.search(r"\(đổi lúc (\d\d):(\d\d):(\d\d)\)", shown)
    assert changes is not None and int(changes.group(3)) % 60 == 0  # codes turn on the minute
    assert recorder.texts(800_002)[0].startswith("✅ Đã điểm danh: đồng chí có mặt tại")
    assert attendance(session, meeting.id) == {"Nguyễn Thị Lan": (Mark.PRESENT, Method.CODE)}


async def test_the_qr_code_is_replaced_before_its_link_expires(
    app: Application, recorder: RecordingRequest, session: Session, cell: Cell
) -> None:
    meeting = schedule(session, cell, starts_in=timedelta(minutes=5))
    assert meeting.id is not None and app.job_queue is not None
    await press(app, SECRETARY, pack(Action.PANEL, meeting.id, "code"))
    [job] = app.job_queue.get_jobs_by_name(f"hop-ma-{meeting.id}-800001")
    screen = job.data
    first_qr = screen.qr_message_id

    await job.run(app)  # the link still has minutes to go: only the code message is edited
    assert len(recorder.sent("sendPhoto")) == 1 and recorder.sent("deleteMessage") == []
    assert len(recorder.sent("editMessageText")) == 1

    screen.qr_until = utcnow() + timedelta(seconds=30)  # expires before the next tick
    await job.run(app)

    photos = recorder.sent("sendPhoto")
    assert len(photos) == 2 and photos[1]["caption"].startswith("Quét để điểm danh")
    assert screen.qr_message_id != first_qr
    assert screen.qr_until > utcnow() + timedelta(minutes=4)  # a fresh five-minute link
    [deleted] = recorder.sent("deleteMessage")
    assert int(deleted["message_id"]) == first_qr  # the old QR no longer hangs on the screen


async def test_cuochop_lists_the_meetings_and_opens_a_panel(
    app: Application, recorder: RecordingRequest, session: Session, cell: Cell
) -> None:
    await say(app, SECRETARY, "/cuochop")
    empty = last_text(recorder)
    meeting = schedule(session, cell, starts_in=timedelta(days=2))
    assert meeting.id is not None
    await say(app, SECRETARY, "/cuochop")
    listing = recorder.sent()[-1]
    await press(app, SECRETARY, recorder.buttons(listing)[0][1])

    assert empty == "Chi bộ chưa có cuộc họp nào. Gõ /hop để lên lịch."
    assert listing["text"].startswith("<b>Các cuộc họp của chi bộ</b>\n• Sinh hoạt chi bộ")
    assert listing["text"].endswith("(sắp họp)")
    day = as_utc(meeting.starts_at).astimezone(VIETNAM).strftime("%d/%m")
    assert recorder.buttons(listing) == [
        (f"{day} · Sinh hoạt chi bộ thường kỳ tháng 6/2026", pack(Action.PANEL, meeting.id, "open"))
    ]
    panel = recorder.sent()[-1]
    assert "❔ Chưa trả lời (4)" in panel["text"]
    assert recorder.buttons(panel)[0] == (
        mt.PANEL_BUTTONS["code"],
        pack(Action.PANEL, meeting.id, "code"),
    )


async def test_a_secretary_records_a_member_without_telegram_by_hand(
    app: Application, recorder: RecordingRequest, session: Session, cell: Cell
) -> None:
    meeting = schedule(session, cell, starts_in=timedelta(minutes=5))
    assert meeting.id is not None

    await say(app, SECRETARY, "/ghicomat Phạm Chưa Dùng")
    await say(app, SECRETARY, "/ghicomat pham chua dung")
    await say(app, SECRETARY, "/ghicomat Người Không Có")
    await say(app, SECRETARY, "/ghicomat")

    assert recorder.texts(800_001) == [
        "Đã ghi Phạm Chưa Dùng: Có mặt (người ghi: Trần Văn Bình).",
        "Phạm Chưa Dùng đã có trong danh sách điểm danh.",
        "Không tìm thấy đảng viên «Người Không Có» trong chi bộ; xin ghi đúng họ và tên như "
        "trong danh sách (/thanhvien).",
        mt.HAND_USAGE,
    ]
    assert attendance(session, meeting.id) == {"Phạm Chưa Dùng": (Mark.PRESENT, Method.MANUAL)}


# ----------------------------------------------------------------------------- closing


async def _held_meeting(app: Application, session: Session, cell: Cell) -> Meeting:
    """A meeting that started five minutes ago, where Lan checked in with the code."""
    meeting = schedule(
        session, cell, starts_in=-timedelta(minutes=5), scheduled_ago=timedelta(hours=1)
    )
    await say(app, LAN, f"/comat {meetings.code_at(meeting, utcnow(), SETTINGS)}")
    return meeting


async def test_closing_sends_the_report_and_attendees_rate_the_meeting(
    app: Application, recorder: RecordingRequest, session: Session, cell: Cell
) -> None:
    meeting = await _held_meeting(app, session, cell)
    assert meeting.id is not None
    await press(app, LAN, pack(Action.VOTE, meeting.id, "tot"))  # before the meeting is closed
    recorder.clear()

    await press(app, SECRETARY, pack(Action.PANEL, meeting.id, "close"))
    confirm = recorder.sent()[-1]
    await press(app, SECRETARY, pack(Action.PANEL, meeting.id, "close_ok"))
    report = last_text(recorder)
    sent = [c.method for c in recorder.calls]
    votes_at = len(recorder.calls)
    await press(app, LAN, pack(Action.VOTE, meeting.id, "tot"))
    await press(app, LAN, pack(Action.VOTE, meeting.id, "kha"))
    await press(app, HUNG, pack(Action.VOTE, meeting.id, "tot"))  # did not attend

    assert confirm["text"] == mt.CONFIRM_CLOSE
    assert recorder.buttons(confirm) == [
        ("🏁 Kết thúc", pack(Action.PANEL, meeting.id, "close_ok"))
    ]
    assert sent[-4:] == ["sendMessage", "sendDocument", "sendDocument", "sendPhoto"]
    assert "Chi bộ có 4 đảng viên, dự sinh hoạt 1/4, tỷ lệ 25%" in report
    assert "vắng không lý do 3" in report
    names = [(method, name) for method, name, _ in recorder.uploads]
    day = as_utc(meeting.starts_at).astimezone(VIETNAM).strftime("%Y-%m-%d")
    assert names == [
        ("sendDocument", f"diem-danh-{day}.xlsx"),
        ("sendDocument", f"diem-danh-{day}.csv"),
        ("sendPhoto", "ty-le-du-hop.png"),
    ]
    xlsx, csv_file, png = (content for _, _, content in recorder.uploads)
    assert xlsx.startswith(b"PK") and png.startswith(b"\x89PNG")
    assert "Nguyễn Thị Lan" in csv_file.decode("utf-8-sig")
    assert recorder.sent("sendDocument")[0]["caption"] == mt.REPORT_FILES

    session.expire_all()
    closed = session.get(Meeting, meeting.id)
    assert closed is not None and closed.state == MeetingState.CLOSED
    assert attendance(session, meeting.id) == {
        "Nguyễn Thị Lan": (Mark.PRESENT, Method.CODE),
        "Lê Văn Hùng": (Mark.ABSENT, Method.CLOSING),
        "Phạm Chưa Dùng": (Mark.ABSENT, Method.CLOSING),
        "Trần Văn Bình": (Mark.ABSENT, Method.CLOSING),
    }
    voters = session.exec(
        select(NoticeDelivery.member_name)
        .join(Notice)
        .where(col(Notice.buttons) == f"vote:{meeting.id}")
    ).all()
    assert voters == ["Nguyễn Thị Lan"]  # only who attended is asked to rate

    answered = [
        (c.params.get("text"), bool(c.params.get("show_alert")))
        for c in recorder.calls[votes_at:]
        if c.method == "answerCallbackQuery"
    ]
    assert answered == [
        ("Cảm ơn đồng chí đã đánh giá: Tốt.", True),
        ("Đồng chí đã đánh giá cuộc họp này rồi.", True),
        ("Chỉ đảng viên dự họp mới đánh giá được cuộc họp này.", True),
    ]
    assert alerts(recorder)[0] == (None, False)  # the close button itself
    assert meetings.tally(session, meeting_id=meeting.id)[Rating.GOOD] == 1
    # The ballot shows the vote cast; a second press or a non-attendee's changes nothing.
    [ballot] = [c.params for c in recorder.calls[votes_at:] if c.method == "editMessageReplyMarkup"]
    assert [label for label, _ in recorder.buttons(ballot)] == ["Tốt ✔", "Khá", "Trung bình", "Kém"]


async def test_a_vote_before_the_meeting_is_closed_is_refused(
    app: Application, recorder: RecordingRequest, session: Session, cell: Cell
) -> None:
    meeting = await _held_meeting(app, session, cell)
    assert meeting.id is not None

    await press(app, LAN, pack(Action.VOTE, meeting.id, "tot"))

    assert alerts(recorder) == [
        ("Cuộc họp chưa kết thúc; đánh giá sau khi bí thư kết thúc cuộc họp.", True)
    ]
    assert meetings.tally(session, meeting_id=meeting.id)[Rating.GOOD] == 0


# ----------------------------------------------------------------------------- /diemdanh


async def test_attendance_history_for_members_and_statistics_for_secretaries(
    app: Application, recorder: RecordingRequest, session: Session, cell: Cell
) -> None:
    meeting = await _held_meeting(app, session, cell)
    assert meeting.id is not None
    await press(app, SECRETARY, pack(Action.PANEL, meeting.id, "close_ok"))
    recorder.clear()
    recorder.uploads.clear()

    await say(app, LAN, "/diemdanh")
    await say(app, SECRETARY, "/diemdanh")
    statistics = last_text(recorder)
    await say(app, SECRETARY, "/diemdanh 13/2026")

    local = as_utc(meeting.starts_at).astimezone(VIETNAM)
    assert recorder.texts(800_002) == [
        "<b>Điểm danh của đồng chí Nguyễn Thị Lan</b> (12 tháng gần nhất)\n"
        f"• {local:%d/%m/%Y} — Sinh hoạt chi bộ thường kỳ tháng 6/2026: Có mặt\n"
        "Dự 1/1 cuộc họp."
    ]
    assert statistics.startswith("<b>Thống kê điểm danh Chi bộ Xí nghiệp Xe buýt số 1</b>")
    assert f"• Tháng {local:%m/%Y}: 1 cuộc họp, dự 1/4 (25%)" in statistics
    assert [(m, name.rsplit(".", 1)[1]) for m, name, _ in recorder.uploads] == [
        ("sendDocument", "xlsx"),
        ("sendDocument", "csv"),
    ]
    assert last_text(recorder) == mt.PERIOD_INVALID
    assert len(recorder.sent("sendDocument")) == 2  # none for the invalid period
    await say(app, SECRETARY, "/diemdanh năm nay")  # words, not a member called «năm nay»
    assert last_text(recorder).startswith("<b>Thống kê điểm danh Chi bộ Xí nghiệp Xe buýt số 1")


# ----------------------------------------------------------------------------- the panel


async def test_the_place_is_changed_and_the_meeting_cancelled_from_the_panel(
    app: Application, recorder: RecordingRequest, session: Session, cell: Cell
) -> None:
    meeting = schedule(session, cell, starts_in=timedelta(days=2))
    assert meeting.id is not None
    await press(app, SECRETARY, pack(Action.PANEL, meeting.id, "open"))
    panel_id = session.exec(select(Meeting.panel_message_id)).one()
    recorder.clear()

    await press(app, SECRETARY, pack(Action.PANEL, meeting.id, "edit_place"))
    asked_place = last_text(recorder)
    await say(app, SECRETARY, "Phòng họp B")
    preview = recorder.sent()[-1]
    session.expire_all()
    unchanged = session.get(Meeting, meeting.id)
    assert unchanged is not None and unchanged.place == "Hội trường tầng 2"  # not before «Gửi»
    assert len(notice_texts(session)) == 1  # only the invitation: nobody told yet
    await press(app, SECRETARY, dict(recorder.buttons(preview))[mt.CHANGE_SEND])
    edited = last_text(recorder)
    await press(app, SECRETARY, dict(recorder.buttons(preview))[mt.CHANGE_SEND])  # again
    stale = last_text(recorder)
    panel = recorder.sent("editMessageText")[-1]
    session.expire_all()
    moved = session.get(Meeting, meeting.id)
    await press(app, SECRETARY, pack(Action.PANEL, meeting.id, "cancel"))
    asked_reason = last_text(recorder)
    await say(app, SECRETARY, "không")
    confirm = recorder.sent()[-1]
    session.expire_all()
    still = session.get(Meeting, meeting.id)
    assert still is not None and still.state == MeetingState.SCHEDULED  # not before confirming
    await press(app, SECRETARY, dict(recorder.buttons(confirm))["✖️ Xác nhận hủy"])

    assert asked_place == "Địa điểm mới?"
    assert preview["text"].startswith("<b>Xem trước</b> — thông báo sẽ gửi tới 2 đảng viên:")
    assert "🔔 <b>Thay đổi địa điểm cuộc họp</b>" in preview["text"]
    assert "📍 Phòng họp B" in preview["text"]
    assert [label for label, _ in recorder.buttons(preview)] == [mt.CHANGE_SEND, mt.CHANGE_DROP]
    assert edited == "Đã cập nhật và báo cho đảng viên."
    assert stale == mt.BUTTON_STALE  # the change is sent once
    assert moved is not None and moved.place == "Phòng họp B"
    assert int(panel["message_id"]) == panel_id and "📍 Phòng họp B" in panel["text"]
    assert asked_reason == mt.ASK_CANCEL_REASON
    assert confirm["text"] == (
        "Hủy cuộc họp và báo cho mọi đảng viên? Lý do: (không ghi). Bấm nút dưới để xác nhận."
    )
    assert last_text(recorder) == "Đã hủy cuộc họp và báo cho đảng viên."
    session.expire_all()
    cancelled = session.get(Meeting, meeting.id)
    assert cancelled is not None and cancelled.state == MeetingState.CANCELLED
    assert cancelled.cancel_reason is None
    invitation, change, cancel = notice_texts(session)
    assert invitation.startswith("📣 <b>Giấy mời họp chi bộ</b>")
    assert change.startswith("🔔 <b>Thay đổi địa điểm cuộc họp</b>")
    assert "📍 Phòng họp B" in change and "tại Hội trường tầng 2)" in change
    assert cancel.startswith("❌ <b>Hủy cuộc họp</b>") and "Lý do" not in cancel
    told = session.exec(
        select(Notice.text_html, NoticeDelivery.member_name).join(NoticeDelivery)
    ).all()
    # Every member hears of the change and the cancellation, but not who made them.
    assert sorted(name for text, name in told if text == change) == [
        "Lê Văn Hùng",
        "Nguyễn Thị Lan",
        "Phạm Chưa Dùng",
    ]
    assert sorted(name for text, name in told if text == cancel) == sorted(
        name for text, name in told if text == change
    )
    assert recorder.buttons(recorder.sent("editMessageText")[-1]) == panel_buttons(
        meeting.id, "board"
    )
    reminders = session.exec(select(MeetingReminder)).all()
    assert all(r.skipped and r.fired_at is None for r in reminders)


# ----------------------------------------------------------------------------- reminders


REMIND_SOON = MeetingSettings.model_validate({"reminder_minutes": [1]})


def _soon(session: Session, cell: Cell) -> Meeting:
    """A meeting 90 s from now whose one reminder (a minute before) is not yet due."""
    return schedule(session, cell, starts_in=timedelta(seconds=90), settings=REMIND_SOON)


def _time_passes(session: Session) -> None:
    """The reminder's moment comes (its due time moves into the past; no real waiting)."""
    session.execute(update(MeetingReminder).values(due_at=utcnow() - timedelta(seconds=1)))
    session.commit()


async def _run_reminder_jobs(*applications: Application) -> int:
    """Run every reminder job the applications hold, at once, as their job queues would."""
    jobs = [
        (application, job)
        for application in applications
        if application.job_queue is not None
        for job in application.job_queue.jobs()
        if job.name and job.name.startswith("hop-nhac-")
    ]
    await asyncio.gather(*(job.run(application) for application, job in jobs))
    return len(jobs)


def _fired(session: Session) -> tuple[list[bool], int]:
    """Whether each reminder fired, and how many reminder notices were queued."""
    session.expire_all()
    fired = [r.fired_at is not None for r in session.exec(select(MeetingReminder)).all()]
    count = session.exec(
        select(func.count()).select_from(Notice).where(col(Notice.text_html).contains("Nhắc họp"))
    ).one()
    return fired, int(count)


async def test_a_reminder_survives_a_restart_and_fires_once(
    settings: Settings, services: Services, session: Session, cell: Cell
) -> None:
    meeting = _soon(session, cell)
    first = await _start(settings, services, RecordingRequest())
    await _stop(first)  # killed before the reminder is due: its job is gone with it
    after_kill = _fired(session)
    _time_passes(session)
    second = await _start(settings, services, RecordingRequest())
    ran = await _run_reminder_jobs(second)  # the job came back from the database
    after_restart = _fired(session)
    await _stop(second)
    third = await _start(settings, services, RecordingRequest())
    again = await _run_reminder_jobs(third)
    await _stop(third)

    assert after_kill == ([False], 0)
    assert ran == 1 and after_restart == ([True], 1)
    assert again == 0  # fired reminders get no job
    assert _fired(session) == ([True], 1)
    reminder = session.exec(select(MeetingReminder)).one()
    notice = session.get(Notice, reminder.notice_id)
    assert notice is not None and notice.buttons == f"rsvp:{meeting.id}"
    assert notice.text_html.startswith("⏰ <b>Nhắc họp</b> (sắp bắt đầu)")


async def test_two_processes_fire_a_reminder_once(
    settings: Settings, services: Services, session: Session, cell: Cell
) -> None:
    _soon(session, cell)
    one = await _start(settings, services, RecordingRequest())
    two = await _start(settings, services, RecordingRequest())
    _time_passes(session)
    ran = await _run_reminder_jobs(one, two)  # both jobs run at the same moment
    await _stop(one)
    await _stop(two)

    assert ran == 2  # both processes set the reminder's job
    assert _fired(session) == ([True], 1)


# ----------------------------------------------------------------------------- edges


async def test_two_quick_taps_on_confirm_schedule_one_meeting(
    app: Application, recorder: RecordingRequest, session: Session, cell: Cell
) -> None:
    await say(app, SECRETARY, "/hop")
    await press(app, SECRETARY, dict(recorder.buttons(recorder.sent()[-1]))["Thường kỳ"])
    for answer in ("14h thứ 6 tuần sau", "Hội trường tầng 2", "không", "không"):
        await say(app, SECRETARY, answer)
    confirm = dict(recorder.buttons(recorder.sent()[-1]))["✅ Gửi giấy mời"]

    await asyncio.gather(press(app, SECRETARY, confirm), press(app, SECRETARY, confirm))

    assert len(session.exec(select(Meeting)).all()) == 1
    assert len(session.exec(select(Notice)).all()) == 1  # one invitation, not two


async def test_a_member_who_changes_their_mind_is_not_asked_for_a_reason_any_more(
    app: Application, recorder: RecordingRequest, session: Session, cell: Cell
) -> None:
    meeting = schedule(session, cell, starts_in=timedelta(days=2))
    await press(app, LAN, pack(Action.RSVP, meeting.id or 0, "x"))
    await press(app, LAN, pack(Action.RSVP, meeting.id or 0, "a"))
    await say(app, LAN, "sinh hoạt chi bộ mấy lần một tháng?")

    session.expire_all()
    [answer] = session.exec(select(MeetingRsvp)).all()
    assert (answer.answer, answer.reason) == (Answer.ATTEND, None)
    assert "xin vắng" not in last_text(recorder, 800_002)  # the question went to the questions


async def test_another_command_drops_a_waiting_prompt(
    app: Application, recorder: RecordingRequest, session: Session, cell: Cell
) -> None:
    meeting = schedule(session, cell, starts_in=timedelta(days=2))
    await press(app, SECRETARY, pack(Action.PANEL, meeting.id or 0, "edit_place"))
    await say(app, SECRETARY, "/help")
    await say(app, SECRETARY, "chỉ thị 05 nói về gì?")

    session.expire_all()
    kept = session.get(Meeting, meeting.id)
    assert kept is not None and kept.place == "Hội trường tầng 2"  # the question is no place
    assert len(notice_texts(session)) == 1  # the invitation only, no change announced


async def test_answers_after_the_start_are_refused(
    app: Application, recorder: RecordingRequest, session: Session, cell: Cell
) -> None:
    meeting = schedule(session, cell, starts_in=-timedelta(minutes=5), scheduled_ago=timedelta(1))
    await press(app, LAN, pack(Action.RSVP, meeting.id or 0, "x"))

    assert alerts(recorder)[-1] == (mt.RSVP_TOO_LATE, True)
    assert recorder.texts(800_002) == []  # no reason asked


async def test_guessing_codes_is_stopped_after_five_wrong_ones(
    app: Application, recorder: RecordingRequest, session: Session, cell: Cell
) -> None:
    meeting = schedule(session, cell, starts_in=timedelta(minutes=5))
    right = meetings.code_at(meeting, utcnow(), SETTINGS)
    wrong = [f"{(int(right) + n) % 1_000_000:06d}" for n in range(100_000, 100_005)]
    for code in wrong:
        await say(app, LAN, f"/comat {code}")
    await say(app, LAN, f"/comat {right}")

    assert last_text(recorder, 800_002).startswith("Đồng chí đã nhập sai mã 5 lần")
    assert attendance(session, meeting.id or 0) == {}


async def test_recording_by_hand_reads_di_muon_and_namesakes(
    app: Application, recorder: RecordingRequest, session: Session, cell: Cell
) -> None:
    soon = schedule(session, cell, starts_in=timedelta(minutes=5))
    await say(app, SECRETARY, "/ghicomat Phạm Chưa Dùng đi muộn")
    too_early = last_text(recorder)
    assert attendance(session, soon.id or 0) == {}  # nobody is late before the start
    session.execute(update(Meeting).values(starts_at=utcnow() - timedelta(minutes=5)))
    session.commit()
    make_member(session, cell, full_name="Lê Văn Hùng", telegram_user_id=None)
    await say(app, SECRETARY, "/ghicomat Phạm Chưa Dùng đi muộn")
    await say(app, SECRETARY, "/ghicomat Lê Văn Hùng")

    assert too_early.startswith("Cuộc họp ") and "chưa thể ghi đi muộn" in too_early
    assert attendance(session, soon.id or 0) == {"Phạm Chưa Dùng": (Mark.LATE, Method.MANUAL)}
    assert last_text(recorder).startswith("Chi bộ có 2 đảng viên tên «Lê Văn Hùng»")


def test_the_panel_of_a_large_cell_fits_one_message() -> None:
    from bot.telegram.handlers.meetings import _board_text

    people = [f"Nguyễn Văn Đảng Viên Số {n}" for n in range(300)]
    board = meetings.Board(
        meeting=Meeting(
            cell_id=1,
            kind=MeetingKind.REGULAR,
            title="Sinh hoạt chi bộ",
            starts_at=utcnow(),
            place="Hội trường",
            agenda="Nội dung " * 200,
            secret="",
            created_by=1,
        ),
        total=900,
        attending=people,
        excused=[(p, "Đi công tác dài ngày " * 20) for p in people],
        silent=people,
        checked_in=0,
    )
    text = _board_text(board)
    assert len(text) <= 4096
    assert "… và 275 người khác" in text


def test_confirmations_fit_telegram_pop_ups() -> None:
    long_title = "Sinh hoạt chuyên đề: " + "học tập và làm theo tư tưởng " * 10
    assert len(mt.attend_done(long_title)) <= 200
    assert mt.attend_done("Họp tháng 5") == mt.RSVP_ATTEND_DONE.format(title="Họp tháng 5")
    assert [mt.before(m) for m in (1440, 60, 30, 90)] == [
        "1 ngày trước",
        "1 giờ trước",
        "30 phút trước",
        "1 giờ 30 phút trước",
    ]


# ----------------------------------------------------------------------------- corrections


async def _run_jobs(application: Application, prefix: str) -> int:
    """Run the application's jobs whose name starts with ``prefix`` now (no real waiting)."""
    assert application.job_queue is not None
    jobs = [j for j in application.job_queue.jobs() if (j.name or "").startswith(prefix)]
    for job in jobs:
        await job.run(application)
        job.schedule_removal()
    return len(jobs)


async def test_a_closed_meetings_marks_are_corrected_with_the_original_kept(
    app: Application, recorder: RecordingRequest, session: Session, cell: Cell
) -> None:
    meeting = await _held_meeting(app, session, cell)
    assert meeting.id is not None
    await press(app, SECRETARY, pack(Action.PANEL, meeting.id, "close_ok"))
    await press(app, SECRETARY, pack(Action.PANEL, meeting.id, "open"))
    recorder.clear()
    recorder.uploads.clear()

    await say(app, SECRETARY, "/suadiemdanh")
    usage = last_text(recorder)
    await say(app, SECRETARY, "Phạm Chưa Dùng có mặt")  # the waiting prompt takes the line
    no_why = last_text(recorder)
    await say(app, SECRETARY, "pham chua dung co mat, ghi nham vi dong chi khong dung Telegram")
    done = last_text(recorder)
    panel = recorder.sent("editMessageText")[-1]
    await say(app, LAN, "/suadiemdanh Lê Văn Hùng có mặt, tôi thấy đồng chí ấy")
    refused = recorder.texts(800_002)[-1]
    await press(app, SECRETARY, pack(Action.PANEL, meeting.id, "original"))
    original = recorder.sent("sendMessage")[-1]["text"]
    await press(app, SECRETARY, pack(Action.PANEL, meeting.id, "report"))
    corrected = recorder.sent("sendMessage")[-1]["text"]

    assert mt.CORRECT_USAGE in usage and "Sinh hoạt chi bộ thường kỳ tháng 6/2026" in usage
    assert no_why == mt.CORRECT_NO_WHY
    assert done.startswith("✅ Đã sửa điểm danh «Sinh hoạt chi bộ thường kỳ tháng 6/2026»:\n")
    assert "Phạm Chưa Dùng: Vắng không lý do → <b>Có mặt</b>" in done
    assert "Lý do: ghi nham vi dong chi khong dung Telegram" in done
    assert "Người sửa: Trần Văn Bình" in done and "Tỷ lệ dự nay: 2/4, 50%" in done
    assert attendance(session, meeting.id)["Phạm Chưa Dùng"] == (Mark.PRESENT, Method.MANUAL)
    assert refused == mt.NOT_SECRETARY
    # The panel shows the attendance as recorded, with the correction counted.
    assert "✅ Có mặt (2): Nguyễn Thị Lan, Phạm Chưa Dùng" in panel["text"]
    assert "❌ Vắng không lý do (2): Lê Văn Hùng, Trần Văn Bình" in panel["text"]
    assert "Chưa trả lời" not in panel["text"]
    assert "✏️ Đã sửa điểm danh 1 lần sau khi kết thúc." in panel["text"]
    assert panel_buttons(meeting.id, "original")[0] in recorder.buttons(panel)
    assert "dự sinh hoạt 1/4, tỷ lệ 25%" in original and "Bản ban đầu" in original
    assert "dự sinh hoạt 2/4, tỷ lệ 50%" in corrected
    assert "Phạm Chưa Dùng: Vắng không lý do → Có mặt — ghi nham" in corrected
    day = as_utc(meeting.starts_at).astimezone(VIETNAM).strftime("%Y-%m-%d")
    assert next(name for _, name, _ in recorder.uploads) == f"diem-danh-{day}-ban-dau.xlsx"


async def test_the_panels_correct_button_waits_for_the_line_of_that_meeting(
    app: Application, recorder: RecordingRequest, session: Session, cell: Cell
) -> None:
    meeting = await _held_meeting(app, session, cell)
    assert meeting.id is not None
    await press(app, SECRETARY, pack(Action.PANEL, meeting.id, "close_ok"))
    recorder.clear()

    await press(app, SECRETARY, pack(Action.PANEL, meeting.id, "correct"))
    asked = last_text(recorder)
    await say(app, SECRETARY, "Người Không Có vắng, nhầm")
    unknown = last_text(recorder)
    await say(app, SECRETARY, "/huy")
    await say(app, SECRETARY, "Lê Văn Hùng vắng có lý do, đã báo ốm từ sáng")

    assert asked.startswith("Sửa điểm danh «Sinh hoạt chi bộ thường kỳ tháng 6/2026»")
    assert unknown.startswith("Không có «Người Không Có» trong danh sách điểm danh")
    # After /huy the line is not a correction (it goes on as a question).
    assert attendance(session, meeting.id)["Lê Văn Hùng"] == (Mark.ABSENT, Method.CLOSING)


async def test_a_change_of_time_is_previewed_and_can_be_dropped(
    app: Application, recorder: RecordingRequest, session: Session, cell: Cell
) -> None:
    meeting = schedule(session, cell, starts_in=timedelta(days=2))
    assert meeting.id is not None
    recorder.clear()

    await press(app, SECRETARY, pack(Action.PANEL, meeting.id, "edit_time"))
    await say(app, SECRETARY, "15h thứ 6 tuần sau")
    preview = recorder.sent()[-1]
    await press(app, SECRETARY, dict(recorder.buttons(preview))[mt.CHANGE_DROP])

    assert "🔔 <b>Thay đổi thời gian cuộc họp</b>" in preview["text"]
    assert "15:00" in preview["text"]
    assert last_text(recorder) == mt.CHANGE_DROPPED
    session.expire_all()
    kept = session.get(Meeting, meeting.id)
    assert kept is not None and as_utc(kept.starts_at) == as_utc(meeting.starts_at)
    assert len(notice_texts(session)) == 1  # the invitation only: nobody was told


async def test_excuses_reach_the_secretary_grouped_in_one_message(
    app: Application, recorder: RecordingRequest, session: Session, cell: Cell
) -> None:
    meeting = schedule(session, cell, starts_in=timedelta(days=2))
    assert meeting.id is not None
    await press(app, LAN, pack(Action.RSVP, meeting.id, "x"))
    await say(app, LAN, "Đi viện")
    await press(app, HUNG, pack(Action.RSVP, meeting.id, "x"))
    await say(app, HUNG, "Đi công tác <Hà Nội>")
    before = recorder.texts(800_001)

    ran = await _run_jobs(app, "hop-xinvang-")
    message = recorder.sent("sendMessage")[-1]
    again = await _run_jobs(app, "hop-xinvang-")
    await press(app, HUNG, pack(Action.RSVP, meeting.id, "x"))
    await say(app, HUNG, "Ốm")  # a changed reason is owed again, alone
    await _run_jobs(app, "hop-xinvang-")

    assert before == [] and (ran, again) == (1, 0)
    when = meetings.texts._when(meeting.starts_at)
    assert message["chat_id"] == 800_001
    assert message["text"] == (
        f"🙏 <b>Xin vắng họp</b> — Sinh hoạt chi bộ thường kỳ tháng 6/2026, {when}\n"
        "• Nguyễn Thị Lan: Đi viện\n"
        "• Lê Văn Hùng: Đi công tác &lt;Hà Nội&gt;"
    )
    assert recorder.buttons(message) == panel_buttons(meeting.id, "board")
    assert recorder.texts(800_001)[-1].endswith("\n• Lê Văn Hùng: Ốm")
    assert len(recorder.texts(800_001)) == 2
