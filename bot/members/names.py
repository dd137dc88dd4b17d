"""People's names as members type them and rosters list them."""

from __future__ import annotations

import re

from knowledge.text import nfc

_NAME_RE = re.compile(r"^[^\W\d_]+(?:[ '.-][^\W\d_]+)*$")


def normalize_name(raw: str) -> str:
    """A name tidied: NFC, single spaces, words capitalised ("nguyễn văn an" → "Nguyễn Văn An")."""
    words = nfc(raw).split()
    return " ".join(w[:1].upper() + w[1:].lower() for w in words)


def valid_name(name: str) -> bool:
    """Two to seven words of letters, as Vietnamese full names are."""
    words = name.split()
    return 2 <= len(words) <= 7 and len(name) <= 80 and bool(_NAME_RE.match(name))
