"""The secretary's panel actions decide who may act inside the domain call, in the same unit of
work as the change: another cell's secretary (or a forged id) meets «no such meeting», a member
of the cell meets «for secretaries», and nothing is written for either."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot import meetings
from bot.meetings import MeetingError
from bot.meetings import texts as mt
from bot.members import Actor
from bot.models import Change, Meeting, MeetingState, Role
from bot.settings import MeetingSettings
from tests.utils.cell_factories import make_cell, make_meeting, make_member

SETTINGS = MeetingSettings.model_validate({})
NOW = datetime(2026, 5, 4, 3, 0, tzinfo=UTC)
START = NOW + timedelta(days=3)
ADMINS = frozenset({1})
SECRETARY, MEMBER, OTHER_SECRETARY = 100, 101, 200


def _as(user: int) -> Actor:
    return Actor(user, "Telegram", ADMINS)


@pytest.fixture
def meeting_id(engine: Engine) -> int:
    with Session(engine, expire_on_commit=False) as session:
        cell = make_cell(session)
        make_member(session, cell, full_name="Trần Văn Bình", role=Role.SECRETARY,
                    telegram_user_id=SECRETARY)  # fmt: skip
        make_member(session, cell, full_name="Nguyễn Thị Lan", telegram_user_id=MEMBER)
        other = make_cell(session, name="Chi bộ Phòng Kế toán")
        make_member(session, other, full_name="Vũ Thị Hoa", role=Role.SECRETARY,
                    telegram_user_id=OTHER_SECRETARY)  # fmt: skip
        meeting = make_meeting(session, cell, starts_at=START, now=NOW, settings=SETTINGS)
        assert meeting.id is not None
        return meeting.id


def _state(engine: Engine, meeting_id: int) -> tuple[MeetingState, str]:
    with Session(engine) as session:
        meeting = session.get(Meeting, meeting_id)
        assert meeting is not None
        return MeetingState(meeting.state), meeting.place


def test_another_cells_secretary_meets_the_same_answer_as_an_unknown_id(
    engine: Engine, meeting_id: int
) -> None:
    with Session(engine) as session:
        with pytest.raises(MeetingError) as forged:
            meetings.managed(session, meeting_id=meeting_id, actor=_as(OTHER_SECRETARY))
        with pytest.raises(MeetingError) as unknown:
            meetings.managed(session, meeting_id=meeting_id + 999, actor=_as(OTHER_SECRETARY))
    assert str(forged.value) == str(unknown.value) == mt.NO_SUCH_MEETING


@pytest.mark.parametrize(
    ("user", "message"), [(OTHER_SECRETARY, mt.NO_SUCH_MEETING), (MEMBER, mt.NOT_SECRETARY)]
)
def test_changes_by_someone_without_rights_write_nothing(
    engine: Engine, meeting_id: int, user: int, message: str
) -> None:
    actions = [
        lambda s: meetings.close_as(
            s, meeting_id=meeting_id, actor=_as(user), now=START, settings=SETTINGS
        ),
        lambda s: meetings.cancel_as(s, meeting_id=meeting_id, actor=_as(user), reason="", now=NOW),
        lambda s: meetings.edit_as(
            s,
            meeting_id=meeting_id,
            actor=_as(user),
            change=Change.PLACE,
            value="Nhà văn hóa",
            now=NOW,
            settings=SETTINGS,
        ),
        lambda s: meetings.report_for(s, meeting_id=meeting_id, actor=_as(user), settings=SETTINGS),
        lambda s: meetings.tally_for(s, meeting_id=meeting_id, actor=_as(user)),
        lambda s: meetings.board_for(s, meeting_id=meeting_id, actor=_as(user)),
    ]
    for action in actions:
        with Session(engine) as session:
            with pytest.raises(MeetingError, match=re.escape(message)):
                action(session)
            session.commit()
    assert _state(engine, meeting_id) == (MeetingState.SCHEDULED, "Hội trường tầng 2")


@pytest.mark.parametrize("user", [SECRETARY, 1])  # the cell's secretary, a deployment admin
def test_the_cells_secretary_and_an_admin_may_act(
    engine: Engine, meeting_id: int, user: int
) -> None:
    with Session(engine) as session:
        meetings.edit_as(
            session,
            meeting_id=meeting_id,
            actor=_as(user),
            change=Change.PLACE,
            value="Nhà văn hóa",
            now=NOW,
            settings=SETTINGS,
        )
        session.commit()
    assert _state(engine, meeting_id) == (MeetingState.SCHEDULED, "Nhà văn hóa")
