"""Notices: composing and checking them, choosing recipients, the outbox's state changes, reads.

Every function takes the session keyword-only and leaves committing to the caller: the sender
(bot/outbox.py) commits each state change on its own, which is what makes it crash-safe.
Nothing here talks to Telegram.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from pydantic import Field
from sqlalchemy import and_, delete, exists, func, or_, update
from sqlmodel import Session, col, select

from bot import notice_texts as nt
from bot.members import Access
from bot.messages import CAPTION_LIMIT, TEXT_LIMIT, split_html
from bot.models import Cell, Member, MemberStatus, Role, as_utc
from bot.notice_models import (
    OPEN_STATES,
    AudienceKind,
    DeliveryState,
    Notice,
    NoticeDelivery,
    NoticeState,
    NoticeWorker,
)
from knowledge.settings import Section

COMMITTEE_ROLES = (Role.SECRETARY, Role.DEPUTY, Role.COMMITTEE)
NO_ACCOUNT = "no_account"  # error code of a member with no linked Telegram account
INTERRUPTED = "interrupted"  # error code of a delivery whose sender died mid-request
MB = 1024 * 1024


class NoticeSettings(Section):
    """How notices are checked and sent (config.yaml section ``notices``)."""

    enabled: bool = Field(True, description="Run the sender in this bot process.")
    rate_per_second: float = Field(
        29.0, gt=0, le=1000, description="Messages per second, shared by all sender processes."
    )
    chat_interval: float = Field(
        1.05, ge=0, le=60, description="Seconds between two messages to the same chat."
    )
    max_in_flight: int = Field(8, ge=1, le=64, description="Requests on their way at once.")
    batch_size: int = Field(60, ge=1, le=1000, description="Deliveries claimed at a time.")
    max_attempts: int = Field(
        5, ge=1, le=20, description="Tries on transient network errors before giving up."
    )
    backoff_seconds: float = Field(2.0, gt=0, le=60, description="First retry delay; doubles.")
    send_timeout: float = Field(15.0, gt=0, le=120, description="Seconds to wait for Telegram.")
    heartbeat_seconds: float = Field(2.0, gt=0, le=60, description="Sender heartbeat period.")
    dead_after_seconds: float = Field(
        20.0, gt=0, le=600, description="A sender silent this long is dead; its rows recovered."
    )
    status_edit_seconds: float = Field(
        3.0, ge=1, le=60, description="At most one edit of a status message per this period."
    )
    poll_seconds: float = Field(0.5, gt=0, le=10, description="Idle wait between checks.")
    max_parts: int = Field(
        4, ge=1, le=10, description="A longer notice is split into at most this many messages."
    )
    max_photo_mb: float = Field(10.0, gt=0, le=10, description="Telegram's limit for photos.")
    max_document_mb: float = Field(50.0, gt=0, le=50, description="Telegram's limit for bots.")
    max_schedule_days: int = Field(90, ge=1, le=366, description="How far ahead it may be set.")
    draft_minutes: int = Field(30, ge=1, le=24 * 60, description="An idle draft is dropped.")
    recent: int = Field(10, ge=1, le=50, description="Notices listed by /thongbao_ds.")


def notice_settings(settings: Any) -> NoticeSettings:
    """The ``notices`` section of the bot's settings, or the defaults when it has none."""
    found = getattr(settings, "notices", None)
    return found if isinstance(found, NoticeSettings) else NoticeSettings.model_validate({})


class NoticeError(Exception):
    """A notice that cannot be composed or sent as asked; the message is Vietnamese."""


# ----------------------------------------------------------------------------- composing

_ALLOWED_TAGS = frozenset(
    "b strong i em u ins s strike del span tg-spoiler a code pre blockquote tg-emoji".split()
)
_TYPED_TAG = re.compile(
    r"</?(?:b|strong|i|em|u|ins|s|strike|del|span|tg-spoiler|a|code|pre|blockquote)(?:\s[^<>]*)?>",
    re.IGNORECASE,
)
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|lt|gt|amp|quot);")
_TAG_NAME = re.compile(r"[A-Za-z][\w-]*")


@dataclass(frozen=True)
class Attachment:
    """A photo or file the secretary sent, re-sent to members by its Telegram file id."""

    kind: str  # "photo" | "document"
    file_id: str
    file_name: str | None = None
    size: int | None = None


@dataclass(frozen=True)
class Audience:
    """Who receives a notice: a kind of member in one or more cells."""

    kind: AudienceKind
    cell_ids: tuple[int, ...]
    role: Role | None = None

    def to_json(self) -> dict[str, Any]:
        """The stored form."""
        return {"kind": str(self.kind), "cell_ids": list(self.cell_ids), "role": self.role}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Audience:
        """Back from the stored form."""
        role = data.get("role")
        return cls(
            AudienceKind(data["kind"]), tuple(data["cell_ids"]), Role(role) if role else None
        )


def body_html(raw: str, formatted: str | None) -> str:
    """The notice body as Telegram HTML.

    ``formatted`` is the text with Telegram's own formatting (bold, links…) already as HTML;
    without any, text that contains HTML tags Telegram knows is taken as typed HTML (and
    checked later), anything else as plain text.
    """
    if formatted is not None:
        return formatted.strip()
    if _TYPED_TAG.search(raw):
        return raw.strip()
    return html.escape(raw.strip(), quote=False)


def visible_text(source: str) -> str:
    """The text Telegram shows for this HTML; NoticeError with the reason if it would refuse it."""
    out: list[str] = []
    stack: list[str] = []
    index = 0
    while index < len(source):
        char = source[index]
        if char == "&":
            match = _ENTITY.match(source, index)
            if match is None:
                raise NoticeError(nt.BAD_FORMAT.format(reason=nt.FORMAT_AMPERSAND))
            out.append(html.unescape(match.group()))
            index = match.end()
            continue
        if char != "<":
            out.append(char)
            index += 1
            continue
        end = source.find(">", index)
        tag = source[index + 1 : end].strip() if end != -1 else ""
        closing = tag.startswith("/")
        name_match = _TAG_NAME.match(tag.lstrip("/").strip())
        if end == -1 or name_match is None:
            raise NoticeError(nt.BAD_FORMAT.format(reason=nt.FORMAT_LESS_THAN))
        name = name_match.group().lower()
        if name not in _ALLOWED_TAGS:
            raise NoticeError(nt.BAD_FORMAT.format(reason=nt.FORMAT_UNKNOWN_TAG.format(tag=name)))
        if closing:
            if not stack:
                raise NoticeError(nt.BAD_FORMAT.format(reason=nt.FORMAT_STRAY_END.format(tag=name)))
            if stack[-1] != name:
                reason = nt.FORMAT_MISNESTED.format(tag=name, expected=stack[-1])
                raise NoticeError(nt.BAD_FORMAT.format(reason=reason))
            stack.pop()
        else:
            if name == "span" and "tg-spoiler" not in tag:
                raise NoticeError(nt.BAD_FORMAT.format(reason=nt.FORMAT_SPAN))
            stack.append(name)
        index = end + 1
    if stack:
        raise NoticeError(nt.BAD_FORMAT.format(reason=nt.FORMAT_UNCLOSED.format(tag=stack[-1])))
    return "".join(out)


def _units(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def check_attachment(attachment: Attachment, *, settings: NoticeSettings) -> None:
    """NoticeError when Telegram would not let the bot send this file."""
    limit = settings.max_photo_mb if attachment.kind == "photo" else settings.max_document_mb
    if attachment.size is not None and attachment.size > limit * MB:
        size = f"{attachment.size / MB:.1f}".replace(".", ",")
        text = nt.PHOTO_TOO_BIG if attachment.kind == "photo" else nt.FILE_TOO_BIG
        raise NoticeError(text.format(size=size, limit=f"{limit:g}"))


def compose(
    body: str,
    attachment: Attachment | None,
    *,
    header: str,
    footer: str,
    settings: NoticeSettings,
) -> list[dict[str, Any]]:
    """The messages a member receives, in order; the read button goes on the last one.

    A text over Telegram's 4,096 characters is split (tags closed and reopened) into at most
    ``max_parts`` messages; a short text goes as the caption of the attachment.
    """
    if not visible_text(body).strip():
        raise NoticeError(nt.EMPTY)
    if attachment is not None:
        check_attachment(attachment, settings=settings)
    full = f"{header}{body}{footer}"
    length = _units(visible_text(full))
    texts = [full] if length <= TEXT_LIMIT else split_html(full, TEXT_LIMIT - 96)
    if len(texts) > settings.max_parts:
        raise NoticeError(
            nt.TOO_LONG.format(length=length, parts=settings.max_parts, limit=TEXT_LIMIT)
        )
    parts: list[dict[str, Any]] = [{"kind": "text", "html": t} for t in texts]
    if attachment is None:
        return parts
    media: dict[str, Any] = {"kind": attachment.kind, "file_id": attachment.file_id, "html": None}
    if len(texts) == 1 and length <= CAPTION_LIMIT:
        media["html"] = full
        return [media]
    return [media, *parts]


_TIME = r"(\d{1,2})\s*(?:[:hg]\s*(\d{2})?|giờ(?:\s*(\d{2}))?)"
_DATE = r"(\d{1,2})\s*[/.-]\s*(\d{1,2})(?:\s*[/.-]\s*(\d{2,4}))?"
_TIME_FIRST = re.compile(rf"^{_TIME}(?:\s*(?:,|ngày)?\s*{_DATE})?$")
_DATE_FIRST = re.compile(rf"^{_DATE}\s*(?:,|lúc)?\s*{_TIME}$")


def parse_send_time(text: str, *, now: datetime, settings: NoticeSettings) -> datetime:
    """A send time typed in Vietnam's time ("7:30", "19h 25/12", "25/12/2025 07:30"), in UTC."""
    typed = " ".join(text.lower().replace("lúc", " ").split())
    hour = minute = day = month = year = None
    if match := _TIME_FIRST.match(typed):
        hour, m1, m2, day, month, year = match.groups()
        minute = m1 or m2
    elif match := _DATE_FIRST.match(typed):
        day, month, year, hour, m1, m2 = match.groups()
        minute = m1 or m2
    else:
        raise NoticeError(nt.SEND_TIME_INVALID)
    local_now = now.astimezone(nt.VIETNAM)
    try:
        when = local_now.replace(
            hour=int(hour),
            minute=int(minute or 0),
            second=0,
            microsecond=0,
            day=int(day) if day else local_now.day,
            month=int(month) if month else local_now.month,
            year=_year(year, local_now.year),
        )
    except ValueError:
        raise NoticeError(nt.SEND_TIME_INVALID) from None
    ahead = timedelta(days=settings.max_schedule_days)
    if day and not year and when <= local_now:
        # "05/01" typed in December means next January; "01/06" typed on 2 June is past.
        with contextlib.suppress(ValueError):
            following = when.replace(year=when.year + 1)
            when = following if following - local_now <= ahead else when
    if when <= local_now:
        raise NoticeError(nt.SEND_TIME_PAST.format(when=nt.local_time(when)))
    if when - local_now > ahead:
        raise NoticeError(nt.SEND_TIME_TOO_FAR.format(days=settings.max_schedule_days))
    return when.astimezone(now.tzinfo)


def _year(typed: str | None, current: int) -> int:
    if not typed:
        return current
    return 2000 + int(typed) if len(typed) == 2 else int(typed)


# ----------------------------------------------------------------------------- recipients


@dataclass(frozen=True)
class Plan:
    """Who a notice would reach, for the preview."""

    reachable: int
    without_account: list[str]
    label: str


def audience_members(
    session: Session, *, audience: Audience, exclude_telegram_id: int | None
) -> list[Member]:
    """Active members the audience covers, the sender left out (they get the status instead)."""
    query = select(Member).where(
        col(Member.cell_id).in_(audience.cell_ids), col(Member.status) == MemberStatus.ACTIVE
    )
    if audience.kind == AudienceKind.COMMITTEE:
        query = query.where(col(Member.role).in_([str(r) for r in COMMITTEE_ROLES]))
    elif audience.kind == AudienceKind.ROLE and audience.role is not None:
        query = query.where(col(Member.role) == audience.role)
    members = session.exec(query.order_by(col(Member.cell_id), col(Member.folded_name))).all()
    return [
        m
        for m in members
        if exclude_telegram_id is None or m.telegram_user_id != exclude_telegram_id
    ]


def audience_label(session: Session, *, audience: Audience) -> str:
    """ "Cả chi bộ Xe buýt số 1", "Chi ủy · 3 chi bộ", …"""
    cells = session.exec(select(Cell).where(col(Cell.id).in_(audience.cell_ids))).all()
    names = [c.name for c in sorted(cells, key=lambda c: c.name)]
    return nt.audience_label(audience.kind, audience.role, names)


def plan(session: Session, *, audience: Audience, exclude_telegram_id: int | None) -> Plan:
    """How many members a notice would reach, and who has no Telegram account linked."""
    members = audience_members(session, audience=audience, exclude_telegram_id=exclude_telegram_id)
    reachable = sum(1 for m in members if m.telegram_user_id is not None)
    missing = [m.full_name for m in members if m.telegram_user_id is None]
    return Plan(reachable, missing, audience_label(session, audience=audience))


def create_notice(
    session: Session,
    *,
    created_by: int,
    sender_name: str,
    cell_id: int | None,
    audience: Audience,
    body: str,
    parts: list[dict[str, Any]],
    attachment_name: str | None,
    send_at: datetime,
    now: datetime,
    status_chat_id: int | None = None,
    status_message_id: int | None = None,
) -> Notice:
    """The notice and its outbox: one pending delivery per reachable member, due at send_at.

    Members without a Telegram account get a delivery marked unreachable, so the report names
    them; NoticeError when nobody at all can receive it.
    """
    members = audience_members(session, audience=audience, exclude_telegram_id=created_by)
    if not any(m.telegram_user_id is not None for m in members):
        raise NoticeError(nt.NO_RECIPIENTS)
    return queue_to_members(
        session,
        members=members,
        created_by=created_by,
        sender_name=sender_name,
        cell_id=cell_id,
        label=audience_label(session, audience=audience),
        body=body,
        parts=parts,
        attachment_name=attachment_name,
        audience=audience.to_json(),
        send_at=send_at,
        now=now,
        status_chat_id=status_chat_id,
        status_message_id=status_message_id,
    )


def queue_to_members(
    session: Session,
    *,
    members: Sequence[Member],
    created_by: int,
    sender_name: str,
    cell_id: int | None,
    label: str,
    body: str,
    parts: list[dict[str, Any]],
    send_at: datetime,
    now: datetime,
    attachment_name: str | None = None,
    audience: dict[str, Any] | None = None,
    buttons: str | None = None,
    status_chat_id: int | None = None,
    status_message_id: int | None = None,
) -> Notice:
    """A notice to these members: one pending delivery each (unreachable without an account).

    ``parts`` are the messages as sent (``body`` is kept for the report); ``buttons`` names the
    keyboard of a meeting message (bot.meeting_texts.buttons_markup) instead of «Đã đọc».
    """
    notice = Notice(
        cell_id=cell_id,
        created_by=created_by,
        sender_name=sender_name,
        audience=audience or {},
        audience_label=label,
        text_html=body,
        parts=parts,
        attachment_name=attachment_name,
        recipients=len(members),
        send_at=max(send_at, now),
        created_at=now,
        changed_at=now,
        status_chat_id=status_chat_id,
        status_message_id=status_message_id,
        buttons=buttons,
    )
    session.add(notice)
    session.flush()
    assert notice.id is not None
    for member in members:
        linked = member.telegram_user_id is not None
        session.add(
            NoticeDelivery(
                notice_id=notice.id,
                member_id=member.id,
                member_name=member.full_name,
                chat_id=member.telegram_user_id,
                state=DeliveryState.PENDING if linked else DeliveryState.UNREACHABLE,
                error=None if linked else NO_ACCOUNT,
                due_at=notice.send_at,
            )
        )
    session.flush()
    return notice


def set_status_message(session: Session, *, notice_id: int, chat_id: int, message_id: int) -> None:
    """Remember the secretary's status message, which the sender keeps up to date."""
    session.execute(
        update(Notice)
        .where(col(Notice.id) == notice_id)
        .values(status_chat_id=chat_id, status_message_id=message_id)
    )


# ----------------------------------------------------------------------------- the outbox


@dataclass(frozen=True)
class Job:
    """A claimed delivery as the sender needs it."""

    id: int
    notice_id: int
    chat_id: int
    part: int
    round: int
    origin_id: int | None
    reply_to: int | None
    attempts: int


def claim(session: Session, *, worker_id: str, limit: int, now: datetime) -> list[Job]:
    """Reserve up to ``limit`` due deliveries for this worker, oldest first.

    One statement: on PostgreSQL the SELECT takes row locks with SKIP LOCKED, so concurrent
    workers never claim the same row and never wait for each other; it is a materialised CTE
    because ``id IN (SELECT … LIMIT n FOR UPDATE SKIP LOCKED)`` may be re-scanned by the
    planner and then claims more than n rows. SQLite runs it under its single write lock.
    """
    due = (
        select(NoticeDelivery.id)
        .where(
            col(NoticeDelivery.state) == DeliveryState.PENDING, col(NoticeDelivery.due_at) <= now
        )
        .order_by(col(NoticeDelivery.due_at), col(NoticeDelivery.id))
        .limit(limit)
        .with_for_update(skip_locked=True)
        .cte("due")
        .prefix_with("MATERIALIZED", dialect="postgresql")
    )
    statement = (
        update(NoticeDelivery)
        .where(col(NoticeDelivery.id) == due.c.id)
        .where(col(NoticeDelivery.state) == DeliveryState.PENDING)
        .values(state=DeliveryState.CLAIMED, worker_id=worker_id, claimed_at=now)
        .returning(
            col(NoticeDelivery.id),
            col(NoticeDelivery.notice_id),
            col(NoticeDelivery.chat_id),
            col(NoticeDelivery.part),
            col(NoticeDelivery.round),
            col(NoticeDelivery.origin_id),
            col(NoticeDelivery.reply_to),
            col(NoticeDelivery.attempts),
        )
    )
    jobs = [Job(*row) for row in session.execute(statement).all()]
    return sorted(jobs, key=lambda j: j.id)


def _mine(delivery_id: int, worker_id: str, state: DeliveryState) -> Any:
    return and_(
        col(NoticeDelivery.id) == delivery_id,
        col(NoticeDelivery.state) == state,
        col(NoticeDelivery.worker_id) == worker_id,
    )


def _changed(session: Session, statement: Any) -> bool:
    return bool(session.execute(statement).rowcount)  # type: ignore[attr-defined]


def start_sending(session: Session, *, delivery_id: int, worker_id: str, now: datetime) -> bool:
    """Mark a claimed delivery as on its way; False if it was cancelled or taken back."""
    return _changed(
        session,
        update(NoticeDelivery)
        .where(_mine(delivery_id, worker_id, DeliveryState.CLAIMED))
        .values(state=DeliveryState.SENDING, claimed_at=now),
    )


def record_part(
    session: Session,
    *,
    delivery_id: int,
    worker_id: str,
    message_id: int,
    last: bool,
    now: datetime,
) -> bool:
    """Telegram accepted one part: the delivery is sent, or stays claimed for the next part.

    If another worker had meanwhile declared this one dead and the row uncertain, the row is
    still corrected to sent: Telegram's answer is the truth.
    """
    values: dict[str, Any] = {
        "message_id": message_id,
        "part": NoticeDelivery.part + 1,
        "error": None,
    }
    if last:
        values |= {"state": DeliveryState.SENT, "sent_at": now}
    else:
        values |= {"state": DeliveryState.CLAIMED}
    if _changed(
        session,
        update(NoticeDelivery)
        .where(_mine(delivery_id, worker_id, DeliveryState.SENDING))
        .values(**values),
    ):
        return True
    if last:
        _changed(
            session,
            update(NoticeDelivery)
            .where(
                col(NoticeDelivery.id) == delivery_id,
                col(NoticeDelivery.state) == DeliveryState.UNCERTAIN,
            )
            .values(state=DeliveryState.SENT, sent_at=now, message_id=message_id, error=None),
        )
    return False


def record_retry(
    session: Session,
    *,
    delivery_id: int,
    worker_id: str,
    due_at: datetime,
    error: str,
    attempt: bool,
) -> bool:
    """Not sent, try again at ``due_at`` (``attempt`` counts it towards the limit)."""
    values: dict[str, Any] = {
        "state": DeliveryState.PENDING,
        "due_at": due_at,
        "worker_id": None,
        "error": error[:500],
    }
    if attempt:
        values["attempts"] = NoticeDelivery.attempts + 1
    return _changed(
        session,
        update(NoticeDelivery)
        .where(_mine(delivery_id, worker_id, DeliveryState.SENDING))
        .values(**values),
    )


def record_outcome(
    session: Session,
    *,
    delivery_id: int,
    worker_id: str,
    state: DeliveryState,
    error: str,
) -> bool:
    """A final answer other than success: failed, unreachable or uncertain, with the reason."""
    return _changed(
        session,
        update(NoticeDelivery)
        .where(_mine(delivery_id, worker_id, DeliveryState.SENDING))
        .values(state=state, error=error[:500]),
    )


def release(session: Session, *, worker_id: str) -> int:
    """Hand back everything this worker claimed and has not attempted (a clean stop)."""
    result = session.execute(
        update(NoticeDelivery)
        .where(
            col(NoticeDelivery.state) == DeliveryState.CLAIMED,
            col(NoticeDelivery.worker_id) == worker_id,
        )
        .values(state=DeliveryState.PENDING, worker_id=None)
    )
    session.execute(delete(NoticeWorker).where(col(NoticeWorker.worker_id) == worker_id))
    return int(result.rowcount)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Pace:
    """What the heartbeat learnt: how many senders share the rate, and any shared pause."""

    workers: int
    paused_until: datetime | None


def beat(
    session: Session,
    *,
    worker_id: str,
    host: str,
    pid: int,
    now: datetime,
    paused_until: datetime | None,
    recent: float,
) -> Pace:
    """Record this worker as alive (and a 429 pause it got); read the others'.

    The rate is shared among senders that beat within ``recent`` seconds (a few heartbeats),
    not the longer ``dead_after`` used before taking rows back: a sender that just died must
    not halve its successor's pace for that long.
    """
    row = session.get(NoticeWorker, worker_id)
    if row is None:
        row = NoticeWorker(worker_id=worker_id, host=host, pid=pid, started_at=now)
    row.heartbeat_at = now
    if paused_until is not None:
        row.paused_until = paused_until
    session.add(row)
    session.flush()
    alive = col(NoticeWorker.heartbeat_at) >= now - timedelta(seconds=recent)
    count, pause = session.execute(
        select(func.count(), func.max(NoticeWorker.paused_until)).where(alive)
    ).one()
    pause = as_utc(pause) if pause is not None else None
    return Pace(max(int(count), 1), pause if pause is not None and pause > now else None)


def recover(session: Session, *, now: datetime, dead_after: float) -> tuple[int, int]:
    """Take back the rows of senders that stopped beating: (handed back, marked uncertain).

    Claimed rows were never attempted and go back to pending. Rows caught in ``sending`` may
    or may not have reached Telegram, which cannot be asked: they become ``uncertain`` and are
    reported to the secretary, never resent on their own, so that nobody gets a notice twice.
    """
    stale = now - timedelta(seconds=dead_after)
    alive = select(NoticeWorker.worker_id).where(col(NoticeWorker.heartbeat_at) >= stale)
    orphan = or_(
        col(NoticeDelivery.worker_id).is_(None), col(NoticeDelivery.worker_id).not_in(alive)
    )
    handed = session.execute(
        update(NoticeDelivery)
        .where(col(NoticeDelivery.state) == DeliveryState.CLAIMED, orphan)
        .values(state=DeliveryState.PENDING, worker_id=None)
    ).rowcount  # type: ignore[attr-defined]
    uncertain = session.execute(
        update(NoticeDelivery)
        .where(col(NoticeDelivery.state) == DeliveryState.SENDING, orphan)
        .values(state=DeliveryState.UNCERTAIN, error=INTERRUPTED)
    ).rowcount  # type: ignore[attr-defined]
    session.execute(delete(NoticeWorker).where(col(NoticeWorker.heartbeat_at) < stale))
    return int(handed), int(uncertain)


@dataclass(frozen=True)
class Content:
    """What the sender sends for a notice: its parts, and the reminder's words."""

    parts: list[dict[str, Any]]
    reminder: str
    buttons: str | None = None


def contents(session: Session, *, notice_ids: set[int]) -> dict[int, Content]:
    """The parts of these notices (and the reminder text that points back to them)."""
    found = session.exec(select(Notice).where(col(Notice.id).in_(notice_ids))).all()
    return {
        n.id: Content(
            list(n.parts),
            nt.reminder(n.sender_name, as_utc(n.created_at), n.text_html),
            n.buttons,
        )
        for n in found
        if n.id is not None
    }


# ----------------------------------------------------------------------------- progress


@dataclass
class Figures:
    """A notice's numbers: its recipients' copies by state, and reads."""

    recipients: int = 0
    open: int = 0
    sent: int = 0
    read: int = 0
    failed: int = 0
    unreachable: int = 0
    uncertain: int = 0
    cancelled: int = 0
    reminded: int = 0
    reminders_open: int = 0

    @property
    def unread(self) -> int:
        """Received and not yet confirmed."""
        return self.sent - self.read


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
        claimed = _changed(
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


@dataclass
class Report:
    """Everything the secretary's report names, member by member."""

    notice: Notice
    figures: Figures
    unread: list[str] = field(default_factory=list)
    unreachable: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    uncertain: list[str] = field(default_factory=list)


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


# ----------------------------------------------------------------------------- reads and actions


class ReadOutcome:
    """What pressing «Đã đọc» did."""

    CONFIRMED = "confirmed"
    ALREADY = "already"
    NOT_YOURS = "not_yours"
    GONE = "gone"


def mark_read(session: Session, *, delivery_id: int, telegram_user_id: int, now: datetime) -> str:
    """Confirm a member read a notice; only the recipient may, and only once counts.

    The press also proves delivery, so an uncertain copy becomes sent.
    """
    row = session.get(NoticeDelivery, delivery_id)
    if row is None or row.round != 0:
        return ReadOutcome.GONE
    if row.chat_id != telegram_user_id:
        return ReadOutcome.NOT_YOURS
    confirmed = _changed(
        session,
        update(NoticeDelivery)
        .where(col(NoticeDelivery.id) == delivery_id, col(NoticeDelivery.read_at).is_(None))
        .values(read_at=now),
    )
    if not confirmed:
        return ReadOutcome.ALREADY
    session.execute(
        update(NoticeDelivery)
        .where(
            col(NoticeDelivery.id) == delivery_id,
            col(NoticeDelivery.state).in_([DeliveryState.UNCERTAIN, DeliveryState.FAILED]),
        )
        .values(state=DeliveryState.SENT, sent_at=now, error=None)
    )
    session.execute(update(Notice).where(col(Notice.id) == row.notice_id).values(changed_at=now))
    return ReadOutcome.CONFIRMED


def _requeue(session: Session, notice_id: int, now: datetime) -> None:
    session.execute(
        update(Notice)
        .where(col(Notice.id) == notice_id, col(Notice.state) != NoticeState.CANCELLED)
        .values(state=NoticeState.QUEUED, finished_at=None, changed_at=now)
    )


def remind_unread(session: Session, *, notice_id: int, now: datetime) -> int:
    """Queue a reminder (a reply to their copy) for members who received and have not read it.

    Returns how many; 0 also while an earlier reminder round is still going out.
    """
    notice = session.get(Notice, notice_id)
    if notice is None or notice.state == NoticeState.CANCELLED:
        return 0
    busy = session.exec(
        select(func.count()).where(
            col(NoticeDelivery.notice_id) == notice_id,
            col(NoticeDelivery.round) > 0,
            col(NoticeDelivery.state).in_(OPEN_STATES),
        )
    ).one()
    if busy:
        return 0
    unread = session.exec(
        select(NoticeDelivery).where(
            col(NoticeDelivery.notice_id) == notice_id,
            col(NoticeDelivery.round) == 0,
            col(NoticeDelivery.state) == DeliveryState.SENT,
            col(NoticeDelivery.read_at).is_(None),
            col(NoticeDelivery.chat_id).is_not(None),
        )
    ).all()
    if not unread:
        return 0
    notice.rounds += 1
    session.add(notice)
    for row in unread:
        session.add(
            NoticeDelivery(
                notice_id=notice_id,
                member_id=row.member_id,
                member_name=row.member_name,
                chat_id=row.chat_id,
                round=notice.rounds,
                origin_id=row.id,
                reply_to=row.message_id,
                due_at=now,
            )
        )
    session.flush()
    _requeue(session, notice_id, now)
    return len(unread)


def resend_uncertain(session: Session, *, notice_id: int, now: datetime) -> int:
    """Send again the copies nobody knows arrived (the secretary accepts a possible repeat)."""
    count = session.execute(
        update(NoticeDelivery)
        .where(
            col(NoticeDelivery.notice_id) == notice_id,
            col(NoticeDelivery.state) == DeliveryState.UNCERTAIN,
        )
        .values(state=DeliveryState.PENDING, due_at=now, worker_id=None, attempts=0, error=None)
    ).rowcount  # type: ignore[attr-defined]
    if count:
        _requeue(session, notice_id, now)
    return int(count)


def cancel(session: Session, *, notice_id: int, now: datetime) -> int | None:
    """Stop a notice: copies not yet on their way are cancelled (how many); None if it was over."""
    notice = session.get(Notice, notice_id)
    if notice is None or notice.state != NoticeState.QUEUED:
        return None
    count = session.execute(
        update(NoticeDelivery)
        .where(
            col(NoticeDelivery.notice_id) == notice_id,
            col(NoticeDelivery.state).in_([DeliveryState.PENDING, DeliveryState.CLAIMED]),
        )
        .values(state=DeliveryState.CANCELLED, worker_id=None)
    ).rowcount  # type: ignore[attr-defined]
    notice.state = NoticeState.CANCELLED
    notice.cancelled_at = notice.changed_at = now
    session.add(notice)
    return int(count)


def may_manage(notice: Notice, access: Access) -> bool:
    """Admins, the sender, and the secretaries of the notice's cell may act on it."""
    if access.is_admin or notice.created_by == access.telegram_user_id:
        return True
    return notice.cell_id is not None and access.manages(notice.cell_id)


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
