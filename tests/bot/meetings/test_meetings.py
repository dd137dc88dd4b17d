"""Cell meetings without Telegram: scheduling, answers, reminders, check-in by code and QR,
recording by hand, closing and the report, votes, statistics — on SQLite and PostgreSQL."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TypeVar

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot import meetings
from bot.meetings import (
    CheckIn,
    MeetingError,
    Outcome,
    Reading,
    VoteOutcome,
)
from bot.meetings import texts as mt
from bot.meetings.reports import MemberStat, MonthStat
from bot.models import (
    Answer,
    Cell,
    DeliveryState,
    Mark,
    Meeting,
    MeetingAttendance,
    MeetingReminder,
    MeetingRsvp,
    MeetingState,
    MeetingTally,
    MeetingVoter,
    MemberStatus,
    Method,
    Notice,
    NoticeDelivery,
    Rating,
    Role,
    as_utc,
)
from bot.settings import MeetingSettings
from bot.when import VIETNAM
from knowledge.db import make_engine
from tests.utils.cell_factories import make_cell, make_meeting, make_member

T = TypeVar("T")

SETTINGS = MeetingSettings.model_validate({})
EXCUSED_NOT_COUNTED = MeetingSettings.model_validate({"excused_in_denominator": False})
NOW = datetime(2026, 5, 4, 3, 0, tzinfo=UTC)  # 10:00 on Monday 4 May in Vietnam
START = datetime(2026, 5, 7, 7, 0, tzinfo=UTC)  # 14:00 on Thursday 7 May in Vietnam

# Telegram ids of the members of the main cell; Hoàng Văn Em has no Telegram account.
BINH, LAN, CUONG, DUNG = 100, 101, 102, 103
OUTSIDER = 201  # a member of another cell
STRANGER = 999  # no member at all
PEOPLE: tuple[tuple[str, Role, int | None], ...] = (
    ("Trần Văn Bình", Role.SECRETARY, BINH),
    ("Nguyễn Thị Lan", Role.MEMBER, LAN),
    ("Lê Văn Cường", Role.MEMBER, CUONG),
    ("Phạm Thị Dung", Role.MEMBER, DUNG),
    ("Hoàng Văn Em", Role.MEMBER, None),
)
REASON = "Đi công tác Đà Nẵng"


# ----------------------------------------------------------------------------- helpers


def _cell(session: Session) -> Cell:
    """The main cell: five active members (one without Telegram) and one who left."""
    cell = make_cell(session, name="Chi bộ Xí nghiệp Xe buýt số 1")
    for name, role, telegram_id in PEOPLE:
        make_member(session, cell, full_name=name, role=role, telegram_user_id=telegram_id)
    make_member(
        session, cell, full_name="Đỗ Văn Giang", telegram_user_id=109, status=MemberStatus.LEFT
    )
    return cell


def _other_cell(session: Session) -> Cell:
    """Another cell with one member (OUTSIDER)."""
    cell = make_cell(session, name="Chi bộ Xí nghiệp Xe buýt số 2", created_by=200)
    make_member(session, cell, full_name="Vũ Thị Hoa", telegram_user_id=OUTSIDER)
    return cell


def _schedule(
    session: Session,
    cell: Cell,
    *,
    starts_at: datetime = START,
    now: datetime = NOW,
    place: str = "Hội trường tầng 2",
    settings: MeetingSettings = SETTINGS,
) -> Meeting:
    return make_meeting(
        session,
        cell,
        starts_at=starts_at,
        now=now,
        settings=settings,
        place=place,
        agenda="Kiểm điểm công tác tháng 5",
        readings=[Reading("05-CT/TW", "Chỉ thị 05-CT/TW")],
        created_by=BINH,
    )


def _answer(
    session: Session, meeting: Meeting, user: int, choice: Answer, reason: str | None = None
) -> None:
    meetings.answer(
        session,
        meeting_id=meeting.id or 0,
        telegram_user_id=user,
        choice=choice,
        reason=reason,
        now=NOW,
    )
    session.commit()


def _by_code(
    session: Session, user: int, code: str, now: datetime, settings: MeetingSettings = SETTINGS
) -> CheckIn:
    result = meetings.check_in_by_code(
        session, telegram_user_id=user, code=code, now=now, settings=settings
    )
    session.commit()
    return result


def _by_qr(session: Session, user: int, payload: str, now: datetime) -> CheckIn:
    result = meetings.check_in_by_qr(
        session, telegram_user_id=user, payload=payload, now=now, settings=SETTINGS
    )
    session.commit()
    return result


def _by_hand(session: Session, meeting: Meeting, name: str, *, late: bool = False) -> CheckIn:
    _, result = meetings.record_by_hand(
        session,
        meeting_id=meeting.id or 0,
        name=name,
        late=late,
        by=BINH,
        by_name="Trần Văn Bình",
        now=START + timedelta(minutes=5),
        settings=SETTINGS,
    )
    session.commit()
    return result


def _close(
    session: Session,
    meeting: Meeting,
    *,
    now: datetime | None = None,
    settings: MeetingSettings = SETTINGS,
) -> Meeting:
    closed = meetings.close(
        session,
        meeting_id=meeting.id or 0,
        by=BINH,
        by_name="Trần Văn Bình",
        now=now or as_utc(meeting.starts_at) + timedelta(hours=2),
        settings=settings,
    )
    session.commit()
    return closed


def _cancel(session: Session, meeting: Meeting) -> None:
    meetings.cancel(
        session,
        meeting_id=meeting.id or 0,
        reason="Trùng lịch họp đảng ủy",
        by=BINH,
        by_name="Trần Văn Bình",
        now=NOW,
    )
    session.commit()


def _held(session: Session, settings: MeetingSettings = SETTINGS) -> Meeting:
    """A closed meeting: Lan by code, Cường by QR, Em by hand, Dung excused, Bình absent."""
    meeting = _schedule(session, _cell(session))
    _answer(session, meeting, DUNG, Answer.EXCUSED, REASON)
    early = START - timedelta(minutes=5)
    assert _by_code(session, LAN, meetings.code_at(meeting, early, SETTINGS), early).counted
    payload = meetings.qr_payload(meeting, early, SETTINGS)
    assert _by_qr(session, CUONG, payload, early + timedelta(minutes=1)).counted
    assert _by_hand(session, meeting, "Hoàng Văn Em").counted
    return _close(session, meeting, settings=settings)


def _rows(engine: Engine, meeting: Meeting | int) -> dict[str, MeetingAttendance]:
    """The meeting's attendance rows by member name, read in a fresh session."""
    meeting_id = meeting if isinstance(meeting, int) else meeting.id
    with Session(engine) as session:
        rows = session.exec(
            select(MeetingAttendance).where(col(MeetingAttendance.meeting_id) == meeting_id)
        ).all()
        for row in rows:
            session.expunge(row)
    return {row.member_name: row for row in rows}


def _notices(session: Session) -> list[Notice]:
    return list(session.exec(select(Notice).order_by(col(Notice.id))).all())


def _deliveries(session: Session, notice_id: int | None) -> dict[str, DeliveryState]:
    rows = session.exec(
        select(NoticeDelivery).where(col(NoticeDelivery.notice_id) == notice_id)
    ).all()
    return {d.member_name: DeliveryState(d.state) for d in rows}


def _reminders(session: Session, meeting: Meeting) -> list[MeetingReminder]:
    query = select(MeetingReminder).where(col(MeetingReminder.meeting_id) == meeting.id)
    return list(session.exec(query.order_by(col(MeetingReminder.due_at))).all())


def _fire(session: Session, reminder_id: int, now: datetime) -> int | None:
    notice_id = meetings.fire_reminder(session, reminder_id=reminder_id, now=now)
    session.commit()
    return notice_id


# ----------------------------------------------------------------------------- scheduling


def test_scheduling_queues_the_invitation_and_two_reminders(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as session:
        meeting = _schedule(session, _cell(session))

    with Session(engine) as session:
        stored = session.get(Meeting, meeting.id)
        assert stored is not None
        assert stored.title == "Sinh hoạt chi bộ thường kỳ tháng 5/2026"
        assert stored.place == "Hội trường tầng 2"
        assert as_utc(stored.starts_at) == START
        reminders = _reminders(session, meeting)
        assert [(r.minutes_before, as_utc(r.due_at)) for r in reminders] == [
            (1440, START - timedelta(days=1)),
            (60, START - timedelta(hours=1)),
        ]
        [invitation] = _notices(session)
        assert invitation.buttons == f"rsvp:{meeting.id}"
        assert "Giấy mời họp chi bộ" in invitation.text_html
        assert "Hội trường tầng 2" in invitation.text_html
        assert "Chỉ thị 05-CT/TW" in invitation.text_html
        # Everyone active: the linked ones wait to be sent, the one without Telegram is named
        # as unreachable; the member who left gets nothing.
        assert _deliveries(session, invitation.id) == {
            "Trần Văn Bình": DeliveryState.PENDING,
            "Nguyễn Thị Lan": DeliveryState.PENDING,
            "Lê Văn Cường": DeliveryState.PENDING,
            "Phạm Thị Dung": DeliveryState.PENDING,
            "Hoàng Văn Em": DeliveryState.UNREACHABLE,
        }


def test_a_reminder_already_past_when_scheduling_is_not_sent(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as session:
        meeting = _schedule(session, _cell(session), starts_at=NOW + timedelta(hours=3))
        pending = meetings.pending_reminders(session, meeting_id=meeting.id)
    assert [p.due_at for p in pending] == [NOW + timedelta(hours=2)]


@pytest.mark.parametrize(
    ("starts_at", "place", "message"),
    [
        (NOW - timedelta(hours=1), "Hội trường", mt.START_PAST),
        (NOW, "Hội trường", mt.START_PAST),
        (NOW + timedelta(days=400), "Hội trường", "Chỉ lên lịch họp trong vòng 366 ngày tới."),
        (START, "   ", mt.PLACE_EMPTY),
    ],
)
def test_a_meeting_in_the_past_or_without_a_place_is_refused(
    engine: Engine, starts_at: datetime, place: str, message: str
) -> None:
    with Session(engine, expire_on_commit=False) as session:
        cell = _cell(session)
        with pytest.raises(MeetingError) as refused:
            _schedule(session, cell, starts_at=starts_at, place=place)
        session.rollback()
        assert str(refused.value) == message
        assert session.exec(select(Meeting)).all() == []
        assert _notices(session) == []


def test_the_start_in_the_past_message_is_vietnamese() -> None:
    assert mt.START_PAST == "Thời gian họp đã qua; xin chọn một thời điểm sắp tới."


# ----------------------------------------------------------------------------- answers


def test_the_latest_answer_counts_with_its_reason(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as session:
        meeting = _schedule(session, _cell(session))
        _answer(session, meeting, LAN, Answer.ATTEND)
        _answer(session, meeting, LAN, Answer.EXCUSED, f"  {REASON}  ")
        _answer(session, meeting, CUONG, Answer.ATTEND)

    with Session(engine) as session:
        rows = session.exec(select(MeetingRsvp)).all()
        assert len(rows) == 2
        board = meetings.board(session, meeting_id=meeting.id or 0)
    assert board.total == 5
    assert board.attending == ["Lê Văn Cường"]
    assert board.excused == [("Nguyễn Thị Lan", REASON)]
    assert sorted(board.silent) == ["Hoàng Văn Em", "Phạm Thị Dung", "Trần Văn Bình"]


def test_excused_again_as_attending_drops_the_reason(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as session:
        meeting = _schedule(session, _cell(session))
        _answer(session, meeting, LAN, Answer.EXCUSED, REASON)
        _answer(session, meeting, LAN, Answer.ATTEND)
        [row] = session.exec(select(MeetingRsvp)).all()
    assert (row.answer, row.reason) == (Answer.ATTEND, None)


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_asking_to_be_excused_needs_a_reason(engine: Engine, reason: str | None) -> None:
    with Session(engine, expire_on_commit=False) as session:
        meeting = _schedule(session, _cell(session))
        with pytest.raises(MeetingError, match=re.escape(mt.REASON_EMPTY)):
            _answer(session, meeting, LAN, Answer.EXCUSED, reason)
        session.rollback()
        assert session.exec(select(MeetingRsvp)).all() == []


@pytest.mark.parametrize("user", [OUTSIDER, STRANGER, 109])
def test_only_active_members_of_the_cell_may_answer(engine: Engine, user: int) -> None:
    with Session(engine, expire_on_commit=False) as session:
        meeting = _schedule(session, _cell(session))
        _other_cell(session)
        with pytest.raises(MeetingError, match=re.escape(mt.NOT_YOUR_MEETING)):
            _answer(session, meeting, user, Answer.ATTEND)
        session.rollback()
        assert session.exec(select(MeetingRsvp)).all() == []


def test_a_cancelled_meeting_takes_no_answers(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as session:
        meeting = _schedule(session, _cell(session))
        _cancel(session, meeting)
        with pytest.raises(MeetingError, match=re.escape(mt.MEETING_CANCELLED)):
            _answer(session, meeting, LAN, Answer.ATTEND)


def test_after_the_start_answers_are_closed(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as session:
        meeting = _schedule(session, _cell(session))
        with pytest.raises(MeetingError, match=re.escape(mt.RSVP_TOO_LATE)):
            meetings.answer(
                session,
                meeting_id=meeting.id or 0,
                telegram_user_id=LAN,
                choice=Answer.EXCUSED,
                reason="Ốm",
                now=START + timedelta(hours=3),  # an excuse would turn an absence into leave
            )


def test_a_place_or_agenda_too_long_for_a_message_is_refused(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as session:
        cell = _cell(session)
        with pytest.raises(MeetingError, match="Địa điểm dài quá"):
            _schedule(session, cell, place="Hội trường " * 30)
        meeting = _schedule(session, cell)
        with pytest.raises(MeetingError, match="Nội dung dài quá"):
            meetings.edit(
                session,
                meeting_id=meeting.id or 0,
                change=meetings.Change.AGENDA,
                value="Kiểm điểm " * 300,
                by=BINH,
                by_name="Bình",
                now=NOW,
                settings=SETTINGS,
            )


# ----------------------------------------------------------------------------- reminders


def test_a_reminder_fires_once_when_due_to_all_but_the_excused(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as session:
        meeting = _schedule(session, _cell(session))
        _answer(session, meeting, DUNG, Answer.EXCUSED, REASON)
        pending = meetings.pending_reminders(session)
        assert [(p.meeting_id, p.due_at) for p in pending] == [
            (meeting.id, START - timedelta(days=1)),
            (meeting.id, START - timedelta(hours=1)),
        ]
        day_before = pending[0]
        assert _fire(session, day_before.id, day_before.due_at - timedelta(seconds=1)) is None
        notice_id = _fire(session, day_before.id, day_before.due_at)
        assert notice_id is not None
        assert _fire(session, day_before.id, day_before.due_at + timedelta(minutes=1)) is None
        remaining = meetings.pending_reminders(session, meeting_id=meeting.id)

    assert [p.id for p in remaining] == [pending[1].id]
    with Session(engine) as session:
        reminder = session.get(Notice, notice_id)
        assert reminder is not None
        assert "Nhắc họp" in reminder.text_html
        assert "còn khoảng 24 giờ" in reminder.text_html
        assert reminder.buttons == f"rsvp:{meeting.id}"
        assert reminder.sender_name == "Trần Văn Bình"
        assert _deliveries(session, notice_id) == {
            "Trần Văn Bình": DeliveryState.PENDING,
            "Nguyễn Thị Lan": DeliveryState.PENDING,
            "Lê Văn Cường": DeliveryState.PENDING,
            "Hoàng Văn Em": DeliveryState.UNREACHABLE,
        }
        assert len(_notices(session)) == 2  # the invitation and this one reminder
        stored = session.get(MeetingReminder, day_before.id)
        assert stored is not None and stored.notice_id == notice_id


def test_a_reminder_fired_by_another_process_is_not_fired_again(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as session:
        meeting = _schedule(session, _cell(session))
        hour_before = _reminders(session, meeting)[1]
    due = as_utc(hour_before.due_at)
    with Session(engine) as first, Session(engine) as second:
        # The second process loaded the reminder before the first one fired it.
        assert second.get(MeetingReminder, hour_before.id) is not None
        assert _fire(first, hour_before.id or 0, due) is not None
        assert _fire(second, hour_before.id or 0, due + timedelta(seconds=5)) is None
    with Session(engine) as session:
        assert len(_notices(session)) == 2


def test_a_reminder_of_a_meeting_already_started_is_skipped(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as session:
        meeting = _schedule(session, _cell(session))
        day_before, hour_before = _reminders(session, meeting)
        # The bot was down from before the reminders until after the start.
        late = START + timedelta(minutes=1)
        assert _fire(session, day_before.id or 0, late) is None
        assert _fire(session, hour_before.id or 0, late) is None
        assert meetings.pending_reminders(session) == []
        assert len(_notices(session)) == 1  # the invitation only


def test_reminders_follow_a_new_time_and_fire_again(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as session:
        meeting = _schedule(session, _cell(session))
        day_before = _reminders(session, meeting)[0]
        first = _fire(session, day_before.id or 0, START - timedelta(days=1))
        assert first is not None

        later = START + timedelta(days=2)
        meetings.edit(
            session,
            meeting_id=meeting.id or 0,
            change=meetings.Change.TIME,
            value=later,
            by=BINH,
            by_name="Trần Văn Bình",
            now=START - timedelta(hours=20),
            settings=SETTINGS,
        )
        session.commit()
        pending = meetings.pending_reminders(session, meeting_id=meeting.id)
        assert [p.due_at for p in pending] == [
            later - timedelta(days=1),
            later - timedelta(hours=1),
        ]
        again = _fire(session, pending[0].id, later - timedelta(days=1))
        assert again is not None and again != first
        # The old time's reminder does not fire at the old hour any more.
        assert _fire(session, pending[1].id, START - timedelta(hours=1)) is None
        bodies = [n.text_html for n in _notices(session)]

    assert len(bodies) == 4  # invitation, reminder, change of time, reminder for the new time
    assert "Thay đổi thời gian cuộc họp" in bodies[2]
    assert "Nhắc họp" in bodies[3]


def test_a_change_of_time_to_the_past_is_refused(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as session:
        meeting = _schedule(session, _cell(session))
        with pytest.raises(MeetingError, match=re.escape(mt.START_PAST)):
            meetings.edit(
                session,
                meeting_id=meeting.id or 0,
                change=meetings.Change.TIME,
                value=NOW - timedelta(hours=1),
                by=BINH,
                by_name="Trần Văn Bình",
                now=NOW,
                settings=SETTINGS,
            )


def test_a_cancelled_meeting_has_no_reminders_and_members_are_told(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as session:
        meeting = _schedule(session, _cell(session))
        day_before = _reminders(session, meeting)[0]
        _cancel(session, meeting)
        assert meetings.pending_reminders(session) == []
        assert _fire(session, day_before.id or 0, START - timedelta(days=1)) is None
        notices = _notices(session)
    assert len(notices) == 2
    assert "Hủy cuộc họp" in notices[1].text_html
    assert "Trùng lịch họp đảng ủy" in notices[1].text_html
    assert notices[1].buttons is None


# ----------------------------------------------------------------------------- check-in by code


def test_the_current_and_the_previous_code_work_an_older_one_does_not(engine: Engine) -> None:
    now = START - timedelta(minutes=10)
    period = timedelta(seconds=SETTINGS.code_seconds)
    with Session(engine, expire_on_commit=False) as session:
        meeting = _schedule(session, _cell(session))
        current = meetings.code_at(meeting, now, SETTINGS)
        previous = meetings.code_at(meeting, now - period, SETTINGS)
        older = meetings.code_at(meeting, now - 2 * period, SETTINGS)
        assert len(current) == SETTINGS.code_digits and current.isdigit()
        assert older not in (current, previous)

        assert _by_code(session, LAN, current, now).outcome == Outcome.PRESENT
        assert _by_code(session, CUONG, previous, now).outcome == Outcome.PRESENT
        wrong = _by_code(session, DUNG, older, now)
        assert wrong.outcome == Outcome.WRONG_CODE
        assert wrong.meeting is not None and wrong.meeting.id == meeting.id

    rows = _rows(engine, meeting)
    assert set(rows) == {"Nguyễn Thị Lan", "Lê Văn Cường"}
    assert {(r.mark, r.method) for r in rows.values()} == {(Mark.PRESENT, Method.CODE)}
    assert as_utc(rows["Nguyễn Thị Lan"].checked_in_at or NOW) == now


def test_check_in_opens_before_the_start_and_closes_hours_after(engine: Engine) -> None:
    opens = START - timedelta(minutes=SETTINGS.check_in_opens_minutes)
    closes = START + timedelta(minutes=SETTINGS.check_in_closes_minutes)
    with Session(engine, expire_on_commit=False) as session:
        meeting = _schedule(session, _cell(session))

        def code(now: datetime) -> str:
            return meetings.code_at(meeting, now, SETTINGS)

        too_early = opens - timedelta(seconds=1)
        assert _by_code(session, LAN, code(too_early), too_early).outcome == Outcome.TOO_EARLY
        too_late = closes + timedelta(seconds=1)
        assert _by_code(session, LAN, code(too_late), too_late).outcome == Outcome.TOO_LATE
        assert _rows(engine, meeting) == {}

        assert _by_code(session, LAN, code(opens), opens).outcome == Outcome.PRESENT
        on_time = START + timedelta(minutes=SETTINGS.late_after_minutes)
        assert _by_code(session, CUONG, code(on_time), on_time).outcome == Outcome.PRESENT
        late = on_time + timedelta(seconds=1)
        assert _by_code(session, DUNG, code(late), late).outcome == Outcome.LATE
        assert _by_code(session, BINH, code(closes), closes).outcome == Outcome.LATE

    marks = {name: row.mark for name, row in _rows(engine, meeting).items()}
    assert marks == {
        "Nguyễn Thị Lan": Mark.PRESENT,
        "Lê Văn Cường": Mark.PRESENT,
        "Phạm Thị Dung": Mark.LATE,
        "Trần Văn Bình": Mark.LATE,
    }


def test_a_second_check_in_keeps_the_first(engine: Engine) -> None:
    first_at = START - timedelta(minutes=3)
    again_at = START + timedelta(minutes=20)
    with Session(engine, expire_on_commit=False) as session:
        meeting = _schedule(session, _cell(session))
        first = _by_code(session, LAN, meetings.code_at(meeting, first_at, SETTINGS), first_at)
        again = _by_code(session, LAN, meetings.code_at(meeting, again_at, SETTINGS), again_at)
    assert first.outcome == Outcome.PRESENT
    assert again.outcome == Outcome.ALREADY and again.counted
    assert again.at is not None and as_utc(again.at) == first_at
    rows = _rows(engine, meeting)
    assert list(rows) == ["Nguyễn Thị Lan"]
    assert rows["Nguyễn Thị Lan"].mark == Mark.PRESENT


def test_someone_not_in_a_cell_cannot_check_in(engine: Engine) -> None:
    now = START
    with Session(engine, expire_on_commit=False) as session:
        meeting = _schedule(session, _cell(session))
        code = meetings.code_at(meeting, now, SETTINGS)
        assert _by_code(session, STRANGER, code, now).outcome == Outcome.NOT_MEMBER
        assert _by_code(session, 109, code, now).outcome == Outcome.NOT_MEMBER  # left the cell
    assert _rows(engine, meeting) == {}


def test_a_member_of_another_cell_cannot_use_this_cells_code(engine: Engine) -> None:
    now = START
    with Session(engine, expire_on_commit=False) as session:
        meeting = _schedule(session, _cell(session))
        _other_cell(session)
        result = _by_code(session, OUTSIDER, meetings.code_at(meeting, now, SETTINGS), now)
    assert result.outcome in (Outcome.NO_MEETING, Outcome.WRONG_CODE)
    assert not result.counted
    assert _rows(engine, meeting) == {}


def test_the_code_of_a_cancelled_or_closed_meeting_checks_nobody_in(engine: Engine) -> None:
    now = START + timedelta(minutes=5)
    with Session(engine, expire_on_commit=False) as session:
        cell = _cell(session)
        cancelled = _schedule(session, cell)
        _cancel(session, cancelled)
        result = _by_code(session, LAN, meetings.code_at(cancelled, now, SETTINGS), now)
        assert result.outcome == Outcome.CANCELLED

        closed = _schedule(session, cell, starts_at=START + timedelta(days=7))
        _close(session, closed)
        at = START + timedelta(days=7, hours=2, minutes=1)
        result = _by_code(session, LAN, meetings.code_at(closed, at, SETTINGS), at)
        assert result.outcome == Outcome.CLOSED
    assert _rows(engine, cancelled) == {}
    assert _rows(engine, closed)["Nguyễn Thị Lan"].mark == Mark.ABSENT


# ----------------------------------------------------------------------------- check-in by QR


def test_a_signed_qr_link_checks_in_once(engine: Engine) -> None:
    shown = START - timedelta(minutes=5)
    with Session(engine, expire_on_commit=False) as session:
        meeting = _schedule(session, _cell(session))
        payload = meetings.qr_payload(meeting, shown, SETTINGS)
        assert payload.startswith(meetings.QR_PREFIX) and len(payload) <= 64  # /start limit
        first = _by_qr(session, LAN, payload, shown + timedelta(minutes=1))
        replay = _by_qr(session, LAN, payload, shown + timedelta(minutes=2))
    assert first.outcome == Outcome.PRESENT
    assert replay.outcome == Outcome.ALREADY
    rows = _rows(engine, meeting)
    assert list(rows) == ["Nguyễn Thị Lan"]
    assert (rows["Nguyễn Thị Lan"].mark, rows["Nguyễn Thị Lan"].method) == (
        Mark.PRESENT,
        Method.QR,
    )


def test_an_expired_qr_link_is_refused(engine: Engine) -> None:
    shown = START - timedelta(minutes=5)
    with Session(engine, expire_on_commit=False) as session:
        meeting = _schedule(session, _cell(session))
        payload = meetings.qr_payload(meeting, shown, SETTINGS)
        expired = shown + timedelta(minutes=SETTINGS.qr_minutes, seconds=1)
        assert _by_qr(session, LAN, payload, expired).outcome == Outcome.QR_EXPIRED
    assert _rows(engine, meeting) == {}


def _flip(payload: str, index: int) -> str:
    replacement = "A" if payload[index] != "A" else "B"
    return payload[:index] + replacement + payload[index + 1 :]


def test_a_tampered_qr_link_is_refused(engine: Engine) -> None:
    shown = START - timedelta(minutes=5)
    with Session(engine, expire_on_commit=False) as session:
        meeting = _schedule(session, _cell(session))
        payload = meetings.qr_payload(meeting, shown, SETTINGS)
        start = len(meetings.QR_PREFIX)
        # A character of the meeting id, of the expiry and of the signature; then rubbish.
        forged = [_flip(payload, start + 1), _flip(payload, start + 8), _flip(payload, start + 15)]
        forged += ["ci-", "ci-!!!", payload[:-3], "hello"]
        for bad in forged:
            result = _by_qr(session, LAN, bad, shown + timedelta(minutes=1))
            assert result.outcome == Outcome.QR_FORGED, bad
    assert _rows(engine, meeting) == {}


def test_a_qr_link_of_another_cells_meeting_is_refused(engine: Engine) -> None:
    shown = START - timedelta(minutes=5)
    with Session(engine, expire_on_commit=False) as session:
        meeting = _schedule(session, _cell(session))
        _other_cell(session)
        payload = meetings.qr_payload(meeting, shown, SETTINGS)
        result = _by_qr(session, OUTSIDER, payload, shown + timedelta(minutes=1))
        assert result.outcome == Outcome.OTHER_CELL
        stranger = _by_qr(session, STRANGER, payload, shown + timedelta(minutes=1))
        assert stranger.outcome == Outcome.NOT_MEMBER
    assert _rows(engine, meeting) == {}


def test_a_qr_link_of_a_cancelled_or_closed_meeting_is_refused(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as session:
        cell = _cell(session)
        cancelled = _schedule(session, cell)
        payload = meetings.qr_payload(cancelled, START, SETTINGS)
        _cancel(session, cancelled)
        assert _by_qr(session, LAN, payload, START).outcome == Outcome.CANCELLED

        closed = _schedule(session, cell, starts_at=START + timedelta(days=7))
        shown = START + timedelta(days=7, hours=2)
        payload = meetings.qr_payload(closed, shown, SETTINGS)
        _close(session, closed, now=shown)
        assert _by_qr(session, LAN, payload, shown).outcome == Outcome.CLOSED


# ----------------------------------------------------------------------------- by hand


@pytest.mark.parametrize("typed", ["Hoàng Văn Em", "hoang van em", "  HOÀNG   văn  EM "])
def test_a_secretary_records_a_member_by_name(engine: Engine, typed: str) -> None:
    with Session(engine, expire_on_commit=False) as session:
        meeting = _schedule(session, _cell(session))
        member, result = meetings.record_by_hand(
            session,
            meeting_id=meeting.id or 0,
            name=typed,
            late=True,
            by=BINH,
            by_name="Trần Văn Bình",
            now=START + timedelta(minutes=3),
            settings=SETTINGS,
        )
        session.commit()
    assert member.full_name == "Hoàng Văn Em"
    assert result.outcome == Outcome.LATE
    row = _rows(engine, meeting)["Hoàng Văn Em"]
    assert (row.mark, row.method) == (Mark.LATE, Method.MANUAL)
    assert (row.recorded_by, row.recorded_by_name) == (BINH, "Trần Văn Bình")
    with Session(engine) as session:
        sheet = meetings.sheet(session, meeting_id=meeting.id or 0, settings=SETTINGS)
    [line] = [line for line in sheet.lines if line.name == "Hoàng Văn Em"]
    assert (line.method, line.recorded_by) == (mt.METHOD_MANUAL, "Trần Văn Bình")


def test_recording_an_unknown_name_says_which_name(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as session:
        meeting = _schedule(session, _cell(session))
        meeting_id = meeting.id or 0
        with pytest.raises(MeetingError) as refused:
            _by_hand(session, meeting, "  Ngô Văn Khải ")
        session.rollback()
    assert "«Ngô Văn Khải»" in str(refused.value)
    assert _rows(engine, meeting_id) == {}


def test_recording_by_hand_someone_already_checked_in_keeps_their_check_in(
    engine: Engine,
) -> None:
    now = START - timedelta(minutes=1)
    with Session(engine, expire_on_commit=False) as session:
        meeting = _schedule(session, _cell(session))
        _by_code(session, LAN, meetings.code_at(meeting, now, SETTINGS), now)
        assert _by_hand(session, meeting, "Nguyễn Thị Lan").outcome == Outcome.ALREADY
    assert _rows(engine, meeting)["Nguyễn Thị Lan"].method == Method.CODE


# ----------------------------------------------------------------------------- closing


def test_a_meeting_cannot_be_closed_before_it_starts(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as session:
        meeting = _schedule(session, _cell(session))
        meeting_id = meeting.id or 0
        with pytest.raises(MeetingError, match=re.escape(mt.CLOSE_TOO_EARLY)):
            _close(session, meeting, now=START - timedelta(minutes=1))
        session.rollback()
    assert _rows(engine, meeting_id) == {}


def test_closing_writes_down_the_excused_and_the_absent(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as session:
        meeting = _held(session)
    rows = _rows(engine, meeting)
    assert {name: (r.mark, r.method, r.reason) for name, r in rows.items()} == {
        "Nguyễn Thị Lan": (Mark.PRESENT, Method.CODE, None),
        "Lê Văn Cường": (Mark.PRESENT, Method.QR, None),
        "Hoàng Văn Em": (Mark.PRESENT, Method.MANUAL, None),
        "Phạm Thị Dung": (Mark.EXCUSED, Method.CLOSING, REASON),
        "Trần Văn Bình": (Mark.ABSENT, Method.CLOSING, None),
    }
    with Session(engine) as session:
        with pytest.raises(MeetingError, match=re.escape(mt.MEETING_CLOSED)):
            _close(session, meeting)
        with pytest.raises(MeetingError, match=re.escape(mt.MEETING_CLOSED)):
            _answer(session, meeting, BINH, Answer.ATTEND)


@pytest.mark.parametrize(
    ("settings", "summary"),
    [
        (
            SETTINGS,
            "Chi bộ có 5 đảng viên, dự sinh hoạt 3/5, tỷ lệ 60%; "
            "vắng có lý do 1, vắng không lý do 1",
        ),
        (
            EXCUSED_NOT_COUNTED,
            "Chi bộ có 5 đảng viên, dự sinh hoạt 3/4, tỷ lệ 75%; "
            "vắng có lý do 1, vắng không lý do 1",
        ),
    ],
)
def test_the_report_sentence_follows_the_rule_in_force_when_closed(
    engine: Engine, settings: MeetingSettings, summary: str
) -> None:
    with Session(engine, expire_on_commit=False) as session:
        meeting = _held(session, settings)
    other = EXCUSED_NOT_COUNTED if settings is SETTINGS else SETTINGS
    with Session(engine) as session:
        sheet = meetings.sheet(session, meeting_id=meeting.id or 0, settings=settings)
        # The rule is fixed at closing: changing the setting later keeps the report as it was.
        later = meetings.sheet(session, meeting_id=meeting.id or 0, settings=other)
    assert sheet.summary() == summary
    assert later.summary() == summary
    assert sheet.cell_name == "Chi bộ Xí nghiệp Xe buýt số 1"
    assert [line.name for line in sheet.lines] == [
        "Hoàng Văn Em",
        "Lê Văn Cường",
        "Nguyễn Thị Lan",
        "Phạm Thị Dung",
        "Trần Văn Bình",
    ]


def test_the_sheet_before_closing_shows_who_is_not_there_yet(engine: Engine) -> None:
    now = START - timedelta(minutes=1)
    with Session(engine, expire_on_commit=False) as session:
        meeting = _schedule(session, _cell(session))
        _answer(session, meeting, DUNG, Answer.EXCUSED, REASON)
        _by_code(session, LAN, meetings.code_at(meeting, now, SETTINGS), now)
        sheet = meetings.sheet(session, meeting_id=meeting.id or 0, settings=SETTINGS)
    assert sheet.summary() == (
        "Chi bộ có 5 đảng viên, dự sinh hoạt 1/5, tỷ lệ 20%; vắng có lý do 1, vắng không lý do 3"
    )
    [dung] = [line for line in sheet.lines if line.name == "Phạm Thị Dung"]
    assert dung.reason == REASON


def test_closing_asks_only_the_attendees_to_rate_the_meeting(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as session:
        meeting = _held(session)
        vote_notice = _notices(session)[-1]
        deliveries = _deliveries(session, vote_notice.id)
    assert vote_notice.buttons == f"vote:{meeting.id}"
    assert "Đánh giá chất lượng sinh hoạt" in vote_notice.text_html
    assert deliveries == {
        "Nguyễn Thị Lan": DeliveryState.PENDING,
        "Lê Văn Cường": DeliveryState.PENDING,
        "Hoàng Văn Em": DeliveryState.UNREACHABLE,
    }


# ----------------------------------------------------------------------------- votes


def _vote(
    session: Session, meeting: Meeting, user: int, rating: Rating, *, anonymous: bool = True
) -> VoteOutcome:
    outcome = meetings.vote(
        session,
        meeting_id=meeting.id or 0,
        telegram_user_id=user,
        rating=rating,
        anonymous=anonymous,
    )
    session.commit()
    return outcome


def test_a_meeting_not_closed_takes_no_votes(engine: Engine) -> None:
    now = START
    with Session(engine, expire_on_commit=False) as session:
        meeting = _schedule(session, _cell(session))
        _by_code(session, LAN, meetings.code_at(meeting, now, SETTINGS), now)
        assert _vote(session, meeting, LAN, Rating.GOOD) == VoteOutcome.NOT_CLOSED
        assert meetings.tally(session, meeting_id=meeting.id or 0)[Rating.GOOD] == 0


def test_each_attendee_votes_once_in_secret(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as session:
        meeting = _held(session)
        _other_cell(session)
        for user in (BINH, DUNG, OUTSIDER, STRANGER):  # absent, excused, another cell, nobody
            assert _vote(session, meeting, user, Rating.POOR) == VoteOutcome.NOT_ATTENDEE
        assert _vote(session, meeting, LAN, Rating.GOOD) == VoteOutcome.COUNTED
        assert _vote(session, meeting, LAN, Rating.POOR) == VoteOutcome.ALREADY
        assert _vote(session, meeting, CUONG, Rating.FAIR) == VoteOutcome.COUNTED

    with Session(engine) as session:
        assert meetings.tally(session, meeting_id=meeting.id or 0) == {
            Rating.GOOD: 1,
            Rating.FAIR: 1,
            Rating.AVERAGE: 0,
            Rating.POOR: 0,
        }
        voters = session.exec(select(MeetingVoter)).all()
        assert len(voters) == 2
        assert {v.rating for v in voters} == {None}
        counters = session.exec(select(MeetingTally)).all()
        assert sorted((c.rating, c.votes) for c in counters) == sorted(
            [(Rating.GOOD, 1), (Rating.FAIR, 1), (Rating.AVERAGE, 0), (Rating.POOR, 0)]
        )
    # No row of a single vote exists: only counters, which point to no one.
    assert set(MeetingTally.__table__.columns.keys()) == {"meeting_id", "rating", "votes"}  # type: ignore[attr-defined]


@pytest.mark.parametrize("anonymous", [True, False])
def test_the_vote_invitation_says_secret_only_when_it_is(engine: Engine, anonymous: bool) -> None:
    settings = MeetingSettings.model_validate({"anonymous_votes": anonymous})
    with Session(engine, expire_on_commit=False) as session:
        _held(session, settings=settings)
        invitation = _notices(session)[-1].text_html
    assert "Đánh giá chất lượng sinh hoạt" in invitation
    assert ("phiếu kín" in invitation) is anonymous


def test_an_open_vote_keeps_who_chose_what(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as session:
        meeting = _held(session)
        assert _vote(session, meeting, LAN, Rating.AVERAGE, anonymous=False) == (
            VoteOutcome.COUNTED
        )
        [voter] = session.exec(select(MeetingVoter)).all()
        lan = session.exec(
            select(MeetingAttendance).where(col(MeetingAttendance.member_name) == "Nguyễn Thị Lan")
        ).one()
    assert (voter.member_id, voter.rating) == (lan.member_id, Rating.AVERAGE)


# ----------------------------------------------------------------------------- history


def _meeting_with(
    session: Session,
    cell: Cell,
    starts_at: datetime,
    present: list[str],
    *,
    late: tuple[str, ...] = (),
    excused: tuple[int, ...] = (),
    settings: MeetingSettings = SETTINGS,
) -> Meeting:
    meeting = _schedule(session, cell, starts_at=starts_at)
    for user in excused:
        _answer(session, meeting, user, Answer.EXCUSED, REASON)
    for name in present:
        _by_hand(session, meeting, name, late=name in late)
    return _close(session, meeting, settings=settings)


def _statistics(
    session: Session, cell: Cell, *period: str
) -> tuple[list[MemberStat], list[MonthStat]]:
    start, end = meetings.parse_period(period, now=NOW)
    return meetings.statistics(
        session, cell_id=cell.id or 0, start=start, end=end, settings=SETTINGS
    )


def test_statistics_per_member_and_per_month(engine: Engine) -> None:
    # The June meeting is early in the morning of 1 June in Vietnam: still 31 May in UTC.
    june = datetime(2026, 6, 1, 6, 30, tzinfo=VIETNAM).astimezone(UTC)
    with Session(engine, expire_on_commit=False) as session:
        cell = _cell(session)
        _meeting_with(
            session,
            cell,
            START,
            ["Nguyễn Thị Lan", "Lê Văn Cường"],
            late=("Lê Văn Cường",),
            excused=(DUNG,),
        )
        _meeting_with(
            session,
            cell,
            june,
            ["Nguyễn Thị Lan", "Trần Văn Bình", "Phạm Thị Dung", "Hoàng Văn Em"],
            excused=(CUONG,),
            settings=EXCUSED_NOT_COUNTED,
        )
        _schedule(session, cell, starts_at=june + timedelta(days=7))  # not closed: not counted
        people, months = _statistics(session, cell, "1/2026", "6/2026")
        _, in_may = _statistics(session, cell, "5/2026")
        _, in_june = _statistics(session, cell, "6/2026")

    figures = {p.name: (p.meetings, p.present, p.late, p.excused, p.absent) for p in people}
    assert figures == {
        "Hoàng Văn Em": (2, 1, 0, 0, 1),
        "Lê Văn Cường": (2, 1, 1, 1, 0),
        "Nguyễn Thị Lan": (2, 2, 0, 0, 0),
        "Phạm Thị Dung": (2, 1, 0, 1, 0),
        "Trần Văn Bình": (2, 1, 0, 0, 1),
    }
    # By name with diacritics folded: «Hoàng» before «Lê» whatever the accents' code points.
    assert [p.name for p in people] == list(figures)
    assert [p.role for p in people if p.name == "Trần Văn Bình"] == ["Bí thư"]
    # May counted the excused member in the rate, June (closed under the other rule) did not.
    assert [(m.month, m.meetings, m.present, m.denominator) for m in months] == [
        ("05/2026", 1, 2, 5),
        ("06/2026", 1, 4, 4),
    ]
    # The early meeting of 1 June counts in June, not May (on SQLite too).
    assert [(m.month, m.present) for m in in_may] == [("05/2026", 2)]
    assert [(m.month, m.present) for m in in_june] == [("06/2026", 4)]


def _local(year: int, month: int) -> datetime:
    return datetime(year, month, 1, tzinfo=VIETNAM)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], (_local(2025, 6), _local(2026, 6))),
        (["2026"], (_local(2026, 1), _local(2027, 1))),
        (["5/2026"], (_local(2026, 5), _local(2026, 6))),
        (["12/2026"], (_local(2026, 12), _local(2027, 1))),
        (["1/2026", "6/2026"], (_local(2026, 1), _local(2026, 7))),
        (["05-2026"], (_local(2026, 5), _local(2026, 6))),
        (["2025", "2026"], (_local(2025, 1), _local(2027, 1))),
        (["tháng", "này"], (_local(2026, 5), _local(2026, 6))),
        (["thang", "truoc"], (_local(2026, 4), _local(2026, 5))),
        (["năm", "nay"], (_local(2026, 1), _local(2027, 1))),
        (["năm", "ngoái"], (_local(2025, 1), _local(2026, 1))),
        (["quý", "1"], (_local(2026, 1), _local(2026, 4))),
        (["Quý", "IV/2025"], (_local(2025, 10), _local(2026, 1))),
        (["quy", "nay"], (_local(2026, 4), _local(2026, 7))),
    ],
)
def test_periods_are_whole_months_in_vietnam(
    args: list[str], expected: tuple[datetime, datetime]
) -> None:
    assert meetings.parse_period(args, now=NOW) == expected


@pytest.mark.parametrize(
    "args",
    [
        ["abc"],
        ["13/2026"],
        ["5/1999"],
        ["6/2026", "1/2026"],
        ["1/2026", "2/2026", "3/2026"],
        ["quý", "5"],
        ["tháng", "sau", "nữa"],
    ],
)
def test_a_period_that_cannot_be_read_is_refused(args: list[str]) -> None:
    with pytest.raises(MeetingError, match="Không hiểu khoảng thời gian"):
        meetings.parse_period(args, now=NOW)


@pytest.mark.parametrize(
    ("args", "period"),
    [
        (["tháng", "này"], True),
        (["quý", "2"], True),
        (["5/2026"], True),
        (["Nguyễn", "Lan"], False),
    ],
)
def test_diemdanh_tells_a_period_from_a_members_name(args: list[str], period: bool) -> None:
    assert meetings.looks_like_period(args) is period


def test_rate_points_are_the_last_meetings_oldest_first(engine: Engine) -> None:
    names = [name for name, _, _ in PEOPLE]
    with Session(engine, expire_on_commit=False) as session:
        cell = _cell(session)
        for week in range(3):
            _meeting_with(session, cell, START + timedelta(weeks=week), names[: week + 1])
        _cancel(session, _schedule(session, cell, starts_at=START + timedelta(weeks=4)))
        points = meetings.rate_points(session, cell_id=cell.id or 0, limit=2, settings=SETTINGS)
    assert [(p.label, p.present, p.denominator) for p in points] == [
        ("14/05/26", 2, 5),
        ("21/05/26", 3, 5),
    ]
    assert [p.rate for p in points] == [0.4, 0.6]


# ----------------------------------------------------------------------------- concurrency


def _at_once(threads: int, work: Callable[[Session], T], engine: Engine) -> list[T]:
    """``work`` in ``threads`` threads released together, each in its own session, committed."""
    start = threading.Barrier(threads)
    results: list[T] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            start.wait()
            with Session(engine) as session:
                result = work(session)
                session.commit()
            results.append(result)
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    return results


def test_fifty_check_ins_of_one_member_at_once_make_one_row(engine: Engine) -> None:
    now = START - timedelta(minutes=2)
    with Session(engine, expire_on_commit=False) as session:
        meeting = _schedule(session, _cell(session))
    code = meetings.code_at(meeting, now, SETTINGS)
    threads = 50

    def check_in(session: Session) -> Outcome:
        return meetings.check_in_by_code(
            session, telegram_user_id=LAN, code=code, now=now, settings=SETTINGS
        ).outcome

    outcomes = _at_once(threads, check_in, engine)
    assert sorted(outcomes) == sorted([Outcome.PRESENT] + [Outcome.ALREADY] * (threads - 1))
    assert list(_rows(engine, meeting)) == ["Nguyễn Thị Lan"]


def test_one_member_answering_many_times_at_once_keeps_one_answer(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as session:
        meeting = _schedule(session, _cell(session))

    def attend(session: Session) -> int:
        return (
            meetings.answer(
                session,
                meeting_id=meeting.id or 0,
                telegram_user_id=LAN,
                choice=Answer.ATTEND,
                reason=None,
                now=NOW,
            ).id
            or 0
        )

    assert _at_once(30, attend, engine) == [meeting.id] * 30
    with Session(engine) as session:
        [row] = session.exec(select(MeetingRsvp)).all()
    assert row.answer == Answer.ATTEND


# ----------------------------------------------------------------------------- wrong-code lockout


def _wrong(code: str) -> str:
    """A code of the same length that is not ``code``."""
    return f"{(int(code) + 1) % 10 ** len(code):0{len(code)}d}"


def test_the_lockout_holds_across_a_restart_and_ends_after_its_window(
    engine: Engine, database_url: str
) -> None:
    now = START - timedelta(minutes=2)
    with Session(engine, expire_on_commit=False) as session:
        meeting = _schedule(session, _cell(session))
    right = meetings.code_at(meeting, now, SETTINGS)
    with Session(engine) as session:
        for _ in range(meetings.MAX_WRONG_CODES):
            assert _by_code(session, LAN, _wrong(right), now).outcome == Outcome.WRONG_CODE
    # Another process (a restarted bot) on the same database: still locked, even the right code.
    other = make_engine(database_url)
    try:
        with Session(other) as session:
            locked = _by_code(session, LAN, right, now + timedelta(minutes=1))
        assert locked.outcome == Outcome.LOCKED
        assert locked.wait_minutes == meetings.LOCKOUT_MINUTES - 1
        with Session(other) as session:  # another member is not locked out by Lan's guesses
            assert _by_code(session, CUONG, right, now).outcome == Outcome.PRESENT
        later = now + timedelta(minutes=meetings.LOCKOUT_MINUTES)
        code_then = meetings.code_at(meeting, later, SETTINGS)
        with Session(other) as session:
            assert _by_code(session, LAN, code_then, later).outcome == Outcome.PRESENT
    finally:
        other.dispose()


def test_a_right_code_clears_the_count_and_no_meeting_is_no_guess(engine: Engine) -> None:
    now = START - timedelta(minutes=2)
    with Session(engine, expire_on_commit=False) as session:
        meeting = _schedule(session, _cell(session))
    right = meetings.code_at(meeting, now, SETTINGS)
    with Session(engine) as session:
        for _ in range(meetings.MAX_WRONG_CODES - 1):
            assert _by_code(session, LAN, _wrong(right), now).outcome == Outcome.WRONG_CODE
        assert _by_code(session, LAN, right, now).outcome == Outcome.PRESENT
        # Typed long before the window opens: not a guess, so it does not count either.
        early = START - timedelta(days=2)
        for _ in range(meetings.MAX_WRONG_CODES + 1):
            assert _by_code(session, DUNG, right, early).outcome != Outcome.LOCKED
        assert _by_code(session, DUNG, right, now).outcome == Outcome.PRESENT


def test_wrong_codes_sent_at_once_are_all_counted(engine: Engine) -> None:
    now = START - timedelta(minutes=2)
    with Session(engine, expire_on_commit=False) as session:
        meeting = _schedule(session, _cell(session))
    right = meetings.code_at(meeting, now, SETTINGS)
    threads = 30

    def guess(session: Session) -> Outcome:
        return meetings.check_in_by_code(
            session, telegram_user_id=LAN, code=_wrong(right), now=now, settings=SETTINGS
        ).outcome

    outcomes = _at_once(threads, guess, engine)
    # Only MAX_WRONG_CODES codes were ever compared; every other attempt was refused unchecked.
    assert outcomes.count(Outcome.WRONG_CODE) == meetings.MAX_WRONG_CODES
    assert outcomes.count(Outcome.LOCKED) == threads - meetings.MAX_WRONG_CODES
    with Session(engine) as session:
        assert _by_code(session, LAN, right, now).outcome == Outcome.LOCKED


PEOPLE_WITH_TELEGRAM = {LAN: "Nguyễn Thị Lan", CUONG: "Lê Văn Cường", DUNG: "Phạm Thị Dung"}


def _close_during_check_ins(engine: Engine, meeting: Meeting) -> dict[int | None, Outcome | None]:
    """Closing and three check-ins released at the same moment; what each check-in was told."""
    now = as_utc(meeting.starts_at) + timedelta(minutes=5)
    code = meetings.code_at(meeting, now, SETTINGS)
    order = iter([None, *PEOPLE_WITH_TELEGRAM])
    lock = threading.Lock()

    def one(session: Session) -> tuple[int | None, Outcome | None]:
        with lock:
            who = next(order)
        if who is None:
            meetings.close(
                session, meeting_id=meeting.id or 0, by=BINH, by_name="Bình", now=now,
                settings=SETTINGS,
            )  # fmt: skip
            return None, None
        found = meetings.check_in_by_code(
            session, telegram_user_id=who, code=code, now=now, settings=SETTINGS
        )
        return who, found.outcome

    return dict(_at_once(4, one, engine))


def test_closing_while_members_check_in_keeps_one_true_row_each(engine: Engine) -> None:
    """The closing never fails on a check-in that landed meanwhile, and what a member is told
    is what the stored row says (run on SQLite and PostgreSQL, six meetings)."""
    with Session(engine, expire_on_commit=False) as session:
        cell = _cell(session)
        held = [
            _schedule(session, cell, starts_at=START + timedelta(days=i), now=NOW) for i in range(6)
        ]
    for meeting in held:
        told = _close_during_check_ins(engine, meeting)  # _at_once fails on any exception
        rows = _rows(engine, meeting)
        for who, name in PEOPLE_WITH_TELEGRAM.items():
            if told[who] in (Outcome.PRESENT, Outcome.LATE):
                assert rows[name].method == Method.CODE
            else:
                assert told[who] == Outcome.CLOSED
                assert (rows[name].method, rows[name].mark) == (Method.CLOSING, Mark.ABSENT)
        with Session(engine) as session:
            closed = session.get(Meeting, meeting.id)
            assert closed is not None and closed.state == MeetingState.CLOSED


def test_a_meeting_takes_a_bounded_number_of_wrong_codes_from_all_members(engine: Engine) -> None:
    settings = MeetingSettings.model_validate(
        {"wrong_codes_per_minute": 3, "wrong_codes_per_meeting": 5}
    )
    now = START - timedelta(minutes=2)
    with Session(engine, expire_on_commit=False) as session:
        meeting = _schedule(session, _cell(session), settings=settings)
    right = meetings.code_at(meeting, now, settings)

    def outcome(user: int, code: str, at: datetime) -> Outcome:
        with Session(engine) as session:
            return _by_code(session, user, code, at, settings).outcome

    first_minute = [outcome(LAN, _wrong(right), now) for _ in range(2)]
    first_minute += [outcome(CUONG, _wrong(right), now), outcome(DUNG, _wrong(right), now)]
    later = now + timedelta(minutes=1)
    code_later = meetings.code_at(meeting, later, settings)
    second_minute = [outcome(CUONG, _wrong(code_later), later) for _ in range(3)]
    last = now + timedelta(minutes=3)
    code_last = meetings.code_at(meeting, last, settings)

    assert first_minute == [Outcome.WRONG_CODE] * 3 + [Outcome.CODES_PAUSED]  # per minute
    assert second_minute == [Outcome.WRONG_CODE] * 2 + [Outcome.CODES_PAUSED]  # in all
    assert outcome(DUNG, code_last, last) == Outcome.CODES_PAUSED  # codes stay stopped…
    payload = meetings.qr_payload(meeting, last, settings)
    with Session(engine) as session:  # …the QR code still checks members in
        assert _by_qr(session, DUNG, payload, last).counted
