"""The meeting report lists members in the order of the cell's roster sheet (its STT), as the
committee's own list has them; members not in a sheet come after, by role and name."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from openpyxl import load_workbook
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot import meetings
from bot.meetings import reports as files
from bot.models import Role
from bot.settings import MeetingSettings
from tests.utils.cell_factories import make_cell, make_meeting, make_member

SETTINGS = MeetingSettings.model_validate({})
NOW = datetime(2026, 5, 4, 3, 0, tzinfo=UTC)
START = datetime(2026, 5, 7, 7, 0, tzinfo=UTC)


def test_the_report_follows_the_roster_sheets_order(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as session:
        cell = make_cell(session)
        # The sheet lists the deputy first and the secretary third; one member joined later.
        make_member(session, cell, full_name="Trần Văn Bình", role=Role.SECRETARY,
                    telegram_user_id=100, roster_no=3)  # fmt: skip
        make_member(session, cell, full_name="Vũ Văn Khánh", role=Role.DEPUTY,
                    telegram_user_id=101, roster_no=1)  # fmt: skip
        make_member(session, cell, full_name="An Thị Mai", telegram_user_id=102, roster_no=2)
        make_member(session, cell, full_name="Đỗ Văn Mới", telegram_user_id=103)
        meeting = make_meeting(session, cell, starts_at=START, now=NOW, settings=SETTINGS)
        meetings.close(
            session,
            meeting_id=meeting.id or 0,
            by=100,
            by_name="Trần Văn Bình",
            now=START + timedelta(hours=1),
            settings=SETTINGS,
        )
        session.commit()
        sheet = meetings.sheet(session, meeting_id=meeting.id or 0, settings=SETTINGS)

    ws = load_workbook(io.BytesIO(files.sheet_xlsx(sheet)))[files.SHEET_ATTENDANCE]
    values = [row[0] for row in ws.iter_rows(max_col=1, values_only=True)]
    header_row = values.index("STT") + 1
    rows = list(ws.iter_rows(min_row=header_row + 1, max_row=header_row + 4, values_only=True))
    assert [(r[0], r[1]) for r in rows] == [
        (1, "Vũ Văn Khánh"),
        (2, "An Thị Mai"),
        (3, "Trần Văn Bình"),
        (4, "Đỗ Văn Mới"),
    ]
