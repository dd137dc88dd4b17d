"""Command-line commands of the index layer: index, search, eval."""

from __future__ import annotations

import sys
from typing import Protocol

import click

from index.retriever import Filters, IndexError_, QueryError, Retriever


class IndexContext(Protocol):
    """What these commands need from the entry point."""

    def retriever(self, *, load: bool = True) -> Retriever: ...


@click.command("index")
@click.option("--rebuild", is_flag=True, help="Tạo lại toàn bộ chỉ mục (sau khi đổi mô hình).")
@click.pass_obj
def index_command(obj: IndexContext, rebuild: bool) -> None:
    """Tạo hoặc cập nhật chỉ mục tìm kiếm cho các văn bản trong kho."""
    retriever = obj.retriever(load=False)
    try:
        result = retriever.sync(progress=sys.stderr.isatty(), rebuild=rebuild)
    except IndexError_ as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    click.echo(
        f"Chỉ mục: thêm {result['added']}, bỏ {result['removed']}, tổng {result['total']} đoạn."
    )


@click.command("search")
@click.argument("query", nargs=-1, required=True)
@click.option("-k", "--top", default=5, show_default=True, help="Số đoạn trả về.")
@click.option("--type", "doc_type", help="Chỉ tìm trong loại văn bản này.")
@click.option("--year", type=int, help="Chỉ tìm văn bản ban hành năm này.")
@click.option("--issuer", help="Chỉ tìm văn bản của cơ quan này.")
@click.option("--full", is_flag=True, help="In toàn văn mỗi đoạn.")
@click.pass_obj
def search_command(
    obj: IndexContext,
    query: tuple[str, ...],
    top: int,
    doc_type: str | None,
    year: int | None,
    issuer: str | None,
    full: bool,
) -> None:
    """Tìm các đoạn văn bản trả lời câu hỏi, kèm trích dẫn."""
    try:
        retriever = obj.retriever()
        result = retriever.search(" ".join(query), top, Filters(doc_type, year, issuer))
    except (IndexError_, QueryError) as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    if result.unknown_numbers:
        click.echo("Không có văn bản số " + ", ".join(result.unknown_numbers) + " trong kho.")
    if not result.hits:
        click.echo("Không tìm thấy đoạn nào phù hợp.")
        sys.exit(1 if result.unknown_numbers else 0)
    for n, hit in enumerate(result.hits, 1):
        signals = ", ".join(f"{k} {v:.2f}" for k, v in hit.signals.items())
        click.echo(f"[{n}] {hit.citation()}  (điểm {hit.score:.3f}; {signals})")
        body = hit.text if full else _preview(hit.text)
        click.echo("    " + body.replace("\n", "\n    "))


def _preview(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


COMMANDS = (index_command, search_command)
