"""Through the ingest path, every stored text is NFC Unicode with its folded form alongside."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from knowledge import store
from knowledge.models import Passage
from knowledge.text import fold
from tests.utils.factories import (
    SAMPLE_DIR,
    document_named,
    ingest_sample,
    make_ingester,
    source_text,
)
from tests.utils.files import half_nfd


def squeeze(text: str) -> str:
    """Text with every run of whitespace made one space."""
    return " ".join(text.split())


@pytest.mark.parametrize(
    ("file_name", "encoding"),
    [
        ("quyet-dinh-27-qd-du-2022.txt", "tcvn3"),
        ("nghi-quyet-chi-bo-xe-buyt-so-1-thang-5-2024.txt", "cp1258"),
        ("nghi-quyet-18-nq-tw-2017.txt", "utf-8"),  # decomposed (NFD) Unicode
    ],
)
def test_legacy_and_decomposed_files_are_stored_as_their_unicode_source(
    engine: Engine, file_name: str, encoding: str
) -> None:
    raw = (SAMPLE_DIR / file_name).read_bytes()
    assert raw != source_text(file_name).encode()  # the sample really is in another form

    ingest_sample(engine, file_name)

    with Session(engine) as session:
        document = document_named(session, file_name)
    assert squeeze(document.text) == squeeze(source_text(file_name))
    assert unicodedata.is_normalized("NFC", document.text)
    assert document.encoding is not None and document.encoding.startswith(encoding)


def test_every_stored_passage_is_nfc_and_carries_its_folded_form(engine: Engine) -> None:
    ingest_sample(engine)

    with Session(engine) as session:
        passages = session.exec(select(Passage)).all()
    assert len(passages) > 100
    for passage in passages:
        assert unicodedata.is_normalized("NFC", passage.text), passage.text[:60]
        assert not any(unicodedata.combining(ch) for ch in passage.text)
        assert passage.folded == fold(passage.text)
        bare = unicodedata.normalize("NFD", passage.folded)
        assert "đ" not in bare and not any(unicodedata.combining(ch) for ch in bare)


def test_folded_form_finds_a_passage_typed_without_diacritics(engine: Engine) -> None:
    ingest_sample(engine, "quy-dinh-37-qd-tw-2021.txt")

    with Session(engine) as session:
        hits = [
            p
            for p in session.exec(select(Passage)).all()
            if "khong duoc lam" in p.folded and "dang vien" in p.folded
        ]
    assert hits
    assert any("không được làm" in p.text for p in hits)


def test_text_mixing_nfc_and_nfd_lines_is_stored_nfc(engine: Engine, tmp_path: Path) -> None:
    text = source_text("nghi-quyet-18-nq-tw-2017.txt")
    mixed = tmp_path / "nghi-quyet-18-tron-nfc-nfd.txt"
    mixed.write_text(half_nfd(text), encoding="utf-8")
    assert not unicodedata.is_normalized("NFC", mixed.read_text(encoding="utf-8"))

    report = make_ingester(engine).ingest_paths([mixed])

    assert report.outcomes[0].status == "added"
    with Session(engine) as session:
        document = document_named(session, mixed.name)
        assert document.id is not None
        passages = store.passages_of(session, document.id)
    assert squeeze(document.text) == squeeze(text)
    assert document.number == "18-NQ/TW"
    assert all(unicodedata.is_normalized("NFC", p.text) for p in passages)


def test_hyphenated_line_ends_are_joined_in_stored_passages(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "ke-hoach-chi-bo.txt"
    path.write_text(
        "KẾ HOẠCH\nsinh hoạt chuyên đề quý II\n\n"
        "Chi bộ tổ chức sinh hoạt chuyên đề, nâng cao chất lượng sinh ho-\nạt chi bộ theo "
        "Hướng dẫn số 05-\nHD/ĐUK của Ban Thường vụ Đảng ủy Khối.\n",
        encoding="utf-8",
    )

    make_ingester(engine).ingest_paths([path])

    with Session(engine) as session:
        document = document_named(session, path.name)
        assert document.id is not None
        body = " ".join(p.text for p in store.passages_of(session, document.id))
        cited = store.cited_numbers(session, document.id)
    assert "nâng cao chất lượng sinh hoạt chi bộ theo Hướng dẫn số 05-HD/ĐUK" in body
    assert "05-HD/ĐUK" in cited
