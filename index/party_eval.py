"""Evaluation on Chibo's own Party-domain questions over the sample corpus (passage level)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from index.retriever import Retriever
from knowledge.text import fold


@dataclass(frozen=True)
class PartyQuestion:
    """A question, the files that answer it, and a phrase the answering passage contains."""

    id: str
    question: str
    relevant: frozenset[str]
    answer_contains: str
    style: str


def load_party_questions(path: Path) -> list[PartyQuestion]:
    """Read tests/data/party_questions.jsonl."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            out.append(
                PartyQuestion(
                    row["id"], row["question"], frozenset(row["relevant"]),
                    row["answer_contains"], row["style"],
                )
            )  # fmt: skip
    return out


def first_correct_rank(retriever: Retriever, q: PartyQuestion, depth: int = 10) -> int | None:
    """Rank (0-based) of the first hit from a relevant file whose text holds the answer phrase."""
    phrase = " ".join(fold(q.answer_contains).split())
    for rank, hit in enumerate(retriever.search(q.question, depth).hits):
        if hit.document.file_name in q.relevant and phrase in " ".join(fold(hit.text).split()):
            return rank
    return None


def party_metrics(
    retriever: Retriever, questions: Sequence[PartyQuestion]
) -> dict[str, dict[str, float]]:
    """Hit@1/5/10 and MRR@10 overall and per style (diacritics / plain / number)."""
    ranks: dict[str, list[int | None]] = {"all": []}
    for q in questions:
        rank = first_correct_rank(retriever, q)
        ranks["all"].append(rank)
        ranks.setdefault(q.style, []).append(rank)
    table = {}
    for group, values in ranks.items():
        n = max(len(values), 1)
        table[group] = {
            "n": float(len(values)),
            "Hit@1": sum(r is not None and r < 1 for r in values) / n,
            "Hit@5": sum(r is not None and r < 5 for r in values) / n,
            "Hit@10": sum(r is not None and r < 10 for r in values) / n,
            "MRR@10": sum(1 / (r + 1) for r in values if r is not None) / n,
        }
    return table


def top_relevance(retriever: Retriever, question: str) -> float:
    """Relevance of the best hit (0 when nothing is found)."""
    hits = retriever.search(question, 3).hits
    return max((h.relevance for h in hits), default=0.0)
