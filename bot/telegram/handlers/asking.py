"""Questions and answers: private text, /hoi, mentions in groups, answer buttons, inline mode."""

from __future__ import annotations

import asyncio
import html
import logging
import re
import time

from sqlmodel import Session
from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    MessageEntity,
    Update,
)
from telegram.constants import ChatType
from telegram.error import BadRequest

from bot import members, texts
from bot.answers import feedback, library
from bot.answers import texts as ant
from bot.members import Access
from bot.models import AskedQuestion
from bot.services import Services
from bot.telegram.callbacks import Action, pack
from bot.telegram.handlers import joining
from bot.telegram.handlers.common import (
    Context,
    access_of,
    actor,
    button_ids,
    deliver,
    in_session,
    refusal,
    reply,
    secretary_access,
    services,
)
from bot.telegram.policy import redirected_to
from index.answer import Answer, AnswerInconsistent, MorePage, is_small_talk, preview, render_html
from index.retriever import IndexError_, QueryError
from knowledge.scopes import Readable

log = logging.getLogger(__name__)

INLINE_RESULTS = 5


# ----------------------------------------------------------------------------- questions


async def on_private_text(update: Update, context: Context) -> None:
    """Text in a private chat: a join request's name, or a question."""
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None and message.text is not None
    access = await access_of(context, user.id)
    if access.awaiting_name:
        await joining.take_name(update, context, access, message.text)
    elif access.can_ask:
        await answer_question(update, context, message.text)
    else:
        await reply(update, context, refusal(access))


async def ask_command(update: Update, context: Context) -> None:
    """/hoi <câu hỏi>: ask anywhere."""
    user = update.effective_user
    assert user is not None
    access = await access_of(context, user.id)
    if not access.can_ask:
        await reply(update, context, _group_refusal(update, access))
        return
    question = " ".join(context.args or [])
    if not question.strip():
        await reply(update, context, ant.EMPTY_QUESTION)
        return
    await answer_question(update, context, question)


async def ask_in_group(update: Update, context: Context) -> None:
    """A group message that mentions the bot or replies to it."""
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None and message.text is not None
    if not _addresses_bot(update, context):
        return
    access = await access_of(context, user.id)
    if not access.can_ask:
        await reply(update, context, texts.GROUP_NOT_MEMBER)
        return
    mention = f"@{context.bot.username}"
    question = re.sub(re.escape(mention), " ", message.text, flags=re.I).strip()
    if not question:
        await reply(update, context, ant.EMPTY_QUESTION)
        return
    await answer_question(update, context, question)


def _addresses_bot(update: Update, context: Context) -> bool:
    message = update.effective_message
    assert message is not None
    replied = message.reply_to_message
    if (
        replied is not None
        and replied.from_user is not None
        and replied.from_user.id == context.bot.id
    ):
        return True
    mention = f"@{context.bot.username}".lower()
    mentions = message.parse_entities([MessageEntity.MENTION]).values()
    return any(m.lower() == mention for m in mentions)


def _group_refusal(update: Update, access: Access) -> str:
    chat = update.effective_chat
    in_group = chat is not None and chat.type != ChatType.PRIVATE
    return texts.GROUP_NOT_MEMBER if in_group else refusal(access)


async def not_text(update: Update, context: Context) -> None:
    """Stickers, photos, voice…: only text questions are understood."""
    user = update.effective_user
    assert user is not None
    access = await access_of(context, user.id)
    await reply(update, context, texts.TEXT_ONLY if access.can_ask else refusal(access))


async def answer_question(update: Update, context: Context, question: str) -> None:
    """Search, quote, cite, check, then deliver where only members can read it."""
    svc = services(context)
    user, chat = update.effective_user, update.effective_chat
    assert user is not None and chat is not None
    limit = svc.settings.bot.max_question_chars
    if len(question) > limit:
        text = ant.QUESTION_TOO_LONG.format(
            length=f"{len(question):,}".replace(",", "."), limit=limit
        )
        await reply(update, context, text)
        return
    if is_small_talk(question):
        await reply(update, context, texts.GREETING)
        return
    started = time.perf_counter()
    try:
        answer, asked = await asyncio.to_thread(_answer_and_record, svc, question, user.id, chat.id)
        text = render_html(answer)
    except QueryError:
        await reply(update, context, ant.EMPTY_QUESTION)
        return
    except IndexError_:
        log.exception("no usable index")
        await reply(update, context, texts.NOT_READY)
        return
    except AnswerInconsistent:
        await reply(update, context, ant.ANSWER_BROKEN)
        return
    assert asked.id is not None
    answered = time.perf_counter()
    await deliver(update, context, text, answer_keyboard(answer, asked.id, svc))
    log.info(
        "answered with %d sources: retrieval %.0f ms, sending %.0f ms",
        len(answer.sources),
        (answered - started) * 1000,
        (time.perf_counter() - answered) * 1000,
    )


def _answer_and_record(
    svc: Services, question: str, user_id: int, chat_id: int
) -> tuple[Answer, AskedQuestion]:
    """The blocking half of answering: retrieval, quoting, and keeping the question."""
    answer = svc.answers.answer(question, readable=readable_for(svc, user_id))
    asked = svc.questions.record(telegram_user_id=user_id, chat_id=chat_id, answer=answer)
    return answer, asked


def readable_for(svc: Services, telegram_user_id: int) -> Readable:
    """What the asker may read (blocking; the answer's retrieval is restricted to it)."""
    with Session(svc.engine) as session:
        return members.readable_of(session, telegram_user_id=telegram_user_id)


def answer_keyboard(answer: Answer, question_id: int, svc: Services) -> InlineKeyboardMarkup:
    """📄 per source, then «Thêm kết quả», 👍 and 👎."""
    rows = []
    if answer.sources:
        rows.append(
            [
                InlineKeyboardButton(
                    ant.BTN_OPEN.format(n=s.number),
                    callback_data=pack(Action.PASSAGE, s.passage_ids[0]),
                )
                for s in answer.sources
            ]
        )
    last = []
    if not answer.not_found:
        offset = svc.settings.bot.answer_sources
        last.append(
            InlineKeyboardButton(ant.BTN_MORE, callback_data=pack(Action.MORE, question_id, offset))
        )
    last.append(
        InlineKeyboardButton(ant.BTN_UP, callback_data=pack(Action.FEEDBACK, question_id, 1))
    )
    last.append(
        InlineKeyboardButton(ant.BTN_DOWN, callback_data=pack(Action.FEEDBACK, question_id, 0))
    )
    rows.append(last)
    return InlineKeyboardMarkup(rows)


# ----------------------------------------------------------------------------- buttons


async def _member_button(update: Update, context: Context, count: int) -> list[int] | None:
    """The button's ``count`` integer arguments if a member pressed it; otherwise answer the
    press (a refusal, or the stale-button notice for a malformed payload) and return None."""
    query = update.callback_query
    assert query is not None
    access = await access_of(context, query.from_user.id)
    if not access.can_ask:
        await query.answer(refusal(access), show_alert=True)
        return None
    return await button_ids(update, count)


async def open_passage(update: Update, context: Context) -> None:
    """📄: the cited passage in full, with page buttons through its document."""
    ids = await _member_button(update, context, 1)
    if ids is None:
        return
    query = update.callback_query
    assert query is not None
    reader = query.from_user.id
    page = await in_session(
        context, lambda s: library.passage_page(s, reader=reader, passage_id=ids[0])
    )
    if page is None:
        await query.answer(ant.PASSAGE_GONE, show_alert=True)
        return
    await query.answer()
    await deliver(update, context, library.render_passage(page), page_keyboard(page))


async def turn_page(update: Update, context: Context) -> None:
    """◀ / ▶: the previous or next passage of the document, in the same message."""
    ids = await _member_button(update, context, 2)
    if ids is None:
        return
    query = update.callback_query
    assert query is not None
    document_id, ordinal = ids
    reader = query.from_user.id
    page = await in_session(
        context,
        lambda s: library.passage_page(s, reader=reader, document_id=document_id, ordinal=ordinal),
    )
    if page is None:
        await query.answer(ant.PASSAGE_GONE, show_alert=True)
        return
    await query.answer()
    text = library.render_passage(page)
    if redirected_to() is not None:  # a group's message is never edited into a document page
        await deliver(update, context, text, page_keyboard(page))
        return
    try:
        await query.edit_message_text(text, reply_markup=page_keyboard(page))
    except BadRequest as exc:  # too old to edit, or the page is longer than one message
        log.info("page edit refused (%s); sending it anew", exc)
        await deliver(update, context, text, page_keyboard(page))


def page_keyboard(page: library.PassagePage) -> InlineKeyboardMarkup:
    """◀ ▶ through the document, and its original file."""
    row = []
    if page.ordinal > 0:
        row.append(
            InlineKeyboardButton(
                ant.BTN_PREV, callback_data=pack(Action.PAGE, page.document_id, page.ordinal - 1)
            )
        )
    if page.ordinal + 1 < page.total:
        row.append(
            InlineKeyboardButton(
                ant.BTN_NEXT, callback_data=pack(Action.PAGE, page.document_id, page.ordinal + 1)
            )
        )
    file_row = [
        InlineKeyboardButton(ant.BTN_FILE, callback_data=pack(Action.ORIGINAL, page.document_id))
    ]
    return InlineKeyboardMarkup([row, file_row] if row else [file_row])


async def more_results(update: Update, context: Context) -> None:
    """🔎: further relevant passages for the same question."""
    ids = await _member_button(update, context, 2)
    if ids is None:
        return
    query = update.callback_query
    assert query is not None
    question_id, offset = ids
    svc = services(context)
    chat_id = query.message.chat.id if query.message is not None else None
    asked = await in_session(
        context,
        lambda s: feedback.question_for(
            s, question_id=question_id, telegram_user_id=query.from_user.id, chat_id=chat_id
        ),
    )
    if asked is None:
        await stale_button(update, context)
        return
    try:
        readable = await in_session(
            context,
            lambda s: members.readable_of(s, telegram_user_id=query.from_user.id),
        )
        page = await asyncio.to_thread(svc.answers.more, asked.text, offset, readable=readable)
    except (QueryError, IndexError_):
        await query.answer(texts.NOT_READY, show_alert=True)
        return
    await query.answer()
    if not page.items:
        await deliver(update, context, ant.NO_MORE)
        return
    await deliver(update, context, render_more(asked.text, page), more_keyboard(question_id, page))


def render_more(question: str, page: MorePage) -> str:
    """HTML list of further passages, each with its citation beside it."""
    lines = [ant.MORE_HEADING.format(question=html.escape(_short(question)))]
    for item in page.items:
        lines.append(
            f"\n<b>{item.rank}.</b> {html.escape(item.citation)}\n“{html.escape(item.preview)}”"
        )
    return "\n".join(lines)


def more_keyboard(question_id: int, page: MorePage) -> InlineKeyboardMarkup:
    """📄 per listed passage, and «Thêm kết quả» while there are more."""
    rows = [
        [
            InlineKeyboardButton(
                ant.BTN_OPEN.format(n=i.rank), callback_data=pack(Action.PASSAGE, i.passage_id)
            )
            for i in page.items
        ]
    ]
    if page.next_offset is not None:
        rows.append(
            [
                InlineKeyboardButton(
                    ant.BTN_MORE, callback_data=pack(Action.MORE, question_id, page.next_offset)
                )
            ]
        )
    return InlineKeyboardMarkup(rows)


async def rate_answer(update: Update, context: Context) -> None:
    """👍 / 👎: keep the verdict with the question and what was cited."""
    ids = await _member_button(update, context, 2)
    if ids is None:
        return
    query = update.callback_query
    assert query is not None
    if ids[1] not in (0, 1):
        await stale_button(update, context)
        return
    question_id, helpful = ids[0], bool(ids[1])
    chat_id = query.message.chat.id if query.message is not None else None
    saved = await in_session(
        context,
        lambda s: feedback.give_feedback(
            s,
            question_id=question_id,
            telegram_user_id=query.from_user.id,
            chat_id=chat_id,
            helpful=helpful,
        ),
    )
    if saved is None:
        await stale_button(update, context)
        return
    await query.answer(ant.FEEDBACK_UP if helpful else ant.FEEDBACK_DOWN)


async def stale_button(update: Update, context: Context) -> None:
    """A button from an old message, another version, or a question no longer stored."""
    query = update.callback_query
    assert query is not None
    await query.answer(ant.STALE_BUTTON, show_alert=True)


# ----------------------------------------------------------------------------- review


async def complaints(update: Update, context: Context) -> None:
    """/phanhoi: answers members marked 👎, for the secretary to review."""
    access = await secretary_access(update, context)
    if access is None:
        return
    cell_id = None if access.is_admin else access.member.cell_id  # type: ignore[union-attr]
    found = await in_session(context, lambda s: feedback.open_complaints(s, cell_id=cell_id))
    if not found:
        await reply(update, context, ant.PHANHOI_EMPTY)
        return
    for item, member in found:
        cited = (
            "\n".join(
                f"[{c['source']}] {html.escape(c['citation'])}: “{html.escape(_short(c['quote']))}”"
                for c in item.cited
            )
            or "—"
        )
        who = html.escape(member.full_name if member else str(item.telegram_user_id))
        text = ant.PHANHOI_ITEM.format(
            when=item.created_at.strftime("%d/%m/%Y"),
            who=who,
            question=html.escape(item.question),
            cited=cited,
        )
        button = InlineKeyboardButton(
            ant.BTN_REVIEWED, callback_data=pack(Action.REVIEWED, item.id or 0)
        )
        await reply(update, context, text, InlineKeyboardMarkup([[button]]))


async def mark_reviewed(update: Update, context: Context) -> None:
    """✔ Đã xem on a complaint."""
    query = update.callback_query
    assert query is not None
    access = await access_of(context, query.from_user.id)
    if not access.is_secretary:
        await query.answer(texts.NOT_SECRETARY, show_alert=True)
        return
    ids = await button_ids(update, 1)
    if ids is None:
        return
    acting = actor(update, context)
    done = await in_session(
        context, lambda s: feedback.mark_reviewed(s, feedback_id=ids[0], actor=acting)
    )
    if done is None:
        await stale_button(update, context)
        return
    await query.answer(ant.REVIEWED)
    await query.edit_message_reply_markup(None)


# ----------------------------------------------------------------------------- inline mode


async def inline_search(update: Update, context: Context) -> None:
    """@bot câu hỏi from any chat: the top passages as results, for members only."""
    inline = update.inline_query
    assert inline is not None
    access = await access_of(context, inline.from_user.id)
    if not access.can_ask:
        button = InlineQueryResultsButton(text=ant.INLINE_JOIN, start_parameter="join")
        await inline.answer([], button=button, cache_time=0, is_personal=True)
        return
    question = inline.query.strip()
    if len(question) < 3:
        await inline.answer([], cache_time=0, is_personal=True)
        return
    svc = services(context)
    try:
        readable = await in_session(
            context, lambda s: members.readable_of(s, telegram_user_id=inline.from_user.id)
        )
        _result, hits = await asyncio.to_thread(
            svc.answers.relevant_hits, question, INLINE_RESULTS, readable=readable
        )
    except (QueryError, IndexError_):
        hits = []
    results = []
    for hit in hits[:INLINE_RESULTS]:
        citation = hit.document.cite_prose(hit.section)
        quote = preview(hit.text)
        results.append(
            InlineQueryResultArticle(
                id=str(hit.passage_id),
                title=citation[:120],
                description=quote[:200],
                input_message_content=InputTextMessageContent(
                    f"“{html.escape(quote)}”\n\n<i>{html.escape(citation)}</i>"
                ),
            )
        )
    await inline.answer(results, cache_time=30, is_personal=True)


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"
