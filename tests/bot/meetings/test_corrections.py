"""Correcting a closed meeting's marks: the row, the report, the rate and the statistics follow
the correction; the trail keeps who, when, the old and the new mark and why; the report as it
was at closing stays retrievable; a bad line changes nothing and says what was wrong. On SQLite
and PostgreSQL."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot import meetings
from bot.meetings import MeetingError
from bot.meetings import reports as files
from bot.meetings import texts as mt
from bot.members import Actor
from bot.models import (
    Answer,
    AttendanceCorrection,
    Mark,
    MeetingAttendance,
    MeetingState,
    Method,
    Role,
)
from bot.settings import MeetingSettings
from tests.utils.cell_factories import make_cell, make_meeting, make_member

SETTINGS = MeetingSettings.model_validate({})
NOW = datetime(2026, 5, 4, 3, 0, tzinfo=UTC)
START = datetime(2026, 5, 7, 7, 0, tzinfo=UTC)  # 14:00 on 7 May in Vietnam
CLOSED_AT = START + timedelta(hours=2)
LATER = START + timedelta(days=2)  # 14:00 on 9 May: the correction
ADMINS = frozenset({1})
BINH, LAN, VANG, OTHER_SECRETARY = 100, 101, 102, 200


def _as(user: int) -> Actor:
    return Actor(user, "Telegram", ADMINS)


@pytest.fixture
def meeting_id(engine: Engine) -> int:
    """A closed meeting of five: Lan checked in by code, Vàng absent, Dung excused («ốm»),
    Em (no Telegram) and Bình (the secretary) absent."""
    with Session(engine, expire_on_commit=False) as session:
        cell = make_cell(session, name="Chi bộ Xí nghiệp Xe buýt số 1")
        make_member(session, cell, full_name="Trần Văn Bình", role=Role.SECRETARY,
                    telegram_user_id=BINH)  # fmt: skip
        make_member(session, cell, full_name="Nguyễn Thị Lan", telegram_user_id=LAN)
        # A name that ends in a mark word: «Vàng» folds to «vang».
        make_member(session, cell, full_name="Đỗ Thị Vàng", telegram_user_id=VANG)
        dung = make_member(session, cell, full_name="Phạm Thị Dung", telegram_user_id=103)
        make_member(session, cell, full_name="Hoàng Văn Em", telegram_user_id=None)
        other = make_cell(session, name="Chi bộ Phòng Kế toán")
        make_member(session, other, full_name="Vũ Thị Hoa", role=Role.SECRETARY,
                    telegram_user_id=OTHER_SECRETARY)  # fmt: skip
        meeting = make_meeting(session, cell, starts_at=START, now=NOW, settings=SETTINGS)
        assert meeting.id is not None and dung.telegram_user_id is not None
        meetings.answer(
            session,
            meeting_id=meeting.id,
            telegram_user_id=dung.telegram_user_id,
            choice=Answer.EXCUSED,
            reason="ốm",
            now=NOW,
        )
        early = START - timedelta(minutes=5)
        meetings.check_in_by_code(
            session,
            telegram_user_id=LAN,
            code=meetings.code_at(meeting, early, SETTINGS),
            now=early,
            settings=SETTINGS,
        )
        meetings.close(
            session,
            meeting_id=meeting.id,
            by=BINH,
            by_name="Trần Văn Bình",
            now=CLOSED_AT,
            settings=SETTINGS,
        )
        session.commit()
        return meeting.id


def _correct(engine: Engine, meeting_id: int, line: str, user: int = BINH) -> meetings.Correction:
    with Session(engine, expire_on_commit=False) as session:
        done = meetings.correct_as(
            session, meeting_id=meeting_id, actor=_as(user), line=line, now=LATER
        )
        session.commit()
        return done


def _marks(engine: Engine, meeting_id: int) -> dict[str, tuple[Mark, str | None]]:
    with Session(engine) as session:
        rows = session.exec(
            select(MeetingAttendance).where(col(MeetingAttendance.meeting_id) == meeting_id)
        ).all()
        return {r.member_name: (Mark(r.mark), r.reason) for r in rows}


def _trail(engine: Engine, meeting_id: int) -> list[AttendanceCorrection]:
    with Session(engine) as session:
        found = meetings.corrections_of(session, meeting_id=meeting_id)
        for row in found:
            session.expunge(row)
        return found


def _sheet(engine: Engine, meeting_id: int, *, original: bool = False) -> files.MeetingSheet:
    with Session(engine) as session:
        return meetings.sheet(session, meeting_id=meeting_id, settings=SETTINGS, original=original)


def test_a_wrong_absence_is_corrected_and_the_report_and_statistics_follow(
    engine: Engine, meeting_id: int
) -> None:
    before = _sheet(engine, meeting_id).summary()
    done = _correct(
        engine, meeting_id, "Hoàng Văn Em có mặt, ghi nhầm vì đồng chí không dùng Telegram"
    )

    assert (done.old_mark, done.new_mark, done.name) == (Mark.ABSENT, Mark.PRESENT, "Hoàng Văn Em")
    assert done.why == "ghi nhầm vì đồng chí không dùng Telegram"
    assert (done.present, done.denominator) == (2, 5)
    assert _marks(engine, meeting_id)["Hoàng Văn Em"] == (Mark.PRESENT, None)
    [trail] = _trail(engine, meeting_id)
    assert (trail.old_mark, trail.new_mark, trail.old_method) == (
        Mark.ABSENT,
        Mark.PRESENT,
        Method.CLOSING,
    )
    assert (trail.corrected_by, trail.corrected_by_name) == (BINH, "Trần Văn Bình")
    assert trail.corrected_at.replace(tzinfo=UTC) == LATER
    # The report, its rate and the statistics read the corrected marks…
    assert before.startswith("Chi bộ có 5 đảng viên, dự sinh hoạt 1/5, tỷ lệ 20%")
    now = _sheet(engine, meeting_id)
    assert now.summary().startswith("Chi bộ có 5 đảng viên, dự sinh hoạt 2/5, tỷ lệ 40%")
    assert [(c.name, c.old_mark, c.new_mark, c.by) for c in now.corrections] == [
        ("Hoàng Văn Em", Mark.ABSENT, Mark.PRESENT, "Trần Văn Bình")
    ]
    with Session(engine) as session:
        people, _ = meetings.statistics(
            session,
            cell_id=_cell_of(session, meeting_id),
            start=START - timedelta(days=1),
            end=START + timedelta(days=1),
            settings=SETTINGS,
        )
    [em] = [p for p in people if p.name == "Hoàng Văn Em"]
    assert (em.present, em.absent) == (1, 0)
    # …and the report as it was at closing is still there, saying it is the original.
    original = _sheet(engine, meeting_id, original=True)
    assert original.summary() == before
    assert "Bản ban đầu" in files.sheet_text(original)


def _cell_of(session: Session, meeting_id: int) -> int:
    return meetings.get(session, meeting_id=meeting_id).cell_id


@pytest.mark.parametrize(
    ("line", "name", "mark", "why"),
    [
        ("hoang van em co mat, ghi nham", "Hoàng Văn Em", Mark.PRESENT, "ghi nham"),
        ("Hoàng Văn Em đi muộn - đến lúc 14h20", "Hoàng Văn Em", Mark.LATE, "đến lúc 14h20"),
        ("Đỗ Thị Vàng vắng có lý do: lý do: đi viện", "Đỗ Thị Vàng", Mark.EXCUSED, "đi viện"),
        ("Đỗ Thị Vàng có mặt vì có mặt từ đầu", "Đỗ Thị Vàng", Mark.PRESENT, "có mặt từ đầu"),
        (
            "Nguyễn Thị Lan vắng, quét mã hộ người khác",
            "Nguyễn Thị Lan",
            Mark.ABSENT,
            "quét mã hộ người khác",
        ),
        (
            "PHẠM THỊ DUNG vắng không lý do — không báo trước",
            "Phạm Thị Dung",
            Mark.ABSENT,
            "không báo trước",
        ),
    ],
)
def test_the_line_is_read_as_name_mark_and_why(
    engine: Engine, meeting_id: int, line: str, name: str, mark: Mark, why: str
) -> None:
    done = _correct(engine, meeting_id, line)
    assert (done.name, done.new_mark, done.why) == (name, mark, why)
    expected_reason = why if mark == Mark.EXCUSED else None
    assert _marks(engine, meeting_id)[name] == (mark, expected_reason)


def test_a_name_in_decomposed_unicode_is_found(engine: Engine, meeting_id: int) -> None:
    import unicodedata

    line = unicodedata.normalize("NFD", "Hoàng Văn Em có mặt, ghi nhầm")
    assert _correct(engine, meeting_id, line).name == "Hoàng Văn Em"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("Hoàng Văn Em", mt.CORRECT_NO_MARK),
        ("Hoàng Văn Em có mặt", mt.CORRECT_NO_WHY),
        ("Ngô Văn Khải có mặt, ghi nhầm", "«Ngô Văn Khải»"),
        ("Nguyễn Thị Lan có mặt, bấm nhầm", "đã được ghi «có mặt»"),
        ("Hoàng Văn Em có mặt, " + "x" * 400, "tối đa 300 ký tự"),
    ],
)
def test_a_bad_line_says_what_was_wrong_and_changes_nothing(
    engine: Engine, meeting_id: int, line: str, message: str
) -> None:
    before = _marks(engine, meeting_id)
    with pytest.raises(MeetingError, match=re.escape(message)):
        _correct(engine, meeting_id, line)
    assert _marks(engine, meeting_id) == before
    assert _trail(engine, meeting_id) == []


def test_namesakes_are_not_guessed(engine: Engine, meeting_id: int) -> None:
    with Session(engine) as session:
        session.add(
            MeetingAttendance(
                meeting_id=meeting_id,
                member_name="Hoàng Văn Em",
                member_role="Đảng viên",
                mark=Mark.ABSENT,
                method=Method.CLOSING,
            )
        )
        session.commit()
    with pytest.raises(MeetingError, match="có 2 đồng chí tên «Hoàng Văn Em»"):
        _correct(engine, meeting_id, "Hoàng Văn Em có mặt, ghi nhầm")
    assert _trail(engine, meeting_id) == []


def test_only_the_cells_secretaries_correct(engine: Engine, meeting_id: int) -> None:
    before = _marks(engine, meeting_id)
    with pytest.raises(MeetingError, match=re.escape(mt.NOT_SECRETARY)):
        _correct(engine, meeting_id, "Hoàng Văn Em có mặt, ghi nhầm", user=LAN)
    with pytest.raises(MeetingError, match=re.escape(mt.NO_SUCH_MEETING)):
        _correct(engine, meeting_id, "Hoàng Văn Em có mặt, ghi nhầm", user=OTHER_SECRETARY)
    assert _marks(engine, meeting_id) == before


def test_a_meeting_not_yet_closed_is_not_corrected_but_recorded(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as session:
        cell = make_cell(session)
        make_member(session, cell, full_name="Trần Văn Bình", role=Role.SECRETARY,
                    telegram_user_id=BINH)  # fmt: skip
        meeting = make_meeting(session, cell, starts_at=START, now=NOW, settings=SETTINGS)
    with pytest.raises(MeetingError, match=re.escape(mt.CORRECT_NOT_CLOSED)):
        _correct(engine, meeting.id or 0, "Trần Văn Bình có mặt, ghi nhầm")


def test_two_corrections_keep_the_trail_and_the_original(engine: Engine, meeting_id: int) -> None:
    _correct(engine, meeting_id, "Hoàng Văn Em có mặt, ghi nhầm")
    _correct(engine, meeting_id, "Hoàng Văn Em đi muộn, đến sau 20 phút")
    trail = _trail(engine, meeting_id)
    assert [(c.old_mark, c.new_mark) for c in trail] == [
        (Mark.ABSENT, Mark.PRESENT),
        (Mark.PRESENT, Mark.LATE),
    ]
    original = {line.name: line.mark for line in _sheet(engine, meeting_id, original=True).lines}
    assert original["Hoàng Văn Em"] == Mark.ABSENT
    assert {line.name: line.mark for line in _sheet(engine, meeting_id).lines}[
        "Hoàng Văn Em"
    ] == Mark.LATE


def test_correcting_a_check_in_to_absent_drops_its_time(engine: Engine, meeting_id: int) -> None:
    _correct(engine, meeting_id, "Nguyễn Thị Lan vắng, quét mã hộ người khác")
    [lan] = [line for line in _sheet(engine, meeting_id).lines if line.name == "Nguyễn Thị Lan"]
    assert (lan.mark, lan.checked_in_at, lan.recorded_by) == (
        Mark.ABSENT,
        None,
        "Trần Văn Bình",
    )
    [then] = [
        line
        for line in _sheet(engine, meeting_id, original=True).lines
        if line.name == "Nguyễn Thị Lan"
    ]
    assert then.mark == Mark.PRESENT and then.checked_in_at is not None
    assert then.method == mt.METHOD_CODE


def test_the_workbook_lists_the_corrections_and_the_original_does_not(
    engine: Engine, meeting_id: int
) -> None:
    import io

    from openpyxl import load_workbook

    _correct(engine, meeting_id, "Hoàng Văn Em có mặt, ghi nhầm")
    book = load_workbook(io.BytesIO(files.sheet_xlsx(_sheet(engine, meeting_id))))
    rows = list(book[files.CORRECTIONS_TITLE].iter_rows(values_only=True))
    assert rows[0] == files.CORRECTIONS_HEADER
    assert rows[1][1:6] == (
        "Hoàng Văn Em",
        "Vắng không lý do",
        "Có mặt",
        "ghi nhầm",
        "Trần Văn Bình",
    )
    texts = [c for row in book[files.SHEET_ATTENDANCE].iter_rows(values_only=True) for c in row]
    assert any(isinstance(t, str) and t.startswith("Đã sửa 1 lần") for t in texts)
    original = load_workbook(
        io.BytesIO(files.sheet_xlsx(_sheet(engine, meeting_id, original=True)))
    )
    assert files.CORRECTIONS_TITLE not in original.sheetnames


def test_the_closed_panel_shows_attendance_not_answers(engine: Engine, meeting_id: int) -> None:
    _correct(engine, meeting_id, "Hoàng Văn Em có mặt, ghi nhầm")
    with Session(engine) as session:
        board = meetings.board(session, meeting_id=meeting_id)
    assert board.meeting.state == MeetingState.CLOSED
    assert [n for n, _ in board.marks[Mark.PRESENT]] == ["Hoàng Văn Em", "Nguyễn Thị Lan"]
    assert board.marks[Mark.EXCUSED] == [("Phạm Thị Dung", "ốm")]
    assert board.corrections == 1


def test_while_running_the_panel_lists_who_has_not_checked_in(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as session:
        cell = make_cell(session)
        make_member(session, cell, full_name="Trần Văn Bình", role=Role.SECRETARY,
                    telegram_user_id=BINH)  # fmt: skip
        make_member(session, cell, full_name="Nguyễn Thị Lan", telegram_user_id=LAN)
        meeting = make_meeting(session, cell, starts_at=START, now=NOW, settings=SETTINGS)
        before = meetings.board(session, meeting_id=meeting.id or 0, now=NOW)
        meetings.check_in_by_code(
            session,
            telegram_user_id=LAN,
            code=meetings.code_at(meeting, START, SETTINGS),
            now=START,
            settings=SETTINGS,
        )
        session.commit()
        during = meetings.board(session, meeting_id=meeting.id or 0, now=START)
    assert not before.running
    assert during.running and during.not_checked_in == ["Trần Văn Bình"]


def test_late_by_hand_before_the_meeting_could_be_late_is_refused(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as session:
        cell = make_cell(session)
        make_member(session, cell, full_name="Hoàng Văn Em", telegram_user_id=None)
        meeting = make_meeting(session, cell, starts_at=START, now=NOW, settings=SETTINGS)
        with pytest.raises(
            MeetingError, match="Cuộc họp đến 14:00 mới bắt đầu nên chưa thể ghi đi muộn"
        ):
            meetings.record_by_hand(
                session,
                meeting_id=meeting.id or 0,
                name="Hoàng Văn Em",
                late=True,
                by=BINH,
                by_name="Trần Văn Bình",
                now=START - timedelta(minutes=10),
                settings=SETTINGS,
            )
        session.rollback()
        _, result = meetings.record_by_hand(
            session,
            meeting_id=meeting.id or 0,
            name="Hoàng Văn Em",
            late=True,
            by=BINH,
            by_name="Trần Văn Bình",
            now=START + timedelta(minutes=1),
            settings=SETTINGS,
        )
    assert result.outcome == meetings.Outcome.LATE


def test_the_last_closed_meeting_is_the_one_corrected_by_default(
    engine: Engine, meeting_id: int
) -> None:
    with Session(engine) as session:
        assert meetings.last_closed_for(session, actor=_as(BINH)).id == meeting_id
        with pytest.raises(MeetingError, match=re.escape(mt.CORRECT_NONE_CLOSED)):
            meetings.last_closed_for(session, actor=_as(OTHER_SECRETARY))
