"""Party document numbers: find every spelling in text or a question, and write it as ``05-CT/TW``.

Canonical form is ``<number, at least 2 digits>-<type code>/<issuer code>``. A mention that lacks
the issuer ("chỉ thị số 05", "KL21") stays partial: it is never completed by guessing, only
matched against numbers the caller knows (``canonicalize``).

Decisions on ambiguous spellings:

- State document numbers (``15/2020/NĐ-CP``, ``123/QĐ-TTg``, ``01/NQ-CP``) are not matched at all:
  the corpus is Party documents, and a State number read as a Party one is a wrong citation.
  For the same reason the slash-first spelling ``05/CT-TW`` is only read as Party when the issuer
  looks like a Party issuer (``TW``, ``...TW``, ``ĐU...``, ``TU``, ``BCS...``).
- A type word or code must sit right before the number ("Nghị quyết Trung ương 4" is a plenum),
  and a bare number after a type word is rejected when a unit follows ("kế hoạch 5 năm",
  "báo cáo 6 tháng", "nghị quyết 4 khóa XII") or it is part of a date, range, fraction or percent.
- Short codes that are also everyday words or abbreviations (``da`` = "đã", ``tb``, ``bc``, ``kh``,
  ``cv``, ``qc``, ``bb``) only introduce a bare number when written in capitals ("TB 12"); the
  safe ones (``ct``, ``nq``, ``kl``, ``hd``, ``ctr``, ``ttr``, ``qd``) work in any case ("kl 21").
- Space-separated issuers ("05 ct tw", "hd 12 btctw") must be Party issuers; in lower case only
  ``...tw`` and known codes that are not also syllables count ("chi thi 05 tu ...", "... duoc"
  are prose), while capitals ("chỉ thị 05 TU") are trusted.
- Issuers: upper-cased, ``TƯ`` → ``TW``, ``D`` → ``Đ`` for known issuers and for any code starting
  ``DU``/``DD`` (Đảng ủy, Đảng đoàn). Issuers are compared ignoring Đ/D when matching.
- ``span`` indexes the text exactly as passed (NFD input included) and ``raw == text[span]``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from knowledge.text import fold, nfc

TYPE_CODES: dict[str, str] = {
    "CT": "Chỉ thị",
    "NQ": "Nghị quyết",
    "KL": "Kết luận",
    "HD": "Hướng dẫn",
    "CTr": "Chương trình",
    "QĐ": "Quy định",
    "KH": "Kế hoạch",
    "TB": "Thông báo",
    "BC": "Báo cáo",
    "QC": "Quy chế",
    "ĐA": "Đề án",
    "CV": "Công văn",
    "TTr": "Tờ trình",
    "BB": "Biên bản",
}

# Type names as written before a number → code. Quy định and Quyết định share QĐ.
TYPE_NAMES: dict[str, str] = {
    "chỉ thị": "CT",
    "nghị quyết": "NQ",
    "kết luận": "KL",
    "hướng dẫn": "HD",
    "chương trình": "CTr",
    "chương trình hành động": "CTr",
    "quy định": "QĐ",
    "quyết định": "QĐ",
    "kế hoạch": "KH",
    "thông báo": "TB",
    "báo cáo": "BC",
    "quy chế": "QC",
    "đề án": "ĐA",
    "công văn": "CV",
    "tờ trình": "TTr",
    "biên bản": "BB",
}

# Known issuer codes; any other letter code is still accepted in the full "05-CT/XYZ" form.
ISSUER_CODES: dict[str, str] = {
    "TW": "Trung ương (Ban Chấp hành Trung ương, Bộ Chính trị, Ban Bí thư)",
    "BTCTW": "Ban Tổ chức Trung ương",
    "BTGTW": "Ban Tuyên giáo Trung ương",
    "BTGDVTW": "Ban Tuyên giáo và Dân vận Trung ương",
    "BDVTW": "Ban Dân vận Trung ương",
    "BNCTW": "Ban Nội chính Trung ương",
    "BKTTW": "Ban Kinh tế Trung ương",
    "BĐNTW": "Ban Đối ngoại Trung ương",
    "UBKTTW": "Ủy ban Kiểm tra Trung ương",
    "VPTW": "Văn phòng Trung ương Đảng",
    "QUTW": "Quân ủy Trung ương",
    "ĐUCATW": "Đảng ủy Công an Trung ương",
    "ĐUKCQTW": "Đảng ủy Khối các cơ quan Trung ương",
    "ĐUKDNTW": "Đảng ủy Khối Doanh nghiệp Trung ương",
    "ĐUCQĐTW": "Đảng ủy các cơ quan Đảng Trung ương",
    "ĐUCP": "Đảng ủy Chính phủ",
    "ĐUQH": "Đảng ủy Quốc hội",
    "ĐUK": "Đảng ủy Khối",
    "ĐUKCQ": "Đảng ủy Khối các cơ quan",
    "ĐUKDN": "Đảng ủy Khối Doanh nghiệp",
    "ĐU": "Đảng ủy",
    "ĐĐ": "Đảng đoàn",
    "BCS": "Ban cán sự đảng",
    "UBKT": "Ủy ban Kiểm tra",
    "TU": "Tỉnh ủy, Thành ủy",
    "HU": "Huyện ủy",
    "QU": "Quận ủy",
    "THU": "Thị ủy",
    "CB": "Chi bộ",
}

_ISSUER_BY_PLAIN = {code.replace("Đ", "D"): code for code in ISSUER_CODES}
_CODE_BY_FOLDED = {fold(code): code for code in TYPE_CODES}
_TYPE_BY_FOLDED_NAME = {fold(name): code for name, code in TYPE_NAMES.items()}
# Codes that are also common words or abbreviations: only capitals introduce a bare number.
_AMBIGUOUS_CODES = frozenset({"da", "tb", "bc", "kh", "cv", "qc", "bb"})
_PARTY_ISSUER_PREFIXES = ("ĐU", "ĐĐ", "BCS", "UBKT")
# Issuer codes that are also everyday syllables typed without diacritics ("tu", "thu", "du").
_WORDLIKE_ISSUERS = frozenset({"TU", "HU", "QU", "THU", "ĐU", "ĐĐ", "CB"})

_DASH = "[-\u2010\u2011\u2012\u2013\u2014\u2212]"
_SLASH = "[/\\\\\u2044\u2215]"
_CODE = "(?:" + "|".join(sorted(_CODE_BY_FOLDED, key=len, reverse=True)) + ")(?![a-z])"
_ISSUER = "[a-z]{2,12}(?!\\w)"
_WORDS = "|".join(
    r"\s+".join(map(re.escape, name.split()))
    for name in sorted([*_TYPE_BY_FOLDED_NAME, *_CODE_BY_FOLDED], key=len, reverse=True)
)

# Everything runs on the folded text (lower case, no diacritics), so every spelling looks alike.
_MENTION = re.compile(
    rf"(?P<prefix>\b(?P<word>{_WORDS})(?![a-z])(?:\s+so(?![a-z]))?\s*[:.]?\s*)?(?P<num>\d{{1,4}})"
)
_TAIL_DASH = re.compile(
    rf"(?P<gap1>\s*){_DASH}(?P<gap2>\s*)(?P<t>{_CODE})(?:\s*{_SLASH}\s*(?P<i>{_ISSUER}))?(?!\w)"
)
_TAIL_SLASH = re.compile(rf"\s*{_SLASH}\s*(?P<t>{_CODE})\s*{_DASH}\s*(?P<i>{_ISSUER})")
_TAIL_SPACED = re.compile(rf"\s+(?P<t>{_CODE})\s+(?P<i>{_ISSUER})")
_TAIL_ISSUER = re.compile(rf"\s+(?P<i>{_ISSUER})")
_SLASH_NEXT = re.compile(rf"\s*{_SLASH}")
_TAIL_SLASH_ISSUER = re.compile(rf"\s*{_SLASH}\s*(?P<i>{_ISSUER})")

_UNITS = [
    "nam", "thang", "ngay", "tuan", "gio", "phut", "nguoi", "dang vien", "dong chi", "lan",
    "phan tram", "ty", "trieu", "nghin", "ngan", "dong", "km", "kg", "ha", "diem", "muc",
    "noi dung", "nhiem vu", "giai phap", "van ban", "bai", "trang", "buoc", "dieu", "khoan",
    "chuong", "phan", "tieu chi", "chi bo", "dang bo", "don vi", "to chuc", "co so", "thanh vien",
]  # fmt: skip
_UNIT = "|".join(r"\s+".join(unit.split()) for unit in sorted(_UNITS, key=len, reverse=True))
# What may not follow a bare "type word + number": it would be a quantity, date, range or term.
_NOT_A_NUMBER = re.compile(
    rf"\w|\s*{_SLASH}|[.,]\d|\s*%|{_DASH}\w|\s*{_DASH}\s*\d|\s+\d"
    rf"|\s+(?:{_UNIT})(?!\w)(?!\s*\d)"
    rf"|\s+nam\s+\d{{4}}\s*{_DASH}\s*\d"
    rf"|\s+khoa\s+(?:[ivxl]+|\d+)(?!\w)"
)
_CANONICAL = re.compile(
    "(?P<n>\\d{2,4})-(?P<t>"
    + "|".join(map(re.escape, sorted(TYPE_CODES, key=len, reverse=True)))
    + ")/(?P<i>[A-ZĐ]{2,12})"
)


@dataclass(frozen=True)
class NumberRef:
    """One document number mentioned in text, possibly partial."""

    number: int
    type_code: str | None
    issuer: str | None
    raw: str
    span: tuple[int, int]

    @property
    def canonical(self) -> str | None:
        """The canonical number, only when number, type and issuer are all known."""
        if self.type_code is None or self.issuer is None:
            return None
        return canonical_number(self.number, self.type_code, self.issuer)

    def matches(self, canonical: str) -> bool:
        """True if the canonical number ``canonical`` is compatible with this (partial) ref."""
        number, type_code, issuer = parse_canonical(canonical)
        return (
            number == self.number
            and (self.type_code is None or self.type_code == type_code)
            and (self.issuer is None or _plain(self.issuer) == _plain(issuer))
        )


def canonical_number(number: int, type_code: str, issuer: str) -> str:
    """Write a number as ``05-CT/TW``; type and issuer may be in any case or without Đ."""
    if number < 1:
        raise ValueError(f"document number must be positive: {number}")
    code = _type_code(type_code)
    if code is None:
        raise ValueError(f"unknown document type code: {type_code!r}")
    normalized = _issuer(issuer, allow_horn=True)
    if normalized is None:
        raise ValueError(f"not an issuer code: {issuer!r}")
    return f"{number:02d}-{code}/{normalized}"


def parse_canonical(canonical: str) -> tuple[int, str, str]:
    """Split ``05-CT/TW`` into ``(5, "CT", "TW")``; ValueError unless already canonical."""
    match = _CANONICAL.fullmatch(canonical)
    if match is None:
        raise ValueError(f"not a canonical document number: {canonical!r}")
    number, code, issuer = int(match["n"]), match["t"], match["i"]
    if number < 1 or f"{number:02d}" != match["n"] or _restore_d(issuer) != issuer:
        raise ValueError(f"not a canonical document number: {canonical!r}")
    return number, code, issuer


def find_numbers(text: str) -> list[NumberRef]:
    """Every document number mentioned in ``text``, in order of appearance."""
    view = _View.of(text)
    refs: list[NumberRef] = []
    for match in _MENTION.finditer(view.folded):
        ref = _read(view, match)
        if ref is not None:
            refs.append(ref)
    return refs


_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")


def years_mentioned(text: str) -> set[int]:
    """Years written in ``text`` outside any document number ("hướng dẫn 12 năm 2018" → {2018}).

    Two documents can share a number; a year tells them apart.
    """
    spans = [ref.span for ref in find_numbers(text)]
    return {
        int(m.group(1))
        for m in _YEAR.finditer(text)
        if not any(a <= m.start() < b for a, b in spans)
    }


def canonicalize(text: str, known: Iterable[str] = ()) -> list[str]:
    """Canonical form of the first number in ``text``, or the known numbers it could mean.

    A fully specified number gives ``[canonical]`` whether known or not (spelled as in ``known``
    when it differs from exactly one known number only by Đ/D). A partial one gives the sorted
    known numbers it matches: candidates, never a guess. ``known`` must be canonical.
    """
    refs = find_numbers(text)
    if not refs:
        return []
    ref = refs[0]
    pool = sorted({nfc(item) for item in known})
    compatible = [item for item in pool if ref.matches(item)]
    canonical = ref.canonical
    if canonical is None:
        return compatible
    if canonical in pool or len(compatible) != 1:
        return [canonical]
    return compatible


@dataclass(frozen=True)
class _View:
    """Folded copy of a text with, per folded character, its span in the original."""

    text: str
    folded: str
    starts: Sequence[int]
    ends: Sequence[int]

    @classmethod
    def of(cls, text: str) -> _View:
        """Fold ``text`` cluster by cluster so offsets map back even for NFD input."""
        if text.isascii():
            return cls(text, text.lower(), range(len(text)), range(1, len(text) + 1))
        table = {char: _fold_cluster(char) for char in set(text)}
        if all(len(f) == 1 and not unicodedata.combining(c) for c, f in table.items()):
            # NFC text, one folded character per character: offsets are the identity.
            folded = "".join([table[char] for char in text])
            return cls(text, folded, range(len(text)), range(1, len(text) + 1))
        parts: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        i = 0
        while i < len(text):
            j = i + 1
            while j < len(text) and unicodedata.combining(text[j]):
                j += 1
            for char in _fold_cluster(text[i:j]):
                parts.append(char)
                starts.append(i)
                ends.append(j)
            i = j
        return cls(text, "".join(parts), starts, ends)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original offsets of the folded range ``[start, end)``."""
        return self.starts[start], self.ends[end - 1]

    def original(self, start: int, end: int) -> str:
        """Original text of the folded range ``[start, end)``, in NFC."""
        first, last = self.span(start, end)
        return nfc(self.text[first:last])


@lru_cache(maxsize=4096)
def _fold_cluster(cluster: str) -> str:
    return fold(cluster)


def _read(view: _View, match: re.Match[str]) -> NumberRef | None:
    """Turn one candidate match into a ref, or None when it is not a document number."""
    folded = view.folded
    number = int(match["num"])
    if number == 0:
        return None
    num_start, num_end = match.span("num")
    prefix_type = _prefix_type(view, match)
    if prefix_type is None and num_start > 0 and _glued(folded[num_start - 1]):
        return None

    def ref(type_code: str | None, issuer: str | None, end: int) -> NumberRef:
        # Words naming another type ("Thông báo kết luận số 264-TB/TW") stay out of the span.
        start = match.start("prefix") if type_code == prefix_type else num_start
        first, last = view.span(start, end)
        return NumberRef(number, type_code, issuer, view.text[first:last], (first, last))

    tail = _TAIL_DASH.match(folded, num_end)
    if tail is not None:
        code = _spelled_code(view, tail.span("t"))
        if code is None:
            return None
        if tail["i"] is None:
            tight = not tail["gap1"] and not tail["gap2"]
            if _SLASH_NEXT.match(folded, tail.end()) or (prefix_type is None and not tight):
                return None
            return ref(code, None, tail.end())
        issuer = _issuer(view.original(*tail.span("i")), allow_horn=True)
        return None if issuer is None else ref(code, issuer, tail.end())

    tail = _TAIL_SLASH.match(folded, num_end)
    if tail is not None:
        # Slash-first is how State documents are numbered; only a Party issuer makes it ours.
        code = _spelled_code(view, tail.span("t"))
        issuer = _issuer(view.original(*tail.span("i")), allow_horn=True)
        if code is None or issuer is None or not _party_issuer(issuer):
            return None
        return ref(code, issuer, tail.end())

    tail = _TAIL_SPACED.match(folded, num_end)
    if tail is not None:
        code = _spelled_code(view, tail.span("t"))
        issuer = _spaced_issuer(view, tail.span("i"))
        if code is not None and issuer is not None:
            return ref(code, issuer, tail.end())

    if prefix_type is None:
        return None
    tail = _TAIL_SLASH_ISSUER.match(folded, num_end)
    if tail is not None:
        # "CT 05/TW": the type was named before the number, the issuer after a slash.
        issuer = _issuer(view.original(*tail.span("i")), allow_horn=True)
        if issuer is not None and _party_issuer(issuer):
            return ref(prefix_type, issuer, tail.end())
    tail = _TAIL_ISSUER.match(folded, num_end)
    if tail is not None:
        issuer = _spaced_issuer(view, tail.span("i"))
        if issuer is not None:
            return ref(prefix_type, issuer, tail.end())
    if _NOT_A_NUMBER.match(folded, num_end):
        return None
    return ref(prefix_type, None, num_end)


def _prefix_type(view: _View, match: re.Match[str]) -> str | None:
    """Type named by the words before the number, if they are a usable prefix."""
    if match["prefix"] is None:
        return None
    word = " ".join(match["word"].split())
    if word in _TYPE_BY_FOLDED_NAME:
        return _TYPE_BY_FOLDED_NAME[word]
    code = _spelled_code(view, match.span("word"))
    if code is None:
        return None
    written = view.original(*match.span("word"))
    if word in _AMBIGUOUS_CODES and written != written.upper():
        return None
    return code


def _glued(char: str) -> bool:
    """True when a number preceded by ``char`` is part of something else (a date, a word)."""
    return char.isalnum() or char in "/\\.,-\u2010\u2011\u2012\u2013\u2014\u2212"


def _spelled_code(view: _View, span: tuple[int, int]) -> str | None:
    """Type code written at ``span``, or None if its letters are not a code ("đã", "HĐ")."""
    code = _CODE_BY_FOLDED[view.folded[span[0] : span[1]]]
    return code if _spells(view.original(*span), code) else None


def _spells(written: str, code: str) -> bool:
    """True if ``written`` is ``code`` in any case, with D allowed for Đ."""
    written, code = written.upper(), code.upper()
    return len(written) == len(code) and all(
        w == c or (w == "D" and c == "Đ") for w, c in zip(written, code, strict=True)
    )


def _type_code(value: str) -> str | None:
    """Canonical type code for a code in any case or without Đ."""
    value = nfc(value)
    code = _CODE_BY_FOLDED.get(fold(value))
    return code if code is not None and _spells(value, code) else None


def _issuer(written: str, *, allow_horn: bool) -> str | None:
    """Canonical issuer code for ``written``, or None if it is not a letter code."""
    code = nfc(written).upper()
    if allow_horn and code.endswith("TƯ"):
        code = code[:-2] + "TW"  # older documents write Trung ương as TƯ
    if not 2 <= len(code) <= 12 or any(not ("A" <= c <= "Z" or c == "Đ") for c in code):
        return None
    return _restore_d(code)


def _restore_d(code: str) -> str:
    """Put Đ back where a user typed D in a known issuer or a Đảng ủy/Đảng đoàn code."""
    if "Đ" in code:
        return _ISSUER_BY_PLAIN.get(_plain(code), code)
    if code in _ISSUER_BY_PLAIN:
        return _ISSUER_BY_PLAIN[code]
    if code.startswith(("DU", "DD")):
        return "Đ" + code[1].replace("D", "Đ") + code[2:]
    return code


def _plain(code: str) -> str:
    return code.replace("Đ", "D")


def _party_issuer(code: str) -> bool:
    """True if ``code`` looks like a Party issuer rather than a State one (TTg, CP, UBND)."""
    return code in ISSUER_CODES or code.endswith("TW") or code.startswith(_PARTY_ISSUER_PREFIXES)


def _spaced_issuer(view: _View, span: tuple[int, int]) -> str | None:
    """Issuer written after a space ("hd 12 btctw"), or None if it is more likely a word."""
    written = view.original(*span)
    issuer = _issuer(written, allow_horn=False)
    if issuer is None or not _party_issuer(issuer):
        return None
    # Lower-case prose ("duoc", "thu", "tu") folds to issuer-like letters; trust only
    # unmistakable codes unless the user wrote capitals.
    if written == written.upper():
        return issuer
    if issuer.endswith("TW") or (issuer in ISSUER_CODES and issuer not in _WORDLIKE_ISSUERS):
        return issuer
    return None
