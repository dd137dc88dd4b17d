"""The notice sender: takes due deliveries from the outbox and sends them within Telegram's limits.

Crash safety. Every state change of a delivery is committed before the next step:

    pending ─claim─▶ claimed ─commit─▶ sending ─sendMessage─▶ sent (message id)
                       │                       ├─ 429 ▶ pending, due after retry_after
                       │                       ├─ 403 ▶ unreachable (reported by name)
                       │                       ├─ 400 ▶ failed (Telegram's reason)
                       │                       ├─ surely not sent (connect error, 5xx)
                       │                       │      ▶ pending with backoff, then failed
                       │                       └─ maybe sent (read timeout, cut off) ▶ uncertain
                       └─ the sender stops or dies ▶ pending again (never attempted)

A sender that dies (kill -9, power loss) stops beating; any other sender, or the same one
restarted, hands its ``claimed`` rows back and turns its ``sending`` rows into ``uncertain``.
Telegram cannot be asked whether a message arrived, so an uncertain copy is never resent on its
own: nobody receives a notice twice. It is not lost either: the secretary's report names it with
a one-tap «Gửi lại», and a member's «Đã đọc» press on it proves it arrived. Only requests on their
way at the moment of the crash (at most ``max_in_flight``) can end up uncertain.

Limits. Sends are paced evenly at ``rate_per_second`` shared by every live sender (the heartbeat
counts them), with at least ``chat_interval`` between two messages to one chat. A 429 pauses
every sender for retry_after (shared through the heartbeat table). The sender has its own Bot
and HTTP pool, so notices never queue behind the bot's answers; in ``chibo run`` it counts each
notice in the application limiter's overall window (bot/telegram/ratelimit.py) and holds back
while an answer waits for room, so answers go first and both stay under Telegram's overall
limit. Database work runs on its own small thread pool.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import logging
import math
import os
import socket
import time
import uuid
import warnings
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, TypeVar

import httpx
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    ReplyParameters,
)
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.warnings import PTBDeprecationWarning

from bot import notices
from bot.messages import split_html
from bot.models import DeliveryState, NoticeState
from bot.notices import Content, Figures, Job, StatusJob
from bot.notices import texts as nt
from bot.settings import NoticeSettings
from bot.telegram import keyboards
from bot.telegram.callbacks import Action, pack
from bot.telegram.ratelimit import SlidingWindow, answered
from knowledge.models import utcnow

log = logging.getLogger(__name__)
T = TypeVar("T")

# Callback actions (after the "c1:" version prefix of bot.messages).
READ, STOP, REMIND, RESEND, REPORT, DRAFT = (
    Action.NOTICE_READ,
    Action.NOTICE_STOP,
    Action.NOTICE_REMIND,
    Action.NOTICE_RESEND,
    Action.NOTICE_REPORT,
    Action.NOTICE_DRAFT,
)
CONNECTION_LOST = "connection lost"
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


# ----------------------------------------------------------------------------- messages


def read_markup(delivery_id: int) -> InlineKeyboardMarkup:
    """The «Đã đọc» button; ``delivery_id`` 0 marks the secretary's preview."""
    button = InlineKeyboardButton(nt.READ_BUTTON, callback_data=pack(READ, delivery_id))
    return InlineKeyboardMarkup([[button]])


def status_markup(notice_id: int, state: NoticeState, figures: Figures) -> InlineKeyboardMarkup:
    """Stop while sending; afterwards remind the unread, resend the uncertain, the report."""
    rows: list[list[InlineKeyboardButton]] = []
    if state == NoticeState.QUEUED:
        rows.append([InlineKeyboardButton(nt.STOP_BUTTON, callback_data=pack(STOP, notice_id))])
    else:
        if figures.unread and not figures.reminders_open:
            label = nt.REMIND_BUTTON.format(count=figures.unread)
            rows.append([InlineKeyboardButton(label, callback_data=pack(REMIND, notice_id))])
        if figures.uncertain:
            label = nt.RESEND_BUTTON.format(count=figures.uncertain)
            rows.append([InlineKeyboardButton(label, callback_data=pack(RESEND, notice_id))])
    rows.append([InlineKeyboardButton(nt.REPORT_BUTTON, callback_data=pack(REPORT, notice_id))])
    return InlineKeyboardMarkup(rows)


async def send_part(
    bot: Bot,
    chat_id: int,
    part: dict[str, Any],
    *,
    markup: InlineKeyboardMarkup | None = None,
    reply_to: int | None = None,
    timeout: float | None = None,
) -> Message:
    """Send one part of a notice (text, photo or file by its Telegram id) as HTML."""
    reply = (
        ReplyParameters(reply_to, allow_sending_without_reply=True)
        if reply_to is not None
        else None
    )
    common: dict[str, Any] = {
        "reply_markup": markup,
        "reply_parameters": reply,
        "parse_mode": ParseMode.HTML,
        "read_timeout": timeout,
        "write_timeout": timeout,
    }
    if part["kind"] == "photo":
        return await bot.send_photo(chat_id, part["file_id"], caption=part.get("html"), **common)
    if part["kind"] == "document":
        return await bot.send_document(chat_id, part["file_id"], caption=part.get("html"), **common)
    return await bot.send_message(chat_id, part["html"], link_preview_options=_NO_PREVIEW, **common)


def retry_seconds(exc: RetryAfter) -> float:
    """Telegram's retry_after in seconds (whichever type this library version gives)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def surely_not_sent(exc: NetworkError) -> bool:
    """True when the request cannot have reached Telegram (or Telegram answered with an error)."""
    cause = exc.__cause__
    if isinstance(cause, _NOT_SENT):
        return True
    return cause is None and not isinstance(exc, TimedOut)


# ----------------------------------------------------------------------------- pacing

Slot = list[list[float]]  # a request's places in the sliding windows it counts in


class Pacer:
    """Sends spaced at ``rate`` per second, and never more than ``rate`` in any one second.

    ``acquire`` hands out slots on a fixed grid, so a late wake-up is made up by the next slot
    instead of slowing the whole broadcast down (a pause is never made up). ``gate``, called
    right before a request leaves, keeps requests at least ``MIN_GAP`` of an interval apart
    and at most ``rate`` in any sliding second: the commit between the two takes more or less
    time, and must not bunch requests up into a burst Telegram would answer with 429.
    """

    CATCH_UP = 0.25  # seconds of missed slots that may be made up
    MIN_GAP = 0.8  # of an interval, between two requests leaving
    IN_FLIGHT_POLL = 0.01  # look again this soon when the window is full of unanswered requests

    def __init__(
        self,
        rate: float,
        clock: Callable[[], float] = time.monotonic,
        *,
        shared: SlidingWindow | None = None,
    ) -> None:
        self.clock = clock
        self.paused_until = 0.0
        self._next = 0.0
        self._last = 0.0
        # A request counts in its second until Telegram answered it (it counts on arrival).
        self._window = SlidingWindow(1, 1.0, poll=self.IN_FLIGHT_POLL)
        # The bot's own overall window (same clock), when answers go out from this process too:
        # notices then count in it, stay under ``rate`` in it, and hold back while answers wait.
        self._shared = shared
        self._lock = asyncio.Lock()
        self._gate_lock = asyncio.Lock()
        self.set_rate(rate)

    def set_rate(self, rate: float) -> None:
        """Change the pace (the share of the overall rate changes with the number of senders)."""
        self.interval = 1.0 / rate
        self.per_second = max(1, math.floor(rate))
        self._window.limit = self.per_second

    def pause(self, seconds: float) -> None:
        """Nothing is sent for ``seconds`` from now (extends, never shortens, a pause)."""
        self.paused_until = max(self.paused_until, self.clock() + seconds)

    async def acquire(self) -> None:
        """Wait for the next slot of the grid."""
        async with self._lock:
            while True:
                now = self.clock()
                self._next = max(self._next, now - self.CATCH_UP, self.paused_until)
                wait = self._next - now
                if wait <= 0:
                    break
                await asyncio.sleep(wait)
            self._next += self.interval

    async def gate(self) -> Slot:
        """Wait until one more request may leave now; returns its places in the windows, which
        the caller hands to ``done`` once Telegram has answered."""
        async with self._gate_lock:
            while True:
                now = self.clock()
                wait = max(self.paused_until, self._last + self.MIN_GAP * self.interval) - now
                wait = max(wait, self._window.wait(now))
                if self._shared is not None:
                    wait = max(
                        wait, self._shared.wait(now, min(self._shared.limit, self.per_second))
                    )
                    if self._shared.waiting:  # answers first
                        wait = max(wait, self.IN_FLIGHT_POLL)
                if wait <= 0:
                    break
                await asyncio.sleep(wait)
            self._last = now
            cells = [self._window.record(now)]
            if self._shared is not None:
                cells.append(self._shared.record(now))
            return cells

    def done(self, cells: Slot) -> None:
        """Telegram answered (or the request never left): count it from now, for one second."""
        now = self.clock()
        for cell in cells:
            answered(cell, now)


@dataclass
class SenderStats:
    """What this sender did (for logs, tests and the benchmark)."""

    sent: int = 0
    unreachable: int = 0
    failed: int = 0
    uncertain: int = 0
    retried: int = 0
    rate_limited: int = 0
    edits: int = 0
    reports: int = 0


# ----------------------------------------------------------------------------- the sender


class NoticeSender:
    """One worker of the outbox. Several may run, in one process or many, on one database."""

    def __init__(
        self,
        engine: Engine,
        bot: Bot,
        settings: NoticeSettings,
        *,
        worker_id: str | None = None,
        shared_window: SlidingWindow | None = None,
    ) -> None:
        self.engine = engine
        self.bot = bot
        self.settings = settings
        self.worker_id = worker_id or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.stats = SenderStats()
        self.pacer = Pacer(settings.rate_per_second, shared=shared_window)
        self._executor = ThreadPoolExecutor(max_workers=3, thread_name_prefix="chibo-notices")
        self._queue: list[tuple[float, int, Job]] = []
        self._seq = itertools.count()
        self._chat_next: dict[int, float] = {}
        self._contents: dict[int, Content] = {}
        self._slots = asyncio.Semaphore(settings.max_in_flight)
        self._in_flight: set[asyncio.Task[None]] = set()
        self._helpers: list[asyncio.Task[None]] = []
        self._stopping = asyncio.Event()
        self._wake = asyncio.Event()
        self._next_claim = 0.0
        self._published_pause: datetime | None = None
        self._task: asyncio.Task[None] | None = None

    # ------------------------------------------------------------------------- lifecycle

    def start(self) -> asyncio.Task[None]:
        """Run in the background of the current event loop."""
        self._task = asyncio.create_task(self.run(), name=f"notice-sender {self.worker_id}")
        return self._task

    async def run(self) -> None:
        """Send until stopped. A clean stop hands unattempted claims back; a cancel does not."""
        while not await self._first_beat():
            await asyncio.sleep(self.settings.poll_seconds * 10)
        self._helpers = [
            asyncio.create_task(self._every(self.settings.heartbeat_seconds, self._heartbeat)),
            asyncio.create_task(self._every(self._report_period(), self._report)),
        ]
        try:
            while not self._stopping.is_set():
                try:
                    await self._dispatch()
                except (SQLAlchemyError, TelegramError, OSError) as exc:
                    log.warning("notice sender %s: %s; going on", self.worker_id, exc)
                    await asyncio.sleep(1.0)
                except Exception:  # a bug: keep sending the rest rather than stop silently
                    log.exception("notice sender %s failed; going on", self.worker_id)
                    await asyncio.sleep(1.0)
        except asyncio.CancelledError:
            # Like a crash: whatever is on its way stays "sending" and is recovered as such.
            for task in (*self._helpers, *self._in_flight):
                task.cancel()
            raise
        for task in self._helpers:
            task.cancel()
        if self._in_flight:
            await asyncio.wait(self._in_flight, timeout=self.settings.send_timeout + 5)
        await self._release()

    async def _first_beat(self) -> bool:
        try:
            await self._heartbeat()
        except SQLAlchemyError as exc:
            log.warning("notice sender %s cannot reach the database: %s", self.worker_id, exc)
            return self._stopping.is_set()
        return True

    async def _release(self) -> None:
        try:
            released = await self._db(notices.release, worker_id=self.worker_id)
        except SQLAlchemyError as exc:
            log.warning("claims not handed back (recovered later by any sender): %s", exc)
            return
        log.info("notice sender %s stopped; %d claims handed back", self.worker_id, released)

    async def stop(self) -> None:
        """Finish the requests on their way, hand back the rest, and stop."""
        self._stopping.set()
        self._wake.set()
        task = self._task
        if task is not None and not task.done():
            done, _ = await asyncio.wait({task}, timeout=self.settings.send_timeout + 10)
            if not done:  # stuck in a long 429 pause: what is on its way becomes uncertain
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
                await self._release()
        self._executor.shutdown(wait=False)

    def kill(self) -> None:
        """Stop at once without any clean-up, as a crash would (for tests)."""
        if self._task is not None:
            self._task.cancel()

    def wake(self) -> None:
        """Look for due deliveries now (a notice was just queued)."""
        self._next_claim = 0.0
        self._wake.set()

    # ------------------------------------------------------------------------- database

    async def _db(self, work: Callable[..., T], **kwargs: Any) -> T:
        def unit() -> T:
            with Session(self.engine, expire_on_commit=False) as session:
                result = work(session, **kwargs)
                session.commit()
                return result

        return await asyncio.get_running_loop().run_in_executor(self._executor, unit)

    async def _record(self, work: Callable[..., bool], job: Job, **kwargs: Any) -> bool:
        """Commit a delivery's outcome, insisting: it records what Telegram already did."""
        for attempt in range(6):
            try:
                return await self._db(work, delivery_id=job.id, worker_id=self.worker_id, **kwargs)
            except SQLAlchemyError as exc:
                log.warning("recording delivery %s failed (%s); retrying", job.id, exc)
                await asyncio.sleep(0.5 * 2**attempt)
        log.error("delivery %s: outcome not recorded; it will be reported uncertain", job.id)
        return False

    # ------------------------------------------------------------------------- dispatching

    async def _dispatch(self) -> None:
        while not self._stopping.is_set():
            if len(self._queue) < self.settings.batch_size // 2:
                await self._refill()
            if not self._queue:
                await self._idle(self.settings.poll_seconds)
                continue
            ready, _, job = self._queue[0]
            now = time.monotonic()
            if ready > now:
                await self._idle(min(ready - now, self.settings.poll_seconds))
                continue
            heapq.heappop(self._queue)
            chat_ready = self._chat_next.get(job.chat_id, 0.0)
            if chat_ready > now:
                self._push(job, chat_ready)
                continue
            await self._slots.acquire()
            if not await self._arm(job):
                self._slots.release()
                continue
            await self.pacer.acquire()
            cell = await self.pacer.gate()
            if self._stopping.is_set():  # armed but not sent: back to pending, not uncertain
                self.pacer.done(cell)
                await self._record(
                    notices.record_retry, job, due_at=utcnow(), error="stopped", attempt=False
                )
                self._slots.release()
                break
            self._chat_next[job.chat_id] = time.monotonic() + self.settings.chat_interval
            task = asyncio.create_task(self._deliver(job, cell))
            self._in_flight.add(task)
            task.add_done_callback(self._in_flight.discard)
        # Unattempted claims still queued here are handed back by release() in run().

    async def _arm(self, job: Job) -> bool:
        """Commit the next delivery as ``sending`` while its slot comes up.

        Done here, one delivery at a time, so that the commit's varying length never sits
        between the pace and the request (which would bunch requests up), while at most this
        one row is marked sending without being on its way. Not during a 429 pause.
        """
        pause = self.pacer.paused_until - time.monotonic()
        if pause > 0:
            await asyncio.sleep(pause)
        try:
            if job.notice_id not in self._contents:
                self._contents |= await self._db(notices.contents, notice_ids={job.notice_id})
            started = await self._db(
                notices.start_sending, delivery_id=job.id, worker_id=self.worker_id, now=utcnow()
            )
        except SQLAlchemyError as exc:
            log.warning("delivery %s not started: %s", job.id, exc)
            self._push(job, time.monotonic() + self.settings.poll_seconds * 4)
            return False
        return bool(started)  # False: cancelled meanwhile, or taken back from a sender thought dead

    def _push(self, job: Job, ready: float) -> None:
        heapq.heappush(self._queue, (ready, next(self._seq), job))

    async def _idle(self, seconds: float) -> None:
        self._wake.clear()
        # asyncio.timeout, not wait_for: on Python 3.11 wait_for drops a cancel (kill, stop)
        # that comes in the same step as the wake-up, and the sender would run on.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await self._wake.wait()

    async def _refill(self) -> None:
        now = time.monotonic()
        if now < self._next_claim:
            return
        room = self.settings.batch_size - len(self._queue)
        try:
            jobs = await self._db(notices.claim, worker_id=self.worker_id, limit=room, now=utcnow())
            missing = {j.notice_id for j in jobs} - set(self._contents)
            if len(self._contents) > 200:
                self._contents.clear()
                missing = {j.notice_id for j in jobs}
            if missing:
                self._contents |= await self._db(notices.contents, notice_ids=missing)
        except SQLAlchemyError as exc:
            log.warning("claiming deliveries failed: %s", exc)
            self._next_claim = now + self.settings.poll_seconds * 4
            return
        if not jobs:
            self._next_claim = now + self.settings.poll_seconds
            return
        for job in jobs:
            self._push(job, now)
        if len(self._chat_next) > 10_000:  # forget chats whose spacing has passed
            self._chat_next = {c: t for c, t in self._chat_next.items() if t > now}

    async def _deliver(self, job: Job, cell: Slot) -> None:
        try:
            await self._attempt(job, cell)
        except Exception:  # a bug must not kill the sender; the row is recovered as usual
            log.exception("delivery %s crashed", job.id)
        finally:
            self.pacer.done(cell)
            self._slots.release()

    async def _attempt(self, job: Job, cell: Slot) -> None:
        content = self._contents.get(job.notice_id)
        if content is None:  # the cache was emptied since the job was armed
            content = (await self._db(notices.contents, notice_ids={job.notice_id}))[job.notice_id]
        parts = content.parts if job.round == 0 else [{"kind": "text", "html": content.reminder}]
        last = job.part >= len(parts) - 1
        markup = None
        if last:
            meeting_keys = keyboards.buttons_markup(content.buttons) if content.buttons else None
            markup = meeting_keys or read_markup(job.origin_id or job.id)
        try:
            try:
                message = await send_part(
                    self.bot,
                    job.chat_id,
                    parts[min(job.part, len(parts) - 1)],
                    markup=markup,
                    reply_to=job.reply_to if job.round > 0 else None,
                    timeout=self.settings.send_timeout,
                )
            finally:
                self.pacer.done(cell)  # answered: counted from now, not from when it left
        except RetryAfter as exc:
            seconds = retry_seconds(exc)
            self.stats.rate_limited += 1
            self._pause(seconds)
            due = utcnow() + timedelta(seconds=seconds)
            await self._record(notices.record_retry, job, due_at=due, error=str(exc), attempt=False)
        except Forbidden as exc:
            self.stats.unreachable += 1
            await self._final(job, DeliveryState.UNREACHABLE, exc.message)
        except BadRequest as exc:
            self.stats.failed += 1
            log.warning("delivery %s refused: %s", job.id, exc.message)
            await self._final(job, DeliveryState.FAILED, exc.message)
        except InvalidToken as exc:
            log.error("Telegram refused the bot token (%s); pausing notices for a minute", exc)
            self._pause(60)
            due = utcnow() + timedelta(seconds=60)
            await self._record(notices.record_retry, job, due_at=due, error=str(exc), attempt=False)
        except NetworkError as exc:
            await self._network_error(job, exc)
        except TelegramError as exc:
            self.stats.failed += 1
            await self._final(job, DeliveryState.FAILED, str(exc))
        else:
            self.stats.sent += 1
            kept = await self._record(
                notices.record_part, job, message_id=message.message_id, last=last, now=utcnow()
            )
            if kept and not last:
                next_part = replace(job, part=job.part + 1)
                self._push(next_part, self._chat_next.get(job.chat_id, time.monotonic()))

    async def _network_error(self, job: Job, exc: NetworkError) -> None:
        if not surely_not_sent(exc):
            self.stats.uncertain += 1
            log.warning("delivery %s: connection lost mid-request (%s); uncertain", job.id, exc)
            await self._final(job, DeliveryState.UNCERTAIN, f"{CONNECTION_LOST}: {exc}")
            return
        if job.attempts + 1 >= self.settings.max_attempts:
            self.stats.failed += 1
            await self._final(job, DeliveryState.FAILED, str(exc))
            return
        self.stats.retried += 1
        delay = self.settings.backoff_seconds * 2**job.attempts
        due = utcnow() + timedelta(seconds=delay)
        await self._record(notices.record_retry, job, due_at=due, error=str(exc), attempt=True)

    async def _final(self, job: Job, state: DeliveryState, error: str) -> None:
        await self._record(notices.record_outcome, job, state=state, error=error)

    def _pause(self, seconds: float) -> None:
        self.pacer.pause(seconds)
        until = utcnow() + timedelta(seconds=seconds)
        if self._published_pause is None or until > self._published_pause:
            self._published_pause = until

    # ------------------------------------------------------------------------- heartbeat

    async def _every(self, seconds: float, work: Callable[[], Any]) -> None:
        while True:
            await asyncio.sleep(seconds)
            try:
                await work()
            except SQLAlchemyError as exc:
                log.warning("notice sender %s: %s", work.__name__, exc)
            except Exception:
                log.exception("notice sender %s failed", work.__name__)

    async def _heartbeat(self) -> None:
        """Say this sender is alive, learn the others' number and pauses, recover the dead."""
        now = utcnow()
        pace = await self._db(
            notices.beat,
            worker_id=self.worker_id,
            host=socket.gethostname(),
            pid=os.getpid(),
            now=now,
            paused_until=self._published_pause,
            recent=min(3 * self.settings.heartbeat_seconds, self.settings.dead_after_seconds),
        )
        self.pacer.set_rate(self.settings.rate_per_second / pace.workers)
        if pace.paused_until is not None:
            self.pacer.pause((pace.paused_until - now).total_seconds())
        handed, uncertain = await self._db(
            notices.recover, now=now, dead_after=self.settings.dead_after_seconds
        )
        if handed or uncertain:
            log.warning(
                "recovered a dead sender's deliveries: %d handed back, %d uncertain",
                handed,
                uncertain,
            )
            self.wake()

    # ------------------------------------------------------------------------- status and reports

    def _report_period(self) -> float:
        return min(1.0, self.settings.status_edit_seconds / 3)

    async def _report(self) -> None:
        """Finish notices with nothing left to send, and bring status messages up to date."""
        for notice_id in await self._db(notices.finish_due, now=utcnow()):
            await self._send_report(notice_id)
        jobs = await self._db(
            notices.status_due, now=utcnow(), interval=self.settings.status_edit_seconds
        )
        for job in jobs:
            await self._edit_status(job)

    async def _to_chat(self, chat_id: int) -> Slot:
        """Wait for a slot that respects the overall pace and the chat's own limit."""
        wait = self._chat_next.get(chat_id, 0.0) - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        await self.pacer.acquire()
        cell = await self.pacer.gate()
        self._chat_next[chat_id] = time.monotonic() + self.settings.chat_interval
        return cell

    async def _edit_status(self, job: StatusJob) -> None:
        cell = await self._to_chat(job.chat_id)
        digest: str | None = job.digest
        try:
            await self.bot.edit_message_text(
                job.text,
                chat_id=job.chat_id,
                message_id=job.message_id,
                parse_mode=ParseMode.HTML,
                reply_markup=status_markup(job.notice_id, job.state, job.figures),
            )
            self.stats.edits += 1
        except RetryAfter as exc:
            self._pause(retry_seconds(exc))
            return
        except BadRequest as exc:
            text = exc.message.lower()
            if "not found" in text or "can't be edited" in text:
                digest = None  # the secretary deleted it: stop editing
            elif "not modified" not in text:
                log.warning("status of notice %s not edited: %s", job.notice_id, exc.message)
                return
        except TelegramError as exc:
            log.warning("status of notice %s not edited: %s", job.notice_id, exc)
            return
        finally:
            self.pacer.done(cell)
        await self._db(notices.record_status, notice_id=job.notice_id, digest=digest)

    async def _send_report(self, notice_id: int) -> None:
        found = await self._db(notices.report, notice_id=notice_id)
        if found is None or found.notice.status_chat_id is None:
            return
        chat_id = found.notice.status_chat_id
        parts = split_html(nt.report(found))
        markup = status_markup(notice_id, NoticeState.DONE, found.figures)
        for index, part in enumerate(parts):
            markup_here = markup if index == len(parts) - 1 else None
            for _try in range(3):
                cell = await self._to_chat(chat_id)
                try:
                    await send_part(
                        self.bot, chat_id, {"kind": "text", "html": part}, markup=markup_here
                    )
                    break
                except RetryAfter as exc:
                    self._pause(retry_seconds(exc))
                except TelegramError as exc:
                    log.warning("report of notice %s not sent: %s", notice_id, exc)
                    return
                finally:
                    self.pacer.done(cell)
        self.stats.reports += 1
