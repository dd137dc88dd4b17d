"""Reading a question in words: «nước ngoài» is one word, and «ngoài xã hội» does not hold it."""

from __future__ import annotations

from index.lexicon import compound_words, holds_word, words_of
from knowledge.text import folded_syllables


def test_the_word_list_ships_with_an_installed_dependency() -> None:
    assert len(compound_words()) > 50_000


def test_a_question_is_cut_into_the_longest_listed_words() -> None:
    assert words_of("Đảng viên có được đi du lịch nước ngoài không?") == [
        ("dang", "vien"), ("co",), ("duoc",), ("di",), ("du", "lich"), ("nuoc", "ngoai"),
        ("khong",),
    ]  # fmt: skip
    # typed without marks, the same words
    assert words_of("dang vien co duoc di du lich nuoc ngoai khong") == words_of(
        "Đảng viên có được đi du lịch nước ngoài không?"
    )


def test_a_word_is_held_only_with_its_syllables_side_by_side() -> None:
    clause = folded_syllables("vi phạm chuẩn mực đạo đức trong gia đình và ngoài xã hội; nước ngọt")
    assert not holds_word(clause, ("nuoc", "ngoai"))
    assert holds_word(folded_syllables("đi công tác nước ngoài"), ("nuoc", "ngoai"))
