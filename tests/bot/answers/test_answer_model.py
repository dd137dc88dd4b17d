"""Answer quality with the real offline model over the sample corpus: the bot's claims."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session

from bot.chat import run_chat
from bot.services import Services
from index.answer import render_html
from knowledge.models import Document, Passage
from tests.bot.support import make_settings, model_corpus, services_from

pytestmark = pytest.mark.model
DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.fixture
def model_services(
    e5_model_dir: Path, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Services]:
    """Services over a copy of the sample corpus indexed with multilingual-e5-small."""
    corpus = model_corpus(str(tmp_path_factory.getbasetemp() / "model-corpus"))
    services = services_from(corpus, make_settings(tmp_path))
    yield services
    services.engine.dispose()


def test_every_party_question_gets_a_consistent_verbatim_cited_answer(
    model_services: Services,
) -> None:
    rows = [json.loads(line) for line in (DATA / "party_questions.jsonl").read_text().splitlines()]
    right_first, containing, missing = 0, 0, []
    with Session(model_services.engine) as session:
        for row in rows:
            answer = model_services.answers.answer(row["question"])
            render_html(answer)  # raises if a marker or a source is out of place
            if answer.not_found:
                missing.append(row["question"])
                continue
            for quote in answer.quotes:
                passage = session.get(Passage, quote.passage_id)
                assert passage is not None and quote.text in passage.text
            first = session.get(Document, answer.sources[0].document_id)
            right_first += first is not None and first.file_name in row["relevant"]
            wanted = row["answer_contains"].lower()
            containing += any(wanted in q.text.lower() for q in answer.quotes)

    assert missing == [], missing
    assert right_first / len(rows) >= 0.85, right_first
    assert containing / len(rows) >= 0.72, containing


def test_off_topic_questions_are_not_padded_with_passages(model_services: Services) -> None:
    questions = [q for q in (DATA / "offtopic_questions.txt").read_text().splitlines() if q]
    answered = [q for q in questions if not model_services.answers.answer(q).not_found]
    assert answered == []


def test_chibo_chat_answers_a_newcomer_with_citations(model_services: Services) -> None:
    lines = iter(["chi thi 05 noi ve gi", "Đảng viên có được kinh doanh không?", "/thoat"])
    out: list[str] = []

    run_chat(model_services.answers, max_chars=1000, read=lambda _p: next(lines), write=out.append)

    assert out[0].startswith("Chibo — hỏi đáp văn bản của Đảng")
    assert "Nguồn:\n[1] Chỉ thị số 05-CT/TW ngày 15/5/2016 của Bộ Chính trị" in out[1]
    assert "Quy định số 37-QĐ/TW" in out[2] and "kinh doanh" in out[2]
    assert len(out) == 3


@pytest.mark.parametrize(
    ("typed", "first"),
    [
        ("đv có được kinh doanh k", "3. Không được kinh doanh những ngành, nghề"),
        ("dv co duoc danh bac k", "1. Không được tham gia đánh bạc"),
        ("cho em hỏi đv dự bị bao lâu thì được xét chính thức ạ", "1. Thời gian dự bị là 12 tháng"),
        ("hồ sơ đv gồm những gì vậy mn", "1. Hồ sơ đảng viên gồm:"),
    ],
)
def test_a_member_typing_chat_shorthand_gets_the_answer(
    model_services: Services, typed: str, first: str
) -> None:
    # «đv … k» shares nothing with «đảng viên … không»: these were all refused
    answer = model_services.answers.answer(typed)

    assert not answer.not_found, typed
    assert answer.quotes[0].text.startswith(first)


def test_a_question_typed_all_in_capitals_is_answered(model_services: Services) -> None:
    # typed bare and in capitals it was refused; in lower case it was answered
    answer = model_services.answers.answer("DANG VIEN DU BI BAO LAU THI DUOC XET CHINH THUC")

    assert not answer.not_found
    assert answer.quotes[0].text.startswith("1. Thời gian dự bị là 12 tháng")
