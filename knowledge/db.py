"""Database engine construction (SQLite by default, PostgreSQL for scale)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import QueuePool
from sqlmodel import SQLModel, create_engine


def make_engine(
    url: str, *, echo: bool = False, pool_size: int = 20, max_overflow: int = 40
) -> Engine:
    """Create an engine; for SQLite, create the parent folder and enable FKs and WAL.

    The pool is sized for the bot's worker threads: with SQLAlchemy's default of five, fifty
    members asking at once made most searches open (and set up) a new connection.
    """
    parsed = make_url(url)
    kwargs: dict[str, Any] = {"echo": echo}
    # In-memory SQLite (":memory:", "mode=memory" URIs) gets a pool without sizes.
    dialect: Any = parsed.get_dialect()  # DefaultDialect; the Dialect interface lacks this
    if issubclass(dialect.get_pool_class(parsed), QueuePool):
        kwargs.update(pool_size=pool_size, max_overflow=max_overflow)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        # Handlers run database work in worker threads.
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
    else:
        kwargs["pool_pre_ping"] = True
    engine = create_engine(url, **kwargs)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_tables(engine: Engine) -> None:
    """Create every table known to SQLModel's metadata that does not exist yet."""
    from knowledge import models  # noqa: F401  (registers the tables)

    SQLModel.metadata.create_all(engine)
