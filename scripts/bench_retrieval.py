"""Retrieval speed and memory benchmark (prints figures; not a test).

    python scripts/bench_retrieval.py [--sizes 1000 10000 100000] [--queries 200]
                                      [--throughput 1500]

Latency: full `Retriever.search` (question embedding with the real model, FAISS, BM25, fusion,
passage fetch) over stores of 1k/10k/100k passages. The large stores are synthetic: sample-corpus
passages with shuffled sentences and substituted syllables, and vectors derived from the real
embeddings of the sample passages plus noise (embedding 100k passages for real would take over an
hour on 2 cores and measure the model, not the index). Questions are embedded for real.

Throughput: the whole indexing pipeline (`Retriever.sync`: read store, embed, FAISS, BM25,
restorer, save) against raw `SentenceTransformer.encode` of the same texts, in the same run.

Memory: resident memory added by loading a saved 100k-passage index, beside its raw vectors.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sqlmodel import Session  # noqa: E402

from bot.settings import load_settings  # noqa: E402
from index.embedder import SentenceTransformerEmbedder  # noqa: E402
from index.retriever import Retriever, passage_text_for_index  # noqa: E402
from knowledge import store  # noqa: E402
from knowledge.chunking import Chunk  # noqa: E402
from knowledge.db import create_tables, make_engine  # noqa: E402
from knowledge.ingest import Ingester  # noqa: E402
from knowledge.metadata import Metadata  # noqa: E402
from knowledge.models import Passage  # noqa: E402
from knowledge.scopes import EVERYTHING, Readable  # noqa: E402

QUESTIONS = [
    "chi thi 05 noi ve gi",
    "Đảng viên không được làm những gì?",
    "sinh hoat chi bo may lan mot thang",
    "tiêu chí đánh giá chất lượng sinh hoạt chi bộ",
    "kết luận 21 yêu cầu gì về chỉnh đốn Đảng",
    "nhiem vu cua chi uy trong quan ly dang vien",
    "tinh gọn bộ máy tổ chức hệ thống chính trị",
    "quy trình kết nạp đảng viên mới",
]


def rss_mb() -> float:
    """Current resident set size in MB (Linux)."""
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


class ReplayEmbedder:
    """Real model for questions; precomputed vectors for synthetic passages."""

    def __init__(self, real: SentenceTransformerEmbedder, vectors: dict[str, np.ndarray]) -> None:
        self.real = real
        self.vectors = vectors
        self.model_id = real.model_id
        self.dim = real.dim

    def embed_passages(self, texts, *, progress=False):  # type: ignore[no-untyped-def]
        return np.stack([self.vectors[hashlib.sha1(t.encode()).hexdigest()] for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        return self.real.embed_query(text)

    def embed_queries(self, texts):  # type: ignore[no-untyped-def]
        return self.real.embed_queries(texts)


def synthetic_store(url: str, base_rows: list[tuple[str, list[str], str]], n: int, seed: int):  # type: ignore[no-untyped-def]
    """A store of ``n`` passages made from the sample's passages, in documents of 40."""
    rng = random.Random(seed)
    engine = make_engine(url)
    create_tables(engine)
    vocab = sorted({w for _, _, text in base_rows for w in text.split()})
    with Session(engine) as session:
        made = 0
        doc_no = 0
        while made < n:
            doc_no += 1
            chunks = []
            for ordinal in range(min(40, n - made)):
                _label, path, text = base_rows[rng.randrange(len(base_rows))]
                words = text.split()
                for _ in range(max(1, len(words) // 8)):
                    words[rng.randrange(len(words))] = rng.choice(vocab)
                body = " ".join(words)
                pid = (
                    int.from_bytes(
                        hashlib.sha256(f"{doc_no}:{ordinal}".encode()).digest()[:8], "big"
                    )
                    >> 1
                )
                chunks.append(Chunk(pid, ordinal, tuple(path), body, 0, len(body)))
            store.save_document(
                session,
                source=f"synthetic:{doc_no}",
                file_name=f"synthetic-{doc_no}.txt",
                fmt="txt",
                encoding=None,
                content_hash=f"synthetic-{doc_no}",
                text="",
                metadata=Metadata(
                    doc_type="Hướng dẫn",
                    title=f"Văn bản tổng hợp {doc_no}",
                    number=f"{doc_no:02d}-HD/ĐUK",
                ),
                chunks=chunks,
            )
            made += len(chunks)
            if doc_no % 250 == 0:
                session.commit()
        session.commit()
    return engine


def percentiles(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.95) - 1]


def scoped_latency(engine, retriever: Retriever, cells: int, queries: int, kind: str) -> None:  # type: ignore[no-untyped-def]
    """p50/p95 with each member's scope filter beside the unfiltered search, same index, same
    run: a fifth of the documents become private to ``cells`` cells (minutes, resolutions)."""
    from sqlalchemy import text

    with engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE document SET scope = 'cell', scope_id = (id % :cells) + 1 WHERE id % 5 = 0"
            ),
            {"cells": cells},
        )
    retriever.refresh_documents()
    readers = {
        "unfiltered": [EVERYTHING],
        "one cell's member": [Readable(cell_id=7)],
        f"members of {cells} cells in turn": [Readable(cell_id=c + 1) for c in range(cells)],
    }
    rows = []
    for name, scopes in readers.items():
        times = []
        for n in range(queries):
            q = QUESTIONS[n % len(QUESTIONS)] + ("" if n < len(QUESTIONS) else f" {n}")
            t0 = time.perf_counter()
            retriever.search(q, 5, readable=scopes[n % len(scopes)])
            times.append((time.perf_counter() - t0) * 1000)
        rows.append((name, *percentiles(times)))
    base = rows[0][2]
    print(f"\n### Scope filters ({kind}; private documents of {cells} cells mixed in)\n")
    print("| reader | p50 ms | p95 ms | p95 / unfiltered |")
    print("|---|---|---|---|")
    for name, p50, p95 in rows:
        print(f"| {name} | {p50:.1f} | {p95:.1f} | {p95 / base:.2f} |", flush=True)
    with engine.begin() as connection:
        connection.execute(text("UPDATE document SET scope = 'shared', scope_id = NULL"))
    retriever.refresh_documents()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--throughput", type=int, default=1500, help="passages for the ratio")
    parser.add_argument(
        "--cells",
        type=int,
        default=100,
        help="cells whose private documents are mixed into the largest store (0: skip)",
    )
    args = parser.parse_args()
    settings = load_settings(REPO / "config.yaml")
    s = settings.index
    real = SentenceTransformerEmbedder(
        s.model,
        cache_dir=settings.path(s.model_cache_dir),
        max_seq_length=s.max_seq_length,
        batch_size=s.batch_size,
        query_precision=s.query_precision,
    )
    tmp = Path(tempfile.mkdtemp(prefix="chibo-bench-"))
    sample = make_engine(f"sqlite:///{tmp / 'sample.db'}")
    create_tables(sample)
    Ingester(sample, settings.knowledge).ingest_paths([REPO / "corpus" / "sample"])
    with Session(sample) as session:
        docs = {d.id: d for d in store.list_documents(session, readable=EVERYTHING)}
        rows = []
        for doc_id, doc in docs.items():
            for p in store.passages_of(session, doc_id):
                rows.append((doc.title, list(p.heading_path), p.text))
    base_vectors = real.embed_passages([t for _, _, t in rows])
    rng = np.random.default_rng(0)

    print(f"model {real.model_id}; {os.cpu_count()} cores; sample passages {len(rows)}")
    print("\n## Latency of one question (query embedding included)\n")
    print("| passages | FAISS | p50 ms | p95 ms | build s |")
    print("|---|---|---|---|---|")
    loaded_stats = None
    for size in args.sizes:
        engine = synthetic_store(f"sqlite:///{tmp / f'store-{size}.db'}", rows, size, seed=size)
        with Session(engine) as session:
            from sqlmodel import select

            all_rows = session.exec(select(Passage)).all()
            infos = {d.id: d for d in store.list_documents(session, readable=EVERYTHING)}
        from index.citation import DocInfo

        vectors = {}
        for p in all_rows:
            doc = infos[p.document_id]
            info = DocInfo.of(doc)
            text = passage_text_for_index(info, p.heading_path, p.text)
            base = base_vectors[rng.integers(len(base_vectors))]
            v = base + rng.normal(scale=0.02, size=base.shape).astype(np.float32)
            vectors[hashlib.sha1(text.encode()).hexdigest()] = (v / np.linalg.norm(v)).astype(
                np.float32
            )
        kinds = ["flat", "hnsw"] if size == max(args.sizes) else ["flat"]
        for kind in kinds:
            ks = s.model_copy(update={"faiss": kind})
            index_dir = tmp / f"index-{size}-{kind}"
            retriever = Retriever(engine, ReplayEmbedder(real, vectors), ks, index_dir)
            started = time.perf_counter()
            retriever.sync()
            build = time.perf_counter() - started
            gc.collect()
            for q in QUESTIONS:
                retriever.search(q, 5)  # warm-up
            times = []
            for n in range(args.queries):
                q = QUESTIONS[n % len(QUESTIONS)] + ("" if n < len(QUESTIONS) else f" {n}")
                t0 = time.perf_counter()
                retriever.search(q, 5)
                times.append((time.perf_counter() - t0) * 1000)
            times.sort()
            p95 = times[int(len(times) * 0.95) - 1]
            print(
                f"| {size:,} | {kind} | {statistics.median(times):.1f} | {p95:.1f} | {build:.1f} |",
                flush=True,
            )
            if size == max(args.sizes) and args.cells:
                scoped_latency(engine, retriever, args.cells, args.queries, kind)
            if size == max(args.sizes) and kind == "flat":
                loaded_stats = (engine, index_dir, retriever.stats())
            del retriever
            gc.collect()
        del vectors

    if loaded_stats:
        engine, index_dir, stats = loaded_stats
        gc.collect()
        before = rss_mb()
        fresh = Retriever(engine, real, s, index_dir)
        fresh.load()
        after = rss_mb()
        raw = stats["vectors_bytes"] / 2**20  # type: ignore[operator]
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"\n## Memory\n\nloaded {stats['passages']:,}-passage index: +{after - before:.0f} MB "
            f"resident (raw vectors {raw:.0f} MB; FAISS + BM25 + restorer + maps); "
            f"peak RSS of this process {peak_mb:.0f} MB"
        )

    n = args.throughput
    if n <= 0:
        return
    print("\n## Indexing throughput vs raw SentenceTransformer.encode (same texts, same run)\n")
    engine = synthetic_store(f"sqlite:///{tmp / 'throughput.db'}", rows, n, seed=7)
    with Session(engine) as session:
        from sqlmodel import select

        passages = session.exec(select(Passage)).all()
        infos = {d.id: d for d in store.list_documents(session, readable=EVERYTHING)}
    from index.citation import DocInfo

    texts = []
    for p in passages:
        doc = infos[p.document_id]
        info = DocInfo.of(doc)
        texts.append(s.passage_prompt + passage_text_for_index(info, p.heading_path, p.text))
    t0 = time.perf_counter()
    real._model.encode(texts, batch_size=s.batch_size, normalize_embeddings=True)
    raw_s = time.perf_counter() - t0
    retriever = Retriever(engine, real, s, tmp / "index-throughput")
    t0 = time.perf_counter()
    retriever.sync()
    pipe_s = time.perf_counter() - t0
    print("| passages | raw encode s | pipeline s | raw p/s | pipeline p/s | ratio |")
    print("|---|---|---|---|---|---|")
    print(
        f"| {n:,} | {raw_s:.1f} | {pipe_s:.1f} | {n / raw_s:.1f} | {n / pipe_s:.1f} | "
        f"{raw_s / pipe_s:.2f} |"
    )


if __name__ == "__main__":
    main()
