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
from knowledge.models import Document
from knowledge.settings import KnowledgeSettings


class KnowledgeContext(Protocol):
    """What these commands need from the entry point."""

    @property
    def engine(self) -> Engine: ...

    @property
    def knowledge_settings(self) -> KnowledgeSettings: ...


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
@click.pass_obj
def ingest_command(obj: KnowledgeContext, paths: tuple[Path, ...], quiet: bool) -> None:
    """Nạp văn bản (tệp hoặc thư mục, đệ quy) vào kho: đọc, chuẩn hóa, cắt đoạn, lưu."""
    ingester = Ingester(obj.engine, obj.knowledge_settings)
    report = ingester.ingest_paths(paths, progress=not quiet and sys.stderr.isatty())
    for outcome in report.outcomes:
        if outcome.status in ("failed", "duplicate"):
            click.echo(_line(outcome), err=True)
        elif not quiet:
            click.echo(_line(outcome))
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
        documents = store.list_documents(session, doc_type=doc_type, year=year, issuer=issuer)
        if not documents:
            click.echo("Không có văn bản nào khớp.")
            return
        for doc in documents:
            click.echo(f"{describe(doc)} — {doc.title} [{doc.file_name}, {doc.n_passages} đoạn]")


@click.command("doc")
@click.argument("number")
@click.pass_obj
def doc_command(obj: KnowledgeContext, number: str) -> None:
    """Xem một văn bản theo số hiệu (viết kiểu nào cũng được): thông tin, dàn ý, dẫn chiếu."""
    with Session(obj.engine) as session:
        documents = store.find_by_number(session, number)
        if not documents:
            click.echo(f"Không tìm thấy văn bản có số hiệu «{number}».", err=True)
            sys.exit(1)
        if len(documents) > 1:
            click.echo(f"«{number}» khớp {len(documents)} văn bản:")
        for doc in documents:
            assert doc.id is not None
            click.echo(f"{describe(doc)}\n  Trích yếu: {doc.title}\n  Tệp: {doc.file_name}")
            click.echo("  Dàn ý:")
            for depth, label in store.outline(session, doc.id):
                click.echo("    " + "  " * (depth - 1) + label)
            cited = store.cited_numbers(session, doc.id)
            click.echo("  Dẫn chiếu: " + (", ".join(cited) if cited else "không có"))
            citing = [
                d for d in store.citing_documents(session, doc.number or "") if d.id != doc.id
            ]
            if citing:
                click.echo("  Được dẫn chiếu bởi: " + "; ".join(describe(d) for d in citing))


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


COMMANDS = (ingest_command, docs_command, doc_command, remove_command)
