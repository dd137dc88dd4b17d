"""Document numbers: every spelling members and documents use, and the look-alikes that are not."""

from __future__ import annotations

import unicodedata

import pytest

from knowledge.numbers import (
    TYPE_CODES,
    TYPE_NAMES,
    NumberRef,
    canonical_number,
    canonicalize,
    find_numbers,
    parse_canonical,
)

KNOWN = {
    "05-CT/TW",
    "01-KL/TW",
    "21-KL/TW",
    "12-HD/BTCTW",
    "13-CTr/ĐUK",
    "05-HD/ĐUK",
    "37-QĐ/TW",
    "18-NQ/TW",
    "05-CT/TU",
}

SPELLINGS = [
    # Fully specified: the canonical form, whatever the spelling.
    ("Chỉ thị số 05-CT/TW", ["05-CT/TW"]),
    ("CT 05-CT/TW", ["05-CT/TW"]),
    ("05/CT-TW", ["05-CT/TW"]),
    ("ct 05/tw", ["05-CT/TW"]),
    ("hướng dẫn 12/BTCTW", ["12-HD/BTCTW"]),
    ("05 ct tw", ["05-CT/TW"]),
    ("05-ct/tw", ["05-CT/TW"]),
    ("05–CT/TW", ["05-CT/TW"]),
    ("05—CT/TW", ["05-CT/TW"]),
    ("05 - CT / TW", ["05-CT/TW"]),
    ("số 05-CT/TW", ["05-CT/TW"]),
    ("Số: 05-CT/TW", ["05-CT/TW"]),
    ("CHỈ THỊ SỐ 05-CT/TW", ["05-CT/TW"]),
    ("5-CT/TW", ["05-CT/TW"]),
    ("05-CT/TƯ", ["05-CT/TW"]),
    ("chi thi 05 tw", ["05-CT/TW"]),
    ("Chỉ thị 05 TU", ["05-CT/TU"]),
    ("kết luận số 21-KL/TW", ["21-KL/TW"]),
    ("kl 21 tw", ["21-KL/TW"]),
    ("Kết luận 01-KL/TW", ["01-KL/TW"]),
    ("Hướng dẫn 12-HD/BTCTW", ["12-HD/BTCTW"]),
    ("hd 12 btctw", ["12-HD/BTCTW"]),
    ("HD 12 BTCTW", ["12-HD/BTCTW"]),
    ("13-CTr/ĐUK", ["13-CTr/ĐUK"]),
    ("13-CTR/DUK", ["13-CTr/ĐUK"]),
    ("13-ctr/duk", ["13-CTr/ĐUK"]),
    ("Chương trình hành động số 13-CTr/ĐUK", ["13-CTr/ĐUK"]),
    ("05-HD/DUK", ["05-HD/ĐUK"]),
    ("QĐ 37-QĐ/TW", ["37-QĐ/TW"]),
    ("37-QD/TW", ["37-QĐ/TW"]),
    ("Quy định số 37-QĐ/TW", ["37-QĐ/TW"]),
    ("nghi quyet 18-NQ/TW", ["18-NQ/TW"]),
    ("Nghị quyết số 18/NQ-TW", ["18-NQ/TW"]),
    # Fully specified but not known: still the canonical form, never dropped.
    ("Quyết định số 102-QĐ/TW", ["102-QĐ/TW"]),
    ("Công văn 1234-CV/TU", ["1234-CV/TU"]),
    ("Đề án 03-DA/TU", ["03-ĐA/TU"]),
    ("Thông báo kết luận số 264-TB/TW", ["264-TB/TW"]),
    ("Nghị quyết 15-NQ/ĐUKCQ", ["15-NQ/ĐUKCQ"]),
    # Partial: the known numbers it could mean, sorted; several when ambiguous.
    ("chỉ thị số 05", ["05-CT/TU", "05-CT/TW"]),
    ("Chỉ thị 5", ["05-CT/TU", "05-CT/TW"]),
    ("chi thi 05 noi ve gi", ["05-CT/TU", "05-CT/TW"]),
    ("CT05", ["05-CT/TU", "05-CT/TW"]),
    ("05-CT", ["05-CT/TU", "05-CT/TW"]),
    ("ket luan 21", ["21-KL/TW"]),
    ("KL21", ["21-KL/TW"]),
    ("KL 21", ["21-KL/TW"]),
    ("kl 21 cua bo chinh tri", ["21-KL/TW"]),
    ("Kết luận 01", ["01-KL/TW"]),
    ("chuong trinh 13", ["13-CTr/ĐUK"]),
    ("quy định 37", ["37-QĐ/TW"]),
    ("quyet dinh 37", ["37-QĐ/TW"]),
    ("qd 37 quy dinh gi", ["37-QĐ/TW"]),
    ("nghị quyết 18 về tinh gọn bộ máy", ["18-NQ/TW"]),
    ("hướng dẫn 5", ["05-HD/ĐUK"]),
    ("Hướng dẫn 12 hướng dẫn điều gì?", ["12-HD/BTCTW"]),
    ("Chỉ thị 05 ngày 15/5/2016", ["05-CT/TU", "05-CT/TW"]),
    ("chi thi 05 duoc ban hanh khi nao", ["05-CT/TU", "05-CT/TW"]),
    # Partial with nothing known to match: no candidates, and no invented issuer.
    ("chỉ thị 99", []),
    ("Kế hoạch 12", []),
    ("Quy định 37 hay Chỉ thị 05", ["37-QĐ/TW"]),  # only the first number counts
]


@pytest.mark.parametrize(("text", "expected"), SPELLINGS)
def test_canonicalize_spellings(text: str, expected: list[str]) -> None:
    assert canonicalize(text, KNOWN) == expected


@pytest.mark.parametrize(("text", "expected"), SPELLINGS)
def test_canonicalize_nfd_input(text: str, expected: list[str]) -> None:
    assert canonicalize(unicodedata.normalize("NFD", text), KNOWN) == expected


def test_partial_is_not_completed_without_known() -> None:
    [ref] = find_numbers("chỉ thị số 05")
    assert (ref.number, ref.type_code, ref.issuer, ref.canonical) == (5, "CT", None, None)
    assert canonicalize("chỉ thị số 05") == []


def test_full_number_is_returned_even_when_unknown() -> None:
    assert canonicalize("Chỉ thị số 05-CT/TW") == ["05-CT/TW"]


def test_known_spelling_restores_d_for_unlisted_issuer() -> None:
    assert canonicalize("12-KH/DUKCCQ", {"12-KH/ĐUKCCQ"}) == ["12-KH/ĐUKCCQ"]


FALSE_POSITIVES = [
    "Nghị quyết Trung ương 4",
    "Nghị quyết Trung ương 4 khóa XII",
    "Nghị quyết 4 khóa XII",
    "khóa XII",
    "15/5/2016",
    "ngày 18/5/2021",
    "23/23",
    "thông báo 23/23 đồng chí",
    "tỷ lệ 100%",
    "báo cáo 100% chi bộ",
    "Điều 5",
    "tháng 5",
    "Số điện thoại 0912 345 678",
    "0912345678",
    "công văn 0912 345 678",
    "Nghị định 15/2020/NĐ-CP",
    "Nghị quyết 01/NQ-CP",
    "Quyết định 123/QĐ-TTg",
    "Chỉ thị 05/CT-TTg",
    "Quyết định số 15/2020/QĐ-TTg",
    "số 05",
    "văn bản số 05",
    "kế hoạch 5 năm",
    "Kế hoạch 5 năm 2021-2025",
    "Kế hoạch 2021-2025",
    "báo cáo 6 tháng đầu năm",
    "quy định 3 nội dung",
    "tối đa 5 người",
    "toi da 5 nguoi",
    "đã 5 lần",
    "tb 12",
    "HĐ 5",
    "05-HĐ/TW",
    "Nghị quyết 2,5",
    "Chỉ thị 0",
]


@pytest.mark.parametrize("text", FALSE_POSITIVES)
def test_not_a_document_number(text: str) -> None:
    assert find_numbers(text) == []
    assert canonicalize(text, KNOWN) == []


def test_paragraph_citing_four_documents() -> None:
    text = (
        "Thực hiện Chỉ thị số 05-CT/TW ngày 15/5/2016 của Bộ Chính trị và Kết luận số "
        "01-KL/TW ngày 18/5/2021, căn cứ Hướng dẫn số 12-HD/BTCTW, Đảng ủy Khối ban hành "
        "Chương trình hành động số 13-CTr/ĐUK; đến nay 23/23 chi bộ đã triển khai, tỷ lệ "
        "đảng viên tham gia học tập đạt 100%."
    )
    refs = find_numbers(text)
    assert [r.canonical for r in refs] == ["05-CT/TW", "01-KL/TW", "12-HD/BTCTW", "13-CTr/ĐUK"]
    assert [r.raw for r in refs] == [
        "Chỉ thị số 05-CT/TW",
        "Kết luận số 01-KL/TW",
        "Hướng dẫn số 12-HD/BTCTW",
        "Chương trình hành động số 13-CTr/ĐUK",
    ]
    assert all(text[r.span[0] : r.span[1]] == r.raw for r in refs)


def test_spans_index_nfd_input() -> None:
    text = unicodedata.normalize("NFD", "Theo Quy định 37 và Chỉ thị số 05-CT/TW đã nêu")
    refs = find_numbers(text)
    assert [(r.number, r.type_code, r.issuer) for r in refs] == [(37, "QĐ", None), (5, "CT", "TW")]
    assert [text[r.span[0] : r.span[1]] for r in refs] == [r.raw for r in refs]
    assert [unicodedata.normalize("NFC", r.raw) for r in refs] == [
        "Quy định 37",
        "Chỉ thị số 05-CT/TW",
    ]


def test_find_numbers_keeps_order_and_partials() -> None:
    refs = find_numbers("So sánh KL21 với kết luận số 01-KL/TW và chi thi 05 ct tw")
    assert [(r.raw, r.canonical) for r in refs] == [
        ("KL21", None),
        ("kết luận số 01-KL/TW", "01-KL/TW"),
        ("chi thi 05 ct tw", "05-CT/TW"),
    ]
    assert refs[0] == NumberRef(21, "KL", None, "KL21", (8, 12))


def test_matches_partial_refs() -> None:
    [ref] = find_numbers("ket luan 21")
    assert ref.matches("21-KL/TW")
    assert not ref.matches("21-NQ/TW")
    assert not ref.matches("01-KL/TW")
    [full] = find_numbers("13-CTR/DUK")
    assert full.matches("13-CTr/ĐUK")
    assert not full.matches("13-CTr/TU")


@pytest.mark.parametrize(
    "canonical", ["05-CT/TW", "13-CTr/ĐUK", "37-QĐ/TW", "102-QĐ/TW", "1234-CV/TU", "03-ĐA/HU"]
)
def test_parse_canonical_round_trip(canonical: str) -> None:
    assert canonical_number(*parse_canonical(canonical)) == canonical


def test_parse_canonical_values() -> None:
    assert parse_canonical("13-CTr/ĐUK") == (13, "CTr", "ĐUK")
    assert parse_canonical("05-CT/TW") == (5, "CT", "TW")


@pytest.mark.parametrize(
    "text", ["5-CT/TW", "005-CT/TW", "05-ct/tw", "05-CTR/ĐUK", "05/CT-TW", "05-CT/DUK", "05-XX/TW"]
)
def test_parse_canonical_rejects_other_spellings(text: str) -> None:
    with pytest.raises(ValueError):
        parse_canonical(text)


def test_canonical_number_normalises_parts() -> None:
    assert canonical_number(5, "ct", "tw") == "05-CT/TW"
    assert canonical_number(13, "ctr", "duk") == "13-CTr/ĐUK"
    assert canonical_number(37, "QD", "TW") == "37-QĐ/TW"
    with pytest.raises(ValueError):
        canonical_number(5, "XX", "TW")
    with pytest.raises(ValueError):
        canonical_number(0, "CT", "TW")


def test_type_tables() -> None:
    assert TYPE_CODES["QĐ"] == "Quy định"
    assert TYPE_NAMES["quy định"] == TYPE_NAMES["quyết định"] == "QĐ"
    assert set(TYPE_NAMES.values()) == set(TYPE_CODES)
