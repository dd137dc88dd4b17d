"""Asked questions (what answer buttons refer to) and members' 👍 / 👎 on answers."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from bot.answer import Answer
from bot.models import AskedQuestion, Feedback, Member
from knowledge.models import utcnow


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


def record_question(
    session: Session, *, telegram_user_id: int, chat_id: int, answer: Answer
) -> AskedQuestion:
    """Keep a question and what its answer cited; the caller commits."""
    asked = AskedQuestion(
        telegram_user_id=telegram_user_id,
        chat_id=chat_id,
        text=answer.question,
        cited=cited_of(answer),
        not_found=answer.not_found,
    )
    session.add(asked)
    session.flush()
    return asked


def give_feedback(
    session: Session, *, question_id: int, telegram_user_id: int, helpful: bool
) -> Feedback | None:
    """Record (or change) a member's verdict on an answer; None if the question is gone."""
    asked = session.get(AskedQuestion, question_id)
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


def mark_reviewed(session: Session, *, feedback_id: int, reviewed_by: int) -> Feedback | None:
    """A secretary has looked at a complaint."""
    feedback = session.get(Feedback, feedback_id)
    if feedback is None:
        return None
    feedback.reviewed_at = utcnow()
    feedback.reviewed_by = reviewed_by
    session.add(feedback)
    return feedback
