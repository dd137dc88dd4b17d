"""«Điều 6 Quy định 37 nói gì», «khoản 3 điều 6 QĐ 37»: the article (and clause) the member
names, of the document named — and a plain statement when that document has no such article."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from index.answer import AnswerService, render_plain
from index.embedder import HashEmbedder
from index.retriever import Retriever, named_article
from index.settings import IndexSettings
from knowledge.ingest import Ingester
from knowledge.settings import KnowledgeSettings

SAMPLE = Path(__file__).resolve().parents[2] / "corpus" / "sample"


@pytest.fixture
def answers(hash_retriever: Retriever, sample_engine: Engine) -> AnswerService:
    return AnswerService(hash_retriever, sample_engine, min_relevance=0.55, min_focus=0.25)


@pytest.mark.parametrize(
    ("question", "first", "clauses"),
    [
        ("Điều 6 Quy định 37 nói gì?", "1. Không được cung cấp, làm lộ", 3),
        ("dieu 7 qd 37 noi ve gi", "1. Không được tham gia đánh bạc", 3),
        ("Điều 2 Quy định số 37-QĐ/TW quy định gì", "1. Đảng viên phải tự giác thực hiện", 2),
    ],
)
def test_the_article_named_is_quoted_clause_by_clause(
    answers: AnswerService, question: str, first: str, clauses: int
) -> None:
    answer = answers.answer(question)
    assert answer.quotes[0].text.startswith(first)
    assert len(answer.quotes) == clauses
    assert [s.citation.split(" — ")[-1].split(" (")[0] for s in answer.sources] == [
        f"Chương {'I' if 'Điều 2' in question else 'II'}, Điều {named_article(question)}"
    ]


@pytest.mark.parametrize(
    "question", ["khoản 3 điều 6 quy định 37 nói gì", "Điều 6 khoản 3 QĐ 37-QĐ/TW"]
)
def test_the_clause_named_is_quoted_alone(answers: AnswerService, question: str) -> None:
    answer = answers.answer(question)
    assert [q.text for q in answer.quotes] == [
        "3. Không được kinh doanh những ngành, nghề mà pháp luật cấm hoặc kinh doanh khi pháp "
        "luật không cho phép."
    ]


def test_an_article_the_document_does_not_have_is_said_not_replaced(
    answers: AnswerService,
) -> None:
    answer = answers.answer("điều 15 quy định 37 nói gì")
    assert answer.not_found
    assert render_plain(answer) == "Quy định 37-QĐ/TW trong kho chỉ có 10 điều, không có Điều 15."


def test_an_article_without_a_document_filters_nothing(hash_retriever: Retriever) -> None:
    # «điều 6» alone could be any document's: the search goes on as for any question.
    result = hash_retriever.search("điều 6 nói về tài sản và tài chính", 5)
    assert not result.article and result.missing_article is None and result.hits


def test_the_article_is_found_on_either_database(engine: Engine, tmp_path: Path) -> None:
    # The article is looked up by its heading in the store: SQLite and PostgreSQL alike.
    report = Ingester(engine, KnowledgeSettings()).ingest_paths(
        [SAMPLE / "quy-dinh-37-qd-tw-2021.txt"]
    )
    assert not report.failed
    retriever = Retriever(engine, HashEmbedder(), IndexSettings(), tmp_path / "index")
    retriever.sync()
    service = AnswerService(retriever, engine, min_relevance=0.55, min_focus=0.25)

    clause = service.answer("khoản 2 Điều 6 Quy định 37-QĐ/TW")
    missing = service.answer("Điều 11 Quy định 37-QĐ/TW")

    assert [q.text for q in clause.quotes] == [
        "2. Không được kê khai tài sản, thu nhập không trung thực; không được sử dụng tài sản "
        "công vào mục đích cá nhân."
    ]
    assert missing.missing_article == (
        "Quy định 37-QĐ/TW trong kho chỉ có 10 điều, không có Điều 11."
    )


def test_a_question_about_something_in_the_article_is_answered_from_it(
    answers: AnswerService,
) -> None:
    answer = answers.answer("Điều 7 Quy định 37 có cấm tổ chức cưới hỏi linh đình không")
    assert "Không được tổ chức cưới hỏi" in answer.quotes[0].text
    assert all("Điều 7" in s.citation for s in answer.sources)


def test_a_clause_the_article_does_not_have_is_not_replaced_by_others(
    answers: AnswerService,
) -> None:
    assert answers.answer("khoản 9 điều 6 quy định 37 nói gì").not_found


@pytest.mark.parametrize(
    "question",
    [
        # an article of another text (the Party Statute), not of the decision named
        "Quyết định 27 căn cứ Điều 30 Điều lệ Đảng thế nào",
        # a count of articles, not an article
        "Quy định 37 có 10 điều 2 chương đúng không",
    ],
)
def test_an_article_of_another_text_or_a_count_is_not_the_article_named(
    answers: AnswerService, question: str
) -> None:
    answer = answers.answer(question)
    assert answer.missing_article is None
    assert not any(q.text.startswith("1. Đảng viên phải tự giác") for q in answer.quotes)


def test_an_article_of_a_document_re_ingested_since_the_last_sync_fails_nothing(
    engine: Engine, tmp_path: Path
) -> None:
    # The store already holds the new passages, the index still the old ones: the article is
    # looked for among what the index can show, and nothing fails.
    rules = tmp_path / "quy-dinh-37-qd-tw-2021.txt"
    rules.write_text((SAMPLE / rules.name).read_text(encoding="utf-8"), encoding="utf-8")
    ingester = Ingester(engine, KnowledgeSettings())
    assert not ingester.ingest_paths([rules]).failed
    retriever = Retriever(engine, HashEmbedder(), IndexSettings(), tmp_path / "index")
    retriever.sync()
    rules.write_text(
        rules.read_text(encoding="utf-8").replace("đánh bạc", "cờ bạc"), encoding="utf-8"
    )
    assert not ingester.ingest_paths([rules]).failed
    service = AnswerService(retriever, engine, min_relevance=0.55, min_focus=0.25)

    answer = service.answer("Điều 7 Quy định 37 nói gì")  # the article changed

    assert answer.missing_article is None
    retriever.sync()
    assert (
        service.answer("Điều 7 Quy định 37 nói gì")
        .quotes[0]
        .text.startswith("1. Không được tham gia cờ bạc")
    )
