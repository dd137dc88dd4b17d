"""Extractive answers: the sentences of the top passages that best answer a question, verbatim."""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.lexical import tokenize
from index.retriever import Hit, SearchResult
from knowledge.chunking import HEADING_MAX_CHARS, heading_match, split_sentences
from knowledge.text import fold

_HEADER_NOISE = re.compile(
    r"^(số\s|\*|đảng cộng sản việt nam|hà nội,|ban chấp hành|nơi nhận|t/m|k/t|tm\.|kt\.)", re.I
)
MIN_SENTENCE_CHARS = 25


@dataclass(frozen=True)
class Quote:
    """A verbatim sentence from ``hits[hit_index].text``."""

    hit_index: int
    text: str


def candidate_sentences(text: str) -> list[str]:
    """Sentences of a passage, kept verbatim (each is a substring of ``text``)."""
    out: list[str] = []
    for line in text.split("\n"):
        if _is_heading(line.strip()):
            continue
        for sentence in split_sentences(line):
            if len(sentence) >= MIN_SENTENCE_CHARS and not _HEADER_NOISE.match(sentence):
                out.append(sentence)
    return out


def _is_heading(line: str) -> bool:
    """Headings name a section; they answer nothing by themselves."""
    if line.isupper():
        return True
    short = len(line) <= HEADING_MAX_CHARS and not line.endswith((".", ";", ":", "?", "!"))
    return short and heading_match(line) is not None


def select_quotes(
    result: SearchResult,
    weights: dict[str, float],
    *,
    max_quotes: int = 3,
    max_hits: int = 3,
) -> list[Quote]:
    """Pick up to ``max_quotes`` sentences, at most one or two per hit, in hit order.

    ``weights`` maps folded syllables of the question to their importance (IDF); a sentence
    scores by the weight of question syllables and bigrams it contains.
    """
    hits = result.hits[:max_hits]
    if not hits:
        return []
    if result.only_number:
        return _document_lead(hits)
    query_bigrams = {t for t in tokenize(result.query) if "_" in t}
    scored: list[tuple[float, int, int, str]] = []
    for hit_index, hit in enumerate(hits):
        for position, sentence in enumerate(candidate_sentences(hit.text)):
            tokens = set(tokenize(sentence))
            score = sum(w for t, w in weights.items() if t in tokens)
            score += 0.5 * sum(1 for b in query_bigrams if b in tokens)
            # Earlier hits and earlier sentences win ties.
            score -= 0.05 * hit_index + 0.01 * position
            scored.append((score, hit_index, position, sentence))
    quotes: list[Quote] = []
    per_hit: dict[int, int] = {}
    for score, hit_index, _position, sentence in sorted(scored, key=lambda s: -s[0]):
        if len(quotes) >= max_quotes:
            break
        limit = 2 if hit_index == 0 else 1
        if per_hit.get(hit_index, 0) >= limit or (score <= 0 and quotes):
            continue
        per_hit[hit_index] = per_hit.get(hit_index, 0) + 1
        quotes.append(Quote(hit_index, sentence))
    if not quotes:
        quotes = [Quote(0, s) for s in candidate_sentences(hits[0].text)[:1]]
    quotes.sort(key=lambda q: (q.hit_index, hits[q.hit_index].text.find(q.text)))
    return quotes


def _document_lead(hits: list[Hit]) -> list[Quote]:
    """For a question that only names a document: its subject line and first sentences."""
    quotes: list[Quote] = []
    for hit_index, hit in enumerate(hits):
        title = fold(hit.document.title)[:40]
        for line in hit.text.split("\n"):
            if title and fold(line).startswith(title):
                quotes.append(Quote(hit_index, line.strip()))
                break
        body = candidate_sentences(hit.text)
        for sentence in body:
            if len(quotes) >= 2 or any(sentence in q.text or q.text in sentence for q in quotes):
                continue
            quotes.append(Quote(hit_index, sentence))
        if len(quotes) >= 2:
            break
    return quotes[:3]
