"""Meeting times typed by secretaries: the moment they get back, and the message when refused."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

import pytest

from bot.when import VIETNAM, WhenError, describe, parse_when

# Wednesday 2 December 2026, 09:00 in Hà Nội.
NOW = datetime(2026, 12, 2, 9, 0, tzinfo=VIETNAM)


def vn(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A wall-clock moment in Vietnam."""
    return datetime(year, month, day, hour, minute, tzinfo=VIETNAM)


def unaccented(text: str) -> str:
    """The text as typed on a keyboard without Vietnamese input: no tones, no marks, đ → d."""
    bare = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return bare.replace("đ", "d").replace("Đ", "D")


def refusal(text: str, now: datetime = NOW, **kwargs: int) -> str:
    """The message shown to the secretary when `text` is refused."""
    with pytest.raises(WhenError) as caught:
        parse_when(text, now=now, **kwargs)
    return str(caught.value)


READABLE: list[tuple[str, datetime]] = [
    # clock times alone: today
    ("14h", vn(2026, 12, 2, 14)),
    ("14h30", vn(2026, 12, 2, 14, 30)),
    ("14 giờ", vn(2026, 12, 2, 14)),
    ("14 giờ 30", vn(2026, 12, 2, 14, 30)),
    ("14 giờ 30 phút", vn(2026, 12, 2, 14, 30)),
    ("14:30", vn(2026, 12, 2, 14, 30)),
    ("14h30'", vn(2026, 12, 2, 14, 30)),
    ("2h chiều", vn(2026, 12, 2, 14)),
    ("7 giờ tối", vn(2026, 12, 2, 19)),
    ("12h trưa", vn(2026, 12, 2, 12)),
    ("2 giờ rưỡi chiều", vn(2026, 12, 2, 14, 30)),
    ("tối nay 7h30", vn(2026, 12, 2, 19, 30)),
    ("lúc 10h", vn(2026, 12, 2, 10)),
    # parts of the day with a date
    ("8h sáng mai", vn(2026, 12, 3, 8)),
    ("8g30 mai", vn(2026, 12, 3, 8, 30)),
    ("trưa mai", vn(2026, 12, 3, 12)),
    ("1h trưa mai", vn(2026, 12, 3, 13)),
    ("chiều mai 2h30", vn(2026, 12, 3, 14, 30)),
    # dates
    ("25/12 8h", vn(2026, 12, 25, 8)),
    ("25/12/2026 14h", vn(2026, 12, 25, 14)),
    ("25-12-2026 14h", vn(2026, 12, 25, 14)),
    ("25.12.26 14h", vn(2026, 12, 25, 14)),
    ("ngày 25/12 lúc 14h", vn(2026, 12, 25, 14)),
    ("ngày 25 tháng 12 14h", vn(2026, 12, 25, 14)),
    ("ngày 25 tháng 12 năm 2026 14h", vn(2026, 12, 25, 14)),
    ("hôm nay 15h", vn(2026, 12, 2, 15)),
    ("mai 7h30", vn(2026, 12, 3, 7, 30)),
    ("ngày mai 14h", vn(2026, 12, 3, 14)),
    ("ngày kia 14h", vn(2026, 12, 4, 14)),
    ("mốt 14h", vn(2026, 12, 4, 14)),
    ("ngày 31 8h", vn(2026, 12, 31, 8)),
    # days of the week: Vietnamese weeks start on Monday
    ("thứ 2 8h", vn(2026, 12, 7, 8)),
    ("thứ ba 8h", vn(2026, 12, 8, 8)),
    ("thứ tư 10h", vn(2026, 12, 2, 10)),  # today, still ahead
    ("thứ 4 8h", vn(2026, 12, 9, 8)),  # today's 08:00 has passed: next Wednesday
    ("thứ năm 14h", vn(2026, 12, 3, 14)),
    ("thứ 6 14h", vn(2026, 12, 4, 14)),
    ("t6 14h", vn(2026, 12, 4, 14)),
    ("T7 8h", vn(2026, 12, 5, 8)),
    ("thứ bảy 8h", vn(2026, 12, 5, 8)),
    ("chủ nhật 8h", vn(2026, 12, 6, 8)),
    ("CN 8h", vn(2026, 12, 6, 8)),
    ("thứ 6 tuần này 14h", vn(2026, 12, 4, 14)),
    ("thứ 6 này 14h", vn(2026, 12, 4, 14)),
    ("thứ 6 tuần sau 14h", vn(2026, 12, 11, 14)),
    ("thứ 6 tuần tới 14h", vn(2026, 12, 11, 14)),
    ("thứ 6 tuần sau nữa 14h", vn(2026, 12, 18, 14)),
    ("thứ 2 tuần sau 8h", vn(2026, 12, 7, 8)),
    ("chủ nhật tuần này 8h", vn(2026, 12, 6, 8)),
    ("chủ nhật tuần sau 8h", vn(2026, 12, 13, 8)),
    # either order, filler words and commas
    ("14h thứ 6 tuần sau", vn(2026, 12, 11, 14)),
    ("14h30 ngày 5/12", vn(2026, 12, 5, 14, 30)),
    ("20/12/2026 8:00", vn(2026, 12, 20, 8)),
    ("8:00 20/12/2026", vn(2026, 12, 20, 8)),
    ("7h30 sáng mai", vn(2026, 12, 3, 7, 30)),
    ("lúc 14 giờ ngày 25 tháng 12", vn(2026, 12, 25, 14)),
    ("vào lúc 14h, thứ 6 tuần sau", vn(2026, 12, 11, 14)),
    ("Họp vào 14h ngày 5/12.", vn(2026, 12, 5, 14)),
    ("tối thứ 7 lúc 7h30", vn(2026, 12, 5, 19, 30)),
    ("thứ Sáu, ngày 04/12/2026, 14h", vn(2026, 12, 4, 14)),
    # a date without a year that has passed this year is next year's
    ("05/01 8h", vn(2027, 1, 5, 8)),
    ("mùng 5 tháng 1 lúc 8h", vn(2027, 1, 5, 8)),
]


@pytest.mark.parametrize(("text", "expected"), READABLE, ids=[t for t, _ in READABLE])
def test_reads_meeting_time(text: str, expected: datetime) -> None:
    assert parse_when(text, now=NOW) == expected


TYPINGS: dict[str, Callable[[str], str]] = {
    "nfd": lambda t: unicodedata.normalize("NFD", t),
    "unaccented": unaccented,
    "upper": str.upper,
    "unaccented-lower": lambda t: unaccented(t).lower(),
}


@pytest.mark.parametrize("typing", list(TYPINGS))
@pytest.mark.parametrize(("text", "expected"), READABLE, ids=[t for t, _ in READABLE])
def test_reads_every_way_of_typing(text: str, expected: datetime, typing: str) -> None:
    assert parse_when(TYPINGS[typing](text), now=NOW) == expected


def test_returns_aware_utc() -> None:
    moment = parse_when("14h thứ 6 tuần sau", now=NOW)
    assert moment.utcoffset() == timedelta(0)
    assert moment == datetime(2026, 12, 11, 7, 0, tzinfo=UTC)


def test_now_in_any_zone_is_read_in_vietnam() -> None:
    # 23:00 UTC on 1 December is already 06:00 on 2 December in Vietnam.
    assert parse_when("8h", now=datetime(2026, 12, 1, 23, 0, tzinfo=UTC)) == vn(2026, 12, 2, 8)
    paris = timezone(timedelta(hours=1))
    assert parse_when("thứ 6 tuần sau 14h", now=NOW.astimezone(paris)) == vn(2026, 12, 11, 14)


def test_bare_weekday_on_that_day_is_today_only_while_ahead() -> None:
    friday_noon = vn(2026, 12, 4, 12)
    assert parse_when("14h thứ 6", now=friday_noon) == vn(2026, 12, 4, 14)
    assert parse_when("10h thứ 6", now=friday_noon) == vn(2026, 12, 11, 10)


def test_sunday_belongs_to_the_week_that_ends_with_it() -> None:
    sunday = vn(2026, 12, 6, 7)
    assert parse_when("thứ 2 tuần sau 8h", now=sunday) == vn(2026, 12, 7, 8)
    assert parse_when("chủ nhật tuần này 8h", now=sunday) == vn(2026, 12, 6, 8)


def test_toi_means_next_only_when_typed_with_its_accent() -> None:
    # "tới" is "coming", "tối" is "evening"; without accents "toi" is read as evening.
    assert parse_when("7h thứ 6 tới", now=NOW) == vn(2026, 12, 4, 7)
    assert parse_when("7h thứ 6 tối", now=NOW) == vn(2026, 12, 4, 19)
    assert parse_when("7h thu 6 toi", now=NOW) == vn(2026, 12, 4, 19)


def test_year_rolls_over_into_january() -> None:
    late_december = vn(2026, 12, 30, 10)
    assert parse_when("02/01 8h", now=late_december) == vn(2027, 1, 2, 8)
    assert parse_when("thứ 6 tuần sau 8h", now=late_december) == vn(2027, 1, 8, 8)
    assert parse_when("mai 8h", now=vn(2026, 12, 31, 10)) == vn(2027, 1, 1, 8)


# ----------------------------------------------------------------------------- refusals


def test_yesterday_date_without_year_is_a_slip_not_next_year() -> None:
    message = refusal("01/06 8h", now=vn(2026, 6, 2, 9))
    assert "đã qua" in message
    assert "08:00 thứ Hai, 01/06/2026" in message


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("8h", "08:00 thứ Tư, 02/12/2026"),
        ("8h30 sáng nay", "08:30 thứ Tư, 02/12/2026"),
        ("thứ 4 tuần này 8h", "08:00 thứ Tư, 02/12/2026"),
        ("thứ 2 tuần này 14h", "14:00 thứ Hai, 30/11/2026"),
        ("thứ 6 tuần trước 14h", "14:00 thứ Sáu, 27/11/2026"),
        ("hôm qua 14h", "14:00 thứ Ba, 01/12/2026"),
        ("14h 25/11/2026", "14:00 thứ Tư, 25/11/2026"),
        ("ngày 1 lúc 14h", "14:00 thứ Ba, 01/12/2026"),
    ],
)
def test_past_time_is_refused_showing_what_was_understood(text: str, shown: str) -> None:
    message = refusal(text)
    assert "đã qua" in message
    assert shown in message


def test_too_far_ahead_is_refused() -> None:
    message = refusal("25/12/2027 14h")
    assert "còn xa quá" in message
    assert "14:00 thứ Bảy, 25/12/2027" in message
    # Next January is 34 days away: fine by default, too far for a 30-day limit.
    assert "hơn 30 ngày" in refusal("05/01 8h", max_days=30)


@pytest.mark.parametrize(
    "text", ["25/12", "thứ 6 tuần sau", "mai", "ngày 25 tháng 12", "sáng mai", "Chủ nhật"]
)
def test_date_without_hour_asks_for_the_hour(text: str) -> None:
    message = refusal(text)
    assert message.startswith("Xin ghi cả giờ,")
    assert "14h thứ 6 tuần sau" in message


@pytest.mark.parametrize(
    ("text", "named", "problem"),
    [
        ("32/13 14h", "«32/13»", "không phải ngày có thật"),
        ("31/11 14h", "«31/11»", "không phải ngày có thật"),
        ("29/02/2027 8h", "«29/02/2027»", "không phải ngày có thật"),
        ("ngày 45 lúc 8h", "«ngày 45»", "không phải ngày có thật"),
        ("25h", "«25h»", "từ 0 đến 23"),
        ("mai 24:00", "«24:00»", "từ 0 đến 23"),
        ("14h75", "«14h75»", "từ 0 đến 59"),
        ("thứ 8 14h", "«thứ 8»", "không phải một ngày trong tuần"),
        ("14h sáng mai", "«14h sáng»", "không thuộc buổi sáng"),
        ("12h tối mai", "«12h tối»", "không thuộc buổi tối"),
    ],
)
def test_impossible_values_are_named(text: str, named: str, problem: str) -> None:
    message = refusal(text)
    assert named in message
    assert problem in message


@pytest.mark.parametrize("text", ["", "   ", " , "])
def test_empty_text_asks_for_a_time_with_examples(text: str) -> None:
    message = refusal(text)
    assert message.startswith("Xin ghi ngày giờ,")
    assert "«14h thứ 6 tuần sau»" in message
    assert "«8h30 ngày 25/12»" in message


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("abc", "«abc»"),
        ("sớm nhất có thể", "«sớm nhất có thể»"),
        ("14h ngày mai hay ngày kia", "«hay»"),
        ("họp chi bộ thứ 6 14h", "«chi bộ»"),
        ("14", "«14»"),
        ("một giờ chiều", "«một giờ»"),  # "một" (one) is not "mốt" (the day after tomorrow)
        ("8h đêm", "«đêm»"),
        ("14h tuần sau nữa ạ", "tuần sau nữa"),
    ],
)
def test_garbage_is_quoted_back_with_examples(text: str, named: str) -> None:
    message = refusal(text)
    assert named in message
    assert "14h thứ 6 tuần sau" in message


def test_week_without_weekday_asks_which_day() -> None:
    message = refusal("14h tuần sau")
    assert "thứ mấy" in message
    assert "«14h thứ 6 tuần sau»" in message


def test_two_dates_or_two_times_are_refused() -> None:
    assert "«mai» và «25/12»" in refusal("mai 25/12 8h")
    assert "«14h» và «15h»" in refusal("14h mai 15h")
    assert "«sáng» và «chiều»" in refusal("sáng mai 8h chiều")


def test_weekday_that_does_not_match_the_date_is_refused() -> None:
    message = refusal("thứ 6 ngày 3/12 14h")
    assert "03/12/2026 là thứ Năm" in message
    assert "«thứ 6»" in message
    assert "thứ Sáu" in refusal("thứ 6 tuần sau 4/12 14h")


# ----------------------------------------------------------------------------- describe


def test_describe_in_vietnam_time() -> None:
    assert describe(vn(2026, 12, 4, 14)) == "14:00 thứ Sáu, 04/12/2026"
    assert describe(datetime(2026, 12, 4, 7, 0, tzinfo=UTC)) == "14:00 thứ Sáu, 04/12/2026"
    # 18:30 UTC on Saturday is already 01:30 on Sunday in Vietnam.
    assert describe(datetime(2026, 12, 5, 18, 30, tzinfo=UTC)) == "01:30 Chủ nhật, 06/12/2026"


def test_describe_round_trips_what_was_read() -> None:
    assert describe(parse_when("7h30 sáng thứ 2 tuần sau", now=NOW)) == "07:30 thứ Hai, 07/12/2026"
