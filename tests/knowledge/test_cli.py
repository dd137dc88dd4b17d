"""The `chibo ingest / docs / doc / remove` commands, run the way a user runs them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from tests.utils.cli import Chibo, chibo_runner
from tests.utils.factories import SAMPLE_DIR, ingest_sample


@pytest.fixture
def chibo(engine: Engine, tmp_path: Path) -> Chibo:
    """Run `chibo ARGS…` with a config in a temporary folder and the test database from env."""
    return chibo_runner(engine, tmp_path, "knowledge:\n  max_file_mb: 20\n")


def test_ingest_reports_each_file_and_a_summary(chibo: Chibo) -> None:
    result = chibo("ingest", "--quiet", str(SAMPLE_DIR))

    assert result.exit_code == 0, result.output
    assert result.stdout.strip().splitlines()[-1] == (
        "Tổng kết: thêm mới 17, cập nhật 0, không đổi 0, trùng lặp 0, lỗi 0 (tổng 17 tệp)"
    )

    again = chibo("ingest", str(SAMPLE_DIR / "chi-thi-05-ct-tw-2016.txt"))

    assert again.exit_code == 0
    assert f"[không đổi] {SAMPLE_DIR / 'chi-thi-05-ct-tw-2016.txt'}" in again.stdout


def test_ingest_exits_non_zero_and_names_the_file_that_failed(chibo: Chibo, tmp_path: Path) -> None:
    good = Path(shutil.copy(SAMPLE_DIR / "chi-thi-05-ct-tw-2016.txt", tmp_path / "ct05.txt"))
    empty = tmp_path / "rong.txt"
    empty.write_bytes(b"")
    picture = tmp_path / "trinh-chieu.pptx"
    picture.write_bytes(b"PK\x03\x04")

    result = chibo("ingest", str(good), str(empty), str(picture))

    assert result.exit_code == 1
    assert f"[thêm mới] {good} (" in result.stdout
    assert f"[lỗi] {empty} — tệp rỗng (0 byte)" in result.stderr
    assert f"[lỗi] {picture} — định dạng «.pptx» không được hỗ trợ" in result.stderr
    assert "thêm mới 1, cập nhật 0, không đổi 0, trùng lặp 0, lỗi 2 (tổng 3 tệp)" in result.stdout


def test_docs_filters_by_type_and_year(chibo: Chibo, engine: Engine) -> None:
    ingest_sample(engine)

    result = chibo("docs", "--type", "Chỉ thị", "--year", "2016")

    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "Chỉ thị số 05-CT/TW ngày 15/5/2016 của Bộ Chính trị — Về đẩy mạnh học tập và làm "
        "theo tư tưởng, đạo đức, phong cách Hồ Chí Minh [chi-thi-05-ct-tw-2016.txt, 12 đoạn; "
        "văn bản mẫu, không phải văn bản chính thức; dùng chung]"
    ]
    guides = chibo("docs", "--type", "huong dan")  # typed without diacritics
    assert [line.split(" — ")[0] for line in guides.stdout.splitlines()] == [
        "Hướng dẫn số 12-HD/BTCTW ngày 6/6/2022 của Ban Tổ chức Trung ương",
        "Hướng dẫn số 05-HD/ĐUK ngày 20/7/2021 của Đảng ủy Khối Cơ quan và Doanh nghiệp tỉnh "
        "Thanh Hóa",
        "Hướng dẫn số 12-HD/BTCTW ngày 18/1/2018 của Ban Tổ chức Trung ương",
    ]
    assert chibo("docs", "--year", "1990").stdout.strip() == "Không có văn bản nào khớp."


def test_docs_lists_articles_by_their_headline(chibo: Chibo, tmp_path: Path) -> None:
    headline = "Chi bộ Xí nghiệp Xe buýt số 1 kết nạp đảng viên mới"
    lead = (
        "Chiều ngày 12/6/2024, tại hội trường Xí nghiệp, Chi bộ Xí nghiệp Xe buýt số 1 thuộc "
        "Đảng bộ Công ty Cổ phần Vận tải và Dịch vụ Hàm Rồng tổ chức Lễ kết nạp đảng viên mới "
        "cho quần chúng ưu tú Nguyễn Văn An, lái xe tuyến số 03."
    )
    page = tmp_path / "ket-nap.html"
    page.write_text(
        f'<html><head><meta property="og:title" content="{headline}">'
        f"<title>{headline} - Đảng ủy Công ty</title></head><body>"
        f'<header><h1 class="logo">ĐẢNG ỦY CÔNG TY</h1></header><article><p>{lead}</p>'
        "<p>Đảng viên mới đọc lời tuyên thệ trước cờ Đảng, hứa phấn đấu suốt đời.</p>"
        "</article></body></html>",
        encoding="utf-8",
    )
    assert chibo("ingest", str(page)).exit_code == 0

    result = chibo("docs", "--type", "Bài viết")

    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        f"Bài viết ngày 12/6/2024 — {headline} [ket-nap.html, 1 đoạn; chưa đối chiếu; dùng chung]"
    ]


def test_docs_rejects_an_unknown_type_with_the_list_of_types(chibo: Chibo) -> None:
    result = chibo("docs", "--type", "Thư mời")

    assert result.exit_code == 2
    assert "loại «Thư mời» không có" in result.stderr
    assert "Chỉ thị" in result.stderr


@pytest.mark.parametrize("asked", ["CT 05", "chỉ thị 05", "05-CT/TW"])
def test_doc_shows_metadata_outline_and_citations(chibo: Chibo, engine: Engine, asked: str) -> None:
    ingest_sample(engine, "chi-thi-05-ct-tw-2016.txt", "ket-luan-01-kl-tw-2021.md")

    result = chibo("doc", asked)

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Chỉ thị số 05-CT/TW ngày 15/5/2016 của Bộ Chính trị"
    assert lines[1] == (
        "  Trích yếu: Về đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh"
    )
    assert "  Tệp: chi-thi-05-ct-tw-2016.txt" in lines
    outline = lines[lines.index("  Dàn ý:") + 1 :]
    assert "    I. Mục đích, yêu cầu" in outline
    assert "      2. Yêu cầu" in outline
    assert "    IV. Tổ chức thực hiện" in outline
    assert "  Dẫn chiếu: 03-CT/TW" in lines
    assert lines[-1] == (
        "  Được dẫn chiếu bởi: Kết luận số 01-KL/TW ngày 18/5/2021 của Bộ Chính trị"
    )


def test_doc_with_a_shared_number_shows_both_documents(chibo: Chibo, engine: Engine) -> None:
    ingest_sample(engine, "huong-dan-12-hd-btctw-2018.pdf", "huong-dan-12-hd-btctw-2022.txt")

    both = chibo("doc", "12-HD/BTCTW")
    one = chibo("doc", "hướng dẫn 12 năm 2018")

    assert both.stdout.splitlines()[0] == "«12-HD/BTCTW» khớp 2 văn bản:"
    assert "ngày 6/6/2022" in both.stdout and "ngày 18/1/2018" in both.stdout
    assert "ngày 18/1/2018" in one.stdout and "2022" not in one.stdout.splitlines()[0]


def test_doc_of_an_unknown_number_fails(chibo: Chibo, engine: Engine) -> None:
    ingest_sample(engine, "chi-thi-05-ct-tw-2016.txt")

    result = chibo("doc", "99-CT/TW")

    assert result.exit_code == 1
    assert "Không tìm thấy văn bản có số hiệu «99-CT/TW»." in result.stderr


def test_remove_by_number(chibo: Chibo, engine: Engine) -> None:
    ingest_sample(engine, "quy-dinh-37-qd-tw-2021.txt", "chi-thi-05-ct-tw-2016.txt")

    result = chibo("remove", "37-QĐ/TW")

    assert result.exit_code == 0
    assert result.stdout.strip() == "Đã xóa: Quy định 37-QĐ/TW — quy-dinh-37-qd-tw-2021.txt"
    assert chibo("doc", "37-QĐ/TW").exit_code == 1
    assert chibo("doc", "CT 05").exit_code == 0
    again = chibo("remove", "37-QĐ/TW")
    assert again.exit_code == 1
    assert "Không tìm thấy văn bản «37-QĐ/TW»." in again.stderr


def test_remove_of_a_shared_number_asks_for_the_file(chibo: Chibo, engine: Engine) -> None:
    ingest_sample(engine, "huong-dan-12-hd-btctw-2018.pdf", "huong-dan-12-hd-btctw-2022.txt")

    result = chibo("remove", "12-HD/BTCTW")

    assert result.exit_code == 1
    assert "số hiệu khớp nhiều văn bản" in result.stderr
    assert "hãy chỉ rõ đường dẫn tệp" in result.stderr
    by_path = chibo("remove", str(SAMPLE_DIR / "huong-dan-12-hd-btctw-2022.txt"))
    assert by_path.exit_code == 0
    assert "huong-dan-12-hd-btctw-2022.txt" in by_path.stdout
