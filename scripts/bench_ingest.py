"""Benchmark ingestion: the sample corpus scaled to N synthetic documents, stored without embedding.

    python scripts/bench_ingest.py                   # 10,000 documents into a fresh SQLite file
    python scripts/bench_ingest.py --docs 2000 --db postgres
    python scripts/bench_ingest.py --db postgresql+psycopg://postgres@127.0.0.1:5432/bench

Each of the 17 sample documents is copied in its own format (txt in UTF-8/NFD/TCVN3/Windows-1258,
md, html, docx, pdf) with its own number, date and a few words changed, so every file has
different bytes and the store sees N distinct documents. PDFs are expensive to typeset, so a pool
of distinct PDFs is built and each copy gets a unique trailing comment (same text, new bytes).
Files are generated in worker processes; only `Ingester.ingest_paths` is timed, and peak memory
(ru_maxrss) is that of the ingesting process. `--db postgres` creates a throw-away database on
127.0.0.1:5432 (trust auth, user postgres) and drops it afterwards.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import resource
import secrets
import shutil
import sys
import tempfile
import time
import tracemalloc
import zipfile
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]

import make_sample_corpus as corpus  # noqa: E402

from knowledge.encoding import decode_bytes  # noqa: E402

SAMPLE = ROOT / "corpus" / "sample"
PDF_POOL = 16
POSTGRES_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/test"

# Word pairs swapped according to the bits of the variant number (all occurrences).
SWAPS = [
    ("nâng cao", "tăng cường"),
    ("thường kỳ", "định kỳ"),
    ("đảng viên", "cán bộ, đảng viên"),
    ("thực hiện", "triển khai"),
    ("chất lượng", "hiệu quả"),
    ("kịp thời", "thường xuyên"),
    ("cơ sở", "đơn vị"),
]
_OWN_NUMBER = re.compile(r"Số\s+(\d{1,4})(-[A-Za-zĐđ]+/[A-ZĐ]+)")
_DATE_WORDS = re.compile(r"ngày \d{1,2} tháng \d{1,2} năm (\d{4})")
_DATE_SLASH = re.compile(r"ngày (\d{1,2})/(\d{1,2})/(\d{4})")


def vary(text: str, variant: int) -> str:
    """The text with its own number, its date and a few words changed for ``variant``."""
    number = _OWN_NUMBER.search(text)
    if number:
        old = number.group(1) + number.group(2)
        new = f"{1000 + variant % 9000}{number.group(2)}"
        text = text.replace(old, new)
    day, month = 1 + variant % 28, 1 + (variant // 28) % 12
    date = _DATE_WORDS.search(text)
    if date:
        year = int(date.group(1)) - (variant // 336) % 5
        text = text.replace(date.group(0), f"ngày {day} tháng {month} năm {year}", 1)
    else:
        date = _DATE_SLASH.search(text)
        if date:
            text = text.replace(date.group(0), f"ngày {day}/{month}/{date.group(3)}", 1)
    for bit, (a, b) in enumerate(SWAPS):
        if variant >> bit & 1:
            text = text.replace(a, b)
    return text


def _docx_variant(template: bytes, variant: int) -> bytes:
    """The sample .docx with its document.xml text varied (no re-typesetting needed)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(template)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/document.xml":
                data = vary(data.decode("utf-8"), variant).encode("utf-8")
            dst.writestr(info, data)
    return out.getvalue()


def _source_of(name: str) -> tuple[str, str]:
    """Unicode text and builder of a sample file (the source of a built one)."""
    for source, (target, kind) in corpus.DERIVED.items():
        if target == name:
            return corpus.read_source(source), kind
    data = (SAMPLE / name).read_bytes()
    return decode_bytes(data).text, "utf-8"


def generate(name: str, variants: list[int], folder: str) -> int:
    """Write the given variants of one sample file into ``folder``; return how many."""
    path = Path(name)
    text, kind = _source_of(name)
    pool: list[bytes] = []
    if kind == "pdf":
        title = corpus.document_title(text)
        pool = [corpus.build_pdf(vary(text, v), title) for v in range(PDF_POOL)]
    template = (SAMPLE / name).read_bytes() if kind == "docx" else b""
    for variant in variants:
        if kind == "pdf":
            data = pool[variant % PDF_POOL] + f"%chibo-variant {variant}\n".encode()
        elif kind == "docx":
            data = _docx_variant(template, variant)
        elif kind == "utf-8":
            data = vary(text, variant).encode("utf-8")
        else:
            varied = vary(text, variant)
            data = corpus.BUILDERS[kind](varied, corpus.document_title(varied))
        target = Path(folder) / f"{path.stem}-v{variant:05d}{path.suffix}"
        target.write_bytes(data)
    return len(variants)


def build_corpus(folder: Path, n_docs: int, workers: int) -> None:
    """Write ``n_docs`` synthetic documents into ``folder``, spread evenly over the samples."""
    names = sorted(p.name for p in SAMPLE.iterdir() if p.is_file())
    plan: dict[str, list[int]] = {name: [] for name in names}
    for k in range(n_docs):
        plan[names[k % len(names)]].append(k // len(names))
    # Split each file's variants in slices so both workers stay busy.
    jobs = [
        (name, variants[i : i + 200], str(folder))
        for name, variants in plan.items()
        for i in range(0, len(variants), 200)
    ]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        written = sum(pool.map(generate, *zip(*jobs, strict=True)))
    assert written == n_docs, written


@contextmanager
def database(choice: str, folder: Path) -> Iterator[str]:
    """A database URL: a fresh SQLite file, a throw-away PostgreSQL database, or a given URL."""
    if choice == "sqlite":
        yield f"sqlite:///{folder / 'bench.db'}"
        return
    if choice != "postgres":
        yield choice
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = create_engine(POSTGRES_ADMIN, isolation_level="AUTOCOMMIT")
    name = f"chibo_bench_{os.getpid()}_{secrets.token_hex(4)}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_ADMIN).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=10_000, help="documents to ingest")
    parser.add_argument(
        "--db", default="sqlite", help="sqlite (default), postgres, or an SQLAlchemy URL"
    )
    parser.add_argument("--workdir", type=Path, help="where to write files (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the generated files and db")
    parser.add_argument(
        "--tracemalloc", action="store_true", help="also trace Python heap peak (slower)"
    )
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)

    from sqlmodel import Session, func, select

    from knowledge.db import create_tables, make_engine
    from knowledge.ingest import Ingester
    from knowledge.models import Document, Passage
    from knowledge.settings import KnowledgeSettings

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="chibo-bench-"))
    files = workdir / "corpus"
    files.mkdir(parents=True, exist_ok=True)
    try:
        started = time.perf_counter()
        build_corpus(files, args.docs, args.workers)
        generated = time.perf_counter() - started
        size_mb = sum(p.stat().st_size for p in files.iterdir()) / 2**20
        print(f"generated {args.docs} files ({size_mb:.0f} MB) in {generated:.1f} s")

        with database(args.db, workdir) as url:
            engine = make_engine(url)
            create_tables(engine)
            ingester = Ingester(engine, KnowledgeSettings.model_validate({}))
            rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            if args.tracemalloc:
                tracemalloc.start()
            started = time.perf_counter()
            report = ingester.ingest_paths([files])
            elapsed = time.perf_counter() - started
            heap_peak = tracemalloc.get_traced_memory()[1] if args.tracemalloc else None
            tracemalloc.stop()
            rss_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            with Session(engine) as session:
                stored_docs = session.exec(select(func.count()).select_from(Document)).one()
                stored_passages = session.exec(select(func.count()).select_from(Passage)).one()
            engine.dispose()

        passages = sum(o.passages for o in report.outcomes)
        print(f"database  {engine.dialect.name} ({args.db})")
        print(f"outcomes  {dict(report.counts)}")
        for outcome in report.failed[:5]:
            print(f"  failed  {outcome.path}: {outcome.message}")
        print(f"stored    {stored_docs} documents, {stored_passages} passages")
        print(f"time      {elapsed:.1f} s")
        print(f"rate      {len(report.outcomes) / elapsed:.1f} documents/s, "
              f"{passages / elapsed:.0f} passages/s")  # fmt: skip
        print(
            f"memory    peak RSS {rss_peak / 1024:.0f} MB "
            f"(before ingest {rss_before / 1024:.0f} MB)"
        )
        if heap_peak is not None:
            print(f"          Python heap peak during ingest {heap_peak / 2**20:.1f} MB")
        if url.startswith("sqlite"):
            print(f"db size   {(workdir / 'bench.db').stat().st_size / 2**20:.0f} MB")
        return 1 if report.failed or stored_docs != args.docs else 0
    finally:
        if not args.keep and args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
        elif args.keep:
            print(f"kept      {workdir}")


if __name__ == "__main__":
    sys.exit(main())
