"""`chibo chat`: the same answers in a terminal, without Telegram, a token or a network."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from bot import texts
from bot.answers import texts as ant
from index.answer import AnswerInconsistent, AnswerService, is_small_talk, render_plain
from index.retriever import IndexError_, QueryError
from knowledge.scopes import SHARED, Readable


def to_plain(text: str) -> str:
    """A bot text without its HTML markup."""
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def respond(
    answers: AnswerService, question: str, *, max_chars: int, readable: Readable = SHARED
) -> str:
    """What the bot would answer a reader of ``readable``, as plain text."""
    if len(question) > max_chars:
        return to_plain(ant.QUESTION_TOO_LONG.format(length=len(question), limit=max_chars))
    if is_small_talk(question):
        return to_plain(texts.GREETING)
    try:
        return render_plain(answers.answer(question, readable=readable))
    except QueryError:
        return to_plain(ant.EMPTY_QUESTION)
    except IndexError_:
        return to_plain(texts.NOT_READY)
    except AnswerInconsistent:
        return to_plain(ant.ANSWER_BROKEN)


def run_chat(
    answers: AnswerService,
    *,
    max_chars: int,
    read: Callable[[str], str] = input,
    write: Callable[[str], object] = print,
    readable: Readable = SHARED,
) -> None:
    """Read questions until end of input or /thoat; print each cited answer."""
    write(texts.CHAT_WELCOME)
    while True:
        try:
            line = read(texts.CHAT_PROMPT)
        except (EOFError, KeyboardInterrupt):
            write("")
            return
        question = line.strip()
        if question.lower() in texts.CHAT_QUIT:
            return
        if question:
            write(respond(answers, question, max_chars=max_chars, readable=readable) + "\n")
