"""Describe a document from its text: type, canonical number, date, issuer, title, citations."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from knowledge.numbers import TYPE_CODES, find_numbers
from knowledge.text import fold

ARTICLE_TYPE = "Bài viết"
HEADER_LINES = 30
# Longer than this, a first line is a lead paragraph, not a headline (news headlines run to
# about 20 words; the sample's longest is 100 characters).
HEADLINE_MAX_CHARS = 150

# Folded type heading → display name. Longest first so "nghi quyet chi bo" wins over "nghi quyet".
_TYPE_HEADINGS: dict[str, str] = {
    "chi thi": "Chỉ thị",
    "nghi quyet": "Nghị quyết",
    "ket luan": "Kết luận",
    "huong dan": "Hướng dẫn",
    "chuong trinh": "Chương trình",
    "quy dinh": "Quy định",
    "quyet dinh": "Quyết định",
    "ke hoach": "Kế hoạch",
    "thong bao": "Thông báo",
    "bao cao": "Báo cáo",
    "bien ban": "Biên bản",
    "quy che": "Quy chế",
    "de an": "Đề án",
    "to trinh": "Tờ trình",
    "cong van": "Công văn",
}
_DOC_TYPES = (*_TYPE_HEADINGS.values(), ARTICLE_TYPE)

_DATE_WORDS = re.compile(r"ngay\s+(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+(\d{4})", re.I)
_DATE_SLASH = re.compile(r"\b(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})\b")
_PARTY_HEADER = "dang cong san viet nam"
_ON_BEHALF = re.compile(r"^(t/?m\.?|tm\.)\s+(.+)$", re.I)
_OF_ISSUER = re.compile(r"^cua\s+(.+)$")

# Proper nouns that sentence-casing an all-caps issuer line would wrongly lower-case.
_PROPER = [
    "Ban Chấp hành Trung ương", "Bộ Chính trị", "Ban Bí thư", "Ban Tổ chức Trung ương",
    "Ban Tuyên giáo Trung ương", "Ban Tuyên giáo và Dân vận Trung ương",
    "Ủy ban Kiểm tra Trung ương", "Văn phòng Trung ương Đảng", "Ban Thường vụ", "Đảng ủy Khối",
    "Trung ương", "Đảng ủy", "Tỉnh ủy", "Thành ủy", "Huyện ủy", "Quận ủy", "Thị ủy", "Chi bộ",
    "Đảng bộ", "Cơ quan", "Doanh nghiệp", "Ban Tổ chức", "Ban Tuyên giáo", "Ban Dân vận",
    "Ban Kiểm tra", "Ủy ban Kiểm tra", "Việt Nam", "Hồ Chí Minh", "Thanh Hóa", "Hà Nội",
    "Lao động", "Thương binh và Xã hội",
]  # fmt: skip


@dataclass
class Metadata:
    """What describes a document."""

    doc_type: str
    title: str
    number: str | None = None
    issued_on: date | None = None
    issuer: str | None = None
    cited: list[str] = field(default_factory=list)


def extract_metadata(
    text: str, *, file_name: str, title_hint: str | None = None, byline: str | None = None
) -> Metadata:
    """Read the header of a Party document (or the lead of an article) into Metadata.

    ``byline`` is the "Name - Organisation" line that closed a news article (removed from its
    text as page furniture); for an article the organisation is the issuer.
    """
    raw = [ln.strip() for ln in text.split("\n")]
    lines = [ln for ln in raw if ln]
    # The header keeps its blank lines: a blank line ends the title block.
    header = raw[: HEADER_LINES * 2]
    number = _number(header)
    type_index, doc_type = _type_heading(header)
    if doc_type is None and number is not None:
        code = number.split("-", 1)[1].split("/", 1)[0]
        doc_type = TYPE_CODES.get(code)
    issued_on = _date(header) or (None if doc_type else _date(lines[:8], loose=True))
    title = _title(header, type_index, doc_type) if type_index is not None else None
    issuer = _issuer(lines, header, type_index, doc_type)
    if issuer is not None:
        issuer = _as_written(issuer, text)
    if doc_type is None:
        doc_type = ARTICLE_TYPE
        title = None
        issuer = _byline_source(byline) if byline else issuer
    if not title:
        title = _headline(lines, title_hint, file_name)
    cited = []
    for ref in find_numbers(text):
        canonical = ref.canonical
        if canonical and canonical != number and canonical not in cited:
            cited.append(canonical)
    return Metadata(doc_type, _tidy_title(title), number, issued_on, issuer, cited)


def _headline(lines: list[str], title_hint: str | None, file_name: str) -> str:
    """An article's headline: the reader's (HTML og:title/<h1>/<title>, Markdown #), else a
    short first line. A longer line is the lead paragraph: only its first words are used."""
    for candidate in (title_hint, lines[0] if lines else None):
        if candidate and _is_headline(candidate):
            return candidate
    if not lines:
        return Path(file_name).stem
    return _first_words(lines[0], HEADLINE_MAX_CHARS)


def _is_headline(line: str) -> bool:
    line = line.strip()
    # Headlines carry no full stop; a sentence that ends with one is the lead.
    sentence = line.endswith(".") and not line.endswith("..")
    return 0 < len(line) <= HEADLINE_MAX_CHARS and not sentence


def _first_words(text: str, limit: int) -> str:
    """``text`` when it fits in ``limit``, else its words up to it and «…»."""
    text = text.rstrip(" .")
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(" ,;:–-") + "…"


def _number(header: list[str]) -> str | None:
    for line in filter(None, header):
        # «Số 05-CT/TW» begins a header line with a capital; «số 01-KL/TW.» in lower case is
        # the end of a sentence that a scan's line break cut off.
        if line[:1] == "S" and re.match(r"^(so|s[oố])\s*[:.]?\s*\d", fold(line)):
            refs = [r for r in find_numbers(line) if r.canonical]
            if refs:
                return refs[0].canonical
    # Party headers put "Số" on its own line; fall back to a header line that holds the number
    # and nothing else. Never a number inside words: a sentence's citation, or a fragment of
    # one where a scan's line ended («…thực hiện Kết luận số 01-KL/TW»), is not this
    # document's number.
    for line in [ln for ln in header if ln][:12]:
        refs = [r for r in find_numbers(line) if r.canonical]
        if refs and len(line) <= 40:
            start, end = refs[0].span
            if not fold(line[:start] + line[end:]).strip(" :.*-–"):
                return refs[0].canonical
    return None


def _type_heading(header: list[str]) -> tuple[int | None, str | None]:
    for index, line in enumerate(header):
        if not line.isupper() or len(line) > 60:
            continue
        folded = fold(line).strip(" .:")
        for key, name in sorted(_TYPE_HEADINGS.items(), key=lambda kv: -len(kv[0])):
            if folded == key or folded.startswith(key + " "):
                return index, name
    return None, None


def _date(lines: list[str], *, loose: bool = False) -> date | None:
    for line in lines:
        folded = fold(line)
        m = _DATE_WORDS.search(folded)
        if not m and loose:
            m = _DATE_SLASH.search(folded)
        if m:
            day, month, year = (int(g) for g in m.groups())
            try:
                return date(year, month, day)
            except ValueError:
                continue
    return None


def _title(header: list[str], type_index: int, doc_type: str | None = None) -> str | None:
    """The subject lines after the type heading ("về đẩy mạnh học tập …")."""
    parts: list[str] = []
    for line in header[type_index + 1 : type_index + 8]:
        if not line:
            if parts:
                break
            continue
        folded = fold(line)
        if (_OF_ISSUER.match(folded) or _CONFERENCE.match(folded)) and not parts:
            # "CỦA BỘ CHÍNH TRỊ" names the issuer and "HỘI NGHỊ LẦN THỨ TƯ …" the plenum,
            # not the subject.
            continue
        if line.startswith("-") or line.startswith("*") or _looks_like_body(line):
            break
        if parts and line[:1].isupper() and not line.isupper():
            break  # a capitalised sentence after the subject is the preamble
        if parts and doc_type == "Biên bản" and _cell_line([line]):
            break  # minutes name their cell under the subject: the issuer, not the title
        parts.append(_title_case(line) if line.isupper() else line)
        if line.endswith((".", ":")):
            break
    title = " ".join(parts).strip(" -*")
    return title or None


_CONFERENCE = re.compile(r"^hoi nghi (lan thu|trung uong)")
# Names kept capitalised when an all-caps title line is lower-cased.
_TITLE_PROPER = [
    "Ban Chấp hành Trung ương", "Bộ Chính trị", "Ban Bí thư", "Ban Thường vụ", "Đảng ủy Khối",
    "Hồ Chí Minh", "Việt Nam", "Trung ương", "Thanh Hóa",
]  # fmt: skip


def _title_case(upper: str) -> str:
    """Lower-case an all-caps title line, keeping the names of Party bodies capitalised."""
    text = upper.lower()
    for name in sorted(_TITLE_PROPER, key=len, reverse=True):
        text = re.sub(re.escape(name), name, text, flags=re.I)
    return text


def _as_written(issuer: str, text: str) -> str:
    """The issuer as the document itself spells it in mixed case, when it does."""
    words = issuer.split()
    # Try the whole name, then without leading words ("Đảng ủy" + "Công ty …" found alone).
    for skip in range(0, max(1, len(words) - 2)):
        pattern = r"\b" + r"\s+".join(map(re.escape, words[skip:])) + r"\b"
        for match in re.finditer(pattern, text, flags=re.I):
            found = " ".join(match.group(0).split())
            if not found.isupper():
                return " ".join([*words[:skip], found])
    return issuer


_BYLINE_SOURCE = re.compile(r"^(?:theo|nguồn\s*:)\s*(.+)$|^.+?\s*[-–]\s*(.+)$|^.+?\((.+)\)$", re.I)


def _byline_source(byline: str) -> str | None:
    """The organisation in "Thu Trang - Ban Tuyên giáo Đảng ủy Khối" or "Theo Báo Thanh Hóa"."""
    m = _BYLINE_SOURCE.match(byline.strip())
    if m is None:
        return None
    source = next(g for g in m.groups() if g)
    return source.strip(" .()") or None


def _looks_like_body(line: str) -> bool:
    # A long subject line still starts in lower case ("về đẩy mạnh …"); a preamble does not.
    long_sentence = len(line) > 200 and not line[:1].islower()
    return long_sentence or bool(re.match(r"^([IVX]+|\d+)[.)]\s", line))


def _issuer(
    lines: list[str], header: list[str], type_index: int | None, doc_type: str | None
) -> str | None:
    # Minutes are the cell's own record: the issuer is the "CHI BỘ …" line of the header,
    # wherever the secretary typed it (above or below «BIÊN BẢN»).
    if doc_type == "Biên bản":
        cell = _cell_line(header)
        if cell is not None:
            return _proper_case(cell)
    # "CỦA BỘ CHÍNH TRỊ" under the type heading is the most specific statement.
    if type_index is not None:
        heading = header[type_index]
        folded_heading = fold(heading)
        if " cua " in folded_heading:  # "KẾT LUẬN CỦA BỘ CHÍNH TRỊ" on one line
            return _proper_case(heading[folded_heading.index(" cua ") + 5 :])
        for line in [ln for ln in header[type_index + 1 : type_index + 6] if ln][:2]:
            m = _OF_ISSUER.match(fold(line))
            if m and line.isupper():
                return _proper_case(line[len("CỦA ") :])
    # Then the last upper-case line of the top-left block, before the party motto, the type
    # heading or the first section heading («I. TÌNH HÌNH …» is never an issuer).
    above = header[:type_index] if type_index is not None else header
    block: list[str] = []
    for line in [ln for ln in above if ln][:8]:
        folded = fold(line)
        if (
            folded.startswith(_PARTY_HEADER)
            or folded.startswith("so")
            or line.startswith("*")
            or _SECTION_HEADING.match(line)
        ):
            break
        if line.isupper() and len(line) < 80:
            block.append(line)
    if block:
        issuer = _proper_case(block[-1])
        # "BAN CHẤP HÀNH TRUNG ƯƠNG / BAN TỔ CHỨC" means the central Organisation Commission.
        central = len(block) > 1 and fold(block[-2]) == "ban chap hanh trung uong"
        if central and "trung uong" not in fold(issuer):
            issuer += " Trung ương"
        # "ĐẢNG BỘ TỈNH THANH HÓA / ĐẢNG ỦY KHỐI …": the bloc committee of that province.
        place = re.match(r"^dang bo (tinh|thanh pho) ", fold(block[-2])) if len(block) > 1 else None
        if (
            place
            and fold(issuer).startswith("dang uy khoi")
            and not _HAS_PLACE.search(issuer.lower())
        ):
            issuer += " " + _proper_case(block[-2])[len("Đảng bộ ") :]
        return issuer
    # Last, the signature block "T/M BỘ CHÍNH TRỊ" (on behalf of a body, not of a person).
    for line in reversed(lines[-25:]):
        m = _ON_BEHALF.match(line)
        if m and line.isupper() and fold(line).startswith("t"):
            name = _proper_case(m.group(2))
            if fold(name) not in {"ban thuong vu", "chi uy", "ban chap hanh", "truong ban"}:
                return name
            break
    return None


_SECTION_HEADING = re.compile(r"^([IVX]+|\d+)[.)]\s")


def _cell_line(header: list[str]) -> str | None:
    """The upper-case «CHI BỘ …» line of a header, before the first section heading."""
    for line in header:
        if _SECTION_HEADING.match(line):
            break
        if line.isupper() and len(line) < 80 and fold(line).startswith("chi bo "):
            return line.strip(" *")
    return None


_HAS_PLACE = re.compile(r"\b(tỉnh|thành phố|huyện|quận|thị xã)\b")
# Words of enterprise names written with only their first syllable capitalised.
_NAME_WORDS = [
    "cổ phần", "trách nhiệm hữu hạn", "một thành viên", "vận tải", "dịch vụ", "xây dựng",
    "thương mại", "đầu tư", "sản xuất", "du lịch", "xuất nhập khẩu", "điện lực", "cấp nước",
    "môi trường", "đô thị", "phát triển", "kỹ thuật", "công nghệ", "thực phẩm", "may mặc",
    "xi măng", "nông nghiệp", "thủy sản", "vật tư", "thiết bị", "tư vấn", "công trình",
    "giao thông", "xe buýt", "xí nghiệp", "điều dưỡng", "người có công", "lao động",
]  # fmt: skip


def _name_case(name: str) -> str:
    """Capitalise an organisation name: "cổ phần vận tải hàm rồng" → "Cổ phần Vận tải Hàm Rồng"."""
    out: list[str] = []
    words = name.split()
    i = 0
    while i < len(words):
        for known in sorted(_NAME_WORDS, key=len, reverse=True):
            size = len(known.split())
            if " ".join(words[i : i + size]).lower() == known:
                out.append(known[:1].upper() + known[1:])
                i += size
                break
        else:
            word = words[i]
            out.append(word if word in {"và", "của", "số"} else word[:1].upper() + word[1:])
            i += 1
    return " ".join(out)


def _proper_case(upper: str) -> str:
    text = upper.strip(" *").lower()
    folded = fold(text)
    for name in sorted(_PROPER, key=len, reverse=True):
        if len(folded) != len(text):  # not one letter per letter: match the marks exactly
            text = re.sub(re.escape(name), name, text, flags=re.I)
            continue
        # Matched without marks, so a mark misread on a scan («TRƯNG ƯƠNG») still gives the
        # body's name as it is spelled: these names are fixed, and nothing else folds to them.
        for found in re.finditer(r"\b" + re.escape(fold(name)) + r"\b", folded):
            text = text[: found.start()] + name + text[found.end() :]
    text = re.sub(
        r"\b(tỉnh|huyện|thành phố|quận|xã|phường)\s+(\w+(?:\s+\w+)?)",
        lambda m: m.group(1) + " " + m.group(2).title(),
        text,
    )
    # Names of enterprises and agencies are capitalised word by word in Vietnamese.
    text = re.sub(
        r"\b(công ty|tổng công ty|xí nghiệp|trường|bệnh viện|sở|trung tâm)\b(.*)$",
        lambda m: " ".join(
            filter(None, [m.group(1)[:1].upper() + m.group(1)[1:], _name_case(m.group(2).strip())])
        ),
        text,
    )
    return text[:1].upper() + text[1:]


def _tidy_title(title: str) -> str:
    if title.isupper():
        title = title.lower()
    title = re.sub(r"\s+", " ", title).strip()
    return title[:1].upper() + title[1:] if title else title


def doc_types() -> tuple[str, ...]:
    """Every document type name Chibo knows, for filters and listings."""
    return _DOC_TYPES
