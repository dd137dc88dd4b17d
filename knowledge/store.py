"""Reading and writing documents and passages. Every function takes the session explicitly."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from sqlalchemy import delete, extract, insert
from sqlmodel import Session, col, select

from knowledge.chunking import Chunk
from knowledge.metadata import Metadata
from knowledge.models import Document, DocumentCitation, Passage, Trust, utcnow
from knowledge.numbers import canonicalize, years_mentioned
from knowledge.provenance import FROM_CLI, Provenance
from knowledge.scopes import Readable
from knowledge.text import fold


def get_document(session: Session, document_id: int, *, readable: Readable) -> Document | None:
    """A document by id, if this reader may read it (None exactly as for an unknown id)."""
    document = session.get(Document, document_id)
    return document if document is not None and readable.may_read(document) else None


def get_document_by_source(session: Session, source: str) -> Document | None:
    """The document ingested from ``source`` (a resolved file path), if any."""
    return session.exec(select(Document).where(Document.source == source)).first()


def documents_under(session: Session, folder: str) -> list[Document]:
    """Documents ingested from files under ``folder`` (a resolved path)."""
    prefix = folder.rstrip("/\\") + "/"
    query = select(Document).where(col(Document.source).startswith(prefix, autoescape=True))
    return list(session.exec(query).all())


def earlier_versions(session: Session, document: Document) -> list[Document]:
    """Other documents of the same scope with the same number and issuer: versions this one
    may replace (or a different document sharing a number, which only a person can tell)."""
    if not document.number:
        return []
    same_owner = (
        col(Document.scope_id).is_(None)
        if document.scope_id is None
        else col(Document.scope_id) == document.scope_id
    )
    same_issuer = (
        col(Document.issuer).is_(None)
        if document.issuer is None
        else col(Document.issuer) == document.issuer
    )
    query = select(Document).where(
        Document.number == document.number,
        Document.scope == document.scope,
        same_owner,
        same_issuer,
        col(Document.id) != document.id,
    )
    return list(session.exec(query).all())


def get_document_by_hash(
    session: Session, content_hash: str, *, readable: Readable
) -> Document | None:
    """A document this reader may read whose file had exactly these bytes."""
    query = select(Document).where(Document.content_hash == content_hash, readable.clause())
    return session.exec(query).first()


def list_documents(
    session: Session,
    *,
    readable: Readable,
    doc_type: str | None = None,
    year: int | None = None,
    issuer: str | None = None,
) -> list[Document]:
    """Documents this reader may read, newest first, filtered by type, year of issue and issuer
    (folded substring)."""
    query = select(Document).where(readable.clause())
    if doc_type:
        query = query.where(Document.doc_type == doc_type)
    if year:
        query = query.where(extract("year", col(Document.issued_on)) == year)
    docs = list(session.exec(query).all())
    if issuer:
        wanted = fold(issuer)
        docs = [d for d in docs if d.issuer and wanted in fold(d.issuer)]
    docs.sort(key=lambda d: (d.issued_on is not None, d.issued_on, d.id), reverse=True)
    return docs


def known_numbers(session: Session, *, readable: Readable) -> set[str]:
    """Every canonical number of a stored document this reader may read."""
    query = select(Document.number).where(col(Document.number).is_not(None), readable.clause())
    return {r for r in session.exec(query).all() if r}


def find_by_number(session: Session, text: str, *, readable: Readable) -> list[Document]:
    """Documents this reader may read whose number is written, in any spelling, in ``text``;
    several if ambiguous (another cell's documents are not even candidates).

    "chỉ thị 05" with both 05-CT/TW and 05-CT/TU stored returns both (candidates, not a guess);
    two documents sharing one number (told apart by date) are both returned, newest first.
    """
    candidates = canonicalize(text, known_numbers(session, readable=readable))
    if not candidates:
        return []
    query = select(Document).where(col(Document.number).in_(candidates), readable.clause())
    docs = list(session.exec(query).all())
    years = years_mentioned(text)
    if years:
        dated = [d for d in docs if d.issued_on and d.issued_on.year in years]
        docs = dated or docs
    docs.sort(key=lambda d: (d.number or "", d.issued_on is not None, d.issued_on), reverse=True)
    return docs


def save_document(
    session: Session,
    *,
    source: str,
    file_name: str,
    fmt: str,
    encoding: str | None,
    content_hash: str,
    text: str,
    metadata: Metadata,
    chunks: Sequence[Chunk],
    provenance: Provenance = FROM_CLI,
) -> tuple[Document, bool]:
    """Insert or replace a document with its passages and citations; the caller commits.

    A replaced text is as trusted as its new provenance says: a check of the old text does not
    carry over. Returns the document and whether it replaced an existing one.
    """
    document = get_document_by_source(session, source)
    replaced = document is not None
    if document is None:
        document = Document(
            source=source,
            file_name=file_name,
            format=fmt,
            content_hash=content_hash,
            text=text,
            doc_type=metadata.doc_type,
            title=metadata.title,
        )
    else:
        session.exec(delete(Passage).where(col(Passage.document_id) == document.id))
        session.exec(
            delete(DocumentCitation).where(col(DocumentCitation.document_id) == document.id)
        )
        document.updated_at = utcnow()
    document.file_name = file_name
    document.format = fmt
    document.encoding = encoding
    document.content_hash = content_hash
    document.text = text
    document.doc_type = metadata.doc_type
    document.title = metadata.title
    document.number = metadata.number
    document.issued_on = metadata.issued_on
    document.issuer = metadata.issuer
    document.n_passages = len(chunks)
    set_provenance(document, provenance)
    session.add(document)
    session.flush()
    assert document.id is not None
    # Core inserts: thousands of passages per batch without building ORM objects for each.
    if chunks:
        session.exec(
            insert(Passage),
            params=[
                {
                    "id": chunk.id,
                    "document_id": document.id,
                    "ordinal": chunk.ordinal,
                    "heading_path": list(chunk.heading_path),
                    "text": chunk.text,
                    "folded": fold(chunk.text),
                    "char_start": chunk.char_start,
                    "char_end": chunk.char_end,
                }
                for chunk in chunks
            ],
        )
    if metadata.cited:
        session.exec(
            insert(DocumentCitation),
            params=[{"document_id": document.id, "number": number} for number in metadata.cited],
        )
    return document, replaced


def remove_document(session: Session, document: Document) -> None:
    """Delete a document with its passages and citations; the caller commits."""
    session.exec(delete(Passage).where(col(Passage.document_id) == document.id))
    session.exec(delete(DocumentCitation).where(col(DocumentCitation.document_id) == document.id))
    session.delete(document)


def passages_of(session: Session, document_id: int) -> list[Passage]:
    """A document's passages in reading order."""
    query = select(Passage).where(Passage.document_id == document_id).order_by(col(Passage.ordinal))
    return list(session.exec(query).all())


_BARE_MARKER = re.compile(r"^(\d{1,2}(\.\d{1,2})?\.?|[IVXLC]+\.?|[a-zđ]\))$")


def outline(
    session: Session, document_id: int, *, max_depth: int | None = None
) -> list[tuple[int, str]]:
    """A document's headings in reading order as (depth, label), depth 1 the outermost.

    Items that are only a marker ("5.", "b)") name no section and are left out.
    """
    seen: set[tuple[str, ...]] = set()
    out: list[tuple[int, str]] = []
    for passage in passages_of(session, document_id):
        path = tuple(passage.heading_path[1:])
        limit = len(path) if max_depth is None else min(len(path), max_depth)
        for depth in range(1, limit + 1):
            head = path[:depth]
            if head in seen:
                continue
            seen.add(head)
            if not _BARE_MARKER.match(head[-1].strip()):
                out.append((depth, head[-1]))
    return out


def get_passages(session: Session, ids: Iterable[int]) -> dict[int, Passage]:
    """Passages by id (missing ids are simply absent)."""
    wanted = list(ids)
    if not wanted:
        return {}
    rows = session.exec(select(Passage).where(col(Passage.id).in_(wanted))).all()
    return {p.id: p for p in rows}


def cited_numbers(session: Session, document_id: int) -> list[str]:
    """The document numbers a document mentions."""
    query = select(DocumentCitation.number).where(DocumentCitation.document_id == document_id)
    return sorted(session.exec(query).all())


def citing_documents(session: Session, number: str, *, readable: Readable) -> list[Document]:
    """Documents this reader may read that mention ``number`` (e.g. which documents implement
    21-KL/TW)."""
    query = (
        select(Document)
        .join(DocumentCitation, col(DocumentCitation.document_id) == col(Document.id))
        .where(DocumentCitation.number == number, readable.clause())
    )
    return list(session.exec(query).all())


def set_provenance(document: Document, provenance: Provenance) -> None:
    """Record who added ``document``, for whom, and how far its text is trusted."""
    document.added_by = provenance.added_by
    document.added_by_user = provenance.added_by_user
    document.source_note = provenance.note
    document.scope = provenance.scope
    document.scope_id = provenance.scope_id
    document.trust = provenance.trust
    checked = provenance.trust == Trust.CHECKED
    document.checked_by = provenance.checked_by if checked else None
    document.checked_at = utcnow() if checked else None


def mark_checked(session: Session, *, document_id: int, by: str) -> Document | None:
    """Record that ``by`` compared the document with its official text; samples never are.

    Returns the document (unchanged if it is a sample), None if there is no such document.
    """
    document = session.get(Document, document_id)
    if document is None or document.trust == Trust.SAMPLE:
        return document
    document.trust = Trust.CHECKED
    document.checked_by = by
    document.checked_at = utcnow()
    session.add(document)
    return document
