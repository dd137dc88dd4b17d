"""Notices: /thongbao (a guided draft, a preview, confirm), «Đã đọc», the secretary's buttons,
/thongbao_ds; and the sender started with the bot.

The handlers sit in handler group -1 and end every update they handle with
ApplicationHandlerStop, so a draft's text, photo or file never reaches the question, document
or catch-all handlers of group 0, wherever ``register`` is called.
"""

from __future__ import annotations

import html
import logging
import secrets
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import MessageEntityType
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import HTTPXRequest
from telegram.warnings import PTBUserWarning

from bot import members, notices
from bot.models import AudienceKind, Cell, Notice, NoticeState, Role
from bot.notices import Attachment, Audience, NoticeError, ReadOutcome
from bot.notices import texts as nt
from bot.settings import NoticeSettings
from bot.telegram.callbacks import CALLBACK_VERSION, int_args, pack, pattern, unpack
from bot.telegram.handlers import common
from bot.telegram.handlers.common import (
    REFUSED,
    Context,
    actor,
    decided,
    drop_on_timeout,
    final,
    in_session,
    keyboard,
    reply,
    send_html,
)
from bot.telegram.policy import Where, placed, target_chat
from bot.telegram.ratelimit import TelegramRateLimiter
from bot.telegram.sender import (
    DRAFT,
    READ,
    REMIND,
    REPORT,
    RESEND,
    STOP,
    NoticeSender,
    read_markup,
    send_part,
    status_markup,
)
from knowledge.models import utcnow

log = logging.getLogger(__name__)

TEXT, ATTACHMENT, CELLS, AUDIENCE, ROLE, SEND_AT, CONFIRM = range(7)
GROUP = -1
_FORMATTING = frozenset(
    {
        MessageEntityType.BOLD,
        MessageEntityType.ITALIC,
        MessageEntityType.UNDERLINE,
        MessageEntityType.STRIKETHROUGH,
        MessageEntityType.SPOILER,
        MessageEntityType.CODE,
        MessageEntityType.PRE,
        MessageEntityType.TEXT_LINK,
        MessageEntityType.TEXT_MENTION,
        MessageEntityType.BLOCKQUOTE,
        MessageEntityType.EXPANDABLE_BLOCKQUOTE,
        MessageEntityType.CUSTOM_EMOJI,
    }
)
MEDIA = filters.PHOTO | filters.Document.ALL


@dataclass
class Draft:
    """A notice being composed (kept in user_data until confirmed or dropped)."""

    sender_name: str
    cell_id: int | None
    is_admin: bool
    body: str = ""
    attachment: Attachment | None = None
    cell_ids: list[int] = field(default_factory=list)
    kind: AudienceKind = AudienceKind.CELL
    role: Role | None = None
    send_at: datetime | None = None
    token: str = field(default_factory=lambda: secrets.token_hex(3))  # in its buttons

    @property
    def audience(self) -> Audience:
        """Who it goes to."""
        return Audience(self.kind, tuple(self.cell_ids), self.role)


def settings_of(context: Context) -> NoticeSettings:
    """The notices section of the bot's settings."""
    return context.bot_data.notices


def _draft(context: Context) -> Draft | None:
    assert context.user_data is not None
    found = context.user_data.notice_draft
    return found if isinstance(found, Draft) else None


def _body(message: Message) -> str:
    """The text or caption of a message as Telegram HTML."""
    raw = message.text or message.caption or ""
    entities = message.entities or message.caption_entities or ()
    formatted = any(e.type in _FORMATTING for e in entities)
    html_text = message.text_html if message.text is not None else message.caption_html
    return notices.body_html(raw, html_text if formatted else None)


def _attachment(message: Message) -> Attachment | None:
    if message.photo:
        photo = message.photo[-1]
        return Attachment("photo", photo.file_id, None, photo.file_size)
    if message.document is not None:
        doc = message.document
        return Attachment("document", doc.file_id, doc.file_name, doc.file_size)
    return None


def _compose(draft: Draft, settings: NoticeSettings, cell: str | None) -> list[dict[str, Any]]:
    return notices.compose(
        draft.body,
        draft.attachment,
        header=nt.header(cell),
        footer=nt.footer(draft.sender_name),
        settings=settings,
    )


# ----------------------------------------------------------------------------- the draft


async def begin(update: Update, context: Context) -> int:
    """/thongbao: secretaries and admins start a notice."""
    assert context.user_data is not None
    who = actor(update, context)
    sender = await decided(update, context, lambda s: notices.sender_of(s, actor=who), NoticeError)
    if sender is REFUSED:
        return ConversationHandler.END
    context.user_data.notice_draft = Draft(sender.name, sender.cell_id, sender.is_admin)
    await reply(update, context, nt.ASK_TEXT)
    return TEXT


async def receive_text(update: Update, context: Context) -> int:
    """The notice's text (or a photo/file whose caption is the text)."""
    message, draft = update.effective_message, _draft(context)
    assert message is not None
    if draft is None:
        return await _expired(update, context)
    attachment = _attachment(message)
    if attachment is not None and not (message.caption or "").strip():
        try:
            notices.check_attachment(attachment, settings=settings_of(context))
        except NoticeError as exc:
            await reply(update, context, str(exc))
            return TEXT
        draft.attachment = attachment
        await reply(update, context, nt.TEXT_EXPECTED)
        return TEXT
    body = _body(message)
    candidate = Draft(
        draft.sender_name, draft.cell_id, draft.is_admin, body, attachment or draft.attachment
    )
    try:
        _compose(candidate, settings_of(context), None)
    except NoticeError as exc:
        await reply(update, context, str(exc))
        return TEXT
    draft.body, draft.attachment = candidate.body, candidate.attachment
    if draft.attachment is not None:
        return await _ask_audience(update, context, draft)
    length = len(notices.visible_text(body))
    skip = keyboard([(nt.NO_ATTACHMENT, pack(DRAFT, draft.token, "skip"))])
    await reply(update, context, nt.ASK_ATTACHMENT.format(length=length), skip)
    return ATTACHMENT


async def receive_attachment(update: Update, context: Context) -> int:
    """An optional photo or file for the notice."""
    message, draft = update.effective_message, _draft(context)
    assert message is not None
    if draft is None:
        return await _expired(update, context)
    attachment = _attachment(message)
    if attachment is None:
        await reply(update, context, nt.ATTACHMENT_ONLY)
        return ATTACHMENT
    candidate = Draft(draft.sender_name, draft.cell_id, draft.is_admin, draft.body, attachment)
    try:
        _compose(candidate, settings_of(context), None)
    except NoticeError as exc:
        await reply(update, context, str(exc))
        return ATTACHMENT
    draft.attachment = attachment
    return await _ask_audience(update, context, draft)


async def draft_button(update: Update, context: Context) -> int | None:
    """A button of the current step: no attachment, cells, audience, role, now, confirm, cancel."""
    query, draft = update.callback_query, _draft(context)
    assert query is not None
    parsed = unpack(query.data)
    if draft is None or parsed is None or len(parsed[1]) < 2 or parsed[1][0] != draft.token:
        await query.answer(nt.DRAFT_BUTTON_STALE, show_alert=True)
        return None  # an older draft's button: this draft stays where it is
    action, args = parsed[1][1], parsed[1][2:]
    await query.answer()
    if action == "skip":
        return await _ask_audience(update, context, draft)
    if action == "cell" and args:
        cell_id = int(args[0])
        if cell_id in draft.cell_ids:
            draft.cell_ids.remove(cell_id)
        else:
            draft.cell_ids.append(cell_id)
        return await _show_cells(update, context, draft, edit=True)
    if action == "all":
        cells = await in_session(context, members.list_cells)
        draft.cell_ids = [c.id for c in cells if c.id is not None]
        return await _show_cells(update, context, draft, edit=True)
    if action == "next":
        if not draft.cell_ids:
            await reply(update, context, nt.PICK_A_CELL)
            return CELLS
        return await _show_kinds(update, context, draft)
    if action == "kind" and args:
        if args[0] == "role":
            rows = [[(nt.ROLE_LABELS[r], pack(DRAFT, draft.token, "role", str(r)))] for r in Role]
            await reply(update, context, nt.ASK_ROLE, keyboard(*rows))
            return ROLE
        draft.kind, draft.role = AudienceKind(args[0]), None
        return await _ask_send_at(update, context, draft)
    if action == "role" and args:
        draft.kind, draft.role = AudienceKind.ROLE, Role(args[0])
        return await _ask_send_at(update, context, draft)
    if action == "now":
        draft.send_at = None
        return await _preview(update, context, draft)
    if action == "ok":
        return await _confirm(update, context, draft)
    if action == "no":
        return await cancel_draft(update, context)
    return None


async def receive_send_at(update: Update, context: Context) -> int:
    """A send time typed by the secretary."""
    message, draft = update.effective_message, _draft(context)
    assert message is not None and message.text is not None
    if draft is None:
        return await _expired(update, context)
    try:
        draft.send_at = notices.parse_send_time(
            message.text, now=utcnow(), settings=settings_of(context)
        )
    except NoticeError as exc:
        await reply(
            update, context, str(exc), keyboard([(nt.SEND_NOW, pack(DRAFT, draft.token, "now"))])
        )
        return SEND_AT
    return await _preview(update, context, draft)


cancel_draft = common.drop_draft("notice_draft", nt.CANCELLED)
draft_timed_out = drop_on_timeout("notice_draft", nt.DRAFT_EXPIRED)


stale_draft_button = common.stale_button(nt.DRAFT_BUTTON_STALE)


async def _expired(update: Update, context: Context) -> int:
    assert context.user_data is not None
    context.user_data.notice_draft = None
    if update.callback_query is not None:
        await update.callback_query.answer(nt.DRAFT_EXPIRED, show_alert=True)
    else:
        await reply(update, context, nt.DRAFT_EXPIRED)
    return ConversationHandler.END


async def _ask_audience(update: Update, context: Context, draft: Draft) -> int:
    if draft.is_admin:
        return await _show_cells(update, context, draft, edit=False)
    draft.cell_ids = [draft.cell_id] if draft.cell_id is not None else []
    return await _show_kinds(update, context, draft)


async def _show_cells(update: Update, context: Context, draft: Draft, *, edit: bool) -> int:
    cells: list[Cell] = await in_session(context, members.list_cells)
    if not cells:
        await reply(update, context, nt.NO_CELLS)
        return await cancel_draft(update, context)
    rows = [
        [
            (
                ("☑ " if c.id in draft.cell_ids else "☐ ") + c.name,
                pack(DRAFT, draft.token, "cell", c.id or 0),
            )
        ]
        for c in cells[:40]
    ]
    rows.append(
        [
            (nt.ALL_CELLS, pack(DRAFT, draft.token, "all")),
            (nt.NEXT, pack(DRAFT, draft.token, "next")),
        ]
    )
    markup = keyboard(*rows)
    query = update.callback_query
    if edit and query is not None and query.message is not None:
        try:
            await query.edit_message_reply_markup(markup)
        except TelegramError as exc:  # "not modified" when nothing changed
            log.debug("cells keyboard not edited: %s", exc)
        return CELLS
    await reply(update, context, nt.ASK_CELLS, markup)
    return CELLS


async def _show_kinds(update: Update, context: Context, draft: Draft) -> int:
    markup = keyboard(
        [(nt.AUDIENCE_CELL, pack(DRAFT, draft.token, "kind", "cell"))],
        [(nt.AUDIENCE_COMMITTEE, pack(DRAFT, draft.token, "kind", "committee"))],
        [(nt.AUDIENCE_ROLE, pack(DRAFT, draft.token, "kind", "role"))],
    )
    await reply(update, context, nt.ASK_AUDIENCE, markup)
    return AUDIENCE


async def _ask_send_at(update: Update, context: Context, draft: Draft) -> int:
    user = update.effective_user
    assert user is not None
    plan = await in_session(
        context,
        lambda s: notices.plan(s, audience=draft.audience, exclude_telegram_id=user.id),
    )
    if plan.reachable == 0:
        await reply(update, context, nt.NO_RECIPIENTS)
        return (
            await _show_kinds(update, context, draft)
            if not draft.is_admin
            else await _show_cells(update, context, draft, edit=False)
        )
    missing = ""
    if plan.without_account:
        names = ", ".join(html.escape(n) for n in plan.without_account[:30])
        more = "…" if len(plan.without_account) > 30 else ""
        missing = nt.MISSING_ACCOUNTS.format(count=len(plan.without_account), names=names + more)
    text = nt.ASK_SEND_AT.format(
        reachable=plan.reachable, label=html.escape(plan.label), missing=missing
    )
    await reply(update, context, text, keyboard([(nt.SEND_NOW, pack(DRAFT, draft.token, "now"))]))
    return SEND_AT


async def _header_cell(context: Context, draft: Draft) -> str | None:
    if len(draft.cell_ids) != 1:
        return None
    cell = await in_session(context, lambda s: s.get(Cell, draft.cell_ids[0]))
    return cell.name if cell is not None else None


async def _preview(update: Update, context: Context, draft: Draft) -> int:
    """Show the notice exactly as members will get it, then ask to confirm."""
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    try:
        parts = _compose(draft, settings_of(context), await _header_cell(context, draft))
    except NoticeError as exc:
        await reply(update, context, str(exc))
        return await cancel_draft(update, context)
    plan = await in_session(
        context,
        lambda s: notices.plan(s, audience=draft.audience, exclude_telegram_id=user.id),
    )
    await send_html(context.bot, chat.id, nt.PREVIEW_INTRO)
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        await send_part(context.bot, chat.id, part, markup=read_markup(0) if last else None)
    length = len(notices.visible_text(draft.body))
    text_parts = sum(1 for p in parts if p["kind"] == "text")
    summary = nt.PREVIEW_SUMMARY.format(
        reachable=plan.reachable,
        label=html.escape(plan.label),
        when=nt.local_time(draft.send_at) if draft.send_at else nt.SEND_NOW_LABEL,
        parts=len(parts),
        split=nt.PREVIEW_SPLIT.format(length=length) if text_parts > 1 else "",
    )
    buttons = keyboard(
        [(nt.CONFIRM, pack(DRAFT, draft.token, "ok")), (nt.CANCEL, pack(DRAFT, draft.token, "no"))]
    )
    await reply(update, context, summary, buttons)
    return CONFIRM


async def _confirm(update: Update, context: Context, draft: Draft) -> int:
    """Queue the notice and post the status message the sender keeps up to date."""
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None and context.user_data is not None
    if context.user_data.notice_draft is not draft:
        return ConversationHandler.END  # a second press of «Gửi» while the first is queuing
    context.user_data.notice_draft = None  # claimed here, with no await since the check above
    settings = settings_of(context)
    cell = await _header_cell(context, draft)
    status = await send_html(context.bot, chat.id, nt.STATUS_PREPARING)
    now = utcnow()

    def create(session: Session) -> int:
        parts = _compose(draft, settings, cell)
        notice = notices.create_notice(
            session,
            created_by=user.id,
            sender_name=draft.sender_name,
            cell_id=draft.cell_ids[0] if len(draft.cell_ids) == 1 else None,
            audience=draft.audience,
            body=draft.body,
            parts=parts,
            attachment_name=draft.attachment.file_name if draft.attachment else None,
            send_at=draft.send_at or now,
            now=now,
            status_chat_id=chat.id,
            status_message_id=status.message_id,
        )
        assert notice.id is not None
        return notice.id

    try:
        notice_id = await in_session(context, create)
    except NoticeError as exc:
        await context.bot.edit_message_text(str(exc), chat_id=chat.id, message_id=status.message_id)
        return ConversationHandler.END
    except Exception:
        await context.bot.edit_message_text(
            nt.NOT_QUEUED, chat_id=chat.id, message_id=status.message_id
        )
        raise
    wake_sender(context)
    log.info("notice %s queued by %s", notice_id, user.id)
    return ConversationHandler.END


# ----------------------------------------------------------------------------- members' button


async def confirm_read(update: Update, context: Context) -> None:
    """«Đã đọc»: only the recipient's press counts, and only once."""
    query, user = update.callback_query, update.effective_user
    assert query is not None and user is not None
    parsed = unpack(query.data)
    ids = int_args(parsed[1], 1) if parsed else None
    if not ids:
        await query.answer(nt.READ_GONE, show_alert=True)
        return
    if ids[0] == 0:
        await query.answer(nt.PREVIEW_BUTTON, show_alert=True)
        return
    outcome = await in_session(
        context,
        lambda s: notices.mark_read(s, delivery_id=ids[0], telegram_user_id=user.id, now=utcnow()),
    )
    if outcome == ReadOutcome.CONFIRMED:
        await query.answer(nt.READ_THANKS)
        done = InlineKeyboardButton(nt.READ_DONE_BUTTON, callback_data=pack(READ, ids[0]))
        try:
            await query.edit_message_reply_markup(InlineKeyboardMarkup([[done]]))
        except TelegramError as exc:
            log.debug("read button not updated: %s", exc)
    elif outcome == ReadOutcome.ALREADY:
        await query.answer(nt.READ_ALREADY)
    elif outcome == ReadOutcome.NOT_YOURS:
        await query.answer(nt.READ_NOT_YOURS, show_alert=True)
    else:
        await query.answer(nt.READ_GONE, show_alert=True)


# ----------------------------------------------------------------------------- secretary's buttons


async def _manage(
    update: Update, context: Context, work: Callable[[Session, Notice], Any]
) -> Any | None:
    """Run ``work`` on the notice named by the button; the domain decides whether this user may
    (``notices.managed``), and a refusal is shown as a pop-up."""
    query = update.callback_query
    assert query is not None
    parsed = unpack(query.data)
    ids = int_args(parsed[1], 1) if parsed else None
    if ids is None:
        await query.answer(nt.NOTICE_GONE, show_alert=True)
        return None
    who = actor(update, context)

    def unit(session: Session) -> Any:
        return work(session, notices.managed(session, notice_id=ids[0], actor=who))

    found = await decided(update, context, unit, NoticeError)
    return None if found is REFUSED else found


def wake_sender(context: Context) -> None:
    """New deliveries are due: the sender looks now instead of at its next poll."""
    sender = context.bot_data.sender
    if isinstance(sender, NoticeSender):
        sender.wake()


async def stop_notice(update: Update, context: Context) -> None:
    """«Dừng gửi»: cancel what has not gone out yet."""
    query = update.callback_query
    assert query is not None
    result = await _manage(
        update,
        context,
        lambda s, n: (n.id, notices.cancel(s, notice_id=n.id or 0, now=utcnow())),
    )
    if result is None:
        return
    notice_id, count = result
    if count is None:
        await query.answer(nt.NOT_RUNNING.format(id=notice_id), show_alert=True)
        return
    await query.answer(nt.STOPPED.format(id=notice_id, count=count), show_alert=True)


async def remind(update: Update, context: Context) -> None:
    """«Nhắc»: a reminder to members who received the notice and have not read it."""
    query = update.callback_query
    assert query is not None
    count = await _manage(
        update, context, lambda s, n: notices.remind_unread(s, notice_id=n.id or 0, now=utcnow())
    )
    if count is None:
        return
    text = nt.REMINDED.format(count=count) if count else nt.NOTHING_TO_REMIND
    await query.answer(text, show_alert=True)
    wake_sender(context)


async def resend(update: Update, context: Context) -> None:
    """«Gửi lại»: send the uncertain copies again, at the secretary's explicit request."""
    query = update.callback_query
    assert query is not None
    count = await _manage(
        update,
        context,
        lambda s, n: notices.resend_uncertain(s, notice_id=n.id or 0, now=utcnow()),
    )
    if count is None:
        return
    await query.answer(
        nt.RESENDING.format(count=count) if count else nt.NOTHING_TO_RESEND, show_alert=True
    )
    wake_sender(context)


async def show_report(update: Update, context: Context) -> None:
    """«Báo cáo»: who received, who read, who could not be reached, by name."""
    query = update.callback_query
    assert query is not None
    found = await _manage(update, context, lambda s, n: notices.report(s, notice_id=n.id or 0))
    if found is None:
        return
    await query.answer()
    markup = status_markup(found.notice.id or 0, NoticeState(found.notice.state), found.figures)
    await send_html(context.bot, target_chat(update), nt.report(found), markup)


async def list_notices(update: Update, context: Context) -> None:
    """/thongbao_ds: recent notices with their figures; stop one still sending."""
    limit, who = settings_of(context).recent, actor(update, context)
    rows = await decided(
        update, context, lambda s: notices.recent_for(s, actor=who, limit=limit), NoticeError
    )
    if rows is REFUSED:
        return
    buttons = []
    for notice, _figures in rows:
        row = [(f"📋 #{notice.id}", pack(REPORT, notice.id or 0))]
        if notice.state == NoticeState.QUEUED:
            row.append((f"⛔ #{notice.id}", pack(STOP, notice.id or 0)))
        buttons.append(row)
    await reply(update, context, nt.listing(rows), keyboard(*buttons) if buttons else None)


async def private_only(update: Update, context: Context) -> None:
    """/thongbao in a group: notices are composed in private."""
    await reply(update, context, nt.PRIVATE_ONLY)


# ----------------------------------------------------------------------------- wiring


def _conversation(settings: NoticeSettings) -> ConversationHandler[Context]:
    private = filters.ChatType.PRIVATE
    text = filters.TEXT & ~filters.COMMAND & private

    def buttons(*actions: str) -> CallbackQueryHandler[Context, Any]:
        # Only this step's buttons (and «Hủy»); any other falls to stale_draft_button.
        allowed = "|".join((*actions, "no"))
        step = f"^{CALLBACK_VERSION}:{DRAFT}:[0-9a-f]+:({allowed})(:|$)"
        return CallbackQueryHandler(final(placed(Where.PRIVATE, draft_button)), pattern=step)

    return ConversationHandler(
        entry_points=[
            CommandHandler("thongbao", final(placed(Where.PRIVATE, begin)), filters=private)
        ],
        states={
            TEXT: [
                MessageHandler(text, final(placed(Where.PRIVATE, receive_text))),
                MessageHandler(MEDIA & private, final(placed(Where.PRIVATE, receive_text))),
            ],
            ATTACHMENT: [
                MessageHandler(
                    (MEDIA | text) & private, final(placed(Where.PRIVATE, receive_attachment))
                ),
                buttons("skip"),
            ],
            CELLS: [buttons("cell", "all", "next")],
            AUDIENCE: [buttons("kind")],
            ROLE: [buttons("role")],
            SEND_AT: [
                MessageHandler(text, final(placed(Where.PRIVATE, receive_send_at))),
                buttons("now"),
            ],
            CONFIRM: [buttons("ok")],
            ConversationHandler.TIMEOUT: [
                TypeHandler(Update, placed(Where.ANYWHERE, draft_timed_out))
            ],
        },
        fallbacks=[
            CommandHandler("huy", final(placed(Where.PRIVATE, cancel_draft)), filters=private)
        ],
        allow_reentry=True,
        conversation_timeout=settings.draft_minutes * 60,
        name="notice-draft",
    )


def register(application: Application) -> None:
    """Add the notice handlers (group -1, ahead of the bot's catch-all handlers)."""
    settings = application.bot_data.notices
    with warnings.catch_warnings():
        # Draft buttons are tracked per user and chat on purpose: one draft at a time.
        warnings.filterwarnings("ignore", "If 'per_message=False'", PTBUserWarning)
        application.add_handler(_conversation(settings), GROUP)
    groups = ~filters.ChatType.PRIVATE
    application.add_handler(
        CommandHandler("thongbao", final(placed(Where.ANYWHERE, private_only)), groups), GROUP
    )
    application.add_handler(
        CommandHandler("thongbao_ds", final(placed(Where.PERSONAL, list_notices))), GROUP
    )
    for action, where, callback in (
        (READ, Where.ANYWHERE, confirm_read),  # answered by an alert to the presser
        (STOP, Where.PERSONAL, stop_notice),
        (REMIND, Where.PERSONAL, remind),
        (RESEND, Where.PERSONAL, resend),
        (REPORT, Where.PERSONAL, show_report),
        (DRAFT, Where.ANYWHERE, stale_draft_button),
    ):
        application.add_handler(
            CallbackQueryHandler(final(placed(where, callback)), pattern=pattern(action)), GROUP
        )


def sender_bot(
    application: Application, settings: NoticeSettings
) -> tuple[Bot, HTTPXRequest | None]:
    """A Bot of its own for notices: its own HTTP pool and no AIORateLimiter in front of it.

    The application's request object is reused only when it is not a real HTTP client (tests
    hand in an offline one); the second value is the pool created here, to close at the end.
    """
    base = application.bot_data.settings.bot
    current = application.bot.request
    own: HTTPXRequest | None = None
    request = current
    if isinstance(current, HTTPXRequest):
        own = HTTPXRequest(
            connection_pool_size=settings.max_in_flight + 4,
            read_timeout=settings.send_timeout,
            write_timeout=settings.send_timeout,
            connect_timeout=5.0,
            pool_timeout=settings.send_timeout,
        )
        request = own
    bot = Bot(
        application.bot.token,
        base_url=base.api_base_url,
        base_file_url=base.api_file_url,
        request=request,
        get_updates_request=request,
    )
    return bot, own


async def start_sender(application: Application) -> NoticeSender | None:
    """Start the outbox sender in the background (post_init); None when disabled."""
    found = application.bot_data.services
    settings = application.bot_data.notices
    if not settings.enabled:
        return None
    bot, own = sender_bot(application, settings)
    if own is not None:
        await own.initialize()
    # Answers and notices leave through one overall budget: Telegram counts them together.
    limiter = application.bot.rate_limiter
    shared = limiter.overall_window if isinstance(limiter, TelegramRateLimiter) else None
    sender = NoticeSender(found.engine, bot, settings, shared_window=shared)
    application.bot_data.sender = sender
    application.bot_data.sender_request = own
    sender.start()
    log.info("notice sender %s started", sender.worker_id)
    return sender


async def stop_sender(application: Application) -> None:
    """Stop the sender cleanly (post_shutdown): in-flight requests finish, claims go back."""
    data = application.bot_data
    sender, own, data.sender, data.sender_request = data.sender, data.sender_request, None, None
    if sender is not None:
        await sender.stop()
    if own is not None:
        await own.shutdown()
