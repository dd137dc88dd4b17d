"""What handlers and `chibo chat` use, built once by the entry point and passed down."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.answers.feedback import QuestionLog
from bot.settings import Settings
from index.answer import AnswerService
from index.retriever import Retriever
from knowledge.db import create_tables, make_engine
from knowledge.ingest import Ingester, IngestReport
from knowledge.models import Document

if TYPE_CHECKING:
    from index.embedder import SentenceTransformerEmbedder

log = logging.getLogger(__name__)


@dataclass
class Services:
    """The components behind the bot: database, retriever, answers, ingestion."""

    settings: Settings
    engine: Engine
    retriever: Retriever
    answers: AnswerService
    ingester: Ingester
    questions: QuestionLog = field(init=False)

    def __post_init__(self) -> None:
        self.questions = QuestionLog(self.engine)

    @property
    def admins(self) -> frozenset[int]:
        """Telegram ids of deployment admins."""
        return frozenset(self.settings.bot.admins)

    @property
    def uploads_dir(self) -> Path:
        """Where originals of files sent to the bot are kept."""
        return self.settings.path(self.settings.knowledge.uploads_dir)


def build_services(settings: Settings, engine: Engine, retriever: Retriever) -> Services:
    """Wire the answer service and the ingester around a ready retriever."""
    answers = answer_service(settings, engine, retriever)
    return Services(settings, engine, retriever, answers, Ingester(engine, settings.knowledge))


def answer_service(settings: Settings, engine: Engine, retriever: Retriever) -> AnswerService:
    """The one answer path of the bot, `chibo chat` and `chibo search --answer`."""
    return AnswerService(
        retriever,
        engine,
        min_relevance=settings.index.min_relevance,
        min_focus=settings.index.min_focus,
        max_sources=settings.bot.answer_sources,
        page_size=settings.bot.more_results,
    )


def embedder_for(settings: Settings) -> SentenceTransformerEmbedder:
    """The embedding model as the deployment configures it (the bot, `chibo` and the
    evaluation scripts all load it this way). Imported here, not at the top: `chibo --help`
    must not load torch."""
    from index.embedder import SentenceTransformerEmbedder

    s = settings.index
    return SentenceTransformerEmbedder(
        s.model,
        cache_dir=settings.path(s.model_cache_dir),
        max_seq_length=s.max_seq_length,
        batch_size=s.batch_size,
        query_prompt=s.query_prompt,
        passage_prompt=s.passage_prompt,
        query_precision=s.query_precision,
    )


def indexed_folder(
    settings: Settings, embedder: SentenceTransformerEmbedder, folder: Path, work: Path
) -> tuple[Engine, Retriever]:
    """A throw-away SQLite store and index under ``work`` holding ``folder`` (the evaluations
    over the sample corpus)."""
    engine = make_engine(f"sqlite:///{work}/store.db")
    create_tables(engine)
    Ingester(engine, settings.knowledge).ingest_paths([folder])
    retriever = Retriever(engine, embedder, settings.index, work / "index")
    retriever.sync()
    return engine, retriever


def store_is_empty(engine: Engine) -> bool:
    """True when no document has been ingested yet."""
    with Session(engine) as session:
        return not session.exec(select(func.count()).select_from(Document)).one()


def seed_if_empty(settings: Settings, engine: Engine) -> IngestReport | None:
    """Ingest the configured sample corpus into an empty store, for the terminal demo only;
    its sidecar and bytes make every document a labelled sample (knowledge.provenance)."""
    if not settings.bot.seed_corpus or not store_is_empty(engine):
        return None
    folder = settings.path(settings.bot.seed_corpus)
    if not folder.exists():
        log.warning("seed corpus %s does not exist; starting with an empty store", folder)
        return None
    return Ingester(engine, settings.knowledge).ingest_paths([folder])


def query_workers(settings: Settings) -> int:
    """Threads embedding questions: enough to keep every core busy, at most four."""
    per_worker = settings.bot.torch_threads or os.cpu_count() or 1
    return max(1, min(4, (os.cpu_count() or 1) // per_worker))


def limit_model_threads(threads: int) -> None:
    """Fix the model's intra-op threads (0 leaves the library default)."""
    if threads > 0:
        import torch

        torch.set_num_threads(threads)
