"""Notices without Telegram: composing and refusing, recipients, the outbox's states, crash
recovery, reads, reminders and cancelling — on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import bisect
import itertools
import random
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from telegram.error import NetworkError, TimedOut

from bot import notices
from bot.models import AudienceKind, Cell, DeliveryState, Notice, NoticeDelivery, NoticeState, Role
from bot.notices import (
    Attachment,
    Audience,
    NoticeError,
    ReadOutcome,
    compose,
    parse_send_time,
)
from bot.notices import texts as nt
from bot.settings import NoticeSettings
from bot.telegram import sender as outbox
from bot.telegram.ratelimit import SlidingWindow, answered
from tests.utils.cell_factories import make_cell, make_member, make_notice

SETTINGS = NoticeSettings.model_validate({})
NOW = datetime(2025, 6, 2, 3, 0, tzinfo=UTC)  # 10:00 in Vietnam
SECRETARY = 700_000


def _compose(body: str, attachment: Attachment | None = None) -> list[dict[str, Any]]:
    return compose(body, attachment, header=nt.header("Chi bộ 1"), footer="", settings=SETTINGS)


def _cell(session: Session, members: int, *, name: str = "Chi bộ 1", **overrides: Any) -> Cell:
    """A cell with its secretary (id SECRETARY + offset) and ``members`` linked members."""
    cell = make_cell(session, name=name)
    base = SECRETARY + 1000 * (cell.id or 0)
    make_member(session, cell, full_name="Trần Bí Thư", role=Role.SECRETARY, telegram_user_id=base)
    for i in range(members):
        make_member(
            session,
            cell,
            full_name=f"Đảng Viên {cell.id} {i:03d}",
            telegram_user_id=base + 1 + i,
            **overrides,
        )
    return cell


def _notice(session: Session, cell: Cell, *, send_at: datetime = NOW, **audience: Any) -> Notice:
    return make_notice(
        session,
        cell,
        now=NOW,
        send_at=send_at,
        kind=audience.pop("kind", AudienceKind.CELL),
        role=audience.pop("role", None),
        created_by=SECRETARY + 1000 * (cell.id or 0),
        status_chat_id=SECRETARY,
        settings=SETTINGS,
    )


def _states(session: Session, notice_id: int) -> dict[str, int]:
    rows = session.exec(
        select(NoticeDelivery.state).where(NoticeDelivery.notice_id == notice_id)
    ).all()
    counts: dict[str, int] = {}
    for state in rows:
        counts[str(state)] = counts.get(str(state), 0) + 1
    return counts


# ----------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("body", ["", "   ", "<b> </b>", "<i></i>\n"])
def test_an_empty_notice_is_refused(body: str) -> None:
    with pytest.raises(NoticeError, match="Thông báo trống"):
        _compose(notices.body_html(body, None))


def test_a_notice_over_4096_characters_is_split_with_its_tags_closed() -> None:
    paragraph = "<b>Nghị quyết</b> " + "đảng viên gương mẫu thực hiện nhiệm vụ " * 40
    body = "\n\n".join(f"<i>{paragraph}</i>" for _ in range(6))  # ~10,000 characters

    parts = _compose(body)

    assert len(parts) == 3
    for part in parts:
        assert len(notices.visible_text(part["html"])) <= 4096  # valid HTML, within the limit
    assert parts[0]["html"].startswith("📢 <b>THÔNG BÁO</b>")


def test_a_notice_too_long_even_split_is_refused_with_the_reason() -> None:
    body = "chi bộ " * 4000  # 28,000 characters: more than four messages

    with pytest.raises(NoticeError) as refused:
        _compose(body)

    assert "dài quá (28" in str(refused.value)
    assert "4096 ký tự" in str(refused.value)


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("<b>Họp chi bộ lúc 19:30", "thẻ &lt;b&gt; chưa được đóng"),
        ("<b>Họp <i>chi bộ</b></i>", "đóng sai thứ tự"),
        ("Chi bộ & đoàn thể <b>họp</b>", "«&amp;amp;»"),
        ("<b>Họp</b> <marquee>nay</marquee>", "không hỗ trợ thẻ &lt;marquee&gt;"),
        ("<b>Họp</b> lúc 1 < 2", "ký tự «&lt;»"),
        ('<span class="x">Họp</span>', "tg-spoiler"),
    ],
)
def test_invalid_formatting_is_refused_with_the_reason(typed: str, reason: str) -> None:
    with pytest.raises(NoticeError, match="Định dạng không hợp lệ") as refused:
        _compose(notices.body_html(typed, None))

    assert reason in str(refused.value)


def test_text_without_tags_is_plain_text_even_with_angle_brackets() -> None:
    body = notices.body_html("Điểm < 5 & > 2 <div>", None)

    parts = _compose(body)

    assert "Điểm &lt; 5 &amp; &gt; 2 &lt;div&gt;" in parts[0]["html"]


@pytest.mark.parametrize(
    ("attachment", "limit"),
    [
        (Attachment("document", "f1", "ke-hoach.pdf", 60 * 1024 * 1024), "giới hạn 50 MB"),
        (Attachment("photo", "p1", None, 12 * 1024 * 1024), "giới hạn 10 MB"),
    ],
)
def test_an_attachment_over_telegrams_limit_is_refused(attachment: Attachment, limit: str) -> None:
    with pytest.raises(NoticeError, match=limit):
        _compose("Kế hoạch tháng 6", attachment)


def test_a_short_text_is_the_caption_and_a_long_one_follows_the_file() -> None:
    file = Attachment("document", "f1", "ke-hoach.pdf", 1024)

    short = _compose("Kế hoạch tháng 6", file)
    long = _compose("Kế hoạch " * 200, file)

    assert [p["kind"] for p in short] == ["document"]
    assert "Kế hoạch tháng 6" in short[0]["html"]
    assert [p["kind"] for p in long] == ["document", "text"]
    assert long[0]["html"] is None


@pytest.mark.parametrize(
    "typed",
    ["07:30", "09h59", "01/06/2025 08:00", "7:30 02/06/2025", "25/12/2024 07:30", "8:00 01/06"],
)
def test_a_send_time_in_the_past_is_refused(typed: str) -> None:
    with pytest.raises(NoticeError, match="đã qua"):
        parse_send_time(typed, now=NOW, settings=SETTINGS)


def test_send_times_are_read_in_vietnams_time() -> None:
    assert parse_send_time("19:30", now=NOW, settings=SETTINGS) == datetime(
        2025, 6, 2, 12, 30, tzinfo=UTC
    )
    assert parse_send_time("7h 03/06", now=NOW, settings=SETTINGS) == datetime(
        2025, 6, 3, 0, 0, tzinfo=UTC
    )
    december = datetime(2025, 12, 28, 3, 0, tzinfo=UTC)
    assert parse_send_time("05/01 lúc 08:00", now=december, settings=SETTINGS) == datetime(
        2026, 1, 5, 1, 0, tzinfo=UTC
    )
    with pytest.raises(NoticeError, match="Xin ghi cả giờ"):
        parse_send_time("sáng mai", now=NOW, settings=SETTINGS)
    with pytest.raises(NoticeError, match="chưa hiểu «abc»"):
        parse_send_time("abc", now=NOW, settings=SETTINGS)
    with pytest.raises(NoticeError, match="90 ngày"):
        parse_send_time("08:00 01/12/2025", now=NOW, settings=SETTINGS)


def test_a_notice_takes_the_meetings_grammar_of_dates() -> None:
    # NOW is Monday 2 June 2025 in Vietnam; «thứ 6 tuần sau» is Friday 13 June.
    assert parse_send_time("19h thứ 6 tuần sau", now=NOW, settings=SETTINGS) == datetime(
        2025, 6, 13, 12, 0, tzinfo=UTC
    )
    assert parse_send_time("7h30 sang mai", now=NOW, settings=SETTINGS) == datetime(
        2025, 6, 3, 0, 30, tzinfo=UTC
    )


# ----------------------------------------------------------------------------- recipients


def test_an_audience_with_no_reachable_members_is_refused(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as session:
        cell = _cell(session, 0)
        make_member(session, cell, full_name="Lê Chưa Dùng", telegram_user_id=None)
        plan = notices.plan(
            session,
            audience=Audience(AudienceKind.CELL, (cell.id or 0,)),
            exclude_telegram_id=SECRETARY + 1000 * (cell.id or 0),
        )

        with pytest.raises(NoticeError, match="Không có đảng viên nào"):
            _notice(session, cell)
        committee = Audience(AudienceKind.COMMITTEE, (cell.id or 0,))
        assert notices.plan(session, audience=committee, exclude_telegram_id=None).reachable == 1

    assert plan.reachable == 0
    assert plan.without_account == ["Lê Chưa Dùng"]


def test_one_delivery_per_member_the_sender_left_out_the_unlinked_named(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as session:
        cell = _cell(session, 3)
        make_member(session, cell, full_name="Lê Chưa Dùng", telegram_user_id=None)
        make_member(session, cell, full_name="Võ Đã Chuyển", telegram_user_id=1, status="left")
        notice = _notice(session, cell)
        rows = session.exec(
            select(NoticeDelivery).where(NoticeDelivery.notice_id == notice.id)
        ).all()

    assert notice.recipients == 4
    assert sorted(r.member_name for r in rows if r.state == DeliveryState.PENDING) == [
        f"Đảng Viên {cell.id} 000",
        f"Đảng Viên {cell.id} 001",
        f"Đảng Viên {cell.id} 002",
    ]
    unreachable = [(r.member_name, r.error) for r in rows if r.state == DeliveryState.UNREACHABLE]
    assert unreachable == [("Lê Chưa Dùng", notices.NO_ACCOUNT)]


def test_committee_role_and_several_cells(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as session:
        one, two = _cell(session, 2), _cell(session, 2, name="Chi bộ 2")
        make_member(session, two, full_name="Phan Chi Ủy", role=Role.COMMITTEE, telegram_user_id=9)
        both = (one.id or 0, two.id or 0)

        committee = notices.audience_members(
            session, audience=Audience(AudienceKind.COMMITTEE, both), exclude_telegram_id=None
        )
        deputies = notices.audience_members(
            session,
            audience=Audience(AudienceKind.ROLE, both, Role.SECRETARY),
            exclude_telegram_id=None,
        )
        everyone = notices.plan(
            session, audience=Audience(AudienceKind.CELL, both), exclude_telegram_id=None
        )

    assert sorted(m.full_name for m in committee) == ["Phan Chi Ủy", "Trần Bí Thư", "Trần Bí Thư"]
    assert len(deputies) == 2
    assert everyone.reachable == 7
    assert everyone.label == "toàn thể đảng viên — 2 chi bộ"


# ----------------------------------------------------------------------------- the outbox


def test_claims_never_overlap_and_wait_for_the_send_time(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as session:
        cell = _cell(session, 6)
        later = _notice(session, cell, send_at=NOW + timedelta(hours=1))
        notice = _notice(session, cell)

    with Session(engine, expire_on_commit=False) as session:
        first = notices.claim(session, worker_id="a", limit=4, now=NOW)
        session.commit()
        second = notices.claim(session, worker_id="b", limit=10, now=NOW)
        session.commit()
        nothing = notices.claim(session, worker_id="b", limit=10, now=NOW)

    assert len(first) == 4 and len(second) == 2 and nothing == []
    assert {j.id for j in first}.isdisjoint(j.id for j in second)
    assert {j.notice_id for j in first + second} == {notice.id}
    with Session(engine, expire_on_commit=False) as session:
        assert _states(session, later.id or 0) == {"pending": 6}
        assert not notices.start_sending(session, delivery_id=first[0].id, worker_id="b", now=NOW)
        assert notices.start_sending(session, delivery_id=first[0].id, worker_id="a", now=NOW)


def test_concurrent_claims_from_many_threads_take_each_row_once(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as session:
        notice = _notice(session, _cell(session, 60))
    claimed: dict[str, list[int]] = {}
    start = threading.Barrier(4)

    def worker(name: str) -> None:
        start.wait()
        mine: list[int] = []
        while True:
            with Session(engine, expire_on_commit=False) as session:
                jobs = notices.claim(session, worker_id=name, limit=3, now=NOW)
                session.commit()
            if not jobs:
                break
            mine.extend(j.id for j in jobs)
        claimed[name] = mine

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    every = [i for ids in claimed.values() for i in ids]
    assert len(every) == len(set(every)) == 60
    with Session(engine, expire_on_commit=False) as session:
        assert _states(session, notice.id or 0) == {"claimed": 60}


def test_a_dead_senders_claims_go_back_and_its_sends_become_uncertain(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as session:
        notice = _notice(session, _cell(session, 5))
        notices.beat(
            session, worker_id="dead", host="h", pid=1, now=NOW, paused_until=None, recent=6
        )
        jobs = notices.claim(session, worker_id="dead", limit=5, now=NOW)
        for job in jobs[:2]:
            notices.start_sending(session, delivery_id=job.id, worker_id="dead", now=NOW)
        session.commit()

        too_soon = notices.recover(session, now=NOW + timedelta(seconds=10), dead_after=20)
        later = NOW + timedelta(seconds=30)
        notices.beat(
            session, worker_id="new", host="h", pid=2, now=later, paused_until=None, recent=6
        )
        recovered = notices.recover(session, now=later, dead_after=20)
        session.commit()
        again = notices.claim(session, worker_id="new", limit=10, now=later)
        session.commit()

        assert too_soon == (0, 0)
        assert recovered == (3, 2)
        assert sorted(j.id for j in again) == sorted(j.id for j in jobs[2:])
        assert _states(session, notice.id or 0) == {"claimed": 3, "uncertain": 2}
        report = notices.report(session, notice_id=notice.id or 0)
    assert report is not None and len(report.uncertain) == 2


def test_telegrams_answer_after_being_thought_dead_still_counts(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as session:
        notice = _notice(session, _cell(session, 1))
        job = notices.claim(session, worker_id="slow", limit=1, now=NOW)[0]
        notices.start_sending(session, delivery_id=job.id, worker_id="slow", now=NOW)
        notices.recover(session, now=NOW + timedelta(minutes=5), dead_after=20)
        kept = notices.record_part(
            session, delivery_id=job.id, worker_id="slow", message_id=77, last=True, now=NOW
        )
        session.commit()
        row = session.get(NoticeDelivery, job.id)

    assert not kept
    assert row is not None and row.state == DeliveryState.SENT and row.message_id == 77
    assert notice.id == row.notice_id


def test_a_429_pause_is_shared_through_the_heartbeat(engine: Engine) -> None:
    until = NOW + timedelta(seconds=7)
    with Session(engine, expire_on_commit=False) as session:
        notices.beat(session, worker_id="a", host="h", pid=1, now=NOW, paused_until=until, recent=6)
        pace = notices.beat(
            session, worker_id="b", host="h", pid=2, now=NOW, paused_until=None, recent=6
        )

    assert pace.workers == 2
    assert pace.paused_until is not None and abs((pace.paused_until - until).total_seconds()) < 1
    with Session(engine, expire_on_commit=False) as session:
        later = notices.beat(
            session,
            worker_id="b",
            host="h",
            pid=2,
            now=NOW + timedelta(seconds=10),
            paused_until=None,
            recent=6,
        )
    assert later.workers == 1  # "a" stopped beating: "b" takes the whole rate again


# ----------------------------------------------------------------------------- reads, reminders


def _send_all(session: Session, notice_id: int) -> list[int]:
    ids = []
    for job in notices.claim(session, worker_id="w", limit=100, now=NOW):
        notices.start_sending(session, delivery_id=job.id, worker_id="w", now=NOW)
        notices.record_part(
            session, delivery_id=job.id, worker_id="w", message_id=job.id + 500, last=True, now=NOW
        )
        ids.append(job.id)
    session.commit()
    return sorted(ids)


def test_read_counts_once_and_only_for_the_recipient(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as session:
        notice = _notice(session, _cell(session, 2))
        first, second = _send_all(session, notice.id or 0)
        owner = session.get(NoticeDelivery, first)
        assert owner is not None and owner.chat_id is not None

        def press(user: int, delivery: int = first) -> str:
            outcome = notices.mark_read(
                session, delivery_id=delivery, telegram_user_id=user, now=NOW
            )
            session.commit()
            return outcome

        assert press(owner.chat_id + 1) == ReadOutcome.NOT_YOURS  # a forwarded copy
        assert press(owner.chat_id) == ReadOutcome.CONFIRMED
        assert press(owner.chat_id) == ReadOutcome.ALREADY
        assert press(owner.chat_id, 999_999) == ReadOutcome.GONE
        figures = notices.figures(session, notice_id=notice.id or 0)

    assert (figures.sent, figures.read, figures.unread) == (2, 1, 1)
    assert second != first


def test_a_read_press_proves_an_uncertain_copy_arrived(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as session:
        notice = _notice(session, _cell(session, 1))
        job = notices.claim(session, worker_id="dead", limit=1, now=NOW)[0]
        notices.start_sending(session, delivery_id=job.id, worker_id="dead", now=NOW)
        notices.recover(session, now=NOW + timedelta(minutes=1), dead_after=20)
        outcome = notices.mark_read(
            session, delivery_id=job.id, telegram_user_id=job.chat_id, now=NOW
        )
        session.commit()

        assert outcome == ReadOutcome.CONFIRMED
        assert _states(session, notice.id or 0) == {"sent": 1}


def test_reminders_go_only_to_the_unread_and_reply_to_their_copy(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as session:
        cell = _cell(session, 3)
        make_member(session, cell, full_name="Lê Chưa Dùng", telegram_user_id=None)
        notice = _notice(session, cell)
        ids = _send_all(session, notice.id or 0)
        reader = session.get(NoticeDelivery, ids[0])
        assert reader is not None and reader.chat_id is not None
        notices.mark_read(session, delivery_id=ids[0], telegram_user_id=reader.chat_id, now=NOW)
        assert notices.finish_due(session, now=NOW) == [notice.id]

        count = notices.remind_unread(session, notice_id=notice.id or 0, now=NOW)
        busy = notices.remind_unread(session, notice_id=notice.id or 0, now=NOW)
        session.commit()
        reminders = session.exec(
            select(NoticeDelivery).where(
                NoticeDelivery.notice_id == notice.id, col(NoticeDelivery.round) == 1
            )
        ).all()
        session.refresh(notice)

    assert (count, busy) == (2, 0)
    assert sorted(r.origin_id or 0 for r in reminders) == ids[1:]
    assert sorted(r.reply_to or 0 for r in reminders) == [i + 500 for i in ids[1:]]
    assert notice.state == NoticeState.QUEUED


def test_cancelling_stops_what_has_not_gone_out(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as session:
        notice = _notice(session, _cell(session, 5))
        jobs = notices.claim(session, worker_id="w", limit=3, now=NOW)
        notices.start_sending(session, delivery_id=jobs[0].id, worker_id="w", now=NOW)
        session.commit()

        cancelled = notices.cancel(session, notice_id=notice.id or 0, now=NOW)
        twice = notices.cancel(session, notice_id=notice.id or 0, now=NOW)
        session.commit()
        late = notices.start_sending(session, delivery_id=jobs[1].id, worker_id="w", now=NOW)

        assert (cancelled, twice, late) == (4, None, False)
        assert _states(session, notice.id or 0) == {"sending": 1, "cancelled": 4}


def test_a_notice_is_finished_and_reported_once(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as session:
        notice = _notice(session, _cell(session, 2))
        assert notices.finish_due(session, now=NOW) == []
        _send_all(session, notice.id or 0)

        first = notices.finish_due(session, now=NOW)
        second = notices.finish_due(session, now=NOW)

    assert (first, second) == ([notice.id], [])


def test_status_edits_are_throttled_and_skipped_when_unchanged(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as session:
        notice = _notice(session, _cell(session, 2))
        first = notices.status_due(session, now=NOW, interval=3)
        notices.record_status(session, notice_id=notice.id or 0, digest=first[0].digest)
        session.commit()
        throttled = notices.status_due(session, now=NOW + timedelta(seconds=1), interval=3)
        unchanged = notices.status_due(session, now=NOW + timedelta(seconds=4), interval=3)
        _send_all(session, notice.id or 0)
        changed = notices.status_due(session, now=NOW + timedelta(seconds=8), interval=3)

    assert len(first) == 1 and "Người nhận: 2" in first[0].text
    assert throttled == [] and unchanged == []
    assert "Đã gửi: 2" in changed[0].text


def test_a_report_on_a_large_audience_names_the_first_sixty(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as session:
        notice = _notice(session, _cell(session, 100))
        _send_all(session, notice.id or 0)
        found = notices.report(session, notice_id=notice.id or 0)
    assert found is not None

    text = nt.report(found)

    assert "Chưa đọc (100)" in text
    assert text.endswith("… và 40 đồng chí khác")
    assert len(text) < 4096


# ----------------------------------------------------------------------------- sending rules


@pytest.mark.parametrize(
    ("error", "not_sent"),
    [
        (NetworkError("httpx.ConnectError: refused"), httpx.ConnectError("refused")),
        (TimedOut(), httpx.ConnectTimeout("slow")),
        (TimedOut("Pool timeout"), httpx.PoolTimeout("full")),
        (NetworkError("Bad Gateway"), None),  # Telegram answered 502: nothing was sent
        (TimedOut(), httpx.ReadTimeout("no answer")),
        (NetworkError("httpx.RemoteProtocolError"), httpx.RemoteProtocolError("cut")),
    ],
)
def test_only_errors_before_the_request_left_are_retried(
    error: NetworkError, not_sent: Exception | None
) -> None:
    error.__cause__ = not_sent
    expected = not isinstance(not_sent, httpx.ReadTimeout | httpx.RemoteProtocolError)

    assert outbox.surely_not_sent(error) is expected


async def test_the_pace_keeps_every_second_under_the_rate_despite_jitter() -> None:
    pacer = outbox.Pacer(40)
    rng = random.Random(6)
    left: list[float] = []
    started = time.monotonic()
    for _ in range(100):
        await pacer.acquire()
        await asyncio.sleep(rng.choice([0, 0, 0.002, 0.03]))  # commits of varying length
        cell = await pacer.gate()
        left.append(time.monotonic())
        pacer.done(cell)  # answered at once
    elapsed = time.monotonic() - started

    busiest = max(bisect.bisect_right(left, t + 1.0) - i for i, t in enumerate(left))
    gaps = [b - a for a, b in itertools.pairwise(left)]
    assert busiest <= 40
    assert min(gaps) >= 0.8 / 40 - 0.002
    assert 100 / elapsed > 36  # jitter is made up, not lost


async def test_a_request_still_on_its_way_keeps_its_place_in_the_second() -> None:
    """Telegram counts a message when it arrives: requests held up on the way (a busy machine)
    must not let the next second's budget start early (a restarted sender's broadcast went to
    31 in one second)."""
    pacer = outbox.Pacer(3)
    held_up, also_held_up = await pacer.gate(), await pacer.gate()
    pacer.done(await pacer.gate())
    await asyncio.sleep(1.1)
    pacer.done(await asyncio.wait_for(pacer.gate(), 0.5))  # the answered one's second is over
    waiting = asyncio.create_task(pacer.gate())
    await asyncio.sleep(0.5)

    assert not waiting.done()  # two still on their way and one just sent fill the second
    pacer.done(held_up)
    pacer.done(also_held_up)
    await asyncio.wait_for(waiting, timeout=2.0)


async def test_notices_count_in_the_bots_own_window_and_give_way_to_answers() -> None:
    shared = SlidingWindow(30, 1.0)
    for _ in range(29):  # 29 answers went out just now
        answered(shared.record(time.monotonic()), time.monotonic())
    pacer = outbox.Pacer(29, shared=shared)

    with pytest.raises(TimeoutError):  # the broadcast stays at its 29 within the shared second
        await asyncio.wait_for(pacer.gate(), 0.3)
    await asyncio.sleep(0.8)
    slot = await asyncio.wait_for(pacer.gate(), 0.5)  # the answers' second is over
    assert len(shared.events) == 1  # the notice now counts where answers look for room
    pacer.done(slot)

    shared.waiting = 1  # an answer is waiting for room in the overall window
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(pacer.gate(), 0.3)
    shared.waiting = 0
    pacer.done(await asyncio.wait_for(pacer.gate(), 0.5))


def test_the_list_keeps_meeting_messages_apart_without_a_read_count(engine: Engine) -> None:
    now = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)
    with Session(engine, expire_on_commit=False) as session:
        cell = make_cell(session)
        make_member(session, cell, full_name="Nguyễn Thị Lan", telegram_user_id=500_001)
        make_member(session, cell, full_name="Lê Văn Hùng", telegram_user_id=500_002)
        notice = make_notice(session, cell, body="Lịch trực tháng 6", now=now)
        everyone = Audience(AudienceKind.CELL, (cell.id or 0,))
        people = notices.audience_members(session, audience=everyone, exclude_telegram_id=None)
        invitation = notices.queue_to_members(
            session, members=people, created_by=1, sender_name="Trần Văn Bình", cell_id=cell.id,
            label="Họp tháng 6",
            body="Giấy mời họp chi bộ", parts=[{"kind": "text", "html": "Giấy mời họp chi bộ"}],
            buttons="rsvp:1", send_at=now, now=now,
        )  # fmt: skip
        session.commit()
        rows = [(n, notices.figures(session, notice_id=n.id or 0)) for n in (invitation, notice)]
    text = nt.listing(rows)
    composed, system = text.split(nt.LIST_SYSTEM_TITLE)
    assert composed.startswith(nt.LIST_TITLE) and "Lịch trực tháng 6" in composed
    assert "Giấy mời họp chi bộ" in system and "Gửi 0/2" in system
    assert "đọc" in composed and "đọc" not in system  # a meeting message asks for no «Đã đọc»
