"""The answer service and its checks: markers and sources agree, quotes are verbatim, an index
swapped mid-question never yields a wrong citation."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlmodel import Session, select

from bot.services import Services
from index.answer import (
    Answer,
    AnswerInconsistent,
    QuotedSentence,
    Source,
    consistency_problems,
    is_small_talk,
    render_html,
    render_plain,
)
from knowledge.models import Passage
from tests.bot.support import SAMPLE

QUOTES = (QuotedSentence("Câu một <có> & dấu.", 1, 11), QuotedSentence("Câu hai.", 2, 22))
SOURCES = (
    Source(1, "Chỉ thị số 05-CT/TW — mục I", 1, (11,)),
    Source(2, "Quy định số 37-QĐ/TW", 2, (22,)),
)


def test_rendering_escapes_quotes_and_lists_every_source() -> None:
    text = render_html(Answer("q", QUOTES, SOURCES))
    assert text == (
        "“Câu một &lt;có&gt; &amp; dấu.” [1]\n\n“Câu hai.” [2]\n\n<b>Nguồn:</b>\n"
        "[1] Chỉ thị số 05-CT/TW — mục I\n[2] Quy định số 37-QĐ/TW"
    )
    assert render_plain(Answer("q", QUOTES, SOURCES)).endswith(
        "Nguồn:\n[1] Chỉ thị số 05-CT/TW — mục I\n[2] Quy định số 37-QĐ/TW"
    )


@pytest.mark.parametrize(
    ("quotes", "sources", "problem"),
    [
        ((QuotedSentence("A.", 2, 1),), SOURCES[:1], "markers without a source: [2]"),
        (QUOTES[:1], SOURCES, "sources never quoted: [2]"),
        ((QuotedSentence("A.", 2, 1),), (Source(2, "X", 1, (1,)),), "not numbered 1..n"),
    ],
)
def test_an_answer_whose_markers_and_sources_disagree_is_refused(
    quotes: tuple[QuotedSentence, ...], sources: tuple[Source, ...], problem: str
) -> None:
    answer = Answer("q", quotes, sources)
    with pytest.raises(AnswerInconsistent, match=problem.replace("[", r"\[").replace("]", r"\]")):
        render_html(answer)


def test_a_quote_that_itself_contains_a_bracketed_number_is_caught_by_the_check() -> None:
    answer = Answer("q", (QuotedSentence("Xem chú thích [7].", 1, 1),), SOURCES[:1])
    rendered = "“Xem chú thích [7].” [1]\n\nNguồn:\n[1] Chỉ thị số 05-CT/TW — mục I"
    assert consistency_problems(rendered, answer) == ["markers without a source: [7]"]


def test_not_found_says_so_and_suggests_a_document() -> None:
    text = render_html(Answer("giá vàng", example="Chỉ thị 05-CT/TW"))
    assert text.startswith("Chưa tìm thấy đoạn văn bản nào trả lời câu hỏi này trong kho.")
    assert "«Chỉ thị 05-CT/TW»" in text and "Nguồn" not in text
    unknown = render_html(Answer("x", unknown_numbers=("99-CT/TW",), example="Chỉ thị 05-CT/TW"))
    assert unknown.startswith("Trong kho chưa có văn bản số 99-CT/TW.")


@pytest.mark.parametrize(
    ("asked", "said"),
    [
        # a number asked by its kind alone is named as a reader names it, not «văn bản số chi
        # thi 03»
        (("chi thi 03",), "Trong kho chưa có Chỉ thị số 03."),
        (("quyết định 27",), "Trong kho chưa có Quyết định số 27."),
        (("99-CT/TW", "kết luận 5"), "Trong kho chưa có văn bản số 99-CT/TW, Kết luận số 05."),
        # «QĐ» is quy định or quyết định: as typed
        (("QĐ 37",), "Trong kho chưa có văn bản «QĐ 37»."),
    ],
)
def test_a_number_not_in_the_library_is_named_as_a_reader_names_it(
    asked: tuple[str, ...], said: str
) -> None:
    assert render_plain(Answer("x", unknown_numbers=asked)).startswith(said)


@pytest.mark.parametrize(
    ("text", "small"),
    [
        ("xin chào", True),
        ("Chào bot!", True),
        ("cảm ơn nhé", True),
        ("chi bo la gi", False),
        ("chỉ thị 05", False),
        ("", False),
    ],
)
def test_small_talk(text: str, small: bool) -> None:
    assert is_small_talk(text) is small


def test_sources_sharing_a_citation_are_merged(services: Services) -> None:
    answer = services.answers.answer("chỉ thị 05 nói về gì")
    citations = [s.citation for s in answer.sources]
    assert len(citations) == len(set(citations))
    assert {q.source for q in answer.quotes} == {s.number for s in answer.sources}
    with Session(services.engine) as session:
        for quote in answer.quotes:
            passage = session.get(Passage, quote.passage_id)
            assert passage is not None and quote.text in passage.text


def test_answers_stay_correct_while_a_new_document_is_indexed(services: Services) -> None:
    """Searches read one index state from start to end while sync builds the next one aside."""
    errors: list[BaseException] = []
    answers: list[Answer] = []
    stop = threading.Event()

    def ask() -> None:
        while not stop.is_set():
            try:
                answers.append(services.answers.answer("đảng viên không được nói, viết, làm gì"))
            except BaseException as exc:
                errors.append(exc)
                return

    askers = [threading.Thread(target=ask) for _ in range(4)]
    for thread in askers:
        thread.start()
    for name in ("nghi-quyet-18-nq-tw-2017.txt", "ket-luan-01-kl-tw-2021.md"):
        path = Path(SAMPLE / name)
        services.ingester.ingest_bytes(path.read_bytes(), file_name=name, source=str(path))
        services.retriever.sync()
    stop.set()
    for thread in askers:
        thread.join()

    assert errors == [] and answers
    with Session(services.engine) as session:
        texts = {p.id: p.text for p in session.exec(select(Passage)).all()}
    for answer in answers:
        render_html(answer)
        assert all(q.text in texts[q.passage_id] for q in answer.quotes)
