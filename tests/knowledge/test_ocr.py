"""Scans, photos of pages and Word 97–2003 files become documents (real Tesseract and antiword;
the pages are built by the test from text, so nothing large is kept in git)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from knowledge.encoding import unicode_to_tcvn3
from knowledge.errors import IngestError
from knowledge.models import Document, Trust
from knowledge.ocr import Cancelled, OcrOptions, _from_tsv, available
from knowledge.readers import doc_text, read_bytes
from tests.utils.factories import make_ingester, store_counts
from tests.utils.pages import (
    character_error_rate,
    image_bytes,
    photo,
    render_page,
    scanned_pdf,
    screen_photo,
    skewed,
    stamped,
)

pytestmark = pytest.mark.skipif(
    not available(), reason="tesseract with Vietnamese is not installed"
)
DATA = Path(__file__).resolve().parents[1] / "data" / "files"

NOTICE = (
    "ĐẢNG BỘ KHỐI CƠ QUAN VÀ DOANH NGHIỆP TỈNH\n"
    "CHI BỘ XÍ NGHIỆP XE BUÝT SỐ 1\n"
    "Số 07-TB/CB\n"
    "THÔNG BÁO (văn bản mẫu để kiểm thử)\n"
    "Chi bộ sinh hoạt thường kỳ vào 14 giờ ngày 10 tháng 12 năm 2024 tại phòng họp tầng 2.\n"
    "Đề nghị các đồng chí đảng viên dự họp đầy đủ, đúng giờ và nghiên cứu trước tài liệu.\n"
    "T/M CHI BỘ\nBÍ THƯ\nLê Thị Hồng Nhung"
)
BODY = NOTICE.splitlines()[4]


def test_a_photo_of_a_page_is_read_with_its_number_and_sentences() -> None:
    result = read_bytes(image_bytes(photo(render_page(NOTICE)), "JPEG"), "anh-thong-bao.jpg")
    assert result.recognised_pages == 1
    assert "07-TB/CB" in result.text
    assert BODY in " ".join(result.text.split())  # lines wrap where the page wrapped them
    assert character_error_rate(result.text, NOTICE) < 0.05


def _tsv(*lines: str) -> str:
    """Tesseract's TSV output for ``lines`` of words (one block, one paragraph)."""
    rows = ["level\tpage\tblock\tpar\tline\tword\tleft\ttop\twidth\theight\tconf\ttext"]
    for n, line in enumerate(lines, 1):
        rows += [f"5\t1\t1\t1\t{n}\t{i}\t0\t0\t9\t9\t90\t{w}" for i, w in enumerate(line.split())]
    return "\n".join(rows)


def test_a_glyph_of_a_numbers_codes_misread_is_put_right() -> None:
    # The fast model's commonest slips on a number: a letter seen twice («QĐĐ», «ĐĐU») or the
    # slash's edge seen as a letter («KLI/»). Each made the number no number at all (metadata
    # dropped it). Codes that are codes stay as written; unknown ones are not guessed at.
    lines = ["Số 27-QĐĐ/ĐU", "Số 12-TTr/CB và 05-CCT/TW", "Số 05-CTr/ĐĐU", "Số 01-KLI/TW"]
    text = _from_tsv(_tsv(*lines, "Số 03-NQ/ĐUK", "Mã 31-XYZ/AB")).text
    assert text.splitlines() == [
        "Số 27-QĐ/ĐU",
        "Số 12-TTr/CB và 05-CT/TW",
        "Số 05-CTr/ĐU",
        "Số 01-KL/TW",
        "Số 03-NQ/ĐUK",
        "Mã 31-XYZ/AB",
    ]


def test_a_red_stamp_and_a_turned_page_do_not_spoil_the_text() -> None:
    page = skewed(stamped(render_page(NOTICE)), -3.0)
    result = read_bytes(image_bytes(page), "ban-quet.png")
    assert character_error_rate(result.text, NOTICE) < 0.05
    assert "Lê Thị Hồng Nhung" in result.text


def test_a_scanned_pdf_is_recognised_page_by_page_in_order() -> None:
    first, second = (
        render_page(NOTICE),
        render_page("Trang hai: kết luận của chi bộ về nhiệm vụ tháng 12."),
    )
    seen: list[tuple[int, int]] = []
    result = read_bytes(
        scanned_pdf(first, second), "quet.pdf", progress=lambda d, t: seen.append((d, t))
    )
    assert result.recognised_pages == 2
    assert result.text.index("07-TB/CB") < result.text.index("Trang hai")
    assert seen == [(0, 2), (1, 2), (2, 2)]


def test_stored_as_not_yet_checked_with_a_note_saying_it_was_recognised(engine: Engine) -> None:
    outcome = make_ingester(engine).ingest_bytes(
        image_bytes(render_page(NOTICE)), file_name="thong-bao.png", source="upload/thong-bao.png"
    )
    assert outcome.status == "added", outcome.message
    with Session(engine) as session:
        document = session.get(Document, outcome.document_id)
        assert document is not None
        assert document.number == "07-TB/CB"
        assert document.trust == Trust.UNCHECKED
        assert "nhận dạng chữ từ ảnh quét (1 trang)" in (document.source_note or "")


@pytest.mark.parametrize(
    ("data", "name", "reason"),
    [
        (image_bytes(render_page("")), "trang-trang.png", "không nhận dạng được chữ"),
        (
            image_bytes(render_page("The committee meets on the first Monday of every month.")),
            "english.png",
            "không phải tiếng Việt",
        ),
        (b"\x89PNG\r\n\x1a\n not really an image", "hong.png", "không phải ảnh"),
    ],
)
def test_pages_that_cannot_be_documents_are_refused_clearly_and_nothing_is_stored(
    engine: Engine, data: bytes, name: str, reason: str
) -> None:
    outcome = make_ingester(engine).ingest_bytes(data, file_name=name, source=f"upload/{name}")
    assert outcome.status == "failed" and reason in outcome.message
    with Session(engine) as session:
        assert store_counts(session) == (0, 0, 0)


def test_a_photo_of_a_screen_is_read_when_legible_and_refused_clearly_when_not(
    engine: Engine,
) -> None:
    # Secretaries photograph the monitor the document is open on: the screen's pixel grid,
    # moiré bands, a dark bezel. An ordinary shot reads like a page...
    shot = image_bytes(screen_photo(render_page(NOTICE)), "JPEG")
    result = read_bytes(shot, "man-hinh.jpg")
    assert "07-TB/CB" in result.text
    assert character_error_rate(result.text, NOTICE) < 0.05
    # ...a shot lost in moiré and out of focus is refused with what to do, and nothing stored.
    bad = image_bytes(screen_photo(render_page(NOTICE), moire=0.6, focus=4.0), "JPEG")
    outcome = make_ingester(engine).ingest_bytes(bad, file_name="mo.jpg", source="upload/mo.jpg")
    assert outcome.status == "failed"
    assert "chụp màn hình" in outcome.message and "chụp thẳng trang giấy" in outcome.message
    with Session(engine) as session:
        assert store_counts(session) == (0, 0, 0)


def test_a_scan_over_the_page_limit_is_refused_before_any_page_is_read() -> None:
    pages = [render_page(NOTICE, dpi=150)] * 3
    with pytest.raises(IngestError, match="quá giới hạn 2 trang"):
        read_bytes(scanned_pdf(*pages, dpi=150), "dai.pdf", ocr=OcrOptions(max_pages=2))


def test_recognition_stops_when_the_sender_cancels() -> None:
    pages = [render_page(NOTICE, dpi=150)] * 3
    done: list[int] = []
    with pytest.raises(Cancelled):
        read_bytes(
            scanned_pdf(*pages, dpi=150),
            "huy.pdf",
            progress=lambda d, _t: done.append(d),
            cancelled=lambda: len(done) >= 1,
        )
    assert done == [0]  # the second page was never started


def test_a_word_97_file_is_read_with_its_marks_and_table() -> None:
    result = read_bytes((DATA / "mau-thong-bao.doc").read_bytes(), "mau-thong-bao.doc")
    assert "Số 07-TB/CB" in result.text
    assert "Chi bộ sinh hoạt thường kỳ vào 14 giờ ngày 10 tháng 12 năm 2024" in result.text
    assert "Báo cáo kết quả tháng 11 Đồng chí Bí thư" in result.text  # cells, not «|» rules
    assert "|" not in result.text


def test_a_word_97_file_typed_in_a_vntime_font_comes_back_in_unicode() -> None:
    # antiword passes such text on as the Windows letters the legacy bytes show as.
    typed = "ĐẢNG BỘ KHỐI CƠ QUAN. Chi bộ sinh hoạt thường kỳ mỗi tháng một lần."
    shown = unicode_to_tcvn3(typed).decode("cp1252")
    assert shown != typed
    text, legacy = doc_text(f"|{shown}   |\n")
    assert text == typed and legacy == "tcvn3"


def test_a_docx_named_doc_and_a_broken_doc_are_explained() -> None:
    with pytest.raises(IngestError, match=r"đổi đuôi thành \.docx"):
        read_bytes(b"PK\x03\x04rest of a zip", "doi-ten.doc")
    with pytest.raises(IngestError, match="không phải văn bản Word 97–2003"):
        read_bytes(b"plain text pretending", "gia.doc")
