"""Benchmark notices: one notice to N members through the Bot API emulator's flood limits.

    python scripts/bench_notices.py               # 10,000 recipients, SQLite, 3 scenarios
    python scripts/bench_notices.py --recipients 2000 --db postgres
    python scripts/bench_notices.py --scenario kill --write-docs docs/notices.md

Three processes, as in production: the emulator (tests/e2e/telegram_emulator.py, enforcing 30
messages/s overall, 1/s per chat, 20/min per group, answering 429 with retry_after), the sender
(bot.telegram.sender.NoticeSender with its own Bot and HTTP pool) and this script, which fills the
database, starts and (in the kill scenario) SIGKILLs and restarts the sender, then compares what
the emulator delivered with what the database says.

Scenarios:
  plain   every member reachable, no injected faults
  kill    the same, the sender killed with SIGKILL at 50% and restarted at once
  faults  5% of members blocked the bot, a random 1% of sends answered 429 (retry_after 1 s)

Figures: sent (messages the emulator accepted for recipients), duplicates (extra copies of the
notice in one member's chat), lost (members with no copy whose delivery is not reported to the
secretary as unreachable / failed / uncertain), uncertain (reported, with how many of them did
arrive), elapsed (first to last accepted message), sustained rate (accepted messages per second
over that span; attempts per second includes 403s and 429s), 429s seen, and the largest number
of accepted messages in any one-second window.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import json
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

POSTGRES_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
TOKEN = "7000000001:AAEmulatorTokenForChiboTests_0123456"
FIRST_USER = 20_000_000
SECRETARY = 19_999_999
DOCS_MARK = "<!-- bench_notices:{db}:{edge} -->"


# ----------------------------------------------------------------------------- the emulator process


def serve_emulator(args: argparse.Namespace) -> None:
    """Child process: the emulator with N started users (some blocked) and a stats method."""
    from tests.e2e.telegram_emulator import JSON, TelegramEmulator, _Params

    class BenchEmulator(TelegramEmulator):
        def __init__(self) -> None:
            super().__init__(token=TOKEN)
            self._methods["benchStats"] = self._bench_stats
            self._method_names = {name.lower(): name for name in self._methods}

        async def _bench_stats(self, params: _Params) -> JSON:
            per_chat: dict[int, int] = {}
            times = []
            attempts = 0
            for record in self.requests:
                if record.method not in ("sendMessage", "sendPhoto", "sendDocument"):
                    continue
                chat = int(record.params.get("chat_id", 0))
                if chat == SECRETARY:
                    continue
                attempts += 1
                if record.ok:
                    per_chat[chat] = per_chat.get(chat, 0) + 1
                    times.append(record.time)
            return {
                "per_chat": per_chat,
                "times": sorted(times),
                "attempts": attempts,
                "rate_limited": self.rate_limited,
                "blocked": sorted(u.id for u in self.users.values() if u.blocked),
                "secretary": [m.get("text", "")[:200] for m in self.sent_messages(SECRETARY)],
            }

    async def main() -> None:
        emulator = BenchEmulator()
        rng = random.Random(args.seed)
        emulator.create_user("Bí thư", user_id=SECRETARY, started=True)
        for i in range(args.recipients):
            user = emulator.create_user(f"Đảng viên {i}", user_id=FIRST_USER + i, started=True)
            user.blocked = rng.random() < args.blocked
        if args.random_429:
            emulator.inject_random_429(args.random_429, seed=args.seed, retry_after=1)
        await emulator.start(port=args.port)
        print("ready", flush=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGTERM, stop.set)
        await stop.wait()
        await emulator.stop()

    asyncio.run(main())


# ----------------------------------------------------------------------------- the sender process


def run_sender(args: argparse.Namespace) -> None:
    """Child process: one NoticeSender until no notice is left to send."""
    from sqlmodel import Session, select
    from telegram import Bot
    from telegram.request import HTTPXRequest

    from bot.models import Notice, NoticeState
    from bot.settings import NoticeSettings
    from bot.telegram.sender import NoticeSender
    from knowledge.db import make_engine

    async def main() -> None:
        engine = make_engine(args.db)
        settings = NoticeSettings.model_validate(
            {
                "rate_per_second": args.rate,
                "dead_after_seconds": args.dead_after,
                "heartbeat_seconds": 1.0,
            }
        )
        request = HTTPXRequest(connection_pool_size=settings.max_in_flight + 4, read_timeout=15)
        await request.initialize()
        bot = Bot(TOKEN, base_url=args.api, request=request, get_updates_request=request)
        sender = NoticeSender(engine, bot, settings, worker_id=args.worker_id)
        sender.start()
        while True:
            await asyncio.sleep(1.0)
            with Session(engine) as session:
                busy = session.exec(
                    select(Notice.id).where(Notice.state == NoticeState.QUEUED)
                ).first()
            if busy is None and sender.stats.reports:
                break
        await asyncio.sleep(args.dead_after / 4)  # a last status edit
        await sender.stop()
        await request.shutdown()
        print(json.dumps(asdict(sender.stats)), flush=True)

    asyncio.run(main())


# ----------------------------------------------------------------------------- the orchestrator


@dataclass
class Result:
    """One scenario's figures."""

    scenario: str
    db: str
    recipients: int
    sent: int
    duplicates: int
    lost: int
    unreachable: int
    failed: int
    uncertain: int
    uncertain_arrived: int
    elapsed: float
    rate: float
    attempts_rate: float
    rate_limited: int
    max_per_second: int
    load: str


def free_port() -> int:
    """A TCP port nobody listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def child(*argv: str) -> subprocess.Popen[str]:
    """This script in a child process."""
    return subprocess.Popen(
        [sys.executable, __file__, *argv],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


def api_call(port: int, method: str, **params: Any) -> Any:
    """A Bot API call to the emulator from this process."""
    import httpx

    answer = httpx.post(f"http://127.0.0.1:{port}/bot{TOKEN}/{method}", json=params, timeout=60)
    body = answer.json()
    if not body.get("ok"):
        raise RuntimeError(f"{method}: {body}")
    return body["result"]


def fill(url: str, recipients: int, port: int) -> int:
    """Tables, a cell, its secretary and members, and the notice to all of them; its id."""
    from sqlalchemy import insert
    from sqlmodel import Session

    from bot.models import AudienceKind, Cell, Member, MemberStatus, Role
    from bot.notices import Audience, compose, create_notice
    from bot.notices import texts as nt
    from bot.settings import NoticeSettings
    from knowledge.db import create_tables, make_engine
    from knowledge.models import utcnow

    engine = make_engine(url)
    create_tables(engine)
    with Session(engine) as session:
        cell = Cell(name="Chi bộ Đo tải", created_by=SECRETARY)
        session.add(cell)
        session.flush()
        rows = [
            {
                "cell_id": cell.id,
                "full_name": f"Đảng Viên {i:05d}",
                "folded_name": f"dang vien {i:05d}",
                "role": Role.MEMBER,
                "party_status": "chinh_thuc",
                "status": MemberStatus.ACTIVE,
                "telegram_user_id": FIRST_USER + i,
                "in_roster": False,
                "created_at": utcnow(),
                "updated_at": utcnow(),
            }
            for i in range(recipients)
        ]
        rows.append(rows[0] | {"full_name": "Bí Thư", "telegram_user_id": SECRETARY})
        rows[-1]["role"] = Role.SECRETARY
        session.execute(insert(Member), rows)
        body = (
            "Kính gửi các đồng chí: chi bộ họp thường kỳ lúc <b>19:30 thứ Hai</b> tại hội trường."
        )
        parts = compose(
            body,
            None,
            header=nt.header(cell.name),
            footer=nt.footer("Bí Thư"),
            settings=NoticeSettings.model_validate({}),
        )
        status = api_call(port, "sendMessage", chat_id=SECRETARY, text="…")
        now = utcnow()
        notice = create_notice(
            session,
            created_by=SECRETARY,
            sender_name="Bí Thư",
            cell_id=cell.id,
            audience=Audience(AudienceKind.CELL, (cell.id or 0,)),
            body=body,
            parts=parts,
            attachment_name=None,
            send_at=now,
            now=now,
            status_chat_id=SECRETARY,
            status_message_id=status["message_id"],
        )
        session.commit()
        notice_id = notice.id or 0
    engine.dispose()
    return notice_id


def progress(url: str, notice_id: int) -> tuple[int, dict[str, int]]:
    """How many deliveries reached a final state, and the count of each state."""
    from sqlalchemy import func
    from sqlmodel import Session, col, select

    from bot.models import OPEN_STATES, NoticeDelivery
    from knowledge.db import make_engine

    engine = make_engine(url)
    with Session(engine) as session:
        rows = session.exec(
            select(NoticeDelivery.state, func.count())
            .where(NoticeDelivery.notice_id == notice_id)
            .group_by(col(NoticeDelivery.state))
        ).all()
    engine.dispose()
    states = {str(s): int(n) for s, n in rows}
    done = sum(n for s, n in states.items() if s not in OPEN_STATES)
    return done, states


def final_states(url: str, notice_id: int) -> dict[int, str]:
    """chat id → delivery state."""
    from sqlmodel import Session, select

    from bot.models import NoticeDelivery
    from knowledge.db import make_engine

    engine = make_engine(url)
    with Session(engine) as session:
        rows = session.exec(
            select(NoticeDelivery.chat_id, NoticeDelivery.state).where(
                NoticeDelivery.notice_id == notice_id
            )
        ).all()
    engine.dispose()
    return {int(c): str(s) for c, s in rows if c is not None}


def scenario(name: str, args: argparse.Namespace) -> Result:
    """Run one scenario end to end and compare the emulator with the database."""
    db_label, url, drop = make_database(args.db)
    port = free_port()
    faults = name == "faults"
    emulator = child(
        "_emulator",
        "--port",
        str(port),
        "--recipients",
        str(args.recipients),
        "--blocked",
        str(args.blocked if faults else 0.0),
        "--random-429",
        str(args.random_429 if faults else 0.0),
        "--seed",
        str(args.seed),
    )
    senders: list[subprocess.Popen[str]] = []
    try:
        assert emulator.stdout is not None
        if emulator.stdout.readline().strip() != "ready":
            raise RuntimeError("the emulator did not start")
        notice_id = fill(url, args.recipients, port)
        print(f"[{name}] {args.recipients} deliveries queued; sending…", flush=True)

        def start_sender(worker: str) -> subprocess.Popen[str]:
            return child(
                "_sender",
                "--db",
                url,
                "--api",
                f"http://127.0.0.1:{port}/bot",
                "--rate",
                str(args.rate),
                "--dead-after",
                str(args.dead_after),
                "--worker-id",
                worker,
            )

        senders.append(start_sender("bench-1"))
        killed = name != "kill"
        last_print = 0.0
        while senders[-1].poll() is None:
            time.sleep(0.25)
            done, states = progress(url, notice_id)
            if not killed and done >= args.recipients // 2:
                os.kill(senders[-1].pid, signal.SIGKILL)
                senders[-1].wait()
                print(f"[{name}] SIGKILL at {done}/{args.recipients}: {states}", flush=True)
                senders.append(start_sender("bench-2"))
                killed = True
            if time.monotonic() - last_print > 30:
                print(f"[{name}] {done}/{args.recipients} {states}", flush=True)
                last_print = time.monotonic()
        if senders[-1].returncode != 0:
            raise RuntimeError(f"the sender failed with exit code {senders[-1].returncode}")
        stats = api_call(port, "benchStats")
        outcome = final_states(url, notice_id)
    finally:
        for process in senders:
            if process.poll() is None:
                process.kill()
        emulator.terminate()
        emulator.wait(timeout=30)
        drop()
    return compare(name, db_label, args.recipients, stats, outcome)


def compare(
    name: str, db: str, recipients: int, stats: dict[str, Any], states: dict[int, str]
) -> Result:
    """The figures: what arrived against what the database (and so the secretary) was told."""
    per_chat = {int(k): v for k, v in stats["per_chat"].items()}
    reported = {"unreachable", "failed", "uncertain"}
    duplicates = sum(n - 1 for n in per_chat.values() if n > 1)
    lost = 0
    for chat, state in states.items():
        arrived = per_chat.get(chat, 0) > 0
        if (not arrived and state not in reported) or (state == "sent" and not arrived):
            lost += 1
    uncertain = [c for c, s in states.items() if s == "uncertain"]
    times = stats["times"]
    span = (times[-1] - times[0]) if len(times) > 1 else 0.0
    window = max((bisect.bisect_right(times, t + 1.0) - i for i, t in enumerate(times)), default=0)
    return Result(
        scenario=name,
        db=db,
        recipients=recipients,
        sent=len(times),
        duplicates=duplicates,
        lost=lost,
        unreachable=sum(1 for s in states.values() if s == "unreachable"),
        failed=sum(1 for s in states.values() if s == "failed"),
        uncertain=len(uncertain),
        uncertain_arrived=sum(1 for c in uncertain if per_chat.get(c)),
        elapsed=round(span, 1),
        rate=round(len(times) / span, 2) if span else 0.0,
        attempts_rate=round(stats["attempts"] / span, 2) if span else 0.0,
        rate_limited=int(stats["rate_limited"]),
        max_per_second=window,
        load=" ".join(f"{x:.2f}" for x in os.getloadavg()),
    )


def make_database(choice: str) -> tuple[str, str, Any]:
    """(label, url, drop) for a throw-away database."""
    if choice == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix="bench-notices-"))
        return "sqlite", f"sqlite:///{folder / 'chibo.db'}", lambda: None
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin_url = POSTGRES_ADMIN if choice == "postgres" else choice
    name = f"chibo_bench_{os.getpid()}_{secrets.token_hex(3)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return "postgres", url, drop


def table(results: list[Result]) -> str:
    """The figures as a Markdown table."""
    head = (
        "| scenario | db | recipients | sent | duplicates | lost | unreachable | failed | "
        "uncertain (arrived) | elapsed s | msg/s | attempts/s | 429s | max in 1 s | load |\n"
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n"
    )
    lines = [
        f"| {r.scenario} | {r.db} | {r.recipients} | {r.sent} | {r.duplicates} | {r.lost} | "
        f"{r.unreachable} | {r.failed} | {r.uncertain} ({r.uncertain_arrived}) | {r.elapsed} | "
        f"{r.rate} | {r.attempts_rate} | {r.rate_limited} | {r.max_per_second} | {r.load} |"
        for r in results
    ]
    return head + "\n".join(lines) + "\n"


def write_docs(path: Path, results: list[Result], command: str) -> None:
    """Put the table between this database's benchmark markers in ``path`` (appended if absent)."""
    db = results[0].db
    begin, end = DOCS_MARK.format(db=db, edge="begin"), DOCS_MARK.format(db=db, edge="end")
    block = (
        f"{begin}\n`{command}` — {time.strftime('%Y-%m-%d %H:%M')}, "
        f"{os.cpu_count()} CPUs\n\n{table(results)}{end}"
    )
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if begin in text and end in text:
        before, rest = text.split(begin, 1)
        text = before + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip() + ("\n\n" if text else "") + block + "\n"
    path.write_text(text, encoding="utf-8")


def main() -> None:
    """Parse the command line and run the scenarios (or one child role)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "role", nargs="?", default="bench", choices=["bench", "_emulator", "_sender"]
    )
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--db", default="sqlite", help="sqlite, postgres, or a PostgreSQL URL")
    parser.add_argument("--scenario", choices=["all", "plain", "kill", "faults"], default="all")
    parser.add_argument("--rate", type=float, default=29.0, help="the sender's messages/s")
    parser.add_argument("--blocked", type=float, default=0.05)
    parser.add_argument("--random-429", type=float, default=0.01)
    parser.add_argument("--dead-after", type=float, default=20.0)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--write-docs", type=Path, default=None)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--api", default="")
    parser.add_argument("--worker-id", default=None)
    args = parser.parse_args()
    if args.role == "_emulator":
        serve_emulator(args)
        return
    if args.role == "_sender":
        run_sender(args)
        return
    names = ["plain", "kill", "faults"] if args.scenario == "all" else [args.scenario]
    results = []
    for name in names:
        results.append(scenario(name, args))
        print(table(results[-1:]), flush=True)
    print(table(results))
    if args.write_docs is not None:
        command = "python scripts/bench_notices.py " + " ".join(sys.argv[1:])
        write_docs(args.write_docs, results, command.strip())
    if any(r.duplicates or r.lost for r in results):
        sys.exit(1)


if __name__ == "__main__":
    main()
