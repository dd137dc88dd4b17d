"""Factories for the bot's rows: cells and members in any state."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from bot.models import Cell, Member, MemberStatus, Role
from knowledge.text import fold


def make_cell(session: Session, **overrides: Any) -> Cell:
    """A cell (committed)."""
    cell = Cell(**{"name": "Chi bộ Xí nghiệp Xe buýt số 1", "created_by": 1, **overrides})
    session.add(cell)
    session.commit()
    session.refresh(cell)
    return cell


def make_member(session: Session, cell: Cell, **overrides: Any) -> Member:
    """An active đảng viên linked to a Telegram account unless overridden (committed)."""
    values: dict[str, Any] = {
        "cell_id": cell.id,
        "full_name": "Nguyễn Thị Lan",
        "role": Role.MEMBER,
        "status": MemberStatus.ACTIVE,
        "telegram_user_id": 500_001,
        **overrides,
    }
    values.setdefault("folded_name", fold(values["full_name"]))
    member = Member(**values)
    session.add(member)
    session.commit()
    session.refresh(member)
    return member
