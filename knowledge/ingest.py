"""Ingest files: read, describe, chunk and store each one in a single transaction."""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from knowledge import store
from knowledge.chunking import chunk_text
from knowledge.errors import IngestError
from knowledge.metadata import extract_metadata
from knowledge.ocr import OcrOptions, Progress
from knowledge.provenance import FROM_CLI, Provenance, ProvenanceError
from knowledge.readers import read_bytes
from knowledge.scopes import EVERYTHING
from knowledge.settings import KnowledgeSettings

log = logging.getLogger(__name__)

Status = Literal["added", "updated", "unchanged", "duplicate", "failed"]
STATUS_LABELS: dict[str, str] = {
    "added": "thêm mới",
    "updated": "cập nhật",
    "unchanged": "không đổi",
    "duplicate": "trùng lặp",
    "failed": "lỗi",
}


@dataclass(frozen=True)
class FileOutcome:
    """What happened to one file."""

    path: str
    status: Status
    message: str = ""
    document_id: int | None = None
    passages: int = 0


@dataclass
class IngestReport:
    """Outcomes of one batch."""

    outcomes: list[FileOutcome] = field(default_factory=list)

    @property
    def counts(self) -> Counter[str]:
        """How many files ended in each status."""
        return Counter(o.status for o in self.outcomes)

    @property
    def failed(self) -> list[FileOutcome]:
        """The files that could not be ingested."""
        return [o for o in self.outcomes if o.status == "failed"]

    @property
    def changed(self) -> bool:
        """True when the store was modified."""
        return any(o.status in ("added", "updated") for o in self.outcomes)


def iter_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Files named directly, and files under folders (recursively), skipping hidden ones."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                rel = child.relative_to(path)
                if child.is_file() and not any(part.startswith((".", "_")) for part in rel.parts):
                    yield child
        else:
            yield path


def content_hash(data: bytes) -> str:
    """SHA-256 of a file's bytes."""
    return hashlib.sha256(data).hexdigest()


class Ingester:
    """Turns files into stored documents; one short session per file."""

    def __init__(self, engine: Engine, settings: KnowledgeSettings) -> None:
        self.engine = engine
        self.settings = settings

    @property
    def max_bytes(self) -> int:
        """Largest file accepted."""
        return int(self.settings.max_file_mb * 2**20)

    def ingest_paths(
        self,
        paths: Iterable[Path],
        *,
        progress: bool = False,
        on_outcome: Callable[[FileOutcome], None] | None = None,
        provenance: Provenance = FROM_CLI,
    ) -> IngestReport:
        """Ingest every file under ``paths``; one bad file never stops the batch.

        Each file is stored under ``provenance``, with what a sidecar in its folder declares
        (knowledge.provenance)."""
        files = list(iter_files(paths))
        report = IngestReport()
        iterator: Iterable[Path] = files
        if progress:
            from tqdm import tqdm

            iterator = tqdm(files, desc="Nạp văn bản", unit="tệp")
        for path in iterator:
            outcome = self.ingest_file(path, provenance=provenance)
            report.outcomes.append(outcome)
            if on_outcome:
                on_outcome(outcome)
        return report

    def ingest_file(self, path: Path, *, provenance: Provenance = FROM_CLI) -> FileOutcome:
        """Ingest one file from disk (a sidecar in its folder adds to ``provenance``)."""
        shown = str(path)
        try:
            provenance = provenance.for_folder(path.parent)
        except ProvenanceError as exc:
            return FileOutcome(shown, "failed", str(exc))
        try:
            if not path.exists():
                raise IngestError("missing", "không tìm thấy tệp")
            if not path.is_file():
                raise IngestError("not_file", "không phải tệp thường")
            size = path.stat().st_size
            self._check_size(size)
            data = path.read_bytes()
        except IngestError as exc:
            return FileOutcome(shown, "failed", exc.message)
        except OSError as exc:
            return FileOutcome(shown, "failed", f"không đọc được tệp ({exc.strerror})")
        return self.ingest_bytes(
            data,
            file_name=path.name,
            source=str(path.resolve()),
            shown=shown,
            provenance=provenance,
        )

    def ingest_bytes(
        self,
        data: bytes,
        *,
        file_name: str,
        source: str,
        shown: str | None = None,
        provenance: Provenance = FROM_CLI,
        progress: Progress | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> FileOutcome:
        """Ingest a file's bytes (e.g. an upload); ``source`` identifies the document. Pages
        recognised from images report ``progress`` and stop when ``cancelled`` says so."""
        shown = shown or file_name
        try:
            self._check_size(len(data))
            digest = content_hash(data)
            provenance = provenance.settle(digest)
            with Session(self.engine) as session:
                existing = store.get_document_by_source(session, source)
                if existing is not None and existing.content_hash == digest:
                    return FileOutcome(shown, "unchanged", "", existing.id, existing.n_passages)
                # The same bytes already readable where this one goes; another cell's copy is
                # not (this cell cannot read it, and must not learn it exists).
                twin = store.get_document_by_hash(session, digest, readable=provenance.readers())
                if twin is not None and twin.source != source:
                    return FileOutcome(
                        shown,
                        "duplicate",
                        f"trùng nội dung với tệp đã nạp «{twin.file_name}»; bỏ qua",
                        twin.id,
                    )
            result = read_bytes(
                data,
                file_name,
                max_unzipped_bytes=int(self.settings.docx_max_unzipped_mb * 2**20),
                ocr=self.ocr_options,
                progress=progress,
                cancelled=cancelled,
            )
            if result.recognised_pages:
                provenance = provenance.recognised(result.recognised_pages)
            metadata = extract_metadata(
                result.text,
                file_name=file_name,
                title_hint=result.title_hint,
                byline=result.byline,
            )
            chunks = chunk_text(
                result.text,
                doc_key=source,
                title=_path_root(metadata.doc_type, metadata.number, metadata.title),
                target_chars=self.settings.passage_chars,
                max_chars=self.settings.max_passage_chars,
            )
            with Session(self.engine) as session:
                document, replaced = store.save_document(
                    session,
                    source=source,
                    file_name=file_name,
                    fmt=result.format,
                    encoding=result.encoding,
                    content_hash=digest,
                    text=result.text,
                    metadata=metadata,
                    chunks=chunks,
                    provenance=provenance,
                )
                session.commit()
                document_id = document.id
        except IngestError as exc:
            return FileOutcome(shown, "failed", exc.message)
        except SQLAlchemyError as exc:
            log.exception("database error while storing %s", shown)
            return FileOutcome(
                shown, "failed", f"lỗi cơ sở dữ liệu, chưa lưu gì ({type(exc).__name__})"
            )
        except Exception as exc:  # a reader bug must not stop the batch or half-store a file
            log.exception("unexpected error while ingesting %s", shown)
            return FileOutcome(
                shown,
                "failed",
                f"lỗi không mong đợi khi xử lý tệp ({type(exc).__name__}); chưa lưu gì",
            )
        status: Status = "updated" if replaced else "added"
        return FileOutcome(shown, status, "", document_id, len(chunks))

    @property
    def ocr_options(self) -> OcrOptions:
        """Limits of recognising scans and photos, from the settings."""
        ocr = self.settings.ocr
        return OcrOptions(ocr.max_pages, ocr.dpi, ocr.page_timeout_s, ocr.jobs)

    def _check_size(self, size: int) -> None:
        if size > self.max_bytes:
            raise IngestError(
                "too_large",
                f"tệp quá lớn ({size / 2**20:.1f} MB; giới hạn {self.settings.max_file_mb:g} MB)",
            )


def _path_root(doc_type: str, number: str | None, title: str) -> str:
    """Root of every heading path: "Hướng dẫn 12-HD/BTCTW", or the article's title."""
    if number:
        return f"{doc_type} {number}"
    return title if len(title) <= 80 else title[:77].rstrip() + "…"


def remove_paths_or_numbers(engine: Engine, target: str) -> list[str]:
    """Remove the document(s) stored from a file, from every file under a folder, or carrying a
    number; return what was removed."""
    removed: list[str] = []
    with Session(engine) as session:
        # By path first; the file itself may already be gone from disk.
        path = Path(target).resolve()
        doc = store.get_document_by_source(session, str(path))
        if doc is not None:
            docs = [doc]
        elif Path(target).is_dir():  # everything ingested from under it (e.g. corpus/sample)
            docs = store.documents_under(session, str(path))
        else:  # the operator at the command line may remove any cell's document
            docs = store.find_by_number(session, target, readable=EVERYTHING)
        if len(docs) > 1 and not Path(target).is_dir():
            raise IngestError(
                "ambiguous",
                "số hiệu khớp nhiều văn bản: "
                + "; ".join(f"{d.number} ({d.issued_on}, {d.file_name})" for d in docs)
                + " — hãy chỉ rõ đường dẫn tệp",
            )
        for d in docs:
            removed.append(f"{d.doc_type} {d.number or ''} — {d.file_name}".strip())
            store.remove_document(session, d)
        session.commit()
    return removed
