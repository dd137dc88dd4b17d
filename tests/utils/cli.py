"""Running `chibo` as a user runs it, on the test's database."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner, Result
from sqlalchemy.engine import Engine

from bot.cli import cli

Chibo = Callable[..., Result]


def chibo_runner(engine: Engine, folder: Path, config: str = "{}\n") -> Chibo:
    """`chibo ARGS…` with ``config`` as config.yaml in ``folder`` and ``engine``'s database;
    unexpected exceptions propagate instead of becoming an exit code."""
    path = folder / "config.yaml"
    path.write_text(config, encoding="utf-8")
    url = engine.url.render_as_string(hide_password=False)
    runner = CliRunner()

    def run(*args: str) -> Result:
        return runner.invoke(
            cli,
            ["--config", str(path), *args],
            env={"CHIBO_DATABASE__URL": url},
            catch_exceptions=False,
        )

    return run
