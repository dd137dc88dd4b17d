"""Meetings in Telegram: /hop (schedule), /cuochop (the secretary's panel), «Sẽ dự» / «Xin
vắng», reminders, check-in (/comat, the code typed alone, the QR deep link), /ghicomat, closing
with the report files, the quality vote, the minutes, and /diemdanh.

Handlers sit in group -1 (like the notices'), ahead of the question handlers; those that act
end the update with ApplicationHandlerStop. Single-question prompts (the reason for an
absence, a new time, the minutes file) wait in ``UserData.awaiting`` with a deadline.

Reminders are JobQueue jobs rebuilt from the database at start-up and whenever a meeting is
scheduled or moved; a job only asks the database to fire its reminder, and the database fires
each reminder once (bot.meetings.fire_reminder), so restarts and several processes neither lose
nor double one.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import html
import io
import logging
import re
import secrets
import time
import warnings
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import qrcode
from sqlmodel import Session
from telegram import InlineKeyboardMarkup, InputFile, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.helpers import create_deep_linked_url
from telegram.warnings import PTBUserWarning

from bot import meetings, members
from bot.answers import library
from bot.meetings import (
    MeetingError,
    Outcome,
    Reading,
)
from bot.meetings import reports as files
from bot.meetings import texts as mt
from bot.members import Access, Actor
from bot.messages import TEXT_LIMIT, fit_html
from bot.models import (
    Answer,
    Cell,
    Change,
    Mark,
    Meeting,
    MeetingKind,
    MeetingState,
    Member,
    Rating,
    as_utc,
)
from bot.settings import MeetingSettings
from bot.telegram.callbacks import CALLBACK_VERSION, Action, pack, pattern, unpack
from bot.telegram.handlers import common, documents
from bot.telegram.handlers.common import (
    Context,
    access_of,
    actor,
    cell_secretary_access,
    drop_on_timeout,
    final,
    in_session,
    keyboard,
    reply,
    reported,
    secretary_access,
    send_html,
)
from bot.telegram.handlers.notices import wake_sender
from bot.telegram.keyboards import rsvp_markup, vote_markup
from bot.telegram.policy import Where, placed, target_chat
from bot.when import VIETNAM, WhenError, describe, parse_when
from knowledge import store
from knowledge.models import Document, utcnow
from knowledge.text import fold

log = logging.getLogger(__name__)

GROUP = -1
KIND, TOPIC, WHEN, PLACE, AGENDA, READINGS, CONFIRM = range(7)
AWAIT_SECONDS = 10 * 60
PANEL_REFRESH_SECONDS = 3.0
_CODE = re.compile(r"^\s*(\d{4,8})\s*$")


def settings_of(context: Context) -> MeetingSettings:
    """The meetings section of the bot's settings."""
    return context.bot_data.meetings


def _who(access: Access, fallback: str) -> str:
    """The roster name of whoever acts, else ``fallback`` (their Telegram name)."""
    member = access.member
    return member.full_name if member is not None and member.full_name else fallback


# ----------------------------------------------------------------------------- /hop


@dataclass
class Draft:
    """A meeting being scheduled (user_data, until confirmed or dropped)."""

    cell_id: int
    sender_name: str
    kind: MeetingKind = MeetingKind.REGULAR
    topic: str = ""
    starts_at: datetime | None = None
    place: str = ""
    agenda: str = ""
    readings: list[Reading] = field(default_factory=list)
    token: str = field(default_factory=lambda: secrets.token_hex(3))


def _draft(context: Context) -> Draft | None:
    assert context.user_data is not None
    return context.user_data.meeting_draft


async def begin(update: Update, context: Context) -> int:
    """/hop: a secretary schedules a meeting of the cell."""
    assert context.user_data is not None
    access = await cell_secretary_access(update, context, mt.NOT_SECRETARY)
    if access is None:
        return ConversationHandler.END
    user = update.effective_user
    assert user is not None and access.member is not None
    name = _who(access, user.full_name)
    draft = Draft(access.member.cell_id, name)
    context.user_data.meeting_draft = draft
    buttons = [
        (label, pack(Action.MEETING_DRAFT, draft.token, "kind", str(kind)))
        for kind, label in mt.KIND_LABELS.items()
    ]
    await reply(update, context, mt.ASK_KIND, keyboard(buttons))
    return KIND


async def draft_button(update: Update, context: Context) -> int | None:
    """The kind, confirm and cancel buttons of the current draft."""
    query, draft = update.callback_query, _draft(context)
    assert query is not None
    parsed = unpack(query.data)
    if draft is None or parsed is None or len(parsed[1]) < 2 or parsed[1][0] != draft.token:
        await query.answer(mt.BUTTON_STALE, show_alert=True)
        return None
    action, args = parsed[1][1], parsed[1][2:]
    await query.answer()
    if action == "kind" and args:
        draft.kind = MeetingKind(args[0])
        if draft.kind == MeetingKind.THEMATIC:
            await reply(update, context, mt.ASK_TOPIC)
            return TOPIC
        await reply(update, context, mt.ASK_WHEN)
        return WHEN
    if action == "ok":
        return await _confirm(update, context, draft)
    return await drop_draft(update, context)


async def receive_topic(update: Update, context: Context) -> int:
    """The theme of a thematic meeting."""
    draft, text = _draft(context), _text(update)
    if draft is None:
        return await _expired(update, context)
    if not text:
        await reply(update, context, mt.TOPIC_EMPTY)
        return TOPIC
    draft.topic = text[:200]
    await reply(update, context, mt.ASK_WHEN)
    return WHEN


async def receive_when(update: Update, context: Context) -> int:
    """The date and time, in words a secretary types."""
    draft, text = _draft(context), _text(update)
    if draft is None:
        return await _expired(update, context)
    settings = settings_of(context)
    try:
        starts_at = parse_when(text, now=utcnow(), max_days=settings.max_schedule_days)
    except WhenError as exc:
        await reply(update, context, html.escape(str(exc)))
        return WHEN
    draft.starts_at = starts_at
    await reply(update, context, mt.ASK_PLACE)
    return PLACE


async def receive_place(update: Update, context: Context) -> int:
    """Where the meeting is held."""
    draft, text = _draft(context), _text(update)
    if draft is None:
        return await _expired(update, context)
    if not text:
        await reply(update, context, mt.PLACE_EMPTY)
        return PLACE
    draft.place = text[:200]
    await reply(update, context, mt.ASK_AGENDA)
    return AGENDA


async def receive_agenda(update: Update, context: Context) -> int:
    """The agenda ("không" for none yet)."""
    draft, text = _draft(context), _text(update)
    if draft is None:
        return await _expired(update, context)
    draft.agenda = "" if fold(text) in mt.SKIP_WORDS else text[:2000]
    await reply(update, context, mt.ASK_READINGS)
    return READINGS


async def receive_readings(update: Update, context: Context) -> int:
    """Documents to read beforehand, by number, found in the knowledge base."""
    draft, text = _draft(context), _text(update)
    if draft is None:
        return await _expired(update, context)
    if fold(text) in mt.SKIP_WORDS or fold(text) in mt.DONE_WORDS:
        return await _preview(update, context, draft)  # files sent at this step stay
    wanted = [part.strip() for part in re.split(r"[,;\n]", text) if part.strip()][:10]
    assert update.effective_user is not None
    reader = update.effective_user.id
    looked_up = await in_session(
        context, lambda s: [_reading(s, reader=reader, number=n) for n in wanted]
    )
    found = [reading for reading in looked_up if reading is not None]
    missing = [n for n, reading in zip(wanted, looked_up, strict=True) if reading is None]
    if missing:
        shown = ", ".join(f"«{html.escape(m)}»" for m in missing)
        await reply(update, context, mt.READING_UNKNOWN.format(missing=shown))
        return READINGS
    draft.readings += found
    return await _preview(update, context, draft)


async def receive_reading_file(update: Update, context: Context) -> int:
    """A file sent at the readings step: ingested into the knowledge base, then listed."""
    draft, user = _draft(context), update.effective_user
    assert user is not None
    if draft is None:
        return await _expired(update, context)
    access = await access_of(context, user.id)
    outcome = await documents.ingest_upload(update, context, access)
    if outcome is None or outcome.document_id is None:
        return READINGS  # ingest_upload said why; the step stays
    document_id = outcome.document_id

    def read(session: Session) -> Reading | None:
        document = session.get(Document, document_id)
        if document is None:
            return None
        return Reading(document.source, library.doc_info(document).cite_prose())

    reading = await in_session(context, read)
    if reading is not None:
        draft.readings.append(reading)
        await reply(update, context, mt.READING_ADDED.format(label=html.escape(reading.label)))
    return READINGS


def _reading(session: Session, *, reader: int, number: str) -> Reading | None:
    """The stored document a number names that the secretary may read (the newest when
    several share it): a reading list never names another cell's document."""
    readable = members.readable_of(session, telegram_user_id=reader)
    documents_found = store.find_by_number(session, number, readable=readable)
    if not documents_found:
        return None
    document = max(documents_found, key=lambda d: (d.issued_on is not None, d.issued_on))
    label = library.doc_info(document).cite_prose()
    return Reading(document.source, label)


def _draft_meeting(draft: Draft) -> Meeting:
    assert draft.starts_at is not None
    return Meeting(
        cell_id=draft.cell_id,
        kind=draft.kind,
        title=meetings.default_title(draft.kind, draft.starts_at, draft.topic),
        starts_at=draft.starts_at,
        place=draft.place,
        agenda=draft.agenda,
        readings=[{"source": r.source, "label": r.label} for r in draft.readings],
        secret="",
        created_by=0,
    )


async def _preview(update: Update, context: Context, draft: Draft) -> int:
    text = mt.invitation(_draft_meeting(draft), draft.sender_name)
    buttons = keyboard(
        [
            (mt.CONFIRM_BUTTON, pack(Action.MEETING_DRAFT, draft.token, "ok")),
            (mt.CANCEL_BUTTON, pack(Action.MEETING_DRAFT, draft.token, "no")),
        ]
    )
    await reply(update, context, text, buttons)
    return CONFIRM


async def _confirm(update: Update, context: Context, draft: Draft) -> int:
    assert context.user_data is not None and draft.starts_at is not None
    user = update.effective_user
    assert user is not None
    settings = settings_of(context)
    sketch = _draft_meeting(draft)
    if context.user_data.meeting_draft is not draft:  # a second tap while the first saves
        return ConversationHandler.END
    context.user_data.meeting_draft = None  # claimed here, with no await since the check above

    def save(session: Session) -> tuple[Meeting, int]:
        meeting = meetings.schedule(
            session,
            cell_id=draft.cell_id,
            kind=draft.kind,
            title=sketch.title,
            starts_at=sketch.starts_at,
            place=draft.place,
            agenda=draft.agenda,
            readings=draft.readings,
            created_by=user.id,
            sender_name=draft.sender_name,
            now=utcnow(),
            settings=settings,
        )
        linked = sum(1 for m in meetings.roll(session, cell_id=draft.cell_id) if m.telegram_user_id)
        return meeting, linked

    try:
        meeting, linked = await in_session(context, save)
    except MeetingError as exc:
        context.user_data.meeting_draft = draft  # the draft stays for another try
        await reply(update, context, str(exc))
        return WHEN if draft.starts_at <= utcnow() else CONFIRM
    assert meeting.id is not None
    pending = await reschedule_reminders(context.application, meeting.id)
    wake_sender(context)
    ahead = sorted({r.minutes_before for r in pending}, reverse=True)
    upcoming = ", ".join(mt.before(m) for m in ahead) or mt.NO_REMINDERS
    done = mt.SCHEDULED.format(count=linked, reminders=upcoming) if linked else mt.SCHEDULED_NOBODY
    await reply(update, context, done)
    await _send_panel(context, meeting.id, user.id)
    return ConversationHandler.END


drop_draft = common.drop_draft("meeting_draft", mt.DRAFT_CANCELLED)
draft_timed_out = drop_on_timeout("meeting_draft", mt.DRAFT_EXPIRED)


async def _expired(update: Update, context: Context) -> int:
    await reply(update, context, mt.DRAFT_EXPIRED)
    return ConversationHandler.END


def _text(update: Update) -> str:
    message = update.effective_message
    return " ".join((message.text or "").split()) if message is not None else ""


# ----------------------------------------------------------------------------- the panel


async def list_meetings(update: Update, context: Context) -> None:
    """/cuochop: the cell's meetings; each opens the secretary's panel."""
    access = await cell_secretary_access(update, context, mt.NOT_SECRETARY)
    if access is None:
        return
    assert access.member is not None
    cell_id = access.member.cell_id
    found = await in_session(context, lambda s: meetings.upcoming(s, cell_id=cell_id, now=utcnow()))
    if not found:
        await reply(update, context, mt.LIST_EMPTY)
        return
    rows = []
    lines = [mt.LIST_TITLE]
    for meeting in found:
        assert meeting.id is not None
        state = mt.STATE_LABELS[MeetingState(meeting.state)]
        lines.append(
            f"• {html.escape(meeting.title)} — {describe(as_utc(meeting.starts_at))} ({state})"
        )
        label = f"{as_utc(meeting.starts_at).astimezone(VIETNAM):%d/%m} · {meeting.title}"
        rows.append([(label[:60], pack(Action.PANEL, meeting.id, "open"))])
    await reply(update, context, "\n".join(lines), keyboard(*rows))


def _panel_markup(found: meetings.Board) -> InlineKeyboardMarkup:
    meeting = found.meeting
    assert meeting.id is not None
    b = mt.PANEL_BUTTONS

    def button(action: str) -> tuple[str, str]:
        return b[action], pack(Action.PANEL, meeting.id or 0, action)

    if meeting.state == MeetingState.SCHEDULED:
        rows = [
            [button("code"), button("board")],
            [button("edit_time"), button("edit_place")],
            [button("edit_agenda"), button("cancel")],
            [button("close")],
        ]
    elif meeting.state == MeetingState.CLOSED:
        rows = [[button("report"), button("tally")], [button("correct"), button("minutes")]]
        if found.corrections:
            rows.append([button("original")])
    else:
        rows = [[button("board")]]
    return keyboard(*rows)


def _board_text(found: meetings.Board) -> str:
    meeting = found.meeting
    state = mt.STATE_LABELS[MeetingState(meeting.state)]
    lines = [f"{mt.details(meeting)}\n<i>Trạng thái: {state}</i>"]
    if meeting.state == MeetingState.CLOSED:
        # The record the committee gets, not the invitation's answers.
        lines.append("")
        for mark in Mark:
            marked = found.marks.get(mark, [])
            shown = [f"{n} ({_short(r)})" if r else n for n, r in marked]
            lines.append(
                mt.BOARD_MARKS[mark].format(count=len(marked)) + html.escape(mt.names(shown))
            )
        if found.corrections:
            lines.append(mt.BOARD_CORRECTED.format(count=found.corrections))
    else:
        lines += [
            f"\n✅ Sẽ dự ({len(found.attending)}): " + html.escape(mt.names(found.attending)),
            f"🙏 Xin vắng ({len(found.excused)}): "
            + html.escape(mt.names([f"{n} ({_short(r)})" for n, r in found.excused])),
            f"❔ Chưa trả lời ({len(found.silent)}): " + html.escape(mt.names(found.silent)),
            f"📍 Đã điểm danh: {found.checked_in}/{found.total}",
        ]
        if found.running and meeting.state == MeetingState.SCHEDULED:
            lines.append(
                mt.BOARD_WAITING.format(count=len(found.not_checked_in))
                + html.escape(mt.names(found.not_checked_in))
            )
    if meeting.minutes_source:
        lines.append("📎 Đã có biên bản.")
    return fit_html("\n".join(lines), TEXT_LIMIT)  # edited in place: one message, always


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


async def _send_panel(context: Context, meeting_id: int, chat_id: int) -> None:
    found = await in_session(context, lambda s: meetings.board(s, meeting_id=meeting_id))
    message = await send_html(context.bot, chat_id, _board_text(found), _panel_markup(found))
    await in_session(
        context,
        lambda s: meetings.set_panel(
            s, meeting_id=meeting_id, chat_id=chat_id, message_id=message.message_id
        ),
    )


async def refresh_panel(context: Context, meeting_id: int) -> None:
    """Edit the secretary's panel, at most once every few seconds per meeting."""
    queue = context.application.job_queue
    name = f"hop-panel-{meeting_id}"
    if queue is None:
        await _edit_panel(context.application, meeting_id)
        return
    if queue.get_jobs_by_name(name):
        return
    queue.run_once(_panel_job, PANEL_REFRESH_SECONDS, data=meeting_id, name=name)


async def _panel_job(context: Context) -> None:
    job = context.job
    assert job is not None and isinstance(job.data, int)
    await _edit_panel(context.application, job.data)


async def _edit_panel(application: Application, meeting_id: int) -> None:
    found = await in_session(application, lambda s: meetings.board(s, meeting_id=meeting_id))
    meeting = found.meeting
    if meeting.panel_chat_id is None or meeting.panel_message_id is None:
        return
    try:
        await application.bot.edit_message_text(
            _board_text(found),
            chat_id=meeting.panel_chat_id,
            message_id=meeting.panel_message_id,
            reply_markup=_panel_markup(found),
        )
    except BadRequest as exc:
        if "not modified" not in exc.message.lower():
            log.info("panel of meeting %s not edited: %s", meeting_id, exc.message)
    except TelegramError as exc:
        log.info("panel of meeting %s not edited: %s", meeting_id, exc)


async def panel_button(update: Update, context: Context) -> None:
    """A button of the secretary's panel."""
    query = update.callback_query
    assert query is not None
    parsed = unpack(query.data)
    if parsed is None or len(parsed[1]) < 2 or not parsed[1][0].isdigit():
        await query.answer(mt.BUTTON_STALE, show_alert=True)
        return
    meeting_id, action = int(parsed[1][0]), parsed[1][1]
    handler = _PANEL_ACTIONS.get(action)
    if handler is None:
        await query.answer(mt.BUTTON_STALE, show_alert=True)
        return
    user = actor(update, context)
    try:
        # Reads the access, the meeting and the right to manage it in one unit of work; the
        # actions that change the meeting check again inside their own (bot.meetings.panel).
        meeting, _ = await in_session(
            context, lambda s: meetings.managed(s, meeting_id=meeting_id, actor=user)
        )
    except MeetingError as exc:
        await query.answer(str(exc), show_alert=True)
        return
    await query.answer()
    await handler(update, context, meeting, user)


async def _open_panel(update: Update, context: Context, meeting: Meeting, _a: Actor) -> None:
    assert meeting.id is not None and update.effective_chat is not None
    await _send_panel(context, meeting.id, update.effective_chat.id)


async def _show_board(update: Update, context: Context, meeting: Meeting, user: Actor) -> None:
    assert meeting.id is not None
    found = await in_session(
        context, lambda s: meetings.board_for(s, meeting_id=meeting.id or 0, actor=user)
    )
    await reply(update, context, _board_text(found), _panel_markup(found))


def _await(context: Context, kind: str, meeting_id: int) -> None:
    assert context.user_data is not None
    context.user_data.awaiting = (kind, meeting_id, time.monotonic() + AWAIT_SECONDS)


async def _ask(
    kind: str, prompt: str, update: Update, context: Context, meeting: Meeting, _a: Actor
) -> None:
    if meeting.state != MeetingState.SCHEDULED and kind != "minutes":
        await reply(update, context, mt.MEETING_CLOSED)
        return
    assert meeting.id is not None
    _await(context, kind, meeting.id)
    await reply(update, context, prompt)


async def _cancel(update: Update, context: Context, meeting: Meeting, user: Actor) -> None:
    """«Hủy cuộc họp» confirmed: members are told, with the reason given before."""
    assert meeting.id is not None and context.user_data is not None
    reasons = context.user_data.cancel_reasons
    if meeting.id not in reasons:
        await reply(update, context, mt.BUTTON_STALE)
        return
    reason = reasons.pop(meeting.id)
    try:
        await in_session(
            context,
            lambda s: meetings.cancel_as(
                s, meeting_id=meeting.id or 0, actor=user, reason=reason, now=utcnow()
            ),
        )
    except MeetingError as exc:
        await reply(update, context, str(exc))
        return
    await reschedule_reminders(context.application, meeting.id)
    wake_sender(context)
    await reply(update, context, mt.CANCELLED_DONE)
    await _edit_panel(context.application, meeting.id)


async def _close_ask(update: Update, context: Context, meeting: Meeting, _a: Actor) -> None:
    assert meeting.id is not None
    buttons = keyboard([(mt.CLOSE_BUTTON, pack(Action.PANEL, meeting.id, "close_ok"))])
    await reply(update, context, mt.CONFIRM_CLOSE, buttons)


async def _close(update: Update, context: Context, meeting: Meeting, user: Actor) -> None:
    assert meeting.id is not None
    settings = settings_of(context)
    try:
        await in_session(
            context,
            lambda s: meetings.close_as(
                s, meeting_id=meeting.id or 0, actor=user, now=utcnow(), settings=settings
            ),
        )
    except MeetingError as exc:
        await reply(update, context, str(exc))
        return
    wake_sender(context)
    await _report(update, context, meeting, user)
    await _edit_panel(context.application, meeting.id)


async def _report(
    update: Update, context: Context, meeting: Meeting, user: Actor, *, original: bool = False
) -> None:
    """The attendance report: text, XLSX, CSV, and the chart of the last meetings; with
    ``original``, the marks as they were at closing, before any correction."""
    assert meeting.id is not None
    settings = settings_of(context)
    found, points = await in_session(
        context,
        lambda s: meetings.report_for(
            s, meeting_id=meeting.id or 0, actor=user, settings=settings, original=original
        ),
    )
    cell = found.cell_name
    chat_id = target_chat(update)
    await send_html(context.bot, chat_id, files.sheet_text(found))
    local = as_utc(found.starts_at).astimezone(VIETNAM)
    stem = f"diem-danh-{local:%Y-%m-%d}" + ("-ban-dau" if original else "")
    xlsx, csv_bytes, png = await asyncio.to_thread(
        lambda: (
            files.sheet_xlsx(found),
            files.sheet_csv(found),
            files.rate_chart_png(points, title=mt.CHART_TITLE.format(cell=cell)),
        )
    )
    await context.bot.send_document(
        chat_id, InputFile(io.BytesIO(xlsx), filename=f"{stem}.xlsx"), caption=mt.REPORT_FILES
    )
    await context.bot.send_document(
        chat_id, InputFile(io.BytesIO(csv_bytes), filename=f"{stem}.csv")
    )
    await context.bot.send_photo(chat_id, InputFile(io.BytesIO(png), filename="ty-le-du-hop.png"))


async def _tally(update: Update, context: Context, meeting: Meeting, user: Actor) -> None:
    assert meeting.id is not None
    meeting, counts = await in_session(
        context, lambda s: meetings.tally_for(s, meeting_id=meeting.id or 0, actor=user)
    )
    lines = [mt.TALLY_TITLE.format(title=html.escape(meeting.title))]
    lines += [mt.TALLY_LINE.format(label=mt.RATING_LABELS[r], count=counts[r]) for r in Rating]
    secret = mt.TALLY_SECRET if settings_of(context).anonymous_votes else ""
    lines.append(mt.TALLY_TOTAL.format(total=sum(counts.values()), secret=secret))
    await reply(update, context, "\n".join(lines))


@dataclass
class CodeScreen:
    """What the secretary's screen shows at the meeting: the code message and the QR photo."""

    meeting_id: int
    chat_id: int
    code_message_id: int
    qr_message_id: int
    qr_until: datetime


async def _show_code(update: Update, context: Context, meeting: Meeting, _a: Actor) -> None:
    """The rotating code (a message edited every period) and a QR code with a signed link,
    replaced by a fresh one before it expires, until check-in closes."""
    assert meeting.id is not None and update.effective_chat is not None
    settings = settings_of(context)
    now = utcnow()
    opens, closes = meetings.window(meeting, settings)
    if meeting.state != MeetingState.SCHEDULED or not opens <= now <= closes:
        text = mt.CODE_CLOSED.format(opens=describe(opens), closes=describe(closes))
        await reply(update, context, text)
        return
    chat_id = update.effective_chat.id
    qr_message_id, qr_until = await _send_qr(context, meeting, chat_id)
    message = await send_html(context.bot, chat_id, await _code_text(context, meeting))
    queue = context.application.job_queue
    if queue is not None:
        name = f"hop-ma-{meeting.id}-{chat_id}"
        for job in queue.get_jobs_by_name(name):
            job.schedule_removal()
        period = settings.code_seconds
        first = period - (time.time() % period) + 0.5
        screen = CodeScreen(meeting.id, chat_id, message.message_id, qr_message_id, qr_until)
        queue.run_repeating(_code_job, interval=period, first=first, data=screen, name=name)


async def _send_qr(context: Context, meeting: Meeting, chat_id: int) -> tuple[int, datetime]:
    """A QR photo with a fresh signed link: its message id and when the link expires."""
    settings = settings_of(context)
    now = utcnow()
    payload = meetings.qr_payload(meeting, now, settings)
    link = create_deep_linked_url(context.bot.username or "bot", payload)
    png = await asyncio.to_thread(_qr_png, link)
    until = now + timedelta(minutes=settings.qr_minutes)
    caption = mt.QR_CAPTION.format(title=html.escape(meeting.title), until=describe(until))
    sent = await context.bot.send_photo(
        chat_id, InputFile(io.BytesIO(png), filename="diem-danh.png"), caption=caption
    )
    return sent.message_id, until


def _qr_png(link: str) -> bytes:
    image = qrcode.make(link, box_size=10, border=3)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


async def _code_text(context: Context, meeting: Meeting) -> str:
    settings = settings_of(context)
    now = utcnow()
    found = await in_session(context, lambda s: meetings.board(s, meeting_id=meeting.id or 0))
    left = settings.code_seconds - int(now.timestamp()) % settings.code_seconds
    # A clock time stays true while the screen waits for its next edit; «in 34 s» did not.
    changes_at = (now + timedelta(seconds=left)).astimezone(VIETNAM)
    return mt.CODE_MESSAGE.format(
        title=html.escape(meeting.title),
        code=meetings.code_at(meeting, now, settings),
        changes_at=f"{changes_at:%H:%M:%S}",
        qr_minutes=settings.qr_minutes,
        count=found.checked_in,
        total=found.total,
    )


async def _code_job(context: Context) -> None:
    """Edit the code message with the new code, replace the QR code before its link expires;
    stop when check-in closes."""
    job = context.job
    assert job is not None and isinstance(job.data, CodeScreen)
    screen = job.data
    meeting = await in_session(context, lambda s: s.get(Meeting, screen.meeting_id))
    settings = settings_of(context)
    if (
        meeting is None
        or meeting.state != MeetingState.SCHEDULED
        or utcnow() > meetings.window(meeting, settings)[1]
    ):
        job.schedule_removal()
        return
    try:
        await context.bot.edit_message_text(
            await _code_text(context, meeting),
            chat_id=screen.chat_id,
            message_id=screen.code_message_id,
        )
        if utcnow() + timedelta(seconds=settings.code_seconds) >= screen.qr_until:
            old = screen.qr_message_id
            screen.qr_message_id, screen.qr_until = await _send_qr(context, meeting, screen.chat_id)
            with contextlib.suppress(TelegramError):
                await context.bot.delete_message(screen.chat_id, old)
    except BadRequest as exc:
        if "not found" in exc.message.lower():
            job.schedule_removal()
    except TelegramError as exc:
        log.info("code screen of meeting %s not updated: %s", screen.meeting_id, exc)


async def _send_change(update: Update, context: Context, meeting: Meeting, user: Actor) -> None:
    """«📤 Gửi» under a previewed change: make it and tell the members."""
    assert meeting.id is not None and context.user_data is not None
    pending = context.user_data.meeting_changes.pop(meeting.id, None)
    if pending is None:
        await reply(update, context, mt.BUTTON_STALE)
        return
    change, value = pending
    settings = settings_of(context)
    try:
        await in_session(
            context,
            lambda s: meetings.edit_as(
                s,
                meeting_id=meeting.id or 0,
                actor=user,
                change=change,
                value=value,
                now=utcnow(),
                settings=settings,
            ),
        )
    except MeetingError as exc:
        await reply(update, context, html.escape(str(exc)))
        return
    await reschedule_reminders(context.application, meeting.id)
    wake_sender(context)
    await _drop_buttons(update)
    await reply(update, context, mt.EDITED)
    await _edit_panel(context.application, meeting.id)


async def _drop_change(update: Update, context: Context, meeting: Meeting, _a: Actor) -> None:
    """«Hủy» under a previewed change: nothing changes and nobody is told."""
    assert meeting.id is not None and context.user_data is not None
    if context.user_data.meeting_changes.pop(meeting.id, None) is None:
        await reply(update, context, mt.BUTTON_STALE)
        return
    await _drop_buttons(update)
    await reply(update, context, mt.CHANGE_DROPPED)


async def _drop_buttons(update: Update) -> None:
    """Take the buttons off the preview once one was pressed (a second press does nothing)."""
    query = update.callback_query
    if query is not None and query.message is not None:
        with contextlib.suppress(BadRequest):
            await query.edit_message_reply_markup(reply_markup=None)


async def _correct_ask(update: Update, context: Context, meeting: Meeting, _a: Actor) -> None:
    """«✏️ Sửa điểm danh»: the next message is the correction of this closed meeting."""
    assert meeting.id is not None
    if meeting.state != MeetingState.CLOSED:
        await reply(update, context, mt.CORRECT_NOT_CLOSED)
        return
    _await(context, "correct", meeting.id)
    await reply(update, context, mt.CORRECT_ASK.format(title=html.escape(meeting.title)))


async def correct_command(update: Update, context: Context) -> None:
    """/suadiemdanh [<họ tên> <điểm danh đúng>, <lý do>]: correct a mark of the cell's last
    closed meeting; without words, say how and wait for the line."""
    user = actor(update, context)
    try:
        meeting = await in_session(context, lambda s: meetings.last_closed_for(s, actor=user))
    except MeetingError as exc:
        await reply(update, context, html.escape(str(exc)))
        return
    assert meeting.id is not None
    line = " ".join(context.args or [])
    if not line.strip():
        which = mt.CORRECT_WHICH.format(
            title=html.escape(meeting.title), when=describe(as_utc(meeting.starts_at))
        )
        await reply(update, context, f"{mt.CORRECT_USAGE}\n\n{which}\n{mt.CORRECT_OTHER}")
        if update.effective_chat is not None and update.effective_chat.type == "private":
            _await(context, "correct", meeting.id)
        return
    await _correct(update, context, meeting.id, line)


async def _correct(update: Update, context: Context, meeting_id: int, line: str) -> bool:
    """Apply one correction and tell the secretary what changed; False if refused."""
    user = actor(update, context)
    now = utcnow()
    try:
        done = await in_session(
            context,
            lambda s: meetings.correct_as(s, meeting_id=meeting_id, actor=user, line=line, now=now),
        )
    except MeetingError as exc:
        await reply(update, context, html.escape(str(exc)))
        return False
    rate = files.format_rate(done.present / done.denominator if done.denominator else 0.0)
    text = mt.CORRECT_DONE.format(
        title=html.escape(done.meeting.title),
        name=html.escape(done.name),
        old=files.MARK_LABELS[done.old_mark],
        new=files.MARK_LABELS[done.new_mark],
        why=html.escape(done.why),
        by=html.escape(done.by_name),
        at=describe(now),
        present=done.present,
        denominator=done.denominator,
        rate=rate,
    )
    await reply(update, context, text)
    await _edit_panel(context.application, meeting_id)
    return True


_PANEL_ACTIONS: dict[str, Callable[[Update, Context, Meeting, Actor], Coroutine[Any, Any, None]]]
_PANEL_ACTIONS = {
    "open": _open_panel,
    "board": _show_board,
    "code": _show_code,
    "edit_time": functools.partial(_ask, "time", mt.ASK_NEW_TIME),
    "edit_place": functools.partial(_ask, "place", mt.ASK_NEW_PLACE),
    "edit_agenda": functools.partial(_ask, "agenda", mt.ASK_NEW_AGENDA),
    "cancel": functools.partial(_ask, "cancel", mt.ASK_CANCEL_REASON),
    "minutes": functools.partial(_ask, "minutes", mt.ASK_MINUTES),
    "cancel_ok": _cancel,
    "close": _close_ask,
    "close_ok": _close,
    "report": _report,
    "original": functools.partial(_report, original=True),
    "tally": _tally,
    "correct": _correct_ask,
    "change_ok": _send_change,
    "change_no": _drop_change,
}


# ----------------------------------------------------------------------------- prompts


def _awaiting(context: Context) -> tuple[str, int] | None:
    if context.user_data is None:
        return None
    found = context.user_data.awaiting
    if not found:
        return None
    kind, meeting_id, deadline = found
    if time.monotonic() > deadline:
        context.user_data.awaiting = None
        return None
    return kind, meeting_id


async def private_text(update: Update, context: Context) -> None:
    """Text in a private chat: the answer to a meeting prompt, or a check-in code typed alone.
    Anything else goes on to the question handlers."""
    text = _text(update)
    pending = _awaiting(context)
    if pending is not None:
        kind, meeting_id = pending
        assert context.user_data is not None
        if kind == "minutes":
            await reply(update, context, mt.ASK_MINUTES)
            raise ApplicationHandlerStop
        context.user_data.awaiting = None
        if kind == "correct":
            if not await _correct(update, context, meeting_id, text):
                _await(context, "correct", meeting_id)  # retype the line, or /huy
            raise ApplicationHandlerStop
        await _answer_prompt(update, context, kind, meeting_id, text)
        raise ApplicationHandlerStop
    code = _CODE.match(text)
    if code is not None and len(code.group(1)) == settings_of(context).code_digits:
        await _check_in_code(update, context, code.group(1))
        raise ApplicationHandlerStop


async def _answer_prompt(
    update: Update, context: Context, kind: str, meeting_id: int, text: str
) -> None:
    user = update.effective_user
    assert user is not None
    settings = settings_of(context)
    now = utcnow()
    if kind == "reason":
        try:
            meeting = await in_session(
                context,
                lambda s: meetings.answer(
                    s,
                    meeting_id=meeting_id,
                    telegram_user_id=user.id,
                    choice=Answer.EXCUSED,
                    reason=text,
                    now=now,
                ),
            )
        except MeetingError as exc:
            if str(exc) == mt.REASON_EMPTY:
                _await(context, "reason", meeting_id)
            await reply(update, context, str(exc))
            return
        await reply(update, context, mt.RSVP_EXCUSE_DONE.format(reason=html.escape(text)))
        pressed = (
            context.user_data.rsvp_messages.pop(meeting_id, None) if context.user_data else None
        )
        if pressed is not None:
            with contextlib.suppress(BadRequest):
                await context.bot.edit_message_reply_markup(
                    pressed[0], pressed[1], reply_markup=rsvp_markup(meeting_id, "x")
                )
        await refresh_panel(context, meeting.id or meeting_id)
        await owe_excuses(context.application, meeting.id or meeting_id)
        return
    acting = actor(update, context)
    value: str | datetime = text
    if kind == "time":
        try:
            value = parse_when(text, now=now, max_days=settings.max_schedule_days)
        except WhenError as exc:
            _await(context, "time", meeting_id)
            await reply(update, context, html.escape(str(exc)))
            return
    try:
        if kind == "cancel":
            # Only a reason is kept here; «Xác nhận hủy» checks the rights when it cancels.
            await in_session(
                context, lambda s: meetings.managed(s, meeting_id=meeting_id, actor=acting)
            )
            assert context.user_data is not None
            reason = "" if fold(text) in mt.SKIP_WORDS else text[:500]
            context.user_data.cancel_reasons[meeting_id] = reason
            buttons = keyboard([(mt.CANCEL_CONFIRM, pack(Action.PANEL, meeting_id, "cancel_ok"))])
            shown = html.escape(reason) if reason else mt.NO_REASON
            await reply(update, context, mt.CONFIRM_CANCEL.format(reason=shown), buttons)
            return
        change = {"time": Change.TIME, "place": Change.PLACE, "agenda": Change.AGENDA}[kind]
        preview = await in_session(
            context,
            lambda s: meetings.preview_edit_as(
                s,
                meeting_id=meeting_id,
                actor=acting,
                change=change,
                value=value,
                now=now,
                settings=settings,
            ),
        )
    except MeetingError as exc:
        await reply(update, context, html.escape(str(exc)))
        return
    assert context.user_data is not None
    context.user_data.meeting_changes[meeting_id] = (change, value)
    buttons = keyboard(
        [
            (mt.CHANGE_SEND, pack(Action.PANEL, meeting_id, "change_ok")),
            (mt.CHANGE_DROP, pack(Action.PANEL, meeting_id, "change_no")),
        ]
    )
    text = mt.CHANGE_PREVIEW.format(count=preview.recipients, body=preview.body)
    await reply(update, context, fit_html(text, TEXT_LIMIT), buttons)


async def forget_prompt(update: Update, context: Context) -> None:
    """Any other command means the person moved on: a waiting prompt no longer takes their
    next message (the update goes on to its own handler)."""
    if context.user_data is not None:
        context.user_data.awaiting = None


async def cancel_prompt(update: Update, context: Context) -> None:
    """/huy while a meeting prompt waits: drop it (otherwise /huy is someone else's)."""
    if _awaiting(context) is None:
        return
    assert context.user_data is not None
    context.user_data.awaiting = None
    await reply(update, context, mt.DRAFT_CANCELLED)
    raise ApplicationHandlerStop


async def private_file(update: Update, context: Context) -> None:
    """A file while the minutes are awaited: ingest it and attach it to the meeting."""
    pending = _awaiting(context)
    if pending is None or pending[0] != "minutes":
        return
    assert context.user_data is not None
    user = update.effective_user
    assert user is not None
    meeting_id = pending[1]
    access = await access_of(context, user.id)
    meeting = await in_session(context, lambda s: s.get(Meeting, meeting_id))
    if meeting is None or not access.manages(meeting.cell_id):
        context.user_data.awaiting = None
        await reply(update, context, mt.NOT_SECRETARY)
        raise ApplicationHandlerStop
    outcome = await documents.ingest_upload(update, context, access)
    if outcome is None or outcome.document_id is None:
        raise ApplicationHandlerStop  # explained by ingest_upload; the prompt stays
    context.user_data.awaiting = None
    document_id = outcome.document_id

    def link(session: Session) -> Document | None:
        document = session.get(Document, document_id)
        if document is not None:
            meetings.attach_minutes(session, meeting_id=meeting_id, source=document.source)
        return document

    document = await in_session(context, link)
    title = document.title if document is not None else ""
    await reply(
        update,
        context,
        mt.MINUTES_ATTACHED.format(title=html.escape(title), meeting=html.escape(meeting.title)),
    )
    raise ApplicationHandlerStop


# ----------------------------------------------------------------------------- members' buttons


async def rsvp_button(update: Update, context: Context) -> None:
    """«Sẽ dự» records at once; «Xin vắng» asks for the reason first."""
    query = update.callback_query
    assert query is not None
    parsed = unpack(query.data)
    if parsed is None or len(parsed[1]) != 2 or not parsed[1][0].isdigit():
        await query.answer(mt.BUTTON_STALE, show_alert=True)
        return
    meeting_id, choice = int(parsed[1][0]), parsed[1][1]
    if choice == "x":
        try:
            await in_session(context, lambda s: _check_rsvp(s, meeting_id, query.from_user.id))
        except MeetingError as exc:
            await query.answer(str(exc), show_alert=True)
            return
        await query.answer()
        _await(context, "reason", meeting_id)
        if query.message is not None and context.user_data is not None:
            # The invitation whose «Xin vắng» was pressed is marked once the reason is given.
            context.user_data.rsvp_messages[meeting_id] = (
                query.message.chat.id,
                query.message.message_id,
            )
        await reply(update, context, mt.ASK_REASON)
        return
    try:
        meeting = await in_session(
            context,
            lambda s: meetings.answer(
                s,
                meeting_id=meeting_id,
                telegram_user_id=query.from_user.id,
                choice=Answer.ATTEND,
                reason=None,
                now=utcnow(),
            ),
        )
    except MeetingError as exc:
        await query.answer(str(exc), show_alert=True)
        return
    if _awaiting(context) == ("reason", meeting_id) and context.user_data is not None:
        context.user_data.awaiting = None  # changed their mind: no reason is awaited now
    await query.answer(mt.attend_done(meeting.title), show_alert=True)
    with contextlib.suppress(BadRequest):  # unchanged markup when pressed twice
        await query.edit_message_reply_markup(rsvp_markup(meeting_id, "a"))
    await refresh_panel(context, meeting_id)


def _check_rsvp(session: Session, meeting_id: int, telegram_user_id: int) -> None:
    meeting = meetings.get(session, meeting_id=meeting_id)
    if meeting.state == MeetingState.CANCELLED:
        raise MeetingError(mt.MEETING_CANCELLED)
    if meeting.state == MeetingState.CLOSED:
        raise MeetingError(mt.MEETING_CLOSED)
    if as_utc(meeting.starts_at) <= utcnow():
        raise MeetingError(mt.RSVP_TOO_LATE)
    member = meetings.member_of(session, telegram_user_id=telegram_user_id)
    if member is None or member.cell_id != meeting.cell_id:
        raise MeetingError(mt.NOT_YOUR_MEETING)


async def vote_button(update: Update, context: Context) -> None:
    """A rating of a closed meeting, once per attendee."""
    query = update.callback_query
    assert query is not None
    parsed = unpack(query.data)
    ratings = {str(r): r for r in Rating}
    if (
        parsed is None
        or len(parsed[1]) != 2
        or not parsed[1][0].isdigit()
        or parsed[1][1] not in ratings
    ):
        await query.answer(mt.BUTTON_STALE, show_alert=True)
        return
    meeting_id, rating = int(parsed[1][0]), ratings[parsed[1][1]]
    anonymous = settings_of(context).anonymous_votes
    try:
        outcome = await in_session(
            context,
            lambda s: meetings.vote(
                s,
                meeting_id=meeting_id,
                telegram_user_id=query.from_user.id,
                rating=rating,
                anonymous=anonymous,
            ),
        )
    except MeetingError as exc:
        await query.answer(str(exc), show_alert=True)
        return
    messages = {
        meetings.VoteOutcome.COUNTED: mt.VOTE_THANKS.format(label=mt.RATING_LABELS[rating]),
        meetings.VoteOutcome.ALREADY: mt.VOTE_ALREADY,
        meetings.VoteOutcome.NOT_CLOSED: mt.VOTE_NOT_CLOSED,
        meetings.VoteOutcome.NOT_ATTENDEE: mt.VOTE_NOT_ATTENDEE,
    }
    await query.answer(messages[outcome], show_alert=True)
    if outcome == meetings.VoteOutcome.COUNTED:
        with contextlib.suppress(BadRequest):
            await query.edit_message_reply_markup(vote_markup(meeting_id, str(rating)))


# ----------------------------------------------------------------------------- check-in


async def check_in_command(update: Update, context: Context) -> None:
    """/comat <mã>: check in with the code shown at the meeting."""
    code = "".join(context.args or []).strip()
    if not code.isdigit():
        await reply(update, context, mt.CHECKIN_USAGE)
        return
    await _check_in_code(update, context, code)


async def _check_in_code(update: Update, context: Context, code: str) -> None:
    user = update.effective_user
    assert user is not None
    settings = settings_of(context)
    result = await in_session(
        context,
        lambda s: meetings.check_in_by_code(
            s, telegram_user_id=user.id, code=code, now=utcnow(), settings=settings
        ),
    )
    await _tell_check_in(update, context, result)


async def check_in_link(update: Update, context: Context) -> None:
    """/start ci-…: the deep link of the check-in QR code."""
    user = update.effective_user
    assert user is not None
    payload = context.args[0] if context.args else ""
    settings = settings_of(context)
    result = await in_session(
        context,
        lambda s: meetings.check_in_by_qr(
            s, telegram_user_id=user.id, payload=payload, now=utcnow(), settings=settings
        ),
    )
    await _tell_check_in(update, context, result)


async def _tell_check_in(update: Update, context: Context, result: meetings.CheckIn) -> None:
    meeting = result.meeting
    title = html.escape(meeting.title) if meeting is not None else ""
    # An earlier check-in comes back from SQLite without its time zone.
    at = describe(as_utc(result.at)) if result.at is not None else ""
    clock = at.split(" ", 1)[0]
    settings = settings_of(context)
    templates = {
        Outcome.PRESENT: mt.CHECKIN_PRESENT,
        Outcome.LATE: mt.CHECKIN_LATE,
        Outcome.ALREADY: mt.CHECKIN_ALREADY,
        Outcome.TOO_LATE: mt.CHECKIN_TOO_LATE,
        Outcome.WRONG_CODE: mt.CHECKIN_WRONG_CODE,
        Outcome.NO_MEETING: mt.CHECKIN_NO_MEETING,
        Outcome.QR_EXPIRED: mt.CHECKIN_QR_EXPIRED,
        Outcome.QR_FORGED: mt.CHECKIN_QR_FORGED,
        Outcome.CANCELLED: mt.CHECKIN_CANCELLED,
        Outcome.CLOSED: mt.CHECKIN_CLOSED,
        Outcome.NOT_MEMBER: mt.CHECKIN_NOT_MEMBER,
        Outcome.OTHER_CELL: mt.CHECKIN_OTHER_CELL,
        Outcome.LOCKED: mt.CHECKIN_LOCKED,
        Outcome.CODES_PAUSED: mt.CHECKIN_CODES_PAUSED,
    }
    if result.outcome == Outcome.TOO_EARLY:
        assert meeting is not None
        opens = describe(meetings.window(meeting, settings)[0])
        text = mt.CHECKIN_TOO_EARLY.format(opens=opens, title=title)
    else:
        text = templates[result.outcome].format(
            title=title,
            time=clock,
            seconds=settings.code_seconds,
            attempts=meetings.MAX_WRONG_CODES,
            minutes=result.wait_minutes,
        )
    await reply(update, context, text)
    if result.outcome in (Outcome.PRESENT, Outcome.LATE) and meeting is not None:
        await refresh_panel(context, meeting.id or 0)


async def record_by_hand(update: Update, context: Context) -> None:
    """/ghicomat <họ tên> [muộn]: a secretary records a member without Telegram."""
    access = await secretary_access(update, context, mt.NOT_SECRETARY)
    if access is None:
        return
    user = update.effective_user
    assert user is not None
    words = list(context.args or [])
    late = bool(words) and fold(words[-1]) == "muon"
    if late:
        words = words[:-1]
        if words and fold(words[-1]) == "di":  # "… đi muộn"
            words = words[:-1]
    name = " ".join(words).strip()
    if not name or access.member is None:
        await reply(update, context, mt.HAND_USAGE)
        return
    cell_id = access.member.cell_id
    settings = settings_of(context)
    now = utcnow()
    meeting = await in_session(context, lambda s: _current_meeting(s, cell_id, now, settings))
    if meeting is None:
        await reply(update, context, mt.NO_OPEN_MEETING)
        return
    by_name = _who(access, user.full_name)
    try:
        member, result = await in_session(
            context,
            lambda s: meetings.record_by_hand(
                s,
                meeting_id=meeting.id or 0,
                name=name,
                late=late,
                by=user.id,
                by_name=by_name,
                now=now,
                settings=settings,
            ),
        )
    except MeetingError as exc:
        await reply(update, context, html.escape(str(exc)))
        return
    shown = html.escape(member.full_name)
    if result.outcome == Outcome.ALREADY:
        await reply(update, context, mt.HAND_ALREADY.format(name=shown))
        return
    label = files.MARK_LABELS[Mark.LATE if late else Mark.PRESENT]
    await reply(
        update, context, mt.HAND_DONE.format(name=shown, mark=label, by=html.escape(by_name))
    )
    await refresh_panel(context, meeting.id or 0)


def _current_meeting(
    session: Session, cell_id: int, now: datetime, settings: MeetingSettings
) -> Meeting | None:
    """The scheduled meeting whose check-in is open, else the soonest scheduled one."""
    found = [
        m
        for m in meetings.upcoming(session, cell_id=cell_id, now=now)
        if m.state == MeetingState.SCHEDULED
    ]
    for meeting in found:
        opens, closes = meetings.window(meeting, settings)
        if opens <= now <= closes:
            return meeting
    started = [m for m in found if as_utc(m.starts_at) <= now]
    return started[-1] if started else None


# ----------------------------------------------------------------------------- history


async def history(update: Update, context: Context) -> None:
    """/diemdanh: a member's own record; for secretaries, the cell's statistics (+ files)."""
    user = update.effective_user
    assert user is not None
    access = await access_of(context, user.id)
    if not access.can_ask or access.member is None:
        await reply(update, context, mt.NOT_A_MEMBER)
        return
    member = access.member
    args = list(context.args or [])
    if access.is_secretary and (not args or meetings.looks_like_period(args)):
        await _statistics(update, context, member, args)
        return
    if access.is_secretary and args:
        name = " ".join(args)
        found = await in_session(
            context,
            lambda s: members.find_member(s, cell_id=member.cell_id, text=name),
        )
        if found is None:
            await reply(update, context, html.escape(mt.MEMBER_NOT_FOUND.format(name=name)))
            return
        member = found
    await _own_record(update, context, member)


async def _own_record(update: Update, context: Context, member: Member) -> None:
    since = meetings.days_ago(utcnow(), 366)
    assert member.id is not None
    records = await in_session(
        context, lambda s: meetings.member_record(s, member_id=member.id or 0, since=since)
    )
    lines = [mt.HISTORY_TITLE.format(name=html.escape(member.full_name))]
    if not records:
        lines.append(mt.HISTORY_EMPTY)
    for record in records:
        mark = files.MARK_LABELS[record.mark]
        if record.reason:
            mark += f" ({html.escape(record.reason)})"
        local = as_utc(record.starts_at).astimezone(VIETNAM)
        lines.append(
            mt.HISTORY_LINE.format(
                when=f"{local:%d/%m/%Y}", title=html.escape(record.title), mark=mark
            )
        )
    if records:
        present = sum(1 for r in records if r.mark in (Mark.PRESENT, Mark.LATE))
        lines.append(mt.HISTORY_SUMMARY.format(present=present, total=len(records)))
    await reply(update, context, "\n".join(lines))


async def _statistics(update: Update, context: Context, member: Member, args: list[str]) -> None:
    settings = settings_of(context)
    try:
        start, end = meetings.parse_period(args, now=utcnow())
    except MeetingError as exc:
        await reply(update, context, str(exc))
        return
    cell_id = member.cell_id

    def load(session: Session) -> tuple[list[files.MemberStat], list[files.MonthStat], str]:
        cell = session.get(Cell, cell_id)
        people, months = meetings.statistics(
            session, cell_id=cell_id, start=start, end=end, settings=settings
        )
        return people, months, cell.name if cell is not None else ""

    people, months, cell = await in_session(context, load)
    last = end - timedelta(days=1)
    span = {"start": f"{start:%m/%Y}", "end": f"{last:%m/%Y}"}
    if not months:
        await reply(update, context, mt.STATS_EMPTY.format(**span))
        return
    lines = [mt.STATS_TITLE.format(cell=html.escape(cell), **span)]
    for month in months:
        lines.append(
            mt.STATS_MONTH.format(
                month=month.month,
                meetings=month.meetings,
                present=month.present,
                denominator=month.denominator,
                rate=files.format_rate(month.rate),
            )
        )
    await reply(update, context, "\n".join(lines))
    chat_id = target_chat(update)
    title = mt.STATS_TITLE.format(cell=cell, **span).replace("<b>", "").replace("</b>", "")
    xlsx, csv_bytes = await asyncio.to_thread(
        lambda: (files.statistics_xlsx(people, months, title=title), files.statistics_csv(people))
    )
    stem = f"thong-ke-diem-danh-{start:%Y-%m}-{last:%Y-%m}"
    await context.bot.send_document(chat_id, InputFile(io.BytesIO(xlsx), filename=f"{stem}.xlsx"))
    await context.bot.send_document(
        chat_id, InputFile(io.BytesIO(csv_bytes), filename=f"{stem}.csv")
    )


# ----------------------------------------------------------------------------- reminders


async def reschedule_reminders(
    application: Application, meeting_id: int | None = None
) -> list[meetings.PendingReminder]:
    """(Re)create the job of every reminder still to fire (of one meeting, or all at start-up);
    overdue ones run at once. The reminders whose jobs were set."""
    pending = await in_session(
        application, lambda s: meetings.pending_reminders(s, meeting_id=meeting_id)
    )
    queue = application.job_queue
    if queue is None:
        log.warning("no job queue: meeting reminders will not fire")
        return []
    prefix = "hop-nhac-" if meeting_id is None else f"hop-nhac-{meeting_id}-"
    for job in queue.jobs():  # jobs of reminders moved, fired or cancelled meanwhile go too
        if job.name and job.name.startswith(prefix):
            job.schedule_removal()
    now = utcnow()
    for reminder in pending:
        name = f"hop-nhac-{reminder.meeting_id}-{reminder.id}"
        delay = max(0.0, (reminder.due_at - now).total_seconds())
        # No misfire grace: a job that runs late (a busy loop) must still run, not be dropped.
        queue.run_once(
            _reminder_job,
            delay,
            data=reminder.id,
            name=name,
            job_kwargs={"misfire_grace_time": None},
        )
    return pending


async def _reminder_job(context: Context) -> None:
    job = context.job
    assert job is not None and isinstance(job.data, int)
    reminder_id = job.data
    notice_id = await in_session(
        context, lambda s: meetings.fire_reminder(s, reminder_id=reminder_id, now=utcnow())
    )
    if notice_id is not None:
        log.info("meeting reminder %s queued as notice %s", reminder_id, notice_id)
        wake_sender(context)


async def start_reminders(application: Application) -> None:
    """Start-up (post_init): every pending reminder gets its job back, and «Xin vắng» answers
    not yet sent to the secretary (the bot stopped before their message) are owed again."""
    pending = await reschedule_reminders(application)
    if pending:
        log.info("%s meeting reminders rescheduled from the database", len(pending))
    for meeting_id in await in_session(application, meetings.meetings_with_untold_excuses):
        await owe_excuses(application, meeting_id)


# ----------------------------------------------------------------------------- «Xin vắng»


async def owe_excuses(application: Application, meeting_id: int) -> None:
    """Tell the secretary who asked to be excused: one message a short while after the first
    «Xin vắng», so several at once arrive together."""
    name = f"hop-xinvang-{meeting_id}"
    queue = application.job_queue
    if queue is None:
        await tell_excuses(application, meeting_id)
        return
    if queue.get_jobs_by_name(name):
        return  # the message already waiting will carry this answer too
    delay = application.bot_data.meetings.excuse_digest_seconds
    queue.run_once(_excuses_job, delay, data=meeting_id, name=name)


async def _excuses_job(context: Context) -> None:
    job = context.job
    assert job is not None and isinstance(job.data, int)
    await tell_excuses(context.application, job.data)


async def tell_excuses(application: Application, meeting_id: int) -> None:
    """Send the secretary who scheduled the meeting the «Xin vắng» not yet sent; they are
    marked sent only once Telegram took the message (else the next one carries them)."""
    found = await in_session(
        application, lambda s: meetings.untold_excuses(s, meeting_id=meeting_id)
    )
    if not found.lines:
        return
    meeting = found.meeting
    text = mt.excuses_message(meeting, found.lines)
    board = keyboard([(mt.PANEL_BUTTONS["board"], pack(Action.PANEL, meeting_id, "board"))])
    try:
        await send_html(application.bot, meeting.created_by, text, board)
    except TelegramError as exc:
        log.info("«Xin vắng» of meeting %s not sent to its secretary: %s", meeting_id, exc)
        return
    await in_session(
        application, lambda s: meetings.mark_told(s, rsvp_ids=found.rsvp_ids, now=utcnow())
    )


# ----------------------------------------------------------------------------- wiring


def _conversation(settings: MeetingSettings) -> ConversationHandler[Context]:
    private = filters.ChatType.PRIVATE
    text = filters.TEXT & ~filters.COMMAND & private
    buttons = CallbackQueryHandler(
        final(placed(Where.PRIVATE, draft_button)),
        pattern=f"^{CALLBACK_VERSION}:{Action.MEETING_DRAFT}:",
    )
    return ConversationHandler(
        entry_points=[CommandHandler("hop", final(placed(Where.PRIVATE, begin)), filters=private)],
        states={
            KIND: [buttons],
            TOPIC: [MessageHandler(text, final(placed(Where.PRIVATE, receive_topic)))],
            WHEN: [MessageHandler(text, final(placed(Where.PRIVATE, receive_when)))],
            PLACE: [MessageHandler(text, final(placed(Where.PRIVATE, receive_place)))],
            AGENDA: [MessageHandler(text, final(placed(Where.PRIVATE, receive_agenda)))],
            READINGS: [
                MessageHandler(text, final(placed(Where.PRIVATE, receive_readings))),
                MessageHandler(
                    filters.Document.ALL & private,
                    final(placed(Where.PRIVATE, receive_reading_file)),
                ),
            ],
            CONFIRM: [buttons],
            ConversationHandler.TIMEOUT: [
                TypeHandler(Update, placed(Where.ANYWHERE, draft_timed_out))
            ],
        },
        fallbacks=[
            CommandHandler("huy", final(placed(Where.PRIVATE, drop_draft)), filters=private),
            buttons,
        ],
        allow_reentry=True,
        conversation_timeout=settings.draft_minutes * 60,
        name="meeting-draft",
    )


async def private_only(update: Update, context: Context) -> None:
    """/hop in a group: meetings are scheduled in private."""
    await reply(update, context, mt.PRIVATE_ONLY)


stale_draft_button = common.stale_button(mt.BUTTON_STALE)


def register(application: Application) -> None:
    """Add the meeting handlers (group -1, after the notices' so their drafts come first)."""
    settings = application.bot_data.meetings
    private = filters.ChatType.PRIVATE
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "If 'per_message=False'", PTBUserWarning)
        application.add_handler(_conversation(settings), GROUP)
    add = functools.partial(application.add_handler, group=GROUP)
    add(CommandHandler("hop", final(placed(Where.ANYWHERE, private_only)), ~private))
    add(
        CommandHandler(
            "start",
            final(placed(Where.PRIVATE, check_in_link)),
            filters.Regex(rf"^/start {meetings.QR_PREFIX}") & private,
        )
    )
    add(CommandHandler("cuochop", final(placed(Where.PRIVATE, list_meetings)), private))
    add(CommandHandler("cuochop", final(placed(Where.ANYWHERE, private_only)), ~private))
    add(CommandHandler("comat", final(placed(Where.PERSONAL, check_in_command))))
    add(CommandHandler("ghicomat", final(placed(Where.PERSONAL, record_by_hand))))
    add(CommandHandler("suadiemdanh", final(placed(Where.PERSONAL, correct_command))))
    add(CommandHandler("diemdanh", final(placed(Where.PERSONAL, history))))
    add(CommandHandler("huy", reported(placed(Where.PRIVATE, cancel_prompt)), private))
    application.add_handler(
        MessageHandler(
            filters.COMMAND & private & ~filters.Regex(r"^/huy\b"),
            placed(Where.PRIVATE, forget_prompt),
        ),
        group=GROUP - 1,
    )
    add(
        MessageHandler(
            filters.TEXT & ~filters.COMMAND & private, reported(placed(Where.PRIVATE, private_text))
        )
    )
    add(
        MessageHandler(
            filters.Document.ALL & private, reported(placed(Where.PRIVATE, private_file))
        )
    )
    for action, where, callback in (
        (Action.RSVP, Where.PERSONAL, rsvp_button),
        (Action.VOTE, Where.ANYWHERE, vote_button),  # answered by an alert to the presser
        (Action.PANEL, Where.PRIVATE, panel_button),
        (Action.MEETING_DRAFT, Where.ANYWHERE, stale_draft_button),
    ):
        add(CallbackQueryHandler(final(placed(where, callback)), pattern=pattern(action)))
