"""The outbox's state machine in the database: claim, send, record, recover.

A delivery moves ``pending → claimed → sending → sent`` one committed step at a time (the
states are documented in bot/telegram/sender.py, the Telegram side of the sender).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, func, or_, update
from sqlmodel import Session, col, select

from bot.models import (
    DeliveryState,
    Notice,
    NoticeDelivery,
    NoticeWorker,
    as_utc,
)
from bot.notices import texts as nt
from bot.notices.compose import INTERRUPTED


@dataclass(frozen=True)
class Job:
    """A claimed delivery as the sender needs it."""

    id: int
    notice_id: int
    chat_id: int
    part: int
    round: int
    origin_id: int | None
    reply_to: int | None
    attempts: int


def claim(session: Session, *, worker_id: str, limit: int, now: datetime) -> list[Job]:
    """Reserve up to ``limit`` due deliveries for this worker, oldest first.

    One statement: on PostgreSQL the SELECT takes row locks with SKIP LOCKED, so concurrent
    workers never claim the same row and never wait for each other; it is a materialised CTE
    because ``id IN (SELECT … LIMIT n FOR UPDATE SKIP LOCKED)`` may be re-scanned by the
    planner and then claims more than n rows. SQLite runs it under its single write lock.
    """
    due = (
        select(NoticeDelivery.id)
        .where(
            col(NoticeDelivery.state) == DeliveryState.PENDING, col(NoticeDelivery.due_at) <= now
        )
        .order_by(col(NoticeDelivery.due_at), col(NoticeDelivery.id))
        .limit(limit)
        .with_for_update(skip_locked=True)
        .cte("due")
        .prefix_with("MATERIALIZED", dialect="postgresql")
    )
    statement = (
        update(NoticeDelivery)
        .where(col(NoticeDelivery.id) == due.c.id)
        .where(col(NoticeDelivery.state) == DeliveryState.PENDING)
        .values(state=DeliveryState.CLAIMED, worker_id=worker_id, claimed_at=now)
        .returning(
            col(NoticeDelivery.id),
            col(NoticeDelivery.notice_id),
            col(NoticeDelivery.chat_id),
            col(NoticeDelivery.part),
            col(NoticeDelivery.round),
            col(NoticeDelivery.origin_id),
            col(NoticeDelivery.reply_to),
            col(NoticeDelivery.attempts),
        )
    )
    jobs = [Job(*row) for row in session.execute(statement).all()]
    return sorted(jobs, key=lambda j: j.id)


def _mine(delivery_id: int, worker_id: str, state: DeliveryState) -> Any:
    return and_(
        col(NoticeDelivery.id) == delivery_id,
        col(NoticeDelivery.state) == state,
        col(NoticeDelivery.worker_id) == worker_id,
    )


def changed(session: Session, statement: Any) -> bool:
    return bool(session.execute(statement).rowcount)  # type: ignore[attr-defined]


def start_sending(session: Session, *, delivery_id: int, worker_id: str, now: datetime) -> bool:
    """Mark a claimed delivery as on its way; False if it was cancelled or taken back."""
    return changed(
        session,
        update(NoticeDelivery)
        .where(_mine(delivery_id, worker_id, DeliveryState.CLAIMED))
        .values(state=DeliveryState.SENDING, claimed_at=now),
    )


def record_part(
    session: Session,
    *,
    delivery_id: int,
    worker_id: str,
    message_id: int,
    last: bool,
    now: datetime,
) -> bool:
    """Telegram accepted one part: the delivery is sent, or stays claimed for the next part.

    If another worker had meanwhile declared this one dead and the row uncertain, the row is
    still corrected to sent: Telegram's answer is the truth.
    """
    values: dict[str, Any] = {
        "message_id": message_id,
        "part": NoticeDelivery.part + 1,
        "error": None,
    }
    if last:
        values |= {"state": DeliveryState.SENT, "sent_at": now}
    else:
        values |= {"state": DeliveryState.CLAIMED}
    if changed(
        session,
        update(NoticeDelivery)
        .where(_mine(delivery_id, worker_id, DeliveryState.SENDING))
        .values(**values),
    ):
        return True
    if last:
        changed(
            session,
            update(NoticeDelivery)
            .where(
                col(NoticeDelivery.id) == delivery_id,
                col(NoticeDelivery.state) == DeliveryState.UNCERTAIN,
            )
            .values(state=DeliveryState.SENT, sent_at=now, message_id=message_id, error=None),
        )
    return False


def record_retry(
    session: Session,
    *,
    delivery_id: int,
    worker_id: str,
    due_at: datetime,
    error: str,
    attempt: bool,
) -> bool:
    """Not sent, try again at ``due_at`` (``attempt`` counts it towards the limit)."""
    values: dict[str, Any] = {
        "state": DeliveryState.PENDING,
        "due_at": due_at,
        "worker_id": None,
        "error": error[:500],
    }
    if attempt:
        values["attempts"] = NoticeDelivery.attempts + 1
    return changed(
        session,
        update(NoticeDelivery)
        .where(_mine(delivery_id, worker_id, DeliveryState.SENDING))
        .values(**values),
    )


def record_outcome(
    session: Session,
    *,
    delivery_id: int,
    worker_id: str,
    state: DeliveryState,
    error: str,
) -> bool:
    """A final answer other than success: failed, unreachable or uncertain, with the reason."""
    return changed(
        session,
        update(NoticeDelivery)
        .where(_mine(delivery_id, worker_id, DeliveryState.SENDING))
        .values(state=state, error=error[:500]),
    )


def release(session: Session, *, worker_id: str) -> int:
    """Hand back everything this worker claimed and has not attempted (a clean stop)."""
    result = session.execute(
        update(NoticeDelivery)
        .where(
            col(NoticeDelivery.state) == DeliveryState.CLAIMED,
            col(NoticeDelivery.worker_id) == worker_id,
        )
        .values(state=DeliveryState.PENDING, worker_id=None)
    )
    session.execute(delete(NoticeWorker).where(col(NoticeWorker.worker_id) == worker_id))
    return int(result.rowcount)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Pace:
    """What the heartbeat learnt: how many senders share the rate, and any shared pause."""

    workers: int
    paused_until: datetime | None


def beat(
    session: Session,
    *,
    worker_id: str,
    host: str,
    pid: int,
    now: datetime,
    paused_until: datetime | None,
    recent: float,
) -> Pace:
    """Record this worker as alive (and a 429 pause it got); read the others'.

    The rate is shared among senders that beat within ``recent`` seconds (a few heartbeats),
    not the longer ``dead_after`` used before taking rows back: a sender that just died must
    not halve its successor's pace for that long.
    """
    row = session.get(NoticeWorker, worker_id)
    if row is None:
        row = NoticeWorker(worker_id=worker_id, host=host, pid=pid, started_at=now)
    row.heartbeat_at = now
    if paused_until is not None:
        row.paused_until = paused_until
    session.add(row)
    session.flush()
    alive = col(NoticeWorker.heartbeat_at) >= now - timedelta(seconds=recent)
    count, pause = session.execute(
        select(func.count(), func.max(NoticeWorker.paused_until)).where(alive)
    ).one()
    pause = as_utc(pause) if pause is not None else None
    return Pace(max(int(count), 1), pause if pause is not None and pause > now else None)


def recover(session: Session, *, now: datetime, dead_after: float) -> tuple[int, int]:
    """Take back the rows of senders that stopped beating: (handed back, marked uncertain).

    Claimed rows were never attempted and go back to pending. Rows caught in ``sending`` may
    or may not have reached Telegram, which cannot be asked: they become ``uncertain`` and are
    reported to the secretary, never resent on their own, so that nobody gets a notice twice.
    """
    stale = now - timedelta(seconds=dead_after)
    alive = select(NoticeWorker.worker_id).where(col(NoticeWorker.heartbeat_at) >= stale)
    orphan = or_(
        col(NoticeDelivery.worker_id).is_(None), col(NoticeDelivery.worker_id).not_in(alive)
    )
    handed = session.execute(
        update(NoticeDelivery)
        .where(col(NoticeDelivery.state) == DeliveryState.CLAIMED, orphan)
        .values(state=DeliveryState.PENDING, worker_id=None)
    ).rowcount  # type: ignore[attr-defined]
    uncertain = session.execute(
        update(NoticeDelivery)
        .where(col(NoticeDelivery.state) == DeliveryState.SENDING, orphan)
        .values(state=DeliveryState.UNCERTAIN, error=INTERRUPTED)
    ).rowcount  # type: ignore[attr-defined]
    session.execute(delete(NoticeWorker).where(col(NoticeWorker.heartbeat_at) < stale))
    return int(handed), int(uncertain)


@dataclass(frozen=True)
class Content:
    """What the sender sends for a notice: its parts, and the reminder's words."""

    parts: list[dict[str, Any]]
    reminder: str
    buttons: str | None = None


def contents(session: Session, *, notice_ids: set[int]) -> dict[int, Content]:
    """The parts of these notices (and the reminder text that points back to them)."""
    found = session.exec(select(Notice).where(col(Notice.id).in_(notice_ids))).all()
    return {
        n.id: Content(
            list(n.parts),
            nt.reminder(n.sender_name, as_utc(n.created_at), n.text_html),
            n.buttons,
        )
        for n in found
        if n.id is not None
    }
