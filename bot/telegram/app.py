"""The one place the Telegram Application is assembled: handlers, limits, start-up."""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
from concurrent.futures import ThreadPoolExecutor

from telegram import LinkPreviewOptions, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from bot import texts
from bot.services import Services
from bot.settings import Settings
from bot.telegram.callbacks import Action, pattern
from bot.telegram.context import CONTEXT_TYPES, App, Context
from bot.telegram.handlers import asking, documents, joining, meetings, menus, notices
from bot.telegram.handlers.common import forget_group_check, send_html
from bot.telegram.inflow import FairUpdateProcessor, ScreenedUpdates
from bot.telegram.policy import Where, checked_inside, placed
from bot.telegram.ratelimit import TelegramRateLimiter
from bot.telegram.webhook import serve_webhook

log = logging.getLogger(__name__)

# RetryAfter from Telegram is waited out and retried this many times before giving up.
RATE_LIMIT_RETRIES = 3


def build_application(
    settings: Settings,
    services: Services,
    *,
    request: BaseRequest | None = None,
    updater: bool = True,
) -> App:
    """The bot: handlers wired to ``services`` (in the typed bot data), Telegram's limits respected,
    every sender held to a budget and a line of their own (bot.telegram.inflow).

    ``request`` replaces the HTTP client (tests record calls with it); without ``updater`` the
    application is fed updates by a webhook server or by tests.
    """
    inflow = FairUpdateProcessor(settings.bot)
    builder: ApplicationBuilder = (
        Application.builder()
        .token(settings.token())
        .base_url(settings.bot.api_base_url)
        .base_file_url(settings.bot.api_file_url)
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .rate_limiter(
            TelegramRateLimiter(
                per_second=settings.bot.max_messages_per_second, max_retries=RATE_LIMIT_RETRIES
            )
        )
        .concurrent_updates(inflow)
        .context_types(CONTEXT_TYPES)
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    else:
        builder = builder.get_updates_request(ScreenedUpdates(inflow))
    if not updater:
        builder = builder.updater(None)
    application = builder.build()
    application.bot_data.services = services
    inflow.app = application
    _add_handlers(application)
    return application


def run_bot(settings: Settings, services: Services) -> None:
    """Serve Telegram until stopped: long polling, or the webhook server (``bot.mode``)."""
    polling = settings.bot.mode == "polling"
    application = build_application(settings, services, updater=polling)
    if polling:
        application.run_polling(allowed_updates=Update.ALL_TYPES)
    else:
        asyncio.run(serve_webhook(application, settings))


def _add_handlers(app: App) -> None:
    """Every handler with its declared place (bot.telegram.policy)."""
    private = filters.ChatType.PRIVATE
    groups = filters.ChatType.GROUPS
    anywhere, personal = Where.ANYWHERE, Where.PERSONAL
    only_private, cell_group = Where.PRIVATE, Where.CELL_GROUP
    for command, where, callback, only in (
        ("start", anywhere, joining.start, None),
        ("help", anywhere, joining.help_command, None),
        # /hoi and questions in groups deliver through common.deliver, which applies the
        # CELL_GROUP rule itself (a stranger's refusal stays in the group).
        ("hoi", cell_group, checked_inside(asking.ask_command), None),
        ("vanban", cell_group, documents.document_card, None),
        ("tailieu", cell_group, documents.catalogue, None),
        ("taochibo", only_private, joining.create_cell, private),
        ("moi", personal, joining.invite, None),
        ("duyet", only_private, joining.pending, private),
        ("thanhvien", only_private, joining.list_members, private),
        ("chuyendi", only_private, joining.mark_left, private),
        ("lienket", only_private, joining.relink_command, private),
        ("phanhoi", only_private, asking.complaints, private),
        ("nhom", Where.GROUP, joining.link_group, None),
        ("dangbo", only_private, joining.committees, private),
    ):
        app.add_handler(CommandHandler(command, placed(where, callback), filters=only))
    text = filters.TEXT & ~filters.COMMAND
    app.add_handler(MessageHandler(text & private, placed(only_private, asking.on_private_text)))
    app.add_handler(
        MessageHandler(text & groups, placed(cell_group, checked_inside(asking.ask_in_group)))
    )
    app.add_handler(
        MessageHandler(filters.Document.ALL & private, placed(only_private, documents.receive_file))
    )
    app.add_handler(
        MessageHandler(filters.PHOTO & private, placed(only_private, documents.receive_photo))
    )
    app.add_handler(
        MessageHandler(
            (filters.StatusUpdate.NEW_CHAT_MEMBERS | filters.StatusUpdate.LEFT_CHAT_MEMBER),
            placed(anywhere, forget_group_check),
        )
    )
    app.add_handler(
        MessageHandler(
            private
            & ~filters.TEXT
            & ~filters.Document.ALL
            & ~filters.PHOTO
            & ~filters.StatusUpdate.ALL,
            placed(only_private, asking.not_text),
        )
    )
    for action, where, callback in (
        (Action.PASSAGE, cell_group, asking.open_passage),
        (Action.PAGE, cell_group, asking.turn_page),
        (Action.MORE, cell_group, asking.more_results),
        (Action.FEEDBACK, anywhere, asking.rate_answer),  # answered by an alert to the presser
        (Action.REVIEWED, personal, asking.mark_reviewed),
        (Action.ORIGINAL, cell_group, documents.send_original),
        (Action.DOC_CHECK, personal, documents.check_document),
        (Action.DOC_REMOVE, personal, documents.remove_document),
        (Action.DOC_REPLACE, personal, documents.replace_document),
        (Action.DOC_SHARE, personal, documents.share_document),
        (Action.OCR_STOP, personal, documents.stop_recognition),
        (Action.APPROVE, personal, joining.decide_request),
        (Action.REJECT, personal, joining.decide_request),
        (Action.REVOKE, personal, joining.revoke),
        (Action.RELINK, personal, joining.relink_button),
        (Action.ROSTER, personal, documents.confirm_roster),
    ):
        app.add_handler(CallbackQueryHandler(placed(where, callback), pattern=pattern(action)))
    app.add_handler(CallbackQueryHandler(placed(anywhere, asking.stale_button)))
    # Inline results are shown to the asker only, who checks them before posting one.
    app.add_handler(InlineQueryHandler(placed(anywhere, asking.inline_search)))
    notices.register(app)  # group -1: drafts and notice buttons before the handlers above
    meetings.register(app)  # group -1 too, after the notices' drafts
    app.add_error_handler(_on_error)


async def _post_init(app: App) -> None:
    """Start-up: worker threads for blocking work, and the command menu."""
    services = app.bot_data.services
    executor = ThreadPoolExecutor(
        max_workers=services.settings.bot.workers, thread_name_prefix="chibo-work"
    )
    asyncio.get_running_loop().set_default_executor(executor)
    app.bot_data.executor = executor
    await menus.set_role_menus(app)
    await _describe(app)
    await notices.start_sender(app)
    await meetings.start_reminders(app)


async def _describe(app: App) -> None:
    """What an invitee reads, in Vietnamese, before pressing Start (and on the bot's profile)."""
    try:
        await app.bot.set_my_description(texts.DESCRIPTION)
        await app.bot.set_my_short_description(texts.SHORT_DESCRIPTION)
    except TelegramError as exc:  # cosmetic: the bot works without it
        log.warning("could not set the bot's description: %s", exc)


async def _post_shutdown(app: App) -> None:
    await notices.stop_sender(app)
    executor, app.bot_data.executor = app.bot_data.executor, None
    if executor is not None:
        executor.shutdown(wait=False, cancel_futures=True)


async def _on_error(update: object, context: Context) -> None:
    """Log the failure; tell the person in a private chat that something went wrong."""
    log.error("error while handling an update", exc_info=context.error)
    if not isinstance(update, Update):
        return
    if update.callback_query is not None:
        with contextlib.suppress(TelegramError):
            await update.callback_query.answer(texts.ERROR, show_alert=True)
        return
    chat = update.effective_chat
    if chat is not None and chat.type == ChatType.PRIVATE:
        try:
            await send_html(context.bot, chat.id, html.escape(texts.ERROR))
        except TelegramError:
            log.warning("could not tell chat %s about the error", chat.id)
