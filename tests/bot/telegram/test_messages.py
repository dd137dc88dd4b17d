"""Telegram's limits in code: long HTML split cleanly, captions cut, callback data ≤ 64 bytes."""

from __future__ import annotations

import pytest

from bot.messages import escape, fit_html, split_html
from bot.telegram.callbacks import CallbackDataError, int_args, pack, unpack
from tests.e2e.telegram_emulator import parse_html


def _paragraphs(n: int, words: int = 60) -> str:
    return "\n\n".join(
        f"<b>Điều {i}.</b> " + " ".join(["chi bộ &amp; đảng viên"] * words) for i in range(n)
    )


def test_a_short_message_is_left_alone() -> None:
    assert split_html("<b>Chào</b> đồng chí") == ["<b>Chào</b> đồng chí"]
    assert split_html("   ") == []


def test_long_text_splits_at_paragraphs_and_every_part_parses() -> None:
    text = _paragraphs(40)
    parts = split_html(text, 4096)

    assert len(parts) > 1
    assert all(len(p) <= 4096 for p in parts)
    for part in parts:
        parse_html(part)  # Telegram's parser would accept it
        assert part.startswith("<b>Điều ")  # every part begins with a whole paragraph
    rendered = "".join(parse_html(p)[0] for p in parts)
    assert rendered.count("Điều ") == 40


def test_a_tag_open_across_a_cut_is_closed_and_reopened() -> None:
    quote = "<blockquote>" + " ".join(["một câu rất dài"] * 800) + "</blockquote>"
    parts = split_html(quote, 1000)

    assert len(parts) > 3
    for part in parts:
        assert part.startswith("<blockquote>") and part.endswith("</blockquote>")
        assert len(part) <= 1000
        _text, entities = parse_html(part)
        assert entities[0]["type"] == "blockquote"


def test_entities_and_attributes_are_never_cut() -> None:
    text = " ".join(['<a href="https://t.me/chibo_test_bot?start=abc">mời</a> &lt;&amp;&gt;'] * 400)
    for part in split_html(text, 300):
        parse_html(part)
        assert len(part) <= 300


def test_a_run_without_spaces_is_still_cut_within_the_limit() -> None:
    parts = split_html("x" * 9000, 4096)
    assert [len(p) for p in parts] == [4000, 4000, 1000]


def test_fit_html_marks_a_shortened_caption() -> None:
    caption = fit_html("<b>" + "Chỉ thị số 05-CT/TW " * 100 + "</b>", 1024)
    assert len(caption) <= 1024 and caption.endswith("…")
    parse_html(caption.removesuffix("…"))
    assert fit_html("<b>ngắn</b>", 1024) == "<b>ngắn</b>"


def test_escape_makes_user_text_inert() -> None:
    assert escape('<b>x</b> & "y"') == "&lt;b&gt;x&lt;/b&gt; &amp; &quot;y&quot;"


def test_callback_data_round_trips_and_respects_64_bytes() -> None:
    data = pack("p", 9_223_372_036_854_775_807)
    assert data == "c1:p:9223372036854775807" and unpack(data) == ("p", ["9223372036854775807"])
    assert int_args(["12", "3"], 2) == [12, 3]
    assert int_args(["12", "x"], 2) is None
    assert int_args(["12"], 2) is None
    with pytest.raises(CallbackDataError):
        pack("m", "x" * 64)
    with pytest.raises(CallbackDataError):
        pack("m", "a:b")


@pytest.mark.parametrize("data", [None, "", "attend:1", "v0:p:1", "c1", "c2:p:1"])
def test_foreign_or_outdated_callback_data_is_recognised(data: str | None) -> None:
    assert unpack(data) is None
