"""Command-line commands of the index layer: index, search, eval."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Protocol

import click

from index.answer import AnswerInconsistent, AnswerService, render_plain
from index.evaluate import MODES, build_retriever, evaluate, format_table, load_queries
from index.retriever import Filters, IndexError_, QueryError, Retriever
from index.settings import IndexSettings
from knowledge.scopes import Readable


class IndexContext(Protocol):
    """What these commands need from the entry point."""

    def retriever(self, *, load: bool = True) -> Retriever: ...

    def answers(self) -> AnswerService: ...

    @property
    def embedder(self) -> Any: ...

    @property
    def index_settings(self) -> IndexSettings: ...

    @property
    def knowledge_settings(self) -> Any: ...


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
@click.option(
    "--answer", "as_answer", is_flag=True, help="In câu trả lời có trích dẫn, như bot trả lời."
)
@click.option("--cell", "cell_id", type=int, help="Tìm như đảng viên của chi bộ số này.")
@click.option("--committee", "committee_id", type=int, help="… và của đảng bộ số này.")
@click.pass_obj
def search_command(
    obj: IndexContext,
    query: tuple[str, ...],
    top: int,
    doc_type: str | None,
    year: int | None,
    issuer: str | None,
    full: bool,
    as_answer: bool,
    cell_id: int | None,
    committee_id: int | None,
) -> None:
    """Tìm các đoạn văn bản trả lời câu hỏi, kèm trích dẫn. Mặc định chỉ tìm trong văn bản
    dùng chung; --cell / --committee tìm như một đảng viên của chi bộ / đảng bộ đó."""
    readable = Readable(cell_id=cell_id, committee_id=committee_id)
    if as_answer:
        try:
            click.echo(render_plain(obj.answers().answer(" ".join(query), readable=readable)))
        except (IndexError_, QueryError, AnswerInconsistent) as exc:
            click.echo(str(exc), err=True)
            sys.exit(1)
        return
    try:
        retriever = obj.retriever()
        result = retriever.search(
            " ".join(query), top, Filters(doc_type, year, issuer), readable=readable
        )
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


@click.command("eval")
@click.option(
    "--corpus", "corpus_path", required=True, type=click.Path(exists=True, path_type=Path)
)
@click.option(
    "--queries", "queries_path", required=True, type=click.Path(exists=True, path_type=Path)
)
@click.option(
    "--split",
    type=click.Choice(["all", "dev", "test"]),
    default="all",
    show_default=True,
    help="Câu hỏi theo tách dev/test giữ riêng theo luật.",
)
@click.option(
    "--workdir", type=click.Path(path_type=Path), default=Path(".cache/eval"), show_default=True
)
@click.option(
    "--mode", "modes", multiple=True, type=click.Choice(list(MODES)), help="Chỉ đo tín hiệu này."
)
@click.pass_obj
def eval_command(
    obj: IndexContext,
    corpus_path: Path,
    queries_path: Path,
    split: str,
    workdir: Path,
    modes: tuple[str, ...],
) -> None:
    """Đo độ chính xác truy hồi (Hit@1/5/10, MRR@10) trên bộ dữ liệu ngoài, có và không dấu."""
    settings = obj.index_settings
    retriever, article_of = build_retriever(
        corpus_path,
        obj.embedder,
        settings,
        workdir,
        passage_chars=obj.knowledge_settings.passage_chars,
        max_passage_chars=obj.knowledge_settings.max_passage_chars,
        progress=sys.stderr.isatty(),
    )
    queries = load_queries(queries_path, split)
    click.echo(f"{len(queries)} câu hỏi ({split}), {len(set(article_of.values()))} điều luật.")
    rows = evaluate(
        retriever,
        article_of,
        queries,
        modes=modes or MODES,
        on_progress=lambda line: click.echo(line, err=True),
    )
    click.echo(format_table(rows))


COMMANDS = (index_command, search_command, eval_command)
