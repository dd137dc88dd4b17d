"""Roster import from the sheets secretaries keep: title rows, Vietnamese headers, dates, errors."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook
from sqlmodel import Session

from bot import members
from bot.members.roster import RosterError, parse_roster
from bot.models import PartyStatus, Role
from tests.utils.cell_factories import make_cell


def _xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


SHEET: list[list[object]] = [
    ["ĐẢNG BỘ CÔNG TY CP VẬN TẢI VÀ DỊCH VỤ HÀM RỒNG"],
    ["DANH SÁCH ĐẢNG VIÊN CHI BỘ XÍ NGHIỆP XE BUÝT SỐ 1"],
    [],
    ["STT", "Họ và tên", "Ngày, tháng, năm sinh", "Chức vụ Đảng", "Ngày vào Đảng",
     "Ngày chính thức", "Số thẻ đảng viên", "Điện thoại", "Ghi chú"],
    [1, "Trần Văn Bình", datetime(1975, 3, 2), "Bí thư", "12/05/2001", "12/05/2002",
     "12.345678", "0912345678", None],
    [2, "NGUYỄN VĂN KHÁNH", "1980", "Phó Bí thư", datetime(2005, 1, 1), None, None, None, None],
    [3, "Nguyễn Thị Lan", "15/8/1990", "Đảng viên", "02/9/2023", None, None, None, "Dự bị"],
    [4, "", "01/01/1985", None, None, None, None, None, None],
    [5, "Lê Văn Tám", "31/02/1988", None, None, None, None, None, None],
    [6, "Trần Văn Bình", datetime(1975, 3, 2), None, None, None, None, None, None],
    [None, "Người lập biểu", None, None, None, None, None, None, None],
    [None, "Trần Văn Bình", None, None, None, None, None, None, None],
]  # fmt: skip


def test_an_excel_roster_with_title_rows_and_mixed_dates() -> None:
    parsed = parse_roster(_xlsx(SHEET), "danh-sach.xlsx")

    assert [r.full_name for r in parsed.rows] == [
        "Trần Văn Bình",
        "Nguyễn Văn Khánh",
        "Nguyễn Thị Lan",
    ]
    binh, khanh, lan = parsed.rows
    assert (binh.role, binh.birth_date, binh.joined_party_on) == (
        Role.SECRETARY, date(1975, 3, 2), date(2001, 5, 12),
    )  # fmt: skip
    assert binh.party_card == "12.345678" and binh.phone == "0912345678"
    assert (khanh.role, khanh.birth_date, khanh.note) == (Role.DEPUTY, None, "năm sinh 1980")
    assert lan.party_status == PartyStatus.PROBATIONARY and lan.line == 7
    assert parsed.errors == [
        (8, "thiếu họ và tên"),
        (9, "ngày sinh «31/02/1988» không đúng dạng ngày/tháng/năm"),
        (10, "trùng với dòng 5"),
    ]


def test_a_semicolon_csv_saved_by_excel_reads_the_same() -> None:
    text = (
        "STT;Họ tên;Ngày sinh;Chức vụ\r\n"
        "1;Trần Văn Bình;02/03/1975;Bí thư\r\n"
        "2;Đỗ Minh Tuấn;1992-07-19;Chi ủy viên\r\n"
    )
    data = text.encode("utf-8-sig")  # Excel's "CSV UTF-8": a BOM and the list separator ";"
    parsed = parse_roster(data, "ds.csv")
    assert [(r.full_name, r.role) for r in parsed.rows] == [
        ("Trần Văn Bình", Role.SECRETARY),
        ("Đỗ Minh Tuấn", Role.COMMITTEE),
    ]
    assert parsed.rows[1].birth_date == date(1992, 7, 19) and parsed.errors == []


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"just,some,numbers\n1,2,3\n", "x.csv", "Họ và tên"),
        (b"PK\x03\x04broken", "x.xlsx", "Không đọc được"),
        (b"\x00\x01\x02\x03" * 50, "x.csv", "Không đọc được"),
    ],
)
def test_files_that_are_not_rosters_are_refused_with_a_reason(
    data: bytes, name: str, message: str
) -> None:
    with pytest.raises(RosterError, match=message):
        parse_roster(data, name)


def test_importing_twice_updates_instead_of_duplicating(session: Session) -> None:
    cell = make_cell(session)
    rows = parse_roster(_xlsx(SHEET), "ds.xlsx").rows

    first = members.import_roster(session, cell_id=cell.id or 0, rows=rows)
    second = members.import_roster(session, cell_id=cell.id or 0, rows=rows)
    session.commit()

    assert (len(first.created), len(first.updated)) == (3, 0)
    assert (len(second.created), len(second.updated)) == (0, 3)
    listed = members.list_members(session, cell_id=cell.id or 0)
    assert [m.full_name for m in listed] == ["Trần Văn Bình", "Nguyễn Văn Khánh", "Nguyễn Thị Lan"]
    assert all(m.in_roster and m.telegram_user_id is None for m in listed)
