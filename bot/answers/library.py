"""The document store as members see it: passages in full, document cards, the catalogue."""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from sqlmodel import Session, select

from bot import members
from bot.answers import texts as ant
from bot.members import readable_of
from bot.models import Cell, Committee, MemberStatus, as_utc
from bot.when import VIETNAM
from index.citation import DocInfo, format_date, section_label
from knowledge import store
from knowledge.metadata import doc_types
from knowledge.models import Document, Passage, Scope, Trust
from knowledge.text import fold

OUTLINE_LINES = 30
OUTLINE_DEPTH = 2


@dataclass(frozen=True)
class PassagePage:
    """One passage shown in full, with where it sits in its document."""

    document_id: int
    ordinal: int
    total: int
    citation: str
    headings: str
    text: str


@dataclass(frozen=True)
class DocumentCard:
    """A document's metadata, outline and cross-references, rendered."""

    document_id: int
    html: str
    manageable: bool = False  # the reader may mark it checked or remove it
    checkable: bool = False  # not a sample, not yet checked


def doc_info(doc: Document) -> DocInfo:
    """What a citation needs to know about a stored document."""
    return DocInfo.of(doc)


def passage_page(
    session: Session,
    *,
    reader: int,
    passage_id: int | None = None,
    document_id: int | None = None,
    ordinal: int | None = None,
) -> PassagePage | None:
    """A passage by id, or by its document and position, if ``reader`` (a Telegram user) may
    read its document; None when it is gone or is not theirs to read (told apart by nobody)."""
    if passage_id is not None:
        passage = session.get(Passage, passage_id)
    else:
        query = select(Passage).where(
            Passage.document_id == document_id, Passage.ordinal == ordinal
        )
        passage = session.exec(query).first()
    if passage is None:
        return None
    readable = readable_of(session, telegram_user_id=reader)
    document = store.get_document(session, passage.document_id, readable=readable)
    if document is None:
        return None
    count_query = select(Passage.ordinal).where(Passage.document_id == passage.document_id)
    total = max(len(session.exec(count_query).all()), passage.ordinal + 1)
    section = section_label(passage.heading_path)
    return PassagePage(
        passage.document_id,
        passage.ordinal,
        total,
        doc_info(document).cite_prose(section),
        " › ".join(passage.heading_path[1:]),
        passage.text,
    )


def render_passage(page: PassagePage) -> str:
    """HTML of a passage in full."""
    parts = [f"<b>{html.escape(page.citation)}</b>"]
    if page.headings:
        parts.append(f"<i>{html.escape(page.headings)}</i>")
    parts.append(html.escape(page.text))
    parts.append(ant.PASSAGE_POSITION.format(n=page.ordinal + 1, total=page.total))
    return "\n\n".join(parts)


def document_cards(
    session: Session, *, reader: int, text: str, admins: frozenset[int] = frozenset()
) -> list[DocumentCard]:
    """Cards of the documents a number (in any spelling) names that ``reader`` may read;
    several when ambiguous."""
    readable = readable_of(session, telegram_user_id=reader)
    cards = []
    for doc in store.find_by_number(session, text, readable=readable):
        assert doc.id is not None
        lines = [f"<b>{html.escape(doc_info(doc).cite_prose())}</b>"]
        lines.append(html.escape(ant.DOC_TITLE.format(title=doc.title)))
        lines.append(html.escape(ant.DOC_FILE.format(file=doc.file_name, n=doc.n_passages)))
        lines.extend(html.escape(line) for line in provenance_lines(doc))
        outline = _outline(store.outline(session, doc.id, max_depth=OUTLINE_DEPTH))
        if outline:
            lines.append("")
            lines.append(ant.DOC_OUTLINE)
            lines.extend(outline)
        cited = store.cited_numbers(session, doc.id)
        if cited:
            lines.append("")
            lines.append(html.escape(ant.DOC_CITES.format(numbers=", ".join(cited))))
        citing = [
            d
            for d in store.citing_documents(session, doc.number or "", readable=readable)
            if d.id != doc.id
        ]
        if citing:
            names = "; ".join(doc_info(d).cite_prose() for d in citing)
            lines.append(html.escape(ant.DOC_CITED_BY.format(documents=names)))
        manageable = manages(session, reader=reader, admins=admins, document=doc)
        checkable = manageable and doc.trust == Trust.UNCHECKED
        cards.append(DocumentCard(doc.id, "\n".join(lines), manageable, checkable))
    return cards


def provenance_lines(doc: Document) -> list[str]:
    """Where the document came from and how far its text is trusted, as a reader sees it."""
    added = format_date(as_utc(doc.ingested_at).astimezone(VIETNAM).date())
    if doc.added_by:
        lines = [ant.DOC_ADDED.format(date=added, who=doc.added_by)]
    else:
        lines = [ant.DOC_ADDED_UNKNOWN.format(date=added)]
    if doc.source_note:
        lines.append(ant.DOC_NOTE.format(note=doc.source_note))
    if doc.trust == Trust.SAMPLE:
        lines.append(ant.DOC_TRUST_SAMPLE)
    elif doc.trust == Trust.CHECKED and doc.checked_at is not None:
        checked = format_date(as_utc(doc.checked_at).astimezone(VIETNAM).date())
        lines.append(ant.DOC_TRUST_CHECKED.format(who=doc.checked_by or "?", date=checked))
    else:
        lines.append(ant.DOC_TRUST_UNCHECKED)
    return lines


def _outline(headings: list[tuple[int, str]]) -> list[str]:
    lines = ["  " * (depth - 1) + "• " + html.escape(label) for depth, label in headings]
    return [*lines[:OUTLINE_LINES], "…"] if len(lines) > OUTLINE_LINES else lines


def parse_filters(args: list[str]) -> tuple[str | None, int | None]:
    """Document type and year from /tailieu arguments ("chỉ thị 2016", "2021", "nghi quyet")."""
    year = None
    words = []
    for arg in args:
        if arg.isdigit() and len(arg) == 4:
            year = int(arg)
        else:
            words.append(arg)
    doc_type = None
    if words:
        wanted = fold(" ".join(words)).lower()
        doc_type = next((t for t in doc_types() if fold(t).lower() == wanted), " ".join(words))
    return doc_type, year


def catalogue(session: Session, *, reader: int, doc_type: str | None, year: int | None) -> str:
    """HTML list of stored documents grouped by type, newest first within a type."""
    readable = readable_of(session, telegram_user_id=reader)
    documents = store.list_documents(session, readable=readable, doc_type=doc_type, year=year)
    if not documents:
        return ant.TAILIEU_EMPTY
    order = {t: i for i, t in enumerate(doc_types())}
    documents.sort(key=lambda d: (order.get(d.doc_type, 99), -(d.year or 0), d.number or ""))
    lines = [ant.TAILIEU_HEADING.format(n=len(documents))]
    current = None
    for doc in documents:
        if doc.doc_type != current:
            current = doc.doc_type
            lines.append(f"\n<b>{html.escape(current)}</b>")
        year_label = str(doc.year) if doc.year else ant.TAILIEU_UNDATED
        label = doc.number or doc.title
        title = "" if not doc.number else f" — {doc.title}"
        lines.append(f"• {year_label}: {html.escape(label + title)}")
    return "\n".join(lines)


def original_file(
    session: Session, *, reader: int, document_id: int
) -> tuple[Path, str, str] | None:
    """Where the original file of a document ``reader`` may read is kept, its name and its
    citation; None if it is gone or not theirs to read."""
    readable = readable_of(session, telegram_user_id=reader)
    doc = store.get_document(session, document_id, readable=readable)
    if doc is None:
        return None
    path = Path(doc.source)
    return (path, doc.file_name, doc_info(doc).cite_prose()) if path.is_file() else None


def library_state(session: Session) -> Literal["empty", "samples", "documents"]:
    """Whether the store holds nothing, only the project's samples, or real documents."""
    kinds = set(session.exec(select(Document.trust).distinct()).all())
    if not kinds:
        return "empty"
    return "samples" if kinds == {Trust.SAMPLE} else "documents"


# ----------------------------------------------------------------------------- managing


def manages(session: Session, *, reader: int, admins: frozenset[int], document: Document) -> bool:
    """Whether this Telegram user may check or remove ``document``: a deployment admin for
    shared and đảng bộ documents, a secretary (bí thư, phó bí thư) for their own cell's."""
    if document.scope == Scope.CELL:
        member = members.member_by_telegram(session, telegram_user_id=reader)
        return (
            member is not None
            and member.status == MemberStatus.ACTIVE
            and member.is_secretary
            and member.cell_id == document.scope_id
        )
    if (
        document.scope == Scope.COMMITTEE
        and document.scope_id is not None
        and members.is_committee_secretary(
            session, telegram_user_id=reader, committee_id=document.scope_id
        )
    ):
        return True
    return reader in admins


def managed_document(
    session: Session, *, reader: int, admins: frozenset[int], document_id: int
) -> Document | None:
    """The document, if this user may manage it (None exactly as for an unknown id)."""
    document = session.get(Document, document_id)
    if document is None or not manages(session, reader=reader, admins=admins, document=document):
        return None
    return document


def check_as(
    session: Session, *, reader: int, admins: frozenset[int], document_id: int, by: str
) -> Document | None:
    """Record that ``by`` compared the document with its official text; None if it is not
    theirs to manage. A sample stays a sample (the caller tells them)."""
    document = managed_document(session, reader=reader, admins=admins, document_id=document_id)
    if document is None:
        return None
    store.mark_checked(session, document_id=document_id, by=by)
    session.commit()
    return document


def earlier_versions_of(session: Session, *, document_id: int) -> list[tuple[int, str]]:
    """(id, citation) of the documents a new upload may replace: same scope, number, issuer."""
    document = session.get(Document, document_id)
    if document is None:
        return []
    return [
        (d.id, doc_info(d).cite_prose())
        for d in store.earlier_versions(session, document)
        if d.id is not None
    ]


def share_with_committee_as(
    session: Session, *, reader: int, admins: frozenset[int], document_id: int
) -> tuple[str, str] | None:
    """Move a cell's document up to its đảng bộ, for a reader who manages it and is a secretary
    of that đảng bộ: (citation, đảng bộ name), or None if not theirs to move."""
    document = managed_document(session, reader=reader, admins=admins, document_id=document_id)
    if document is None or document.scope != Scope.CELL or document.scope_id is None:
        return None
    cell = session.get(Cell, document.scope_id)
    committee_id = cell.committee_id if cell is not None else None
    if committee_id is None or not members.is_committee_secretary(
        session, telegram_user_id=reader, committee_id=committee_id
    ):
        return None
    committee = session.get(Committee, committee_id)
    document.scope, document.scope_id = Scope.COMMITTEE, committee_id
    session.add(document)
    session.commit()
    return doc_info(document).cite_prose(), committee.name if committee else ""


def remove_as(
    session: Session, *, reader: int, admins: frozenset[int], document_id: int
) -> str | None:
    """Remove the document (passages, citations) if this user may; its citation, else None."""
    document = managed_document(session, reader=reader, admins=admins, document_id=document_id)
    if document is None:
        return None
    label = doc_info(document).cite_prose()
    store.remove_document(session, document)
    session.commit()
    return label
