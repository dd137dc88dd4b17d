"""The files a cell secretary receives after a meeting: message, CSV, XLSX and a rate chart.

Pure functions from plain dataclasses to text or bytes; no database and no Telegram here, so
the caller loads the rows and runs these in a worker thread (``asyncio.to_thread``).
"""

from __future__ import annotations

import csv
import html
import io
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from bot.members.texts import PARTY_STATUS_LABELS, ROLE_LABELS
from bot.models import Mark, PartyStatus, Role, as_utc
from bot.when import VIETNAM, describe
from knowledge.text import fold

# matplotlib and openpyxl are imported where a file is made: together they take about half a
# second to import, which every `chibo` command would otherwise pay through bot.settings.
if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

MAX_CHART_POINTS = 12


# ----------------------------------------------------------------------------- Vietnamese text

MARK_LABELS: dict[Mark, str] = {
    Mark.PRESENT: "Có mặt",
    Mark.LATE: "Đi muộn",
    Mark.EXCUSED: "Vắng có lý do",
    Mark.ABSENT: "Vắng không lý do",
}

SUMMARY = "Chi bộ có {total} đảng viên, dự sinh hoạt {present}/{denominator}, tỷ lệ {rate}"
SUMMARY_MISSING = "; vắng có lý do {excused}, vắng không lý do {absent}"
SUMMARY_LATE = "; đi muộn {late}"

TEXT_WHEN = "🕑 {when}"
TEXT_PLACE = "📍 {place}"
TEXT_SECTION = "<b>{label} ({count})</b>"
ORIGINAL_NOTE = "Bản ban đầu lúc kết thúc cuộc họp, chưa gồm {count} lần sửa sau đó"
CORRECTED_NOTE = "Đã sửa {count} lần sau khi kết thúc (xem mục «Sửa điểm danh»)"
CORRECTIONS_TITLE = "Sửa điểm danh"
CORRECTION_TEXT = "{name}: {old} → {new} — {why} ({by}, {at})"
CORRECTIONS_HEADER = (
    "STT",
    "Họ và tên",
    "Điểm danh cũ",
    "Điểm danh mới",
    "Lý do sửa",
    "Người sửa",
    "Lúc sửa",
)
CORRECTIONS_WIDTHS = (6, 30, 18, 18, 40, 24, 18)

SHEET_ATTENDANCE = "Điểm danh"
SHEET_TOTALS = "Tổng hợp"
SHEET_BY_MEMBER = "Theo đảng viên"
SHEET_BY_MONTH = "Theo tháng"
# The order of the cell's list: the committee first, then full members, then probationary.
ROLE_ORDER = (
    ROLE_LABELS[Role.SECRETARY],
    ROLE_LABELS[Role.DEPUTY],
    ROLE_LABELS[Role.COMMITTEE],
    PARTY_STATUS_LABELS[PartyStatus.FULL],
    PARTY_STATUS_LABELS[PartyStatus.PROBATIONARY],
)
PARTY = "ĐẢNG CỘNG SẢN VIỆT NAM"
REPORT_TITLE = "DANH SÁCH ĐẢNG VIÊN DỰ SINH HOẠT CHI BỘ"
SIGN_PREPARER = "NGƯỜI LẬP BIỂU"
SIGN_SECRETARY = "T/M CHI BỘ\nBÍ THƯ"
SIGN_HINT = "(Ký, ghi rõ họ tên)"
PLACE_DATE = "ngày {day} tháng {month} năm {year}"
LABEL_WHEN = "Thời gian: {when}"
LABEL_PLACE = "Địa điểm: {place}"
ATTENDANCE_HEADER = (
    "STT",
    "Họ và tên",
    "Chức vụ",
    "Điểm danh",
    "Giờ điểm danh",
    "Cách điểm danh",
    "Người ghi",
    "Lý do vắng",
)
ATTENDANCE_WIDTHS = (6, 30, 16, 18, 14, 16, 24, 36)
TOTALS_HEADER = ("Chỉ tiêu", "Số liệu")
TOTALS_CELL = "Chi bộ"
TOTALS_MEETING = "Cuộc họp"
TOTALS_TOTAL = "Tổng số đảng viên"
TOTALS_PRESENT = "Dự sinh hoạt (kể cả đi muộn)"
TOTALS_LATE = "Đi muộn"
TOTALS_EXCUSED = "Vắng có lý do"
TOTALS_ABSENT = "Vắng không lý do"
TOTALS_DENOMINATOR = "Số đảng viên tính tỷ lệ"
TOTALS_RATE = "Tỷ lệ dự sinh hoạt"
TOTALS_RULE = "Vắng có lý do tính vào tỷ lệ"
YES, NO = "Có", "Không"
MEMBER_HEADER = (
    "STT",
    "Họ và tên",
    "Chức vụ",
    "Số cuộc họp",
    "Dự sinh hoạt",
    "Đi muộn",
    "Vắng có lý do",
    "Vắng không lý do",
    "Tỷ lệ",
)
MEMBER_WIDTHS = (6, 30, 16, 12, 14, 10, 14, 16, 10)
MONTH_HEADER = ("Tháng", "Số cuộc họp", "Lượt dự sinh hoạt", "Lượt tính tỷ lệ", "Tỷ lệ")
MONTH_WIDTHS = (10, 12, 18, 16, 10)
CHART_EMPTY = "Chưa có cuộc họp nào"
CHART_Y_LABEL = "Tỷ lệ dự sinh hoạt"

PERCENT_FORMAT = "0.00%"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# ----------------------------------------------------------------------------- data


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole > 0 else 0.0


@dataclass(frozen=True)
class AttendanceLine:
    """One member's mark for one meeting, as the sheet shows it."""

    name: str
    role: str
    mark: Mark
    checked_in_at: datetime | None = None
    method: str | None = None
    recorded_by: str | None = None
    reason: str | None = None
    roster_no: int | None = None  # STT in the cell's roster sheet, when it came from one


@dataclass(frozen=True)
class CorrectionLine:
    """A mark corrected after closing: who, from what to what, why, by whom and when."""

    name: str
    old_mark: Mark
    new_mark: Mark
    why: str
    by: str
    at: datetime


@dataclass(frozen=True)
class MeetingSheet:
    """One meeting's attendance and the cell's rule for counting excused members."""

    cell_name: str
    title: str
    starts_at: datetime
    place: str
    lines: tuple[AttendanceLine, ...]
    excused_in_denominator: bool
    committee_name: str = ""  # the đảng bộ above the cell, for the Party header
    secretary_name: str = ""  # who signs for the cell
    corrections: tuple[CorrectionLine, ...] = ()  # made after closing, oldest first
    original: bool = False  # the marks as closed, before any correction

    def _count(self, *marks: Mark) -> int:
        return sum(1 for line in self.lines if line.mark in marks)

    @property
    def total(self) -> int:
        return len(self.lines)

    @property
    def present(self) -> int:
        """Members who attended; late arrivals attended too."""
        return self._count(Mark.PRESENT, Mark.LATE)

    @property
    def late(self) -> int:
        return self._count(Mark.LATE)

    @property
    def excused(self) -> int:
        return self._count(Mark.EXCUSED)

    @property
    def absent(self) -> int:
        return self._count(Mark.ABSENT)

    @property
    def denominator(self) -> int:
        return self.total if self.excused_in_denominator else self.total - self.excused

    @property
    def rate(self) -> float:
        return _ratio(self.present, self.denominator)

    def summary(self) -> str:
        """The sentence the party committee asks for in every meeting report."""
        text = SUMMARY.format(
            total=self.total,
            present=self.present,
            denominator=self.denominator,
            rate=format_rate(self.rate),
        )
        if self.excused or self.absent:
            text += SUMMARY_MISSING.format(excused=self.excused, absent=self.absent)
        if self.late:
            text += SUMMARY_LATE.format(late=self.late)
        return text


@dataclass(frozen=True)
class RatePoint:
    """One bar of the attendance-rate chart, e.g. a month."""

    label: str
    rate: float
    present: int
    denominator: int


@dataclass(frozen=True)
class MemberStat:
    """One member's attendance over a period; ``present`` includes late arrivals."""

    name: str
    role: str
    meetings: int
    present: int
    late: int
    excused: int
    absent: int

    @property
    def rate(self) -> float:
        """Share of the member's meetings attended (0 meetings → 0.0)."""
        return _ratio(self.present, self.meetings)


@dataclass(frozen=True)
class MonthStat:
    """The cell's attendance in one month, e.g. ``month="12/2026"``."""

    month: str
    meetings: int
    present: int
    denominator: int

    @property
    def rate(self) -> float:
        return _ratio(self.present, self.denominator)


# ----------------------------------------------------------------------------- formatting


def format_rate(rate: float, *, digits: int = 2) -> str:
    """A 0..1 rate as a Vietnamese percent: 1.0 → "100%", 0.95652 → "95,65%", 0.955 → "95,5%"."""
    # Decimal from repr so 0.955 rounds as written rather than as its binary approximation.
    quantum = Decimal(1).scaleb(-digits)
    percent = (Decimal(repr(float(rate))) * 100).quantize(quantum, rounding=ROUND_HALF_UP)
    text = f"{percent:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",") + "%"


def _when(moment: datetime) -> str:
    """'14:00 thứ Sáu, 04/12/2026' in Vietnam time."""
    return describe(as_utc(moment))


def _clock(moment: datetime | None) -> str:
    return f"{as_utc(moment).astimezone(VIETNAM):%H:%M}" if moment is not None else ""


def _safe(value: Any) -> Any:
    """Keep spreadsheet apps from running user text (a name like '=HYPERLINK(…)') as a formula."""
    # Full-width look-alikes («＝», «＋», «－», «＠») are read as formulas by some spreadsheet
    # apps too, so the first character is compared in its compatibility (NFKC) form.
    if isinstance(value, str) and unicodedata.normalize("NFKC", value[:1]).startswith(
        _FORMULA_STARTS
    ):
        return "'" + value
    return value


# ----------------------------------------------------------------------------- one meeting


def sheet_text(sheet: MeetingSheet) -> str:
    """The meeting's attendance as a Telegram HTML message."""
    parts = [
        f"<b>{html.escape(sheet.title)}</b>",
        html.escape(sheet.cell_name),
        TEXT_WHEN.format(when=_when(sheet.starts_at)),
        TEXT_PLACE.format(place=html.escape(sheet.place)),
        "",
        f"<b>{html.escape(sheet.summary())}</b>",
    ]
    note = _correction_note(sheet)
    if note:
        parts.append(f"<i>{html.escape(note)}</i>")
    for mark in Mark:
        lines = [line for line in sheet.lines if line.mark is mark]
        if not lines:
            continue
        parts += ["", TEXT_SECTION.format(label=MARK_LABELS[mark], count=len(lines))]
        for number, line in enumerate(lines, start=1):
            entry = f"{number}. {html.escape(line.name)}"
            detail = _text_detail(line)
            if detail:
                entry += f" — {html.escape(detail)}"
            parts.append(entry)
    if sheet.corrections and not sheet.original:
        parts += ["", TEXT_SECTION.format(label=CORRECTIONS_TITLE, count=len(sheet.corrections))]
        parts += [
            html.escape(
                CORRECTION_TEXT.format(
                    name=c.name,
                    old=MARK_LABELS[c.old_mark],
                    new=MARK_LABELS[c.new_mark],
                    why=c.why,
                    by=c.by,
                    at=_when(c.at),
                )
            )
            for c in sheet.corrections
        ]
    return "\n".join(parts)


def _correction_note(sheet: MeetingSheet) -> str:
    """One line under the totals when marks were corrected after closing."""
    if not sheet.corrections:
        return ""
    template = ORIGINAL_NOTE if sheet.original else CORRECTED_NOTE
    return template.format(count=len(sheet.corrections))


def _text_detail(line: AttendanceLine) -> str:
    if line.mark is Mark.LATE:
        return _clock(line.checked_in_at)
    if line.mark is Mark.EXCUSED:
        return line.reason or ""
    return ""


def _attendance_rows(sheet: MeetingSheet) -> list[list[Any]]:
    return [
        [
            number,
            line.name,
            line.role,
            MARK_LABELS[line.mark],
            _clock(line.checked_in_at),
            line.method or "",
            line.recorded_by or "",
            line.reason or "",
        ]
        for number, line in enumerate(sheet.lines, start=1)
    ]


def _csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([_safe(value) for value in row] for row in rows)
    # The BOM makes Excel read the file as UTF-8 instead of the Windows code page.
    return out.getvalue().encode("utf-8-sig")


def sheet_csv(sheet: MeetingSheet) -> bytes:
    """The attendance table as CSV that Excel opens with Vietnamese intact."""
    return _csv_bytes(ATTENDANCE_HEADER, _attendance_rows(sheet))


def _write_table(
    ws: Worksheet,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    widths: Sequence[int],
) -> int:
    """Append a bold header and the rows, freeze below the header; return the header's row."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    ws.append(list(header))
    header_row = ws.max_row
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in rows:
        ws.append([_safe(value) for value in row])
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    return header_row


def get_column_letter_of(index: int) -> str:
    """The spreadsheet letter of a 1-based column."""
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def _day(moment: datetime) -> dict[str, str]:
    local = moment.astimezone(VIETNAM)
    return {"day": f"{local.day:02d}", "month": f"{local.month:02d}", "year": str(local.year)}


def _workbook_bytes(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _roster_order(lines: Sequence[AttendanceLine]) -> list[AttendanceLine]:
    """Members as the cell's list has them: by the roster sheet's STT; anyone not in a sheet
    after them, bí thư, phó bí thư, chi ủy viên first, then by name."""
    rank = {label: n for n, label in enumerate(ROLE_ORDER)}
    return sorted(
        lines,
        key=lambda line: (
            line.roster_no is None,
            line.roster_no or 0,
            rank.get(line.role, len(rank)),
            fold(line.name),
        ),
    )


def sheet_xlsx(sheet: MeetingSheet) -> bytes:
    """The attendance workbook as a committee prints and signs it: the Party header, the title
    block, members in the cell's order with STT, totals, the signature block; A4 portrait, fit to
    the page's width, the table's header repeated on every page. A second sheet holds totals."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.properties import PageSetupProperties

    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = SHEET_ATTENDANCE
    last = get_column_letter_of(len(ATTENDANCE_HEADER))
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    # Party header: the committee and the cell on the left, the Party on the right.
    ws.append([_safe(sheet.committee_name.upper()), "", "", "", PARTY])
    ws.append([_safe(sheet.cell_name.upper()), "", "", "", "*"])
    ws.append(["*", "", "", "", _safe(PLACE_DATE.format(**_day(sheet.starts_at)))])
    for row in (1, 2, 3):
        ws.merge_cells(f"A{row}:C{row}")
        ws.merge_cells(f"E{row}:{last}{row}")
        for column in ("A", "E"):
            ws[f"{column}{row}"].alignment = centre
            ws[f"{column}{row}"].font = Font(bold=row < 3 and (row == 2 or column == "E"))
    ws["E3"].font = Font(italic=True)
    ws.append([])
    for text, size in ((REPORT_TITLE, 14), (sheet.title, 12)):
        ws.append([_safe(text)])
        ws.merge_cells(f"A{ws.max_row}:{last}{ws.max_row}")
        ws.cell(row=ws.max_row, column=1).font = Font(bold=True, size=size)
        ws.cell(row=ws.max_row, column=1).alignment = centre
    for text in (
        LABEL_WHEN.format(when=_when(sheet.starts_at)),
        LABEL_PLACE.format(place=sheet.place),
    ):
        ws.append([_safe(text)])
        ws.merge_cells(f"A{ws.max_row}:{last}{ws.max_row}")
        ws.cell(row=ws.max_row, column=1).alignment = centre
    ws.append([])
    ordered = replace(sheet, lines=tuple(_roster_order(sheet.lines)))
    header_row = _write_table(ws, ATTENDANCE_HEADER, _attendance_rows(ordered), ATTENDANCE_WIDTHS)
    ws.append([])
    ws.append([sheet.summary()])
    ws.merge_cells(f"A{ws.max_row}:{last}{ws.max_row}")
    ws.cell(row=ws.max_row, column=1).font = Font(bold=True)
    note = _correction_note(sheet)
    if note:
        ws.append([_safe(note)])
        ws.merge_cells(f"A{ws.max_row}:{last}{ws.max_row}")
        ws.cell(row=ws.max_row, column=1).font = Font(italic=True)
    ws.append([])
    ws.append([SIGN_PREPARER, "", "", "", SIGN_SECRETARY])
    sign_row = ws.max_row
    ws.append([SIGN_HINT, "", "", "", SIGN_HINT])
    for _ in range(3):
        ws.append([])
    ws.append(["", "", "", "", _safe(sheet.secretary_name)])
    for row in (sign_row, sign_row + 1, ws.max_row):
        ws.merge_cells(f"A{row}:C{row}")
        ws.merge_cells(f"E{row}:{last}{row}")
        for column in ("A", "E"):
            ws[f"{column}{row}"].alignment = centre
            ws[f"{column}{row}"].font = Font(bold=row != sign_row + 1, italic=row == sign_row + 1)
    ws.row_dimensions[sign_row].height = 32
    # Print as the committee files it: A4 portrait, the width of one page, header on each page.
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_PORTRAIT
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.print_options.horizontalCentered = True

    totals = book.create_sheet(SHEET_TOTALS)
    _write_table(
        totals,
        TOTALS_HEADER,
        [
            (TOTALS_CELL, sheet.cell_name),
            (TOTALS_MEETING, sheet.title),
            (TOTALS_TOTAL, sheet.total),
            (TOTALS_PRESENT, sheet.present),
            (TOTALS_LATE, sheet.late),
            (TOTALS_EXCUSED, sheet.excused),
            (TOTALS_ABSENT, sheet.absent),
            (TOTALS_RULE, YES if sheet.excused_in_denominator else NO),
            (TOTALS_DENOMINATOR, sheet.denominator),
            (TOTALS_RATE, sheet.rate),
        ],
        (32, 48),
    )
    totals.cell(row=totals.max_row, column=2).number_format = PERCENT_FORMAT
    if sheet.corrections and not sheet.original:
        _write_table(
            book.create_sheet(CORRECTIONS_TITLE),
            CORRECTIONS_HEADER,
            [
                (
                    n,
                    c.name,
                    MARK_LABELS[c.old_mark],
                    MARK_LABELS[c.new_mark],
                    c.why,
                    c.by,
                    _when(c.at),
                )
                for n, c in enumerate(sheet.corrections, start=1)
            ],
            CORRECTIONS_WIDTHS,
        )
    return _workbook_bytes(book)


# ----------------------------------------------------------------------------- the rate chart


def chart_points(points: Sequence[RatePoint]) -> tuple[RatePoint, ...]:
    """The points the chart shows: the last twelve."""
    return tuple(points[-MAX_CHART_POINTS:])


def rate_chart(points: Sequence[RatePoint], *, title: str) -> Figure:
    """A bar chart of attendance rates, 0–100 %, each bar labelled like '95,7%'."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    # Figure without pyplot: no global state, safe to build in worker threads.
    figure = Figure(figsize=(10, 5), dpi=100, layout="constrained")
    ax = figure.add_subplot()
    ax.set_title(title, fontsize=14)
    shown = chart_points(points)
    if not shown:
        ax.set_axis_off()
        ax.text(0.5, 0.5, CHART_EMPTY, ha="center", va="center", fontsize=16, color="#555555")
        return figure
    positions = range(len(shown))
    bars = ax.bar(positions, [point.rate * 100 for point in shown], color="#c8102e", width=0.6)
    ax.bar_label(bars, labels=[format_rate(point.rate, digits=1) for point in shown], padding=3)
    ax.set_xticks(list(positions), [point.label for point in shown])
    # Headroom above 100 so the label of a full bar stays inside the picture.
    ax.set_ylim(0, 110)
    ax.set_yticks(range(0, 101, 20))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: f"{value:.0f}%"))
    ax.set_ylabel(CHART_Y_LABEL)
    ax.grid(axis="y", alpha=0.3)
    ax.set_axisbelow(True)
    ax.spines[["top", "right"]].set_visible(False)
    return figure


def rate_chart_png(points: Sequence[RatePoint], *, title: str) -> bytes:
    """The rate chart as a 1000×500 PNG."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    figure = rate_chart(points, title=title)
    out = io.BytesIO()
    FigureCanvasAgg(figure).print_png(out)
    return out.getvalue()


# ----------------------------------------------------------------------------- period statistics


def _member_rows(members: Sequence[MemberStat]) -> list[list[Any]]:
    return [
        [
            number,
            member.name,
            member.role,
            member.meetings,
            member.present,
            member.late,
            member.excused,
            member.absent,
            member.rate,
        ]
        for number, member in enumerate(members, start=1)
    ]


def _percent_column(ws: Worksheet, column: int, first_row: int) -> None:
    for row in range(first_row, ws.max_row + 1):
        ws.cell(row=row, column=column).number_format = PERCENT_FORMAT


def statistics_xlsx(
    members: Sequence[MemberStat], months: Sequence[MonthStat], *, title: str
) -> bytes:
    """Attendance over a period, one sheet by member and one by month."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    by_member = book.active
    assert by_member is not None
    by_member.title = SHEET_BY_MEMBER
    by_member.append([_safe(title)])
    by_member["A1"].font = Font(bold=True, size=14)
    by_member.append([])
    header_row = _write_table(by_member, MEMBER_HEADER, _member_rows(members), MEMBER_WIDTHS)
    _percent_column(by_member, len(MEMBER_HEADER), header_row + 1)

    by_month = book.create_sheet(SHEET_BY_MONTH)
    by_month.append([_safe(title)])
    by_month["A1"].font = Font(bold=True, size=14)
    by_month.append([])
    month_rows = [
        [month.month, month.meetings, month.present, month.denominator, month.rate]
        for month in months
    ]
    header_row = _write_table(by_month, MONTH_HEADER, month_rows, MONTH_WIDTHS)
    _percent_column(by_month, len(MONTH_HEADER), header_row + 1)
    return _workbook_bytes(book)


def statistics_csv(members: Sequence[MemberStat]) -> bytes:
    """Attendance by member as CSV; the rate reads as a Vietnamese percent."""
    rows = [
        [*row[:-1], format_rate(member.rate)]
        for row, member in zip(_member_rows(members), members, strict=True)
    ]
    return _csv_bytes(MEMBER_HEADER, rows)
