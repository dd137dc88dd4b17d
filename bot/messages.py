"""Telegram's message rules for text: HTML escaping, splitting long HTML, captions.

Plain text rules, no Telegram objects: the domain packages split what they queue with them.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024

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
