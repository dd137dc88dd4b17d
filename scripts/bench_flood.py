"""Fairness under flood: do other members still get their answers while two senders flood?

The real bot runs as a separate `chibo run` process against the project's Telegram Bot API
emulator (Telegram's flood limits on). Twenty members ask at once, on a quiet bot and while
one stranger and one member each send 300 messages within one second (a batch of forwarded
messages), the twenty questions arriving in the middle of that second; quiet and flooded
waves alternate. The figure is the twenty members' p95 latency (message reaching Telegram →
answer reaching Telegram, both stamped by the emulator) under flood divided by the quiet p95,
both measured in this run.
Beside it, the floor: the raw embedding of the same twenty questions in one pass, also
measured in this run, since machines differ (docs/benchmarks.md).

    .venv/bin/python scripts/bench_flood.py               # goal: flood p95 ≤ 1.5 × quiet p95
    .venv/bin/python scripts/bench_flood.py --waves 8 --json flood.json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from scripts.bench_bot import (  # noqa: E402
    floor_seconds,
    prepare,
    questions,
    start_chibo,
    summarize,
)
from tests.e2e.telegram_emulator import RateLimits, TelegramEmulator, User  # noqa: E402

ASKERS = 20
FLOOD = 300  # messages from each flooding sender within one second
GOAL = 1.5
FIRST_ID = 20_000  # prepare() gives members consecutive Telegram ids from here
STRANGER_ID = 30_000


async def ask(telegram: TelegramEmulator, user: User, question: str) -> float:
    """Seconds from the question reaching the emulator to the bot's answer request reaching it.

    Both ends are stamped by the emulator as it handles them, not when this script's waiter
    wakes up: during a flood the waiters are woken by every flood message, and their lag is
    the harness's, not the bot's."""
    sent = telegram.user_sends_text(user, question)
    asked_at = time.time()
    answer = await telegram.wait_for_message(user.id, after=sent, timeout=60)
    for call in telegram.calls("sendMessage"):
        result = call.result if call.ok and isinstance(call.result, dict) else {}
        if (
            result.get("message_id") == answer["message_id"]
            and int(call.params.get("chat_id", 0)) == user.id
        ):
            return call.time - asked_at
    raise AssertionError(f"no recorded request for the answer to {user.id}")


async def flood(telegram: TelegramEmulator, sender: User, label: str) -> None:
    """``FLOOD`` messages from ``sender`` within one second, in ten bursts."""
    for burst in range(10):
        for n in range(FLOOD // 10):
            telegram.user_sends_text(sender, f"{label} chuyển tiếp {burst * 30 + n}")
        await asyncio.sleep(0.1)


async def wave(
    telegram: TelegramEmulator,
    askers: list[User],
    batch: list[str],
    flooders: list[tuple[User, str]],
) -> list[float]:
    """One round: the askers' latencies, with the flooders sending around them if any."""
    floods = [asyncio.create_task(flood(telegram, u, label)) for u, label in flooders]
    if floods:
        await asyncio.sleep(0.5)  # half of each flood is already queued ahead of the questions
    pairs = zip(askers, batch, strict=True)
    latencies = await asyncio.gather(*(ask(telegram, u, q) for u, q in pairs))
    await asyncio.gather(*floods)
    return list(latencies)


async def run(args: argparse.Namespace) -> dict[str, object]:
    folder = Path(tempfile.mkdtemp(prefix="chibo-flood-"))
    pool = questions()
    print(f"preparing store, index and {ASKERS + 1} members in {folder} …", flush=True)
    config = prepare(folder, ASKERS + 1, args.index_cache)
    floor = floor_seconds(pool[:ASKERS])
    print(f"floor: raw embedding of {ASKERS} questions in one pass {floor:.3f}s", flush=True)
    telegram = TelegramEmulator(rate_limits=RateLimits())
    await telegram.start()
    members = [
        telegram.create_user(f"ĐV{n}", user_id=FIRST_ID + n, started=True)
        for n in range(ASKERS + 1)
    ]
    askers, flooder = members[:ASKERS], members[ASKERS]
    stranger = telegram.create_user("Người lạ", user_id=STRANGER_ID, started=True)
    bot = start_chibo(telegram, config, limits=True, verbose=args.verbose)
    results: dict[str, object] = {"floor_embedding_s": floor}
    try:
        await telegram.wait_for(lambda: telegram.calls("getUpdates"), timeout=300)
        for user in askers[:3]:  # warm-up: first searches touch cold code paths
            await ask(telegram, user, pool.pop())
        await asyncio.sleep(2)
        # Quiet and flooded waves alternate, so a slower minute of the machine weighs on both
        # phases alike; after a flood, the bot is left to finish its last answers first.
        phases: dict[str, list[tuple[User, str]]] = {
            "quiet": [],
            "flood": [(stranger, "S"), (flooder, "M")],
        }
        samples: dict[str, list[float]] = {name: [] for name in phases}
        for _ in range(args.waves):
            for name, flooders in phases.items():
                batch = [pool.pop() for _ in range(ASKERS)]
                samples[name] += await wave(telegram, askers, batch, flooders)
                await asyncio.sleep(10.0 if flooders else 2.0)  # send limits refill, backlog ends
        rows = {}
        for name, latencies in samples.items():
            rows[name] = row = summarize(latencies)
            print(
                f"{name:>5}: n={row['n']:<4} p50 {row['p50']:.3f}s  p95 {row['p95']:.3f}s  "
                f"max {row['max']:.3f}s",
                flush=True,
            )
        ratio = rows["flood"]["p95"] / rows["quiet"]["p95"]
        told = sum("gửi nhanh quá" in m["text"] for m in telegram.sent_messages(flooder.id))
        refusals = len(telegram.sent_messages(stranger.id))
        print(
            f"p95 under flood / quiet p95 = {ratio:.2f} (goal ≤ {GOAL}: "
            f"{'met' if ratio <= GOAL else 'NOT met'}); quiet p95 = "
            f"{rows['quiet']['p95'] / floor:.1f} × the embedding floor",
            flush=True,
        )
        print(
            f"the flooding member was told to wait {told}×; the stranger got {refusals} "
            f"answers to {FLOOD * args.waves} messages; 429 from the emulator: "
            f"{telegram.rate_limited}",
            flush=True,
        )
        results |= {"rows": rows, "ratio": ratio, "told": told, "stranger_answers": refusals}
    finally:
        bot.terminate()
        # The emulator runs on this loop: keep serving while the bot finishes its last sends.
        await asyncio.to_thread(bot.wait, 30)
        await telegram.stop()
        shutil.rmtree(folder, ignore_errors=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--waves", type=int, default=5, help="rounds of 20 questions per phase")
    parser.add_argument(
        "--index-cache",
        type=Path,
        default=REPO / ".cache/bot-test-index",
        help="an index of the sample corpus to start from (the tests build one)",
    )
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("-v", "--verbose", action="store_true", help="show the bot's log")
    args = parser.parse_args()
    results = asyncio.run(run(args))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
