"""Retrieval evaluation on an outside benchmark (e.g. ALQAC): Hit@k and MRR@10 per signal."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from sqlmodel import Session

from index.embedder import Embedder
from index.retriever import Retriever
from index.settings import IndexSettings
from knowledge import store
from knowledge.chunking import CHUNKER_VERSION, chunk_text
from knowledge.db import create_tables, make_engine
from knowledge.metadata import Metadata
from knowledge.scopes import EVERYTHING
from knowledge.text import strip_diacritics

MODES = ("dense", "lexical", "hybrid")


@dataclass(frozen=True)
class Query:
    """A benchmark question and its gold article ids."""

    id: str
    question: str
    relevant: frozenset[str]


def read_jsonl(path: Path) -> list[dict[str, object]]:
    """Rows of a JSON-lines file."""
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def law_of(article_id: str) -> str:
    """ALQAC ids are "<law name>#<article>"."""
    return article_id.split("#", 1)[0]


def split_of(article_id: str) -> str:
    """Deterministic dev/test split held out by law (about one law in three is dev)."""
    digest = hashlib.sha1(law_of(article_id).encode()).digest()
    return "dev" if digest[0] % 3 == 0 else "test"


class _CachedEmbedder:
    """Memoises query embeddings: every mode asks the same questions."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.model_id = inner.model_id
        self.dim = inner.dim
        self.embed_query = lru_cache(maxsize=None)(inner.embed_query)

    def embed_passages(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        return self.inner.embed_passages(texts, progress=progress)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return np.stack([self.embed_query(t) for t in texts])


def build_retriever(
    corpus_path: Path,
    embedder: Embedder,
    settings: IndexSettings,
    workdir: Path,
    *,
    passage_chars: int = 900,
    max_passage_chars: int = 1600,
    progress: bool = False,
) -> tuple[Retriever, dict[int, str]]:
    """Store every corpus article as a document (reused across runs) and index it."""
    rows = read_jsonl(corpus_path)
    key = hashlib.sha256(corpus_path.read_bytes()).hexdigest()[:12]
    tag = f"{key}-{passage_chars}-{max_passage_chars}-c{CHUNKER_VERSION}"
    base = workdir / tag
    base.mkdir(parents=True, exist_ok=True)
    engine = make_engine(f"sqlite:///{base / 'eval.db'}")
    create_tables(engine)
    with Session(engine) as session:
        if not store.list_documents(session, readable=EVERYTHING):
            store_articles(
                session, rows, passage_chars=passage_chars, max_passage_chars=max_passage_chars
            )
            session.commit()
        documents = {d.id: d.file_name for d in store.list_documents(session, readable=EVERYTHING)}
    cached = _CachedEmbedder(embedder)
    safe = embedder.model_id.replace("/", "_").replace(":", "_")[:80]
    retriever = Retriever(engine, cached, settings, base / f"index-{safe}")
    retriever.sync(progress=progress)
    article_of = {
        pid: documents[doc_id] for pid, doc_id in retriever._current().passage_doc.items()
    }
    return retriever, article_of


def store_articles(
    session: Session,
    rows: Iterable[dict[str, object]],
    *,
    passage_chars: int = 900,
    max_passage_chars: int = 1600,
) -> None:
    """Save each benchmark article (``id``, ``title``, ``text``) as a document named by its id."""
    for row in rows:
        article, title, text = str(row["id"]), str(row["title"]), str(row["text"])
        chunks = chunk_text(
            text,
            doc_key=article,
            title=title,
            target_chars=passage_chars,
            max_chars=max_passage_chars,
        )
        store.save_document(
            session,
            source=f"eval:{article}",
            file_name=article,
            fmt="txt",
            encoding=None,
            content_hash=hashlib.sha256(text.encode()).hexdigest(),
            text=text,
            metadata=Metadata(doc_type="Điều luật", title=title),
            chunks=chunks,
        )


def mode_settings(settings: IndexSettings, mode: str) -> IndexSettings:
    """Settings that make the retriever use one signal, or all of them."""
    if mode == "dense":
        return settings.model_copy(
            update={"dense_weight": 1.0, "lexical_weight": 0.0, "restore_diacritics": False}
        )
    if mode == "lexical":
        return settings.model_copy(update={"dense_weight": 0.0, "lexical_weight": 1.0})
    return settings


def ranked_articles(
    retriever: Retriever, article_of: dict[int, str], question: str, depth: int = 10
) -> list[str]:
    """Article ids in rank order (an article ranks at its best passage)."""
    result = retriever.search(question, k=depth * 5)
    seen: list[str] = []
    for hit in result.hits:
        article = article_of[hit.passage_id]
        if article not in seen:
            seen.append(article)
        if len(seen) == depth:
            break
    return seen


def metrics(rankings: Iterable[tuple[list[str], frozenset[str]]]) -> dict[str, float]:
    """Hit@1/5/10 and MRR@10."""
    hits = {1: 0, 5: 0, 10: 0}
    rr = 0.0
    n = 0
    for ranking, gold in rankings:
        n += 1
        first = next((i for i, a in enumerate(ranking[:10]) if a in gold), None)
        if first is not None:
            rr += 1.0 / (first + 1)
            for k in hits:
                if first < k:
                    hits[k] += 1
    n = max(n, 1)
    return {"Hit@1": hits[1] / n, "Hit@5": hits[5] / n, "Hit@10": hits[10] / n, "MRR@10": rr / n}


def evaluate(
    retriever: Retriever,
    article_of: dict[int, str],
    queries: Sequence[Query],
    *,
    modes: Sequence[str] = MODES,
    on_progress: Callable[[str], None] | None = None,
) -> list[tuple[str, str, dict[str, float]]]:
    """Rows of (questions, mode, metrics) for questions as given and with diacritics stripped."""
    base = retriever.settings
    rows = []
    try:
        for variant in ("as given", "stripped"):
            for mode in modes:
                retriever.settings = mode_settings(base, mode)
                rankings = []
                for q in queries:
                    text = q.question if variant == "as given" else strip_diacritics(q.question)
                    rankings.append((ranked_articles(retriever, article_of, text), q.relevant))
                rows.append((variant, mode, metrics(rankings)))
                if on_progress:
                    on_progress(f"{variant} / {mode}: {rows[-1][2]['MRR@10']:.3f}")
    finally:
        retriever.settings = base
    return rows


def load_queries(path: Path, split: str = "all") -> list[Query]:
    """Benchmark questions, optionally only those whose gold articles are in one split."""
    out = []
    for row in read_jsonl(path):
        relevant = frozenset(str(r) for r in row["relevant_ids"])  # type: ignore[attr-defined]
        if split != "all" and {split_of(r) for r in relevant} != {split}:
            continue
        out.append(Query(str(row["id"]), str(row["question"]), relevant))
    return out


def format_table(rows: list[tuple[str, str, dict[str, float]]]) -> str:
    """A Markdown table of the rows."""
    lines = [
        "| questions | signal | Hit@1 | Hit@5 | Hit@10 | MRR@10 |",
        "|---|---|---|---|---|---|",
    ]
    for variant, mode, m in rows:
        lines.append(
            f"| {variant} | {mode} | {m['Hit@1']:.3f} | {m['Hit@5']:.3f} | "
            f"{m['Hit@10']:.3f} | {m['MRR@10']:.3f} |"
        )
    return "\n".join(lines)
