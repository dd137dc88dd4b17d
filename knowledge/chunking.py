"""Structure-aware chunking: passages that know their heading path and never split a sentence."""

from __future__ import annotations

import hashlib
import itertools
import re
from dataclasses import dataclass, field

# Heading markers, outermost first. The rank orders them; a heading pops every open heading of
# the same or a deeper rank.
_HEADINGS: list[tuple[int, re.Pattern[str]]] = [
    (0, re.compile(r"^(PHẦN|Phần)\s+(THỨ\s+|thứ\s+)?([IVXLC]+|\d+|[^\W\d_]+)\b[.:]?", re.U)),
    (1, re.compile(r"^(CHƯƠNG|Chương)\s+([IVXLC]+|\d+)\b[.:]?", re.U)),
    (2, re.compile(r"^(MỤC|Mục)\s+(\d+|[IVXLC]+)\b[.:]?", re.U)),
    (3, re.compile(r"^(ĐIỀU|Điều)\s+(\d+)\s*[.:]?", re.U)),
    (4, re.compile(r"^([IVXLC]+)[.)]\s+", re.U)),
    (5, re.compile(r"^(\d{1,2})[.)]\s+", re.U)),
    (6, re.compile(r"^(\d{1,2}\.\d{1,2})\.?\s+", re.U)),
    (7, re.compile(r"^([a-zđ])\)\s+", re.U)),
]
# A sentence ends at a mark followed by a space and a capital or a digit (the next character is
# captured and tested with str.isupper: a range such as À-Ỹ also holds «ở», «đ» in lower case, and
# «…bí thư chi bộ; ở nơi có điều kiện…» is one sentence).
_SENTENCE_END = re.compile(r"(?<=[.!?…;])[\"”’)]*\s+(?=[\"“(\-–+•]?\s*(\w))", re.U)
# Passages are cut only at full stops; ";" and "," separate the clauses of one sentence and are
# cut at only when that sentence alone exceeds the passage limit.
_FULL_STOP = re.compile(r"(?<=[.!?…])[\"”’)]*\s+(?=[\"“(\-–+•]?\s*(\w))", re.U)
# What comes before an item's text on its line: «1.», «2.3.», «IV.», «b.», «Điều 6.».
_MARKER_ONLY = re.compile(
    r"(?:(?:Điều|Khoản|Mục|Chương|Phần)\s+)?(?:\d{1,3}(?:\.\d{1,2})*|[IVXLC]{1,6}|[a-zđ])\.", re.I
)
_CLAUSE_END = re.compile(r"(?<=[,:;])\s+")
HEADING_MAX_CHARS = 160
# Bump when chunking output changes, so caches of chunked text (e.g. evaluation stores) rebuild.
CHUNKER_VERSION = 4
# Headings of this rank or higher (Phần, Chương, Mục, Điều, I.) always open a new passage, so a
# passage never straddles two articles and its heading path names the article it quotes.
SECTION_RANK = 4
# Ranks whose marker is often alone on its line, with the heading's name on the next line.
_NAMED_ON_NEXT_LINE = (0, 1, 2)


@dataclass(frozen=True)
class Chunk:
    """A passage before it is stored."""

    id: int
    ordinal: int
    heading_path: tuple[str, ...]
    text: str
    char_start: int
    char_end: int


@dataclass
class _Block:
    text: str
    path: tuple[str, ...]
    start: int
    end: int
    is_heading: bool = False
    rank: int | None = None


@dataclass
class _Buffer:
    blocks: list[_Block] = field(default_factory=list)

    @property
    def size(self) -> int:
        return sum(len(b.text) + 1 for b in self.blocks)

    @property
    def prefix(self) -> tuple[str, ...]:
        return _common_prefix([b.path for b in self.blocks])


def passage_id(doc_key: str, heading_path: tuple[str, ...], text: str, occurrence: int) -> int:
    """A 63-bit id that stays the same when the same document is ingested again."""
    raw = "\x1f".join([doc_key, " › ".join(heading_path), text, str(occurrence)])
    return int.from_bytes(hashlib.sha256(raw.encode()).digest()[:8], "big") & (2**63 - 1)


def heading_match(line: str) -> tuple[int, str] | None:
    """The rank and marker of a heading line ("II", "Điều 3", "a"), or None."""
    for rank, pattern in _HEADINGS:
        m = pattern.match(line)
        if m:
            if rank == 4 and not _roman_ok(m.group(1)):
                continue
            return rank, m.group(0).strip().rstrip(".:)").strip()
    return None


def _roman_ok(token: str) -> bool:
    # "C." or "L." alone at a line start are far more often initials than Roman numerals.
    return bool(re.fullmatch(r"X{0,3}(IX|IV|V?I{0,3})", token)) and token != ""


def _label(line: str, marker_rank: int) -> str:
    """Heading path component: the whole short heading, or only its marker for a long item."""
    m = _HEADINGS_BY_RANK[marker_rank].match(line)
    assert m is not None
    marker = m.group(0).strip()
    rest = line[m.end() :].strip()
    if (len(line) <= HEADING_MAX_CHARS and not rest.endswith((".", ";", ":"))) or not rest:
        if rest and rest.isupper():
            rest = rest[0] + rest[1:].lower()
        return f"{marker} {rest}".strip() if rest else marker
    return marker


_HEADINGS_BY_RANK = dict(_HEADINGS)


def split_sentences(text: str, *, at_semicolons: bool = True) -> list[str]:
    """Split a paragraph into sentences at . ! ? … ; followed by a capital or digit (at . ! ? …
    only, without ``at_semicolons``). A «;» after a colon in the same sentence separates the
    items of the list the colon opens («… được nhân rộng, như: "Mỗi ngày một việc tốt" ở …;
    "Một tuyến xe văn minh" ở …»): the list is not cut."""
    if not at_semicolons:
        return _split_at(_FULL_STOP, text)
    return _split_at(_SENTENCE_END, text, listed=True)


def _full_sentences(text: str) -> list[str]:
    return _split_at(_FULL_STOP, text)


def _split_at(pattern: re.Pattern[str], text: str, *, listed: bool = False) -> list[str]:
    """``text`` cut at the matches of ``pattern`` whose next word starts upper case or a digit,
    never right after an item's marker («1. Chi bộ …», «IV. Đổi mới …», «Điều 2. Quy định …»):
    the marker stays with its item; with ``listed``, never at a «;» between the items of a
    list opened by a colon."""
    parts: list[str] = []
    start = 0
    for found in pattern.finditer(text):
        following = found.group(1)
        if _MARKER_ONLY.fullmatch(text[start : found.start()].strip()):
            continue
        if listed and text[found.start() - 1] == ";" and ":" in text[start : found.start()]:
            continue
        if following.isupper() or following.isdigit():
            parts.append(text[start : found.start()].strip())
            start = found.end()
    parts.append(text[start:].strip())
    return [p for p in parts if p]


def chunk_text(
    text: str,
    *,
    doc_key: str,
    title: str | None = None,
    target_chars: int = 900,
    max_chars: int = 1600,
) -> list[Chunk]:
    """Cut a document's text into passages along its structure.

    ``title`` becomes the root of every heading path (e.g. "Hướng dẫn 12-HD/BTCTW").
    """
    root: tuple[str, ...] = (title,) if title else ()
    blocks = _blocks(text, root)
    min_chars = target_chars // 3
    groups: list[list[_Block]] = []
    buffer = _Buffer()
    for block in blocks:
        if buffer.blocks:
            heading_only = all(b.is_heading for b in buffer.blocks)
            new_section = block.rank is not None and block.rank <= SECTION_RANK
            same_path = block.path == buffer.blocks[-1].path
            new_prefix = _common_prefix([buffer.prefix, block.path])
            mergeable = heading_only or (buffer.size < min_chars and len(new_prefix) > len(root))
            fits = buffer.size + len(block.text) <= target_chars
            if (new_section and not heading_only) or not (
                (same_path or mergeable) and (fits or heading_only)
            ):
                groups.append(buffer.blocks)
                buffer = _Buffer()
        buffer.blocks.append(block)
    if buffer.blocks:
        groups.append(buffer.blocks)

    chunks: list[Chunk] = []
    seen: dict[tuple[tuple[str, ...], str], int] = {}
    for group in groups:
        path = _group_path(group)
        for piece_text, start, end in _split_group(group, max_chars):
            key = (path, piece_text)
            occurrence = seen.get(key, 0)
            seen[key] = occurrence + 1
            chunks.append(
                Chunk(
                    id=passage_id(doc_key, path, piece_text, occurrence),
                    ordinal=len(chunks),
                    heading_path=path,
                    text=piece_text,
                    char_start=start,
                    char_end=end,
                )
            )
    return chunks


def _blocks(text: str, root: tuple[str, ...]) -> list[_Block]:
    """Paragraph blocks with the heading path in force at each."""
    stack: list[tuple[int, str]] = []
    blocks: list[_Block] = []
    offset = 0
    for line in text.split("\n"):
        start = offset
        offset += len(line) + 1
        stripped = line.strip()
        if not stripped:
            continue
        start += len(line) - len(line.lstrip())
        match = heading_match(stripped)
        if match is None and _names_previous_heading(stripped, blocks, stack):
            # "Chương II" / "NHỮNG ĐIỀU ĐẢNG VIÊN KHÔNG ĐƯỢC LÀM": one heading on two lines.
            rank, marker = stack[-1]
            stack[-1] = (rank, f"{marker}. {stripped[0]}{stripped[1:].lower()}")
            path = root + tuple(label for _, label in stack)
            blocks[-1].path = path
            blocks.append(_Block(stripped, path, start, start + len(stripped), True))
            continue
        if match:
            rank, _marker = match
            while stack and stack[-1][0] >= rank:
                stack.pop()
            stack.append((rank, _label(stripped, rank)))
        path = root + tuple(label for _, label in stack)
        is_heading = (
            bool(match) and len(stripped) <= HEADING_MAX_CHARS and not stripped.endswith((".", ";"))
        )
        block_rank = match[0] if match else None
        blocks.append(_Block(stripped, path, start, start + len(stripped), is_heading, block_rank))
    return blocks


def _names_previous_heading(line: str, blocks: list[_Block], stack: list[tuple[int, str]]) -> bool:
    """True when ``line`` is the all-caps name under a bare "Chương II" / "Phần thứ nhất"."""
    if not blocks or not stack or not line.isupper() or len(line) > HEADING_MAX_CHARS:
        return False
    previous = blocks[-1]
    rank, label = stack[-1]
    return (
        previous.rank == rank
        and rank in _NAMED_ON_NEXT_LINE
        and previous.text.rstrip(".:") == label
    )


@dataclass(frozen=True)
class _Unit:
    """A sentence (or a clause of an overlong one) with its offsets in the document."""

    text: str
    start: int
    end: int
    block: int
    is_heading: bool


def _split_group(group: list[_Block], max_chars: int) -> list[tuple[str, int, int]]:
    """Join a group's blocks; if too long, cut at sentence (then clause) boundaries.

    A heading is never left at the end of a piece: it moves on with the text it introduces.
    """
    text = "\n".join(b.text for b in group)
    if len(text) <= max_chars:
        return [(text, group[0].start, group[-1].end)]
    units: list[_Unit] = []
    for index, block in enumerate(group):
        cursor = 0
        for sentence in _full_sentences(block.text):
            parts = [sentence] if len(sentence) <= max_chars else _split_long(sentence, max_chars)
            for part in parts:
                found = block.text.find(part, cursor)
                pos = cursor if found < 0 else found
                cursor = pos + len(part)
                start = block.start + pos
                units.append(_Unit(part, start, start + len(part), index, block.is_heading))
    pieces: list[list[_Unit]] = []
    current: list[_Unit] = []
    for unit in units:
        if current and len(_joined([*current, unit])) > max_chars:
            headings = 0
            while headings < len(current) and current[-1 - headings].is_heading:
                headings += 1
            tail = current[len(current) - headings :]
            if headings and headings < len(current) and len(_joined([*tail, unit])) <= max_chars:
                pieces.append(current[: len(current) - headings])
                current = tail
            else:
                pieces.append(current)
                current = []
        current.append(unit)
    if current:
        pieces.append(current)
    return [(_joined(piece), piece[0].start, piece[-1].end) for piece in pieces]


def _joined(units: list[_Unit]) -> str:
    """Units of one paragraph joined by a space, paragraphs by a line break."""
    out = units[0].text
    for previous, unit in itertools.pairwise(units):
        out += (" " if unit.block == previous.block else "\n") + unit.text
    return out


def _split_long(sentence: str, max_chars: int) -> list[str]:
    """A single sentence longer than the limit: cut at clause punctuation, then at spaces."""
    out: list[str] = []
    current = ""
    for clause in _CLAUSE_END.split(sentence):
        while len(clause) > max_chars:
            cut = clause.rfind(" ", 0, max_chars)
            cut = cut if cut > 0 else max_chars
            if current:
                out.append(current.strip())
                current = ""
            out.append(clause[:cut].strip())
            clause = clause[cut:].strip()
        if current and len(current) + len(clause) + 1 > max_chars:
            out.append(current.strip())
            current = ""
        current += clause + " "
    if current.strip():
        out.append(current.strip())
    return out


def _group_path(group: list[_Block]) -> tuple[str, ...]:
    """The deepest heading path shared by the group's content; its opening headings are ancestors.

    "Chương II / NHỮNG ĐIỀU … / Điều 3. … / 1. … / 2. …" is a passage of Điều 3, not of the whole
    chapter, even though it starts with the chapter's heading.
    """
    content = [b.path for b in group if not b.is_heading]
    return _common_prefix(content or [b.path for b in group])


def _common_prefix(paths: list[tuple[str, ...]]) -> tuple[str, ...]:
    if not paths:
        return ()
    prefix = paths[0]
    for path in paths[1:]:
        n = 0
        while n < len(prefix) and n < len(path) and prefix[n] == path[n]:
            n += 1
        prefix = prefix[:n]
    return prefix
