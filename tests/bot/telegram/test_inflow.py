"""The inbound gate (bot.telegram.inflow): budgets per sender and a line of their own."""

from __future__ import annotations

import asyncio

from telegram import Update

from bot.settings import BotSettings
from bot.telegram.inflow import (
    HURRIED_WAIT,
    FairUpdateProcessor,
    Inflow,
    Verdict,
    raw_sender,
    sender_of,
)
from tests.bot.support import message_update, user

MEMBER, STRANGER, OTHER = 700_001, 700_002, 700_003


def budgets() -> Inflow:
    return Inflow(member_burst=6, member_refill=2.0, stranger_burst=2, stranger_refill=30.0)


def test_a_member_gets_a_burst_then_one_warning_then_silence() -> None:
    inflow = budgets()
    verdicts = [inflow.admit(MEMBER, trusted=True, now=100.0) for _ in range(300)]
    assert verdicts[:6] == [Verdict.RUN] * 6
    assert verdicts[6] is Verdict.WARN
    assert set(verdicts[7:]) == {Verdict.DROP}
    assert inflow.wait_seconds(MEMBER, trusted=True, now=100.0) == 2


def test_a_member_earns_messages_back_and_is_warned_again_only_after_a_pause() -> None:
    inflow = budgets()
    for _ in range(7):
        inflow.admit(MEMBER, trusted=True, now=0.0)
    assert inflow.admit(MEMBER, trusted=True, now=1.0) is Verdict.DROP
    assert inflow.admit(MEMBER, trusted=True, now=2.1) is Verdict.RUN  # one earned in 2 s
    # Still flooding: not told a second time while the flood goes on.
    assert inflow.admit(MEMBER, trusted=True, now=2.2) is Verdict.DROP
    assert inflow.admit(MEMBER, trusted=True, now=4.2) is Verdict.RUN
    assert inflow.admit(MEMBER, trusted=True, now=4.3) is Verdict.DROP
    # After a pause the budget is back; a new flood is told once again.
    verdicts = [inflow.admit(MEMBER, trusted=True, now=60.0) for _ in range(8)]
    assert verdicts == [Verdict.RUN] * 6 + [Verdict.WARN, Verdict.DROP]


def test_a_stranger_gets_two_updates_then_nothing_not_even_a_warning() -> None:
    inflow = budgets()
    verdicts = [inflow.admit(STRANGER, trusted=False, now=0.0) for _ in range(300)]
    assert verdicts[:2] == [Verdict.RUN, Verdict.RUN]
    assert set(verdicts[2:]) == {Verdict.DROP}
    assert inflow.admit(STRANGER, trusted=False, now=29.0) is Verdict.DROP
    assert inflow.admit(STRANGER, trusted=False, now=31.0) is Verdict.RUN
    assert inflow.admit(STRANGER, trusted=False, now=32.0) is Verdict.DROP


def test_full_buckets_are_forgotten() -> None:
    inflow = budgets()
    inflow.admit(MEMBER, trusted=True, now=0.0)
    inflow.admit(STRANGER, trusted=False, now=0.0)
    inflow.forget_idle(now=10.0)
    assert list(inflow.buckets) == [(STRANGER, False)]
    inflow.forget_idle(now=100.0)
    assert inflow.buckets == {}


def test_service_messages_and_sender_less_updates_are_never_budgeted() -> None:
    someone = user(MEMBER)
    joined = message_update(
        someone, chat={"id": -5, "type": "group", "title": "Chi bộ"}, new_chat_members=[someone]
    )
    assert sender_of(Update.de_json(joined, None)) is None
    assert sender_of(Update.de_json(message_update(someone, "hỏi"), None)) == MEMBER
    assert sender_of(object()) is None


class _Processor(FairUpdateProcessor):
    """The real processor with membership read from a set instead of the database."""

    def __init__(self, members: set[int], **bot: object) -> None:
        super().__init__(BotSettings(**bot))  # type: ignore[arg-type]
        self.members = members
        self.reads = 0

    def _read_trust(self, sender: int) -> bool:
        self.reads += 1
        return sender in self.members


class _Work:
    """Handler coroutines that report when they start and finish when released."""

    def __init__(self) -> None:
        self.running: dict[int, int] = {}
        self.started: list[int] = []
        self.release = asyncio.Event()

    async def handle(self, sender: int) -> None:
        self.started.append(sender)
        self.running[sender] = self.running.get(sender, 0) + 1
        try:
            await self.release.wait()
        finally:
            self.running[sender] -= 1


def _update(sender: int) -> Update:
    return Update.de_json(message_update(user(sender), "chỉ thị 05 nói gì"), None)


async def test_one_senders_backlog_does_not_hold_the_workers_from_another() -> None:
    # Three workers in all. Without a line per sender, the flooder's first three updates would
    # take all three and the other member would wait for the flooder.
    processor = _Processor({MEMBER, OTHER}, concurrent_updates=3, per_sender_updates=2)
    work = _Work()
    flood = [
        asyncio.create_task(processor.process_update(_update(MEMBER), work.handle(MEMBER)))
        for _ in range(6)
    ]
    await asyncio.sleep(0.05)
    other = asyncio.create_task(processor.process_update(_update(OTHER), work.handle(OTHER)))
    await asyncio.sleep(0.05)
    assert work.running == {MEMBER: 2, OTHER: 1}
    work.release.set()
    await asyncio.gather(*flood, other)
    assert work.started.count(MEMBER) == 6  # within the burst: all handled, in turn
    assert processor.reads == 2  # membership read once per sender


async def test_updates_over_budget_are_never_run() -> None:
    processor = _Processor(set(), stranger_burst=2)
    work = _Work()
    work.release.set()
    await asyncio.gather(
        *(processor.process_update(_update(STRANGER), work.handle(STRANGER)) for _ in range(50))
    )
    assert work.started == [STRANGER, STRANGER]
    assert processor.reads == 1


async def test_a_stranger_who_joins_is_read_again_and_gets_a_members_budget() -> None:
    processor = _Processor(set(), stranger_burst=2)
    work = _Work()
    work.release.set()

    async def redeem_invite() -> None:  # what /start <invite> does: now a (pending) member
        processor.members.add(STRANGER)
        await work.handle(STRANGER)

    await processor.process_update(_update(STRANGER), redeem_invite())
    for _ in range(5):  # their name, /help, a question…: more than a stranger's budget
        await processor.process_update(_update(STRANGER), work.handle(STRANGER))
    assert work.started == [STRANGER] * 6


async def test_a_hurried_sender_waits_until_the_others_are_answered() -> None:
    processor = _Processor({MEMBER, OTHER})
    started: list[int] = []
    answered = asyncio.Event()

    async def question() -> None:  # another member's, still being answered
        started.append(OTHER)
        await answered.wait()

    async def forwarded() -> None:
        started.append(MEMBER)

    other = asyncio.create_task(processor.process_update(_update(OTHER), question()))
    await asyncio.sleep(0.01)
    flood = [
        asyncio.create_task(processor.process_update(_update(MEMBER), forwarded()))
        for _ in range(6)
    ]
    await asyncio.sleep(0.1)
    # The first three are handled as anyone's; from the fourth in quick succession the sender
    # is in a hurry and waits while another member's question is in hand.
    assert started == [OTHER] + [MEMBER] * 3
    answered.set()
    await asyncio.gather(other, *flood)
    assert started == [OTHER] + [MEMBER] * 6


async def test_a_hurried_sender_waits_only_so_long() -> None:
    processor = _Processor({MEMBER, OTHER})
    never = asyncio.Event()
    blocked = asyncio.create_task(processor.process_update(_update(OTHER), never.wait()))
    await asyncio.sleep(0.01)
    done = []

    async def forwarded() -> None:
        done.append(1)

    loop = asyncio.get_running_loop()
    started = loop.time()
    await asyncio.gather(
        *(processor.process_update(_update(MEMBER), forwarded()) for _ in range(4))
    )
    assert len(done) == 4 and loop.time() - started < HURRIED_WAIT + 1
    blocked.cancel()


# ------------------------------------------------------------------ screening raw updates


def test_raw_sender_agrees_with_sender_of() -> None:
    someone = user(MEMBER)
    raws = [
        message_update(someone, "hỏi"),
        message_update(
            someone, chat={"id": -5, "type": "group", "title": "Chi bộ"}, new_chat_members=[someone]
        ),
        {"update_id": 1},
    ]
    for raw in raws:
        assert raw_sender(raw) == sender_of(Update.de_json(raw, None))


async def test_a_flood_is_dropped_before_it_is_parsed_and_the_poll_still_confirms_it() -> None:
    processor = _Processor({MEMBER}, member_burst=6, stranger_burst=2)
    await processor._trusted(MEMBER)  # a member already known
    someone = user(OTHER)
    joined = message_update(
        someone, chat={"id": -5, "type": "group", "title": "Chi bộ"}, new_chat_members=[someone]
    )
    batch = [message_update(user(STRANGER), f"chuyển tiếp {n}") for n in range(150)]
    batch += [joined] + [message_update(user(MEMBER), f"chuyển tiếp {n}") for n in range(150)]
    kept = processor.screen(batch)
    senders = [raw_sender(raw) for raw in kept]
    # Never read yet: no more than a member's burst and its warning; a known member: their
    # burst and the one update that warns them; the service message untouched.
    assert senders.count(STRANGER) == 7
    assert senders.count(MEMBER) == 7
    assert joined in kept
    # The last update was dropped: its id alone is kept, so the next poll confirms all 301.
    assert kept[-1] == {"update_id": batch[-1]["update_id"]}
    assert len(kept) == 7 + 1 + 7 + 1
    # The known member's verdicts were reached here, once: processing does not spend again.
    work = _Work()
    work.release.set()
    member_updates = [Update.de_json(raw, None) for raw in kept if raw_sender(raw) == MEMBER]
    for update in member_updates:
        await processor.process_update(update, work.handle(MEMBER))
    assert work.started == [MEMBER] * 6  # the seventh is the warning, not run
    assert processor.inflow.admit(MEMBER, trusted=True, now=processor.clock()) is Verdict.DROP


async def test_what_passes_the_screen_unread_is_still_held_to_the_real_budget() -> None:
    processor = _Processor(set(), member_burst=6, stranger_burst=2)
    batch = [message_update(user(STRANGER), f"chuyển tiếp {n}") for n in range(40)]
    work = _Work()
    work.release.set()
    for raw in processor.screen(batch):
        if raw_sender(raw) is not None:
            await processor.process_update(Update.de_json(raw, None), work.handle(STRANGER))
    assert work.started == [STRANGER] * 2  # a stranger's budget, not a member's
