"""A notice's content: the secretary's text made safe for Telegram's HTML, attachments
checked, the message split into parts.

Every function in bot.notices takes the session keyword-only and leaves committing to the
caller. Nothing in this package talks to Telegram: bot/telegram/sender.py does.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.messages import CAPTION_LIMIT, TEXT_LIMIT, split_html
from bot.models import (
    AudienceKind,
    Role,
)
from bot.notices import texts as nt
from bot.settings import NoticeSettings
from bot.when import WhenError, parse_when

COMMITTEE_ROLES = (Role.SECRETARY, Role.DEPUTY, Role.COMMITTEE)


NO_ACCOUNT = "no_account"  # error code of a member with no linked Telegram account


INTERRUPTED = "interrupted"  # error code of a delivery whose sender died mid-request


MB = 1024 * 1024


class NoticeError(Exception):
    """A notice that cannot be composed or sent as asked; the message is Vietnamese."""


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


def parse_send_time(text: str, *, now: datetime, settings: NoticeSettings) -> datetime:
    """A send time typed in Vietnam's time, in the grammar meetings use too ("7:30",
    "19h 25/12", "19h thứ 6 tuần sau", "8h sáng mai"), as an aware UTC datetime."""
    try:
        return parse_when(text, now=now, max_days=settings.max_schedule_days)
    except WhenError as exc:
        raise NoticeError(f"{exc} {nt.SEND_NOW_HINT}") from None
