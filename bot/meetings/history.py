"""Attendance over time: a member's own record, a cell's statistics for a period, the chart."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, col, select

from bot.meetings import texts as mt
from bot.meetings.closing import sheet
from bot.meetings.reports import (
    MemberStat,
    MonthStat,
    RatePoint,
)
from bot.meetings.scheduling import MeetingError
from bot.models import (
    Mark,
    Meeting,
    MeetingAttendance,
    MeetingState,
    as_utc,
)
from bot.settings import MeetingSettings
from bot.when import VIETNAM
from knowledge.text import fold


def rate_points(
    session: Session, *, cell_id: int, limit: int, settings: MeetingSettings
) -> list[RatePoint]:
    """Attendance of the cell's last ``limit`` closed meetings, oldest first (for the chart)."""
    closed = session.exec(
        select(Meeting)
        .where(col(Meeting.cell_id) == cell_id, col(Meeting.state) == MeetingState.CLOSED)
        .order_by(col(Meeting.starts_at).desc())
        .limit(limit)
    ).all()
    points = []
    for meeting in reversed(closed):
        assert meeting.id is not None
        found = sheet(session, meeting_id=meeting.id, settings=settings)
        local = as_utc(meeting.starts_at).astimezone(VIETNAM)
        label = f"{local.day:02d}/{local.month:02d}/{local.year % 100:02d}"
        points.append(RatePoint(label, found.rate, found.present, found.denominator))
    return points


@dataclass(frozen=True)
class Record:
    """One meeting in a member's own record."""

    title: str
    starts_at: datetime
    mark: Mark
    reason: str | None


def member_record(session: Session, *, member_id: int, since: datetime) -> list[Record]:
    """A member's attendance at closed meetings since ``since``, newest first."""
    rows = session.execute(
        select(MeetingAttendance, Meeting)
        .join(Meeting, col(Meeting.id) == col(MeetingAttendance.meeting_id))
        .where(
            col(MeetingAttendance.member_id) == member_id,
            col(Meeting.state) == MeetingState.CLOSED,
            col(Meeting.starts_at) >= since,
        )
        .order_by(col(Meeting.starts_at).desc())
    ).all()
    return [
        Record(meeting.title, as_utc(meeting.starts_at), Mark(row.mark), row.reason)
        for row, meeting in rows
    ]


def month_start(year: int, month: int) -> datetime:
    """00:00 on the 1st of a month in Vietnam's time."""
    return datetime(year, month, 1, tzinfo=VIETNAM)


def parse_period(args: Sequence[str], *, now: datetime) -> tuple[datetime, datetime]:
    """[start, end) from "" (the last 12 months), "2026" (a year), "5/2026" (a month),
    "1/2026 6/2026" (months, inclusive), or words: «tháng này», «tháng trước», «năm nay»,
    «năm ngoái», «quý 1» … «quý 4» (of this year, or «quý 2/2025»), «quý này»."""
    local = now.astimezone(VIETNAM)
    this_month = month_start(local.year, local.month)
    if not args:
        start = _shift(this_month, -11)
        return start, _shift(this_month, 1)
    named = _named_period(" ".join(args), this_month)
    if named is not None:
        return named
    months = [_month(a) for a in args[:2]]
    if len(args) > 2 or any(m is None for m in months):
        raise MeetingError(mt.PERIOD_INVALID)
    first = months[0]
    assert first is not None
    if len(months) == 1 and first[1] == 0:  # a whole year
        return month_start(first[0], 1), month_start(first[0] + 1, 1)
    last = months[-1]
    assert last is not None
    start = month_start(first[0], first[1] or 1)
    end = _shift(month_start(last[0], last[1] or 12), 1)
    if end <= start:
        raise MeetingError(mt.PERIOD_INVALID)
    return start, end


def looks_like_period(args: Sequence[str]) -> bool:
    """True when /diemdanh's words name a period (numbers or words), not a member's name."""
    if _named_period(" ".join(args), month_start(2000, 1)) is not None:
        return True
    # Shaped like months or years, even when not a real one («13/2026» is a wrong period).
    return bool(args) and all(re.fullmatch(r"\d{1,2}[/.-]\d{4}|\d{4}", a) for a in args)


_QUARTERS = {"1": 1, "2": 2, "3": 3, "4": 4, "i": 1, "ii": 2, "iii": 3, "iv": 4}
_QUARTER = re.compile(r"quy (1|2|3|4|i|ii|iii|iv)(?:\s*(?:/|nam)?\s*(\d{4}))?")


def _named_period(text: str, this_month: datetime) -> tuple[datetime, datetime] | None:
    """A period said in words, relative to ``this_month``; None when the words are not one."""
    words = " ".join(fold(text).lower().split())
    year = this_month.year
    if words == "thang nay":
        return this_month, _shift(this_month, 1)
    if words in ("thang truoc", "thang vua roi"):
        return _shift(this_month, -1), this_month
    if words == "nam nay":
        return month_start(year, 1), month_start(year + 1, 1)
    if words in ("nam truoc", "nam ngoai", "nam vua roi"):
        return month_start(year - 1, 1), month_start(year, 1)
    if words == "quy nay":
        first = month_start(year, (this_month.month - 1) // 3 * 3 + 1)
        return first, _shift(first, 3)
    quarter = _QUARTER.fullmatch(words)
    if quarter is None:
        return None
    in_year = int(quarter.group(2)) if quarter.group(2) else year
    if not 2000 <= in_year <= 2100:
        return None
    first = month_start(in_year, (_QUARTERS[quarter.group(1)] - 1) * 3 + 1)
    return first, _shift(first, 3)


def _month(text: str) -> tuple[int, int] | None:
    parts = text.replace("-", "/").replace(".", "/").split("/")
    try:
        numbers = [int(p) for p in parts]
    except ValueError:
        return None
    if len(numbers) == 1 and 2000 <= numbers[0] <= 2100:
        return numbers[0], 0
    if len(numbers) == 2 and 1 <= numbers[0] <= 12 and 2000 <= numbers[1] <= 2100:
        return numbers[1], numbers[0]
    return None


def _shift(moment: datetime, months: int) -> datetime:
    index = moment.year * 12 + moment.month - 1 + months
    return month_start(index // 12, index % 12 + 1)


@dataclass
class _Tally:
    name: str
    role: str
    marks: dict[Mark, int]


@dataclass
class _Month:
    meetings: set[int]
    present: int = 0
    denominator: int = 0


def statistics(
    session: Session, *, cell_id: int, start: datetime, end: datetime, settings: MeetingSettings
) -> tuple[list[MemberStat], list[MonthStat]]:
    """Per member and per month figures of the cell's closed meetings in [start, end)."""
    # SQLite compares the stored UTC wall time, so bounds in Vietnam's time must become UTC.
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    rows = session.execute(
        select(MeetingAttendance, Meeting)
        .join(Meeting, col(Meeting.id) == col(MeetingAttendance.meeting_id))
        .where(
            col(Meeting.cell_id) == cell_id,
            col(Meeting.state) == MeetingState.CLOSED,
            col(Meeting.starts_at) >= start,
            col(Meeting.starts_at) < end,
        )
        .order_by(col(Meeting.starts_at))
    ).all()
    people: dict[tuple[int | None, str], _Tally] = {}
    months: dict[tuple[int, int], _Month] = {}
    for row, meeting in rows:
        mark = Mark(row.mark)
        person = people.setdefault(
            (row.member_id, row.member_name),
            _Tally(row.member_name, row.member_role, dict.fromkeys(Mark, 0)),
        )
        person.marks[mark] += 1
        local = as_utc(meeting.starts_at).astimezone(VIETNAM)
        month = months.setdefault((local.year, local.month), _Month(set()))
        month.meetings.add(meeting.id or 0)
        rule = meeting.excused_in_denominator
        counts_excused = settings.excused_in_denominator if rule is None else rule
        month.present += mark in (Mark.PRESENT, Mark.LATE)
        month.denominator += mark != Mark.EXCUSED or counts_excused
    member_stats = [
        MemberStat(
            name=p.name,
            role=p.role,
            meetings=sum(p.marks.values()),
            present=p.marks[Mark.PRESENT] + p.marks[Mark.LATE],
            late=p.marks[Mark.LATE],
            excused=p.marks[Mark.EXCUSED],
            absent=p.marks[Mark.ABSENT],
        )
        for p in sorted(people.values(), key=lambda p: fold(p.name))
    ]
    month_stats = [
        MonthStat(f"{month:02d}/{year}", len(m.meetings), m.present, m.denominator)
        for (year, month), m in sorted(months.items())
    ]
    return member_stats, month_stats


def days_ago(now: datetime, days: int) -> datetime:
    """``days`` before ``now``."""
    return now - timedelta(days=days)
