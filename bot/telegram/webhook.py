"""Webhook mode: an aiohttp server hands Telegram's POSTs to the Application."""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import signal

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from bot.settings import Settings

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def webhook_app(application: Application, secret: str, path: str) -> web.Application:
    """The HTTP side: only requests carrying the secret token become updates."""

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            log.warning("webhook request without the right secret from %s", request.remote)
            return web.Response(status=403)
        try:
            data = await request.json()
        except ValueError:
            return web.Response(status=400)
        await application.update_queue.put(Update.de_json(data, application.bot))
        return web.Response()

    server = web.Application(client_max_size=1 << 20)
    server.router.add_post(path, receive)
    return server


async def serve_webhook(
    application: Application,
    settings: Settings,
    *,
    stop: asyncio.Event | None = None,
) -> None:
    """Register the webhook with Telegram and serve until SIGINT/SIGTERM (or ``stop``)."""
    secret = settings.webhook_secret_token()
    bot = settings.bot
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # not the main thread
            loop.add_signal_handler(sig, stop.set)
    runner = web.AppRunner(webhook_app(application, secret, bot.webhook_path), access_log=None)
    async with application:
        if application.post_init is not None:
            await application.post_init(application)
        await application.start()
        await runner.setup()
        await web.TCPSite(runner, bot.webhook_listen, bot.webhook_port).start()
        await application.bot.set_webhook(
            bot.webhook_url or "", secret_token=secret, allowed_updates=Update.ALL_TYPES
        )
        log.info(
            "webhook server on %s:%s%s", bot.webhook_listen, bot.webhook_port, bot.webhook_path
        )
        try:
            await stop.wait()
        finally:
            await runner.cleanup()
            await application.stop()
            if application.post_shutdown is not None:
                await application.post_shutdown(application)
