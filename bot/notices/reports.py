"""What a secretary sees of a notice: figures, the status message, the list of recent notices."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import exists, func, or_, update
from sqlmodel import Session, col, select

from bot.members import Access, Actor
from bot.models import (
    OPEN_STATES,
    DeliveryState,
    Member,
    Notice,
    NoticeDelivery,
    NoticeState,
)
from bot.notices import texts as nt
from bot.notices.compose import NoticeError
from bot.notices.delivery import changed
from bot.notices.figures import Figures, Report


def figures(session: Session, *, notice_id: int) -> Figures:
    """Count a notice's deliveries by state (round 0) and its reminders."""
    result = Figures()
    rows = session.execute(
        select(
            col(NoticeDelivery.round),
            col(NoticeDelivery.state),
            func.count(),
            func.count(col(NoticeDelivery.read_at)),
        )
        .where(col(NoticeDelivery.notice_id) == notice_id)
        .group_by(col(NoticeDelivery.round), col(NoticeDelivery.state))
    ).all()
    for round_, state, count, reads in rows:
        if round_ > 0:
            if state == DeliveryState.SENT:
                result.reminded += count
            elif state in OPEN_STATES:
                result.reminders_open += count
            continue
        result.recipients += count
        result.read += reads
        if state in OPEN_STATES:
            result.open += count
        elif state == DeliveryState.SENT:
            result.sent += count
        elif state == DeliveryState.FAILED:
            result.failed += count
        elif state == DeliveryState.UNREACHABLE:
            result.unreachable += count
        elif state == DeliveryState.UNCERTAIN:
            result.uncertain += count
        elif state == DeliveryState.CANCELLED:
            result.cancelled += count
    return result


def finish_due(session: Session, *, now: datetime) -> list[int]:
    """Mark done the notices with nothing left to send; each id is returned to one caller only."""
    open_rows = exists().where(
        col(NoticeDelivery.notice_id) == Notice.id, col(NoticeDelivery.state).in_(OPEN_STATES)
    )
    statement = (
        update(Notice)
        .where(col(Notice.state) == NoticeState.QUEUED, col(Notice.send_at) <= now, ~open_rows)
        .values(state=NoticeState.DONE, finished_at=now, changed_at=now)
        .returning(col(Notice.id))
    )
    return [row[0] for row in session.execute(statement).all()]


@dataclass(frozen=True)
class StatusJob:
    """A status message to bring up to date."""

    notice_id: int
    chat_id: int
    message_id: int
    text: str
    state: NoticeState
    figures: Figures
    digest: str


def status_due(session: Session, *, now: datetime, interval: float) -> list[StatusJob]:
    """Status messages whose notice changed, claimed for an edit at most once per ``interval``.

    The claim (status_edited_at moved to now, conditionally) comes before counting, so a read
    committed meanwhile is seen by this edit or marks the notice changed for the next one.
    """
    quiet = now - timedelta(seconds=interval)
    candidates = session.exec(
        select(Notice).where(
            col(Notice.status_message_id).is_not(None),
            or_(col(Notice.status_edited_at).is_(None), col(Notice.status_edited_at) <= quiet),
            or_(
                col(Notice.state) == NoticeState.QUEUED,
                col(Notice.status_edited_at).is_(None),
                col(Notice.changed_at) > col(Notice.status_edited_at),
            ),
        )
    ).all()
    jobs = []
    for notice in candidates:
        claimed = changed(
            session,
            update(Notice)
            .where(
                col(Notice.id) == notice.id,
                col(Notice.status_edited_at).is_not_distinct_from(notice.status_edited_at),
            )
            .values(status_edited_at=now),
        )
        if not claimed:
            continue
        assert notice.id is not None and notice.status_chat_id and notice.status_message_id
        counts = figures(session, notice_id=notice.id)
        text = nt.status(notice, counts, now=now)
        digest = hashlib.sha1(f"{notice.state}|{text}".encode()).hexdigest()
        if digest == notice.status_digest:
            continue
        jobs.append(
            StatusJob(
                notice.id,
                notice.status_chat_id,
                notice.status_message_id,
                text,
                NoticeState(notice.state),
                counts,
                digest,
            )
        )
    return jobs


def record_status(session: Session, *, notice_id: int, digest: str | None) -> None:
    """The status message now shows this (None: it is gone, stop editing it)."""
    values: dict[str, Any] = {"status_digest": digest}
    if digest is None:
        values["status_message_id"] = None
    session.execute(update(Notice).where(col(Notice.id) == notice_id).values(**values))


def report(session: Session, *, notice_id: int) -> Report | None:
    """The notice's figures and who did not receive or read it, by name."""
    notice = session.get(Notice, notice_id)
    if notice is None:
        return None
    result = Report(notice, figures(session, notice_id=notice_id))
    rows = session.exec(
        select(NoticeDelivery)
        .where(col(NoticeDelivery.notice_id) == notice_id, col(NoticeDelivery.round) == 0)
        .order_by(col(NoticeDelivery.member_name))
    ).all()
    for row in rows:
        if row.state == DeliveryState.SENT and row.read_at is None:
            result.unread.append(row.member_name)
        elif row.state == DeliveryState.UNREACHABLE:
            result.unreachable.append((row.member_name, row.error or ""))
        elif row.state == DeliveryState.FAILED:
            result.failed.append((row.member_name, row.error or ""))
        elif row.state == DeliveryState.UNCERTAIN:
            result.uncertain.append(row.member_name)
    return result


def may_manage(notice: Notice, access: Access) -> bool:
    """Admins, the sender, and the secretaries of the notice's cell may act on it."""
    if access.is_admin or notice.created_by == access.telegram_user_id:
        return True
    return notice.cell_id is not None and access.manages(notice.cell_id)


def managed(session: Session, *, notice_id: int, actor: Actor) -> Notice:
    """The notice a secretary's button names, if ``actor`` may act on it (admins, its sender,
    the secretaries of its cell); otherwise NoticeError saying why not."""
    notice = session.get(Notice, notice_id)
    if notice is None:
        raise NoticeError(nt.NOTICE_GONE)
    if not may_manage(notice, actor.access(session)):
        raise NoticeError(nt.NOT_ALLOWED)
    return notice


def recent_for(session: Session, *, actor: Actor, limit: int) -> list[tuple[Notice, Figures]]:
    """/thongbao_ds: the latest notices ``actor`` may see; NoticeError unless a secretary or
    an admin asks."""
    access = actor.access(session)
    if not access.is_secretary:
        raise NoticeError(nt.NOT_SECRETARY)
    return recent(session, access=access, limit=limit)


def recent(session: Session, *, access: Access, limit: int) -> list[tuple[Notice, Figures]]:
    """The latest notices this person may see, newest first, with their figures."""
    query = select(Notice).order_by(col(Notice.id).desc()).limit(limit)
    if not access.is_admin:
        mine = col(Notice.created_by) == access.telegram_user_id
        if access.member is not None and access.member.is_secretary:
            query = query.where(or_(mine, col(Notice.cell_id) == access.member.cell_id))
        else:
            query = query.where(mine)
    return [(n, figures(session, notice_id=n.id)) for n in session.exec(query).all() if n.id]


@dataclass(frozen=True)
class Sender:
    """Who starts a notice: their name as the roster has it, their cell, whether an admin."""

    name: str
    cell_id: int | None
    is_admin: bool


def sender_of(session: Session, *, actor: Actor) -> Sender:
    """/thongbao: who is composing, if a secretary or an admin; NoticeError otherwise."""
    access = actor.access(session)
    if not access.is_secretary:
        raise NoticeError(nt.NOT_SECRETARY)
    name, cell_id = member_name(
        session, telegram_user_id=actor.telegram_user_id, fallback=actor.telegram_name
    )
    return Sender(name, cell_id, access.is_admin)


def member_name(
    session: Session, *, telegram_user_id: int, fallback: str
) -> tuple[str, int | None]:
    """The sender's name as the roster has it, and their cell."""
    member = session.exec(
        select(Member).where(col(Member.telegram_user_id) == telegram_user_id)
    ).first()
    if member is None or not member.full_name:
        return fallback, None
    return member.full_name, member.cell_id
