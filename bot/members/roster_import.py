"""The cell's roster rows applied to its members, and the roster rows an account may be."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from bot.members.roster import RosterRow
from bot.models import (
    Member,
    MemberStatus,
)
from knowledge.models import utcnow
from knowledge.text import fold


@dataclass
class RosterReport:
    """What a roster import did."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)


def roster_candidates(session: Session, *, member: Member) -> list[Member]:
    """Roster rows of the member's cell, not yet linked, whose name matches the given one."""
    query = select(Member).where(
        Member.cell_id == member.cell_id,
        Member.folded_name == member.folded_name,
        col(Member.telegram_user_id).is_(None),
        Member.status == MemberStatus.ACTIVE,
    )
    return list(session.exec(query.order_by(col(Member.birth_date))).all())


def import_roster(session: Session, *, cell_id: int, rows: list[RosterRow]) -> RosterReport:
    """Add or update roster rows; a row matches an existing member by name and birth date."""
    report = RosterReport()
    existing = list(
        session.exec(
            select(Member).where(Member.cell_id == cell_id, Member.status != MemberStatus.PENDING)
        ).all()
    )
    for row in rows:
        folded = fold(row.full_name)
        same_name = [m for m in existing if m.folded_name == folded]
        match = next(
            (
                m
                for m in same_name
                if row.birth_date is None or m.birth_date in (None, row.birth_date)
            ),
            None,
        )
        if match is None:
            match = Member(cell_id=cell_id, status=MemberStatus.ACTIVE)
            existing.append(match)
            report.created.append(row.full_name)
        else:
            report.updated.append(row.full_name)
        match.full_name, match.folded_name = row.full_name, folded
        match.in_roster = True
        match.role = row.role
        match.party_status = row.party_status
        for name in ("birth_date", "joined_party_on", "official_on", "party_card", "phone", "note"):
            value = getattr(row, name)
            if value is not None:
                setattr(match, name, value)
        match.updated_at = utcnow()
        session.add(match)
    session.flush()
    return report
