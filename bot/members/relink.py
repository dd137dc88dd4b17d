"""Joining an approved account to its roster row afterwards; its records move with it."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from bot.members import texts as mbt
from bot.members.membership import MembershipError
from bot.members.roster_import import roster_candidates
from bot.models import (
    MeetingAttendance,
    MeetingRsvp,
    MeetingVoter,
    Member,
    MemberStatus,
    Method,
    NoticeDelivery,
    Role,
)
from knowledge.models import utcnow


def unlinked_accounts(session: Session, *, cell_id: int) -> list[tuple[Member, list[Member]]]:
    """Active accounts of the cell that are not a roster row, each with the roster rows (no
    account yet) of the same name it could be."""
    query = select(Member).where(
        Member.cell_id == cell_id,
        Member.status == MemberStatus.ACTIVE,
        col(Member.in_roster).is_(False),
        col(Member.telegram_user_id).is_not(None),
    )
    accounts = session.exec(query.order_by(col(Member.folded_name))).all()
    return [(a, [r for r in roster_candidates(session, member=a) if r.in_roster]) for a in accounts]


def relink(session: Session, *, account_id: int, roster_id: int, by: int) -> Member:
    """Join an approved account to its roster row: the row takes the Telegram account, and what
    the account did (answers, check-ins, votes, notices) moves to the row; the account row goes.

    Where both have a record for the same meeting, the roster row's stays (a secretary wrote it),
    except an absence written at closing, which gives way to the account's check-in.
    """
    account, row = session.get(Member, account_id), session.get(Member, roster_id)
    if account is None or account.telegram_user_id is None or account.in_roster:
        raise MembershipError(mbt.RELINK_GONE)
    if (
        row is None
        or row.id is None
        or row.cell_id != account.cell_id
        or row.telegram_user_id is not None
        or row.status != MemberStatus.ACTIVE
    ):
        raise MembershipError(mbt.ROSTER_ROW_GONE)
    tables: tuple[type[MeetingRsvp] | type[MeetingAttendance] | type[MeetingVoter], ...]
    tables = (MeetingRsvp, MeetingAttendance, MeetingVoter)
    for table in tables:
        taken = set(session.exec(select(table.meeting_id).where(table.member_id == row.id)).all())
        records: list[Any] = list(
            session.exec(select(table).where(table.member_id == account_id)).all()
        )
        for record in records:
            if record.meeting_id in taken and table is MeetingAttendance:
                kept = session.exec(
                    select(MeetingAttendance).where(
                        MeetingAttendance.member_id == row.id,
                        MeetingAttendance.meeting_id == record.meeting_id,
                    )
                ).one()
                if kept.method == Method.CLOSING:  # "absent" written at closing gives way
                    session.delete(kept)
                    session.flush()
                    taken.discard(record.meeting_id)
            if record.meeting_id in taken:
                session.delete(record)
            else:
                record.member_id = row.id
                session.add(record)
    # The row's own copies of a notice both got (unreachable: it had no account) give way.
    for delivery in session.exec(
        select(NoticeDelivery).where(col(NoticeDelivery.member_id) == account_id)
    ).all():
        twin = session.exec(
            select(NoticeDelivery).where(
                col(NoticeDelivery.member_id) == row.id,
                col(NoticeDelivery.notice_id) == delivery.notice_id,
                col(NoticeDelivery.round) == delivery.round,
            )
        ).first()
        if twin is not None:
            session.delete(twin)
            session.flush()
        delivery.member_id = row.id
        session.add(delivery)
    telegram_user_id, username = account.telegram_user_id, account.telegram_username
    if row.role == Role.MEMBER and account.role != Role.MEMBER:
        row.role = account.role
    session.delete(account)
    session.flush()  # frees the unique Telegram id before the roster row takes it
    row.telegram_user_id, row.telegram_username = telegram_user_id, username
    row.approved_by = account.approved_by or by
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    return row
