"""Bad files: each gets its own clear message, the batch goes on and the store stays whole."""

from __future__ import annotations

import io
import random
import shutil
import time
import unicodedata
import zipfile
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from knowledge.ingest import FileOutcome
from knowledge.models import Document
from tests.utils.factories import (
    SAMPLE_DIR,
    assert_store_consistent,
    document_named,
    make_ingester,
    outcome_for,
    source_text,
)
from tests.utils.files import (
    docx_bytes,
    encrypted_pdf_bytes,
    half_nfd,
    write_sparse,
    write_zip_bomb,
)

GOOD = "chi-thi-05-ct-tw-2016.txt"


@pytest.fixture(scope="module")
def bomb_300mb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 1.4 MB .docx whose document.xml expands to 300 MB (built once for the module)."""
    return write_zip_bomb(
        tmp_path_factory.mktemp("bomb") / "bao-cao-300mb.docx", unzipped_mb=300, level=1
    )


def ingest_with_good_file(engine: Engine, folder: Path, bad: Path) -> tuple[FileOutcome, Path]:
    """Ingest ``bad`` between two good files; the good ones must go in regardless."""
    first = Path(shutil.copy(SAMPLE_DIR / GOOD, folder / GOOD))
    last = Path(shutil.copy(SAMPLE_DIR / "quy-dinh-37-qd-tw-2021.txt", folder / "qd37.txt"))
    report = make_ingester(engine).ingest_paths([first, bad, last])
    assert outcome_for(report, first).status == "added"
    assert outcome_for(report, last).status == "added"
    with Session(engine) as session:
        names = {d.file_name for d in session.exec(select(Document)).all()}
        assert bad.name not in names
        assert_store_consistent(session)
    return outcome_for(report, bad), bad


def assert_refused(outcome: FileOutcome, bad: Path, *problem: str) -> None:
    """The file failed, the outcome names it, and the message says what is wrong with it."""
    assert outcome.status == "failed"
    assert outcome.path == str(bad)
    for words in problem:
        assert words in outcome.message, outcome.message


def test_zero_byte_file(engine: Engine, tmp_path: Path) -> None:
    bad = tmp_path / "bien-ban-rong.txt"
    bad.write_bytes(b"")

    outcome, _ = ingest_with_good_file(engine, tmp_path, bad)

    assert_refused(outcome, bad, "tệp rỗng")


def test_binary_junk_named_txt(engine: Engine, tmp_path: Path) -> None:
    bad = tmp_path / "nghi-quyet.txt"
    bad.write_bytes(random.Random(7).randbytes(64 * 1024))

    outcome, _ = ingest_with_good_file(engine, tmp_path, bad)

    assert_refused(outcome, bad, "không phải văn bản")


def test_corrupt_pdf(engine: Engine, tmp_path: Path) -> None:
    bad = tmp_path / "huong-dan-hong.pdf"
    data = (SAMPLE_DIR / "huong-dan-12-hd-btctw-2018.pdf").read_bytes()
    bad.write_bytes(data[: len(data) // 3])  # cut off mid-download

    outcome, _ = ingest_with_good_file(engine, tmp_path, bad)

    assert_refused(outcome, bad, "PDF hỏng")


def test_encrypted_pdf(engine: Engine, tmp_path: Path) -> None:
    bad = tmp_path / "huong-dan-co-mat-khau.pdf"
    bad.write_bytes(encrypted_pdf_bytes(user_password="bi-mat"))

    outcome, _ = ingest_with_good_file(engine, tmp_path, bad)

    assert_refused(outcome, bad, "mật khẩu")


def test_pdf_locked_only_against_editing_is_read(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "huong-dan-khoa-sua.pdf"
    path.write_bytes(encrypted_pdf_bytes(user_password=""))

    outcome = make_ingester(engine).ingest_paths([path]).outcomes[0]

    assert outcome.status == "added", outcome.message
    with Session(engine) as session:
        assert document_named(session, path.name).number == "12-HD/BTCTW"


def test_docx_zip_bomb_is_refused_without_expanding_it(
    engine: Engine, tmp_path: Path, bomb_300mb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = Path(shutil.copy(bomb_300mb, tmp_path / bomb_300mb.name))

    def no_expanding(*args: object, **kwargs: object) -> None:
        raise AssertionError("a zip member was opened")

    monkeypatch.setattr(zipfile.ZipFile, "open", no_expanding)
    started = time.perf_counter()
    outcome, _ = ingest_with_good_file(engine, tmp_path, bad)

    assert_refused(outcome, bad, "bom nén", "300 MB")
    assert time.perf_counter() - started < 10


def test_docx_with_a_suspicious_compression_ratio_is_refused(
    engine: Engine, tmp_path: Path
) -> None:
    # 40 MB is under the size cap (200 MB), but zeros pack ~1000:1: the ratio check decides.
    bad = write_zip_bomb(tmp_path / "ke-hoach.docx", unzipped_mb=40, level=9)
    assert bad.stat().st_size < 2**20

    outcome, _ = ingest_with_good_file(engine, tmp_path, bad)

    assert_refused(outcome, bad, "bom nén")


def test_docx_that_is_not_a_zip(engine: Engine, tmp_path: Path) -> None:
    bad = tmp_path / "thong-bao.docx"
    bad.write_text("THÔNG BÁO\nđây là văn bản thường đổi tên thành .docx", encoding="utf-8")

    outcome, _ = ingest_with_good_file(engine, tmp_path, bad)

    assert_refused(outcome, bad, ".docx", "không phải tệp Word")


def test_docx_with_a_doctype_is_refused_with_a_clear_message(
    engine: Engine, tmp_path: Path
) -> None:
    good = docx_bytes(["KẾ HOẠCH", "tổ chức hội nghị kiểm điểm năm 2024 của chi bộ HÀM RỒNG"])
    bad = tmp_path / "ke-hoach-doctype.docx"
    with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(bad, "w") as target:
        for info in source.infolist():
            part = source.read(info.filename)
            if info.filename == "word/document.xml":
                # An entity declared in a DOCTYPE and used in the text, as XXE attempts do.
                doctype = '<!DOCTYPE w:document [<!ENTITY hr "HÀM RỒNG">]>'
                part = part.replace("HÀM RỒNG".encode(), b"&hr;")
                part = part.replace(b"?>", b"?>\n" + doctype.encode(), 1)
                assert b"&hr;" in part
            target.writestr(info, part)

    outcome, _ = ingest_with_good_file(engine, tmp_path, bad)

    assert_refused(outcome, bad, "DOCTYPE", "word/document.xml", "lưu lại rồi gửi lại")
    assert "không mong đợi" not in outcome.message


def test_file_over_the_size_limit_is_refused_without_reading_it(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = write_sparse(tmp_path / "tai-lieu-lon.txt", megabytes=50)
    real_read_bytes = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        assert self != bad, "the oversized file was read"
        return real_read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)

    outcome, _ = ingest_with_good_file(engine, tmp_path, bad)

    assert_refused(outcome, bad, "quá lớn", "50.0 MB", "20 MB")


def test_oversized_upload_bytes_are_refused(engine: Engine) -> None:
    ingester = make_ingester(engine, max_file_mb=1)

    outcome = ingester.ingest_bytes(
        b"a" * (2 * 2**20), file_name="gui-qua-telegram.txt", source="upload:1"
    )

    assert outcome.status == "failed"
    assert outcome.path == "gui-qua-telegram.txt"
    assert "quá lớn" in outcome.message


def test_unsupported_extension(engine: Engine, tmp_path: Path) -> None:
    bad = tmp_path / "danh-sach-dang-vien.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a spreadsheet")

    outcome, _ = ingest_with_good_file(engine, tmp_path, bad)

    assert_refused(outcome, bad, "«.xlsx»", "không được hỗ trợ", ".docx", ".pdf")


def test_mixed_nfc_and_nfd_text_is_accepted_and_stored_nfc(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "nghi-quyet-18-ban-chep.txt"
    path.write_text(half_nfd(source_text("nghi-quyet-18-nq-tw-2017.txt")), encoding="utf-8")

    outcome, _ = ingest_with_good_file_allowing(engine, tmp_path, path)

    assert outcome.status == "added"
    with Session(engine) as session:
        document = document_named(session, path.name)
    assert unicodedata.is_normalized("NFC", document.text)
    assert document.number == "18-NQ/TW"


def ingest_with_good_file_allowing(
    engine: Engine, folder: Path, path: Path
) -> tuple[FileOutcome, Path]:
    """Ingest ``path`` with a good file, for inputs that are odd but acceptable."""
    good = Path(shutil.copy(SAMPLE_DIR / GOOD, folder / GOOD))
    report = make_ingester(engine).ingest_paths([good, path])
    assert outcome_for(report, good).status == "added"
    with Session(engine) as session:
        assert_store_consistent(session)
    return outcome_for(report, path), path


def test_duplicate_under_another_name_points_at_the_original(
    engine: Engine, tmp_path: Path
) -> None:
    copy = Path(shutil.copy(SAMPLE_DIR / GOOD, tmp_path / "ban-sao-chi-thi-05.txt"))

    outcome, _ = ingest_with_good_file_allowing(engine, tmp_path, copy)

    assert outcome.status == "duplicate"
    assert outcome.path == str(copy)
    assert f"«{GOOD}»" in outcome.message
    with Session(engine) as session:
        assert len(session.exec(select(Document)).all()) == 1


def test_missing_file_and_folder_are_reported(engine: Engine, tmp_path: Path) -> None:
    gone = tmp_path / "da-xoa.txt"

    outcome, _ = ingest_with_good_file(engine, tmp_path, gone)

    assert_refused(outcome, gone, "không tìm thấy")


def test_many_bad_files_in_one_folder_each_get_their_own_message(
    engine: Engine, tmp_path: Path
) -> None:
    folder = tmp_path / "tai-len"
    folder.mkdir()
    shutil.copy(SAMPLE_DIR / GOOD, folder / GOOD)
    (folder / "rong.txt").write_bytes(b"")
    (folder / "anh.jpg").write_bytes(b"\xff\xd8\xff\xe0")  # a photo cut off mid-download
    (folder / "trinh-chieu.pptx").write_bytes(b"PK\x03\x04")
    (folder / "hong.pdf").write_bytes(b"%PDF-1.7\n" + random.Random(1).randbytes(2048))
    (folder / "gia.docx").write_bytes(b"plain text")

    report = make_ingester(engine).ingest_paths([folder])

    messages = {Path(o.path).name: (o.status, o.message) for o in report.outcomes}
    assert messages[GOOD] == ("added", "")
    assert messages["rong.txt"] == ("failed", "tệp rỗng (0 byte)")
    assert messages["anh.jpg"] == ("failed", "tệp ảnh hỏng hoặc không phải ảnh (JPEG, PNG)")
    assert (
        messages["trinh-chieu.pptx"][0] == "failed" and "«.pptx»" in messages["trinh-chieu.pptx"][1]
    )
    assert messages["hong.pdf"][0] == "failed" and "PDF hỏng" in messages["hong.pdf"][1]
    assert messages["gia.docx"][0] == "failed" and "Word" in messages["gia.docx"][1]
    assert report.counts == {"added": 1, "failed": 5}
