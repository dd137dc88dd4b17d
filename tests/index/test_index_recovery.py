"""A process killed (SIGKILL) at any step of an index write: the next start recovers.

The child process updates an index with one new document and kills itself before the Nth
filesystem operation of the write; the parent then starts as the bot does (load, then sync)
and must find the old or the new complete index, no leftover folders, and embed at most the
new document's passages — never the whole corpus again.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy.engine import Engine

from index.embedder import HashEmbedder
from index.retriever import Retriever
from index.settings import IndexSettings
from knowledge.db import make_engine
from knowledge.ingest import Ingester
from knowledge.settings import KnowledgeSettings

REPO = Path(__file__).resolve().parents[2]

# Runs sync() over <base>/store.db and <base>/index; every filesystem change made while the
# index is written counts as a step, and the process SIGKILLs itself just before step N.
_CHILD = textwrap.dedent(
    """
    import os, pathlib, shutil, signal, sys, tempfile
    import faiss
    from index import retriever as module
    from index.embedder import HashEmbedder
    from index.settings import IndexSettings
    from knowledge.db import make_engine

    base, kill_at = pathlib.Path(sys.argv[1]), int(sys.argv[2])
    steps = 0
    writing = False

    def step(owner, name):
        real = getattr(owner, name)

        def wrapper(*args, **kwargs):
            global steps
            if writing:
                steps += 1
                if steps == kill_at:
                    os.kill(os.getpid(), signal.SIGKILL)
            return real(*args, **kwargs)

        setattr(owner, name, wrapper)

    for owner, name in [
        (pathlib.Path, "rename"), (pathlib.Path, "write_text"), (pathlib.Path, "write_bytes"),
        (pathlib.Path, "open"), (shutil, "rmtree"), (tempfile, "mkdtemp"),
        (faiss, "write_index"),
    ]:
        step(owner, name)
    real_write = module.Retriever._write_state

    def write_state(self, state):
        global writing
        writing = True
        real_write(self, state)
        writing = False

    module.Retriever._write_state = write_state
    engine = make_engine(f"sqlite:///{base / 'store.db'}")
    module.Retriever(engine, HashEmbedder(), IndexSettings(), base / "index").sync()
    print(steps)
    """
)


class _CountingEmbedder(HashEmbedder):
    """The test embedder, counting the passages it embeds."""

    def __init__(self) -> None:
        super().__init__()
        self.embedded = 0

    def embed_passages(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        self.embedded += len(texts)
        return super().embed_passages(texts, progress=progress)


def _passage_ids(engine: Engine) -> set[int]:
    with engine.connect() as connection:
        return {int(row[0]) for row in connection.exec_driver_sql("SELECT id FROM passage")}


@pytest.fixture
def updated_store(sample_engine: Engine, sample_template: Path, tmp_path: Path) -> Path:
    """The sample store plus one new document, beside the index built before it was added."""
    new = tmp_path / "thong-bao-99.txt"
    new.write_text(
        "ĐẢNG ỦY KHỐI\n*\nSố 99-TB/ĐUK\nĐẢNG CỘNG SẢN VIỆT NAM\n"
        "Thanh Hóa, ngày 02 tháng 3 năm 2025\n\nTHÔNG BÁO\nvề lịch tiếp dân tháng 3\n\n"
        "Ban Thường vụ thông báo lịch tiếp công dân vào sáng thứ Năm hằng tuần "
        "tại phòng họp số 2.\n",
        encoding="utf-8",
    )
    assert Ingester(sample_engine, KnowledgeSettings()).ingest_file(new).status == "added"
    sample_engine.dispose()
    prepared = tmp_path / "prepared"
    prepared.mkdir()
    shutil.copy(tmp_path / "store.db", prepared / "store.db")
    shutil.copytree(sample_template / "index", prepared / "index")
    return prepared


def test_a_write_killed_at_any_step_is_recovered_at_start(
    updated_store: Path, sample_template: Path, tmp_path: Path
) -> None:
    old_engine = make_engine(f"sqlite:///{sample_template / 'store.db'}")
    old_ids = _passage_ids(old_engine)
    old_engine.dispose()
    engine = make_engine(f"sqlite:///{updated_store / 'store.db'}")
    new_ids = _passage_ids(engine)
    engine.dispose()
    added = len(new_ids - old_ids)
    assert added >= 1 and old_ids < new_ids

    completed = None
    kill_at = 1
    while completed is None:
        assert kill_at < 50, "the write never finished"
        base = tmp_path / f"kill-{kill_at}"
        shutil.copytree(updated_store, base)
        # A folder left by a killed write of an earlier version (mkdtemp(prefix=".index-")).
        (base / ".index-k3x_9q2a").mkdir()
        (base / ".index-k3x_9q2a" / "dense.faiss").write_bytes(b"partial")
        child = subprocess.run(
            [sys.executable, "-c", _CHILD, str(base), str(kill_at)],
            cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            capture_output=True,
            text=True,
            timeout=120,
        )
        if child.returncode == 0:
            completed = int(child.stdout.split()[-1])
        else:
            assert child.returncode == -signal.SIGKILL, child.stderr

        engine = make_engine(f"sqlite:///{base / 'store.db'}")
        embedder = _CountingEmbedder()
        retriever = Retriever(engine, embedder, IndexSettings(), base / "index")
        retriever.load()
        loaded = retriever._current().dense.ids()
        assert loaded in (old_ids, new_ids), f"killed before step {kill_at}"
        assert embedder.embedded == 0
        leftovers = {p.name for p in base.iterdir() if not p.name.startswith("store.db")} - {
            "index",
            ".index.lock",
        }
        assert not leftovers, f"killed before step {kill_at}: {leftovers}"
        retriever.sync()
        assert embedder.embedded == (added if loaded == old_ids else 0)
        assert retriever._current().dense.ids() == new_ids
        assert retriever.search("thông báo 99", 1).hits[0].document.number == "99-TB/ĐUK"
        engine.dispose()
        kill_at += 1
    # Every step of the write was interrupted once: files, the two renames, the cleanup.
    assert completed == kill_at - 2 and completed >= 8
