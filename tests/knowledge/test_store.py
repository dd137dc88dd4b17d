"""The store: idempotent re-ingestion, atomic replacement and removal, lookups by number."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from knowledge import store
from knowledge.errors import IngestError
from knowledge.ingest import remove_paths_or_numbers
from knowledge.models import Document, DocumentCitation, Passage
from knowledge.scopes import SHARED
from tests.utils.factories import (
    assert_store_consistent,
    copy_sample,
    document_named,
    make_document,
    make_ingester,
    store_counts,
)

QD37 = "quy-dinh-37-qd-tw-2021.txt"
OLD_SENTENCE = "Quy định này có hiệu lực từ ngày ký, thay thế Quy định số 47-QĐ/TW"
NEW_SENTENCE = (
    "Chi bộ phổ biến Quy định đến từng đảng viên theo Hướng dẫn số 05-HD/ĐUK. "
    "Quy định này có hiệu lực từ ngày 01/01/2022, thay thế Quy định số 47-QĐ/TW"
)


def snapshot(engine: Engine, file_name: str) -> dict[str, Any]:
    """What a user could see of a stored document: fields, passages, citations."""
    with Session(engine) as session:
        document = document_named(session, file_name)
        assert document.id is not None
        return {
            "id": document.id,
            "text": document.text,
            "updated_at": document.updated_at,
            "content_hash": document.content_hash,
            "passages": [(p.id, p.text) for p in store.passages_of(session, document.id)],
            "cited": store.cited_numbers(session, document.id),
        }


def edit(path: Path) -> None:
    """Change one sentence of the Quy định 37 copy (adding a citation)."""
    text = path.read_text(encoding="utf-8")
    assert OLD_SENTENCE in text
    path.write_text(text.replace(OLD_SENTENCE, NEW_SENTENCE), encoding="utf-8")


def test_reingesting_an_unchanged_file_changes_nothing(engine: Engine, tmp_path: Path) -> None:
    (path,) = copy_sample(tmp_path, QD37)
    ingester = make_ingester(engine)
    first = ingester.ingest_paths([path]).outcomes[0]
    before = snapshot(engine, QD37)

    again = ingester.ingest_paths([path]).outcomes[0]

    assert (first.status, again.status) == ("added", "unchanged")
    assert again.document_id == first.document_id
    assert again.passages == first.passages
    assert snapshot(engine, QD37) == before
    with Session(engine) as session:
        assert store_counts(session)[0] == 1


def test_a_changed_file_replaces_its_passages_and_citations(engine: Engine, tmp_path: Path) -> None:
    (path,) = copy_sample(tmp_path, QD37)
    ingester = make_ingester(engine)
    ingester.ingest_paths([path])
    before = snapshot(engine, QD37)
    time.sleep(0.01)  # updated_at must visibly move

    edit(path)
    outcome = ingester.ingest_paths([path]).outcomes[0]

    after = snapshot(engine, QD37)
    assert outcome.status == "updated"
    assert after["id"] == before["id"]  # same document, new content
    assert after["updated_at"] > before["updated_at"]
    assert after["content_hash"] != before["content_hash"]
    assert any(NEW_SENTENCE[:60] in text for _, text in after["passages"])
    assert not any(OLD_SENTENCE in text for _, text in after["passages"])
    assert set(after["cited"]) - set(before["cited"]) == {"05-HD/ĐUK"}
    with Session(engine) as session:
        assert store_counts(session)[1] == len(after["passages"])  # the old passages are gone
        assert_store_consistent(session)


def fail_after_writing(monkeypatch: pytest.MonkeyPatch, error: Exception) -> None:
    """Make store.save_document write everything, flush it to the database, then raise."""
    real = store.save_document

    def save_then_fail(session: Session, **kwargs: Any) -> tuple[Document, bool]:
        real(session, **kwargs)
        session.flush()  # passages and citations are now in the open transaction
        assert session.exec(select(Passage)).first() is not None
        raise error

    monkeypatch.setattr(store, "save_document", save_then_fail)


@pytest.mark.parametrize(
    "error",
    [RuntimeError("disk full"), IntegrityError("INSERT", {}, Exception("duplicate key"))],
    ids=["crash", "database-error"],
)
def test_a_failure_while_storing_a_new_file_stores_nothing(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: Exception
) -> None:
    (path,) = copy_sample(tmp_path, QD37)
    fail_after_writing(monkeypatch, error)

    outcome = make_ingester(engine).ingest_paths([path]).outcomes[0]

    assert outcome.status == "failed"
    assert outcome.path == str(path)
    assert "chưa lưu gì" in outcome.message  # the user knows to send it again
    with Session(engine) as session:
        assert store_counts(session) == (0, 0, 0)


def test_a_failure_while_replacing_keeps_the_old_version_intact(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (path,) = copy_sample(tmp_path, QD37)
    ingester = make_ingester(engine)
    ingester.ingest_paths([path])
    before = snapshot(engine, QD37)
    edit(path)
    fail_after_writing(monkeypatch, RuntimeError("killed"))

    outcome = ingester.ingest_paths([path]).outcomes[0]

    assert outcome.status == "failed"
    assert snapshot(engine, QD37) == before
    monkeypatch.undo()
    assert ingester.ingest_paths([path]).outcomes[0].status == "updated"  # retried later


def test_remove_by_number_takes_passages_and_citations_with_it(
    engine: Engine, tmp_path: Path
) -> None:
    paths = copy_sample(tmp_path, QD37, "ke-hoach-48-kh-duk-2021.txt")
    make_ingester(engine).ingest_paths(paths)

    removed = remove_paths_or_numbers(engine, "Quy định 37-QĐ/TW")

    assert removed == [f"Quy định 37-QĐ/TW — {QD37}"]
    with Session(engine) as session:
        assert [d.file_name for d in session.exec(select(Document)).all()] == [
            "ke-hoach-48-kh-duk-2021.txt"
        ]
        assert store.find_by_number(session, "37-QĐ/TW", readable=SHARED) == []
        # The plan that cites 37-QĐ/TW keeps its citation: it still mentions the number.
        assert [
            d.file_name for d in store.citing_documents(session, "37-QĐ/TW", readable=SHARED)
        ] == ["ke-hoach-48-kh-duk-2021.txt"]
        assert_store_consistent(session)


def test_remove_by_path_works_even_after_the_file_is_deleted(
    engine: Engine, tmp_path: Path
) -> None:
    paths = copy_sample(tmp_path, QD37, "chi-thi-05-ct-tw-2016.txt")
    make_ingester(engine).ingest_paths(paths)
    paths[0].unlink()

    removed = remove_paths_or_numbers(engine, str(paths[0]))

    assert removed == [f"Quy định 37-QĐ/TW — {QD37}"]
    with Session(engine) as session:
        assert [d.number for d in session.exec(select(Document)).all()] == ["05-CT/TW"]
        assert_store_consistent(session)


def test_removing_a_shared_number_asks_which_document(engine: Engine, tmp_path: Path) -> None:
    paths = copy_sample(
        tmp_path, "huong-dan-12-hd-btctw-2018.pdf", "huong-dan-12-hd-btctw-2022.txt"
    )
    make_ingester(engine).ingest_paths(paths)

    with pytest.raises(IngestError) as raised:
        remove_paths_or_numbers(engine, "12-HD/BTCTW")

    assert "2018-01-18" in raised.value.message and "2022-06-06" in raised.value.message
    assert remove_paths_or_numbers(engine, "hướng dẫn 12 năm 2018") == [
        "Hướng dẫn 12-HD/BTCTW — huong-dan-12-hd-btctw-2018.pdf"
    ]
    with Session(engine) as session:
        assert store_counts(session)[0] == 1


def test_remove_of_an_unknown_number_removes_nothing(engine: Engine) -> None:
    with Session(engine) as session:
        make_document(session)

    assert remove_paths_or_numbers(engine, "99-CT/TW") == []
    with Session(engine) as session:
        assert store_counts(session)[0] == 1


def test_list_documents_filters_by_type_year_and_issuer(engine: Engine) -> None:
    with Session(engine) as session:
        make_document(session)  # Chỉ thị 05-CT/TW, 2016, Bộ Chính trị
        make_document(
            session,
            file_name="chi-thi-10.txt",
            number="10-CT/TW",
            issued_on=date(2007, 3, 30),
            issuer="Ban Bí thư",
        )
        make_document(
            session,
            file_name="kl-01.txt",
            doc_type="Kết luận",
            number="01-KL/TW",
            issued_on=date(2016, 5, 18),
        )

        def names(**filters: Any) -> list[str]:
            return [d.file_name for d in store.list_documents(session, readable=SHARED, **filters)]

        assert names(doc_type="Chỉ thị") == ["chi-thi-05-ct-tw-2016.txt", "chi-thi-10.txt"]
        assert names(year=2016) == ["kl-01.txt", "chi-thi-05-ct-tw-2016.txt"]
        assert names(doc_type="Chỉ thị", year=2016) == ["chi-thi-05-ct-tw-2016.txt"]
        assert names(issuer="ban bi thu") == ["chi-thi-10.txt"]  # typed without diacritics


def test_find_by_number_understands_every_spelling(engine: Engine) -> None:
    with Session(engine) as session:
        make_document(session)
        for spelling in ["05-CT/TW", "CT 05", "chỉ thị 05", "chi thi so 05", "05/CT-TW"]:
            assert [d.number for d in store.find_by_number(session, spelling, readable=SHARED)] == [
                "05-CT/TW"
            ], spelling
        assert store.find_by_number(session, "nghị quyết 05", readable=SHARED) == []


def test_passages_and_citations_are_looked_up_by_id(engine: Engine) -> None:
    with Session(engine) as session:
        document = make_document(session)
        assert document.id is not None
        passages = store.passages_of(session, document.id)
        wanted = [passages[0].id, passages[-1].id, 12345]

        found = store.get_passages(session, wanted)

        assert set(found) == {passages[0].id, passages[-1].id}
        assert store.cited_numbers(session, document.id) == ["03-CT/TW"]
        citation = session.exec(select(DocumentCitation)).one()
        assert citation.document_id == document.id
