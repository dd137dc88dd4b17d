"""Fixtures for end-to-end tests against the project's Telegram Bot API emulator."""

from collections.abc import AsyncIterator

import pytest_asyncio

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
