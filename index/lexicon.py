"""Vietnamese words of more than one syllable, for telling «nước ngoài» from «ngoài xã hội».

The word list is Hồ Ngọc Đức's Viet74K (73,901 entries), a data file of the installed
``underthesea`` package, read without importing it. Without the package the list is empty and
every syllable stands alone.
"""

from __future__ import annotations

import importlib.util
import logging
from functools import cache
from pathlib import Path

from knowledge.text import folded_syllables

_log = logging.getLogger(__name__)
MAX_WORD_SYLLABLES = 4


def underthesea_file(relative: str) -> Path | None:
    """A data file of the installed ``underthesea`` package, found without importing it."""
    spec = importlib.util.find_spec("underthesea")
    folders = list(spec.submodule_search_locations or []) if spec is not None else []
    path = Path(folders[0]) / relative if folders else None
    if path is None or not path.is_file():
        _log.warning("underthesea's %s not found: going without it", relative)
        return None
    return path


@cache
def compound_words() -> frozenset[tuple[str, ...]]:
    """The folded syllables of every word of 2–4 syllables in the word list («nuoc ngoai»)."""
    path = underthesea_file("corpus/data/Viet74K.txt")
    if path is None:
        return frozenset()
    words = (folded_syllables(line) for line in path.read_text(encoding="utf-8").splitlines())
    return frozenset(tuple(w) for w in words if 2 <= len(w) <= MAX_WORD_SYLLABLES)


def words_of(text: str) -> list[tuple[str, ...]]:
    """``text`` cut into words, folded, longest first from the left («đi du lịch nước ngoài» →
    di, du lich, nuoc ngoai); a syllable no listed word takes stands alone.

    Folded, a run may be read as another word than the one written («nhận quà biếu» as «nhân
    quả» + «biếu»); reading the words with their marks was tried and did worse on the dev half
    of the answer set (docs/retrieval.md)."""
    syllables = folded_syllables(text)
    known = compound_words()
    out: list[tuple[str, ...]] = []
    i = 0
    while i < len(syllables):
        for n in range(MAX_WORD_SYLLABLES, 1, -1):
            if tuple(syllables[i : i + n]) in known:
                out.append(tuple(syllables[i : i + n]))
                i += n
                break
        else:
            out.append((syllables[i],))
            i += 1
    return out


def holds_word(syllables: list[str], word: tuple[str, ...]) -> bool:
    """True when ``word`` occurs in ``syllables`` as a run, its syllables side by side."""
    n = len(word)
    return any(tuple(syllables[i : i + n]) == word for i in range(len(syllables) - n + 1))
