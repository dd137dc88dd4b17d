"""Joining an approved account to its roster row after the fact (/lienket): the row takes the
Telegram account and what the account did at meetings; nothing is lost, nothing doubled."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from telegram.ext import Application

from bot import meetings, members
from bot.members import MembershipError
from bot.members import texts as mbt
from bot.models import (
    DeliveryState,
    Mark,
    Meeting,
    MeetingAttendance,
    MeetingKind,
    Member,
    Method,
    NoticeDelivery,
    Role,
)
from bot.settings import MeetingSettings
from knowledge.models import utcnow
from tests.bot.support import (
    ADMIN_ID,
    RecordingRequest,
    callback_update,
    feed,
    message_update,
    user,
)
from tests.utils.cell_factories import make_cell, make_member

SETTINGS = MeetingSettings.model_validate({})


def _two_rows(session: Session) -> tuple[Member, Member, Member]:
    """A cell with its secretary, an approved account «Nguyễn Thị Lan» and the roster's row of
    the same person without an account."""
    cell = make_cell(session)
    make_member(
        session, cell, full_name="Trần Văn Bình", role=Role.SECRETARY, telegram_user_id=700_001
    )
    account = make_member(session, cell, full_name="Nguyễn Thị Lan", telegram_user_id=700_002)
    row = make_member(
        session,
        cell,
        full_name="Nguyễn Thị Lan",
        telegram_user_id=None,
        in_roster=True,
        birth_date=date(1990, 8, 15),
    )
    return account, row, make_member(session, cell, full_name="Lê Văn Tám", telegram_user_id=None)


def _account_checked_in(
    session: Session, account: Member, now: datetime
) -> tuple[Meeting, meetings.CheckIn]:
    """A meeting of the account's cell starting in five minutes, the account checked in."""
    meeting = meetings.schedule(
        session,
        cell_id=account.cell_id,
        kind=MeetingKind.REGULAR,
        title="Sinh hoạt chi bộ",
        starts_at=now + timedelta(minutes=5),
        place="Hội trường",
        agenda="",
        readings=[],
        created_by=700_001,
        sender_name="Trần Văn Bình",
        now=now,
        settings=SETTINGS,
    )
    code = meetings.code_at(meeting, now, SETTINGS)
    result = meetings.check_in_by_code(
        session, telegram_user_id=700_002, code=code, now=now, settings=SETTINGS
    )
    session.commit()
    return meeting, result


def test_relinking_moves_the_account_and_its_check_ins_to_the_roster_row(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as session:
        account, row, _ = _two_rows(session)
        now = utcnow()
        _meeting, result = _account_checked_in(session, account, now)
        assert result.counted and account.id is not None and row.id is not None

        linked = members.relink(session, account_id=account.id, roster_id=row.id, by=700_001)
        session.commit()

    with Session(engine) as session:
        lan = session.exec(select(Member).where(Member.telegram_user_id == 700_002)).one()
        assert (lan.id, lan.in_roster, lan.birth_date) == (row.id, True, date(1990, 8, 15))
        assert session.get(Member, account.id) is None  # one Lan, not two
        invitation = {d.member_id: d.state for d in session.exec(select(NoticeDelivery)).all()}
        assert invitation[row.id] == DeliveryState.PENDING  # her copy, not the no-account one
        assert account.id not in invitation and len(invitation) == 3
        rows = session.exec(select(MeetingAttendance)).all()
        assert [(r.member_id, r.mark, r.method) for r in rows] == [
            (row.id, Mark.PRESENT, Method.CODE)
        ]
    assert linked.telegram_user_id == 700_002


def test_relinking_refuses_rows_that_are_taken_or_from_another_cell(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as session:
        account, row, _ = _two_rows(session)
        other = make_cell(session, name="Chi bộ khác")
        stranger_row = make_member(
            session, other, full_name="Nguyễn Thị Lan", telegram_user_id=None
        )
        assert account.id is not None and row.id is not None and stranger_row.id is not None

        with pytest.raises(MembershipError, match="đã được liên kết"):
            members.relink(session, account_id=account.id, roster_id=stranger_row.id, by=1)
        members.relink(session, account_id=account.id, roster_id=row.id, by=1)
        session.commit()
        with pytest.raises(MembershipError, match="đã được ghép"):
            members.relink(session, account_id=account.id, roster_id=row.id, by=1)


async def test_lienket_suggests_the_pair_and_one_tap_joins_them(
    app: Application, recorder: RecordingRequest, session: Session
) -> None:
    _account, row, _ = _two_rows(session)
    secretary = user(700_001, "Bình")

    await feed(app, message_update(secretary, "/lienket"))
    suggestion = recorder.sent()[-1]
    buttons = recorder.buttons(suggestion)
    await feed(app, callback_update(secretary, buttons[0][1]))
    await feed(app, message_update(secretary, "/lienket"))

    assert [label for label, _ in buttons] == ["🔗 Nguyễn Thị Lan = Nguyễn Thị Lan (1990)"]
    said = recorder.texts(700_001)
    assert "Đã ghép tài khoản Telegram vào dòng «Nguyễn Thị Lan»" in said[-2]
    assert said[-1].startswith("Không có tài khoản nào trùng tên")  # nothing left to join
    session.expire_all()
    assert session.get(Member, row.id).telegram_user_id == 700_002  # type: ignore[union-attr]


async def test_lienket_with_different_spellings_and_for_non_secretaries(
    app: Application, recorder: RecordingRequest, session: Session
) -> None:
    _two_rows(session)
    await feed(app, message_update(user(700_001, "Bình"), "/lienket Nguyễn Thị Lan = Lê Văn Tám"))
    offered = recorder.buttons(recorder.sent()[-1])
    await feed(app, message_update(user(700_001, "Bình"), "/lienket Ai Đó = Lê Văn Tám"))
    await feed(app, message_update(user(700_002, "Lan"), "/lienket"))
    await feed(app, message_update(user(ADMIN_ID, "Quản trị"), "/lienket"))  # no cell of his own

    assert [label for label, _ in offered] == ["🔗 Nguyễn Thị Lan = Lê Văn Tám"]
    said = recorder.texts()
    assert said[-3] == mbt.RELINK_NOT_FOUND.format(name="Ai Đó")
    assert said[-2] == "Lệnh này dành cho bí thư, phó bí thư chi bộ."
    assert said[-1] == "Đồng chí chưa thuộc chi bộ nào."  # the admin is told why, not refused


def test_a_check_in_outweighs_the_absence_written_at_closing(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as session:
        account, row, _ = _two_rows(session)
        now = utcnow()
        meeting, _ = _account_checked_in(session, account, now)
        later = now + timedelta(minutes=30)
        meetings.close(
            session, meeting_id=meeting.id or 0, by=700_001, by_name="Bình", now=later,
            settings=SETTINGS,
        )  # fmt: skip
        session.commit()
        assert account.id is not None and row.id is not None

        members.relink(session, account_id=account.id, roster_id=row.id, by=700_001)
        session.commit()
        marks = {
            r.member_id: (r.mark, r.method) for r in session.exec(select(MeetingAttendance)).all()
        }
    assert marks[row.id] == (Mark.PRESENT, Method.CODE)  # not "absent", as closing wrote
