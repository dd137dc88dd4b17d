"""Diacritic restoration: questions typed without marks come back as members meant them."""

from __future__ import annotations

import zlib

import pytest

from index.diacritics import DiacriticRestorer, general_sentences, missing_diacritics_ratio
from knowledge.text import strip_diacritics

TRAINING_TEXT = """
Chỉ thị số 05-CT/TW ngày 15 tháng 5 năm 2016 của Bộ Chính trị về đẩy mạnh học tập và làm theo
tư tưởng, đạo đức, phong cách Hồ Chí Minh. Chỉ thị 05 yêu cầu mỗi đảng viên phải nêu gương.

Chi bộ là hạt nhân chính trị ở cơ sở. Chi bộ sinh hoạt thường kỳ mỗi tháng một lần, do bí thư
chi bộ chủ trì. Nội dung sinh hoạt chi bộ gồm đánh giá việc thực hiện nhiệm vụ trong tháng và
đề ra nhiệm vụ của tháng tiếp theo.

Đảng viên có nhiệm vụ tuyệt đối trung thành với mục đích lý tưởng của Đảng, chấp hành nghiêm
chỉnh Cương lĩnh chính trị, Điều lệ Đảng, nghị quyết, chỉ thị của Đảng. Đảng viên phải đóng
đảng phí đúng quy định và tham gia sinh hoạt đảng đầy đủ.

Hằng năm, chi bộ tổ chức sinh hoạt chuyên đề về học tập và làm theo tư tưởng, đạo đức, phong
cách Hồ Chí Minh. Đảng viên dự bị được chi bộ xét chuyển đảng chính thức khi hết thời gian dự
bị. Việc kiểm tra, giám sát đảng viên được thực hiện thường xuyên.
"""

SENTENCES = [
    "Chi bộ là hạt nhân chính trị ở cơ sở.",
    "Đảng viên phải đóng đảng phí đúng quy định và tham gia sinh hoạt đảng đầy đủ.",
    "Chỉ thị 05 yêu cầu mỗi đảng viên phải nêu gương.",
    "Việc kiểm tra, giám sát đảng viên được thực hiện thường xuyên.",
]


@pytest.fixture(scope="module")
def restorer() -> DiacriticRestorer:
    """Learned from the Party text alone: what it restores comes from that text."""
    return DiacriticRestorer.fit([TRAINING_TEXT], everyday=False)


@pytest.mark.parametrize("sentence", SENTENCES)
def test_stripped_training_sentences_come_back_exactly(
    restorer: DiacriticRestorer, sentence: str
) -> None:
    assert restorer.restore(strip_diacritics(sentence)) == sentence


def test_question_words_restore_from_built_in_phrases(restorer: DiacriticRestorer) -> None:
    assert restorer.restore("chi thi 05 noi ve gi") == "chỉ thị 05 nói về gì"
    assert restorer.restore("dang vien phai lam gi") == "đảng viên phải làm gì"
    assert restorer.restore("chi bo sinh hoat khi nao") == "chi bộ sinh hoạt khi nào"


def test_accented_input_is_unchanged(restorer: DiacriticRestorer) -> None:
    for text in [*SENTENCES, "Chi bộ sinh hoạt khi nào?", "Chỉ thị 05 nói về gì?"]:
        assert restorer.restore(text) == text


def test_document_numbers_digits_punctuation_and_case_are_kept(
    restorer: DiacriticRestorer,
) -> None:
    assert (
        restorer.restore("Chi thi so 05-CT/TW ngay 15/5/2016 noi ve gi?")
        == "Chỉ thị số 05-CT/TW ngày 15/5/2016 nói về gì?"
    )
    assert restorer.restore("  Dang vien ,  chi bo!\n(05-ct/tw)  ") == (
        "  Đảng viên ,  chi bộ!\n(05-ct/tw)  "
    )
    assert restorer.restore("123 456") == "123 456"


def test_mixed_input_keeps_the_syllables_typed_with_marks(restorer: DiacriticRestorer) -> None:
    assert restorer.restore("chỉ thi 05 noi về gi") == "chỉ thị 05 nói về gì"
    # A mark the model would not have chosen is still the user's word.
    assert restorer.restore("dang viên chí bo") == "đảng viên chí bộ"


def test_unknown_syllables_pass_through(restorer: DiacriticRestorer) -> None:
    assert (
        restorer.restore("gui file pdf qua zalo cho chi bo") == "gui file pdf qua zalo cho chi bộ"
    )


def test_everyday_words_no_party_text_holds_restore_from_running_text() -> None:
    # A question about drinking: «rượu» is in no Party document of the cell, so a model of
    # the documents alone cannot give it back; the everyday text (general_sentences) can.
    question = "dang vien co duoc uong ruou bia khong"
    party_only = DiacriticRestorer.fit([TRAINING_TEXT], everyday=False)
    with_everyday = DiacriticRestorer.fit([TRAINING_TEXT])
    assert general_sentences(), "underthesea's everyday text is installed with Chibo"
    assert "ruou bia" in party_only.restore(question)
    assert "rượu bia" in with_everyday.restore(question)
    assert with_everyday.restore("gui file pdf qua zalo") == "gửi file pdf qua zalo"
    # The model says what it learned from, so an index built before relearns it.
    assert with_everyday.everyday and not party_only.everyday
    assert DiacriticRestorer.from_bytes(with_everyday.to_bytes()).everyday


def test_bytes_round_trip_gives_identical_output(restorer: DiacriticRestorer) -> None:
    loaded = DiacriticRestorer.from_bytes(restorer.to_bytes())
    for text in [
        "chi thi 05 noi ve gi",
        "dang vien phai lam gi",
        *map(strip_diacritics, SENTENCES),
    ]:
        assert loaded.restore(text) == restorer.restore(text)
    for garbage in [b"", b"not a model", zlib.compress(b"\x02\x00\x00\x00{}")]:
        with pytest.raises(ValueError):
            DiacriticRestorer.from_bytes(garbage)


@pytest.mark.parametrize(
    "question",
    [
        "chi thi 05 noi ve gi",
        "Dang vien du bi co duoc bieu quyet khong?",
        "chi bo sinh hoat",
        "chi bo",
    ],
)
def test_ratio_is_high_on_questions_typed_without_marks(question: str) -> None:
    assert missing_diacritics_ratio(question) >= 0.8


@pytest.mark.parametrize(
    "question",
    [
        "Chỉ thị 05 nói về gì?",
        "Chi bộ sinh hoạt khi nào?",
        "Đảng viên dự bị có được biểu quyết không?",
        "Bí thư chi bộ có nhiệm vụ gì trong sinh hoạt chi bộ?",
    ],
)
def test_ratio_is_low_on_properly_typed_questions(question: str) -> None:
    assert missing_diacritics_ratio(question) <= 0.1


def test_ratio_counts_syllables_left_plain_beside_marked_ones() -> None:
    assert 0.5 <= missing_diacritics_ratio("chỉ thi 05 noi ve gi") < 0.9


@pytest.mark.parametrize(
    "text", ["What time is the meeting tomorrow?", "05-CT/TW 15/5/2016", "2024", ""]
)
def test_ratio_is_zero_without_vietnamese_syllables(text: str) -> None:
    assert missing_diacritics_ratio(text) == 0.0
