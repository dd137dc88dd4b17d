"""`chibo -v run` never writes the bot token into its log, though every Bot API URL holds it."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.e2e.telegram_emulator import TelegramEmulator
from tests.utils.db import model_cache_dir

pytestmark = [pytest.mark.e2e, pytest.mark.model]


async def test_verbose_run_logs_requests_without_the_token(
    emulator: TelegramEmulator, e5_model_dir: Path, tmp_path: Path
) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(
        "database:\n  url: sqlite:///chibo.db\n"
        "knowledge:\n  uploads_dir: uploads\n"
        f"index:\n  dir: index\n  model_cache_dir: {model_cache_dir()}\n"
        "bot:\n  seed_corpus: null\n",
        encoding="utf-8",
    )
    env = dict(os.environ, TELEGRAM_BOT_TOKEN=emulator.token, HF_HUB_OFFLINE="1")
    env["CHIBO_BOT__API_BASE_URL"] = emulator.base_url
    env["CHIBO_BOT__API_FILE_URL"] = emulator.base_file_url
    log = tmp_path / "chibo.log"
    chibo = Path(sys.executable).with_name("chibo")
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(chibo), "-v", "--config", str(config), "run"],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 120
            while log.read_text(errors="replace").count("getUpdates") < 3:
                assert process.poll() is None, log.read_text(errors="replace")
                assert time.monotonic() < deadline, "the bot never long-polled"
                await asyncio.sleep(0.5)
        finally:
            process.terminate()
            process.wait(timeout=30)
    written = log.read_text(errors="replace")
    secret_part = emulator.token.split(":", 1)[1]
    assert "getUpdates" in written  # the request log is there…
    assert emulator.token not in written and secret_part not in written  # …without the token
