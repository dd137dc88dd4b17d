"""Fixtures for the index layer: the sample corpus in a fresh store, and retrievers over it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from index.answer import AnswerService
from index.embedder import HashEmbedder
from index.retriever import Retriever
from index.settings import IndexSettings
from knowledge.db import create_tables, make_engine
from knowledge.ingest import Ingester
from knowledge.settings import KnowledgeSettings
from tests.utils.corpora import model_corpus

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "corpus" / "sample"


def ingest_sample(url: str) -> Engine:
    """A store holding the whole sample corpus."""
    engine = make_engine(url)
    create_tables(engine)
    report = Ingester(engine, KnowledgeSettings()).ingest_paths([SAMPLE])
    assert not report.failed, report.failed
    return engine


@pytest.fixture(scope="session")
def sample_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample corpus ingested once, with a test-embedder index beside it."""
    base = tmp_path_factory.mktemp("sample")
    engine = ingest_sample(f"sqlite:///{base / 'store.db'}")
    Retriever(engine, HashEmbedder(), IndexSettings(), base / "index").sync()
    engine.dispose()
    return base


@pytest.fixture
def sample_engine(sample_template: Path, tmp_path: Path) -> Iterator[Engine]:
    """A private copy of the sample store, for tests that change it."""
    shutil.copy(sample_template / "store.db", tmp_path / "store.db")
    engine = make_engine(f"sqlite:///{tmp_path / 'store.db'}")
    yield engine
    engine.dispose()


@pytest.fixture
def hash_retriever(sample_engine: Engine, sample_template: Path, tmp_path: Path) -> Retriever:
    """A retriever with the deterministic test embedder (logic only, not meaning)."""
    shutil.copytree(sample_template / "index", tmp_path / "index")
    retriever = Retriever(sample_engine, HashEmbedder(), IndexSettings(), tmp_path / "index")
    retriever.load()
    return retriever


@pytest.fixture
def answers(hash_retriever: Retriever, sample_engine: Engine) -> AnswerService:
    """Answers over the sample corpus with the hash embedder, every hit kept (no relevance
    threshold): what is checked is which sentence is quoted, and what the checks refuse."""
    return AnswerService(hash_retriever, sample_engine, min_relevance=0.0)


@pytest.fixture(scope="session")
def e5_retriever(
    e5_model_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Retriever]:
    """The real model over the sample corpus: a copy of the session's one embedded corpus
    (the bot's and the end-to-end tests' too), so the corpus is embedded once per session."""
    corpus = model_corpus(str(tmp_path_factory.getbasetemp() / "model-corpus"))
    base = tmp_path_factory.mktemp("e5")
    shutil.copy(corpus.db, base / "store.db")
    shutil.copytree(corpus.index, base / "index")
    engine = make_engine(f"sqlite:///{base / 'store.db'}")
    retriever = Retriever(engine, corpus.embedder, IndexSettings(), base / "index")
    retriever.load()
    yield retriever
    engine.dispose()
