"""Inbound fairness: no one sender takes the workers, or the bot's sends, from everyone else.

python-telegram-bot's ``SimpleUpdateProcessor`` runs updates first come, first served under one
semaphore, so 300 forwarded messages from one person fill every slot and the next member's
question waits behind all of them. :class:`FairUpdateProcessor` puts two gates in front:

1. a **budget** per sender (a token bucket, :class:`Inflow`): a member may send a small burst
   and then earns one update every few seconds; beyond that they are told once to wait and
   the rest is dropped unread. Someone who is neither a member nor an admin gets a smaller
   burst (enough for ``/start`` with an invite and their name) and then nothing but one update
   per long interval, so their refusals cannot flood either;
2. a **queue** per sender: at most ``per_sender_updates`` of one sender's updates hold a worker
   at a time; the rest of their budgeted updates wait in their own line, not in everyone's;
3. **after the others when in a hurry**: from a sender's fourth update in quick succession,
   each waits (briefly) until no other sender's update is in hand.

With long polling, the budget is spent before the updates are even parsed
(:class:`ScreenedUpdates`): a flooding sender's raw updates beyond their budget are dropped as
plain JSON, so 300 forwarded messages cost a dictionary lookup each instead of
``Update.de_json`` and a task each (most of a flood's cost on a small machine).

Service messages (someone joined or left a group) and updates without a sender pass untouched.
Membership is read from the database once per sender and kept briefly (a stranger's flood
costs one query every few seconds, not one per message).
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from sqlmodel import Session
from telegram import Update
from telegram.error import TelegramError
from telegram.ext import BaseUpdateProcessor
from telegram.request import HTTPXRequest

from bot import texts
from bot.members.membership import access
from bot.models import MemberStatus
from bot.settings import BotSettings
from bot.telegram.context import App

log = logging.getLogger(__name__)

# How long a sender's membership is trusted before it is read again: a stranger who redeems
# an invite is seen as a (pending) member within STRANGER_TTL; a member who left keeps the
# member budget (not the right to ask: the handlers check that) for at most MEMBER_TTL.
MEMBER_TTL = 300.0
STRANGER_TTL = 5.0
# PTB's own limit, first come first served, set so high that only the fair gates bind.
UNBOUNDED = 1_000_000
# A sender with more than this many updates in quick succession goes after everyone else: their
# next update waits (at most HURRIED_WAIT seconds) until no other sender's update is in hand.
HURRIED = 3
HURRIED_WAIT = 2.0
# Raw updates whose verdict was reached before parsing, waiting to be processed; a bound in
# case some never are (an update that fails to parse).
MAX_DECIDED = 10_000
# The kinds of raw update that carry a sender in «from» (Telegram's field names).
_SENT = (
    "message",
    "edited_message",
    "callback_query",
    "inline_query",
    "chosen_inline_result",
    "business_message",
    "edited_business_message",
)


class Verdict(Enum):
    """What becomes of one update."""

    RUN = "run"
    WARN = "warn"  # over budget for the first time in a while: tell them once, drop it
    DROP = "drop"  # over budget: dropped without a word


@dataclass
class _Bucket:
    tokens: float
    stamp: float
    warned: bool = False


class Inflow:
    """Per-sender token buckets; pure (the clock is passed in), so tested without Telegram."""

    def __init__(
        self,
        *,
        member_burst: int,
        member_refill: float,
        stranger_burst: int,
        stranger_refill: float,
    ) -> None:
        self.member = (member_burst, member_refill)
        self.stranger = (stranger_burst, stranger_refill)
        self.buckets: dict[tuple[int, bool], _Bucket] = {}

    def admit(self, sender: int, *, trusted: bool, now: float) -> Verdict:
        """Spend one token of ``sender``'s budget, if there is one."""
        burst, refill = self.member if trusted else self.stranger
        bucket = self.buckets.get((sender, trusted))
        if bucket is None:
            bucket = self.buckets[(sender, trusted)] = _Bucket(float(burst), now)
        bucket.tokens = min(float(burst), bucket.tokens + (now - bucket.stamp) / refill)
        bucket.stamp = now
        if bucket.tokens >= 1.0:
            if bucket.tokens >= burst / 2:  # they slowed down: a later flood is told again
                bucket.warned = False
            bucket.tokens -= 1.0
            return Verdict.RUN
        if trusted and not bucket.warned:
            bucket.warned = True
            return Verdict.WARN
        return Verdict.DROP

    def hurried(self, sender: int, *, trusted: bool) -> bool:
        """True when ``sender`` has just sent more than ``HURRIED`` updates in quick
        succession (a burst of forwarded messages rather than a person typing)."""
        burst, _ = self.member if trusted else self.stranger
        bucket = self.buckets.get((sender, trusted))
        return bucket is not None and bucket.tokens < burst - HURRIED

    def wait_seconds(self, sender: int, *, trusted: bool, now: float) -> int:
        """Whole seconds until ``sender`` may send again (at least 1)."""
        _, refill = self.member if trusted else self.stranger
        bucket = self.buckets.get((sender, trusted))
        if bucket is None:
            return 1
        missing = 1.0 - bucket.tokens - (now - bucket.stamp) / refill
        return max(1, math.ceil(missing * refill))

    def forget_idle(self, now: float) -> None:
        """Drop buckets that have refilled completely (they would start full anyway)."""
        for key, bucket in list(self.buckets.items()):
            burst, refill = self.member if key[1] else self.stranger
            if bucket.tokens + (now - bucket.stamp) / refill >= burst:
                del self.buckets[key]


def sender_of(update: object) -> int | None:
    """The Telegram user an update is budgeted to; None for updates that pass untouched."""
    if not isinstance(update, Update) or update.effective_user is None:
        return None
    if update.my_chat_member or update.chat_member or update.chat_join_request:
        return None
    message = update.effective_message
    if message is not None and (message.new_chat_members or message.left_chat_member):
        return None
    return update.effective_user.id


def raw_sender(update: dict[str, Any]) -> int | None:
    """:func:`sender_of` for an update still in JSON (the same updates pass untouched)."""
    for kind in _SENT:
        body = update.get(kind)
        if not isinstance(body, dict):
            continue
        if body.get("new_chat_members") or body.get("left_chat_member"):
            return None
        sender = body.get("from")
        if isinstance(sender, dict) and isinstance(sender.get("id"), int):
            return int(sender["id"])
        return None
    return None


class FairUpdateProcessor(BaseUpdateProcessor):
    """Budget, then a sender's own queue, then one of the shared workers."""

    def __init__(
        self,
        settings: BotSettings,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        # Waiting updates are cheap tasks; PTB's semaphore must not queue them in arrival order.
        super().__init__(UNBOUNDED)
        self.workers = asyncio.Semaphore(settings.concurrent_updates)
        self.per_sender = settings.per_sender_updates
        self.inflow = Inflow(
            member_burst=settings.member_burst,
            member_refill=settings.member_refill_seconds,
            stranger_burst=settings.stranger_burst,
            stranger_refill=settings.stranger_refill_seconds,
        )
        # A member's budget for senders whose membership is not known yet (screen only).
        self._provisional = Inflow(
            member_burst=settings.member_burst,
            member_refill=settings.member_refill_seconds,
            stranger_burst=settings.stranger_burst,
            stranger_refill=settings.stranger_refill_seconds,
        )
        self.clock = clock
        self.app: App | None = None  # set by build_application
        self._queues: dict[int, tuple[asyncio.Semaphore, int]] = {}
        self._trust: dict[int, tuple[float, bool]] = {}
        self._lookups: dict[int, asyncio.Future[bool]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._decided: dict[int, tuple[Verdict, bool]] = {}  # update_id → (verdict, trusted)
        self._swept = 0.0
        self._in_hand = 0  # updates of senders not in a hurry, being handled
        self._quiet = asyncio.Event()
        self._quiet.set()

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Let the last warnings go out."""
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Admit ``update`` against its sender's budget, then run it in its sender's line.

        PTB's own semaphore (around this call, first come first served) is sized so it never
        binds: the workers are ``self.workers``, taken only after the budget and the line.
        """
        sender = sender_of(update)
        if sender is None:
            async with self.workers:
                await coroutine
            return
        assert isinstance(update, Update)  # sender_of says so
        decided = self._decided.pop(update.update_id, None)
        if decided is not None:  # admitted while still JSON (screen)
            verdict, trusted = decided
            now = self.clock()
        else:
            trusted = await self._trusted(sender)
            now = self.clock()
            verdict = self.inflow.admit(sender, trusted=trusted, now=now)
        self._sweep(now)
        if verdict is not Verdict.RUN:
            _discard(coroutine)
            log.debug("update from %s dropped (%s, over its budget)", sender, verdict.value)
            if verdict is Verdict.WARN:
                seconds = self.inflow.wait_seconds(sender, trusted=trusted, now=now)
                self._spawn(self._warn(update, sender, seconds))
            return
        hurried = self.inflow.hurried(sender, trusted=trusted)  # as of this update's arrival
        line, users = self._queues.get(sender) or (asyncio.Semaphore(self.per_sender), 0)
        self._queues[sender] = (line, users + 1)
        try:
            async with line:
                await self._run(coroutine, hurried=hurried)
        finally:
            if not trusted:  # it may have redeemed an invite: read who they are next time
                self._trust.pop(sender, None)
            line, users = self._queues[sender]
            if users <= 1:
                del self._queues[sender]
            else:
                self._queues[sender] = (line, users - 1)

    async def _run(self, coroutine: Awaitable[Any], *, hurried: bool) -> None:
        """Handle one update; a hurried sender's waits until the others' are done (briefly)."""
        if hurried:
            # asyncio.timeout, not wait_for, which on Python 3.11 can drop a cancel that comes
            # in the same step as the wake-up.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(HURRIED_WAIT):
                    await self._quiet.wait()
        else:
            self._in_hand += 1
            self._quiet.clear()
        try:
            async with self.workers:
                await coroutine
        finally:
            if not hurried:
                self._in_hand -= 1
                if self._in_hand == 0:
                    self._quiet.set()

    def screen(self, updates: list[Any]) -> list[Any]:
        """Raw updates from one getUpdates, without those their sender's budget would drop.

        A sender whose membership is known is admitted here, once, and the verdict kept for
        :meth:`do_process_update`. One not known yet (a first message, or a stranger, whose
        membership is read again each time) is held to a member's budget on the side: what
        that would drop, the real gate would drop too. The last update is kept (as its id
        alone if dropped) so the next poll confirms everything this one returned.
        """
        now = self.clock()
        kept: list[Any] = []
        for raw in updates:
            sender = raw_sender(raw) if isinstance(raw, dict) else None
            if sender is None or not isinstance(raw.get("update_id"), int):
                kept.append(raw)
                continue
            known = self._trust.get(sender)
            if known is None or now >= known[0]:
                # Not read yet: what even a member's budget would drop is dropped here; the
                # rest is admitted for real once parsed.
                if self._provisional.admit(sender, trusted=True, now=now) is not Verdict.DROP:
                    kept.append(raw)
                continue
            verdict = self.inflow.admit(sender, trusted=known[1], now=now)
            if verdict is Verdict.DROP:
                continue
            if len(self._decided) >= MAX_DECIDED:
                self._decided.clear()  # never processed (failed to parse): start again
            self._decided[raw["update_id"]] = (verdict, known[1])
            kept.append(raw)
        dropped = len(updates) - len(kept)
        if dropped:
            log.debug("%d updates over their senders' budgets dropped unread", dropped)
        if updates and (not kept or kept[-1] is not updates[-1]):
            kept.append({"update_id": updates[-1]["update_id"]})
        return kept

    # ------------------------------------------------------------------------------ trust

    async def _trusted(self, sender: int) -> bool:
        """Member, pending member or admin: read once and kept for a while."""
        now = self.clock()
        known = self._trust.get(sender)
        if known is not None and now < known[0]:
            return known[1]
        pending = self._lookups.get(sender)
        if pending is not None:
            try:
                return await asyncio.shield(pending)
            except asyncio.CancelledError:
                if not pending.cancelled():
                    raise  # this update was cancelled, not the lookup
                return await self._trusted(sender)
        pending = asyncio.get_running_loop().create_future()
        self._lookups[sender] = pending
        try:
            trusted = await asyncio.get_running_loop().run_in_executor(
                None, self._read_trust, sender
            )
        except asyncio.CancelledError:
            pending.cancel()  # whoever waits on it reads again
            raise
        except Exception:  # the database is down: the handlers will say so; budget as a member
            log.exception("could not read the membership of %s", sender)
            trusted = True
        finally:
            del self._lookups[sender]
        ttl = MEMBER_TTL if trusted else STRANGER_TTL
        self._trust[sender] = (self.clock() + ttl, trusted)
        pending.set_result(trusted)
        return trusted

    def _read_trust(self, sender: int) -> bool:
        if self.app is None:
            return True
        services = self.app.bot_data.services
        with Session(services.engine) as session:
            found = access(session, telegram_user_id=sender, admins=services.admins)
        return found.is_admin or found.status in (MemberStatus.ACTIVE, MemberStatus.PENDING)

    def _sweep(self, now: float) -> None:
        """Every minute, forget full buckets and expired trust (memory stays bounded)."""
        if now - self._swept < 60.0:
            return
        self._swept = now
        self.inflow.forget_idle(now)
        self._provisional.forget_idle(now)
        for sender, (until, _) in list(self._trust.items()):
            if until <= now:
                del self._trust[sender]

    # ------------------------------------------------------------------------------ warning

    def _spawn(self, work: Awaitable[None]) -> None:
        task: asyncio.Task[None] = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _warn(self, update: object, sender: int, seconds: int) -> None:
        """Tell a member once that their last messages were not read."""
        if self.app is None or not isinstance(update, Update):
            return
        bot = self.app.bot
        with contextlib.suppress(TelegramError):
            if update.callback_query is not None:
                await update.callback_query.answer(texts.SLOW_DOWN_BUTTON)
            elif update.inline_query is None:
                # In a group too: the note goes to their private chat, not to everyone.
                await bot.send_message(sender, texts.SLOW_DOWN.format(seconds=seconds))


class ScreenedUpdates(HTTPXRequest):
    """The long-polling request, whose updates pass :meth:`FairUpdateProcessor.screen` before
    python-telegram-bot parses them (PTB's defaults for this request: one connection)."""

    def __init__(self, processor: FairUpdateProcessor) -> None:
        super().__init__(connection_pool_size=1)
        self.processor = processor

    def parse_json_payload(self, payload: bytes) -> dict[str, Any]:  # type: ignore[override]
        """Telegram's answer as usual (this request only ever polls); its updates screened."""
        answer = HTTPXRequest.parse_json_payload(payload)
        result = answer.get("result")
        if answer.get("ok") and isinstance(result, list) and result:
            answer["result"] = self.processor.screen(result)
        return answer


def _discard(coroutine: Awaitable[Any]) -> None:
    """Close a handler coroutine that will never run (no «never awaited» warning)."""
    if inspect.iscoroutine(coroutine):
        coroutine.close()
