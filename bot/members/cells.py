"""Cells and their registered group chats."""

from __future__ import annotations

import html

from sqlmodel import Session, col, select

from bot.members import texts as mbt
from bot.members.membership import MembershipError
from bot.models import (
    Cell,
    Committee,
    CommitteeSecretary,
    GroupChat,
)
from knowledge.text import fold, nfc


def get_cell(session: Session, *, cell_id: int) -> Cell | None:
    """A cell by id."""
    return session.get(Cell, cell_id)


def list_cells(session: Session) -> list[Cell]:
    """Every cell, by name."""
    return list(session.exec(select(Cell).order_by(col(Cell.name))).all())


def create_cell(
    session: Session, *, name: str, created_by: int, committee: str | None = None
) -> Cell:
    """A new cell; names are unique (compared without diacritics)."""
    name = " ".join(nfc(name).split())
    if not 3 <= len(name) <= 120:
        raise MembershipError(mbt.CELL_NAME_INVALID)
    if any(fold(c.name) == fold(name) for c in list_cells(session)):
        raise MembershipError(mbt.CELL_EXISTS.format(name=html.escape(name)))
    cell = Cell(name=name, committee=committee, created_by=created_by)
    session.add(cell)
    session.flush()
    return cell


def list_committees(session: Session) -> list[tuple[Committee, list[Cell]]]:
    """Every đảng bộ with its cells, by name."""
    committees = session.exec(select(Committee).order_by(col(Committee.name))).all()
    cells = list_cells(session)
    return [(c, [cell for cell in cells if cell.committee_id == c.id]) for c in committees]


def create_committee(session: Session, *, name: str) -> Committee:
    """A new đảng bộ; names are unique (compared without diacritics)."""
    name = " ".join(nfc(name).split())
    if not 3 <= len(name) <= 160:
        raise MembershipError(mbt.COMMITTEE_NAME_INVALID)
    if any(fold(c.name) == fold(name) for c, _ in list_committees(session)):
        raise MembershipError(mbt.COMMITTEE_EXISTS.format(name=name))
    committee = Committee(name=name)
    session.add(committee)
    session.flush()
    return committee


def find_committee(session: Session, *, text: str) -> Committee | None:
    """A đảng bộ by id or by (folded) name."""
    committees = [c for c, _ in list_committees(session)]
    text = text.strip()
    if text.isdigit():
        return next((c for c in committees if c.id == int(text)), None)
    wanted = fold(text)
    exact = [c for c in committees if fold(c.name) == wanted]
    partial = [c for c in committees if wanted in fold(c.name)]
    return exact[0] if exact else partial[0] if len(partial) == 1 else None


def grant_committee_secretary(
    session: Session, *, committee: Committee, telegram_user_id: int
) -> None:
    """Make this Telegram user a secretary of the đảng bộ (idempotent)."""
    assert committee.id is not None
    if session.get(CommitteeSecretary, (committee.id, telegram_user_id)) is None:
        session.add(
            CommitteeSecretary(committee_id=committee.id, telegram_user_id=telegram_user_id)
        )
        session.flush()


def committee_secretary_of(session: Session, *, telegram_user_id: int) -> Committee | None:
    """The đảng bộ this user was made a secretary of (the first, by name), if any."""
    query = (
        select(Committee)
        .join(CommitteeSecretary, col(CommitteeSecretary.committee_id) == col(Committee.id))
        .where(CommitteeSecretary.telegram_user_id == telegram_user_id)
        .order_by(col(Committee.name))
    )
    return session.exec(query).first()


def is_committee_secretary(session: Session, *, telegram_user_id: int, committee_id: int) -> bool:
    """Whether this user is a secretary of that đảng bộ."""
    return session.get(CommitteeSecretary, (committee_id, telegram_user_id)) is not None


def attach_cell(session: Session, *, cell: Cell, committee: Committee | None) -> Cell:
    """Put a cell under a đảng bộ (or under none): its members then read that đảng bộ's
    documents instead of another's."""
    cell.committee_id = committee.id if committee is not None else None
    cell.committee = committee.name if committee is not None else None
    session.add(cell)
    session.flush()
    return cell


def find_cell(session: Session, *, text: str) -> Cell | None:
    """A cell by id or by (folded) name, or the only cell when ``text`` is empty."""
    cells = list_cells(session)
    text = text.strip()
    if not text:
        return cells[0] if len(cells) == 1 else None
    if text.isdigit():
        return next((c for c in cells if c.id == int(text)), None)
    wanted = fold(text)
    exact = [c for c in cells if fold(c.name) == wanted]
    if exact:
        return exact[0]
    partial = [c for c in cells if wanted in fold(c.name)]
    return partial[0] if len(partial) == 1 else None


def link_group(
    session: Session, *, chat_id: int, cell_id: int, title: str, linked_by: int
) -> GroupChat:
    """Declare a Telegram group to be a cell's own."""
    group = session.get(GroupChat, chat_id) or GroupChat(
        chat_id=chat_id, cell_id=cell_id, linked_by=linked_by
    )
    group.cell_id, group.title, group.linked_by = cell_id, title, linked_by
    session.add(group)
    return group


def group_of(session: Session, *, chat_id: int) -> GroupChat | None:
    """The cell group record of a chat, if any."""
    return session.get(GroupChat, chat_id)
