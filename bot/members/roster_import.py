"""The cell's roster rows applied to its members, and the roster rows an account may be.

A row is never matched to a member on the name alone: a namesake with another party card or
another year of birth is another person, and a row that could be either of two members is
reported, not guessed. ``plan_import`` works out what a sheet would do (who is added, which
fields of whom change, old → new, which rows are ambiguous) without writing; ``apply_plan``
writes exactly that, so the secretary confirms what they saw.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from bot.members import texts as mbt
from bot.members.roster import RosterRow, written_year
from bot.models import (
    Member,
    MemberStatus,
    PartyStatus,
    Role,
)
from knowledge.models import utcnow
from knowledge.text import fold

# Roster fields copied onto a member, and how the preview names them.
FIELDS: dict[str, str] = {
    "role": mbt.ROSTER_FIELD_ROLE,
    "party_status": mbt.ROSTER_FIELD_STATUS,
    "birth_date": mbt.ROSTER_FIELD_BIRTH,
    "birth_written": mbt.ROSTER_FIELD_BIRTH,
    "joined_party_on": mbt.ROSTER_FIELD_JOINED,
    "joined_written": mbt.ROSTER_FIELD_JOINED,
    "official_on": mbt.ROSTER_FIELD_OFFICIAL,
    "official_written": mbt.ROSTER_FIELD_OFFICIAL,
    "party_card": mbt.ROSTER_FIELD_CARD,
    "phone": mbt.ROSTER_FIELD_PHONE,
    "note": mbt.ROSTER_FIELD_NOTE,
}


@dataclass(frozen=True)
class Change:
    """One field of one existing member that the sheet changes."""

    member_id: int
    name: str
    field: str
    old: object
    new: object


@dataclass
class RosterPlan:
    """What importing a sheet would do."""

    created: list[RosterRow] = field(default_factory=list)
    updated: dict[int, RosterRow] = field(default_factory=dict)  # member id → its row
    changes: list[Change] = field(default_factory=list)
    ambiguous: list[tuple[RosterRow, list[str]]] = field(default_factory=list)


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


def _birth_year(member: Member) -> int | None:
    return member.birth_date.year if member.birth_date else written_year(member.birth_written)


def _may_be(member: Member, row: RosterRow) -> bool:
    """False when what the row says tells this namesake apart (card, birth date or year)."""
    if row.party_card and member.party_card and row.party_card != member.party_card:
        return False
    if row.birth_date and member.birth_date and row.birth_date != member.birth_date:
        return False
    row_year, member_year = row.birth_year, _birth_year(member)
    return not (row_year and member_year and row_year != member_year)


def _same_person(candidates: list[Member], row: RosterRow) -> list[Member]:
    """The namesakes this row may be; a matching party card decides alone."""
    if row.party_card:
        carded = [m for m in candidates if m.party_card == row.party_card]
        if carded:
            return carded
    return [m for m in candidates if _may_be(m, row)]


_DATES = (
    ("birth_date", "birth_written"),
    ("joined_party_on", "joined_written"),
    ("official_on", "official_written"),
)


def _values(row: RosterRow, member: Member | None = None) -> dict[str, object]:
    """What the row sets: its role and status always, its other fields when given. A date the
    row gives in part never stands beside the full date the member has; a full date replaces
    the partial one."""
    values: dict[str, object] = {"role": row.role, "party_status": row.party_status}
    for name in FIELDS:
        value = getattr(row, name, None)
        if name not in values and value is not None:
            values[name] = value
    for full, written in _DATES:
        if full in values:
            values[written] = None
        elif member is not None and getattr(member, full) is not None:
            values.pop(written, None)
    if member is not None:
        values = {k: v for k, v in values.items() if not (v is None and getattr(member, k) is None)}
    return values


def plan_import(session: Session, *, cell_id: int, rows: list[RosterRow]) -> RosterPlan:
    """What the sheet would do to the cell's members; nothing is written."""
    plan = RosterPlan()
    existing = list(
        session.exec(
            select(Member).where(Member.cell_id == cell_id, Member.status != MemberStatus.PENDING)
        ).all()
    )
    taken: set[int] = set()
    for row in rows:
        namesakes = [m for m in existing if m.folded_name == fold(row.full_name)]
        possible = [m for m in _same_person(namesakes, row) if m.id not in taken]
        if not possible:
            plan.created.append(row)
            continue
        if len(possible) > 1:
            plan.ambiguous.append((row, [_described(m) for m in possible]))
            continue
        member = possible[0]
        assert member.id is not None
        taken.add(member.id)
        plan.updated[member.id] = row
        for name, new in _values(row, member).items():
            old = getattr(member, name)
            if old != new:
                plan.changes.append(Change(member.id, member.full_name, name, old, new))
    return plan


def _described(member: Member) -> str:
    """A namesake as the secretary tells them apart: name, birth, card."""
    parts = [member.full_name]
    born = member.birth_date.strftime("%d/%m/%Y") if member.birth_date else member.birth_written
    if born:
        parts.append(mbt.ROSTER_BORN.format(born=born))
    if member.party_card:
        parts.append(mbt.ROSTER_CARD.format(card=member.party_card))
    return ", ".join(parts)


def apply_plan(session: Session, *, cell_id: int, plan: RosterPlan) -> RosterReport:
    """Write what the plan says (the secretary saw it); ambiguous rows are left out."""
    report = RosterReport()
    for member_id, row in plan.updated.items():
        member = session.get(Member, member_id)
        if member is None or member.cell_id != cell_id:
            continue
        for name, value in _values(row, member).items():
            setattr(member, name, value)
        member.full_name, member.folded_name = row.full_name, fold(row.full_name)
        member.in_roster, member.updated_at = True, utcnow()
        member.roster_no = row.number  # the order of the cell's lists, not a change to show
        session.add(member)
        report.updated.append(row.full_name)
    for row in plan.created:
        member = Member(
            cell_id=cell_id,
            status=MemberStatus.ACTIVE,
            full_name=row.full_name,
            folded_name=fold(row.full_name),
            in_roster=True,
            roster_no=row.number,
        )
        for name, value in _values(row).items():
            setattr(member, name, value)
        session.add(member)
        report.created.append(row.full_name)
    session.flush()
    return report


def import_roster(session: Session, *, cell_id: int, rows: list[RosterRow]) -> RosterReport:
    """Plan and apply at once (the command line, and tests of the rules)."""
    return apply_plan(
        session, cell_id=cell_id, plan=plan_import(session, cell_id=cell_id, rows=rows)
    )


def show(value: object) -> str:
    """A field's value as the preview shows it."""
    if value is None or value == "":
        return mbt.ROSTER_EMPTY
    if isinstance(value, Role):
        return mbt.ROLE_LABELS[value]
    if isinstance(value, PartyStatus):
        return mbt.PARTY_STATUS_LABELS[value]
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    return str(value)
