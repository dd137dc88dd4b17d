"""Callback data of every inline button: one registry of action codes, one wire format.

A button carries ``c1:<action>:<arg>:…`` (Telegram allows 1–64 bytes). ``c1`` is the format's
version: buttons of an older format are recognised as stale, never misread. Every action the
bot's buttons can carry is an :class:`Action`; :func:`pattern` gives the handler's regex for one.
"""

from __future__ import annotations

from enum import StrEnum

CALLBACK_VERSION = "c1"
CALLBACK_LIMIT = 64


class Action(StrEnum):
    """What a button does; the value is what its callback data carries."""

    # answers and documents
    PASSAGE = "p"  # open a cited passage
    PAGE = "d"  # page through a document
    MORE = "m"  # «Thêm kết quả»
    FEEDBACK = "f"  # 👍 / 👎
    REVIEWED = "r"  # a secretary marks a 👎 as seen
    ORIGINAL = "o"  # send the original file
    DOC_CHECK = "dc"  # a secretary or admin: compared with the official text
    DOC_REMOVE = "dr"  # …: remove from the library (asks first)
    DOC_REPLACE = "dv"  # after an upload: the new version replaces the old one, or both stay
    DOC_SHARE = "ds"  # a đảng bộ secretary's upload: for the whole đảng bộ, not only their cell
    OCR_STOP = "os"  # stop recognising the pages one has sent
    # joining
    APPROVE = "a"
    REJECT = "x"
    REVOKE = "v"  # revoke an invite link
    RELINK = "l"
    ROSTER = "rs"  # apply or cancel a roster sheet after its preview
    # notices
    NOTICE_READ = "nr"
    NOTICE_STOP = "nx"
    NOTICE_REMIND = "nm"
    NOTICE_RESEND = "nu"
    NOTICE_REPORT = "ni"
    NOTICE_DRAFT = "nd"
    # meetings
    RSVP = "hr"
    VOTE = "hv"
    PANEL = "hp"
    MEETING_DRAFT = "hm"


def pattern(action: Action) -> str:
    """The CallbackQueryHandler pattern of one action."""
    return f"^{CALLBACK_VERSION}:{action}(:|$)"


class CallbackDataError(ValueError):
    """Callback data that would not fit Telegram's 64 bytes."""


def pack(action: Action | str, *args: int | str) -> str:
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
