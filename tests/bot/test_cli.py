"""`chibo run` and `chibo chat` from a terminal: the token message, the fallback, the exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from bot import cli as bot_cli
from bot.services import Services
from bot.settings import SettingsError, load_settings

NO_TOKEN = "Chưa có token Telegram: đặt biến môi trường TELEGRAM_BOT_TOKEN"


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A config file in an empty folder, with no token in the environment."""
    for name in ("TELEGRAM_BOT_TOKEN", "CHIBO_TELEGRAM_TOKEN", "CHIBO_WEBHOOK_SECRET"):
        monkeypatch.delenv(name, raising=False)
    path = tmp_path / "config.yaml"
    path.write_text("bot:\n  seed_corpus: null\n", encoding="utf-8")
    return path


def test_run_without_a_token_outside_a_terminal_exits_2(config: Path) -> None:
    result = CliRunner().invoke(bot_cli.cli, ["--config", str(config), "run"])
    assert result.exit_code == 2
    assert NO_TOKEN in result.output


def test_a_placeholder_token_is_named_as_such(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:your-token-here")
    result = CliRunner().invoke(bot_cli.cli, ["--config", str(config), "run"])
    assert result.exit_code == 2
    assert "TELEGRAM_BOT_TOKEN không hợp lệ (có vẻ là giá trị mẫu)" in result.output


def test_webhook_mode_needs_its_secret(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config.write_text(
        "bot:\n  mode: webhook\n  webhook_url: https://chibo.example/telegram\n", encoding="utf-8"
    )
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "7000000001:AAEmulatorTokenForChiboTests_0123456")
    result = CliRunner().invoke(bot_cli.cli, ["--config", str(config), "run"])
    assert result.exit_code == 2
    assert "CHIBO_WEBHOOK_SECRET" in result.output
    monkeypatch.setenv("CHIBO_WEBHOOK_SECRET", "has spaces!")
    with pytest.raises(SettingsError, match="không hợp lệ"):
        load_settings(config).webhook_secret_token()


def test_run_without_a_token_at_a_terminal_opens_the_chat(
    config: Path, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bot_cli, "_interactive", lambda: True)
    monkeypatch.setattr(bot_cli.AppContext, "services", lambda self, demo=False: services)

    result = CliRunner().invoke(
        bot_cli.cli, ["--config", str(config), "run"], input="chỉ thị 05 nói về gì\n/thoat\n"
    )

    assert result.exit_code == 0, result.output
    assert NO_TOKEN in result.output
    assert "mở trò chuyện trong cửa sổ lệnh" in result.output
    assert "Nguồn:\n[1] Chỉ thị số 05-CT/TW ngày 15/5/2016 của Bộ Chính trị" in result.output
    # The demo runs on the team's samples: every citation says so.
    assert "(văn bản mẫu minh hoạ, không phải văn bản chính thức)" in result.output
