"""Telegram's message rules in code: HTML escaping and splitting, captions, callback data."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_LIMIT = 64

# Callback data carries a short versioned prefix, so payloads from another version (or
# another bot) are recognised as foreign and answered politely instead of misread.
CALLBACK_VERSION = "c1"

_TOKEN = re.compile(r"<[^>]*>|&[^;\s<>&]{1,32};|\n{2,}|\n|[ \t]+|[^<&\s]+|[<&]")
_TAG = re.compile(r"^<\s*(/?)\s*([A-Za-z][\w-]*)")
_LONG_RUN = 200


def escape(text: str) -> str:
    """Escape user or document text for parse_mode=HTML (<, >, & and quotes)."""
    return html.escape(text, quote=True)


@dataclass
class _Open:
    name: str
    tag: str  # the opening tag as written, attributes included


def split_html(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Split HTML into messages of at most ``limit`` characters.

    Cuts at paragraph breaks when possible, else at line breaks, else between words, never
    inside a tag or an entity; tags open at a cut are closed there and reopened after it.
    Counting the HTML source (not the rendered text) keeps every part within Telegram's limit.
    """
    text = text.strip()
    if len(text) <= limit:
        return [text] if text else []
    tokens = _tokens(text)
    parts: list[str] = []
    start, opened = 0, list[_Open]()
    while start < len(tokens):
        prefix = "".join(o.tag for o in opened)
        size, stack, end = len(prefix), list(opened), start
        cuts: list[tuple[int, list[_Open], int, int]] = []  # (end, stack, priority, size)
        while end < len(tokens):
            token = tokens[end]
            after = _after(stack, token)
            if end > start and size + len(token) + _closing_len(after) > limit:
                break
            size, stack, end = size + len(token), after, end + 1
            if priority := _break_priority(token):
                cuts.append((end, stack, priority, size))
        if end < len(tokens) and cuts:
            late = [c for c in cuts if c[3] >= limit // 2] or cuts
            top = max(c[2] for c in late)
            end, stack = next((c[0], c[1]) for c in reversed(late) if c[2] == top)
        part = (prefix + "".join(tokens[start:end])).strip() + _closing(stack)
        if _visible(part):
            parts.append(part)
        start, opened = end, stack
        while start < len(tokens) and tokens[start].isspace():
            start += 1
    return parts


def _after(stack: list[_Open], token: str) -> list[_Open]:
    """The open-tag stack after ``token``."""
    match = _TAG.match(token)
    if not match:
        return stack
    name = match.group(2).lower()
    if match.group(1) == "/":
        for i in range(len(stack) - 1, -1, -1):
            if stack[i].name == name:
                return stack[:i]
        return stack
    if token.endswith("/>"):
        return stack
    return [*stack, _Open(name, token)]


def _closing(stack: list[_Open]) -> str:
    return "".join(f"</{o.name}>" for o in reversed(stack))


def _closing_len(stack: list[_Open]) -> int:
    return sum(len(o.name) + 3 for o in stack)


def _break_priority(token: str) -> int:
    if token.startswith("\n\n"):
        return 3
    if token == "\n":
        return 2
    return 1 if token.isspace() else 0


def _tokens(text: str) -> list[str]:
    out: list[str] = []
    for token in _TOKEN.findall(text):
        if token[0] in "<&" and len(token) > 1:
            out.append(token)
            continue
        if token == "<":
            out.append("&lt;")
            continue
        if token == "&":
            out.append("&amp;")
            continue
        # Very long runs without spaces (URLs, dotted leaders) may be cut anywhere.
        out.extend(token[i : i + _LONG_RUN] for i in range(0, len(token), _LONG_RUN))
    return out


def _visible(part: str) -> bool:
    return bool(re.sub(r"<[^>]*>", "", part).strip())


def fit_html(text: str, limit: int) -> str:
    """The first ``limit`` characters' worth of HTML, cut cleanly, with "…" when shortened."""
    parts = split_html(text, limit - 1)
    if not parts:
        return ""
    return parts[0] if len(parts) == 1 else parts[0] + "…"


# ----------------------------------------------------------------------------- callback data


class CallbackDataError(ValueError):
    """Callback data that would not fit Telegram's 64 bytes."""


def pack(action: str, *args: int | str) -> str:
    """``c1:<action>:<arg>:…`` — at most 64 bytes, else CallbackDataError."""
    for arg in args:
        if ":" in str(arg):
            raise CallbackDataError(f"':' not allowed in callback argument {arg!r}")
    data = ":".join((CALLBACK_VERSION, action, *map(str, args)))
    if len(data.encode()) > CALLBACK_LIMIT:
        raise CallbackDataError(f"callback data over {CALLBACK_LIMIT} bytes: {data!r}")
    return data


def unpack(data: str | None) -> tuple[str, list[str]] | None:
    """``(action, args)`` of data made by :func:`pack`; None for foreign or outdated data."""
    if not data:
        return None
    version, _, rest = data.partition(":")
    if version != CALLBACK_VERSION or not rest:
        return None
    action, *args = rest.split(":")
    return action, args


def int_args(args: list[str], count: int) -> list[int] | None:
    """``count`` integer arguments, or None if the payload is malformed."""
    if len(args) != count:
        return None
    try:
        return [int(a) for a in args]
    except ValueError:
        return None
