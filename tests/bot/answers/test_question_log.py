"""Questions asked together are kept together: every one committed, with its own id and citations,
in fewer transactions than questions (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.answers.feedback import QuestionLog
from bot.models import AskedQuestion
from index.answer import Answer, QuotedSentence, Source


def _answer(n: int) -> Answer:
    quote = QuotedSentence(f"Câu trích số {n}.", 1, 1000 + n)
    return Answer(f"câu hỏi {n}", (quote,), (Source(1, f"Chỉ thị số {n}-CT/TW", n, (1000 + n,)),))


def _ask_together(log: QuestionLog, count: int) -> dict[int, AskedQuestion | BaseException]:
    got: dict[int, AskedQuestion | BaseException] = {}
    barrier = threading.Barrier(count)

    def ask(n: int) -> None:
        barrier.wait()
        try:
            got[n] = log.record(telegram_user_id=500 + n, chat_id=500 + n, answer=_answer(n))
        except Exception as exc:
            got[n] = exc

    threads = [threading.Thread(target=ask, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return got


def test_forty_questions_at_once_are_all_kept_in_fewer_transactions(engine: Engine) -> None:
    log = QuestionLog(engine)

    got = _ask_together(log, 40)

    with Session(engine) as session:
        rows = {row.id: row for row in session.exec(select(AskedQuestion))}
    assert len(rows) == 40
    for n, asked in got.items():
        assert isinstance(asked, AskedQuestion)
        row = rows[asked.id]  # the id handed back is the committed row of this very question
        assert (row.text, row.telegram_user_id) == (f"câu hỏi {n}", 500 + n)
        assert row.cited == [
            {
                "source": 1,
                "passage_id": 1000 + n,
                "citation": f"Chỉ thị số {n}-CT/TW",
                "quote": f"Câu trích số {n}.",
            }
        ]
    assert 1 <= log.transactions < 40


def test_a_failed_write_reaches_every_waiting_asker_and_the_log_recovers(
    engine: Engine,
) -> None:
    log = QuestionLog(engine)
    with engine.begin() as connection:
        connection.execute(text("ALTER TABLE askedquestion RENAME TO askedquestion_away"))
    try:
        got = _ask_together(log, 10)
    finally:
        with engine.begin() as connection:
            connection.execute(text("ALTER TABLE askedquestion_away RENAME TO askedquestion"))

    assert len(got) == 10 and all(isinstance(v, Exception) for v in got.values())
    with Session(engine) as session:
        assert session.exec(select(AskedQuestion)).all() == []
    # Nobody is left holding the writer's role: the next question is kept.
    asked = log.record(telegram_user_id=1, chat_id=1, answer=_answer(1))
    with Session(engine) as session:
        assert session.get(AskedQuestion, asked.id) is not None


@pytest.mark.parametrize("count", [1, 3])
def test_a_lone_question_is_written_at_once(engine: Engine, count: int) -> None:
    log = QuestionLog(engine)
    ids = [log.record(telegram_user_id=n, chat_id=n, answer=_answer(n)).id for n in range(count)]
    assert len(set(ids)) == count and log.transactions == count
