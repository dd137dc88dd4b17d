"""Answer latency of `chibo run` as members feel it: question sent → cited answer received.

The real bot runs as a separate `chibo run` process, long-polling the project's Telegram Bot API
emulator (Telegram's flood limits on); this script plays the members. Every question is
distinct (the 89 evaluation questions, each in several wordings), so no answer comes from a
cache. Latency is measured from the moment a member's message reaches the emulator to the
moment the bot's answer is stored there.

    .venv/bin/python scripts/bench_bot.py                 # 1 and 50 concurrent askers
    .venv/bin/python scripts/bench_bot.py --waves 5 --concurrency 1 10 50 --json out.json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.e2e.telegram_emulator import RateLimits, TelegramEmulator, User  # noqa: E402

WORDINGS = ("{q}", "Xin hỏi: {q}", "Cho tôi hỏi, {q}", "Đồng chí cho biết: {q}", "{q} (hỏi lại)")
TARGET_P95 = 1.0
TELEGRAM_PER_SECOND = RateLimits().overall_per_second  # the flood limit the emulator enforces


def start_chibo(
    telegram: TelegramEmulator, config: Path, *, limits: bool, verbose: bool
) -> subprocess.Popen[bytes]:
    """`chibo run` as its own process, long-polling the emulator (also used by
    bench_checkin.py); without ``limits`` the bot's own 30 messages/s throttle is off too."""
    env = dict(os.environ, TELEGRAM_BOT_TOKEN=telegram.token, HF_HUB_OFFLINE="1")
    env["CHIBO_BOT__API_BASE_URL"] = telegram.base_url
    env["CHIBO_BOT__API_FILE_URL"] = telegram.base_file_url
    if not limits:
        env["CHIBO_BOT__MAX_MESSAGES_PER_SECOND"] = "0"
    chibo = Path(sys.executable).with_name("chibo")
    return subprocess.Popen(
        [str(chibo), *(["-v"] if verbose else []), "--config", str(config), "run"],
        env=env,
        stdin=subprocess.DEVNULL,
        stderr=None if verbose else subprocess.DEVNULL,
    )


def questions() -> list[str]:
    """Distinct questions: every evaluation question in every wording."""
    rows = (REPO / "tests/data/party_questions.jsonl").read_text(encoding="utf-8").splitlines()
    base = [json.loads(row)["question"] for row in rows if row.strip()]
    return [w.format(q=q) for w in WORDINGS for q in base]


def prepare(folder: Path, members: int, index_cache: Path | None) -> Path:
    """A store with the sample corpus, its index, one cell and ``members`` active members."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from sqlmodel import Session

    from bot import models  # noqa: F401  (registers the bot's tables)
    from bot.models import Cell, Member
    from bot.settings import load_settings
    from index.embedder import SentenceTransformerEmbedder
    from index.retriever import Retriever
    from knowledge.db import create_tables, make_engine
    from knowledge.ingest import Ingester

    config = folder / "config.yaml"
    config.write_text(
        "database:\n  url: sqlite:///chibo.db\n"
        "knowledge:\n  uploads_dir: uploads\n"
        f"index:\n  dir: index\n  model_cache_dir: {REPO / '.cache/models'}\n"
        "bot:\n  seed_corpus: null\n",
        encoding="utf-8",
    )
    settings = load_settings(config)
    engine = make_engine(settings.database.url)
    create_tables(engine)
    Ingester(engine, settings.knowledge).ingest_paths([REPO / "corpus/sample"])
    index_dir = settings.path(settings.index.dir)
    if index_cache is not None and index_cache.exists():
        shutil.copytree(index_cache, index_dir)
    s = settings.index
    embedder = SentenceTransformerEmbedder(
        s.model, cache_dir=settings.path(s.model_cache_dir), query_precision=s.query_precision
    )
    Retriever(engine, embedder, s, index_dir).sync()  # incremental when the cache was copied
    with Session(engine) as session:
        cell = Cell(name="Chi bộ đo tải")
        session.add(cell)
        session.flush()
        assert cell.id is not None
        for n in range(members):
            session.add(
                Member(cell_id=cell.id, full_name=f"Đảng Viên {n}", telegram_user_id=20_000 + n)
            )
        session.commit()
    engine.dispose()
    return config


def floor_seconds(questions: list[str]) -> float:
    """Raw embedding of ``questions`` in one pass with the bundled model (best of three): what
    answering them costs at the very least on this machine, measured in the same run."""
    from bot.settings import load_settings
    from index.embedder import SentenceTransformerEmbedder

    s = load_settings(REPO / "config.yaml").index
    embedder = SentenceTransformerEmbedder(
        s.model, cache_dir=REPO / s.model_cache_dir, query_precision=s.query_precision
    )
    embedder.embed_queries(questions)  # warm
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        embedder.embed_queries(questions)
        best = min(best, time.perf_counter() - started)
    return best


async def ask(telegram: TelegramEmulator, user: User, question: str) -> float:
    """Seconds from the question reaching Telegram to the bot's answer reaching it."""
    sent = telegram.user_sends_text(user, question)
    started = time.perf_counter()
    await telegram.wait_for_message(user.id, after=sent, timeout=60)
    return time.perf_counter() - started


async def run(args: argparse.Namespace) -> dict[str, object]:
    folder = Path(tempfile.mkdtemp(prefix="chibo-bench-"))
    pool = questions()
    biggest = max(args.concurrency)
    print(f"preparing store, index and {biggest} members in {folder} …", flush=True)
    config = prepare(folder, biggest, args.index_cache)
    floors = {c: floor_seconds(pool[:c]) for c in args.concurrency}
    limits = RateLimits(enabled=args.telegram_limits)
    telegram = TelegramEmulator(rate_limits=limits)
    await telegram.start()
    users = [
        telegram.create_user(f"ĐV{n}", user_id=20_000 + n, started=True) for n in range(biggest)
    ]
    bot = start_chibo(telegram, config, limits=args.telegram_limits, verbose=args.verbose)
    results: dict[str, object] = {}
    try:
        started = time.perf_counter()
        await telegram.wait_for(lambda: telegram.calls("getUpdates"), timeout=300)
        print(f"bot up in {time.perf_counter() - started:.1f}s", flush=True)
        for user in users[:3]:  # warm-up: first searches touch cold code paths
            await ask(telegram, user, pool.pop())
        for concurrency in args.concurrency:
            latencies: list[float] = []
            for wave in range(waves(concurrency, args)):
                # Each wave goes to other members than the last: one chat gets ~1 message/s.
                start = (wave * concurrency) % len(users)
                askers = (users[start:] + users[:start])[:concurrency]
                batch = [pool.pop() for _ in range(concurrency)]
                latencies += await asyncio.gather(
                    *(ask(telegram, u, q) for u, q in zip(askers, batch, strict=True))
                )
                if concurrency > 20:  # let Telegram's 30 messages/s budget refill between waves
                    await asyncio.sleep(1.5)
            row = summarize(latencies) | {"floor": floors[concurrency]}
            results[str(concurrency)] = row
            verdict = "ok" if row["p95"] <= TARGET_P95 else "over target"
            if args.telegram_limits and concurrency > TELEGRAM_PER_SECOND:
                # Answers beyond the 30th of a burst may not leave within its first second.
                verdict += f"; Telegram's {TELEGRAM_PER_SECOND} msg/s sets the tail here"
            print(
                f"{concurrency:>3} concurrent: n={row['n']:<4} p50 {row['p50']:.3f}s  "
                f"p95 {row['p95']:.3f}s  max {row['max']:.3f}s  ({verdict}); floor: "
                f"{concurrency} question{'s' if concurrency > 1 else ''} embedded in one pass "
                f"{row['floor']:.3f}s",
                flush=True,
            )
        results["rate_limited_429"] = telegram.rate_limited
        results["telegram_limits"] = args.telegram_limits
        print(f"429 answers from the emulator: {telegram.rate_limited}", flush=True)
    finally:
        bot.terminate()
        bot.wait(timeout=30)
        await telegram.stop()
        shutil.rmtree(folder, ignore_errors=True)
    return results


def waves(concurrency: int, args: argparse.Namespace) -> int:
    """Rounds at this level: ``--waves``, and at least ``--min-samples`` answers."""
    return max(args.waves, -(-args.min_samples // concurrency))


def summarize(latencies: list[float]) -> dict[str, float]:
    """p50, p95 and max of a latency sample."""
    ordered = sorted(latencies)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "n": len(ordered),
        "p50": statistics.median(ordered),
        "p95": p95,
        "max": ordered[-1],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 50])
    parser.add_argument("--waves", type=int, default=4, help="rounds per concurrency level")
    parser.add_argument("--min-samples", type=int, default=30, help="answers per level, at least")
    parser.add_argument(
        "--index-cache",
        type=Path,
        default=REPO / ".cache/bot-test-index",
        help="an index of the sample corpus to start from (the tests build one)",
    )
    parser.add_argument(
        "--no-telegram-limits",
        dest="telegram_limits",
        action="store_false",
        help="turn off flood control (emulator and the bot's throttle) to measure the bot alone",
    )
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("-v", "--verbose", action="store_true", help="show the bot's log")
    args = parser.parse_args()
    if sum(c * waves(c, args) for c in args.concurrency) + 3 > len(questions()):
        parser.error("not enough distinct questions for that many waves")
    results = asyncio.run(run(args))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
