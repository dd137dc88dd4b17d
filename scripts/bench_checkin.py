"""1,000 members checking in to a meeting within one second, through the Bot API emulator.

The real bot runs as a separate `chibo run` process long-polling the project's Telegram Bot API
emulator (Telegram's flood limits on, unless --no-telegram-limits); this script plays the
members: each sends `/comat <code>` with the code the secretary shows, all within one second.
It then checks what a secretary and the members would: exactly one attendance row per member,
every member acknowledged exactly once, and how long the acknowledgements took.

    .venv/bin/python scripts/bench_checkin.py                    # SQLite, 1,000 members
    .venv/bin/python scripts/bench_checkin.py --db postgres      # a fresh PostgreSQL database
    .venv/bin/python scripts/bench_checkin.py --members 200 --no-telegram-limits

Figures: rows (attendance rows written), acknowledged (members who got the confirmation),
duplicates (second confirmations), p50/p95/max acknowledgement time (member's message reaching
the emulator → the bot's reply stored there), recorded-by (seconds from the first message until
the database held every row), and 429 answers. Telegram lets a bot send about 30 messages a
second, so 1,000 confirmations need at least ~33 s however fast the bot records them: the
acknowledgement p95 is bounded by that, the recorded-by time is the bot's own speed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import shutil
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from scripts.bench_bot import start_chibo, summarize  # noqa: E402
from tests.e2e.telegram_emulator import RateLimits, TelegramEmulator, User  # noqa: E402

POSTGRES_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
FIRST_USER = 30_000_000
SECRETARY = 29_999_999


def prepare(folder: Path, members: int, url: str) -> tuple[Path, int]:
    """Config, schema, one cell with a secretary and ``members`` members, a meeting starting in
    five minutes (check-in open). Returns the config and the meeting id."""
    from sqlmodel import Session

    from bot import meetings
    from bot.models import Cell, MeetingKind, Member, Role
    from bot.schema import migrate
    from bot.settings import load_settings
    from knowledge.db import make_engine
    from knowledge.models import utcnow

    config = folder / "config.yaml"
    config.write_text(
        f"database:\n  url: {url}\n"
        "knowledge:\n  uploads_dir: uploads\n"
        f"index:\n  dir: index\n  model_cache_dir: {REPO / '.cache/models'}\n"
        "bot:\n  seed_corpus: null\n"
        "notices:\n  enabled: false\n",  # the invitations are not what is measured
        encoding="utf-8",
    )
    settings = load_settings(config)
    engine = make_engine(settings.database.url)
    migrate(engine)
    with Session(engine) as session:
        cell = Cell(name="Chi bộ đo tải điểm danh")
        session.add(cell)
        session.flush()
        assert cell.id is not None
        session.add(
            Member(
                cell_id=cell.id,
                full_name="Bí Thư",
                role=Role.SECRETARY,
                telegram_user_id=SECRETARY,
            )
        )
        for n in range(members):
            session.add(
                Member(
                    cell_id=cell.id, full_name=f"Đảng Viên {n:04d}", telegram_user_id=FIRST_USER + n
                )
            )
        session.flush()
        now = utcnow()
        meeting = meetings.schedule(
            session,
            cell_id=cell.id,
            kind=MeetingKind.REGULAR,
            title="Sinh hoạt chi bộ thường kỳ (đo tải)",
            starts_at=now + timedelta(minutes=5),
            place="Hội trường",
            agenda="",
            readings=[],
            created_by=SECRETARY,
            sender_name="Bí Thư",
            now=now,
            settings=settings.meetings,
        )
        session.commit()
        assert meeting.id is not None
        meeting_id = meeting.id
    engine.dispose()
    return config, meeting_id


def current_code(url: str, meeting_id: int) -> str:
    """The code the secretary's screen shows now."""
    from sqlmodel import Session

    from bot import meetings
    from bot.models import Meeting
    from bot.settings import MeetingSettings
    from knowledge.db import make_engine
    from knowledge.models import utcnow

    engine = make_engine(url)
    with Session(engine) as session:
        meeting = session.get(Meeting, meeting_id)
        assert meeting is not None
        code = meetings.code_at(meeting, utcnow(), MeetingSettings.model_validate({}))
    engine.dispose()
    return code


def attendance_rows(url: str, meeting_id: int) -> tuple[int, int]:
    """(rows, distinct members) of the meeting's attendance."""
    from sqlalchemy import func
    from sqlmodel import Session, col, select

    from bot.models import MeetingAttendance
    from knowledge.db import make_engine

    engine = make_engine(url)
    with Session(engine) as session:
        where = col(MeetingAttendance.meeting_id) == meeting_id
        rows = session.exec(select(func.count()).select_from(MeetingAttendance).where(where)).one()
        distinct = session.exec(
            select(func.count(func.distinct(MeetingAttendance.member_id))).where(where)
        ).one()
    engine.dispose()
    return int(rows), int(distinct)


async def run(args: argparse.Namespace) -> dict[str, object]:
    folder = Path(tempfile.mkdtemp(prefix="chibo-bench-checkin-"))
    database = None
    if args.db == "postgres":
        from sqlalchemy import create_engine, text

        database = f"chibo_bench_{secrets.token_hex(4)}"
        admin = create_engine(POSTGRES_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{database}"'))
        admin.dispose()
        url = POSTGRES_ADMIN.rsplit("/", 1)[0] + f"/{database}"
    else:
        url = f"sqlite:///{folder / 'chibo.db'}"
    print(f"preparing {args.members} members on {args.db} in {folder} …", flush=True)
    config, meeting_id = prepare(folder, args.members, url)
    telegram = TelegramEmulator(rate_limits=RateLimits(enabled=args.telegram_limits))
    await telegram.start()
    users = [
        telegram.create_user(f"ĐV{n}", user_id=FIRST_USER + n, started=True)
        for n in range(args.members)
    ]
    bot = start_chibo(telegram, config, limits=args.telegram_limits, verbose=args.verbose)
    try:
        started = time.perf_counter()
        await telegram.wait_for(lambda: telegram.calls("getUpdates"), timeout=300)
        print(f"bot up in {time.perf_counter() - started:.1f}s", flush=True)
        code = current_code(url, meeting_id)
        results = await storm(telegram, users, code, url, meeting_id, args)
        results["db"] = args.db
        results["telegram_limits"] = args.telegram_limits
    finally:
        bot.terminate()
        bot.wait(timeout=30)
        await telegram.stop()
        shutil.rmtree(folder, ignore_errors=True)
        if database is not None:
            from sqlalchemy import create_engine, text

            admin = create_engine(POSTGRES_ADMIN, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            admin.dispose()
    return results


async def storm(
    telegram: TelegramEmulator,
    users: list[User],
    code: str,
    url: str,
    meeting_id: int,
    args: argparse.Namespace,
) -> dict[str, object]:
    """Every member sends the code within one second; wait for every confirmation."""
    sent_at: dict[int, float] = {}
    after: dict[int, int] = {}
    spacing = 1.0 / len(users)
    first = time.perf_counter()
    for n, user in enumerate(users):
        delay = first + n * spacing - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        message = telegram.user_sends_text(user, f"/comat {code}")
        sent_at[user.id] = time.perf_counter()
        after[user.id] = message["message_id"]
    spread = time.perf_counter() - first
    print(f"{len(users)} check-ins sent in {spread:.2f}s", flush=True)

    acked: dict[int, float] = {}
    recorded_by: float | None = None
    deadline = time.perf_counter() + args.timeout
    while len(acked) < len(users) and time.perf_counter() < deadline:
        now = time.perf_counter()
        for user in users:
            if user.id in acked:
                continue
            replies = [
                m for m in telegram.sent_messages(user.id) if m["message_id"] > after[user.id]
            ]
            if replies:
                acked[user.id] = now - sent_at[user.id]
        if recorded_by is None:
            rows, _ = await asyncio.to_thread(attendance_rows, url, meeting_id)
            if rows >= len(users):
                recorded_by = time.perf_counter() - first
        await asyncio.sleep(0.05)
    await asyncio.sleep(2.0)  # a late duplicate would show up here
    rows, distinct = await asyncio.to_thread(attendance_rows, url, meeting_id)
    if recorded_by is None and rows >= len(users):
        recorded_by = time.perf_counter() - first
    confirmations = 0
    duplicates = 0
    for user in users:
        replies = [m for m in telegram.sent_messages(user.id) if m["message_id"] > after[user.id]]
        good = [m for m in replies if "Đã điểm danh" in m.get("text", "")]
        confirmations += bool(good)
        duplicates += max(0, len(replies) - 1)
    refused = [r for r in telegram.requests if r.error_code == 429]
    by_method: dict[str, int] = {}
    for record in refused:
        by_method[record.method] = by_method.get(record.method, 0) + 1
    if refused:
        print(f"429s by method: {by_method}; first at +{refused[0].time - first:.2f}s", flush=True)
    ack = summarize(list(acked.values())) if acked else None
    result: dict[str, object] = {
        "members": len(users),
        "sent_within_s": round(spread, 3),
        "rows": rows,
        "distinct_members": distinct,
        "acknowledged": len(acked),
        "confirmed": confirmations,
        "duplicates": duplicates,
        "ack_p50_s": round(ack["p50"], 3) if ack else None,
        "ack_p95_s": round(ack["p95"], 3) if ack else None,
        "ack_max_s": round(ack["max"], 3) if ack else None,
        "recorded_by_s": round(recorded_by, 3) if recorded_by is not None else None,
        "rate_limited_429": telegram.rate_limited,
    }
    ok = rows == len(users) == distinct == confirmations and duplicates == 0
    print(
        f"rows {rows} (distinct {distinct}), confirmed {confirmations}/{len(users)}, "
        f"duplicates {duplicates}; ack p50 {result['ack_p50_s']}s p95 {result['ack_p95_s']}s "
        f"max {result['ack_max_s']}s; all rows recorded {result['recorded_by_s']}s after the "
        f"first message; 429s {telegram.rate_limited} — {'OK' if ok else 'MISMATCH'}",
        flush=True,
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds to wait for acks")
    parser.add_argument(
        "--no-telegram-limits",
        dest="telegram_limits",
        action="store_false",
        help="turn off flood control (emulator and the bot's throttle) to measure the bot alone",
    )
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("-v", "--verbose", action="store_true", help="show the bot's log")
    args = parser.parse_args()
    results = asyncio.run(run(args))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
