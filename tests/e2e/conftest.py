"""Fixtures for end-to-end tests against the project's Telegram Bot API emulator."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from tests.bot.support import Corpus, Deployment, deployed, model_corpus
from tests.e2e.telegram_emulator import TelegramEmulator


@pytest_asyncio.fixture
async def emulator() -> AsyncIterator[TelegramEmulator]:
    """A Telegram Bot API emulator serving on 127.0.0.1 at a free port, stopped afterwards."""
    server = TelegramEmulator()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture(scope="session")
def corpus(e5_model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    """The sample corpus indexed with the real model (shared by the whole test process)."""
    return model_corpus(str(tmp_path_factory.getbasetemp() / "model-corpus"))


@pytest_asyncio.fixture
async def deployment(
    emulator: TelegramEmulator, corpus: Corpus, tmp_path: Path
) -> AsyncIterator[Deployment]:
    """`chibo run` against the emulator, on a private copy of the indexed sample corpus."""
    async with deployed(emulator, corpus, tmp_path) as running:
        yield running
