"""Send no faster than Telegram allows, so that 429 stays the exception; wait out those that come.

Telegram's guidance: about 30 messages per second overall, about one per second to one chat
(short bursts tolerated), 20 per minute to one group. PTB's AIORateLimiter uses leaky buckets,
which let 30 + 30 messages through in one second and then, on the 429 that follows, pause every
chat. Here the overall and group limits are sliding windows, a private chat gets a small
burst then one message a second, and a 429 only holds back the chat it was about.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

JSONDict = dict[str, Any]
# Message-creating methods; edits, callback answers and reads are not throttled by Telegram
# the same way, and holding them back would only make buttons feel slow.
_EXEMPT = frozenset({"sendchataction"})


class SlidingWindow:
    """At most ``limit`` events in any ``period`` seconds (used here and by the notice sender).

    An event is stamped when its request starts and stamped again when Telegram has answered
    (``answered``): requests overtake each other on the way, and only the answer time is surely
    no earlier than the moment Telegram counted the message.
    """

    def __init__(self, limit: int, period: float, *, poll: float = 0.02) -> None:
        self.limit = limit
        self.period = period
        self.poll = poll  # how soon to look again when the window is full of unanswered events
        self.events: list[list[float]] = []
        # Senders with priority waiting for room here (the bot's answers); the notice sender,
        # sharing the window, holds back while there are any.
        self.waiting = 0

    def wait(self, now: float, limit: int | None = None) -> float:
        """Seconds until one more event fits (with at most ``limit`` in the window, if given).

        A request still on its way stays counted however long it takes: Telegram counts it
        when it arrives, which may be later than a second after it was started.
        """
        self.events = [e for e in self.events if e[1] or e[0] > now - self.period]
        fill = len(self.events) - (self.limit if limit is None else limit) + 1
        if fill <= 0:
            return 0.0
        answered = sorted(e[0] for e in self.events if not e[1])
        if len(answered) < fill:
            return self.poll
        return max(self.poll, answered[fill - 1] + self.period - now)

    def record(self, now: float) -> list[float]:
        """Count one event; the returned cell [stamp, in flight] is restamped when answered."""
        cell = [now, 1.0]
        self.events.append(cell)
        return cell


def answered(cell: list[float], now: float) -> None:
    """The request behind ``cell`` got its answer at ``now``: it counts from then, for one
    period. Only the first call counts; later ones (a ``finally`` further out) change nothing."""
    if cell[1]:
        cell[0], cell[1] = max(cell[0], now), 0.0


class _Bucket:
    """``burst`` events at once, then one per ``1 / rate`` seconds."""

    def __init__(self, burst: int, rate: float) -> None:
        self.burst = burst
        self.rate = rate
        self.tokens = float(burst)
        self.stamp: float | None = None

    def _refill(self, now: float) -> None:
        if self.stamp is not None:
            self.tokens = min(float(self.burst), self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now

    def wait(self, now: float) -> float:
        """Seconds until one more event fits."""
        self._refill(now)
        return 0.0 if self.tokens >= 1.0 else (1.0 - self.tokens) / self.rate

    def record(self, now: float) -> list[float]:
        self._refill(now)
        self.tokens -= 1.0
        return [now, 1.0]


class TelegramRateLimiter(BaseRateLimiter[int]):
    """Sliding-window limits overall, per private chat and per group; RetryAfter retried."""

    def __init__(
        self,
        *,
        per_second: int = 30,
        chat_burst: int = 3,
        chat_per_second: float = 1.0,
        group_per_minute: int = 20,
        max_retries: int = 3,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_second = per_second
        self.chat_burst = chat_burst
        self.chat_per_second = chat_per_second
        self.group_per_minute = group_per_minute
        self.max_retries = max_retries
        self.clock = clock
        self._overall = SlidingWindow(per_second, 1.0) if per_second else None
        self._chats: dict[int | str, SlidingWindow | _Bucket] = {}
        self._held: dict[int | str, float] = {}  # chat → when Telegram's 429 for it ends
        self._lock = asyncio.Lock()

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | JSONDict | list[JSONDict]:
        """Wait for a free slot (message-sending methods only), send, retry after a 429."""
        chat = _chat_key(data.get("chat_id"))
        throttled = chat is not None and endpoint.lower().startswith(("send", "copy", "forward"))
        throttled = throttled and endpoint.lower() not in _EXEMPT
        retries = self.max_retries if rate_limit_args is None else rate_limit_args
        for attempt in range(retries + 1):
            stamps = await self._take_slot(chat) if throttled and chat is not None else []
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                if attempt == retries:
                    raise
                delay = _seconds(exc.retry_after) + 0.1
                log.info("Telegram asked to wait %.1fs (%s to %s)", delay, endpoint, chat)
                if chat is not None:
                    self._held[chat] = max(self._held.get(chat, 0.0), self.clock() + delay)
                await asyncio.sleep(delay)
            finally:
                now = self.clock()
                for stamp in stamps:
                    answered(stamp, now)
        raise AssertionError("unreachable")  # pragma: no cover

    @property
    def overall_window(self) -> SlidingWindow | None:
        """The overall window, for the notice sender to share (None when unlimited)."""
        return self._overall

    async def _take_slot(self, chat: int | str) -> list[list[float]]:
        queued = False  # counted in the overall window's ``waiting``
        try:
            while True:
                async with self._lock:
                    now = self.clock()
                    chat_window = self._chat_window(chat)
                    overall = self._overall.wait(now) if self._overall is not None else 0.0
                    own = chat_window.wait(now) if chat_window is not None else 0.0
                    wait = max(overall, own, self._held.get(chat, 0.0) - now)
                    if wait <= 0:
                        windows = [w for w in (self._overall, chat_window) if w is not None]
                        return [window.record(now) for window in windows]
                    if self._overall is not None and queued != (overall > 0):
                        queued = overall > 0
                        self._overall.waiting += 1 if queued else -1
                await asyncio.sleep(wait)
        finally:
            if queued and self._overall is not None:
                self._overall.waiting -= 1

    def _chat_window(self, chat: int | str) -> SlidingWindow | _Bucket | None:
        window = self._chats.get(chat)
        if window is None:
            group = isinstance(chat, str) or chat < 0
            if group and not self.group_per_minute:
                return None
            window = (
                SlidingWindow(self.group_per_minute, 60.0)
                if group
                else _Bucket(self.chat_burst, self.chat_per_second)
            )
            if len(self._chats) > 10_000:  # forget idle chats now and then
                now = self.clock()
                self._chats = {k: w for k, w in self._chats.items() if w.wait(now) > 0}
            self._chats[chat] = window
        return window


def _chat_key(chat_id: object) -> int | str | None:
    if chat_id is None:
        return None
    try:
        return int(str(chat_id))
    except ValueError:
        return str(chat_id)


def _seconds(value: int | float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
