"""The layers hold at run time: only bot/telegram/ loads python-telegram-bot; index/ and
knowledge/ never load bot/, and knowledge/ never loads index/."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _modules(package: str) -> list[str]:
    folder = ROOT / package.replace(".", "/")
    found = [package]
    for info in pkgutil.walk_packages([str(folder)], prefix=f"{package}."):
        found.append(info.name)
    return found


def _loaded_after_importing(modules: list[str]) -> set[str]:
    """The top-level packages in sys.modules after importing ``modules`` in a new interpreter."""
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return set(done.stdout.split())


def test_only_the_telegram_adapter_imports_telegram() -> None:
    outside = [
        name
        for name in _modules("bot")
        if not name.startswith("bot.telegram") and not name.startswith("bot.migrations")
    ]
    assert "bot.cli" in outside and "bot.meetings.checkin" in outside  # the walk found them
    loaded = _loaded_after_importing([*outside, *_modules("index"), *_modules("knowledge")])
    assert "bot" in loaded
    assert "telegram" not in loaded


def test_the_adapter_does_load_telegram() -> None:
    # The check above would pass vacuously if the walk missed the adapter's imports.
    assert "telegram" in _loaded_after_importing(["bot.telegram.app"])


def test_index_and_knowledge_never_reach_up() -> None:
    loaded = _loaded_after_importing([*_modules("index"), *_modules("knowledge")])
    assert "bot" not in loaded
    assert "index" not in _loaded_after_importing(_modules("knowledge"))
