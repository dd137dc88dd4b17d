"""Factories for the cell's own rows (cells, members, meetings, notices), committed, going
through the domain's own functions where those add rows a real action would add."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from bot import meetings, notices
from bot.meetings import Reading
from bot.models import AudienceKind, Cell, Meeting, MeetingKind, Member, MemberStatus, Notice, Role
from bot.notices import Audience
from bot.notices import texts as nt
from bot.settings import MeetingSettings, NoticeSettings
from knowledge.models import utcnow
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


def make_meeting(
    session: Session,
    cell: Cell,
    *,
    starts_at: datetime,
    now: datetime | None = None,
    settings: MeetingSettings | None = None,
    readings: list[Reading] | None = None,
    **overrides: Any,
) -> Meeting:
    """A regular meeting of ``cell`` scheduled as the secretary would (invitation and
    reminders queued), committed."""
    assert cell.id is not None
    values: dict[str, Any] = {
        "kind": MeetingKind.REGULAR,
        "title": meetings.default_title(MeetingKind.REGULAR, starts_at),
        "place": "Hội trường tầng 2",
        "agenda": "Kiểm điểm công tác tháng",
        "created_by": 800_001,
        "sender_name": "Trần Văn Bình",
        **overrides,
    }
    meeting = meetings.schedule(
        session,
        cell_id=cell.id,
        starts_at=starts_at,
        readings=readings or [],
        now=now or utcnow(),
        settings=settings or MeetingSettings.model_validate({}),
        **values,
    )
    session.commit()
    return meeting


def make_notice(
    session: Session,
    cell: Cell,
    *,
    body: str = "Họp chi bộ",
    now: datetime | None = None,
    send_at: datetime | None = None,
    kind: AudienceKind = AudienceKind.CELL,
    role: Role | None = None,
    settings: NoticeSettings | None = None,
    **overrides: Any,
) -> Notice:
    """A notice to ``cell`` queued as /thongbao would queue it (one delivery per recipient),
    committed."""
    assert cell.id is not None
    moment = now or utcnow()
    parts = notices.compose(
        body,
        None,
        header=nt.header(cell.name),
        footer="",
        settings=settings or NoticeSettings.model_validate({}),
    )
    values: dict[str, Any] = {
        "created_by": 800_001,
        "sender_name": "Trần Bí Thư",
        "attachment_name": None,
        "status_chat_id": 800_001,
        "status_message_id": 1,
        **overrides,
    }
    notice = notices.create_notice(
        session,
        cell_id=cell.id,
        audience=Audience(kind, (cell.id,), role),
        body=body,
        parts=parts,
        send_at=send_at or moment,
        now=moment,
        **values,
    )
    session.commit()
    return notice
