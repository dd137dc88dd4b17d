"""After sending: «Đã đọc», reminders to the unread, resending uncertain copies, cancelling."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from bot.models import (
    OPEN_STATES,
    DeliveryState,
    Notice,
    NoticeDelivery,
    NoticeState,
)
from bot.notices.delivery import changed


class ReadOutcome:
    """What pressing «Đã đọc» did."""

    CONFIRMED = "confirmed"
    ALREADY = "already"
    NOT_YOURS = "not_yours"
    GONE = "gone"


def mark_read(session: Session, *, delivery_id: int, telegram_user_id: int, now: datetime) -> str:
    """Confirm a member read a notice; only the recipient may, and only once counts.

    The press also proves delivery, so an uncertain copy becomes sent.
    """
    row = session.get(NoticeDelivery, delivery_id)
    if row is None or row.round != 0:
        return ReadOutcome.GONE
    if row.chat_id != telegram_user_id:
        return ReadOutcome.NOT_YOURS
    confirmed = changed(
        session,
        update(NoticeDelivery)
        .where(col(NoticeDelivery.id) == delivery_id, col(NoticeDelivery.read_at).is_(None))
        .values(read_at=now),
    )
    if not confirmed:
        return ReadOutcome.ALREADY
    session.execute(
        update(NoticeDelivery)
        .where(
            col(NoticeDelivery.id) == delivery_id,
            col(NoticeDelivery.state).in_([DeliveryState.UNCERTAIN, DeliveryState.FAILED]),
        )
        .values(state=DeliveryState.SENT, sent_at=now, error=None)
    )
    session.execute(update(Notice).where(col(Notice.id) == row.notice_id).values(changed_at=now))
    return ReadOutcome.CONFIRMED


def _requeue(session: Session, notice_id: int, now: datetime) -> None:
    session.execute(
        update(Notice)
        .where(col(Notice.id) == notice_id, col(Notice.state) != NoticeState.CANCELLED)
        .values(state=NoticeState.QUEUED, finished_at=None, changed_at=now)
    )


def remind_unread(session: Session, *, notice_id: int, now: datetime) -> int:
    """Queue a reminder (a reply to their copy) for members who received and have not read it.

    Returns how many; 0 also while an earlier reminder round is still going out.
    """
    notice = session.get(Notice, notice_id)
    if notice is None or notice.state == NoticeState.CANCELLED:
        return 0
    busy = session.exec(
        select(func.count()).where(
            col(NoticeDelivery.notice_id) == notice_id,
            col(NoticeDelivery.round) > 0,
            col(NoticeDelivery.state).in_(OPEN_STATES),
        )
    ).one()
    if busy:
        return 0
    unread = session.exec(
        select(NoticeDelivery).where(
            col(NoticeDelivery.notice_id) == notice_id,
            col(NoticeDelivery.round) == 0,
            col(NoticeDelivery.state) == DeliveryState.SENT,
            col(NoticeDelivery.read_at).is_(None),
            col(NoticeDelivery.chat_id).is_not(None),
        )
    ).all()
    if not unread:
        return 0
    notice.rounds += 1
    session.add(notice)
    for row in unread:
        session.add(
            NoticeDelivery(
                notice_id=notice_id,
                member_id=row.member_id,
                member_name=row.member_name,
                chat_id=row.chat_id,
                round=notice.rounds,
                origin_id=row.id,
                reply_to=row.message_id,
                due_at=now,
            )
        )
    session.flush()
    _requeue(session, notice_id, now)
    return len(unread)


def resend_uncertain(session: Session, *, notice_id: int, now: datetime) -> int:
    """Send again the copies nobody knows arrived (the secretary accepts a possible repeat)."""
    count = session.execute(
        update(NoticeDelivery)
        .where(
            col(NoticeDelivery.notice_id) == notice_id,
            col(NoticeDelivery.state) == DeliveryState.UNCERTAIN,
        )
        .values(state=DeliveryState.PENDING, due_at=now, worker_id=None, attempts=0, error=None)
    ).rowcount  # type: ignore[attr-defined]
    if count:
        _requeue(session, notice_id, now)
    return int(count)


def cancel(session: Session, *, notice_id: int, now: datetime) -> int | None:
    """Stop a notice: copies not yet on their way are cancelled (how many); None if it was over."""
    notice = session.get(Notice, notice_id)
    if notice is None or notice.state != NoticeState.QUEUED:
        return None
    count = session.execute(
        update(NoticeDelivery)
        .where(
            col(NoticeDelivery.notice_id) == notice_id,
            col(NoticeDelivery.state).in_([DeliveryState.PENDING, DeliveryState.CLAIMED]),
        )
        .values(state=DeliveryState.CANCELLED, worker_id=None)
    ).rowcount  # type: ignore[attr-defined]
    notice.state = NoticeState.CANCELLED
    notice.cancelled_at = notice.changed_at = now
    session.add(notice)
    return int(count)
