"""Decode the raw bytes of a text file into NFC Unicode, whatever Vietnamese encoding it uses.

Party documents still circulate as ``.txt`` files in UTF-8 (with or without BOM), UTF-16,
Windows-1258, and the legacy 8-bit *font* encodings TCVN3 (ABC, the ``.VnTime`` fonts) and
VNI (``VNI-Times``). Legacy text also turns up already pasted into a Unicode file, where it
reads as mojibake such as ``ChØ thÞ`` (TCVN3) or ``Chæ thò`` (VNI) for ``Chỉ thị``.
:func:`decode_bytes` detects all of these. A legacy reading is only taken when a Vietnamese
syllable scorer clearly prefers it, so ordinary Unicode text is only NFC-normalised.

Third-party packages evaluated; neither is a dependency, the tables below are our own:

- ``vn-text`` 0.1.0 has no legacy-encoding support (only deaccent/fold/NFC and an ``Ð``→``Đ``
  repair), so it cannot do this job.
- ``viparse`` 0.1.31 has TCVN3/VNI→Unicode tables for strings but no encoder and no
  bytes/BOM/UTF-16/cp1258 handling. Its VNI table expects ``yï``/``YÏ`` for ``ỵ``/``Ỵ``, while
  VNI-Windows writes the single bytes ``î``/``Î``, and it has no ``ẳ``/``Ẳ`` (``aú``/``AÚ``),
  so our Party paragraph and all-letters VNI round trips fail. Its auto-detection leaves a
  one-line TCVN3 file as mojibake and reads the VNI line ``Chæ thò soá 05`` as VISCII, giving
  ``Chữ thò soá 05``.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from knowledge.text import nfc

__all__ = [
    "Decoded",
    "UndecodableError",
    "decode_bytes",
    "tcvn3_to_unicode",
    "unicode_to_tcvn3",
    "unicode_to_vni",
    "vni_to_unicode",
]


@dataclass(frozen=True)
class Decoded:
    """Text decoded from a file and the encoding it was found to be in."""

    text: str  # NFC Unicode
    encoding: str  # "utf-8", "utf-8-sig", "utf-16", "cp1258", "tcvn3", "vni" or "ascii"


class UndecodableError(ValueError):
    """The bytes are not text in any encoding Chibo knows (usually binary data)."""


# --- Shared 8-bit plumbing -------------------------------------------------------------------

# Legacy-font documents were saved through the Windows-1252 code page, so 0x80-0x9F hold its
# punctuation (“ ” – … are common in Party texts), not C1 controls. Undefined slots stay as-is
# and later count as control characters.
_CP1252_C1: dict[int, str] = {
    byte: ch
    for byte in range(0x80, 0xA0)
    if (ch := bytes([byte]).decode("cp1252", errors="replace")) != "\ufffd"
}


def _charmap(overrides: dict[int, str]) -> str:
    """A 256-entry decoding table for ``codecs.charmap_decode``: Latin-1 with overrides."""
    return "".join(overrides.get(byte, chr(byte)) for byte in range(256))


_GLYPH_TABLE = _charmap(_CP1252_C1)
# Windows-1258 leaves a few bytes undefined (0x8A Š, 0x9A š ...); reading them as cp1252 keeps
# Western text intact instead of inserting replacement characters.
_CP1258_TABLE = _charmap(
    _CP1252_C1
    | {
        byte: ch
        for byte in range(0x80, 0x100)
        if (ch := bytes([byte]).decode("cp1258", errors="replace")) != "\ufffd"
    }
)


def _glyph_string(data: bytes) -> str:
    """Bytes as the characters a Windows machine shows them as (cp1252, Latin-1 for gaps)."""
    return codecs.charmap_decode(data, "strict", _GLYPH_TABLE)[0]


def _surface_bytes(text: str) -> bytes | None:
    """The legacy-file bytes that show as ``text``, or None if it holds other characters."""
    try:
        return text.encode("cp1252")
    except UnicodeEncodeError:
        return None


def _surface_encode(ch: str, encoding: str) -> int:
    """The single byte that shows as ``ch`` in a legacy file, or raise ``ValueError``."""
    try:
        return ch.encode("cp1252")[0]
    except UnicodeEncodeError:
        if 0x80 <= ord(ch) < 0xA0 and ord(ch) not in _CP1252_C1:  # cp1252 gaps read back as-is
            return ord(ch)
    raise ValueError(f"{ch!r} cannot be written in {encoding}")


# --- TCVN3 -----------------------------------------------------------------------------------

# TCVN 5712:1993 VN3 ("ABC"), the layout of the .VnTime fonts, checked against glibc's
# TCVN5712-1 converter. VN3 has upper-case glyphs only for the seven base letters Ă Â Ê Ô Ơ Ư Đ;
# upper-case *toned* letters were drawn by switching to the .VnTimeH font over the same bytes
# as the lower-case ones. Bytes missing here are not letters and pass through unchanged.
_TCVN3_BYTES: dict[int, str] = {
    0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ",
    0xA8: "ă", 0xA9: "â", 0xAA: "ê", 0xAB: "ô", 0xAC: "ơ", 0xAD: "ư", 0xAE: "đ",
    0xB5: "à", 0xB6: "ả", 0xB7: "ã", 0xB8: "á", 0xB9: "ạ",
    0xBB: "ằ", 0xBC: "ẳ", 0xBD: "ẵ", 0xBE: "ắ",
    0xC6: "ặ", 0xC7: "ầ", 0xC8: "ẩ", 0xC9: "ẫ", 0xCA: "ấ", 0xCB: "ậ",
    0xCC: "è", 0xCE: "ẻ", 0xCF: "ẽ", 0xD0: "é", 0xD1: "ẹ",
    0xD2: "ề", 0xD3: "ể", 0xD4: "ễ", 0xD5: "ế", 0xD6: "ệ",
    0xD7: "ì", 0xD8: "ỉ", 0xDC: "ĩ", 0xDD: "í", 0xDE: "ị",
    0xDF: "ò", 0xE1: "ỏ", 0xE2: "õ", 0xE3: "ó", 0xE4: "ọ",
    0xE5: "ồ", 0xE6: "ổ", 0xE7: "ỗ", 0xE8: "ố", 0xE9: "ộ",
    0xEA: "ờ", 0xEB: "ở", 0xEC: "ỡ", 0xED: "ớ", 0xEE: "ợ",
    0xEF: "ù", 0xF1: "ủ", 0xF2: "ũ", 0xF3: "ú", 0xF4: "ụ",
    0xF5: "ừ", 0xF6: "ử", 0xF7: "ữ", 0xF8: "ứ", 0xF9: "ự",
    0xFA: "ỳ", 0xFB: "ỷ", 0xFC: "ỹ", 0xFD: "ý", 0xFE: "ỵ",
}  # fmt: skip

_TCVN3_DECODE: dict[int, str] = dict(_TCVN3_BYTES)
_TCVN3_TABLE = _charmap(_CP1252_C1 | _TCVN3_BYTES)
_TCVN3_ENCODE: dict[str, int] = {letter: byte for byte, letter in _TCVN3_BYTES.items()}
for _byte, _letter in _TCVN3_BYTES.items():
    # Upper-case toned letters share the lower-case byte, as typed under .VnTimeH.
    _TCVN3_ENCODE.setdefault(_letter.upper(), _byte)
del _byte, _letter


def _case_class(byte: int) -> int:
    """What a TCVN3 byte says about case: U upper, l lower, c unknown, . not a letter.

    Line breaks and digits are "|": capitals do not carry across them (in "Sè 27-Q§/§U" the
    code QĐ/ĐU says nothing about whether "Sè" is "Số" or "SỐ").
    """
    if byte in _TCVN3_BYTES:
        # A lower-case glyph is drawn as a capital under .VnTimeH, so its case is unknown.
        return ord("U" if _TCVN3_BYTES[byte].isupper() else "c")
    if chr(byte).isascii() and chr(byte).isalpha():
        return ord("U" if chr(byte).isupper() else "l")
    if chr(byte) in "0123456789\r\n\v\f":
        return ord("|")
    return ord(".")


_TCVN3_CASE_BYTES = bytes(_case_class(byte) for byte in range(256))
# The same for text beyond cp1252; characters above U+00FF are never "U", "l" or "c".
_TCVN3_CASE = {byte: chr(cls) for byte, cls in enumerate(_TCVN3_CASE_BYTES)}
_CASE_LETTER = re.compile("[Ulc]")
_CASE_NO_LOWER = re.compile("(?<![Ulc])[Uc]+(?![Ulc])")  # whole words without a lower-case letter
_CASE_CAPITAL = re.compile("(?<![Ulc])c*Uc*U[Uc]*(?![Ulc])")  # two capitals, no lower-case


def tcvn3_to_unicode(text: str) -> str:
    """Convert TCVN3 text (bytes read as Latin-1/cp1252, or its mojibake) to NFC Unicode.

    Upper-case toned letters have no byte of their own in TCVN3, so they are restored only
    inside all-capital words (``CHØ THÞ`` → ``CHỈ THỊ``); an isolated one (``Ên §é`` for
    ``Ấn Độ``) comes back lower-case (``ấn Độ``).
    """
    raw = _surface_bytes(text)
    if raw is not None:
        return _tcvn3_from_bytes(raw)
    return nfc(_restore_caps(text.translate(_TCVN3_CASE), text.translate(_TCVN3_DECODE)))


def _tcvn3_from_bytes(data: bytes) -> str:
    """Decode TCVN3 bytes (the fast path: C-level table look-ups, no per-character Python)."""
    converted = codecs.charmap_decode(data, "strict", _TCVN3_TABLE)[0]
    return nfc(_restore_caps(data.translate(_TCVN3_CASE_BYTES).decode("ascii"), converted))


def _restore_caps(cases: str, converted: str) -> str:
    """Upper-case the case-less glyphs of words that are otherwise written in capitals.

    ``cases`` classifies each character of ``converted`` as in ``_TCVN3_CASE_BYTES``.
    """
    spans: list[tuple[int, int]] = []
    stop = -1
    # Nothing changes in a stretch between context breaks ("|") without a capital word, so
    # only those stretches are examined.
    for capital in _CASE_CAPITAL.finditer(cases):
        if capital.start() < stop:
            continue
        start = cases.rfind("|", 0, capital.start()) + 1
        stop = cases.find("|", capital.end())
        stop = len(cases) if stop < 0 else stop
        spans += _capital_spans(cases, start, stop)
    if not spans:
        return converted
    pieces, end = [], 0
    for first, last in spans:
        pieces += [converted[end:first], converted[first:last].upper()]
        end = last
    pieces.append(converted[end:])
    return "".join(pieces)


def _capital_spans(cases: str, start: int, stop: int) -> list[tuple[int, int]]:
    """Spans in ``cases[start:stop]`` of words with case-less glyphs that are in capitals."""
    # Only words without a lower-case letter can change; a None entry stands for the words
    # with lower-case letters between them, which break a stretch of capitals.
    words: list[tuple[int, int, str] | None] = []
    end = start
    for match in _CASE_NO_LOWER.finditer(cases, start, stop):
        if _CASE_LETTER.search(cases, end, match.start()):
            words.append(None)
        upper = match.group().count("U")
        kind = "capital" if upper >= 2 else "unsure" if "c" in match.group() else "other"
        words.append((match.start(), match.end(), kind))
        end = match.end()
    if _CASE_LETTER.search(cases, end, stop):
        words.append(None)
    kinds = ["other" if word is None else word[2] for word in words]

    # A word too short to judge alone ("§Ó" is "Để" or "ĐỂ") follows its context: a stretch
    # of such words is in capitals only when the words on both sides of it are.
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(words):
        if kinds[i] == "capital":
            stretch, i = range(i, i + 1), i + 1
        elif kinds[i] == "unsure":
            first = i
            while i < len(words) and kinds[i] == "unsure":
                i += 1
            sides = [kinds[k] == "capital" for k in (first - 1, i) if 0 <= k < len(words)]
            stretch = range(first, i) if sides and all(sides) else range(0)
        else:
            i += 1
            continue
        for k in stretch:
            word = words[k]
            if word is not None and "c" in cases[word[0] : word[1]]:
                spans.append((word[0], word[1]))
    return spans


def unicode_to_tcvn3(text: str) -> bytes:
    """Encode text as TCVN3 bytes (upper-case toned letters use the lower-case glyph byte)."""
    out = bytearray()
    for ch in nfc(text):
        if ch < "\x80":
            out.append(ord(ch))
        elif ch in _TCVN3_ENCODE:
            out.append(_TCVN3_ENCODE[ch])
        else:
            byte = _surface_encode(ch, "TCVN3")
            if byte in _TCVN3_BYTES:  # would read back as a Vietnamese letter
                raise ValueError(f"{ch!r} cannot be written in TCVN3")
            out.append(byte)
    return bytes(out)


# --- VNI -------------------------------------------------------------------------------------

# VNI-Windows writes a toned vowel as a base letter followed by a mark byte. The rules below
# generate the full table (cross-checked with xvnkb's vni.h and Unikey's VNI-Win charset):
# tone marks ù ø û õ ï (sắc huyền hỏi ngã nặng); circumflex â, or á à å ã ä when it carries a
# tone; breve ê, or é è ú ü ë with a tone; ơ ư đ are the single bytes ô ö ñ; i with a tone is
# one byte (í ì æ ó ò) and so is ỵ (î). Capitals use the upper-case form of every byte.
_TONES = ("\u0301", "\u0300", "\u0309", "\u0303", "\u0323")  # sắc huyền hỏi ngã nặng
_VNI_TONE = dict(zip(_TONES, "ùøûõï", strict=True))
_VNI_CIRCUMFLEX = dict(zip(_TONES, "áàåãä", strict=True))
_VNI_BREVE = dict(zip(_TONES, "éèúüë", strict=True))
_VNI_I = dict(zip(_TONES, "íìæóò", strict=True))


def _vni_lower() -> dict[str, str]:
    """Lower-case Vietnamese letter → VNI character sequence."""
    table = {"đ": "ñ", "ơ": "ô", "ư": "ö", "â": "aâ", "ê": "eâ", "ô": "oâ", "ă": "aê"}
    for letter, base in (("a", "a"), ("e", "e"), ("o", "o"), ("u", "u"), ("y", "y")):
        table.update({nfc(letter + t): base + m for t, m in _VNI_TONE.items()})
    for letter, base in (("ơ", "ô"), ("ư", "ö")):
        table.update({nfc(letter + t): base + m for t, m in _VNI_TONE.items()})
    for letter, base in (("â", "a"), ("ê", "e"), ("ô", "o")):
        table.update({nfc(letter + t): base + m for t, m in _VNI_CIRCUMFLEX.items()})
    table.update({nfc("ă" + t): "a" + m for t, m in _VNI_BREVE.items()})
    table.update({nfc("i" + t): m for t, m in _VNI_I.items()})
    table["ỵ"] = "î"
    return table


_VNI_ENCODE: dict[str, str] = {}
for _letter, _seq in _vni_lower().items():
    _VNI_ENCODE[_letter] = _seq
    _VNI_ENCODE[_letter.upper()] = _seq.upper()
del _letter, _seq

_VNI_DECODE: dict[str, str] = {}
for _letter, _seq in _VNI_ENCODE.items():
    if _seq == _letter:  # ì í Ì Í are the same character in both
        continue
    _VNI_DECODE[_seq] = _letter
    if len(_seq) == 2:
        # Typists mixed capital letters with lower-case marks and back; the base decides case.
        _VNI_DECODE.setdefault(_seq[0] + _seq[1].swapcase(), _letter)
del _letter, _seq

_VNI_PATTERN = re.compile(
    "|".join(re.escape(seq) for seq in sorted(_VNI_DECODE, key=len, reverse=True))
)
# Single bytes that VNI reads as a letter, so a Unicode text cannot keep them as themselves.
_VNI_RESERVED = frozenset(seq for seq in _VNI_DECODE if len(seq) == 1)


def vni_to_unicode(text: str) -> str:
    """Convert VNI text (bytes read as Latin-1/cp1252, or its mojibake) to NFC Unicode."""
    return nfc(_VNI_PATTERN.sub(lambda m: _VNI_DECODE[m.group()], text))


def unicode_to_vni(text: str) -> bytes:
    """Encode text as VNI-Windows bytes."""
    out = bytearray()
    for ch in nfc(text):
        if ch < "\x80":
            out.append(ord(ch))
        elif ch in _VNI_ENCODE:
            out += _VNI_ENCODE[ch].encode("latin-1")
        elif ch in _VNI_RESERVED:
            raise ValueError(f"{ch!r} cannot be written in VNI")
        else:
            out.append(_surface_encode(ch, "VNI"))
    return bytes(out)


# --- Scoring ---------------------------------------------------------------------------------

_TONE_MARKS = frozenset(_TONES)
_NUCLEI = (
    "iêu|yêu|oai|oao|oay|oeo|uây|uôi|uya|uyê|uyu|ươi|ươu|"
    "ai|ao|au|ay|âu|ây|eo|êu|ia|iu|iê|oa|oă|oe|oi|oo|ôi|ơi|ua|uâ|uê|ui|uô|uơ|uy|ưa|ưi|ươ|ưu|yê|"
    "a|ă|â|e|ê|i|o|ô|ơ|u|ư|y"
)
# Loose on purpose: it only has to tell Vietnamese syllables from mojibake and foreign words.
_SYLLABLE = re.compile(
    f"(?:ngh|ng|nh|ch|gh|gi|kh|ph|th|tr|qu|[bcdđghklmnprstvx])?(?:{_NUCLEI})(?:ch|ng|nh|[cmnpt])?"
)
# Tokens run between spaces and punctuation that is no legacy glyph, so the raw and the
# converted reading of a line split into the same number of tokens, pairwise aligned.
_TOKEN = re.compile(r"[^\s\-/.,;:!?()\[\]{}<>\"'*“”‘’„…–—•]+")
_SCORE_LIMIT = 200_000  # characters: plenty of evidence, bounded cost on huge files


@lru_cache(maxsize=65536)
def _is_syllable(token: str) -> bool:
    """True when ``token`` is spelled like one Vietnamese syllable with at most one tone."""
    decomposed = unicodedata.normalize("NFD", token.lower())
    if sum(ch in _TONE_MARKS for ch in decomposed) > 1:
        return False
    base = nfc("".join(ch for ch in decomposed if ch not in _TONE_MARKS))
    return _SYLLABLE.fullmatch(base) is not None


def _tokens(text: str) -> list[str]:
    """Word-like tokens: runs between whitespace, hyphens, slashes and punctuation."""
    return _TOKEN.findall(text)


_LETTER = re.compile(r"[^\W\d_]")
_DIGIT = re.compile(r"\d")
_ASCII_LETTER = re.compile("[A-Za-z]")
_NO_WORD, _OTHER_WORD, _SYLLABLE_WORD = 0, 1, 2


@lru_cache(maxsize=65536)
def _judge(token: str) -> int:
    """Classify a token; words need a letter and no digit (codes like 05-CT/TW say nothing)."""
    if not _LETTER.search(token) or _DIGIT.search(token):
        return _NO_WORD
    return _SYLLABLE_WORD if _is_syllable(token) else _OTHER_WORD


def _valid_count(text: str) -> int:
    """How many tokens of ``text`` are Vietnamese syllables."""
    return sum(1 for t in _tokens(text) if _judge(t) == _SYLLABLE_WORD)


@dataclass
class _Evidence:
    """How a legacy reading changes the tokens of a text."""

    words: int = 0
    valid: int = 0  # words that are syllables in the legacy reading
    gained: int = 0  # changed words that became syllables
    strong: int = 0  # ... of which mixed ASCII letters with legacy glyphs ("thÞ")
    lost: int = 0  # changed words that stopped being syllables
    spoiled: int = 0  # changed words that were syllables before

    def add(self, raw: str, converted: str) -> None:
        """Score one line (or text) read raw and in the legacy encoding."""
        tokens_after = _tokens(converted)
        judged = list(map(_judge, tokens_after))
        self.words += len(judged) - judged.count(_NO_WORD)
        self.valid += judged.count(_SYLLABLE_WORD)
        self.add_changes(raw, converted, tokens_after)

    def add_changes(self, raw: str, converted: str, tokens_after: list[str] | None = None) -> None:
        """Score only the tokens the legacy reading changes (enough to judge one line)."""
        if tokens_after is None:
            tokens_after = _tokens(converted)
        pairs = zip(_tokens(raw), tokens_after, strict=False)
        for before, after in [(b, a) for b, a in pairs if b != a]:
            ok_before = _judge(before) == _SYLLABLE_WORD
            ok_after = _judge(after) == _SYLLABLE_WORD
            self.spoiled += ok_before
            if ok_after and not ok_before:
                self.gained += 1
                self.strong += _ASCII_LETTER.search(before) is not None
            elif ok_before and not ok_after:
                self.lost += 1

    def decisive(self) -> bool:
        """The legacy reading is clearly better: real words appear and few are destroyed.

        Lone glyphs such as ``©`` → ``â`` are weak evidence, so at least two gained words must
        mix ASCII letters with glyphs, which only mojibake does.
        """
        return self.strong >= 2 and self.gained >= 3 * self.lost

    def convert_line(self) -> bool:
        """Within a legacy document, whether this line should take the legacy reading."""
        return self.gained > self.lost or self.spoiled == 0


def _vni_from_bytes(data: bytes) -> str:
    """Decode VNI bytes."""
    return vni_to_unicode(_glyph_string(data))


# Legacy encodings tried by detection: name, converter for mojibake text, converter for bytes.
_LEGACY: tuple[tuple[str, Callable[[str], str], Callable[[bytes], str]], ...] = (
    ("tcvn3", tcvn3_to_unicode, _tcvn3_from_bytes),
    ("vni", vni_to_unicode, _vni_from_bytes),
)


def _best_legacy(pairs: Iterable[tuple[str, str, str]]) -> tuple[str, _Evidence] | None:
    """Among (encoding, raw, converted) readings, the decisive one with most valid words."""
    evidence: dict[str, _Evidence] = {}
    for name, raw, converted in pairs:
        evidence.setdefault(name, _Evidence()).add(raw, converted)
    ranked = sorted(
        ((ev.gained - ev.lost, name) for name, ev in evidence.items() if ev.decisive()),
        reverse=True,
    )
    if not ranked:
        return None
    name = ranked[0][1]
    return name, evidence[name]


_GLYPH = re.compile("[\xa1-\xff]")
# Anything a legacy-font byte cannot surface as: not Latin-1 and not cp1252 punctuation.
_BEYOND_LEGACY = re.compile("[^\x00-\xff" + re.escape("".join(_CP1252_C1.values())) + "]")


def _convert_lines(convert: Callable[[str], str], lines: list[str]) -> list[str]:
    """Convert many lines in one call (per-call overhead dominates on big files)."""
    converted = convert("".join(lines)).splitlines(keepends=True)
    # Conversion never adds or removes line breaks, but stay correct if it somehow did.
    return converted if len(converted) == len(lines) else [convert(line) for line in lines]


def _repair_mojibake(text: str) -> tuple[str, str | None]:
    """Convert legacy-font mojibake pasted into a Unicode file; return (text, legacy name)."""
    lines = text.splitlines(keepends=True)
    # A line with any character beyond the legacy repertoire (ư, ạ, đ, CJK ...) was typed
    # in Unicode, so it is never a candidate; that is what protects ordinary Vietnamese.
    candidates = [
        i for i, line in enumerate(lines) if _GLYPH.search(line) and not _BEYOND_LEGACY.search(line)
    ]
    if not candidates:
        return text, None
    raw = [lines[i] for i in candidates]
    sample, size = [], 0
    for line in raw:
        sample.append(line)
        size += len(line)
        if size > _SCORE_LIMIT:
            break
    best = _best_legacy(
        (name, line, converted)
        for name, convert, _ in _LEGACY
        for line, converted in zip(sample, _convert_lines(convert, sample), strict=True)
    )
    if best is None:
        return text, None
    name = best[0]
    convert = next(convert for legacy, convert, _ in _LEGACY if legacy == name)
    for i, before, after in zip(candidates, raw, _convert_lines(convert, raw), strict=True):
        line_evidence = _Evidence()
        line_evidence.add_changes(before, after)
        if line_evidence.convert_line():
            lines[i] = after
    return "".join(lines), name


# --- Binary detection ------------------------------------------------------------------------

# C0/C1 control codes other than tab, line and page breaks, plus replacement characters.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffd]")


def _check_controls(text: str) -> None:
    """Raise when control characters show the data is binary rather than text."""
    controls = sum(1 for _ in _CONTROL.finditer(text))
    if controls > max(1, len(text) // 100):
        raise UndecodableError(
            f"looks like binary data, not text: {controls} of {len(text)} characters "
            "are control codes"
        )


def _utf16_without_bom(data: bytes) -> str | None:
    """Detect BOM-less UTF-16 by its NUL pattern (ASCII characters have a zero high byte)."""
    if len(data) < 4 or len(data) % 2:
        return None
    half = len(data) // 2
    zero_even = data[0::2].count(0) / half
    zero_odd = data[1::2].count(0) / half
    for zero_high, zero_low, codec in ((zero_odd, zero_even, "utf-16-le"),
                                       (zero_even, zero_odd, "utf-16-be")):  # fmt: skip
        # Some letters have a zero low byte too (U+0100, U+1E00, combining U+0300), so only
        # require the high-byte zeros to dominate.
        if zero_high >= 0.3 and zero_low <= 0.05:
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                return None
    return None


# --- Entry point -----------------------------------------------------------------------------


def decode_bytes(data: bytes) -> Decoded:
    """Decode a text file's bytes to NFC Unicode, detecting its encoding.

    Raises :class:`UndecodableError` when the bytes are binary data rather than text.
    An empty input decodes to empty text.
    """
    if not data:
        return Decoded("", "ascii")
    if data.startswith(b"\xef\xbb\xbf"):
        return _from_unicode(_strict(data, "utf-8-sig", "a UTF-8"), "utf-8-sig")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _from_unicode(_strict(data, "utf-16", "a UTF-16"), "utf-16")
    if b"\x00" in data:
        text = _utf16_without_bom(data)
        if text is None:
            raise UndecodableError(
                f"looks like binary data, not text: it contains {data.count(0)} NUL bytes"
            )
        return _from_unicode(text, "utf-16")
    # Old DOS editors ended files with Ctrl-Z; it is an end marker, not content.
    data = data.rstrip(b"\x1a")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return _from_8bit(data)
    return _from_unicode(text, "ascii" if data.isascii() else "utf-8")


def _strict(data: bytes, codec: str, label: str) -> str:
    """Decode after a byte-order mark, turning failure into a plain-English error."""
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise UndecodableError(
            f"starts with {label} byte-order mark but is not valid {label[2:]} "
            f"(bad byte at offset {exc.start})"
        ) from exc


def repair_legacy(text: str) -> tuple[str, str | None]:
    """Text typed in a legacy Vietnamese font (.VnTime, VNI-Times) that a converter passed on
    as Windows letters (``§¶ng ñy``), back to Unicode; and which legacy encoding it was."""
    repaired, legacy = _repair_mojibake(text)
    return nfc(repaired), legacy


def _from_unicode(text: str, encoding: str) -> Decoded:
    """Finish a text decoded from a Unicode encoding: binary check, mojibake repair, NFC."""
    _check_controls(text)
    repaired, legacy = _repair_mojibake(text)
    return Decoded(nfc(repaired), legacy or encoding)


def _from_8bit(data: bytes) -> Decoded:
    """Pick the best of cp1258, TCVN3 and VNI for bytes that are not UTF-8."""
    head = data[:_SCORE_LIMIT]
    windows_head = nfc(codecs.charmap_decode(head, "strict", _CP1258_TABLE)[0])
    # Judged against the Windows-1258 reading, the one we take otherwise: both keep every
    # whitespace byte in place, so their tokens line up.
    best = _best_legacy((name, windows_head, convert(head)) for name, _, convert in _LEGACY)
    if best is not None and best[1].valid > _valid_count(windows_head):
        encoding = best[0]
        text = next(convert for name, _, convert in _LEGACY if name == encoding)(data)
    else:
        text, encoding = nfc(codecs.charmap_decode(data, "strict", _CP1258_TABLE)[0]), "cp1258"
    _check_controls(text)
    sample = text[:_SCORE_LIMIT]
    words = [judged for judged in map(_judge, _tokens(sample)) if judged != _NO_WORD]
    non_ascii = sum(not ch.isascii() for ch in sample) / len(sample)
    # Western cp1252 text is mostly ASCII; junk that is mostly high bytes and reads as no
    # Vietnamese in any encoding is not text.
    if non_ascii > 0.3 and words.count(_SYLLABLE_WORD) < 0.25 * max(len(words), 1):
        raise UndecodableError(
            "looks like binary data, not text: it is not UTF-8 and does not read as "
            "Vietnamese or Western text in Windows-1258, TCVN3 or VNI"
        )
    return Decoded(text, encoding)
