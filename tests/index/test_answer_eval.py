"""The answer evaluation set holds together: gold sentences are really in their documents, and
the dev/test halves never share a document (a threshold chosen on dev meets new documents)."""

from __future__ import annotations

import unicodedata
from collections import Counter
from pathlib import Path

from index.answer_eval import answers_with, halves, load_answer_questions, split_of
from knowledge.readers import read_bytes

REPO = Path(__file__).resolve().parents[2]
SET = REPO / "tests" / "data" / "answer_eval.jsonl"
SAMPLE = REPO / "corpus" / "sample"


def test_every_gold_sentence_is_verbatim_in_its_document() -> None:
    questions = load_answer_questions(SET)
    texts = {
        q.doc: unicodedata.normalize("NFC", read_bytes((SAMPLE / q.doc).read_bytes(), q.doc).text)
        for q in questions
    }
    missing = [(q.id, g) for q in questions for g in q.gold if g not in texts[q.doc]]
    assert missing == []


def test_the_set_has_what_the_issue_asks_for() -> None:
    questions = load_answer_questions(SET)
    forms = Counter(q.form for q in questions)
    assert len(questions) >= 150
    assert sum(not q.answerable for q in questions) >= 40
    assert min(forms.values()) >= len(questions) // 3 - 5  # about a third each
    assert set(forms) == {"plain", "no_diacritics", "loose_number"}


def test_halves_are_split_by_document() -> None:
    split = halves(load_answer_questions(SET))
    dev_docs = {q.doc for q in split["dev"]}
    test_docs = {q.doc for q in split["test"]}
    assert dev_docs and test_docs and not dev_docs & test_docs
    assert all(split_of(q.doc) == half for half, qs in split.items() for q in qs)
    for qs in split.values():
        assert any(q.answerable for q in qs) and any(not q.answerable for q in qs)


def test_a_quote_answers_when_it_holds_the_gold_or_a_long_part_of_it() -> None:
    gold = ["Chi bộ sinh hoạt thường kỳ mỗi tháng một lần, do bí thư chi bộ chủ trì."]
    assert answers_with(
        "“Chi bộ sinh hoạt thường kỳ mỗi tháng một lần, do bí thư chi bộ chủ trì.”", gold
    )
    assert answers_with("a) Chi bộ sinh hoạt thường kỳ mỗi tháng một lần, do bí thư", gold)
    assert not answers_with("Chi bộ sinh hoạt", gold)  # too short a part to count
    assert not answers_with("Đảng viên đóng đảng phí hằng tháng.", gold)


def test_a_short_heading_answers_the_gold_item_it_is_with_its_number() -> None:
    gold = ["1. Tổ chức học tập, quán triệt", "2. Xây dựng kế hoạch thực hiện ở cơ sở"]
    assert answers_with("1. Tổ chức học tập, quán triệt", gold)
    assert answers_with("Tổ chức học tập, quán triệt", gold)
    assert not answers_with("3. Tự phê bình và phê bình", gold)
