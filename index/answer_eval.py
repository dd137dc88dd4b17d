"""Answer-level evaluation: does the first quoted sentence answer the question, and are near
misses (the corpus touches the topic but does not hold the answer) refused?

The set is ``tests/data/answer_eval.jsonl``, written by the team over the sample corpus: each
question has the gold sentence(s) that answer it, or none for a near miss. It is split into dev
and test halves by document (every question about a document falls in the same half), so a
threshold chosen on dev is measured on documents it never saw.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from index.answer import Answer
from knowledge.text import strip_diacritics


@dataclass(frozen=True)
class AnswerQuestion:
    """A question as a member asks it and the sentences that answer it (none: a near miss)."""

    id: str
    question: str
    doc: str
    gold: tuple[str, ...]
    form: str  # plain | no_diacritics | loose_number
    kind: str  # figure | date | list | permission | issuer | topic | other

    @property
    def answerable(self) -> bool:
        """False for a near miss."""
        return bool(self.gold)


def load_answer_questions(path: Path) -> list[AnswerQuestion]:
    """Read the evaluation set."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            gold = tuple(row["gold"]) if row["answerable"] else ()
            out.append(
                AnswerQuestion(
                    row["id"], row["question"], row["doc"], gold, row["form"], row["type"]
                )
            )
    return out


@dataclass(frozen=True)
class NewsQuestion:
    """A question over the news-style corpus (tests/data/news_corpus: articles *about* Party
    documents), naming a document number and/or a year, and the sentence that answers it."""

    id: str
    question: str
    doc: str
    gold: tuple[str, ...]
    names: str  # number | year | both | none
    form: str  # plain | no_diacritics | loose_number


def load_news_questions(path: Path) -> list[NewsQuestion]:
    """Read the questions over the news corpus."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            out.append(
                NewsQuestion(
                    row["id"], row["question"], row["doc"], tuple(row["gold"]), row["names"],
                    row["form"],
                )
            )  # fmt: skip
    return out


def split_of(doc: str) -> str:
    """«dev» or «test» for every question about ``doc``: documents ordered by a hash of their
    name and dealt alternately, so the halves are fixed and about equal."""
    return "dev" if int(hashlib.sha1(doc.encode()).hexdigest(), 16) % 2 == 0 else "test"


def halves(questions: Iterable[AnswerQuestion]) -> dict[str, list[AnswerQuestion]]:
    """The questions of each half."""
    out: dict[str, list[AnswerQuestion]] = {"dev": [], "test": []}
    for q in questions:
        out[split_of(q.doc)].append(q)
    return out


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


_MARKER = re.compile(r"^([-–+•*]|[a-zđ]\)|\d{1,2}[.)])\s+", re.I)


def answers_with(quote: str, gold: Sequence[str]) -> bool:
    """True when ``quote`` holds a gold sentence (or is a long enough part of one: a quote of
    one item of a gold list). A list marker opening the quote or a gold sentence is left out on
    both sides: a short heading quoted as «1. Tổ chức học tập, quán triệt» holds the gold item
    written the same way."""
    q = _MARKER.sub("", _norm(quote))
    golds = [_MARKER.sub("", _norm(g)) for g in gold]
    return any(g in q or (len(q) >= 40 and q in g) for g in golds)


@dataclass
class Tally:
    """Counts behind the rates of one group of questions."""

    answerable: int = 0
    kept: int = 0
    first: int = 0
    any: int = 0
    near: int = 0
    refused: int = 0

    def add(self, q: AnswerQuestion, answer: Answer) -> None:
        """Count one answered question."""
        if not q.answerable:
            self.near += 1
            self.refused += answer.not_found
            return
        self.answerable += 1
        if answer.not_found:
            return
        self.kept += 1
        quotes = [x.text for x in answer.quotes]
        self.first += answers_with(quotes[0], q.gold)
        self.any += any(answers_with(x, q.gold) for x in quotes)

    def rates(self) -> dict[str, float]:
        """first-quote, any-quote, near-miss refused, on-topic kept."""
        a, n = max(self.answerable, 1), max(self.near, 1)
        return {
            "first": self.first / a,
            "any": self.any / a,
            "refused": self.refused / n,
            "kept": self.kept / a,
        }


@dataclass(frozen=True)
class Outcome:
    """One question's answer, for reading the misses."""

    question: AnswerQuestion
    asked: str
    answer: Answer


def evaluate(
    answer: Callable[[str], Answer], questions: Sequence[AnswerQuestion]
) -> tuple[dict[str, Tally], list[Outcome]]:
    """Tallies as asked («as written»), and with every question's diacritics removed
    («no diacritics»: the same questions typed the way many members type them)."""
    tallies = {"as written": Tally(), "no diacritics": Tally()}
    outcomes = []
    for q in questions:
        for group, asked in (
            ("as written", q.question),
            ("no diacritics", strip_diacritics(q.question)),
        ):
            got = answer(asked)
            tallies[group].add(q, got)
            outcomes.append(Outcome(q, asked, got))
    return tallies, outcomes
