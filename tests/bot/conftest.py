"""Fixtures for handler tests: services over a small indexed corpus and an offline Application."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio
from sqlmodel import Session
from telegram.ext import Application

from bot.services import Services
from bot.settings import Settings
from bot.telegram.app import build_application
from tests.bot.support import RecordingRequest, hash_corpus, make_settings, services_from


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings with a SQLite file in the test's folder."""
    return make_settings(tmp_path)


@pytest.fixture
def services(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    """Services over a copy of two sample documents indexed with the HashEmbedder."""
    corpus = hash_corpus(str(tmp_path_factory.getbasetemp() / "hash-corpus"))
    built = services_from(corpus, settings)
    yield built
    built.engine.dispose()


@pytest.fixture
def session(services: Services) -> Iterator[Session]:
    """A session on the test's database, for arranging rows and checking them."""
    with Session(services.engine, expire_on_commit=False) as s:
        yield s


@pytest.fixture
def recorder() -> RecordingRequest:
    """The offline Bot API the application talks to."""
    return RecordingRequest()


@pytest_asyncio.fixture
async def app(
    settings: Settings, services: Services, recorder: RecordingRequest
) -> AsyncIterator[Application]:
    """The real Application, initialised and started up, talking to the recorder."""
    application = build_application(settings, services, request=recorder, updater=False)
    await application.initialize()
    assert application.post_init is not None
    await application.post_init(application)
    recorder.clear()
    yield application
    await application.shutdown()
    assert application.post_shutdown is not None
    await application.post_shutdown(application)
