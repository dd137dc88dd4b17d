"""Factories for documents in the store, going through the same code paths as real ingestion."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from knowledge import store
from knowledge.chunking import chunk_text
from knowledge.ingest import FileOutcome, Ingester, IngestReport
from knowledge.metadata import extract_metadata
from knowledge.models import Document, DocumentCitation, Passage
from knowledge.settings import KnowledgeSettings
from knowledge.text import clean

REPO_ROOT = Path(__file__).resolve().parents[2]
SAMPLE_DIR = REPO_ROOT / "corpus" / "sample"
SOURCES_DIR = REPO_ROOT / "corpus" / "sources"
# What the ingester reads as documents (not the sidecar _nguon.yaml).
SAMPLE_FILES = sorted(
    p.name for p in SAMPLE_DIR.iterdir() if p.is_file() and not p.name.startswith(("_", "."))
)

PARTY_TEXT = """BAN CHẤP HÀNH TRUNG ƯƠNG
*
Số 05-CT/TW
ĐẢNG CỘNG SẢN VIỆT NAM
Hà Nội, ngày 15 tháng 5 năm 2016

CHỈ THỊ
CỦA BỘ CHÍNH TRỊ
về đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh

I. MỤC ĐÍCH, YÊU CẦU
1. Cán bộ, đảng viên nhận thức sâu sắc giá trị của tư tưởng Hồ Chí Minh.
2. Việc học tập gắn với thực hiện Chỉ thị số 03-CT/TW ngày 14/5/2011 của Bộ Chính trị.
"""


def knowledge_settings(**overrides: Any) -> KnowledgeSettings:
    """Default knowledge settings with ``overrides``."""
    return KnowledgeSettings(**overrides)


def make_ingester(engine: Engine, **overrides: Any) -> Ingester:
    """An Ingester on ``engine`` with default settings plus ``overrides``."""
    return Ingester(engine, knowledge_settings(**overrides))


def ingest_sample(engine: Engine, *names: str, **overrides: Any) -> IngestReport:
    """Ingest sample documents by file name (all of them when none is named)."""
    paths = [SAMPLE_DIR / name for name in names] if names else [SAMPLE_DIR]
    report = make_ingester(engine, **overrides).ingest_paths(paths)
    assert not report.failed, report.failed
    return report


def copy_sample(folder: Path, *names: str) -> list[Path]:
    """Copy sample documents into ``folder`` (so a test may edit or delete them)."""
    folder.mkdir(parents=True, exist_ok=True)
    return [Path(shutil.copy(SAMPLE_DIR / name, folder / name)) for name in names]


def source_text(name: str) -> str:
    """The readable UTF-8 source of a built sample file, cleaned like ingested text."""
    return clean((SOURCES_DIR / Path(name).with_suffix(".txt").name).read_text(encoding="utf-8"))


def make_document(
    session: Session,
    *,
    text: str = PARTY_TEXT,
    file_name: str = "chi-thi-05-ct-tw-2016.txt",
    source: str | None = None,
    **overrides: Any,
) -> Document:
    """Store a document from ``text`` with its passages and citations; fields may be overridden."""
    text = clean(text)
    metadata = extract_metadata(text, file_name=file_name)
    for key, value in overrides.items():
        setattr(metadata, key, value)
    source = source or f"/test/{file_name}"
    chunks = chunk_text(text, doc_key=source, title=f"{metadata.doc_type} {metadata.number}")
    document, _ = store.save_document(
        session,
        source=source,
        file_name=file_name,
        fmt=Path(file_name).suffix.lstrip("."),
        encoding="utf-8",
        content_hash=f"hash-of-{source}",
        text=text,
        metadata=metadata,
        chunks=chunks,
    )
    session.commit()
    session.refresh(document)
    return document


def document_named(session: Session, file_name: str) -> Document:
    """The stored document that came from ``file_name``."""
    return session.exec(select(Document).where(Document.file_name == file_name)).one()


def outcome_for(report: IngestReport, path: Path | str) -> FileOutcome:
    """The outcome of one file in a batch."""
    wanted = str(path)
    matches = [o for o in report.outcomes if o.path == wanted]
    assert len(matches) == 1, (wanted, [o.path for o in report.outcomes])
    return matches[0]


def store_counts(session: Session) -> tuple[int, int, int]:
    """How many documents, passages and citations are stored."""
    return (
        session.exec(select(func.count()).select_from(Document)).one(),
        session.exec(select(func.count()).select_from(Passage)).one(),
        session.exec(select(func.count()).select_from(DocumentCitation)).one(),
    )


def assert_store_consistent(session: Session) -> None:
    """Every passage and citation belongs to a stored document, and passage counts add up."""
    ids = set(session.exec(select(Document.id)).all())
    passage_docs = session.exec(select(Passage.document_id)).all()
    citation_docs = session.exec(select(DocumentCitation.document_id)).all()
    assert set(passage_docs) <= ids, "passages of a document that is not stored"
    assert set(citation_docs) <= ids, "citations of a document that is not stored"
    for document in session.exec(select(Document)).all():
        stored = session.exec(
            select(func.count()).where(col(Passage.document_id) == document.id)
        ).one()
        assert stored == document.n_passages > 0, document.file_name
