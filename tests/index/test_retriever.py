"""Hybrid retrieval logic: numbers, filters, incremental sync, index files, bad questions.

These use the deterministic test embedder: they check what the retriever does with signals,
not the meaning of text (tests/index/test_quality.py does that with the real model).
"""

from __future__ import annotations

import json
import shutil
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from index.diacritics import DiacriticRestorer
from index.embedder import HashEmbedder
from index.retriever import (
    Filters,
    IndexCorrupt,
    IndexMismatch,
    IndexMissing,
    QueryError,
    Retriever,
)
from index.settings import IndexSettings
from knowledge import store
from knowledge.ingest import Ingester
from knowledge.scopes import SHARED
from knowledge.settings import KnowledgeSettings


def numbers_of(result) -> list[str | None]:  # type: ignore[no-untyped-def]
    return [hit.document.number for hit in result.hits]


@pytest.mark.parametrize(
    "query", ["CT 05", "05/CT-TW", "chỉ thị số 05", "chi thi 05 noi ve gi", "05-CT/TW"]
)
def test_a_question_naming_a_number_gets_that_document(
    hash_retriever: Retriever, query: str
) -> None:
    result = hash_retriever.search(query, 3)
    assert result.hits
    assert set(numbers_of(result)) == {"05-CT/TW"}
    assert result.numbers == ["05-CT/TW"]


@pytest.mark.parametrize(
    "query",
    [
        "quy định 37",
        "QĐ 37 nói về vấn đề gì vậy",
        "qd 37 la gi nhi",
        # the body it is of names it further
        "QĐ 37 của Ban Chấp hành Trung ương nói về việc gì?",
    ],
)
def test_a_bare_number_returns_the_document_head(hash_retriever: Retriever, query: str) -> None:
    result = hash_retriever.search(query, 3)
    assert result.only_number
    assert result.hits[0].document.number == "37-QĐ/TW"
    assert result.hits[0].ordinal == 0


def test_shared_number_told_apart_by_year(hash_retriever: Retriever) -> None:
    both = hash_retriever.search("hướng dẫn 12-HD/BTCTW", 10)
    assert {h.document.issued_on.year for h in both.hits if h.document.issued_on} == {2018, 2022}
    only_2018 = hash_retriever.search("hướng dẫn 12 năm 2018", 10)
    assert {h.document.issued_on.year for h in only_2018.hits if h.document.issued_on} == {2018}


def test_unknown_number_is_reported_not_guessed(hash_retriever: Retriever) -> None:
    result = hash_retriever.search("kết luận 99-KL/TW nói gì", 5)
    assert result.hits == []
    assert result.unknown_numbers == ["99-KL/TW"]


def test_a_number_points_to_what_mentions_it_without_walling_it_off(
    hash_retriever: Retriever,
) -> None:
    # Kết luận 01 is in the library; so is a news article about its review after three years.
    result = hash_retriever.search(
        "sơ kết 3 năm thực hiện Kết luận 01: bao nhiêu tập thể, cá nhân được khen thưởng", 10
    )
    files = [hit.document.file_name for hit in result.hits]
    assert result.hits[0].document.number == "01-KL/TW"  # the document itself still first
    assert "tin-so-ket-3-nam-ket-luan-01-duk-2024.html" in files  # and what mentions it found


def test_a_number_no_document_is_but_one_mentions_is_answered_from_that_one(
    hash_retriever: Retriever,
) -> None:
    # Chỉ thị 03-CT/TW is not in the library; Chỉ thị 05 says it replaces it.
    result = hash_retriever.search("chỉ thị 03-CT/TW được thay thế bằng văn bản nào", 5)
    assert result.unknown_numbers == ["03-CT/TW"]
    assert result.hits and result.hits[0].document.number == "05-CT/TW"


def test_which_documents_implement_a_conclusion(hash_retriever: Retriever) -> None:
    result = hash_retriever.search("những văn bản nào thực hiện Kết luận 21", 10)
    assert result.citing
    files = {hit.document.file_name for hit in result.hits}
    assert "ke-hoach-48-kh-duk-2021.txt" in files
    assert all(hit.document.number != "21-KL/TW" for hit in result.hits)


def test_filters_by_type_year_and_issuer(hash_retriever: Retriever) -> None:
    by_type = hash_retriever.search("sinh hoạt chi bộ", 10, Filters(doc_type="Hướng dẫn"))
    assert by_type.hits and {h.document.doc_type for h in by_type.hits} == {"Hướng dẫn"}
    by_year = hash_retriever.search("sinh hoạt chi bộ", 10, Filters(year=2021))
    assert by_year.hits and {h.document.issued_on.year for h in by_year.hits} == {2021}  # type: ignore[union-attr]
    by_issuer = hash_retriever.search("đảng viên", 10, Filters(issuer="bo chinh tri"))
    assert by_issuer.hits and {h.document.issuer for h in by_issuer.hits} == {"Bộ Chính trị"}


def test_hits_carry_citation_text_and_signals(hash_retriever: Retriever) -> None:
    hit = hash_retriever.search("làm theo tư tưởng đạo đức phong cách Hồ Chí Minh", 1).hits[0]
    assert hit.citation().startswith(hit.document.cite().split(" (")[0])
    assert hit.citation().endswith("(văn bản mẫu minh hoạ, không phải văn bản chính thức)")
    assert hit.text and hit.heading_path and hit.heading_path[0].startswith(hit.document.doc_type)
    assert set(hit.signals) <= {"dense", "lexical", "number"} and hit.signals


@pytest.mark.parametrize("question", ["", "   ", "?!...", "😀👍", "—"])
def test_empty_or_symbol_questions_are_refused_clearly(
    hash_retriever: Retriever, question: str
) -> None:
    with pytest.raises(QueryError, match="trống"):
        hash_retriever.search(question, 5)


def test_a_very_long_question_is_answered(hash_retriever: Retriever) -> None:
    question = ("Đảng viên không được làm những điều gì theo Quy định? " * 200)[:10_000]
    result = hash_retriever.search(question, 3)
    assert len(result.query) <= 2000
    assert result.hits


def test_ingest_and_remove_update_the_index_incrementally(
    sample_engine: Engine, hash_retriever: Retriever, tmp_path: Path
) -> None:
    before = hash_retriever.stats()["passages"]
    new = tmp_path / "thong-bao-99.txt"
    new.write_text(
        "ĐẢNG ỦY KHỐI\n*\nSố 99-TB/ĐUK\nĐẢNG CỘNG SẢN VIỆT NAM\n"
        "Thanh Hóa, ngày 02 tháng 3 năm 2025\n\nTHÔNG BÁO\nvề lịch tiếp dân tháng 3\n\n"
        "Ban Thường vụ thông báo lịch tiếp công dân vào sáng thứ Năm hằng tuần "
        "tại phòng họp số 2.\n",
        encoding="utf-8",
    )
    assert Ingester(sample_engine, KnowledgeSettings()).ingest_file(new).status == "added"
    report = hash_retriever.sync()
    assert report["removed"] == 0 and report["added"] >= 1
    assert report["total"] == before + report["added"]
    assert numbers_of(hash_retriever.search("thông báo 99", 3))[0] == "99-TB/ĐUK"
    with Session(sample_engine) as session:
        store.remove_document(
            session, store.find_by_number(session, "99-TB/ĐUK", readable=SHARED)[0]
        )
        session.commit()
    report = hash_retriever.sync()
    assert report["added"] == 0 and report["removed"] >= 1
    assert hash_retriever.search("thông báo 99-TB/ĐUK", 3).unknown_numbers == ["99-TB/ĐUK"]


def test_saved_index_reloads_without_reembedding(
    sample_engine: Engine, hash_retriever: Retriever, tmp_path: Path
) -> None:
    fresh = Retriever(sample_engine, HashEmbedder(), IndexSettings(), tmp_path / "index")
    fresh.load()
    assert fresh.stats()["passages"] == hash_retriever.stats()["passages"]
    assert fresh.sync() == {"added": 0, "removed": 0, "total": fresh.stats()["passages"]}


def test_index_built_with_another_model_is_refused(
    sample_engine: Engine, hash_retriever: Retriever, tmp_path: Path
) -> None:
    other = Retriever(sample_engine, HashEmbedder(dim=32), IndexSettings(), tmp_path / "index")
    with pytest.raises(IndexMismatch, match="chibo index --rebuild"):
        other.load()
    other.sync(rebuild=True)
    assert other.stats()["dim"] == 32


def test_corrupt_index_files_give_the_rebuild_hint(
    sample_engine: Engine, hash_retriever: Retriever, tmp_path: Path
) -> None:
    index_dir = tmp_path / "index"
    (index_dir / "dense.faiss").write_bytes(b"not a faiss file")
    fresh = Retriever(sample_engine, HashEmbedder(), IndexSettings(), index_dir)
    with pytest.raises(IndexCorrupt, match="chibo index --rebuild"):
        fresh.load()
    # sync() on a corrupt index must not crash-loop: it rebuilds aside and replaces it.
    fresh.sync(rebuild=True)
    fresh.load()
    assert fresh.search("đảng viên", 1).hits


def test_mismatched_files_are_detected(
    sample_engine: Engine, hash_retriever: Retriever, tmp_path: Path
) -> None:
    index_dir = tmp_path / "index"
    manifest = json.loads((index_dir / "manifest.json").read_text())
    manifest["passage_set_hash"] = "0" * 64
    (index_dir / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(IndexCorrupt):
        Retriever(sample_engine, HashEmbedder(), IndexSettings(), index_dir).load()


def test_missing_index_says_how_to_build(sample_engine: Engine, tmp_path: Path) -> None:
    retriever = Retriever(sample_engine, HashEmbedder(), IndexSettings(), tmp_path / "none")
    with pytest.raises(IndexMissing, match="chibo index"):
        retriever.load()


class _SlowEmbedder(HashEmbedder):
    """Blocks passage embedding until released, to hold a rebuild half-way."""

    def __init__(self) -> None:
        super().__init__()
        self.started = threading.Event()
        self.release = threading.Event()

    def embed_passages(self, texts, *, progress=False):  # type: ignore[no-untyped-def]
        self.started.set()
        assert self.release.wait(10)
        return super().embed_passages(texts)


def test_queries_during_a_rebuild_are_served_from_the_old_index(
    sample_engine: Engine, tmp_path: Path
) -> None:
    embedder = _SlowEmbedder()
    embedder.release.set()
    retriever = Retriever(sample_engine, embedder, IndexSettings(), tmp_path / "index")
    retriever.sync()
    expected = numbers_of(retriever.search("quy định 37", 3))
    embedder.release.clear()
    embedder.started.clear()
    worker = threading.Thread(target=retriever.sync, kwargs={"rebuild": True})
    worker.start()
    assert embedder.started.wait(10)
    started = time.perf_counter()
    during = retriever.search("quy định 37", 3)
    assert time.perf_counter() - started < 5
    assert numbers_of(during) == expected
    assert (tmp_path / "index" / "manifest.json").exists()
    embedder.release.set()
    worker.join(10)
    assert not worker.is_alive()
    assert numbers_of(retriever.search("quy định 37", 3)) == expected


def test_rebuild_failure_keeps_the_serving_index(
    sample_engine: Engine, hash_retriever: Retriever, tmp_path: Path, monkeypatch
) -> None:
    def boom(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk full")

    monkeypatch.setattr(hash_retriever.embedder, "embed_passages", boom)
    with pytest.raises(RuntimeError):
        hash_retriever.sync(rebuild=True)
    assert hash_retriever.search("quy định 37", 1).hits
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".index-")]
    shutil.rmtree(tmp_path / "index")
    assert np.isfinite(hash_retriever.search("đảng viên", 1).hits[0].score)


def test_an_index_whose_restorer_lacks_everyday_text_relearns_it_at_sync(
    hash_retriever: Retriever,
) -> None:
    # An index written before the restorer learned everyday text: the next start relearns
    # it and writes it down, without embedding anything again.
    path = hash_retriever.index_dir / "restorer.bin"
    old = DiacriticRestorer.fit(["Chi bộ sinh hoạt thường kỳ."], everyday=False)
    path.write_bytes(old.to_bytes())
    hash_retriever.load()
    assert "ruou bia" in hash_retriever.search("dang vien uong ruou bia", 3).dense_query

    report = hash_retriever.sync()

    assert report["added"] == 0
    relearned = DiacriticRestorer.from_bytes(path.read_bytes())
    assert relearned.everyday
    assert "rượu bia" in relearned.restore("dang vien uong ruou bia")


def test_a_search_restricted_to_some_documents_ranks_only_theirs(hash_retriever: Retriever) -> None:
    question = "học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh"
    found = {h.document.id for h in hash_retriever.search(question, 30).hits}
    assert len(found) >= 2
    keep = frozenset(sorted(found)[-1:])
    only = hash_retriever.search(question, 30, Filters(documents=keep))
    assert only.hits and {h.document.id for h in only.hits} == set(keep)
