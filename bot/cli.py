"""The `chibo` command: builds settings → engine → embedder → retriever → services, once."""

from __future__ import annotations

import logging
import sys
from functools import cached_property
from pathlib import Path

import click
from sqlalchemy.engine import Engine

from bot.settings import Settings, SettingsError, load_settings
from index import cli as index_cli
from index.retriever import IndexMissing, Retriever
from knowledge import cli as knowledge_cli
from knowledge.db import create_tables, make_engine
from knowledge.settings import KnowledgeSettings


class AppContext:
    """Lazily built components, so `chibo docs` never loads the embedding model."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._retriever: Retriever | None = None

    @cached_property
    def engine(self) -> Engine:
        """The database engine, with tables created."""
        engine = make_engine(self.settings.database.url, echo=self.settings.database.echo)
        create_tables(engine)
        return engine

    @property
    def knowledge_settings(self) -> KnowledgeSettings:
        """The knowledge section."""
        return self.settings.knowledge

    @cached_property
    def embedder(self):  # type: ignore[no-untyped-def]
        """The embedding model (loaded once)."""
        from index.embedder import SentenceTransformerEmbedder

        s = self.settings.index
        return SentenceTransformerEmbedder(
            s.model,
            cache_dir=self.settings.path(s.model_cache_dir),
            max_seq_length=s.max_seq_length,
            batch_size=s.batch_size,
            query_prompt=s.query_prompt,
            passage_prompt=s.passage_prompt,
        )

    def retriever(self, *, load: bool = True) -> Retriever:
        """The retriever; loads the saved index (building it when none exists yet)."""
        if self._retriever is None:
            self._retriever = Retriever(
                self.engine,
                self.embedder,
                self.settings.index,
                self.settings.path(self.settings.index.dir),
            )
        if load and not self._retriever.ready:
            try:
                self._retriever.load()
            except IndexMissing:
                self._retriever.sync()
        return self._retriever

    def after_ingest(self) -> None:
        """Keep the search index in step after `chibo ingest` / `chibo remove`."""
        if self.settings.path(self.settings.index.dir).exists():
            self.retriever(load=False).sync()


@click.group()
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path),
    help="Tệp cấu hình (mặc định config.yaml hoặc biến CHIBO_CONFIG).",
)
@click.option("-v", "--verbose", is_flag=True, help="Ghi nhật ký chi tiết.")
@click.pass_context
def cli(ctx: click.Context, config_path: Path | None, verbose: bool) -> None:
    """Chibo — trợ lý chi bộ: hỏi đáp văn bản của Đảng có trích dẫn, họp chi bộ, điểm danh."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        settings = load_settings(config_path)
    except SettingsError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)
    ctx.obj = AppContext(settings)


for command in (*knowledge_cli.COMMANDS, *index_cli.COMMANDS):
    cli.add_command(command)


def main() -> None:
    """Console entry point."""
    cli()


if __name__ == "__main__":
    main()
