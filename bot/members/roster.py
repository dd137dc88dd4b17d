"""Read a cell's roster from the CSV or XLSX sheet secretaries already keep."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from bot.members import texts as mbt
from bot.members.names import normalize_name, valid_name
from bot.models import PartyStatus, Role
from knowledge.encoding import UndecodableError, decode_bytes
from knowledge.text import fold, nfc

ROSTER_EXTENSIONS = (".csv", ".xlsx")
MAX_ROWS = 2000
HEADER_SCAN_ROWS = 15

# Folded header words → field, most specific first ("ngày chính thức" before "chính thức").
_HEADERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("stt", ("stt", "so tt", "tt", "so thu tu")),
    ("official_on", ("ngay chinh thuc", "ngay cong nhan chinh thuc", "ngay cong nhan")),
    ("joined_party_on", ("ngay vao dang", "ngay ket nap", "vao dang")),
    ("birth", ("ngay sinh", "ngay thang nam sinh", "nam sinh", "sinh ngay")),
    ("full_name", ("ho va ten", "ho ten", "ho va ten dang vien", "ten dang vien")),
    ("role", ("chuc vu dang", "chuc vu trong chi bo", "chuc vu", "chuc danh")),
    ("party_status", ("loai dang vien", "chinh thuc du bi", "du bi", "loai")),
    ("party_card", ("so the dang vien", "so the dang", "so the")),
    ("phone", ("so dien thoai", "dien thoai", "sdt", "dt")),
    ("note", ("ghi chu",)),
)
_DATE = re.compile(r"^(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T].*)?$")
_YEAR = re.compile(r"^(19|20)\d{2}$")
_MONTH_YEAR = re.compile(r"^(\d{1,2})\s*[/.-]\s*((?:19|20)\d{2})$")


class RosterError(Exception):
    """The file cannot be read as a roster at all; the message is Vietnamese."""


@dataclass(frozen=True)
class RosterRow:
    """One member as the roster describes them."""

    line: int
    full_name: str
    role: Role = Role.MEMBER
    party_status: PartyStatus = PartyStatus.FULL
    birth_date: date | None = None
    joined_party_on: date | None = None
    official_on: date | None = None
    party_card: str | None = None
    phone: str | None = None
    note: str | None = None
    # Dates given only in part, as written («1992», «5/1985»); the full ones are above.
    birth_written: str | None = None
    joined_written: str | None = None
    official_written: str | None = None
    # The member's place in the cell's list: the sheet's STT, else the row's order in it.
    number: int | None = None

    @property
    def birth_year(self) -> int | None:
        """The year of birth, from a full or a partial date."""
        return self.birth_date.year if self.birth_date else written_year(self.birth_written)


def written_year(written: str | None) -> int | None:
    """The year in a partial date as written («1992», «5/1992»)."""
    found = re.search(r"(19|20)\d{2}", written or "")
    return int(found.group(0)) if found else None


@dataclass
class ParsedRoster:
    """Rows that can be imported, and the lines that cannot, each with its reason."""

    rows: list[RosterRow] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)


def is_roster_file(file_name: str) -> bool:
    """CSV and XLSX files are rosters; documents come in other formats."""
    return file_name.lower().endswith(ROSTER_EXTENSIONS)


def parse_roster(data: bytes, file_name: str) -> ParsedRoster:
    """Parse a roster sheet; raise RosterError when it has no recognisable table."""
    table: Sequence[Sequence[Any]]
    if file_name.lower().endswith(".xlsx"):
        table = _xlsx_rows(data)
    elif file_name.lower().endswith(".csv"):
        table = _csv_rows(data)
    else:
        raise RosterError(mbt.ROSTER_UNSUPPORTED)
    return parse_table(table)


def parse_table(table: Sequence[Sequence[Any]]) -> ParsedRoster:
    """Find the header row, then read every data row below it (1-based sheet line numbers)."""
    header_at, columns = _find_header(table)
    parsed = ParsedRoster()
    for index in range(header_at + 1, min(len(table), header_at + 1 + MAX_ROWS)):
        line = index + 1
        cells = {name: _cell(table[index], col) for name, col in columns.items()}
        if not any(v not in (None, "") for v in cells.values()):
            continue
        if "stt" in columns and not _is_number(cells["stt"]):
            # Sheets end with totals and signatures ("Người lập biểu"): the numbered table is over.
            if cells.get("full_name") in (None, ""):
                continue
            break
        try:
            row = _row(line, cells)
        except ValueError as exc:
            parsed.errors.append((line, str(exc)))
            continue
        twin = next((earlier for earlier in parsed.rows if _same_row(earlier, row)), None)
        if twin is not None:
            parsed.errors.append((line, mbt.ROSTER_DUPLICATE.format(line=twin.line)))
            continue
        stt = cells.get("stt")
        number = int(float(str(stt).rstrip("."))) if _is_number(stt) else len(parsed.rows) + 1
        parsed.rows.append(replace(row, number=number))
    if len(table) > header_at + 1 + MAX_ROWS:
        parsed.errors.append((header_at + 2 + MAX_ROWS, mbt.ROSTER_TOO_MANY.format(n=MAX_ROWS)))
    return parsed


def _same_row(earlier: RosterRow, row: RosterRow) -> bool:
    """The same person written twice: same name and birth, no two different party cards."""
    if fold(earlier.full_name) != fold(row.full_name):
        return False
    if (earlier.birth_date, earlier.birth_written) != (row.birth_date, row.birth_written):
        return False
    return not (earlier.party_card and row.party_card and earlier.party_card != row.party_card)


def _find_header(table: Sequence[Sequence[Any]]) -> tuple[int, dict[str, int]]:
    for index, row in enumerate(table[:HEADER_SCAN_ROWS]):
        columns: dict[str, int] = {}
        for col, value in enumerate(row):
            name = _header_field(value)
            if name and name not in columns:
                columns[name] = col
        if "full_name" in columns:
            return index, columns
    raise RosterError(mbt.ROSTER_NO_HEADER)


def _header_field(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    words = " ".join(re.findall(r"[a-z0-9]+", fold(value).lower()))
    if not words:
        return None
    for name, aliases in _HEADERS:
        if words in aliases:
            return name
    for name, aliases in _HEADERS:
        if name != "stt" and any(len(a) > 3 and a in words for a in aliases):
            return name
    return None


def _row(line: int, cells: dict[str, Any]) -> RosterRow:
    raw_name = _text(cells.get("full_name"))
    if not raw_name:
        raise ValueError(mbt.ROSTER_NO_NAME)
    name = normalize_name(raw_name)
    if not valid_name(name):
        raise ValueError(mbt.ROSTER_BAD_NAME.format(name=raw_name))
    notes = [n for n in (_text(cells.get("note")),) if n]
    birth_date, birth_written = _date(cells.get("birth"), mbt.ROSTER_FIELD_BIRTH)
    joined, joined_written = _date(cells.get("joined_party_on"), mbt.ROSTER_FIELD_JOINED)
    official, official_written = _date(cells.get("official_on"), mbt.ROSTER_FIELD_OFFICIAL)
    role_text = fold(_text(cells.get("role")) or "").lower()
    status_text = " ".join(
        fold(_text(cells.get(k)) or "").lower() for k in ("party_status", "role", "note")
    )
    return RosterRow(
        line=line,
        full_name=name,
        role=_role(role_text),
        party_status=PartyStatus.PROBATIONARY if "du bi" in status_text else PartyStatus.FULL,
        birth_date=birth_date,
        joined_party_on=joined,
        official_on=official,
        birth_written=birth_written,
        joined_written=joined_written,
        official_written=official_written,
        party_card=_text(cells.get("party_card")),
        phone=_text(cells.get("phone")),
        note="; ".join(notes) or None,
    )


def _role(folded: str) -> Role:
    if "pho bi thu" in folded:
        return Role.DEPUTY
    if "bi thu" in folded:
        return Role.SECRETARY
    if any(word in folded for word in ("chi uy", "cap uy", "uy vien")):
        return Role.COMMITTEE
    return Role.MEMBER


def _date(value: Any, what: str) -> tuple[date | None, str | None]:
    """A full date, or None and the date as written when the sheet gives only the year or the
    month and year (old rosters: «1985», «5/1985»)."""
    if value is None or value == "":
        return None, None
    if isinstance(value, datetime):
        return value.date(), None
    if isinstance(value, date):
        return value, None
    text = _text(value) or ""
    try:
        if m := _DATE.match(text):
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1))), None
        if m := _ISO_DATE.match(text):
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3))), None
    except ValueError:
        pass
    if _YEAR.match(text):
        return None, text
    if (m := _MONTH_YEAR.match(text)) and 1 <= int(m.group(1)) <= 12:
        return None, f"{int(m.group(1))}/{m.group(2)}"
    raise ValueError(mbt.ROSTER_BAD_DATE.format(field=what, value=text))


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = " ".join(nfc(str(value)).split())
    return text or None


def _is_number(value: Any) -> bool:
    if isinstance(value, int | float):
        return True
    return bool(re.fullmatch(r"\d{1,4}\.?", _text(value) or ""))


def _cell(row: Sequence[Any], col: int) -> Any:
    return row[col] if col < len(row) else None


def _csv_rows(data: bytes) -> list[list[str]]:
    try:
        text = decode_bytes(data).text
    except UndecodableError as exc:
        raise RosterError(mbt.ROSTER_UNREADABLE) from exc
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [list(r) for r in csv.reader(io.StringIO(text), dialect)]


def _xlsx_rows(data: bytes) -> list[tuple[Any, ...]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise RosterError(mbt.ROSTER_UNREADABLE) from exc
    try:
        sheet = workbook.active
        if sheet is None:
            raise RosterError(mbt.ROSTER_NO_HEADER)
        return _limited(sheet.iter_rows(values_only=True), MAX_ROWS + HEADER_SCAN_ROWS + 1)
    finally:
        workbook.close()


def _limited(rows: Iterable[tuple[Any, ...]], limit: int) -> list[tuple[Any, ...]]:
    out = []
    for row in rows:
        out.append(row)
        if len(out) >= limit:
            break
    return out
