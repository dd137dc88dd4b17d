"""A burst of forwarded messages from a stranger and from a member, over real HTTP: the other
members are answered, the stranger hears one refusal per interval, the member is told once."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot import texts
from tests.bot.support import Corpus, Deployment, deployed
from tests.e2e.telegram_emulator import TelegramEmulator

pytestmark = [pytest.mark.e2e, pytest.mark.model]

QUESTIONS = [
    "Chỉ thị 05 nói về gì?",
    "chi thi 05 noi ve gi",
    "Sinh hoạt chi bộ mấy lần một tháng?",
    "Đảng viên không được làm những gì?",
    "Học tập và làm theo tư tưởng đạo đức phong cách Hồ Chí Minh",
]


async def test_a_stranger_and_a_member_flooding_do_not_stop_the_others(
    emulator: TelegramEmulator, corpus: Corpus, tmp_path: Path
) -> None:
    # The member's budget is the default burst; it refills slowly here so that the count of
    # questions answered does not depend on how fast this machine reads the burst.
    async with deployed(emulator, corpus, tmp_path, member_refill_seconds=600) as deployment:
        await _flood(deployment)


async def _flood(deployment: Deployment) -> None:
    tg = deployment.telegram
    burst = deployment.services.settings.bot.member_burst
    stranger = tg.create_user("Người lạ")
    flooder = tg.create_user("Hùng")
    others = [tg.create_user(f"Đảng viên {i}") for i in range(len(QUESTIONS))]
    for person in (flooder, *others):
        deployment.member(person, cell="Chi bộ Xí nghiệp Xe buýt số 1")

    for i in range(300):
        tg.user_sends_text(stranger, f"tin chuyển tiếp {i}")
        tg.user_sends_text(flooder, f"Chỉ thị 05 nói về gì? ({i})")
    asked = [tg.user_sends_text(person, q) for person, q in zip(others, QUESTIONS, strict=True)]

    for person, question in zip(others, asked, strict=True):
        answer = await tg.wait_for_message(
            person.id, lambda m: "Nguồn:" in m["text"], after=question, timeout=60
        )
        assert "[1]" in answer["text"]
    warning = texts.SLOW_DOWN.split("{")[0]
    # The flooder's budget: a burst of questions answered (one a second, Telegram's per-chat
    # pace), and one note that the rest were not read.
    await tg.wait_for(
        lambda: sum("Nguồn:" in m["text"] for m in tg.sent_messages(flooder.id)) >= burst,
        timeout=60,
    )
    await tg.wait_for(lambda: tg.pending_updates == 0)
    await asyncio.sleep(1.5)  # anything still on its way would arrive now

    flooder_texts = [m["text"] for m in tg.sent_messages(flooder.id)]
    assert sum("Nguồn:" in text for text in flooder_texts) == burst
    assert sum(text.startswith(warning) for text in flooder_texts) == 1
    assert len(flooder_texts) == burst + 1
    stranger_texts = [m["text"] for m in tg.sent_messages(stranger.id)]
    assert stranger_texts == [texts.STRANGER] * 2
    for person in others:
        assert len(tg.sent_messages(person.id)) == 1
