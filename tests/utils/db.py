"""Where the tests' model cache and PostgreSQL server are, and emptying a shared database."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.engine import Engine

REPO_ROOT = Path(__file__).resolve().parents[2]
POSTGRES_ADMIN_URL = os.environ.get(
    "CHIBO_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def model_cache_dir() -> Path:
    """Where converted models live between test runs: $CHIBO_CACHE_DIR or <repo>/.cache."""
    return Path(os.environ.get("CHIBO_CACHE_DIR") or REPO_ROOT / ".cache") / "models"


def empty_all_tables(engine: Engine) -> None:
    """Delete every row (the PostgreSQL database is shared by the session's tests)."""
    from sqlmodel import SQLModel

    with engine.begin() as connection:
        for table in reversed(SQLModel.metadata.sorted_tables):
            connection.execute(table.delete())
