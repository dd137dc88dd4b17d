"""`chibo -v run` as deployed: it never writes the bot token into its log, though every Bot API
URL holds it, and it never fills an empty store with the team's sample documents."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.bot.support import ADMIN_ID
from tests.e2e.telegram_emulator import TelegramEmulator
from tests.utils.db import model_cache_dir
from tests.utils.factories import SAMPLE_DIR

pytestmark = [pytest.mark.e2e, pytest.mark.model]


async def test_verbose_run_logs_requests_without_the_token_and_seeds_nothing(
    emulator: TelegramEmulator, e5_model_dir: Path, tmp_path: Path
) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(
        "database:\n  url: sqlite:///chibo.db\n"
        "knowledge:\n  uploads_dir: uploads\n"
        f"index:\n  dir: index\n  model_cache_dir: {model_cache_dir()}\n"
        # The demo's samples are configured, as by default: `chibo run` must not load them.
        f"bot:\n  seed_corpus: {SAMPLE_DIR}\n  admins: [{ADMIN_ID}]\n",
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
            # Started, then long-polling: the /start is answered through a logged getUpdates
            # (waiting for idle polls instead cost ten seconds each).
            while "Application started" not in log.read_text(errors="replace"):
                assert process.poll() is None, log.read_text(errors="replace")
                assert time.monotonic() < deadline, "the bot never started"
                await asyncio.sleep(0.2)
            admin = emulator.create_user("Quản trị", user_id=ADMIN_ID)
            emulator.user_starts(admin)
            welcome = await emulator.wait_for_message(admin.id, timeout=30)
        finally:
            process.terminate()
            # Waited for off the event loop: the emulator must answer the bot's last getUpdates.
            await asyncio.to_thread(process.wait, 30)
    written = log.read_text(errors="replace")
    secret_part = emulator.token.split(":", 1)[1]
    assert "getUpdates" in written  # the request log is there…
    assert emulator.token not in written and secret_part not in written  # …without the token
    # An empty library, and the admin is told how to fill it.
    assert "Kho văn bản đang trống" in welcome["text"] and "chibo ingest" in welcome["text"]
    engine = create_engine(f"sqlite:///{tmp_path / 'chibo.db'}")
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM document")).scalar() == 0
    engine.dispose()
