"""Metadata of every sample document, the shared number 12-HD/BTCTW, and who cites whom."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from knowledge import store
from knowledge.metadata import HEADLINE_MAX_CHARS, extract_metadata
from knowledge.readers import read_bytes
from knowledge.scopes import SHARED
from tests.utils.factories import SAMPLE_FILES, document_named, ingest_sample, make_ingester

BTCTW = "Ban Tổ chức Trung ương"
BCH = "Ban Chấp hành Trung ương"
DUK = "Đảng ủy Khối Cơ quan và Doanh nghiệp tỉnh Thanh Hóa"
DU = "Đảng ủy Công ty Cổ phần Vận tải và Dịch vụ Hàm Rồng"

# file → (type, number, date, issuer, title); read off each file's header.
EXPECTED: dict[str, tuple[str, str | None, date, str, str]] = {
    "chi-thi-05-ct-tw-2016.txt": (
        "Chỉ thị", "05-CT/TW", date(2016, 5, 15), "Bộ Chính trị",
        "Về đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
    ),
    "ket-luan-01-kl-tw-2021.md": (
        "Kết luận", "01-KL/TW", date(2021, 5, 18), "Bộ Chính trị",
        "Về tiếp tục thực hiện Chỉ thị số 05-CT/TW ngày 15/5/2016 của Bộ Chính trị khóa XII "
        '"về đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh"',
    ),
    "ket-luan-21-kl-tw-2021.docx": (
        "Kết luận", "21-KL/TW", date(2021, 10, 25), BCH,
        "Về đẩy mạnh xây dựng, chỉnh đốn Đảng và hệ thống chính trị; kiên quyết ngăn chặn, "
        "đẩy lùi, xử lý nghiêm cán bộ, đảng viên suy thoái về tư tưởng chính trị, đạo đức, "
        'lối sống, biểu hiện "tự diễn biến", "tự chuyển hóa"',
    ),
    "quy-dinh-37-qd-tw-2021.txt": (
        "Quy định", "37-QĐ/TW", date(2021, 10, 25), BCH,
        "Về những điều đảng viên không được làm",
    ),
    "nghi-quyet-18-nq-tw-2017.txt": (
        "Nghị quyết", "18-NQ/TW", date(2017, 10, 25), BCH,
        "Một số vấn đề về tiếp tục đổi mới, sắp xếp tổ chức bộ máy của hệ thống chính trị "
        "tinh gọn, hoạt động hiệu lực, hiệu quả",
    ),
    "huong-dan-12-hd-btctw-2018.pdf": (
        "Hướng dẫn", "12-HD/BTCTW", date(2018, 1, 18), BTCTW,
        "Một số vấn đề về nâng cao chất lượng sinh hoạt chi bộ",
    ),
    "huong-dan-12-hd-btctw-2022.txt": (
        "Hướng dẫn", "12-HD/BTCTW", date(2022, 6, 6), BTCTW,
        "Một số vấn đề cụ thể về nghiệp vụ công tác đảng viên",
    ),
    "chuong-trinh-13-ctr-duk-2021.md": (
        "Chương trình", "13-CTr/ĐUK", date(2021, 4, 17), DUK,
        "Nâng cao năng lực lãnh đạo của cấp ủy và chất lượng sinh hoạt chi bộ, "
        "nhiệm kỳ 2020 - 2025",
    ),
    "huong-dan-05-hd-duk-2021.docx": (
        "Hướng dẫn", "05-HD/ĐUK", date(2021, 7, 20), DUK,
        "Cụ thể quy trình, nội dung sinh hoạt cấp ủy, sinh hoạt chi bộ và khung tiêu chí "
        "đánh giá, xếp loại chất lượng sinh hoạt chi bộ",
    ),
    "ke-hoach-48-kh-duk-2021.txt": (
        "Kế hoạch", "48-KH/ĐUK", date(2021, 12, 20), DUK,
        "Thực hiện Kết luận số 21-KL/TW ngày 25/10/2021 của Ban Chấp hành Trung ương Đảng "
        "khóa XIII và Quy định số 37-QĐ/TW ngày 25/10/2021 của Ban Chấp hành Trung ương về "
        "những điều đảng viên không được làm",
    ),
    "thong-bao-215-tb-duk-2024.txt": (
        "Thông báo", "215-TB/ĐUK", date(2024, 1, 12), DUK,
        "Kết luận của Ban Thường vụ Đảng ủy Khối về định hướng nội dung sinh hoạt chuyên đề "
        "của chi bộ năm 2024",
    ),
    "bao-cao-86-bc-du-2023.md": (
        "Báo cáo", "86-BC/ĐU", date(2023, 6, 15), DU,
        "Sơ kết giữa nhiệm kỳ thực hiện Chương trình số 13-CTr/ĐUK ngày 17/4/2021 của Ban "
        "Thường vụ Đảng ủy Khối về nâng cao năng lực lãnh đạo của cấp ủy và chất lượng sinh "
        "hoạt chi bộ, nhiệm kỳ 2020 - 2025",
    ),
    "quyet-dinh-27-qd-du-2022.txt": (
        "Quyết định", "27-QĐ/ĐU", date(2022, 5, 20), DU,
        "Chuẩn y kết quả bầu cử chi ủy, bí thư, phó bí thư Chi bộ Xí nghiệp Xe buýt số 1, "
        "nhiệm kỳ 2022 - 2025",
    ),
    "chuong-trinh-05-ctr-du-2024.md": (
        "Chương trình", "05-CTr/ĐU", date(2024, 1, 15), DU,
        "Chương trình công tác năm 2024",
    ),
    "bai-viet-sinh-hoat-chi-bo-xe-buyt-so-1-thang-5-2024.txt": (
        "Bài viết", None, date(2024, 5, 6), "Văn phòng Đảng ủy Công ty",
        "Chi bộ Xí nghiệp Xe buýt số 1 sinh hoạt định kỳ tháng 5/2024 gắn với chuyên đề học tập "
        "và làm theo Bác",
    ),
    "nghi-quyet-chi-bo-xe-buyt-so-1-thang-5-2024.txt": (
        "Nghị quyết", "05-NQ/CB", date(2024, 5, 6), "Chi bộ Xí nghiệp Xe buýt số 1",
        "Sinh hoạt chi bộ tháng 5/2024 về lãnh đạo thực hiện nhiệm vụ tháng 5 năm 2024",
    ),
    "tin-so-ket-3-nam-ket-luan-01-duk-2024.html": (
        "Bài viết", None, date(2024, 5, 22), "Ban Tuyên giáo Đảng ủy Khối",
        "Đảng ủy Khối sơ kết 3 năm thực hiện Kết luận số 01-KL/TW của Bộ Chính trị",
    ),
}  # fmt: skip


def test_the_table_covers_every_sample_document() -> None:
    assert sorted(EXPECTED) == SAMPLE_FILES


@pytest.mark.parametrize("file_name", sorted(EXPECTED))
def test_sample_document_metadata(engine: Engine, file_name: str) -> None:
    doc_type, number, issued_on, issuer, title = EXPECTED[file_name]

    ingest_sample(engine, file_name)

    with Session(engine) as session:
        document = document_named(session, file_name)
    assert (document.doc_type, document.number, document.issued_on) == (
        doc_type,
        number,
        issued_on,
    )
    assert document.issuer == issuer
    assert document.title == title


def test_documents_sharing_a_number_are_told_apart_by_date(engine: Engine) -> None:
    ingest_sample(engine, "huong-dan-12-hd-btctw-2018.pdf", "huong-dan-12-hd-btctw-2022.txt")

    with Session(engine) as session:
        by_2018 = store.find_by_number(session, "hướng dẫn 12 năm 2018", readable=SHARED)
        by_2022 = store.find_by_number(session, "12-HD/BTCTW năm 2022", readable=SHARED)
        both = store.find_by_number(session, "12-HD/BTCTW", readable=SHARED)

    assert [d.file_name for d in by_2018] == ["huong-dan-12-hd-btctw-2018.pdf"]
    assert [d.file_name for d in by_2022] == ["huong-dan-12-hd-btctw-2022.txt"]
    # Both are candidates, newest first, and each says which one it is.
    assert [d.issued_on for d in both] == [date(2022, 6, 6), date(2018, 1, 18)]


# Who implements whom, as corpus/README.md describes the sample.
CITED_BY = {
    "21-KL/TW": {
        "ke-hoach-48-kh-duk-2021.txt",
        "thong-bao-215-tb-duk-2024.txt",
        "bao-cao-86-bc-du-2023.md",
        "chuong-trinh-05-ctr-du-2024.md",
    },
    "05-CT/TW": {"ket-luan-01-kl-tw-2021.md", "ket-luan-21-kl-tw-2021.docx"},
    "13-CTr/ĐUK": {"huong-dan-05-hd-duk-2021.docx"},
    "12-HD/BTCTW": {"huong-dan-05-hd-duk-2021.docx", "chuong-trinh-13-ctr-duk-2021.md"},
    "05-HD/ĐUK": {
        "nghi-quyet-chi-bo-xe-buyt-so-1-thang-5-2024.txt",
        "bai-viet-sinh-hoat-chi-bo-xe-buyt-so-1-thang-5-2024.txt",
    },
}


def test_cited_numbers_say_which_documents_implement_which(engine: Engine) -> None:
    ingest_sample(engine)

    with Session(engine) as session:
        for number, citing in CITED_BY.items():
            found = {d.file_name for d in store.citing_documents(session, number, readable=SHARED)}
            own = {d.file_name for d in store.find_by_number(session, number, readable=SHARED)}
            assert citing <= found, number
            assert own and not own & found, number  # a document never cites its own number


def test_citations_of_one_document(engine: Engine) -> None:
    ingest_sample(engine, "ke-hoach-48-kh-duk-2021.txt")

    with Session(engine) as session:
        document = document_named(session, "ke-hoach-48-kh-duk-2021.txt")
        assert document.id is not None
        cited = store.cited_numbers(session, document.id)

    assert {"21-KL/TW", "37-QĐ/TW", "05-CT/TW", "01-KL/TW", "13-CTr/ĐUK"} <= set(cited)
    assert "48-KH/ĐUK" not in cited


def test_a_number_inside_a_sentence_is_a_citation_not_the_documents_own() -> None:
    text = (
        "Chi bộ Xí nghiệp Xe buýt số 1 thảo luận việc thực hiện Kết luận số 21-KL/TW "
        "ngày 25/10/2021 và Quy định số 37-QĐ/TW."
    )

    metadata = extract_metadata(text, file_name="ghi-chep.txt")

    assert metadata.number is None
    assert metadata.doc_type == "Bài viết"
    assert metadata.cited == ["21-KL/TW", "37-QĐ/TW"]


def test_file_without_header_falls_back_to_its_first_line_as_title() -> None:
    metadata = extract_metadata(
        "Ghi chép buổi sinh hoạt chuyên đề quý II\n\nNội dung thảo luận sôi nổi.",
        file_name="ghi-chep.txt",
    )

    assert metadata.title == "Ghi chép buổi sinh hoạt chuyên đề quý II"
    assert metadata.issued_on is None and metadata.issuer is None


# Minutes as cells type them: the section headings are capitals like the header lines.
MINUTES_BODY = [
    "Thời gian: 14 giờ 00, ngày 27 tháng 12 năm 2024.",
    "Địa điểm: Hội trường Xí nghiệp Xe buýt số 1.",
    "Chủ trì: đồng chí Lê Thị Hồng Nhung, Bí thư Chi bộ. Thư ký: đồng chí Phạm Văn Tú.",
    "I. TÌNH HÌNH THỰC HIỆN NHIỆM VỤ THÁNG 12",
    "Chi bộ lãnh đạo Xí nghiệp vận chuyển 431.000 lượt hành khách, đạt 102% kế hoạch tháng.",
    "II. NHIỆM VỤ THÁNG 01 NĂM 2025",
    "Tổ chức kiểm điểm, đánh giá, xếp loại chất lượng đảng viên năm 2024.",
]
MINUTES_HEADERS = {
    "cell above the heading": [
        "ĐẢNG BỘ CÔNG TY CP VẬN TẢI VÀ DỊCH VỤ HÀM RỒNG",
        "CHI BỘ XÍ NGHIỆP XE BUÝT SỐ 1",
        "",
        "BIÊN BẢN",
        "SINH HOẠT CHI BỘ THƯỜNG KỲ THÁNG 12 NĂM 2024",
        "",
    ],
    "cell below the heading": [
        "BIÊN BẢN",
        "SINH HOẠT CHI BỘ THƯỜNG KỲ THÁNG 12 NĂM 2024",
        "CHI BỘ XÍ NGHIỆP XE BUÝT SỐ 1",
        "",
    ],
}


@pytest.mark.parametrize("layout", sorted(MINUTES_HEADERS))
def test_minutes_are_issued_by_the_cell_never_by_a_section_heading(
    engine: Engine, tmp_path: Path, layout: str
) -> None:
    import docx

    document = docx.Document()
    for line in MINUTES_HEADERS[layout] + MINUTES_BODY:
        document.add_paragraph(line)
    path = tmp_path / "bien-ban-thang-12-2024.docx"
    document.save(str(path))

    report = make_ingester(engine).ingest_paths([path])

    assert report.outcomes[0].status == "added", report.outcomes[0].message
    with Session(engine) as session:
        stored = document_named(session, path.name)
    assert stored.doc_type == "Biên bản"
    assert stored.issuer == "Chi bộ Xí nghiệp Xe buýt số 1"
    assert stored.title == "Sinh hoạt chi bộ thường kỳ tháng 12 năm 2024"
    assert stored.issued_on == date(2024, 12, 27)


HEADLINE = "Chi bộ Xí nghiệp Xe buýt số 1 kết nạp đảng viên mới"
# The lead paragraph, the text that citations showed instead of the headline.
LEAD = (
    "Chiều ngày 12/6/2024, tại hội trường Xí nghiệp Xe buýt số 1, Chi bộ Xí nghiệp Xe buýt "
    "số 1 thuộc Đảng bộ Công ty Cổ phần Vận tải và Dịch vụ Hàm Rồng tổ chức Lễ kết nạp đảng "
    "viên mới cho quần chúng ưu tú Nguyễn Văn An, lái xe tuyến số 03, theo Quyết định của "
    "Ban Thường vụ Đảng ủy Công ty."
)
SITE = "Đảng ủy Công ty Cổ phần Vận tải và Dịch vụ Hàm Rồng"
BODY = (
    f"<p>{LEAD}</p><p>Đồng chí Bí thư Chi bộ công bố quyết định, trao huy hiệu và giao nhiệm "
    "vụ cho đảng viên mới; đảng viên mới đọc lời tuyên thệ trước cờ Đảng.</p>"
)


def _page(head: str, body: str) -> str:
    return (
        f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">{head}</head><body>'
        f'<header><h1 class="logo"><a href="/">{SITE.upper()}</a></h1></header>'
        f"<nav><a href='/'>Trang chủ</a></nav>{body}</body></html>"
    )


ARTICLE_PAGES = {
    # og:title wins over the logo <h1> and the site name in <title>.
    "og-title.html": _page(
        f'<meta property="og:title" content="{HEADLINE}">'
        f'<meta property="og:site_name" content="{SITE}"><title>{HEADLINE} | {SITE}</title>',
        f"<article>{BODY}</article>",
    ),
    # No og:title: the article's own <h1>, not the logo's.
    "h1.html": _page(
        f"<title>{HEADLINE} - {SITE}</title>",
        f"<article><h1>{HEADLINE}</h1>{BODY}</article>",
    ),
    # Only <title>: the headline without « - site name».
    "title.html": _page(f"<title>{HEADLINE} - {SITE}</title>", f"<article>{BODY}</article>"),
    # A plain-text article: its short first line is the headline.
    "tin-ket-nap.txt": f"{HEADLINE}\n\n{LEAD}\n\nĐảng viên mới đọc lời tuyên thệ trước cờ Đảng.",
}


@pytest.mark.parametrize("file_name", sorted(ARTICLE_PAGES))
def test_an_article_is_titled_by_its_headline_never_its_lead(
    engine: Engine, tmp_path: Path, file_name: str
) -> None:
    path = tmp_path / file_name
    path.write_text(ARTICLE_PAGES[file_name], encoding="utf-8")

    report = make_ingester(engine).ingest_paths([path])

    assert report.outcomes[0].status == "added", report.outcomes[0].message
    with Session(engine) as session:
        document = document_named(session, file_name)
    assert document.doc_type == "Bài viết"
    assert document.title == HEADLINE
    assert LEAD in document.text


def test_a_pages_title_keeps_a_hyphen_between_years() -> None:
    page = _page(
        "<title>Chi bộ sơ kết nghị quyết nhiệm kỳ 2020 - 2025</title>",
        f"<article>{BODY}</article>",
    )

    result = read_bytes(page.encode(), "so-ket.html")

    assert result.title_hint == "Chi bộ sơ kết nghị quyết nhiệm kỳ 2020 - 2025"


def test_an_article_without_a_headline_is_not_titled_by_its_whole_lead() -> None:
    text = f"{LEAD}\n\nĐảng viên mới đọc lời tuyên thệ trước cờ Đảng."

    title = extract_metadata(text, file_name="tin.txt").title

    assert len(title) <= HEADLINE_MAX_CHARS + 1 and title.endswith("…")
    assert LEAD.startswith(title.rstrip("…"))


def test_a_citation_left_alone_on_a_line_by_a_scan_is_not_the_documents_number() -> None:
    # A photographed news article: recognition breaks lines where the page did, so a short
    # line can hold a citation. The article is still an article, not Kết luận 01-KL/TW.
    scanned = (
        "Đảng ủy Khối sơ kết 3 năm thực hiện Kết luận số 01-KL/TW\n\n"
        "Sáng ngày 22/5/2024, Đảng ủy Khối tổ chức hội nghị sơ kết 3 năm thực hiện\n"
        "Kết luận số 01-KL/TW ngày\n"
        "18/5/2021 của Bộ Chính trị về tiếp tục thực hiện Chỉ thị số 05-CT/TW.\n\n"
        "Đảng ủy Khối đề nghị các cấp ủy tiếp tục thực hiện nghiêm Kết luận\n\n"
        "số 01-KL/TW.\n"
    )
    meta = extract_metadata(scanned, file_name="anh-bai-bao.jpg")
    assert (meta.doc_type, meta.number) == ("Bài viết", None)
    assert meta.cited[:2] == ["01-KL/TW", "05-CT/TW"]
    # A header line with the number and nothing else still is the number.
    header = "BAN CHẤP HÀNH TRUNG ƯƠNG\n*\n01-KL/TW\nĐẢNG CỘNG SẢN VIỆT NAM\n\nKẾT LUẬN"
    assert extract_metadata(header, file_name="kl.txt").number == "01-KL/TW"


def test_a_mark_misread_in_the_issuer_line_still_names_the_body() -> None:
    # Tesseract at 200 dpi reads «TRUNG» as «TRƯNG»; the Party body keeps its name.
    scanned = "BAN CHẤP HÀNH TRƯNG ƯƠNG\n*\nSố 18-NQ/TW\nĐẢNG CỘNG SẢN VIỆT NAM\n\nNGHỊ QUYẾT"
    meta = extract_metadata(scanned, file_name="quet.png")
    assert (meta.number, meta.issuer) == ("18-NQ/TW", "Ban Chấp hành Trung ương")
