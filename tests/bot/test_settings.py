"""Secrets come only from the environment: config.yaml may not carry one under any name."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import SettingsError, load_settings, secret_names

TOKEN = "7000000001:AAEmulatorTokenForChiboTests_0123456"


@pytest.mark.parametrize(
    "yaml_text",
    [
        f"TELEGRAM_BOT_TOKEN: '{TOKEN}'",
        f"CHIBO_TELEGRAM_TOKEN: '{TOKEN}'",
        "CHIBO_WEBHOOK_SECRET: abc_DEF-123",
        f"telegram_token: '{TOKEN}'",
        f"telegram_bot_token: '{TOKEN}'",
        "webhook_secret: abc_DEF-123",
        f"bot:\n  token: '{TOKEN}'",
    ],
)
def test_a_secret_in_the_config_file_is_refused_under_every_name(
    tmp_path: Path, yaml_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("TELEGRAM_BOT_TOKEN", "CHIBO_TELEGRAM_TOKEN", "CHIBO_WEBHOOK_SECRET"):
        monkeypatch.delenv(name, raising=False)
    config = tmp_path / "config.yaml"
    config.write_text(yaml_text + "\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="không ghi bí mật"):
        load_settings(config)


def test_every_name_the_settings_accept_a_secret_under_is_guarded() -> None:
    assert {
        "telegram_token",
        "telegram_bot_token",
        "chibo_telegram_token",
        "webhook_secret",
        "chibo_webhook_secret",
    } <= secret_names()


def test_the_environment_still_gives_the_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("bot:\n  admins: [1]\n", encoding="utf-8")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    assert load_settings(config).token() == TOKEN
