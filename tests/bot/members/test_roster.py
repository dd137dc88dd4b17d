"""Roster import from the sheets secretaries keep: title rows, Vietnamese headers, dates, errors."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook
from sqlmodel import Session

from bot import members
from bot.members.roster import RosterError, RosterRow, parse_roster, parse_table
from bot.models import PartyStatus, Role
from tests.utils.cell_factories import make_cell, make_member


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
    # A year alone is kept as written, not refused and not turned into 1 January.
    assert (khanh.role, khanh.birth_date, khanh.birth_written) == (Role.DEPUTY, None, "1980")
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


# ----------------------------------------------------------------------------- who is who


def _rows(*table: list[object]) -> list[RosterRow]:
    header: list[object] = ["STT", "Họ và tên", "Năm sinh", "Chức vụ", "Số thẻ", "Điện thoại",
                            "Ngày vào Đảng"]  # fmt: skip
    parsed = parse_table([header, *table])
    assert parsed.errors == []
    return parsed.rows


def test_a_namesake_is_never_merged_into_the_chi_uy_vien(session: Session) -> None:
    cell = make_cell(session)
    lan = make_member(
        session, cell, full_name="Nguyễn Thị Lan", role=Role.COMMITTEE,
        birth_date=date(1990, 8, 15), party_card="093.456", phone="0912000111",
        telegram_user_id=None,
    )  # fmt: skip
    rows = _rows(
        [1, "Nguyễn Thị Lan", "15/8/1990", "Chi ủy viên", "093.456", "0912000111", None],
        [2, "Nguyễn Thị Lan", "1992", "Đảng viên", None, None, "1985"],
    )
    plan = members.plan_import(session, cell_id=cell.id or 0, rows=rows)
    assert plan.changes == [] and [r.line for r in plan.created] == [3]

    members.apply_plan(session, cell_id=cell.id or 0, plan=plan)
    session.commit()
    session.refresh(lan)
    assert (lan.role, lan.phone, lan.party_card) == (Role.COMMITTEE, "0912000111", "093.456")
    both = [m for m in members.list_members(session, cell_id=cell.id or 0)]
    assert len(both) == 2  # two people, not one
    namesake = next(m for m in both if m.id != lan.id)
    assert (namesake.birth_written, namesake.joined_written) == ("1992", "1985")


def test_a_row_that_could_be_either_of_two_namesakes_is_reported_not_guessed(
    session: Session,
) -> None:
    cell = make_cell(session)
    for year, phone in ((1980, "0900000001"), (1985, "0900000002")):
        make_member(session, cell, full_name="Lê Văn Tám", birth_date=date(year, 1, 1),
                    phone=phone, telegram_user_id=None)  # fmt: skip
    plan = members.plan_import(
        session, cell_id=cell.id or 0, rows=_rows([1, "Lê Văn Tám", None, None, None, "0999", None])
    )
    assert plan.changes == [] and plan.created == []
    [(row, who)] = plan.ambiguous
    assert row.full_name == "Lê Văn Tám" and who == [
        "Lê Văn Tám, sinh 01/01/1980",
        "Lê Văn Tám, sinh 01/01/1985",
    ]
    card = members.plan_import(
        session,
        cell_id=cell.id or 0,
        rows=_rows([1, "Lê Văn Tám", "1985", None, None, "0999", None]),
    )
    assert [(c.field, c.old, c.new) for c in card.changes] == [("phone", "0900000002", "0999")]


@pytest.mark.parametrize(
    ("written", "full", "kept"),
    [("1985", None, "1985"), ("5/1985", None, "5/1985"), ("05-1985", None, "5/1985"),
     ("12/05/2001", date(2001, 5, 12), None)],
)  # fmt: skip
def test_partial_dates_are_kept_as_written(
    written: str, full: date | None, kept: str | None
) -> None:
    [row] = _rows([1, "Đỗ Minh Tuấn", None, None, None, None, written])
    assert (row.joined_party_on, row.joined_written) == (full, kept)


def test_a_real_looking_sheet_with_merged_title_header_on_row_3_and_a_hidden_column() -> None:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["ĐẢNG BỘ CÔNG TY CP VẬN TẢI HÀM RỒNG"])
    ws.append(["DANH SÁCH ĐẢNG VIÊN"])
    ws.merge_cells("A1:F1")
    ws.merge_cells("A2:F2")
    ws.append(["STT", "Họ và tên", "Quê quán", "Năm sinh", "Ngày vào Đảng", "Ghi chú"])
    ws.column_dimensions["C"].hidden = True  # the secretary hid a column she does not print
    ws.append([1, "Trần Văn Bình", "Nga Sơn", "1975", "5/2001", None])
    ws.append([2, "Nguyễn Thị Lan", "Hoằng Hóa", datetime(1990, 8, 15), "1985", "Dự bị"])
    out = io.BytesIO()
    book.save(out)

    parsed = parse_roster(out.getvalue(), "ds.xlsx")
    assert parsed.errors == []
    binh, lan = parsed.rows
    assert (binh.line, binh.birth_written, binh.joined_written) == (4, "1975", "5/2001")
    assert (lan.birth_date, lan.joined_written, lan.party_status) == (
        date(1990, 8, 15), "1985", PartyStatus.PROBATIONARY,
    )  # fmt: skip


def test_the_sheets_stt_is_kept_as_the_members_place_in_the_list(session: Session) -> None:
    numbered = parse_table(
        [
            ["STT", "Họ và tên", "Chức vụ"],
            [2, "Lê Văn Tám", None],
            ["3.", "Trần Văn Bình", "Bí thư"],
        ]
    ).rows
    unnumbered = parse_table([["Họ và tên"], ["Phạm Thị Dung"], ["Hoàng Văn Em"]]).rows
    cell = make_cell(session)
    members.import_roster(session, cell_id=cell.id or 0, rows=numbered)
    session.commit()

    assert [(r.full_name, r.number) for r in numbered] == [("Lê Văn Tám", 2), ("Trần Văn Bình", 3)]
    # Without an STT column, the order of the rows is the order of the list.
    assert [(r.full_name, r.number) for r in unnumbered] == [
        ("Phạm Thị Dung", 1),
        ("Hoàng Văn Em", 2),
    ]
    listed = members.list_members(session, cell_id=cell.id or 0)
    # /thanhvien lists them as the sheet does, not by role.
    assert [(m.full_name, m.roster_no) for m in listed] == [("Lê Văn Tám", 2), ("Trần Văn Bình", 3)]
