"""Chat shorthand («đv», «k», «UBKT») is written out before a question is searched: members type
it, the documents never do."""

from __future__ import annotations

import pytest

from index.answer import AnswerService
from index.shorthand import expand_shorthand


@pytest.mark.parametrize(
    ("typed", "searched"),
    [
        ("đv có được kinh doanh k", "đảng viên có được kinh doanh không"),
        ("dv co duoc danh bac ko?", "đảng viên co duoc danh bac không?"),
        ("ĐV dự bị bao lâu thì được xét chính thức ạ", "đảng viên dự bị bao lâu thì được xét "
         "chính thức ạ"),
        ("hồ sơ đv gồm những gì vậy mn", "hồ sơ đảng viên gồm những gì vậy mọi người"),
        ("UBKT có nhiệm vụ gì", "Ủy ban Kiểm tra có nhiệm vụ gì"),
        ("quy định 37 của TW", "quy định 37 của Trung ương"),
        ("BTV ĐUK họp ngày nào", "Ban Thường vụ Đảng ủy Khối họp ngày nào"),
        ("đc Hoa viết đề dẫn gửi đâu", "đồng chí Hoa viết đề dẫn gửi đâu"),
        ("có dc nghỉ sh không", "có được nghỉ sinh hoạt không"),
        ("đv có dc ở lại chi bộ cũ k", "đảng viên có được ở lại chi bộ cũ không"),
        ("tư tưởng, đạo đức, phong cách HCM", "tư tưởng, đạo đức, phong cách Hồ Chí Minh"),
        ("ke hoach 48 yc cac chi bo lam gi", "ke hoach 48 yêu cầu cac chi bo lam gi"),
        ("ubkt dang uy khoi lam gi", "Ủy ban Kiểm tra dang uy khoi lam gi"),
        # typed all in capitals: read in lower case, document numbers as typed
        ("DANG VIEN DU BI BAO LAU THI DUOC XET", "dang vien du bi bao lau thi duoc xet"),
        ("CHỈ THỊ 05-CT/TW NÓI GÌ VỀ BCH", "chỉ thị 05-CT/TW nói gì về Ban Chấp hành"),
    ],
)  # fmt: skip
def test_shorthand_is_written_out(typed: str, searched: str) -> None:
    assert expand_shorthand(typed) == searched


@pytest.mark.parametrize(
    "typed",
    [
        "Chỉ thị 05-CT/TW nói gì",  # letters of a document number
        "Kế hoạch 48-KH/ĐUK giao ai",
        "CTr 13 ĐUK: cấp ủy viên dự sinh hoạt mấy lần",  # the issuer after a number names it
        "điểm k khoản 2 nói gì",  # a clause letter, not «không»
        "Công ty CP Vận tải và DV Hàm Rồng",  # «DV» in capitals: dịch vụ
        "cb sinh hoạt mấy lần",  # «cb»: chi bộ or cán bộ — left as typed
        "05-ct/tw noi gi",  # a number typed in lower case
        "Bch hay Bct",  # neither in capitals nor in lower case: a name, perhaps
        "XIN CHÀO",  # a short greeting in capitals is left alone
        "Đảng Viên Có Được Kinh Doanh Không",  # capitalised words are not shouting
    ],
)
def test_what_means_something_else_is_left_as_typed(typed: str) -> None:
    assert expand_shorthand(typed) == typed


@pytest.mark.parametrize(
    ("question", "first"),
    [
        ("đv có được kinh doanh k", "3. Không được kinh doanh những ngành, nghề mà pháp luật cấm"),
        ("dv co duoc danh bac k", "1. Không được tham gia đánh bạc"),
        ("hồ sơ đv gồm những gì vậy mn", "1. Hồ sơ đảng viên gồm:"),
        ("UBKT đảng ủy khối có nhiệm vụ gì trong kế hoạch 48", "3. Ủy ban Kiểm tra Đảng ủy Khối"),
    ],
)
def test_a_question_in_shorthand_is_answered_as_written_out(
    answers: AnswerService, question: str, first: str
) -> None:
    answer = answers.answer(question)

    assert answer.quotes, question
    assert answer.quotes[0].text.startswith(first)
    assert answer.question == question  # the question log keeps what the member typed
