"""Dates and times as a secretary types them in Vietnamese: one grammar for meetings and notices.

Text is read with or without diacritics, in any case and in NFC or NFD: "14h thứ 6 tuần sau",
"8h30 ngày 25/12", "7h30 sang mai", "lúc 14 giờ ngày 25 tháng 12 năm 2026". Anything this module
cannot read with confidence is refused with a Vietnamese message, never guessed: a wrong meeting
time costs more than asking again.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone

from knowledge.text import fold, nfc

VIETNAM = timezone(timedelta(hours=7))  # no daylight saving since 1975; needs no tzdata

# ----------------------------------------------------------------------------- messages

EXAMPLES = "ví dụ: «14h thứ 6 tuần sau», «8h30 ngày 25/12», «19h30 mai»"
EMPTY = "Xin ghi ngày giờ, " + EXAMPLES + "."
NOT_UNDERSTOOD = "Tôi chưa hiểu «{part}» trong ngày giờ đã ghi. Xin ghi ngày giờ, " + EXAMPLES + "."
BAD_HOUR = "Giờ «{part}» không hợp lệ: giờ phải từ 0 đến 23. Xin ghi lại, " + EXAMPLES + "."
BAD_MINUTE = (
    "Phút trong «{part}» không hợp lệ: phút phải từ 0 đến 59. Xin ghi lại, " + EXAMPLES + "."
)
BAD_DATE = "«{part}» không phải ngày có thật trong lịch. Xin ghi lại, " + EXAMPLES + "."
BAD_WEEKDAY = (
    "«{part}» không phải một ngày trong tuần: chỉ có thứ 2 đến thứ 7 và chủ nhật. "
    "Xin ghi lại, " + EXAMPLES + "."
)
BAD_PERIOD = (
    "«{part}» không rõ: {hour} giờ không thuộc buổi {period}. "
    "Xin ghi ví dụ «8h sáng», «2h chiều», «19h»."
)
WEEK_WITHOUT_DAY = "Xin ghi rõ thứ mấy của «{part}», ví dụ: «14h thứ 6 {part}»."
TWO_DAYS = "Có hai ngày khác nhau («{first}» và «{second}»); xin ghi một ngày, " + EXAMPLES + "."
TWO_TIMES = "Có hai giờ khác nhau («{first}» và «{second}»); xin ghi một giờ, " + EXAMPLES + "."
TWO_PERIODS = "«{first}» và «{second}» mâu thuẫn nhau; xin ghi một giờ, " + EXAMPLES + "."
NO_HOUR = "Xin ghi cả giờ, ví dụ: «14h thứ 6 tuần sau», «8h sáng mai»."
WEEKDAY_MISMATCH = "Ngày {date} là {weekday}, không khớp với «{part}»; xin kiểm tra lại."
PAST = "Thời điểm {moment} đã qua; xin ghi một thời điểm sắp tới, " + EXAMPLES + "."
TOO_FAR = (
    "Thời điểm {moment} còn xa quá (hơn {days} ngày nữa); xin ghi một ngày "
    "trong vòng {days} ngày tới."
)

WEEKDAY_NAMES = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")


class WhenError(ValueError):
    """A time that cannot be used; str(exc) is a helpful Vietnamese message for the user."""


# ----------------------------------------------------------------------------- public API


def parse_when(text: str, *, now: datetime, max_days: int = 366) -> datetime:
    """The moment meant by `text`, read in Vietnam's time, returned as an aware UTC datetime.

    `now` is aware (any zone). Raises WhenError for garbage (message gives examples of what
    works), for a time in the past (message shows the parsed time as 'HH:MM thứ X, dd/mm/yyyy'),
    and for a time more than max_days ahead.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    now_local = now.astimezone(VIETNAM)
    found = _read(_Scan(text))
    clock = _clock_of(found)
    day = _day_of(found, clock, now_local)
    moment = datetime.combine(day, clock, tzinfo=VIETNAM)
    if moment <= now_local:
        raise WhenError(PAST.format(moment=describe(moment)))
    if moment - now_local > timedelta(days=max_days):
        raise WhenError(TOO_FAR.format(moment=describe(moment), days=max_days))
    return moment.astimezone(UTC)


def describe(moment: datetime) -> str:
    """'14:00 thứ Sáu, 04/12/2026' in Vietnam's time (Chủ nhật for Sunday)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("moment must be timezone-aware")
    local = moment.astimezone(VIETNAM)
    return f"{local:%H:%M} {WEEKDAY_NAMES[local.weekday()]}, {local:%d/%m/%Y}"


# ----------------------------------------------------------------------------- scanning

# Words that carry no date or time: "họp vào lúc 14h", "khoảng 8h sáng".
_FILLER = frozenset({"luc", "vao", "khoang", "hop", "buoi"})
_PUNCT = ",;!?()[]\"'«»“”‘’…–—"
# A dot or hyphen between digits belongs to a date ("25.12.26", "25-12-2026"); elsewhere it is
# sentence punctuation ("... ngày 5/12.", "thứ 6 - 14h").
_LOOSE_DOT_DASH = re.compile(r"(?<!\d)[.-]|[.-](?!\d)")


class _Scan:
    """The folded text being read, with spans blanked out as they are understood.

    `origin` maps every folded character back to the typed text so messages can quote the
    user's own words, diacritics included.
    """

    def __init__(self, text: str) -> None:
        self.original = nfc(text)
        chars: list[str] = []
        self.origin: list[int] = []
        for i, ch in enumerate(self.original):
            for out in fold(ch):
                chars.append(out)
                self.origin.append(i)
        # The minute mark "14h30'" is the one apostrophe worth keeping.
        work = "".join(
            "'"
            if c in "'’" and i > 0 and chars[i - 1].isdigit()
            else " "
            if c in _PUNCT or c.isspace()
            else c
            for i, c in enumerate(chars)
        )
        self.work = _LOOSE_DOT_DASH.sub(" ", work)

    def matches(self, pattern: re.Pattern[str]) -> Iterator[re.Match[str]]:
        """Matches of `pattern` in what is still unread."""
        yield from list(pattern.finditer(self.work))

    def consume(self, start: int, end: int) -> None:
        """Mark a span as read."""
        self.work = self.work[:start] + " " * (end - start) + self.work[end:]

    def source(self, start: int, end: int) -> str:
        """The typed text behind a span of the folded text."""
        if start >= end:
            return ""
        return self.original[self.origin[start] : self.origin[end - 1] + 1]

    def unread(self) -> list[str]:
        """Typed words left over that are not filler."""
        words = []
        for m in re.finditer(r"\S+", self.work):
            if m.group().strip(_PUNCT + ".-:") not in _FILLER | {""}:
                words.append(self.source(m.start(), m.end()))
        return words


@dataclass(frozen=True)
class _Clock:
    start: int  # where it was typed, to quote clashes in the user's order
    hour: int
    minute: int
    source: str


@dataclass(frozen=True)
class _Day:
    """A named day: a full date, a day and month, a day of the month, or days from today."""

    start: int
    source: str
    full: date | None = None
    day: int | None = None
    month: int | None = None
    offset: int | None = None


@dataclass(frozen=True)
class _Weekday:
    index: int  # Monday is 0, as in date.weekday()
    week: int | None  # 0 this week, 1 next, 2 the one after, -1 last; None: the next one ahead
    source: str


@dataclass(frozen=True)
class _Period:
    name: str  # folded: sang, trua, chieu, toi
    source: str


@dataclass
class _Found:
    clocks: list[_Clock]
    days: list[_Day]
    weekdays: list[_Weekday]
    periods: list[_Period]


_NO_LEFT = r"(?<![\w/.:'-])"
_DAY_PREFIX = r"(?:(?:ngay|mung|mong)\s+)?"

_NUMERIC_DATE = re.compile(
    _NO_LEFT + _DAY_PREFIX + r"(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})(?:[/.-](?P<y>\d{4}|\d{2}))?"
    r"(?![\w/.:'-])"
)
_WORDED_DATE = re.compile(
    r"(?<!\w)" + _DAY_PREFIX + r"(?P<d>\d{1,2})\s+thang\s+(?P<m>\d{1,2})"
    r"(?:\s+(?:nam\s+)?(?P<y>\d{4}))?(?!\w)"
)
_CLOCK_H = re.compile(
    _NO_LEFT + r"(?P<h>\d{1,2})\s*(?:gio|h|g)"
    r"(?:\s*(?P<m>\d{1,2})(?:\s*(?:phut|p|'))?|\s*(?P<half>ruoi))?(?![\w'])"
)
_CLOCK_COLON = re.compile(_NO_LEFT + r"(?P<h>\d{1,2}):(?P<m>\d{2})(?:\s*(?:gio|h))?(?![\w:'])")
_WEEKDAY = re.compile(
    r"(?<!\w)(?:ngay\s+)?"
    r"(?:thu\s*(?P<name>hai|ba|tu|nam|sau|bay|\d{1,2})|t(?P<abbr>\d{1,2})|(?P<sun>chu\s*nhat|cn))"
    r"(?!\w)"
    r"(?:\s+(?:cua\s+)?tuan\s+(?P<week>sau\s+nua|toi\s+nua|nay|sau|toi|truoc)(?!\w)"
    r"|\s+(?P<near>nay|toi)(?!\w))?"
)
_WEEK_ALONE = re.compile(r"(?<!\w)tuan\s+(?:sau\s+nua|toi\s+nua|nay|sau|toi|truoc)(?!\w)")
_RELATIVE = re.compile(r"(?<!\w)(?:ngay\s+)?(?P<w>hom\s+nay|hom\s+qua|mai|kia|mot|nay)(?!\w)")
_DAY_OF_MONTH = re.compile(r"(?<!\w)(?:ngay|mung|mong)\s+(?P<d>\d{1,2})(?![\w/.:'-])")
_PERIOD = re.compile(r"(?<!\w)(?:buoi\s+)?(?P<p>sang|trua|chieu|toi)(?!\w)")

_WEEKDAY_WORDS = {"hai": 0, "ba": 1, "tu": 2, "nam": 3, "sau": 4, "bay": 5}
_WEEKS = {"nay": 0, "sau": 1, "toi": 1, "sau nua": 2, "toi nua": 2, "truoc": -1}
_RELATIVE_DAYS = {"hom nay": 0, "nay": 0, "mai": 1, "kia": 2, "mot": 2, "hom qua": -1}


def _read(scan: _Scan) -> _Found:
    """Every date, time and part of day in the text; refuses anything left over."""
    if not scan.work.strip():
        raise WhenError(EMPTY)
    found = _Found(clocks=[], days=[], weekdays=[], periods=[])
    # Order matters: full dates first so "14h 25/12" is not read as 14:25, clock times before
    # weekdays and days of the month so "ngày 14 giờ" is never day 14.
    for m in scan.matches(_NUMERIC_DATE):
        found.days.append(_dated(m, scan))
        scan.consume(m.start(), m.end())
    for m in scan.matches(_WORDED_DATE):
        found.days.append(_dated(m, scan))
        scan.consume(m.start(), m.end())
    for m in scan.matches(_CLOCK_H):
        found.clocks.append(_clocked(m, scan))
        scan.consume(m.start(), m.end())
    for m in scan.matches(_CLOCK_COLON):
        found.clocks.append(_clocked(m, scan))
        scan.consume(m.start(), m.end())
    for m in scan.matches(_WEEKDAY):
        found.weekdays.append(_weekday(m, scan))
    for m in scan.matches(_WEEK_ALONE):
        raise WhenError(WEEK_WITHOUT_DAY.format(part=scan.source(m.start(), m.end()).lower()))
    for m in scan.matches(_RELATIVE):
        word = re.sub(r"\s+", " ", m["w"])
        # Folded "mot" is "mốt" (the day after tomorrow) but never "một" (one).
        if word.endswith("mot") and scan.source(m.end() - 3, m.end()).lower() == "một":
            continue
        found.days.append(
            _Day(
                start=m.start(), source=scan.source(m.start(), m.end()), offset=_RELATIVE_DAYS[word]
            )
        )
        scan.consume(m.start(), m.end())
    for m in scan.matches(_DAY_OF_MONTH):
        source = scan.source(m.start(), m.end())
        day = int(m["d"])
        if not 1 <= day <= 31:
            raise WhenError(BAD_DATE.format(part=source))
        found.days.append(_Day(start=m.start(), source=source, day=day))
        scan.consume(m.start(), m.end())
    for m in scan.matches(_PERIOD):
        # Folded "toi" is "tối" (evening), never "tới" (next) or "tôi" (I).
        if m["p"] == "toi" and scan.source(m.start("p"), m.end("p")).lower() in ("tới", "tôi"):
            continue
        found.periods.append(_Period(name=m["p"], source=scan.source(m.start(), m.end())))
        scan.consume(m.start(), m.end())
    leftover = scan.unread()
    if leftover:
        part = " ".join(leftover)
        # Quote enough to recognise, not a pasted paragraph.
        raise WhenError(NOT_UNDERSTOOD.format(part=part if len(part) <= 60 else part[:59] + "…"))
    found.clocks.sort(key=lambda c: c.start)
    found.days.sort(key=lambda d: d.start)
    return found


def _dated(m: re.Match[str], scan: _Scan) -> _Day:
    """A typed date ("25/12", "25 tháng 12 năm 2026"), refused if it is not in the calendar."""
    source = scan.source(m.start(), m.end())
    day, month = int(m["d"]), int(m["m"])
    try:
        date(2000, month, day)  # a leap year: 29/02 is a real day in some year
        if m["y"] is None:
            return _Day(start=m.start(), source=source, day=day, month=month)
        year = int(m["y"]) + (2000 if len(m["y"]) == 2 else 0)
        return _Day(start=m.start(), source=source, full=date(year, month, day))
    except ValueError:
        raise WhenError(BAD_DATE.format(part=source)) from None


def _clocked(m: re.Match[str], scan: _Scan) -> _Clock:
    """A typed clock time ("14h30", "14:30", "2 giờ rưỡi"), refused if out of range."""
    source = scan.source(m.start(), m.end())
    hour = int(m["h"])
    minute = 30 if m.groupdict().get("half") else int(m["m"] or 0)
    if hour > 23:
        raise WhenError(BAD_HOUR.format(part=source))
    if minute > 59:
        raise WhenError(BAD_MINUTE.format(part=source))
    return _Clock(start=m.start(), hour=hour, minute=minute, source=source)


def _weekday(m: re.Match[str], scan: _Scan) -> _Weekday:
    """A typed day of the week with its week, if any; consumes what it used."""
    end = m.end()
    week: int | None = None
    if m["week"]:
        week = _WEEKS[re.sub(r"\s+", " ", m["week"])]
    elif m["near"] == "nay":
        week = 0
    elif m["near"] == "toi" and scan.source(m.start("near"), m.end("near")).lower() != "tới":
        # "thứ 6 tối" is Friday evening: leave "tối" for the part of day.
        end = m.start("near")
    source = scan.source(m.start(), end).strip()
    scan.consume(m.start(), end)
    if m["sun"]:
        return _Weekday(index=6, week=week, source=source)
    name = m["name"] or m["abbr"]
    if name in _WEEKDAY_WORDS:
        return _Weekday(index=_WEEKDAY_WORDS[name], week=week, source=source)
    if not 2 <= int(name) <= 7:
        raise WhenError(BAD_WEEKDAY.format(part=source))
    return _Weekday(index=int(name) - 2, week=week, source=source)


# ----------------------------------------------------------------------------- resolving


def _clock_of(found: _Found) -> time:
    """The hour of the meeting, with "sáng/trưa/chiều/tối" applied."""
    if len(found.clocks) > 1:
        first, second = found.clocks[:2]
        raise WhenError(TWO_TIMES.format(first=first.source, second=second.source))
    clash = [p for p in found.periods if p.name != found.periods[0].name]
    if clash:
        raise WhenError(TWO_PERIODS.format(first=found.periods[0].source, second=clash[0].source))
    period = found.periods[0] if found.periods else None
    if not found.clocks:
        if period is not None and period.name == "trua":
            return time(12, 0)
        raise WhenError(NO_HOUR)
    clock = found.clocks[0]
    if period is None:
        return time(clock.hour, clock.minute)
    hour = _in_period(clock.hour, period.name)
    if hour is None:
        raise WhenError(
            BAD_PERIOD.format(
                part=f"{clock.source} {period.source}",
                hour=clock.hour,
                period=period.source.lower().removeprefix("buổi ").removeprefix("buoi "),
            )
        )
    return time(hour, clock.minute)


def _in_period(hour: int, period: str) -> int | None:
    """The 24-hour clock hour of "`hour` giờ `period`", or None if they contradict."""
    if period == "sang":
        return hour if hour <= 11 else None
    if period == "trua":
        if hour in (1, 2):
            return hour + 12
        return hour if 10 <= hour <= 14 else None
    if period == "chieu":
        if 1 <= hour <= 11:
            return hour + 12
        return hour if hour >= 12 else None
    # tối: noon and midnight are not evening.
    if 1 <= hour <= 11:
        return hour + 12
    return hour if hour >= 13 else None


def _day_of(found: _Found, clock: time, now: datetime) -> date:
    """The meeting's date; a bare time means today."""
    if len(found.days) > 1:
        first, second = found.days[:2]
        raise WhenError(TWO_DAYS.format(first=first.source, second=second.source))
    if len(found.weekdays) > 1:
        first_w, second_w = found.weekdays[:2]
        raise WhenError(TWO_DAYS.format(first=first_w.source, second=second_w.source))
    today = now.date()
    weekday = found.weekdays[0] if found.weekdays else None
    if not found.days:
        if weekday is None:
            return today
        return _weekday_date(weekday, clock, now)
    day = _named_date(found.days[0], clock, now)
    if weekday is not None:
        expected = _weekday_date(weekday, clock, now) if weekday.week is not None else None
        if day.weekday() != weekday.index or (expected is not None and expected != day):
            raise WhenError(
                WEEKDAY_MISMATCH.format(
                    date=f"{day:%d/%m/%Y}",
                    weekday=WEEKDAY_NAMES[day.weekday()],
                    part=weekday.source,
                )
            )
    return day


def _weekday_date(weekday: _Weekday, clock: time, now: datetime) -> date:
    """That weekday in the named week (weeks start on Monday), or the next one still ahead."""
    today = now.date()
    if weekday.week is not None:
        monday = today - timedelta(days=today.weekday())
        return monday + timedelta(days=7 * weekday.week + weekday.index)
    ahead = today + timedelta(days=(weekday.index - today.weekday()) % 7)
    if datetime.combine(ahead, clock, tzinfo=VIETNAM) <= now:
        ahead += timedelta(days=7)
    return ahead


def _named_date(day: _Day, clock: time, now: datetime) -> date:
    """The date a _Day names; without a year (or month), the nearer of last and next."""
    today = now.date()
    if day.full is not None:
        return day.full
    if day.offset is not None:
        return today + timedelta(days=day.offset)
    assert day.day is not None
    if day.month is not None:
        candidates = [_safe_date(today.year + k, day.month, day.day) for k in range(9)]
    else:
        months = [
            (today.year + (today.month - 1 + k) // 12, (today.month - 1 + k) % 12 + 1)
            for k in range(13)
        ]
        candidates = [_safe_date(y, m, day.day) for y, m in months]
    return _nearest(candidates, clock, now)


def _nearest(candidates: list[date | None], clock: time, now: datetime) -> date:
    """The first candidate still ahead, unless the first one passed more recently than that.

    Typed on 2 June, "01/06" is a slip (yesterday), not next year; typed in December, "05/01"
    means the coming January. The first candidate is this year's (or this month's) day.
    """

    def at(d: date) -> datetime:
        return datetime.combine(d, clock, tzinfo=VIETNAM)

    first = candidates[0]
    ahead = next((d for d in candidates if d is not None and at(d) > now), None)
    if ahead is None:
        assert first is not None
        return first
    if first is not None and at(first) <= now and now - at(first) < at(ahead) - now:
        return first
    return ahead


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
