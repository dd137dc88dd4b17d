"""/dangbo: a deployment admin groups cells under a đảng bộ and names its secretaries.

Every verb checks that the caller is an admin inside the call, and answers in Vietnamese with
what it did or what was wrong (names are escaped for HTML by the caller's texts)."""

from __future__ import annotations

import html

from sqlmodel import Session, select

from bot import texts
from bot.members.cells import (
    attach_cell,
    create_committee,
    find_cell,
    find_committee,
    grant_committee_secretary,
    list_committees,
)
from bot.members.membership import MembershipError
from bot.models import Member, MemberStatus
from knowledge.text import fold


def committee_command(
    session: Session, *, telegram_user_id: int, admins: frozenset[int], args: str
) -> str:
    """Run ``/dangbo [tao ‹tên› | gan ‹chi bộ› | ‹đảng bộ› | bithu ‹đảng bộ› | ‹đảng viên›]``."""
    if telegram_user_id not in admins:
        return texts.COMMITTEE_ADMIN_ONLY
    verb, _, rest = args.strip().partition(" ")
    rest = rest.strip()
    try:
        if not verb:
            return _listing(session)
        if fold(verb) == "tao" and rest:
            committee = create_committee(session, name=rest)
            session.commit()
            return html.escape(texts.COMMITTEE_CREATED.format(id=committee.id, name=committee.name))
        left, bar, right = rest.partition("|")
        if fold(verb) == "gan" and bar:
            return _attach(session, left.strip(), right.strip())
        if fold(verb) == "bithu" and bar:
            return _grant(session, left.strip(), right.strip())
    except MembershipError as exc:
        return str(exc)
    return texts.COMMITTEE_USAGE


def _listing(session: Session) -> str:
    rows = list_committees(session)
    if not rows:
        return texts.COMMITTEE_USAGE
    lines = []
    for committee, cells in rows:
        names = ", ".join(c.name for c in cells) or texts.COMMITTEE_NO_CELLS
        lines.append(
            html.escape(
                texts.COMMITTEE_LINE.format(id=committee.id, name=committee.name, cells=names)
            )
        )
    return "\n".join(lines)


def _attach(session: Session, cell_name: str, committee_name: str) -> str:
    cell = find_cell(session, text=cell_name) if cell_name else None
    if cell is None:
        return html.escape(texts.NO_SUCH_CELL.format(name=cell_name))
    committee = find_committee(session, text=committee_name)
    if committee is None:
        return html.escape(texts.NO_SUCH_COMMITTEE.format(name=committee_name))
    attach_cell(session, cell=cell, committee=committee)
    session.commit()
    return html.escape(texts.COMMITTEE_ATTACHED.format(cell=cell.name, committee=committee.name))


def _grant(session: Session, committee_name: str, who: str) -> str:
    committee = find_committee(session, text=committee_name)
    if committee is None:
        return html.escape(texts.NO_SUCH_COMMITTEE.format(name=committee_name))
    if who.isdigit():
        telegram_user_id, name = int(who), who
    else:
        wanted = fold(who)
        found = [
            m
            for m in session.exec(select(Member).where(Member.folded_name == wanted)).all()
            if m.status == MemberStatus.ACTIVE and m.telegram_user_id is not None
        ]
        if len(found) != 1:
            key = texts.COMMITTEE_WHO_MANY if found else texts.COMMITTEE_WHO_NONE
            return html.escape(key.format(name=who))
        telegram_user_id, name = int(found[0].telegram_user_id or 0), found[0].full_name
    grant_committee_secretary(session, committee=committee, telegram_user_id=telegram_user_id)
    session.commit()
    return html.escape(texts.COMMITTEE_SECRETARY.format(user=name, name=committee.name))
