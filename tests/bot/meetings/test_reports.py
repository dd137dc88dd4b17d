"""Files a secretary receives after a meeting: summary sentence, message, CSV, XLSX and chart."""

from __future__ import annotations

import csv
import io
import warnings
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest
from openpyxl import load_workbook
from PIL import Image

from bot.meetings.reports import (
    AttendanceLine,
    Mark,
    MeetingSheet,
    MemberStat,
    MonthStat,
    RatePoint,
    chart_points,
    format_rate,
    rate_chart,
    rate_chart_png,
    sheet_csv,
    sheet_text,
    sheet_xlsx,
    statistics_csv,
    statistics_xlsx,
)
from knowledge.text import fold

VN = timezone(timedelta(hours=7))
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
TITLE = "Sinh hoạt chi bộ thường kỳ tháng 12/2026"


def make_line(name: str = "Nguyễn Văn An", **overrides: object) -> AttendanceLine:
    values: dict[str, object] = {
        "name": name,
        "role": "Đảng viên",
        "mark": Mark.PRESENT,
        "checked_in_at": datetime(2026, 12, 4, 6, 55, tzinfo=UTC),  # 13:55 in Hà Nội
        "method": "Mã QR",
        "recorded_by": None,
        "reason": None,
    }
    values.update(overrides)
    return AttendanceLine(**values)  # type: ignore[arg-type]


def make_sheet(
    lines: list[AttendanceLine], *, excused_in_denominator: bool = False
) -> MeetingSheet:
    return MeetingSheet(
        cell_name="Chi bộ Khu phố 3",
        title=TITLE,
        starts_at=datetime(2026, 12, 4, 14, 0, tzinfo=VN),  # a Friday
        place="Hội trường Khu phố 3",
        lines=tuple(lines),
        excused_in_denominator=excused_in_denominator,
    )


def mixed_sheet(*, excused_in_denominator: bool = False) -> MeetingSheet:
    """23 members: 19 on time, 1 late, 1 excused, 1 absent, 1 written in by hand."""
    lines = [make_line(f"Đảng viên {i:02d}") for i in range(1, 19)]
    lines.insert(0, make_line("Trần Thị Bích Ngọc", role="Bí thư"))
    lines += [
        make_line(
            "Lê Văn Đức",
            mark=Mark.LATE,
            checked_in_at=datetime(2026, 12, 4, 7, 20, tzinfo=UTC),
            method="Mã số",
        ),
        make_line(
            "Phạm Thị Hường",
            mark=Mark.EXCUSED,
            checked_in_at=None,
            method="Ghi tay",
            recorded_by="Trần Thị Bích Ngọc",
            reason="Đi công tác Đà Nẵng",
        ),
        make_line("Hoàng Quốc Việt", mark=Mark.ABSENT, checked_in_at=None, method=None),
        make_line("Vũ Đình Khôi", method="Ghi tay", recorded_by="Trần Thị Bích Ngọc"),
    ]
    return make_sheet(lines, excused_in_denominator=excused_in_denominator)


# ----------------------------------------------------------------------------- numbers and sentence


@pytest.mark.parametrize(
    ("rate", "expected"),
    [
        (1.0, "100%"),
        (22 / 23, "95,65%"),
        (0.95652, "95,65%"),
        (0.955, "95,5%"),
        (0.5, "50%"),
        (2 / 3, "66,67%"),
        (0.0, "0%"),
        (0, "0%"),
    ],
)
def test_format_rate_writes_a_vietnamese_percent(rate: float, expected: str) -> None:
    assert format_rate(rate) == expected


def test_format_rate_with_one_decimal_for_chart_labels() -> None:
    assert format_rate(22 / 23, digits=1) == "95,7%"
    assert format_rate(1.0, digits=1) == "100%"


def test_full_attendance_summary() -> None:
    sheet = make_sheet([make_line(f"Đảng viên {i}") for i in range(23)])

    assert sheet.summary() == "Chi bộ có 23 đảng viên, dự sinh hoạt 23/23, tỷ lệ 100%"
    assert sheet.rate == 1.0


def test_summary_leaves_excused_out_of_the_denominator() -> None:
    sheet = mixed_sheet(excused_in_denominator=False)

    assert (sheet.total, sheet.present, sheet.late, sheet.excused, sheet.absent) == (
        23,
        21,
        1,
        1,
        1,
    )
    assert sheet.denominator == 22
    assert sheet.summary() == (
        "Chi bộ có 23 đảng viên, dự sinh hoạt 21/22, tỷ lệ 95,45%"
        "; vắng có lý do 1, vắng không lý do 1; đi muộn 1"
    )


def test_summary_counts_excused_when_the_cell_says_so() -> None:
    sheet = mixed_sheet(excused_in_denominator=True)

    assert sheet.denominator == 23
    assert sheet.summary() == (
        "Chi bộ có 23 đảng viên, dự sinh hoạt 21/23, tỷ lệ 91,3%"
        "; vắng có lý do 1, vắng không lý do 1; đi muộn 1"
    )


def test_summary_with_late_only_has_no_absence_clause() -> None:
    sheet = make_sheet([make_line("A"), make_line("B", mark=Mark.LATE)])

    assert sheet.summary() == "Chi bộ có 2 đảng viên, dự sinh hoạt 2/2, tỷ lệ 100%; đi muộn 1"


def test_empty_and_all_excused_meetings_rate_zero() -> None:
    assert make_sheet([]).rate == 0.0
    assert make_sheet([]).summary() == "Chi bộ có 0 đảng viên, dự sinh hoạt 0/0, tỷ lệ 0%"
    all_excused = make_sheet([make_line(mark=Mark.EXCUSED)])
    assert all_excused.denominator == 0
    assert all_excused.rate == 0.0


def test_stat_rates() -> None:
    member = MemberStat(
        "Lê Văn Đức", "Đảng viên", meetings=4, present=3, late=1, excused=1, absent=0
    )
    assert member.rate == 0.75
    assert MemberStat("Mới", "Đảng viên", 0, 0, 0, 0, 0).rate == 0.0
    assert MonthStat("12/2026", meetings=2, present=44, denominator=46).rate == 44 / 46
    assert MonthStat("01/2027", 0, 0, 0).rate == 0.0


# ----------------------------------------------------------------------------- Telegram message


def test_sheet_text_lists_each_section_with_details() -> None:
    text = sheet_text(mixed_sheet())

    assert text.startswith(f"<b>{TITLE}</b>\nChi bộ Khu phố 3\n")
    assert "14:00 thứ Sáu, 04/12/2026" in text
    assert "Hội trường Khu phố 3" in text
    assert f"<b>{mixed_sheet().summary()}</b>" in text
    # Each member is listed once, under their own mark; the late one is not in "Có mặt".
    assert "<b>Có mặt (20)</b>\n1. Trần Thị Bích Ngọc\n2. Đảng viên 01\n" in text
    assert "20. Vũ Đình Khôi\n\n<b>Đi muộn (1)</b>" in text
    assert "<b>Đi muộn (1)</b>\n1. Lê Văn Đức — 14:20" in text
    assert "<b>Vắng có lý do (1)</b>\n1. Phạm Thị Hường — Đi công tác Đà Nẵng" in text
    assert text.endswith("<b>Vắng không lý do (1)</b>\n1. Hoàng Quốc Việt")
    assert text.count("Lê Văn Đức") == 1


def test_sheet_text_omits_empty_sections_and_escapes_names() -> None:
    sheet = make_sheet([make_line("<b>Tèo</b> & Tí")])
    sheet = MeetingSheet(
        cell_name="Chi bộ <A>",
        title=sheet.title,
        starts_at=datetime(2026, 12, 6, 1, 30, tzinfo=UTC),  # 08:30 Sunday in Vietnam
        place=sheet.place,
        lines=sheet.lines,
        excused_in_denominator=False,
    )

    text = sheet_text(sheet)

    assert "1. &lt;b&gt;Tèo&lt;/b&gt; &amp; Tí" in text
    assert "Chi bộ &lt;A&gt;" in text
    assert "08:30 Chủ nhật, 06/12/2026" in text
    assert "Đi muộn" not in text
    assert "Vắng" not in text


# ----------------------------------------------------------------------------- CSV


def read_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_sheet_csv_has_bom_vietnamese_header_and_one_row_per_member() -> None:
    data = sheet_csv(mixed_sheet())

    assert data.startswith(b"\xef\xbb\xbf")
    rows = read_csv(data)
    assert rows[0] == [
        "STT",
        "Họ và tên",
        "Chức vụ",
        "Điểm danh",
        "Giờ điểm danh",
        "Cách điểm danh",
        "Người ghi",
        "Lý do vắng",
    ]
    assert len(rows) == 1 + 23
    assert rows[1] == ["1", "Trần Thị Bích Ngọc", "Bí thư", "Có mặt", "13:55", "Mã QR", "", ""]
    by_name = {row[1]: row for row in rows[1:]}
    assert by_name["Lê Văn Đức"][3:6] == ["Đi muộn", "14:20", "Mã số"]
    assert by_name["Phạm Thị Hường"][3:] == [
        "Vắng có lý do",
        "",
        "Ghi tay",
        "Trần Thị Bích Ngọc",
        "Đi công tác Đà Nẵng",
    ]
    assert by_name["Hoàng Quốc Việt"][3] == "Vắng không lý do"


@pytest.mark.parametrize(
    "name",
    ['=HYPERLINK("http://x.example","Bấm")', "+1", "-2+3", "@SUM(A1)", "＝1+1", "＋1", "＠SUM(A1)"],
)
def test_sheet_csv_neutralises_formulas(name: str) -> None:
    rows = read_csv(sheet_csv(make_sheet([make_line(name, reason="=1+1")])))

    assert rows[1][1] == "'" + name
    assert rows[1][7] == "'=1+1"


def test_a_reason_starting_with_a_full_width_equals_sign_is_neutralised() -> None:
    rows = read_csv(sheet_csv(make_sheet([make_line("Lê Văn Cường", reason="＝HYPERLINK(1)")])))

    assert rows[1][7] == "'＝HYPERLINK(1)"


# ----------------------------------------------------------------------------- XLSX


def test_sheet_xlsx_is_the_report_a_committee_prints_and_signs() -> None:
    sheet = replace(
        mixed_sheet(),
        committee_name="Đảng bộ Phường Điện Biên",
        secretary_name="Trần Thị Bích Ngọc",
        lines=tuple(reversed(mixed_sheet().lines)),  # whatever order the marks came in
    )
    book = load_workbook(io.BytesIO(sheet_xlsx(sheet)))

    assert book.sheetnames == ["Điểm danh", "Tổng hợp"]
    ws = book["Điểm danh"]
    # The Party header: the đảng bộ and the cell on the left, the Party on the right.
    assert (ws["A1"].value, ws["E1"].value) == (
        "ĐẢNG BỘ PHƯỜNG ĐIỆN BIÊN",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
    )
    assert ws["A2"].value == "CHI BỘ KHU PHỐ 3"
    assert ws["E3"].value == "ngày 04 tháng 12 năm 2026"
    values = [row[0] for row in ws.iter_rows(max_col=1, values_only=True)]
    assert values[4:8] == [
        "DANH SÁCH ĐẢNG VIÊN DỰ SINH HOẠT CHI BỘ",
        TITLE,
        "Thời gian: 14:00 thứ Sáu, 04/12/2026",
        "Địa điểm: Hội trường Khu phố 3",
    ]
    header_row = values.index("STT") + 1
    header = [cell.value for cell in ws[header_row]]
    assert header[:3] == ["STT", "Họ và tên", "Chức vụ"] and header[-1] == "Lý do vắng"
    assert all(cell.font.bold for cell in ws[header_row])
    assert ws.freeze_panes == f"A{header_row + 1}"
    rows = list(ws.iter_rows(min_row=header_row + 1, max_row=header_row + 23, values_only=True))
    # The cell's order with STT: the bí thư first, then members by name — not by mark.
    assert [r[0] for r in rows] == list(range(1, 24))
    assert rows[0][1:4] == ("Trần Thị Bích Ngọc", "Bí thư", "Có mặt")
    names = [r[1] for r in rows[1:]]
    assert names == sorted(names, key=fold)
    by_name = {r[1]: r for r in rows}
    assert by_name["Phạm Thị Hường"][3] == "Vắng có lý do"
    assert by_name["Phạm Thị Hường"][7] == "Đi công tác Đà Nẵng"
    assert by_name["Lê Văn Đức"][3:5] == ("Đi muộn", "14:20")
    # Totals, then the signature block with the bí thư's name.
    assert sheet.summary() in values
    assert "NGƯỜI LẬP BIỂU" in values
    signing = [row[4] for row in ws.iter_rows(min_row=header_row + 24, values_only=True)]
    assert "T/M CHI BỘ\nBÍ THƯ" in signing and signing[-1] == "Trần Thị Bích Ngọc"
    # Printed on A4 portrait, one page wide, the table's header on every page.
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.page_setup.orientation == "portrait"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.print_title_rows == f"${header_row}:${header_row}"


def test_sheet_xlsx_totals_sheet_has_numbers_and_a_percent_rate() -> None:
    book = load_workbook(io.BytesIO(sheet_xlsx(mixed_sheet())))
    totals = {row[0]: row[1] for row in book["Tổng hợp"].iter_rows(min_row=2, values_only=True)}

    assert totals["Tổng số đảng viên"] == 23
    assert totals["Dự sinh hoạt (kể cả đi muộn)"] == 21
    assert totals["Đi muộn"] == 1
    assert totals["Vắng có lý do"] == 1
    assert totals["Vắng không lý do"] == 1
    assert totals["Số đảng viên tính tỷ lệ"] == 22
    assert totals["Tỷ lệ dự sinh hoạt"] == pytest.approx(21 / 22)
    rate_cell = next(
        row[1]
        for row in book["Tổng hợp"].iter_rows(min_row=2)
        if row[0].value == "Tỷ lệ dự sinh hoạt"
    )
    assert rate_cell.number_format == "0.00%"


def test_sheet_xlsx_keeps_a_formula_name_as_text() -> None:
    name = '=HYPERLINK("http://x.example","Bấm")'
    book = load_workbook(io.BytesIO(sheet_xlsx(make_sheet([make_line(name)]))))
    ws = book["Điểm danh"]
    header_row = next(r for r in range(1, 20) if ws.cell(row=r, column=1).value == "STT")
    cell = ws.cell(row=header_row + 1, column=2)

    assert cell.value == "'" + name
    assert cell.data_type == "s"


# ----------------------------------------------------------------------------- chart


def points(count: int) -> list[RatePoint]:
    return [
        RatePoint(label=f"T{month}/2026", rate=(20 + month % 4) / 23, present=20, denominator=23)
        for month in range(1, count + 1)
    ]


def render(chart_points_: list[RatePoint]) -> bytes:
    # A missing Vietnamese glyph is only a warning in matplotlib; make it fail the test.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return rate_chart_png(chart_points_, title="Tỷ lệ đảng viên dự sinh hoạt chi bộ")


def test_rate_chart_png_is_a_1000_by_500_image() -> None:
    data = render(points(3))

    assert data.startswith(PNG_SIGNATURE)
    with Image.open(io.BytesIO(data)) as image:
        assert image.size == (1000, 500)


def test_rate_chart_labels_bars_with_vietnamese_percent() -> None:
    figure = rate_chart(
        [
            RatePoint("T11/2026", 1.0, 23, 23),
            RatePoint("T12/2026", 22 / 23, 22, 23),
        ],
        title="Tỷ lệ dự sinh hoạt",
    )
    ax = figure.axes[0]
    labels = [text.get_text() for text in ax.texts]

    assert labels == ["100%", "95,7%"]
    assert [tick.get_text() for tick in ax.get_xticklabels()] == ["T11/2026", "T12/2026"]
    assert ax.get_ylim()[0] == 0
    assert [bar.get_height() for bar in ax.containers[0]] == pytest.approx([100.0, 100 * 22 / 23])
    assert ax.get_title() == "Tỷ lệ dự sinh hoạt"


def test_rate_chart_keeps_the_last_twelve_points() -> None:
    thirteen = points(13)

    kept = chart_points(thirteen)
    assert [point.label for point in kept] == [f"T{month}/2026" for month in range(2, 14)]
    ax = rate_chart(thirteen, title="Năm 2026").axes[0]
    assert len(ax.patches) == 12
    assert ax.get_xticklabels()[0].get_text() == "T2/2026"
    assert render(thirteen).startswith(PNG_SIGNATURE)


def test_rate_chart_without_meetings_says_so() -> None:
    figure = rate_chart([], title="Tỷ lệ dự sinh hoạt")

    assert [text.get_text() for text in figure.axes[0].texts] == ["Chưa có cuộc họp nào"]
    data = render([])
    assert data.startswith(PNG_SIGNATURE)
    with Image.open(io.BytesIO(data)) as image:
        assert image.size == (1000, 500)


# ----------------------------------------------------------------------------- period statistics

MEMBERS = [
    MemberStat("Trần Thị Bích Ngọc", "Bí thư", 12, 12, 0, 0, 0),
    MemberStat("Lê Văn Đức", "Đảng viên", 12, 10, 3, 1, 1),
    MemberStat("@Nguyễn", "Đảng viên", 0, 0, 0, 0, 0),
]
MONTHS = [MonthStat("11/2026", 1, 23, 23), MonthStat("12/2026", 2, 43, 45)]


def test_statistics_xlsx_by_member_and_by_month() -> None:
    book = load_workbook(
        io.BytesIO(statistics_xlsx(MEMBERS, MONTHS, title="Thống kê dự sinh hoạt năm 2026"))
    )

    assert book.sheetnames == ["Theo đảng viên", "Theo tháng"]
    by_member = book["Theo đảng viên"]
    assert by_member["A1"].value == "Thống kê dự sinh hoạt năm 2026"
    assert [cell.value for cell in by_member[3]][:3] == ["STT", "Họ và tên", "Chức vụ"]
    assert by_member[3][-1].value == "Tỷ lệ"
    assert by_member.freeze_panes == "A4"
    row = [cell.value for cell in by_member[5]]
    assert row[:8] == [2, "Lê Văn Đức", "Đảng viên", 12, 10, 3, 1, 1]
    assert by_member["I5"].value == pytest.approx(10 / 12)
    assert by_member["I5"].number_format == "0.00%"
    assert by_member["B6"].value == "'@Nguyễn"

    by_month = book["Theo tháng"]
    assert [cell.value for cell in by_month[3]] == [
        "Tháng",
        "Số cuộc họp",
        "Lượt dự sinh hoạt",
        "Lượt tính tỷ lệ",
        "Tỷ lệ",
    ]
    assert [cell.value for cell in by_month[5]][:4] == ["12/2026", 2, 43, 45]
    assert by_month["E5"].value == pytest.approx(43 / 45)
    assert by_month["E5"].number_format == "0.00%"


def test_statistics_csv_by_member() -> None:
    data = statistics_csv(MEMBERS)

    assert data.startswith(b"\xef\xbb\xbf")
    rows = read_csv(data)
    assert rows[0][:3] == ["STT", "Họ và tên", "Chức vụ"]
    assert rows[1] == ["1", "Trần Thị Bích Ngọc", "Bí thư", "12", "12", "0", "0", "0", "100%"]
    assert rows[2][-1] == "83,33%"
    assert rows[3][1] == "'@Nguyễn"
    assert rows[3][-1] == "0%"
