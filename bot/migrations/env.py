"""Alembic environment: run by bot.schema.migrate with a connection, or by the `alembic` CLI.

From Python, bot.schema passes an open connection in ``config.attributes["connection"]``. From
the command line the URL comes from ``alembic -x url=…``, else ``CHIBO_DATABASE_URL`` (or the
settings' own ``CHIBO_DATABASE__URL``). Logging is left to the application: no fileConfig here.
"""

from __future__ import annotations

import os
from typing import Any, Literal

from alembic import context
from sqlalchemy import create_engine, pool
from sqlalchemy.engine import Connection
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

from bot.schema import target_metadata

config = context.config


def _url() -> str:
    url = (
        context.get_x_argument(as_dictionary=True).get("url")
        or os.environ.get("CHIBO_DATABASE_URL")
        or os.environ.get("CHIBO_DATABASE__URL")
    )
    if not url:
        raise SystemExit(
            "No database URL: pass `alembic -x url=...` or set CHIBO_DATABASE_URL "
            "(use `chibo db upgrade` to migrate the database named in config.yaml)."
        )
    return url


def _render_item(type_: str, obj: Any, _context: Any) -> str | Literal[False]:
    """Autogenerate writes SQLModel's column types as the plain SQLAlchemy types they stand for.

    Revisions then need no sqlmodel import, and read like 0001.
    """
    if type_ == "type" and isinstance(obj, AutoString):
        length = getattr(obj.impl_instance, "length", None)
        return f"sa.String(length={length})" if length else "sa.String()"
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata(),
        # SQLite can alter little in place: let autogenerate write copy-and-move batches.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=_render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_offline() -> None:
    """Print the SQL instead of running it (`alembic upgrade head --sql`)."""
    url = _url()
    context.configure(
        url=url,
        target_metadata=target_metadata(),
        render_as_batch=url.startswith("sqlite"),
        render_item=_render_item,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    """Run against the caller's connection, or one of our own for the CLI."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    # A plain engine: on SQLite foreign keys stay off, so a batch that drops and recreates a
    # parent table does not cascade-delete its children.
    engine = create_engine(_url(), poolclass=pool.NullPool)
    try:
        with engine.connect() as own:
            _run(own)
            own.commit()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
