"""Factories for the cell's own rows (cells, members, meetings, notices), committed, going
through the domain's own functions where those add rows a real action would add."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session

from bot import meetings, notices
from bot.meetings import Reading
from bot.models import AudienceKind, Cell, Meeting, MeetingKind, Member, MemberStatus, Notice, Role
from bot.notices import Audience
from bot.notices import texts as nt
from bot.settings import MeetingSettings, NoticeSettings
from knowledge.ingest import Ingester
from knowledge.models import Scope, utcnow
from knowledge.provenance import Provenance
from knowledge.text import fold

# A cell's own resolution (12-NQ/CB), with a private line: what no other cell may read.
CELL_MINUTES = """CHI BỘ XÍ NGHIỆP XE BUÝT SỐ 1
*
Số 12-NQ/CB
ĐẢNG CỘNG SẢN VIỆT NAM
Thanh Hóa, ngày 25 tháng 11 năm 2026

NGHỊ QUYẾT
hội nghị chi bộ tháng 11 năm 2026

Giao đồng chí Trần Văn Hải hoàn thiện bản tự kiểm điểm của đảng viên dự bị.
"""


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


def add_cell_document(
    ingester: Ingester,
    cell: Cell,
    folder: Path,
    *,
    text: str = CELL_MINUTES,
    added_by: str = "Trần Văn Bình",
) -> int:
    """Store ``text`` as ``cell``'s own document, as a secretary's upload is stored; its id."""
    assert cell.id is not None
    path = folder / "nghi-quyet-thang-11.txt"
    path.write_text(text, encoding="utf-8")
    provenance = Provenance(added_by=added_by, scope=Scope.CELL, scope_id=cell.id)
    added = ingester.ingest_file(path, provenance=provenance)
    assert added.document_id is not None, added.message
    return added.document_id
