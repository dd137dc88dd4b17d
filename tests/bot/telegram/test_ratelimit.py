"""Telegram's flood limits kept in code: overall, per chat, per group; a 429 waits only its chat."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from typing import Any

import pytest
from telegram.error import RetryAfter

from bot.telegram.ratelimit import SlidingWindow, TelegramRateLimiter, answered


class Recorder:
    """A Bot API call that records when it was made and may answer 429 first."""

    def __init__(self, fail_first: dict[int, float] | None = None) -> None:
        self.sent: list[tuple[int, float]] = []
        self.fail_first = dict(fail_first or {})
        self.start = time.monotonic()

    async def call(self, chat_id: int) -> dict[str, Any]:
        if chat_id in self.fail_first:
            raise RetryAfter(timedelta(seconds=self.fail_first.pop(chat_id)))
        self.sent.append((chat_id, time.monotonic() - self.start))
        return {"ok": True}


async def _send(
    limiter: TelegramRateLimiter, api: Recorder, chat_id: int, method: str = "sendMessage"
) -> None:
    await limiter.process_request(api.call, (chat_id,), {}, method, {"chat_id": chat_id}, None)


async def test_no_more_than_the_overall_limit_in_any_second() -> None:
    limiter, api = TelegramRateLimiter(per_second=5), Recorder()
    await asyncio.gather(*(_send(limiter, api, chat) for chat in range(1, 9)))
    times = sorted(t for _c, t in api.sent)
    assert times[4] < 0.2 and times[5] >= 0.95  # five at once, the sixth a second later
    assert all(times[i + 5] - times[i] >= 0.95 for i in range(len(times) - 5))


async def test_one_chat_gets_a_short_burst_then_one_message_a_second() -> None:
    limiter, api = TelegramRateLimiter(chat_burst=2, chat_per_second=10.0), Recorder()
    await asyncio.gather(*(_send(limiter, api, 42) for _ in range(4)))
    times = [t for _c, t in api.sent]
    assert times[1] < 0.05 and times[2] >= 0.09 and times[3] >= 0.19


async def test_a_group_gets_its_per_minute_budget() -> None:
    limiter, api = TelegramRateLimiter(group_per_minute=3), Recorder()
    tasks = [asyncio.create_task(_send(limiter, api, -100)) for _ in range(4)]
    await asyncio.sleep(0.3)
    assert len(api.sent) == 3  # the fourth waits for the minute to pass
    for task in tasks:
        task.cancel()


async def test_edits_and_chat_actions_are_not_held_back() -> None:
    limiter, api = TelegramRateLimiter(per_second=1), Recorder()
    await _send(limiter, api, 1)
    await asyncio.wait_for(_send(limiter, api, 1, "editMessageText"), timeout=0.2)
    await asyncio.wait_for(_send(limiter, api, 1, "sendChatAction"), timeout=0.2)


async def test_a_429_is_waited_out_for_its_chat_only() -> None:
    limiter, api = TelegramRateLimiter(), Recorder(fail_first={7: 0.3})
    await asyncio.gather(_send(limiter, api, 7), _send(limiter, api, 8))
    sent = dict(api.sent)
    assert sent[8] < 0.1 and sent[7] >= 0.35


async def test_giving_up_after_the_retries() -> None:
    limiter, api = TelegramRateLimiter(max_retries=0), Recorder(fail_first={7: 0.1})
    with pytest.raises(RetryAfter):
        await _send(limiter, api, 7)


async def test_a_request_slow_to_reach_telegram_still_counts_until_answered() -> None:
    """Telegram counts a message when it arrives: one stuck on its way for longer than a second
    must not free its place in the window (it did, and a burst of 1,000 replies met 429s)."""
    limiter = TelegramRateLimiter(per_second=2)
    arrived: list[float] = []
    start = time.monotonic()

    async def deliver(chat_id: int) -> dict[str, Any]:
        await asyncio.sleep(1.5 if chat_id == 1 else 0.0)  # chat 1's request is held up
        arrived.append(time.monotonic() - start)
        return {"ok": True}

    async def send(chat_id: int, after: float) -> None:
        await asyncio.sleep(after)
        data = {"chat_id": chat_id}
        await limiter.process_request(deliver, (chat_id,), {}, "sendMessage", data, None)

    await asyncio.gather(send(1, 0), send(2, 0), send(3, 0.1), send(4, 0.1))
    arrived.sort()
    # As Telegram counts them, no second holds more than two: 2 at 0, 3 at 1.0, 1 at 1.5, 4 at 2.0.
    assert all(arrived[i + 2] - arrived[i] >= 0.95 for i in range(len(arrived) - 2)), arrived


def test_a_window_says_when_it_has_room_under_a_lower_limit() -> None:
    window = SlidingWindow(3, 1.0)
    for stamp in (0.0, 0.1, 0.2):
        answered(window.record(stamp), stamp)
    assert window.wait(0.5) == pytest.approx(0.5)  # the first of three must leave
    assert window.wait(0.5, limit=2) == pytest.approx(0.6)  # two of them must leave
    assert window.wait(0.5, limit=4) == 0.0


async def test_an_answer_held_back_by_the_overall_limit_is_counted_as_waiting() -> None:
    limiter = TelegramRateLimiter(per_second=2)
    window = limiter.overall_window
    assert window is not None
    on_the_way = [window.record(time.monotonic()) for _ in range(2)]

    slot = asyncio.create_task(limiter._take_slot(1001))
    await asyncio.sleep(0.1)
    assert window.waiting == 1 and not slot.done()  # the notice sender now holds back
    for cell in on_the_way:
        answered(cell, time.monotonic() - 1.0)  # answered long enough ago to have left
    await asyncio.wait_for(slot, 2.0)
    assert window.waiting == 0

    window.record(time.monotonic())  # full again: a waiting answer that gives up
    window.record(time.monotonic())
    gave_up = asyncio.create_task(limiter._take_slot(1002))
    await asyncio.sleep(0.1)
    assert window.waiting == 1
    gave_up.cancel()
    with pytest.raises(asyncio.CancelledError):
        await gave_up
    assert window.waiting == 0
