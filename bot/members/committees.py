"""Đảng bộ: a deployment admin groups cells under one and names its secretaries.

One implementation for both front ends, `/dangbo` in Telegram (``committee_command``, which
checks that the caller is an admin) and `chibo dangbo` on the command line. Every function
answers with a plain Vietnamese sentence, or raises MembershipError with one; the Telegram side
escapes it for HTML."""

from __future__ import annotations

from sqlmodel import Session, select

from bot.members import texts as mbt
from bot.members.cells import (
    attach_cell,
    create_committee,
    find_cell,
    find_committee,
    grant_committee_secretary,
    list_committees,
)
from bot.members.membership import MembershipError
from bot.models import Committee, Member, MemberStatus
from knowledge.text import fold


def committee_command(
    session: Session, *, telegram_user_id: int, admins: frozenset[int], args: str
) -> str:
    """Run ``/dangbo [tao ‹tên› | gan ‹chi bộ› | ‹đảng bộ› | bithu ‹đảng bộ› | ‹đảng viên›]``."""
    if telegram_user_id not in admins:
        return mbt.COMMITTEE_ADMIN_ONLY
    verb, _, rest = args.strip().partition(" ")
    rest = rest.strip()
    left, bar, right = rest.partition("|")
    try:
        if not verb:
            return "\n".join(listing(session)) or mbt.COMMITTEE_USAGE
        if fold(verb) == "tao" and rest:
            return create(session, rest)
        if fold(verb) == "gan" and bar:
            return attach(session, left.strip(), right.strip())
        if fold(verb) == "bithu" and bar:
            return grant(session, left.strip(), right.strip())
    except MembershipError as exc:
        return str(exc)
    return mbt.COMMITTEE_USAGE


def listing(session: Session) -> list[str]:
    """One line per đảng bộ with its cells."""
    lines = []
    for committee, cells in list_committees(session):
        names = ", ".join(c.name for c in cells) or mbt.COMMITTEE_NO_CELLS
        lines.append(mbt.COMMITTEE_LINE.format(id=committee.id, name=committee.name, cells=names))
    return lines


def create(session: Session, name: str) -> str:
    """A new đảng bộ."""
    committee = create_committee(session, name=name)
    session.commit()
    return mbt.COMMITTEE_CREATED.format(id=committee.id, name=committee.name)


def attach(session: Session, cell_name: str, committee_name: str | None) -> str:
    """Put a cell (name or number) under a đảng bộ (name or number); none takes it out."""
    cell = find_cell(session, text=cell_name) if cell_name.strip() else None
    if cell is None:
        raise MembershipError(mbt.NO_SUCH_CELL.format(name=cell_name))
    committee = _committee(session, committee_name) if committee_name else None
    attach_cell(session, cell=cell, committee=committee)
    session.commit()
    if committee is None:
        return mbt.COMMITTEE_DETACHED.format(cell=cell.name)
    return mbt.COMMITTEE_ATTACHED.format(cell=cell.name, committee=committee.name)


def grant(session: Session, committee_name: str, who: str) -> str:
    """Make someone — a Telegram id, or an active linked member's full name — a secretary of
    the đảng bộ."""
    committee = _committee(session, committee_name)
    if who.isdigit():
        telegram_user_id, name = int(who), who
    else:
        found = [
            m
            for m in session.exec(select(Member).where(Member.folded_name == fold(who))).all()
            if m.status == MemberStatus.ACTIVE and m.telegram_user_id is not None
        ]
        if len(found) != 1:
            key = mbt.COMMITTEE_WHO_MANY if found else mbt.COMMITTEE_WHO_NONE
            raise MembershipError(key.format(name=who))
        telegram_user_id, name = int(found[0].telegram_user_id or 0), found[0].full_name
    grant_committee_secretary(session, committee=committee, telegram_user_id=telegram_user_id)
    session.commit()
    return mbt.COMMITTEE_SECRETARY.format(user=name, name=committee.name)


def _committee(session: Session, name: str) -> Committee:
    committee = find_committee(session, text=name)
    if committee is None:
        raise MembershipError(mbt.NO_SUCH_COMMITTEE.format(name=name))
    return committee
