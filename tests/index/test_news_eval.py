"""The news-style corpus and its questions hold together (issue 14, item 6): every article is
labelled as the team's sample, every gold sentence is verbatim in its article, and the questions
name numbers and years as the issue asks."""

from __future__ import annotations

import unicodedata
from collections import Counter
from pathlib import Path

from index.answer_eval import load_news_questions
from knowledge.readers import read_bytes

REPO = Path(__file__).resolve().parents[2]
NEWS = REPO / "tests" / "data" / "news_corpus"
QUESTIONS = REPO / "tests" / "data" / "news_questions.jsonl"
LABEL = (
    "(Bài viết mẫu do nhóm phát triển Chibo soạn để kiểm thử, không phải văn bản hay bài báo thật.)"
)


def test_every_article_says_it_is_a_sample_under_its_headline() -> None:
    articles = sorted(NEWS.glob("*.txt"))
    assert len(articles) >= 24
    for path in articles:
        lines = path.read_text(encoding="utf-8").splitlines()
        assert lines[1] == LABEL, path.name
        assert not lines[0].endswith("."), path.name  # a headline, not a lead sentence


def test_every_gold_sentence_is_verbatim_in_its_article() -> None:
    questions = load_news_questions(QUESTIONS)
    missing = []
    for q in questions:
        data = (NEWS / q.doc).read_bytes()
        text = unicodedata.normalize("NFC", read_bytes(data, q.doc).text)
        missing += [(q.id, g) for g in q.gold if g not in text]
    assert missing == []


def test_at_least_forty_questions_name_a_number_or_a_year() -> None:
    questions = load_news_questions(QUESTIONS)
    assert sum(q.names != "none" for q in questions) >= 40
    assert len({q.id for q in questions}) == len(questions)
    assert set(Counter(q.form for q in questions)) == {"plain", "no_diacritics", "loose_number"}
