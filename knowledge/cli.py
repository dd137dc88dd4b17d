"""Command-line commands of the knowledge layer: ingest, docs, doc, remove."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Protocol

import click
from sqlalchemy.engine import Engine
from sqlmodel import Session

from knowledge import store
from knowledge.errors import IngestError
from knowledge.ingest import STATUS_LABELS, FileOutcome, Ingester, remove_paths_or_numbers
from knowledge.metadata import doc_types
from knowledge.models import Document, Scope, Trust
from knowledge.provenance import CLI, Provenance
from knowledge.scopes import EVERYTHING
from knowledge.settings import KnowledgeSettings


class KnowledgeContext(Protocol):
    """What these commands need from the entry point."""

    @property
    def engine(self) -> Engine: ...

    @property
    def knowledge_settings(self) -> KnowledgeSettings: ...


TRUST_WORDS = {
    Trust.SAMPLE: "văn bản mẫu, không phải văn bản chính thức",
    Trust.UNCHECKED: "chưa đối chiếu",
    Trust.CHECKED: "đã đối chiếu",
}


def scope_words(doc: Document) -> str:
    """Who may read it, as the operator reads it."""
    if doc.scope == Scope.CELL:
        return f"riêng chi bộ số {doc.scope_id}"
    if doc.scope == Scope.COMMITTEE:
        return f"đảng bộ số {doc.scope_id}"
    return "dùng chung"


def describe(doc: Document) -> str:
    """One line naming a document as a citation would."""
    parts = [doc.doc_type]
    if doc.number:
        parts.append(f"số {doc.number}")
    if doc.issued_on:
        parts.append(f"ngày {doc.issued_on.day}/{doc.issued_on.month}/{doc.issued_on.year}")
    if doc.issuer:
        parts.append(f"của {doc.issuer}")
    return " ".join(parts)


@click.command("ingest")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option("--note", help="Nguồn của văn bản: đường dẫn trang chính thức hoặc ghi chú.")
@click.option("--by", "added_by", default=CLI, show_default=True, help="Người nạp.")
@click.option(
    "--checked",
    is_flag=True,
    help="Người nạp (--by) đã đối chiếu từng văn bản với bản chính thức.",
)
@click.option(
    "--replace",
    is_flag=True,
    help="Văn bản mới thay thế bản cũ cùng số hiệu, cùng cơ quan ban hành, cùng phạm vi.",
)
@click.option("--cell", "cell_id", type=int, help="Văn bản riêng của chi bộ số này.")
@click.option("--committee", "committee_id", type=int, help="Văn bản của đảng bộ số này.")
@click.pass_obj
def ingest_command(
    obj: KnowledgeContext,
    paths: tuple[Path, ...],
    quiet: bool,
    note: str | None,
    added_by: str,
    checked: bool,
    replace: bool,
    cell_id: int | None,
    committee_id: int | None,
) -> None:
    """Nạp văn bản dùng chung (tệp hoặc thư mục, đệ quy) vào kho: đọc, chuẩn hóa, cắt đoạn, lưu.

    Văn bản chưa đối chiếu được trích dẫn kèm ghi chú «chưa đối chiếu với bản chính thức»;
    văn bản mẫu (thư mục có _nguon.yaml, hoặc tệp của bộ mẫu) luôn ghi rõ là mẫu."""
    if checked and added_by == CLI:
        raise click.BadParameter("ghi rõ ai đã đối chiếu bằng --by «Họ tên»", param_hint="--by")
    trust = Trust.CHECKED if checked else Trust.UNCHECKED
    scope, scope_id = _scope(obj, cell_id, committee_id)
    provenance = Provenance(
        added_by=added_by, note=note, trust=trust, scope=scope, scope_id=scope_id
    )
    ingester = Ingester(obj.engine, obj.knowledge_settings)
    report = ingester.ingest_paths(
        paths, progress=not quiet and sys.stderr.isatty(), provenance=provenance
    )
    for outcome in report.outcomes:
        if outcome.status in ("failed", "duplicate"):
            click.echo(_line(outcome), err=True)
        elif not quiet:
            click.echo(_line(outcome))
    if replace:
        for line in _replace_earlier(obj, report.outcomes):
            click.echo(line)
    counts = report.counts
    click.echo(
        "Tổng kết: "
        + ", ".join(f"{STATUS_LABELS[s]} {counts.get(s, 0)}" for s in STATUS_LABELS)
        + f" (tổng {len(report.outcomes)} tệp)"
    )
    after = getattr(obj, "after_ingest", None)
    if after is not None and report.changed:
        after()
    if report.failed:
        sys.exit(1)


def _scope(
    obj: KnowledgeContext, cell_id: int | None, committee_id: int | None
) -> tuple[Scope, int | None]:
    """The scope the options name, checked against the cells and đảng bộ that exist."""
    if cell_id is not None and committee_id is not None:
        raise click.UsageError("chọn một trong --cell hoặc --committee")
    if cell_id is None and committee_id is None:
        return Scope.SHARED, None
    scope, scope_id = (
        (Scope.CELL, cell_id) if cell_id is not None else (Scope.COMMITTEE, committee_id)
    )
    assert scope_id is not None
    owner = getattr(obj, "scope_owner", None)
    if owner is not None and owner(scope.value, scope_id) is None:
        what = "chi bộ" if scope == Scope.CELL else "đảng bộ"
        raise click.BadParameter(f"không có {what} số {scope_id}")
    return scope, scope_id


def _replace_earlier(obj: KnowledgeContext, outcomes: list[FileOutcome]) -> list[str]:
    """Remove the earlier versions of every document just added; what was replaced."""
    lines = []
    with Session(obj.engine) as session:
        for outcome in outcomes:
            if outcome.status != "added" or outcome.document_id is None:
                continue
            new = session.get(Document, outcome.document_id)
            if new is None:
                continue
            for old in store.earlier_versions(session, new):
                lines.append(f"[thay thế] {describe(old)} ({old.file_name}) → {new.file_name}")
                store.remove_document(session, old)
        session.commit()
    return lines


def _line(outcome: FileOutcome) -> str:
    label = STATUS_LABELS[outcome.status]
    detail = f" — {outcome.message}" if outcome.message else ""
    extra = f" ({outcome.passages} đoạn)" if outcome.status in ("added", "updated") else ""
    return f"[{label}] {outcome.path}{extra}{detail}"


@click.command("docs")
@click.option("--type", "doc_type", help="Loại văn bản, ví dụ «Chỉ thị».")
@click.option("--year", type=int, help="Năm ban hành.")
@click.option("--issuer", help="Cơ quan ban hành (khớp một phần, không cần dấu).")
@click.pass_obj
def docs_command(
    obj: KnowledgeContext, doc_type: str | None, year: int | None, issuer: str | None
) -> None:
    """Liệt kê văn bản trong kho, lọc theo loại, năm, cơ quan ban hành."""
    if doc_type:
        from knowledge.text import fold

        match = [t for t in doc_types() if fold(t) == fold(doc_type)]
        if not match:
            raise click.BadParameter(
                f"loại «{doc_type}» không có; chọn một trong: {', '.join(doc_types())}",
                param_hint="--type",
            )
        doc_type = match[0]
    with Session(obj.engine) as session:
        documents = store.list_documents(
            session, readable=EVERYTHING, doc_type=doc_type, year=year, issuer=issuer
        )
        if not documents:
            click.echo("Không có văn bản nào khớp.")
            return
        for doc in documents:
            click.echo(
                f"{describe(doc)} — {doc.title} [{doc.file_name}, {doc.n_passages} đoạn; "
                f"{TRUST_WORDS[doc.trust]}; {scope_words(doc)}]"
            )


@click.command("doc")
@click.argument("number")
@click.pass_obj
def doc_command(obj: KnowledgeContext, number: str) -> None:
    """Xem một văn bản theo số hiệu (viết kiểu nào cũng được): thông tin, dàn ý, dẫn chiếu.

    Dòng lệnh là của người quản trị máy chủ: thấy văn bản của mọi chi bộ."""
    with Session(obj.engine) as session:
        documents = store.find_by_number(session, number, readable=EVERYTHING)
        if not documents:
            click.echo(f"Không tìm thấy văn bản có số hiệu «{number}».", err=True)
            sys.exit(1)
        if len(documents) > 1:
            click.echo(f"«{number}» khớp {len(documents)} văn bản:")
        for doc in documents:
            assert doc.id is not None
            click.echo(f"{describe(doc)}\n  Trích yếu: {doc.title}\n  Tệp: {doc.file_name}")
            click.echo(f"  Nạp bởi: {doc.added_by or 'không ghi'}; {TRUST_WORDS[doc.trust]}")
            if doc.source_note:
                click.echo(f"  Nguồn ghi kèm: {doc.source_note}")
            click.echo("  Dàn ý:")
            for depth, label in store.outline(session, doc.id):
                click.echo("    " + "  " * (depth - 1) + label)
            cited = store.cited_numbers(session, doc.id)
            click.echo("  Dẫn chiếu: " + (", ".join(cited) if cited else "không có"))
            citing = [
                d
                for d in store.citing_documents(session, doc.number or "", readable=EVERYTHING)
                if d.id != doc.id
            ]
            if citing:
                click.echo("  Được dẫn chiếu bởi: " + "; ".join(describe(d) for d in citing))


@click.command("check")
@click.argument("number")
@click.option("--by", "checked_by", required=True, help="Họ tên người đã đối chiếu.")
@click.option("--id", "document_id", type=int, help="Chọn một văn bản khi số hiệu khớp nhiều.")
@click.pass_obj
def check_command(
    obj: KnowledgeContext, number: str, checked_by: str, document_id: int | None
) -> None:
    """Ghi nhận một văn bản đã được đối chiếu với bản chính thức (không áp dụng cho văn bản mẫu)."""
    with Session(obj.engine) as session:
        documents = store.find_by_number(session, number, readable=EVERYTHING)
        if document_id is not None:
            documents = [d for d in documents if d.id == document_id]
        if not documents:
            click.echo(f"Không tìm thấy văn bản có số hiệu «{number}».", err=True)
            sys.exit(1)
        if len(documents) > 1:
            click.echo(f"«{number}» khớp {len(documents)} văn bản; chọn một bằng --id:", err=True)
            for doc in documents:
                click.echo(f"  --id {doc.id}: {describe(doc)} — {doc.title}", err=True)
            sys.exit(1)
        doc = documents[0]
        assert doc.id is not None
        if doc.trust == Trust.SAMPLE:
            click.echo(
                f"{describe(doc)} là văn bản mẫu do nhóm phát triển viết, không phải văn bản "
                "chính thức; không thể ghi là đã đối chiếu. Hãy nạp bản chính thức.",
                err=True,
            )
            sys.exit(1)
        store.mark_checked(session, document_id=doc.id, by=checked_by)
        session.commit()
        click.echo(f"Đã ghi: {describe(doc)} đã được {checked_by} đối chiếu với bản chính thức.")


@click.command("remove")
@click.argument("target")
@click.pass_obj
def remove_command(obj: KnowledgeContext, target: str) -> None:
    """Xóa một văn bản khỏi kho theo số hiệu hoặc đường dẫn tệp."""
    try:
        removed = remove_paths_or_numbers(obj.engine, target)
    except IngestError as exc:
        click.echo(exc.message, err=True)
        sys.exit(1)
    if not removed:
        click.echo(f"Không tìm thấy văn bản «{target}».", err=True)
        sys.exit(1)
    for line in removed:
        click.echo(f"Đã xóa: {line}")
    after = getattr(obj, "after_ingest", None)
    if after is not None:
        after()


COMMANDS = (ingest_command, docs_command, doc_command, check_command, remove_command)
