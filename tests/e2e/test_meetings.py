"""A cell meeting end to end through the Bot API emulator over HTTP, as its people live it:
the secretary schedules with /hop, members answer the invitation, the time is moved, members
check in with the code shown at the meeting (or the QR link), the secretary closes it and gets
the report files, attendees rate it, the minutes go into the knowledge base and can be asked."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import Session, select

from bot import meetings
from bot.models import (
    Answer,
    Cell,
    Mark,
    Meeting,
    MeetingAttendance,
    MeetingRsvp,
    MeetingState,
    Role,
)
from bot.when import VIETNAM
from knowledge.models import utcnow
from tests.bot.support import Corpus, Deployment, deployed
from tests.e2e.telegram_emulator import JSON, TelegramEmulator, User
from tests.utils.cell_factories import make_meeting

pytestmark = [pytest.mark.e2e, pytest.mark.model]
CELL = "Chi bộ Xí nghiệp Xe buýt số 1"
MINUTES = """NGHỊ QUYẾT
Hội nghị chi bộ thường kỳ tháng 11 năm 2026

Chi bộ Xí nghiệp Xe buýt số 1 thống nhất các nhiệm vụ trọng tâm tháng 12 năm 2026:
1. Mỗi đảng viên trồng và chăm sóc ba cây xanh tại khuôn viên bến xe trước ngày 20 tháng 12.
2. Hoàn thành kiểm điểm cuối năm của đảng viên trước ngày 25 tháng 12 năm 2026.
"""


async def _next(deployment: Deployment, user: User, after: JSON, pattern: str) -> JSON:
    """The bot's next message to ``user`` after ``after`` whose text or caption matches."""

    def matches(message: JSON) -> bool:
        return re.search(pattern, message.get("text") or message.get("caption") or "") is not None

    return await deployment.telegram.wait_for_message(user.id, matches, after=after, timeout=30)


async def test_a_meeting_from_invitation_to_minutes(deployment: Deployment) -> None:
    telegram = deployment.telegram
    secretary = telegram.create_user("Bình", started=True)
    lan = telegram.create_user("Lan", started=True)
    hai = telegram.create_user("Hải", started=True)
    outsider = telegram.create_user("Khách", started=True)
    deployment.member(secretary, cell=CELL, role=Role.SECRETARY, full_name="Trần Văn Bình")
    deployment.member(lan, cell=CELL, full_name="Nguyễn Thị Lan")
    deployment.member(hai, cell=CELL, full_name="Lê Văn Hải")
    deployment.member(outsider, cell="Chi bộ khác", full_name="Phạm Khách")

    # Scheduling, with one unreadable time on the way.
    kinds = await deployment.say(secretary, "/hop")
    assert "Loại cuộc họp" in kinds["text"]
    await deployment.press(secretary, kinds, "Thường kỳ")
    asked = await _next(deployment, secretary, kinds, "Họp lúc nào")
    wrong = await deployment.say(secretary, "sớm nhất có thể")
    assert "sớm nhất có thể" in wrong["text"]  # named back to the secretary, with examples
    place = await deployment.say(secretary, "14h thứ 6 tuần sau")
    assert place["message_id"] > asked["message_id"] and "Địa điểm" in place["text"]
    await deployment.say(secretary, "Hội trường tầng 2")
    await deployment.say(secretary, "Quán triệt Chỉ thị 05, kiểm điểm tháng")
    preview = await deployment.say(secretary, "chi thi 05")
    assert "Giấy mời họp chi bộ" in preview["text"]
    assert "05-CT/TW" in preview["text"] and "Hội trường tầng 2" in preview["text"]
    await deployment.press(secretary, preview, "✅ Gửi giấy mời")
    panel = await _next(deployment, secretary, preview, "Chưa trả lời")
    with Session(deployment.services.engine) as session:
        meeting = session.exec(select(Meeting)).one()
        meeting_id = meeting.id
    assert meeting_id is not None

    # Members get the invitation (through the outbox) and answer it.
    invitation = await _next(deployment, lan, {"message_id": 0}, "Giấy mời họp chi bộ")
    answer = await deployment.press(lan, invitation, "✅ Sẽ dự")
    assert "sẽ dự" in answer["text"]
    invitation_hai = await _next(deployment, hai, {"message_id": 0}, "Giấy mời họp chi bộ")
    await deployment.press(hai, invitation_hai, "🙏 Xin vắng")
    reason = await _next(deployment, hai, invitation_hai, "lý do")
    done = await deployment.say(hai, "Đi công tác Đà Nẵng")
    assert "xin vắng" in done["text"] and reason["message_id"] < done["message_id"]
    with Session(deployment.services.engine) as session:
        answers = {
            r.answer: r.reason
            for r in session.exec(select(MeetingRsvp).where(MeetingRsvp.meeting_id == meeting_id))
        }
    assert answers == {Answer.ATTEND: None, Answer.EXCUSED: "Đi công tác Đà Nẵng"}

    # The meeting is moved to ten minutes from now: members are told, check-in opens.
    soon = (utcnow() + timedelta(minutes=10)).astimezone(VIETNAM)
    await deployment.press(secretary, panel, "🕑 Đổi giờ")
    await _next(deployment, secretary, panel, "Giờ họp mới")
    change = await deployment.say(secretary, f"{soon:%H:%M %d/%m/%Y}")
    assert "Xem trước" in change["text"] and f"{soon:%H:%M}" in change["text"]
    await deployment.press(secretary, change, "📤 Gửi")
    edited = await _next(deployment, secretary, change, "Đã cập nhật")
    moved = await _next(deployment, lan, invitation, "Thay đổi thời gian")
    assert f"{soon:%H:%M}" in moved["text"]

    # Check-in: the code the secretary's screen shows, typed by a member; a member of another
    # cell with the same code is not counted; the QR link works once per member.
    shown = await deployment.press(secretary, panel, "🔢 Mã điểm danh")
    assert shown is not None
    code_message = await _next(deployment, secretary, edited, r"Mã số: \d{6}")
    code = re.search(r"Mã số: (\d{6})", code_message["text"])
    assert code is not None
    checked = await deployment.say(lan, f"/comat {code.group(1)}")
    assert "Đã điểm danh" in checked["text"]
    again = await deployment.say(lan, code.group(1))
    assert "rồi" in again["text"]
    refused = await deployment.say(outsider, f"/comat {code.group(1)}")
    assert "Đã điểm danh" not in refused["text"]
    with Session(deployment.services.engine) as session:
        meeting = session.get(Meeting, meeting_id)
        assert meeting is not None
        payload = meetings.qr_payload(meeting, utcnow(), deployment.services.settings.meetings)
    sent = telegram.user_starts(hai, payload)
    by_qr = await telegram.wait_for_message(hai.id, after=sent, timeout=20)
    assert "Đã điểm danh" in by_qr["text"]

    # Closing before the start is refused; once started, it gives the report.
    await deployment.press(secretary, panel, "🏁 Kết thúc và báo cáo")
    confirm = await _next(deployment, secretary, code_message, "Kết thúc cuộc họp")
    await deployment.press(secretary, confirm, "🏁 Kết thúc")
    early = await _next(deployment, secretary, confirm, "chưa bắt đầu")
    with Session(deployment.services.engine) as session:  # the meeting time comes
        meeting = session.get(Meeting, meeting_id)
        assert meeting is not None
        meeting.starts_at = utcnow() - timedelta(minutes=1)
        session.add(meeting)
        session.commit()
    await deployment.press(secretary, confirm, "🏁 Kết thúc")
    report = await _next(deployment, secretary, early, "Chi bộ có 3 đảng viên")
    assert "dự sinh hoạt 2/3, tỷ lệ 66,67%" in report["text"]
    assert "vắng không lý do 1" in report["text"]  # the secretary never checked in
    xlsx = await _next(deployment, secretary, report, "Báo cáo điểm danh")
    workbook = load_workbook(io.BytesIO(telegram.file_bytes(xlsx["document"]["file_id"])))
    names = {str(c.value) for row in workbook.worksheets[0].iter_rows() for c in row if c.value}
    assert {"Nguyễn Thị Lan", "Lê Văn Hải", "Trần Văn Bình"} <= names
    await telegram.wait_for(
        lambda: (
            any("photo" in m for m in telegram.sent_messages(secretary.id))
            and any(
                m.get("document", {}).get("file_name", "").endswith(".csv")
                for m in telegram.sent_messages(secretary.id)
            )
        ),
        timeout=20,
    )
    with Session(deployment.services.engine) as session:
        marks = {
            a.member_name: a.mark
            for a in session.exec(
                select(MeetingAttendance).where(MeetingAttendance.meeting_id == meeting_id)
            )
        }
        state = session.get(Meeting, meeting_id).state  # type: ignore[union-attr]
    assert state == MeetingState.CLOSED
    assert marks == {
        "Nguyễn Thị Lan": Mark.PRESENT,
        "Lê Văn Hải": Mark.PRESENT,
        "Trần Văn Bình": Mark.ABSENT,
    }

    # Attendees rate it once.
    ballot = await _next(deployment, lan, moved, "Đánh giá chất lượng sinh hoạt")
    thanks = await deployment.press(lan, ballot, "Tốt")
    assert "Cảm ơn" in thanks["text"]
    twice = await deployment.press(lan, ballot, "Kém")
    assert "đã đánh giá" in twice["text"]

    # The minutes go into the knowledge base; members can ask about them.
    closed_panel = next(  # the panel was edited to the closed meeting's buttons
        m for m in telegram.sent_messages(secretary.id) if m["message_id"] == panel["message_id"]
    )
    await deployment.press(secretary, closed_panel, "📎 Gửi biên bản")
    prompt = await _next(deployment, secretary, report, "gửi tệp biên bản")
    telegram.user_sends_document(
        secretary, "nghi-quyet-chi-bo-thang-11-2026.txt", MINUTES.encode(), "text/plain"
    )
    await _next(deployment, secretary, prompt, "gắn với cuộc họp")
    answer_msg = await deployment.say(
        lan, "Nghị quyết chi bộ tháng 11/2026 giao nhiệm vụ trồng cây xanh thế nào?", timeout=30
    )
    assert "ba cây xanh" in answer_msg["text"]
    with Session(deployment.services.engine) as session:
        meeting = session.get(Meeting, meeting_id)
        assert meeting is not None and meeting.minutes_source is not None

    # A member sees his own record.
    record = await deployment.say(lan, "/diemdanh")
    assert "Sinh hoạt chi bộ thường kỳ" in record["text"] and "Có mặt" in record["text"]


async def test_check_in_codes_guessed_at_once_over_http_are_all_counted(
    deployment: Deployment,
) -> None:
    """Six wrong codes from one member at once, then one each from twelve others: every guess
    is counted before it is compared, so the member is locked out after five and the meeting
    stops taking codes after its ceiling, even the right code, while a bare read-then-write
    counter would have let them all be compared."""
    from bot.meetings import texts as meeting_texts
    from bot.models import Cell, MeetingAttendance
    from tests.utils.cell_factories import make_meeting

    telegram = deployment.telegram
    settings = deployment.services.settings.meetings
    guesser = telegram.create_user("Đoán", started=True)
    crowd = [telegram.create_user(f"Người {n}", started=True) for n in range(12)]
    latecomer = telegram.create_user("Muộn", started=True)
    people = [guesser, *crowd, latecomer]
    for n, person in enumerate(people):
        deployment.member(person, cell=CELL, full_name=f"Đảng Viên Số {n}")
    with Session(deployment.services.engine, expire_on_commit=False) as session:
        cell = session.exec(select(Cell).where(Cell.name == CELL)).one()
        meeting = make_meeting(
            session, cell, starts_at=utcnow() + timedelta(minutes=5), settings=settings
        )
    now, period = utcnow(), timedelta(seconds=settings.code_seconds)
    near_codes = {meetings.code_at(meeting, now + k * period, settings) for k in range(-2, 3)}
    wrong = next(f"{n:06d}" for n in range(10**6) if f"{n:06d}" not in near_codes)

    def replies(user: User) -> list[str]:
        """What the bot answered them (the invitation, sent by the outbox, left aside)."""
        return [m["text"] for m in telegram.sent_messages(user.id) if "Giấy mời" not in m["text"]]

    def told(user: User, sentence: str) -> int:
        prefix = sentence.split("{")[0]
        return sum(text.startswith(prefix) for text in replies(user))

    for _ in range(6):
        telegram.user_sends_text(guesser, f"/comat {wrong}")
    await telegram.wait_for(lambda: len(replies(guesser)) == 6, timeout=30)
    assert told(guesser, meeting_texts.CHECKIN_WRONG_CODE) == meetings.MAX_WRONG_CODES
    assert told(guesser, meeting_texts.CHECKIN_LOCKED) == 1

    for person in crowd:
        telegram.user_sends_text(person, f"/comat {wrong}")
    await telegram.wait_for(lambda: all(replies(p) for p in crowd), timeout=30)
    compared = meetings.MAX_WRONG_CODES + sum(
        told(p, meeting_texts.CHECKIN_WRONG_CODE) for p in crowd
    )
    assert compared == settings.wrong_codes_per_minute
    paused = sum(told(p, meeting_texts.CHECKIN_CODES_PAUSED) for p in crowd)
    assert paused == len(crowd) - (settings.wrong_codes_per_minute - meetings.MAX_WRONG_CODES)

    right = meetings.code_at(meeting, utcnow(), settings)
    sent = telegram.user_sends_text(latecomer, f"/comat {right}")
    reply = await telegram.wait_for_message(
        latecomer.id, lambda m: "Giấy mời" not in m["text"], after=sent
    )
    assert reply["text"].startswith(meeting_texts.CHECKIN_CODES_PAUSED.split("{")[0])
    assert "QR" in reply["text"]  # the way that still works is named
    with Session(deployment.services.engine) as session:
        present = session.exec(
            select(MeetingAttendance).where(MeetingAttendance.meeting_id == meeting.id)
        ).all()
    assert [row for row in present if row.checked_in_at is not None] == []


async def test_excuses_a_previewed_change_and_a_correction_after_closing(
    emulator: TelegramEmulator, corpus: Corpus, tmp_path: Path
) -> None:
    """The secretary's side of a month: «Xin vắng» arrive as one message, a change of place is
    previewed and dropped, and after closing a wrong mark is corrected with the original kept."""
    async with deployed(emulator, corpus, tmp_path, meetings={"excuse_digest_seconds": 2}) as d:
        telegram = d.telegram
        secretary = telegram.create_user("Bình", started=True)
        lan = telegram.create_user("Lan", started=True)
        hai = telegram.create_user("Hải", started=True)
        d.member(secretary, cell=CELL, role=Role.SECRETARY, full_name="Trần Văn Bình")
        d.member(lan, cell=CELL, full_name="Nguyễn Thị Lan")
        d.member(hai, cell=CELL, full_name="Lê Văn Hải")
        with Session(d.services.engine) as session:
            cell = session.exec(select(Cell).where(Cell.name == CELL)).one()
            meeting = make_meeting(
                session,
                cell,
                starts_at=utcnow() + timedelta(days=2),
                settings=d.services.settings.meetings,
                created_by=secretary.id,
            )
            meeting_id = meeting.id
        for person, reason in ((lan, "Đi viện kiểm tra sức khỏe"), (hai, "Đi công tác Đà Nẵng")):
            invitation = await _next(d, person, {"message_id": 0}, "Giấy mời họp chi bộ")
            await d.press(person, invitation, "🙏 Xin vắng")
            await _next(d, person, invitation, "lý do")
            await d.say(person, reason)
        excuses = await _next(d, secretary, {"message_id": 0}, "Xin vắng họp")
        assert "• Nguyễn Thị Lan: Đi viện kiểm tra sức khỏe" in excuses["text"]
        assert "• Lê Văn Hải: Đi công tác Đà Nẵng" in excuses["text"]

        listing = await d.say(secretary, "/cuochop")
        [label] = [k for k in d.buttons(listing) if "Sinh hoạt" in k]
        await d.press(secretary, listing, label)
        panel = await _next(d, secretary, listing, "Chưa trả lời")
        await d.press(secretary, panel, "📍 Đổi địa điểm")
        await _next(d, secretary, panel, "Địa điểm mới")
        preview = await d.say(secretary, "Phòng họp B, tầng 3")
        assert "Xem trước" in preview["text"] and "Phòng họp B, tầng 3" in preview["text"]
        await d.press(secretary, preview, "Hủy")
        dropped = await _next(d, secretary, preview, "Đã bỏ thay đổi")
        assert dropped["message_id"] > preview["message_id"]

        with Session(d.services.engine) as session:  # the meeting time comes
            held = session.get(Meeting, meeting_id)
            assert held is not None
            held.starts_at = utcnow() - timedelta(minutes=30)
            session.add(held)
            session.commit()
        code_screen = await d.say(secretary, "/ghicomat Lê Văn Hải đi muộn")
        assert "Đi muộn" in code_screen["text"]
        await d.press(secretary, panel, "🏁 Kết thúc và báo cáo")
        confirm = await _next(d, secretary, code_screen, "Kết thúc cuộc họp")
        assert "/suadiemdanh" in confirm["text"]
        await d.press(secretary, confirm, "🏁 Kết thúc")
        report = await _next(d, secretary, confirm, "Chi bộ có 3 đảng viên")
        assert "dự sinh hoạt 1/3" in report["text"]

        asked = telegram.user_sends_text(
            secretary, "/suadiemdanh Trần Văn Bình có mặt, chủ trì cuộc họp nhưng quên điểm danh"
        )
        fixed = await _next(d, secretary, asked, "Đã sửa điểm danh")
        assert "Trần Văn Bình: Vắng không lý do → Có mặt" in fixed["text"]
        assert "Tỷ lệ dự nay: 2/3" in fixed["text"]

        def panel_now() -> JSON:
            return next(
                m
                for m in telegram.sent_messages(secretary.id)
                if m["message_id"] == panel["message_id"]
            )

        # The panel is edited to the record as corrected.
        await telegram.wait_for(lambda: "✅ Có mặt (1): Trần Văn Bình" in panel_now()["text"])
        closed_panel = panel_now()
        assert "⏰ Đi muộn (1): Lê Văn Hải" in closed_panel["text"]
        assert "Chưa trả lời" not in closed_panel["text"]
        await d.press(secretary, closed_panel, "📄 Báo cáo ban đầu")
        original = await _next(d, secretary, fixed, "Bản ban đầu")
        assert "dự sinh hoạt 1/3" in original["text"]
        print(d.transcript(secretary, lan, hai))
