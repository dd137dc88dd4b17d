"""Engines keep their connections for bursts of worker threads, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import Engine

from knowledge.db import make_engine

BURST = 20  # the default pool size: fifty members asking at once keep about this many busy


def _burst(engine: Engine, answers: list[int]) -> None:
    """BURST threads that each hold a connection at the same moment, then query on it."""
    barrier = threading.Barrier(BURST)

    def work(n: int) -> None:
        with engine.connect() as connection:
            barrier.wait()  # all BURST connections are checked out together
            answers.append(connection.execute(text("SELECT :n"), {"n": n}).scalar_one())

    threads = [threading.Thread(target=work, args=(n,)) for n in range(BURST)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def test_a_second_burst_reuses_the_connections_of_the_first(database_url: str) -> None:
    engine = make_engine(database_url)
    opened: list[int] = []

    def on_connect(_dbapi: Any, _record: Any) -> None:
        opened.append(1)

    event.listen(engine, "connect", on_connect)
    answers: list[int] = []
    try:
        _burst(engine, answers)
        assert len(opened) == BURST
        _burst(engine, answers)
    finally:
        engine.dispose()

    assert sorted(answers) == sorted(list(range(BURST)) * 2)
    # SQLAlchemy's default pool keeps 5 and closes the other 15 after use: the second burst
    # would open (and set up) them again.
    assert len(opened) == BURST


@pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SADeprecationWarning")  # mode=memory
@pytest.mark.parametrize(
    "url", ["sqlite://", "sqlite:///:memory:", "sqlite:///file:chibo?mode=memory&uri=true"]
)
def test_in_memory_sqlite_databases_still_work(url: str) -> None:
    engine = make_engine(url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT 41 + 1")).scalar_one() == 42
    engine.dispose()
