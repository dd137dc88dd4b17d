"""Readers: every supported format gives the document's text, and only the document's text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from knowledge import store
from knowledge.readers import read_bytes, reflow_pdf_pages
from knowledge.text import fold
from tests.utils.factories import (
    SAMPLE_DIR,
    document_named,
    ingest_sample,
    make_ingester,
    source_text,
)
from tests.utils.pages import typeset_pdf

HTML_PAGE = "tin-so-ket-3-nam-ket-luan-01-duk-2024.html"
# The project's shared folder sits beside the checkout (../shared), as on CI.
_CANDIDATES = (Path(__file__).resolve().parents[3] / "shared", Path("/work/shared"))
_SHARED = next((p for p in _CANDIDATES if p.exists()), _CANDIDATES[0])
MEETING_ARTICLE = _SHARED / "examples" / "meeting-article-thanh-hoa-2024-05.txt"

# Site furniture of the HTML sample page: none of it may reach the stored text.
HTML_NOISE = [
    "Trang chủ",  # menu and breadcrumb
    "Giới thiệu",
    "Thư viện ảnh",
    "Tin hoạt động",  # breadcrumb
    "Tìm kiếm",
    "Đăng nhập",
    "Chào mừng kỷ niệm",  # marquee
    "Cập nhật",  # date/view-count line
    "Lượt xem",
    "Chia sẻ",  # share buttons
    "Zalo",
    "In bài",
    "Gửi email",
    "Về đầu trang",
    "Các tin khác",  # related list
    "Hội nghị tập huấn nghiệp vụ",
    "Định hướng nội dung sinh hoạt chuyên đề",
    "Liên kết website",  # sidebar
    "Tạp chí Cộng sản",
    "Thống kê truy cập",  # counter
    "Truy cập",
    "Hôm nay",
    "Tất cả",
    "2124450",
    "1.png",  # image placeholders
    "2.png",
    "Thu Trang",  # byline
    "Chịu trách nhiệm nội dung",  # footer
    "gtag",  # scripts
]
HTML_ARTICLE = [
    "Đảng ủy Khối sơ kết 3 năm thực hiện Kết luận số 01-KL/TW của Bộ Chính trị",
    "Sáng ngày 22/5/2024, Đảng ủy Khối Cơ quan và Doanh nghiệp tỉnh tổ chức hội nghị sơ kết",
    "Có 96,5% đảng viên đăng ký nội dung làm theo",
    '"Một tuyến xe văn minh" ở Công ty Cổ phần Vận tải và Dịch vụ Hàm Rồng',
    "Tại hội nghị, các đại biểu đã nghe 5 tham luận.",
    "Ban Thường vụ Đảng ủy Khối đã tặng Giấy khen cho 15 tập thể và 28 cá nhân",
]


def lines_of(text: str) -> list[str]:
    """Non-empty lines."""
    return [line for line in text.split("\n") if line.strip()]


@pytest.mark.parametrize(
    ("file_name", "phrase"),
    [
        ("chi-thi-05-ct-tw-2016.txt", "Làm theo là trọng tâm, nêu gương là then chốt"),
        ("ket-luan-01-kl-tw-2021.md", "Tiếp tục quán triệt sâu sắc mục đích, yêu cầu của Chỉ thị"),
        (HTML_PAGE, "Tại hội nghị, các đại biểu đã nghe 5 tham luận."),
        ("ket-luan-21-kl-tw-2021.docx", "Đổi mới, nâng cao chất lượng sinh hoạt chi bộ"),
        ("huong-dan-12-hd-btctw-2018.pdf", "Chi bộ sinh hoạt thường kỳ mỗi tháng một lần."),
    ],
)
def test_each_format_yields_the_documents_text(file_name: str, phrase: str) -> None:
    result = read_bytes((SAMPLE_DIR / file_name).read_bytes(), file_name)

    assert phrase in result.text
    assert result.format == Path(file_name).suffix.lstrip(".")


def test_markdown_markup_does_not_reach_the_text() -> None:
    result = read_bytes((SAMPLE_DIR / "bao-cao-86-bc-du-2023.md").read_bytes(), "bc.md")

    assert not re.search(r"^#|\*\*|__", result.text, re.MULTILINE)
    assert "Phần thứ nhất\nKẾT QUẢ THỰC HIỆN CHƯƠNG TRÌNH" in result.text


@pytest.mark.parametrize(
    "file_name", ["huong-dan-05-hd-duk-2021.docx", "ket-luan-21-kl-tw-2021.docx"]
)
def test_docx_paragraphs_are_the_sources_paragraphs(file_name: str) -> None:
    result = read_bytes((SAMPLE_DIR / file_name).read_bytes(), file_name)

    assert lines_of(result.text) == lines_of(source_text(file_name))


def test_docx_table_cells_are_read() -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("Kết quả xếp loại chi bộ năm 2023:")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Chi bộ Xí nghiệp Xe buýt số 1"
    table.cell(0, 1).text = "Hoàn thành tốt nhiệm vụ"
    table.cell(1, 0).text = "Chi bộ Phòng Kế hoạch"
    table.cell(1, 1).text = "Hoàn thành nhiệm vụ"
    import io

    buffer = io.BytesIO()
    document.save(buffer)

    text = read_bytes(buffer.getvalue(), "xep-loai.docx").text

    assert "Chi bộ Xí nghiệp Xe buýt số 1" in text
    assert "Hoàn thành tốt nhiệm vụ" in text


def test_docx_tabs_and_line_breaks_keep_words_and_lines_apart() -> None:
    import io

    import docx

    from knowledge.metadata import extract_metadata

    document = docx.Document()
    document.add_paragraph("ĐẢNG BỘ CÔNG TY CP VẬN TẢI VÀ DỊCH VỤ HÀM RỒNG")
    document.add_paragraph("CHI BỘ XÍ NGHIỆP XE BUÝT SỐ 1")
    # Word lays out the two-column header line with a tab: <w:r><w:t>Số 35-KH/CB</w:t><w:tab/>…
    header = document.add_paragraph().add_run("Số 35-KH/CB")
    header.add_tab()
    header.add_text("THANH HÓA, ngày 10 tháng 12 năm 2024")
    document.add_paragraph("KẾ HOẠCH")
    document.add_paragraph("tổ chức hội nghị kiểm điểm, đánh giá chất lượng đảng viên năm 2024")
    body = document.add_paragraph().add_run("1. Mục đích: đánh giá đúng chất lượng đảng viên.")
    body.add_break()  # <w:br/>: Shift+Enter, a new line inside the paragraph
    body.add_text("2. Yêu cầu: khách quan, công khai, đúng quy trình.")
    buffer = io.BytesIO()
    document.save(buffer)

    result = read_bytes(buffer.getvalue(), "ke-hoach-35.docx")
    metadata = extract_metadata(result.text, file_name="ke-hoach-35.docx")

    assert "Số 35-KH/CB THANH HÓA, ngày 10 tháng 12 năm 2024" in result.text
    assert metadata.number == "35-KH/CB"
    assert metadata.issued_on is not None and metadata.issued_on.isoformat() == "2024-12-10"
    assert (
        "1. Mục đích: đánh giá đúng chất lượng đảng viên.\n"
        "2. Yêu cầu: khách quan, công khai, đúng quy trình." in result.text
    )


def test_pdf_lines_are_joined_back_into_the_sources_paragraphs() -> None:
    name = "huong-dan-12-hd-btctw-2018.pdf"

    text = read_bytes((SAMPLE_DIR / name).read_bytes(), name).text

    # Page numbers gone, printed line wraps undone: paragraph for paragraph the source.
    assert lines_of(text) == lines_of(source_text(name))


def test_pdf_reflow_keeps_list_items_and_headings_apart() -> None:
    full = "Chi ủy họp trước để thống nhất nội dung, dự kiến những vấn đề cần thảo luận và"
    pages = [
        "1\nII. SINH HOẠT CHI BỘ\n"
        f"{full}\ndự thảo nghị quyết; phân công chi ủy viên chuẩn bị báo cáo.\n"
        f"{full}\n",
        "2\nnơi không có chi ủy thì bí thư chi bộ chuẩn bị.\n"
        f"{full}\na) Phần mở đầu: ổn định tổ chức.\n",
    ]

    assert reflow_pdf_pages(pages).split("\n") == [
        "II. SINH HOẠT CHI BỘ",
        f"{full} dự thảo nghị quyết; phân công chi ủy viên chuẩn bị báo cáo.",
        f"{full} nơi không có chi ủy thì bí thư chi bộ chuẩn bị.",  # across the page break
        full,
        "a) Phần mở đầu: ổn định tổ chức.",
    ]


_PLAN_TITLE = (
    "thực hiện Kết luận số 21-KL/TW ngày 25/10/2021 của Ban Chấp hành Trung ương Đảng khóa XIII "
    "và Quy định số 37-QĐ/TW của Ban Chấp hành Trung ương về những điều đảng viên không được làm"
)
_PLAN_OPENING = (
    "Thực hiện Kết luận số 21-KL/TW ngày 25/10/2021 của Ban Chấp hành Trung ương Đảng khóa XIII "
    "về đẩy mạnh xây dựng, chỉnh đốn Đảng và hệ thống chính trị, Ban Thường vụ Đảng ủy Khối xây "
    "dựng Kế hoạch thực hiện như sau:"
)


@pytest.mark.parametrize("space_after", [0, 6])
def test_pdf_title_wrapped_on_lines_of_its_own_face_is_one_line_apart_from_the_text(
    space_after: float,
) -> None:
    # A long title set bold and centred wraps; its second line starts with a capital and fills
    # the width, which line lengths alone read as a wrap into the paragraph below it.
    data = typeset_pdf(
        [
            ("header", "ĐẢNG ỦY KHỐI CƠ QUAN VÀ DOANH NGHIỆP"),
            ("kind", "KẾ HOẠCH"),
            ("title", _PLAN_TITLE),
            ("body", _PLAN_OPENING),
        ],
        space_after=space_after,
    )

    text = read_bytes(data, "ke-hoach.pdf").text

    assert text.split("\n") == [
        "ĐẢNG ỦY KHỐI CƠ QUAN VÀ DOANH NGHIỆP",
        "KẾ HOẠCH",
        _PLAN_TITLE,
        _PLAN_OPENING,
    ]


def test_pdf_plan_is_cited_by_its_whole_title(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "ke-hoach-48.pdf"
    path.write_bytes(
        typeset_pdf(
            [
                ("header", "ĐẢNG ỦY KHỐI CƠ QUAN VÀ DOANH NGHIỆP"),
                ("body", "Số 48-KH/ĐUK"),
                ("kind", "KẾ HOẠCH"),
                ("title", _PLAN_TITLE),
                ("body", _PLAN_OPENING),
            ]
        )
    )

    report = make_ingester(engine).ingest_paths([path])

    assert report.outcomes[0].status == "added", report.outcomes[0].message
    with Session(engine) as session:
        title = document_named(session, path.name).title
    assert title == _PLAN_TITLE[0].upper() + _PLAN_TITLE[1:]


def test_pdf_paragraph_set_apart_by_space_is_not_joined_to_a_line_left_open() -> None:
    # «- Căn cứ …,» ends in a comma and fills its last line; the paragraph under it starts with
    # a capital: only the space the word processor left between them tells them apart.
    grounds = (
        "- Căn cứ Quy định số 24-QĐ/TW ngày 30/7/2021 của Ban Chấp hành Trung ương về thi hành "
        "Điều lệ Đảng, Quy chế làm việc của Ban Chấp hành Trung ương khóa XIII và các quy định "
        "hiện hành của Đảng,"
    )
    enacting = "Ban Chấp hành Trung ương quy định những điều đảng viên không được làm như sau:"
    data = typeset_pdf([("body", grounds), ("body", enacting)], space_after=6)

    assert read_bytes(data, "quy-dinh.pdf").text.split("\n") == [grounds, enacting]


def test_pdf_paragraph_with_a_bold_lead_in_stays_one_paragraph() -> None:
    task = (
        "vận chuyển 420.000 lượt hành khách; tỷ lệ xuất bến đúng giờ từ 98% trở lên; không để "
        "phát sinh phản ánh về thái độ phục vụ; đưa mức tiêu hao nhiên liệu về định mức."
    )
    data = typeset_pdf([("body", f"<b>Nhiệm vụ chuyên môn:</b> {task}")])

    assert read_bytes(data, "nghi-quyet.pdf").text == f"Nhiệm vụ chuyên môn: {task}"


def test_hyphen_at_a_line_end_joins_the_word_but_keeps_a_numbers_hyphen() -> None:
    data = (
        "Nghị quyết chi bộ\n\nChi bộ tổ chức sinh hoạt chuyên đề về tư tưởng, đạo đức, phong "
        "cách Hồ Chí Minh theo Kế hoạch số 48-\nKH/ĐUK, nâng cao chất lượng sinh ho-\nạt "
        "chi bộ và học tập chủ nghĩa Mác-\nLênin.\n"
    ).encode()

    text = read_bytes(data, "nq.txt").text

    assert "Kế hoạch số 48-KH/ĐUK, nâng cao chất lượng sinh hoạt chi bộ" in text
    assert "chủ nghĩa Mác-Lênin." in text


def test_html_page_stores_the_article_and_none_of_the_site(engine: Engine) -> None:
    ingest_sample(engine, HTML_PAGE)

    with Session(engine) as session:
        document = document_named(session, HTML_PAGE)
        assert document.id is not None
        passages = store.passages_of(session, document.id)
        stored = [document.text, *(p.text for p in passages)]

    for text in stored[:1]:
        for phrase in HTML_ARTICLE:
            assert phrase in text
    for text in stored:
        for noise in HTML_NOISE:
            assert noise not in text, noise
    assert lines_of(document.text)[0] == HTML_ARTICLE[0]  # the headline opens the text
    assert document.issuer == "Ban Tuyên giáo Đảng ủy Khối"  # from the byline it dropped


def test_html_article_is_found_by_its_prose_whatever_the_sites_class_names() -> None:
    # Another site with the same layout but its own class names: no selector knows them, so
    # only the paragraph-text scoring can find the article.
    html = (SAMPLE_DIR / HTML_PAGE).read_text(encoding="utf-8")
    renamed = re.sub(r'class="[^"]*"', lambda m: f'class="k{len(m.group(0))}"', html)
    renamed = renamed.replace('id="content"', 'id="khung"')

    text = read_bytes(renamed.encode(), "trang.html").text

    for phrase in HTML_ARTICLE:
        assert phrase in text
    for noise in ["Các tin khác", "Hội nghị tập huấn", "Hôm nay", "2124450", "Tạp chí Cộng sản"]:
        assert noise not in text, noise
    for noise in ["Trang chủ", "Thư viện ảnh", "Liên hệ"]:
        assert noise not in text, noise


def test_html_without_paragraph_markup_still_reads_the_body() -> None:
    body = "<br>".join(
        f"Đoạn {i}: chi bộ duy trì sinh hoạt thường kỳ, nâng cao chất lượng sinh hoạt."
        for i in range(1, 8)
    )
    html = f"<html><body><nav><a href='/'>Trang chủ</a></nav><div>{body}</div></body></html>"

    text = read_bytes(html.encode(), "tin.html").text

    assert "Đoạn 7: chi bộ duy trì sinh hoạt thường kỳ" in text
    assert "Trang chủ" not in text


def test_scraped_meeting_article_loses_its_counter_and_image_names(engine: Engine) -> None:
    report = make_ingester(engine).ingest_paths([MEETING_ARTICLE])

    assert report.outcomes[0].status == "added", report.outcomes[0].message
    with Session(engine) as session:
        document = document_named(session, MEETING_ARTICLE.name)
    text = document.text
    assert text.startswith("Nâng cao chất lượng sinh hoạt chi bộ định kỳ tại Trung tâm")
    assert "Tới dự và chỉ đạo buổi sinh hoạt chi bộ có đồng chí Nguyễn Thị Lan" in text
    assert text.rstrip().endswith("theo Hướng dẫn số 05-HD/ĐUK của Ban Thường vụ Đảng ủy Khối.")
    assert "Toàn cảnh Hội nghị" in text  # a caption is the article's own words
    for noise in ["1.png", "2.png", "Truy cập", "Hôm nay", "Hôm qua", "Tất cả", "2124450", "1272"]:
        assert noise not in text, noise
    assert "Lê Hương - Ban Tuyên giáo" not in text
    assert document.issuer == "Ban Tuyên giáo Đảng ủy Khối"
    assert document.doc_type == "Bài viết"


def test_scraped_sample_article_keeps_every_paragraph() -> None:
    name = "bai-viet-sinh-hoat-chi-bo-xe-buyt-so-1-thang-5-2024.txt"
    raw = (SAMPLE_DIR / name).read_text(encoding="utf-8")
    byline = "Hoàng Mai - Văn phòng Đảng ủy Công ty"
    article = lines_of(raw)[: lines_of(raw).index(byline)]  # then the visitor counter
    expected = [line for line in article if line not in {"1.png", "2.png"}]

    text = read_bytes(raw.encode(), name).text

    assert lines_of(text) == expected
    for noise in ["1.png", "2.png", byline, "Truy cập", "Tất cả"]:
        assert fold(noise) not in fold(text), noise
