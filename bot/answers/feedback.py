"""Asked questions (what answer buttons refer to) and members' 👍 / 👎 on answers."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.members import Actor
from bot.models import AskedQuestion, Feedback, Member
from index.answer import Answer
from knowledge.models import utcnow

log = logging.getLogger(__name__)


def cited_of(answer: Answer) -> list[dict[str, Any]]:
    """What an answer showed, per cited passage: source number, citation and the quote."""
    return [
        {
            "source": source.number,
            "passage_id": pid,
            "citation": source.citation,
            "quote": answer.quote_of(pid),
        }
        for source in answer.sources
        for pid in source.passage_ids
    ]


class QuestionLog:
    """Keeps asked questions for many threads at once, several per transaction.

    Fifty members asking together would otherwise be fifty transactions queueing for SQLite's
    one write lock, the losers sleeping in its busy handler. Here the first thread to arrive
    writes, and the questions that arrive meanwhile go into its next transaction (group
    commit). ``record`` returns once the question is committed, with its id set.
    """

    def __init__(self, engine: Engine, *, max_batch: int = 100) -> None:
        self.engine = engine
        self.max_batch = max_batch
        self.transactions = 0
        self._lock = threading.Lock()
        self._pending: list[tuple[AskedQuestion, Future[AskedQuestion]]] = []
        self._writing = False

    def record(self, *, telegram_user_id: int, chat_id: int, answer: Answer) -> AskedQuestion:
        """Keep a question and what its answer cited (committed when this returns)."""
        asked = AskedQuestion(
            telegram_user_id=telegram_user_id,
            chat_id=chat_id,
            text=answer.question,
            cited=cited_of(answer),
            not_found=answer.not_found,
        )
        future: Future[AskedQuestion] = Future()
        with self._lock:
            self._pending.append((asked, future))
            lead = not self._writing
            self._writing = True
        if lead:
            self._write_all()
        return future.result()

    def _write_all(self) -> None:
        """Write what is pending, batch after batch, then give up the writer's role."""
        batch: list[tuple[AskedQuestion, Future[AskedQuestion]]] = []
        try:
            while True:
                with self._lock:
                    batch = self._pending[: self.max_batch]
                    del self._pending[: self.max_batch]
                    if not batch:
                        self._writing = False
                        return
                self._write(batch)
        except BaseException as exc:  # interrupted: nobody may be left waiting
            with self._lock:
                self._writing = False
                batch, self._pending = batch + self._pending, []
            for _, future in batch:
                if not future.done():
                    future.set_exception(exc)
            raise

    def _write(self, batch: list[tuple[AskedQuestion, Future[AskedQuestion]]]) -> None:
        try:
            with Session(self.engine, expire_on_commit=False) as session:
                session.add_all([asked for asked, _ in batch])
                session.commit()
        except Exception as exc:  # every waiting asker gets the error
            log.exception("keeping %d asked questions failed", len(batch))
            for _, future in batch:
                future.set_exception(exc)
            return
        self.transactions += 1
        for asked, future in batch:
            future.set_result(asked)


def question_for(
    session: Session, *, question_id: int, telegram_user_id: int, chat_id: int | None
) -> AskedQuestion | None:
    """The asked question behind a button, if the presser may see it: its asker, or anyone
    pressing in the chat its answer was sent to. Otherwise None, exactly as for an unknown id,
    so a button forged with another member's question id reveals nothing."""
    asked = session.get(AskedQuestion, question_id)
    if asked is None:
        return None
    if asked.telegram_user_id == telegram_user_id or (
        chat_id is not None and asked.chat_id == chat_id
    ):
        return asked
    return None


def give_feedback(
    session: Session,
    *,
    question_id: int,
    telegram_user_id: int,
    chat_id: int | None,
    helpful: bool,
) -> Feedback | None:
    """Record (or change) a member's verdict on an answer they could see; None if the question
    is gone or is not theirs to rate (see question_for)."""
    asked = question_for(
        session, question_id=question_id, telegram_user_id=telegram_user_id, chat_id=chat_id
    )
    if asked is None:
        return None
    query = select(Feedback).where(
        Feedback.question_id == question_id, Feedback.telegram_user_id == telegram_user_id
    )
    feedback = session.exec(query).first() or Feedback(
        question_id=question_id,
        telegram_user_id=telegram_user_id,
        helpful=helpful,
        question=asked.text,
        cited=list(asked.cited),
    )
    feedback.helpful = helpful
    feedback.created_at = utcnow()
    feedback.reviewed_at = None
    session.add(feedback)
    session.flush()
    return feedback


def open_complaints(
    session: Session, *, cell_id: int | None, limit: int = 10
) -> list[tuple[Feedback, Member | None]]:
    """Answers marked 👎 and not yet reviewed, newest first; one cell's members, or everyone's."""
    query = (
        select(Feedback, Member)
        .join(Member, col(Member.telegram_user_id) == col(Feedback.telegram_user_id), isouter=True)
        .where(Feedback.helpful == False, col(Feedback.reviewed_at).is_(None))  # noqa: E712
        .order_by(col(Feedback.created_at).desc())
        .limit(limit)
    )
    if cell_id is not None:
        query = query.where(Member.cell_id == cell_id)
    return [(feedback, member) for feedback, member in session.exec(query).all()]


def mark_reviewed(session: Session, *, feedback_id: int, actor: Actor) -> Feedback | None:
    """A secretary has looked at a complaint of a member of a cell they manage (admins: any);
    None for an unknown complaint and for another cell's, alike."""
    feedback = session.get(Feedback, feedback_id)
    if feedback is None:
        return None
    access = actor.access(session)
    author = session.exec(
        select(Member).where(col(Member.telegram_user_id) == feedback.telegram_user_id)
    ).first()
    if not access.is_admin and (author is None or not access.manages(author.cell_id)):
        return None
    reviewed_by = actor.telegram_user_id
    feedback.reviewed_at = utcnow()
    feedback.reviewed_by = reviewed_by
    session.add(feedback)
    return feedback
