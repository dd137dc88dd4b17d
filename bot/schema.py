"""The database schema: every table model, and `migrate` to bring a database to the newest revision.

Schema changes are Alembic revisions in bot/migrations/versions. Databases made before that by
``create_all`` carry no version; `migrate` recognises them by their tables and adopts them at
the baseline revision 0001, whose tables are exactly the ones ``create_all`` made then.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, inspect, text
from sqlalchemy.engine import Connection, Engine
from sqlmodel import SQLModel

# Importing the model modules registers their tables in SQLModel.metadata.
from bot import models  # noqa: F401
from knowledge import models as knowledge_models  # noqa: F401

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
BASELINE_REVISION = "0001"
# The tables create_all made before migrations existed, i.e. the ones revision 0001 creates.
# Written out, not taken from the models: a later rename of a model must not change history.
BASELINE_TABLES = frozenset(
    {
        "document",
        "passage",
        "documentcitation",
        "cell",
        "invite",
        "member",
        "askedquestion",
        "feedback",
        "groupchat",
        "notice",
        "noticedelivery",
        "noticeworker",
    }
)
# Any constant will do: it only has to be the same in every process migrating this database.
_PG_LOCK_KEY = 0x43484942


def target_metadata() -> MetaData:
    """Every table of the application, as the models declare them today."""
    return SQLModel.metadata


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration for our script directory; no ini file, no logging setup."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str | None:
    """The newest revision in bot/migrations/versions."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at; None if it was never migrated (or is empty)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def migrate(engine: Engine) -> None:
    """Bring the database to the head revision, adopting one made earlier by ``create_all``."""
    with (
        engine.connect() as connection,
        _sqlite_foreign_keys_off(connection),
        connection.begin(),
    ):
        if connection.dialect.name == "postgresql":
            # Two processes starting at once must not both create the same tables.
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
        config = alembic_config(connection)
        if MigrationContext.configure(connection).get_current_revision() is None:
            # Never migrated: empty, or made by create_all before migrations existed, possibly
            # only in part (a script that registered just the knowledge tables). Revision 0001
            # then creates only the baseline tables missing — all of them in an empty database,
            # none in a complete one, which is stamping it — in its own, frozen shape: the models
            # may already declare newer columns that later revisions add.
            present = BASELINE_TABLES & set(inspect(connection).get_table_names())
            config.attributes["present_tables"] = present
        command.upgrade(config, "head")


@contextlib.contextmanager
def _sqlite_foreign_keys_off(connection: Connection) -> Iterator[None]:
    """On SQLite, turn foreign keys off while migrating (make_engine turns them on).

    A batch migration copies a table, drops the original and renames the copy; with foreign keys
    on, that DROP deletes every row first and cascades to the child tables. The pragma is ignored
    inside a transaction, so it is set before ours begins and restored after it ends.
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
    connection.commit()
    try:
        yield
    finally:
        connection.rollback()
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        connection.commit()
