"""Vietnamese text primitives: NFC normalisation, clean-up and diacritic folding."""

from __future__ import annotations

import re
import unicodedata

# Characters that survive NFD decomposition as a single code point but carry a "diacritic"
# for matching purposes.
_STROKE = str.maketrans({"đ": "d", "Đ": "D"})

_WORD = re.compile(r"\w+", re.UNICODE)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
# A hyphen at a line end splits a word ("sinh ho-\nạt") unless it is part of a code or a name:
# "05-\nCT/TW" and "Mác-\nLênin" keep their hyphen and lose only the line break.
_HYPHEN_BREAK = re.compile(r"(\w)([-\u00ad])[ \t]*\n[ \t]*(\w)")
_SOFT_HYPHEN = "\u00ad"
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)


def nfc(text: str) -> str:
    """Return ``text`` in Unicode NFC, the only form Chibo stores and embeds."""
    return unicodedata.normalize("NFC", text)


def clean(text: str) -> str:
    """NFC, unify line ends, drop zero-width characters, join hyphenated line breaks, tidy spaces.

    Paragraph breaks (blank lines) are kept; runs of spaces collapse to one.
    """
    text = nfc(text).replace("\r\n", "\n").replace("\r", "\n").translate(_ZERO_WIDTH)
    text = _HYPHEN_BREAK.sub(_join_hyphenated, text).replace(_SOFT_HYPHEN, "")
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def _join_hyphenated(match: re.Match[str]) -> str:
    before, hyphen, after = match.groups()
    keep = hyphen == "-" and (before.isdigit() or after.isdigit() or after.isupper())
    return before + ("-" if keep else "") + after


def _strip_slow(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return unicodedata.normalize("NFC", bare).translate(_STROKE)


# Folding is on every hot path (indexing, every query), so precompute it per code point for the
# Latin blocks Vietnamese uses; combining marks left over after NFC are dropped.
_STRIP_TABLE: dict[int, str | None] = {}
for _cp in range(0x00C0, 0x1F00):
    _ch = chr(_cp)
    if unicodedata.category(_ch) == "Mn":
        _STRIP_TABLE[_cp] = None
    else:
        _bare = _strip_slow(_ch)
        if _bare != _ch:
            _STRIP_TABLE[_cp] = _bare
_STRIP_TABLE.update({ord("đ"): "d", ord("Đ"): "D"})


def strip_diacritics(text: str) -> str:
    """Remove tones and vowel marks and map đ→d, keeping case: ``Chỉ thị`` → ``Chi thi``."""
    return unicodedata.normalize("NFC", text).translate(_STRIP_TABLE)


def fold(text: str) -> str:
    """Lower-case and strip diacritics: the form used for lexical matching."""
    return strip_diacritics(text).lower()


def syllables(text: str) -> list[str]:
    """Split text into lower-cased syllables (``\\w+`` runs) after NFC."""
    return _WORD.findall(nfc(text).lower())


def folded_syllables(text: str) -> list[str]:
    """Syllables of the folded text."""
    return _WORD.findall(fold(text))


def has_diacritics(text: str) -> bool:
    """True when any letter carries a Vietnamese mark (or is đ)."""
    return strip_diacritics(text) != text
