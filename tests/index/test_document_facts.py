"""«… ban hành ngày nào?», «… do ai ký?»: the date line or signature block of the document the
question is about — which is not always the number it names."""

from __future__ import annotations

import pytest

from index.answer import (
    Answer,
    AnswerService,
    _issuer_named,
    _source_named,
    asked_event,
    body_tasked,
    document_question,
    holds_what_is_asked,
    subject_kind,
)
from index.quotes import _asked_doing, act_asked
from index.retriever import Retriever, SearchResult
from knowledge.text import fold


def first_cited(answer: Answer) -> str:
    """The citation of the source the first quote is marked with."""
    return answer.sources[answer.quotes[0].source - 1].citation


@pytest.mark.parametrize(
    ("question", "line", "number"),
    [
        # the number named is the document asked about
        ("Kết luận 21 ban hành ngày nào?", "Hà Nội, ngày 25 tháng 10 năm 2021", "21-KL/TW"),
        # «ra ngày nào» asks the same
        ("thong bao 215 cua dang uy khoi ra ngay nao", "Thanh Hóa, ngày 12 tháng 01 năm 2024",
         "215-TB/ĐUK"),
        # «ban hành năm nào» asks it too (it was refused: no sentence says «năm nào»)
        ("kết luận 01 ban hành năm nào", "Hà Nội, ngày 18 tháng 5 năm 2021", "01-KL/TW"),
        # a plan that implements KL 21: the plan's date, not the conclusion's
        ("Kế hoạch thực hiện Kết luận 21 của Khối ban hành ngày nào?",
         "Thanh Hóa, ngày 20 tháng 12 năm 2021", "48-KH/ĐUK"),
        # named by its kind and subject, without a number
        ("Chương trình nâng cao chất lượng sinh hoạt chi bộ của Đảng ủy Khối ban hành ngày nào?",
         "Thanh Hóa, ngày 17 tháng 4 năm 2021", "13-CTr/ĐUK"),
    ],
)  # fmt: skip
def test_the_date_line_of_the_document_asked_about(
    answers: AnswerService, question: str, line: str, number: str
) -> None:
    answer = answers.answer(question)
    assert [q.text for q in answer.quotes] == [line]
    assert number in answer.sources[0].citation


def test_the_kind_of_document_a_question_is_about() -> None:
    assert subject_kind("Kế hoạch thực hiện Kết luận 21 ban hành ngày nào?") == "ke hoach"
    assert subject_kind("chuong trinh hanh dong so 3 ky ngay nao") == "chuong trinh"
    assert subject_kind("QĐ 37 do ai ký?") is None


def test_a_figure_ranked_below_the_first_passages_is_found_before_refusing(
    answers: AnswerService,
) -> None:
    # Quoting from the first hit only, the article's «đạt 92 điểm» is in a passage below it.
    answers.max_sources = 1
    answer = answers.answer(
        "Buổi sinh hoạt tháng 5 của Chi bộ Xí nghiệp Xe buýt số 1 được chấm bao nhiêu điểm?"
    )
    assert not answer.not_found
    assert "đạt 92 điểm" in answer.quotes[0].text


@pytest.mark.parametrize(
    ("question", "first", "number"),
    [
        # the plenum that adopted it: the heading, which is never quoted as a sentence
        ("Kết luận số 21-KL/TW là của hội nghị Trung ương nào",
         "HỘI NGHỊ LẦN THỨ TƯ BAN CHẤP HÀNH TRUNG ƯƠNG ĐẢNG KHÓA XIII", "21-KL/TW"),
        ("nghi quyet 18 la cua hoi nghi trung uong may",
         "HỘI NGHỊ LẦN THỨ SÁU BAN CHẤP HÀNH TRUNG ƯƠNG ĐẢNG KHÓA XII", "18-NQ/TW"),
        # its stated goal: the first sentence of its «Mục tiêu» / «Mục đích» section
        ("KL 21 đặt ra mục tiêu gì", "Tiếp tục xây dựng Đảng ta thật sự trong sạch", "21-KL/TW"),
        ("ke hoach 48 cua dang uy khoi de lam gi", "1. Quán triệt sâu sắc nội dung Kết luận số 21",
         "48-KH/ĐUK"),
        # named by its kind and subject, without a number, as for its date
        ("chuong trinh nang cao chat luong sinh hoat chi bo cua dang uy khoi co muc tieu gi",
         "Nâng cao năng lực lãnh đạo, sức chiến đấu", "13-CTr/ĐUK"),
        # what it rests on: its «Thực hiện …» / «Căn cứ …» line
        ("kế hoạch 48 được xây dựng căn cứ vào văn bản nào",
         "Thực hiện Kết luận số 21-KL/TW ngày 25/10/2021", "48-KH/ĐUK"),
        # its number, asked of a document named by its kind and subject
        ("nghị quyết tháng 5 của chi bộ xe buýt số hiệu là bao nhiêu vậy", "Số 05-NQ/CB",
         "05-NQ/CB"),
    ],
)  # fmt: skip
def test_the_plenum_and_the_goal_of_the_document_asked_about(
    answers: AnswerService, question: str, first: str, number: str
) -> None:
    answer = answers.answer(question)
    assert answer.quotes[0].text.startswith(first)
    assert number in answer.sources[0].citation


def test_which_fact_of_a_document_is_asked() -> None:
    assert document_question("QĐ 37 do ai ký?") == "signer"
    assert document_question("Nghị quyết 18 được thông qua tại hội nghị lần thứ mấy") == (
        "conference"
    )
    assert document_question("HD12 năm 2018 nhằm mục đích gì") == "purpose"
    assert document_question("mục tiêu của kế hoạch 48 là gì") == "purpose"
    # «hội nghị» without asking which one; a goal named, not asked
    assert document_question("hội nghị chi bộ họp mấy lần") is None
    assert document_question("Chi bộ đạt mục tiêu năm 2024 chưa?") is None
    assert document_question("CTr 13 căn cứ vào những văn bản nào?") == "basis"
    assert document_question("nghi quyet chi bo thang 5 so hieu la gi") == "number"
    # a count is no number of a document
    assert document_question("chi bộ có bao nhiêu đảng viên") is None
    # «đăng ký», «thư ký», «ký hiệu» hold «ký» but ask no signing
    assert (
        document_question("Theo Kết luận 01, bản đăng ký phải nộp chi bộ trước ngày nào?") is None
    )
    assert document_question("theo ket luan 01 ban dang ky lam theo nop truoc ngay nao") is None
    assert document_question("thu ky hoi nghi la ai, bao gio bau") is None
    assert document_question("quy dinh 37 ky ngay nao") == "date"


def test_a_year_no_quoted_document_speaks_of_is_a_near_miss(answers: AnswerService) -> None:
    # the topics of 2024 are in the library, those of 2025 are not
    assert not answers.answer("Sinh hoạt chuyên đề quý IV năm 2024 học chủ đề gì?").not_found
    assert answers.answer("Sinh hoạt chuyên đề quý IV năm 2025 học chủ đề gì?").not_found


def test_the_event_a_time_question_asks_about() -> None:
    assert asked_event("Kế hoạch 48 bao giờ thì sơ kết?") == "so ket"
    assert asked_event("nghi quyet thang 5: khi nao phai bao cao ket qua") == "bao cao"
    # a preposition or a time after the time asked opens no event
    assert asked_event("TB 215: Ban Thường vụ họp ngày nào để bàn định hướng?") is None
    assert asked_event("Chi bộ sinh hoạt vào ngày nào trong tháng?") is None
    assert asked_event("Kết luận 21 ban hành ngày nào?") is None
    # what is done to the subject, named before the time asked after «được» or «bị» — not the
    # «bị» of «dự bị»
    assert (
        asked_event("Đồng chí Tuấn, đảng viên dự bị, được kết nạp vào Đảng ngày nào?") == "ket nap"
    )
    assert asked_event("dang vien du bi duoc ket nap vao dang ngay nao") == "ket nap"
    assert asked_event("NQ 4 khóa XII được thông qua ngày nào?") == "thong qua"


def test_a_day_given_for_another_task_of_the_person_does_not_date_their_admission(
    answers: AnswerService,
) -> None:
    # NQ 05-NQ/CB gives Đồng chí Đỗ Minh Tuấn a deadline for his self-review; when he was
    # admitted is not in the library (a near miss, q274)
    asked = "Đồng chí Đỗ Minh Tuấn đảng viên dự bị được kết nạp vào Đảng ngày nào?"
    assert answers.answer(asked).not_found
    assert not answers.answer(
        "Đồng chí Đỗ Minh Tuấn phải nộp bản tự kiểm điểm trước ngày nào?"
    ).not_found


def test_a_day_of_something_else_does_not_answer_when_an_event_happens(
    answers: AnswerService,
) -> None:
    # KH 48 gives deadlines for sending plans and reports, and says nothing of a review
    assert answers.answer("Kế hoạch 48 của Đảng ủy Khối bao giờ thì sơ kết?").not_found


def test_a_sanction_asked_is_answered_only_by_a_quote_naming_one() -> None:
    asked = "chi bộ xếp loại trung bình thì bí thư có bị xử lý không"
    assert not holds_what_is_asked("Năm 2022 có 7/9 chi bộ xếp loại sinh hoạt tốt.", asked)
    assert holds_what_is_asked(
        "Đảng viên vi phạm những điều không được làm bị xem xét, xử lý kỷ luật.", asked
    )
    # a count of those disciplined: a count of members reminded is not one of them
    counted = "năm 2019 xã Tân Hòa kỷ luật bao nhiêu đảng viên?"
    assert not holds_what_is_asked("Năm 2019 có 2 đảng viên vi phạm bị nhắc nhở.", counted)
    assert holds_what_is_asked("Đảng ủy đã xử lý kỷ luật 2 đảng viên vi phạm.", counted)
    # how many absences lead to a sanction: a rule about attending twice a year names none
    assert not holds_what_is_asked(
        "Cấp ủy viên cấp trên dự sinh hoạt ít nhất 2 lần/năm tại chi bộ mình phụ trách.",
        "theo chuong trinh 13 dang vien vang sinh hoat chi bo may lan thi bi xoa ten",
    )
    # «quy định chi bộ» holds no «đình chỉ»; no sanction is asked
    assert holds_what_is_asked(
        "Chi bộ sinh hoạt vào ngày 5 hằng tháng.",
        "Đảng bộ Công ty quy định chi bộ sinh hoạt vào ngày nào trong tháng?",
    )


def test_the_event_asked_is_answered_with_its_time() -> None:
    asked = "Kế hoạch 48 bao giờ thì sơ kết?"
    assert holds_what_is_asked("Giữa nhiệm kỳ tổ chức sơ kết, cuối nhiệm kỳ tổng kết.", asked)
    # the event without a time, and a time of another event
    assert not holds_what_is_asked("Ban Tổ chức tổng hợp, tham mưu sơ kết, tổng kết.", asked)
    assert not holds_what_is_asked("Gửi kế hoạch về Ban Tổ chức trước ngày 15/02/2022.", asked)


def test_how_often_an_event_happens_is_answered_with_its_frequency() -> None:
    asked = "Ban Tuyên giáo theo dõi tình hình tư tưởng thì bao lâu phải báo cáo một lần?"
    assert holds_what_is_asked("Ban Tuyên giáo định kỳ hằng quý báo cáo Ban Thường vụ.", asked)
    # a frequency of something else, and the event without one
    assert not holds_what_is_asked(
        "Ban Tuyên giáo gửi tài liệu trước ngày 15 của tháng đầu mỗi quý.", asked
    )
    assert not holds_what_is_asked("Ban Tuyên giáo theo dõi tình hình tư tưởng.", asked)


def test_a_when_question_is_answered_by_a_time_or_an_occasion_of_its_own() -> None:
    # «hoạt động hiệu lực, hiệu quả» shares «hiệu lực»; the only day in it dates NQ 18: KL 21
    # says nothing of when it takes effect, and the bot quoted this sentence
    cited = (
        "Tập trung xây dựng đội ngũ cán bộ các cấp, hoạt động hiệu lực, hiệu quả theo Nghị quyết "
        "số 18-NQ/TW ngày 25/10/2017 của Ban Chấp hành Trung ương khóa XII."
    )
    assert not holds_what_is_asked(cited, "ket luan 21 co hieu luc tu khi nao")
    assert holds_what_is_asked(
        "Quy định này có hiệu lực từ ngày ký, thay thế Quy định số 47-QĐ/TW ngày 01/11/2011.",
        "Quy định 37 có hiệu lực từ khi nào",
    )
    # «vào lúc nào» may ask the step of a procedure, which names no time
    assert holds_what_is_asked(
        "c) Phần kết thúc: thông qua nghị quyết; xin ý kiến đảng viên về chất lượng buổi sinh "
        "hoạt; bế mạc.",
        "xin y kien dang vien ve chat luong buoi sinh hoat vao luc nao",
    )


def test_a_time_question_without_an_event_is_answered_with_a_time() -> None:
    asked = "Bộ Chính trị yêu cầu rà soát chuẩn mực đạo đức công vụ xong trước thời hạn nào?"
    assert not holds_what_is_asked(
        "Các cơ quan, đơn vị rà soát, bổ sung chuẩn mực đạo đức công vụ cho phù hợp.", asked
    )
    assert holds_what_is_asked("Rà soát chuẩn mực đạo đức công vụ xong trong năm 2022.", asked)
    # «ở kỳ họp sau», «từ ngày ký» are times too
    assert holds_what_is_asked(
        "Thực hiện nghiêm việc đánh giá kết quả thực hiện nghị quyết ở kỳ họp sau.",
        "nghị quyết của cấp ủy khi nào phải đánh giá kết quả thực hiện",
    )
    assert holds_what_is_asked("Quy định này có hiệu lực từ ngày ký.", "QĐ 37 hiệu lực từ ngày nào")
    # «áp dụng khi nào» asks the occasion, not a day
    assert holds_what_is_asked(
        "Chuyển sinh hoạt đảng tạm thời áp dụng khi đảng viên đi học tập trung.",
        "chuyen sinh hoat dang tam thoi ap dung khi nao",
    )


def test_the_parts_a_plan_is_divided_in_are_quoted_as_its_headings(
    answers: AnswerService,
) -> None:
    answer = answers.answer("KH48 có mấy nhóm nhiệm vụ, gồm những gì?")
    assert [q.text for q in answer.quotes] == [
        "1. Tổ chức học tập, quán triệt",
        "2. Xây dựng kế hoạch thực hiện ở cơ sở",
        "3. Tự phê bình và phê bình",
        "4. Nâng cao chất lượng sinh hoạt chi bộ",
        "5. Kiểm tra, giám sát",
        "6. Phát huy vai trò giám sát của quần chúng",
    ]
    (source,) = answer.sources
    assert "48-KH/ĐUK" in source.citation and source.citation.split(" — ")[1].startswith("II")
    # typed bare, of a conclusion without sections named by its number
    bare = answers.answer("ket luan 01 cua bo chinh tri co may noi dung, la nhung gi")
    assert len(bare.quotes) == 7 and bare.quotes[-1].text == "7. Tổ chức thực hiện"
    # «bao nhiêu» counts as «mấy» does
    counted = answers.answer("ket luan 01 co bao nhieu noi dung")
    assert [q.text for q in counted.quotes] == [q.text for q in bare.quotes]
    # a question about one task of a resolution is no outline question
    task = answers.answer("NQ 05-NQ/CB: phó bí thư kiểm tra đột xuất xe về những nội dung gì?")
    assert "kiểm tra đột xuất" in task.quotes[0].text


@pytest.mark.parametrize(
    "question", ["muc dich yeu cau cua ke hoach 48", "Mục đích, yêu cầu của KH 48/ĐUK là gì?"]
)
def test_a_section_asked_by_its_heading_is_quoted_in_reading_order(
    answers: AnswerService, question: str
) -> None:
    # «mục đích yêu cầu» is only in the heading «I. MỤC ĐÍCH, YÊU CẦU»: typed bare the question
    # was refused, none of its sentences holding those words.
    answer = answers.answer(question)
    assert [q.text[:3] for q in answer.quotes] == ["1. ", "2. ", "3. "]
    assert answer.quotes[0].text.startswith("1. Quán triệt sâu sắc nội dung Kết luận số 21")
    (source,) = answer.sources
    assert "48-KH/ĐUK" in source.citation and "— I " in source.citation


def test_a_last_section_ends_before_the_signature(
    answers: AnswerService,
) -> None:
    answer = answers.answer("phần tổ chức thực hiện của chương trình 13 nói gì")
    texts = [q.text for q in answer.quotes]
    assert [t[:2] for t in texts] == ["1.", "2.", "3."]  # not «Lê Quang Hưng», «Nơi nhận»
    assert "13-CTr/ĐUK" in answer.sources[0].citation


def test_a_section_divided_in_parts_is_quoted_as_their_headings(answers: AnswerService) -> None:
    # the first lines of «II. NHIỆM VỤ, GIẢI PHÁP» were six «- …» items of its part 1 alone
    answer = answers.answer("nhiệm vụ giải pháp của chương trình 13")
    assert [q.text for q in answer.quotes] == [
        "1. Nâng cao năng lực lãnh đạo của cấp ủy",
        "2. Đổi mới nội dung, hình thức sinh hoạt chi bộ",
        "3. Nâng cao chất lượng đội ngũ bí thư chi bộ",
        "4. Tăng cường kiểm tra, giám sát và dự sinh hoạt chi bộ",
        "5. Thực hiện việc xin ý kiến đảng viên về chất lượng buổi sinh hoạt",
    ]


@pytest.mark.parametrize("question", ["quy định 37 có bao nhiêu điều", "QD 37 gom nhung dieu nao"])
def test_the_articles_of_a_regulation_are_its_outline(
    answers: AnswerService, question: str
) -> None:
    # refused before: no sentence of Quy định 37 says how many articles it has
    answer = answers.answer(question)
    texts = [q.text for q in answer.quotes]
    assert len(texts) == 10 and texts[0] == "Điều 1. Phạm vi điều chỉnh và đối tượng áp dụng"
    assert texts[-1] == "Điều 10. Hiệu lực thi hành"
    assert "37-QĐ/TW" in answer.sources[0].citation


@pytest.mark.parametrize(
    ("question", "alike"),
    [
        ("chỉ thị 05 nói những gì", "chỉ thị 05 nói về gì"),
        ("thong bao 215 ket luan nhung gi", "thông báo 215"),
    ],
)
def test_a_document_named_with_nothing_more_asked_is_answered_as_a_whole(
    answers: AnswerService, question: str, alike: str
) -> None:
    # «những» is no word of what is asked: these were refused, their focus words all gone
    answer, named = answers.answer(question), answers.answer(alike)
    assert answer.quotes and [q.text for q in answer.quotes] == [q.text for q in named.quotes]
    assert answer.sources[0].citation == named.sources[0].citation


def test_the_body_a_question_asks_the_tasks_of_leads(answers: AnswerService) -> None:
    assert body_tasked("CT 05 giao ban tuyen giao trung uong lam gi") == "ban tuyen giao trung uong"
    assert body_tasked("kế hoạch 48 giao cho chi bộ việc gì") == "chi bo"
    assert body_tasked("Kết luận 21 giao nhiệm vụ gì") is None
    # «họp giao ban» is a briefing: no «Ban» is asked (the whole question was refused when no
    # quote named a «ban hằng tháng của chi ủy ban»)
    assert body_tasked("cuộc họp giao ban hằng tháng của chi ủy bàn những việc gì") is None
    assert body_tasked("giao ban chi ủy thực hiện những nội dung gì") is None
    # «1. Đưa nội dung học tập …» (naming the Ban late in the sentence) came first
    answer = answers.answer("CT 05 giao ban tuyen giao trung uong lam gi")
    assert answer.quotes[0].text.startswith("2. Ban Tuyên giáo Trung ương chủ trì")


def test_the_document_asked_about_is_the_first_named_unless_named_alike() -> None:
    def source(question: str, numbers: list[str]) -> str | None:
        return _source_named(SearchResult([], question, question, numbers))

    kl01, ct05 = "01-KL/TW", "05-CT/TW"
    asked = "theo kết luận số 01 thì khi nào sơ kết, tổng kết chỉ thị 05"
    assert source(asked, [kl01, ct05]) == kl01
    assert source("kết luận số 01 coi việc thực hiện CT 05 là nhiệm vụ gì?", [kl01, ct05]) == kl01
    assert source("Học tập KL 21 và QĐ 37 phải xong khi nào?", ["21-KL/TW", "37-QĐ/TW"]) is None
    assert source("Chỉ thị 05 nói về gì?", [ct05]) is None


def test_what_the_conclusion_named_first_says_leads(answers: AnswerService) -> None:
    # Chỉ thị 05 itself asks for periodic reviews; Kết luận 01, asked about, sets them
    answer = answers.answer("theo kết luận số 01 thì khi nào sơ kết, tổng kết chỉ thị 05")
    assert answer.quotes[0].text.startswith("- Giữa nhiệm kỳ tổ chức sơ kết")


@pytest.mark.parametrize(
    "question",
    [
        "theo ket luan cua bo chinh tri ve tiep tuc thuc hien chi thi 05 thi hoc tap lam theo Bac "
        "phai gan voi nghi quyet trung uong nao",
        "Kết luận tiếp tục thực hiện Chỉ thị 05 yêu cầu gắn việc học tập và làm theo Bác với "
        "nghị quyết nào?",
    ],
)
def test_a_conclusion_about_the_directive_named_is_quoted_from_that_conclusion(
    answers: AnswerService, question: str
) -> None:
    # «kết luận … về tiếp tục thực hiện Chỉ thị 05»: the question names a conclusion by its kind
    # before the directive's number; KL 01 cites CT 05 and says it, CT 05 itself does not.
    answer = answers.answer(question)
    assert "01-KL/TW" in first_cited(answer)
    assert "Nghị quyết Trung ương 4 khóa XI, khóa XII" in answer.quotes[0].text


@pytest.mark.parametrize(
    "question",
    [
        # the kind comes after the number: a report made, not a report that cites KL 21
        "Thực hiện KL 21-KL/TW thì Bộ Chính trị, Ban Bí thư bao lâu báo cáo Trung ương một lần?",
        # the kind is the number's own
        "Kết luận 21 giao Ban Tổ chức Trung ương làm gì?",
    ],
)
def test_a_kind_named_after_the_number_or_its_own_kind_leaves_the_number_asked(
    answers: AnswerService, question: str
) -> None:
    answer = answers.answer(question)
    assert "21-KL/TW" in first_cited(answer)


def test_a_plan_by_the_issuer_named_comes_before_the_conclusion_it_implements(
    answers: AnswerService,
) -> None:
    # KL 21 is the Central Committee's; the question asks what the Khối required when it put
    # KL 21 into practice — its plan 48-KH/ĐUK, which cites KL 21, says it.
    answer = answers.answer(
        "Khi triển khai Kết luận 21 và Quy định 37, Đảng ủy Khối yêu cầu kiên quyết khắc phục "
        "tình trạng gì?"
    )
    assert "48-KH/ĐUK" in first_cited(answer)
    assert "kiên quyết khắc phục tình trạng hình thức" in answer.quotes[0].text


def test_an_issuer_is_named_by_the_start_of_its_name() -> None:
    khoi = "Đảng ủy Khối Cơ quan và Doanh nghiệp tỉnh Thanh Hóa"
    assert _issuer_named(khoi, "dang uy khoi yeu cau gi")
    assert _issuer_named(khoi, "hoc tap ket luan 21 trong dang bo khoi")  # its Đảng bộ
    assert not _issuer_named("Ban Chấp hành Trung ương", "dang uy khoi yeu cau gi")
    assert not _issuer_named(None, "dang uy khoi yeu cau gi")


def test_of_the_quotes_the_one_giving_the_figure_asked_leads(answers: AnswerService) -> None:
    # «sau mấy năm»: KL 01's «Để tiếp tục thực hiện … Chỉ thị số 05» shares more words, but
    # «Sau 5 năm thực hiện Chỉ thị số 05 …» gives the years asked.
    answer = answers.answer(
        "Bộ Chính trị ra kết luận tiếp tục thực hiện Chỉ thị 05 sau mấy năm thực hiện Chỉ thị?"
    )
    assert answer.quotes[0].text.startswith("Sau 5 năm thực hiện Chỉ thị số 05-CT/TW")


@pytest.mark.parametrize(
    "question",
    [
        "Sau 5 năm làm theo Chỉ thị 05 thì còn những hạn chế gì?",
        "Bo Chinh tri danh gia viec thuc hien Chi thi 05 trong 5 nam qua da lam duoc nhung gi?",
    ],
)
def test_a_review_of_the_directive_after_years_is_quoted_from_the_review(
    answers: AnswerService, question: str
) -> None:
    # CT 05 cannot say how its own first five years went; KL 01, which cites it and says «Sau 5
    # năm thực hiện Chỉ thị số 05-CT/TW …», does. (CT 05's «Sau 5 năm thực hiện Chỉ thị số
    # 03-CT/TW» is about the directive before it.)
    answer = answers.answer(question)
    assert "01-KL/TW" in first_cited(answer)


@pytest.mark.parametrize(
    "question", ["quý 3 sinh hoạt chuyên đề về nội dung gì", "chuyen de quy 3 nam 2024 ve gi"]
)
def test_the_quarter_asked_is_quoted_not_the_first_quarter(
    answers: AnswerService, question: str
) -> None:
    # «c) Quý III» sits in a passage ranked fourth; the lead-in of the list came with «a) Quý I»
    answer = answers.answer(question)
    assert answer.quotes[0].text.startswith("c) Quý III: Nâng cao chất lượng đảng viên")
    assert not any("Quý I:" in q.text for q in answer.quotes)
    assert "215-TB/ĐUK" in first_cited(answer)


@pytest.mark.parametrize(
    "question",
    ["tài liệu gợi ý đề dẫn gửi về chi bộ trước ngày nào",
     "tai lieu goi y de dan gui ve chi bo truoc ngay nao"],
)  # fmt: skip
def test_a_day_of_every_quarter_answers_before_which_day(
    answers: AnswerService, question: str
) -> None:
    # refused: «ngày 15 của tháng đầu mỗi quý» was not read as a day
    answer = answers.answer(question)
    assert "trước ngày 15 của tháng đầu mỗi quý" in answer.quotes[0].text


@pytest.mark.parametrize(
    "question",
    ["chỉ thị 03 được ban hành ngày nào", "chi thi 03 ban hanh ngay nao", "chỉ thị 03 ký ngày nào"],
)
def test_the_day_of_a_document_not_in_the_library_is_read_where_it_is_cited(
    answers: AnswerService, question: str
) -> None:
    # Chỉ thị 05's own date line was quoted for Chỉ thị 03's day (the kind «chỉ thị» was taken
    # for the document asked about)
    answer = answers.answer(question)
    assert answer.unknown_numbers
    assert "thay thế Chỉ thị số 03-CT/TW ngày 14/5/2011" in answer.quotes[0].text
    assert not any(q.text.startswith("Hà Nội, ngày") for q in answer.quotes)
    # under «… những đoạn văn bản khác nhắc tới nó» only a document citing Chỉ thị 03 is quoted
    # (a report's «ban hành Kế hoạch số 21-KH/ĐU ngày 10/5/2021» padded it)
    assert all("05-CT/TW" in answer.sources[q.source - 1].citation for q in answer.quotes)


def test_a_year_asked_is_not_answered_by_the_day_of_a_cited_document(
    answers: AnswerService,
) -> None:
    # «… hiệu lực, hiệu quả theo Nghị quyết số 18-NQ/TW ngày 25/10/2017 …» was quoted
    assert not answers.answer("kết luận 21 có hiệu lực đến năm nào").quotes


def test_words_folding_like_the_kinds_of_documents_are_still_asked() -> None:
    from index.retriever import words_besides_naming

    # «báo chí» folds to «bao chi», syllables of «báo cáo» and «chỉ thị»
    assert words_besides_naming("kết luận 21 có nói gì về báo chí không") == ["bao", "chi"]
    for naming in (
        "chi thi 05 noi ve gi",
        "báo cáo 86 nói về vấn đề gì",
        "nội dung chính của KL 01",
    ):
        assert words_besides_naming(naming) == []


def test_a_topic_folding_like_a_kind_of_document_is_not_read_as_the_whole_document(
    answers: AnswerService,
) -> None:
    # the title and preamble of Kết luận 21 were quoted as if it had been asked about as a whole
    answer = answers.answer("kết luận 21 có nói gì về báo chí không")
    assert not answer.quotes or "báo chí" in answer.quotes[0].text


def test_bi_of_du_bi_is_no_passive_and_the_start_asked_leads(answers: AnswerService) -> None:
    # «dự bị tính từ khi nào» read «bị tính từ» as what is done to someone, and the quote
    # answering it, which has no «tính từ» of its own words, was refused
    assert asked_event("thời gian dự bị tính từ khi nào") is None
    assert asked_event("chuan bi de dan truoc khi nao") is None
    assert asked_event("đảng viên bị xóa tên khi nào") == "xoa ten"
    for question in ("thời gian dự bị tính từ khi nào", "thoi gian du bi tinh tu khi nao"):
        first = answers.answer(question).quotes[0].text
        assert first == "1. Thời gian dự bị là 12 tháng, tính từ ngày chi bộ tổ chức lễ kết nạp."


@pytest.mark.parametrize(
    ("question", "first"),
    [
        # «sơ kết» folds to «so» (số) and «ket» (kết luận), both left out of the weights as
        # filler: nothing was left to find in the quote, and it was refused
        ("chương trình 13 năm nào sơ kết", "Năm 2023 sơ kết giữa nhiệm kỳ"),
        # «viết» only says the resolution is written; how it must be is what is asked
        ("nghị quyết cấp ủy phải viết như thế nào", "- Nghị quyết của cấp ủy phải ngắn gọn"),
        ("nghi quyet cap uy phai viet the nao", "- Nghị quyết của cấp ủy phải ngắn gọn"),
    ],
)
def test_what_is_asked_is_not_lost_to_filler_or_a_light_verb(
    answers: AnswerService, question: str, first: str
) -> None:
    answer = answers.answer(question)
    assert answer.quotes and answer.quotes[0].text.startswith(first)


def test_focus_falls_back_to_the_words_asked_when_the_weights_leave_them_all_out() -> None:
    from index.answer import _focus_of

    # «sơ kết»: «so» and «ket» are syllables of «số», «kết luận», dropped from the weights
    bare = SearchResult([], "chương trình 13 năm nào sơ kết", "", weights={"nao": 1.0})
    assert _focus_of(bare) == {"ket": 1.0}
    asked = SearchResult([], "đảng phí đóng bao nhiêu", "", weights={"dang": 0.5, "phi": 2.0})
    assert _focus_of(asked) == asked.weights


def test_a_question_is_not_taken_for_a_section_by_syllables_of_other_words(
    answers: AnswerService,
) -> None:
    # «phát biểu» matched «6. Phát hiện, biểu dương điển hình» of Kết luận 01, whose lines
    # were quoted for who gave the closing speech of the conference
    answer = answers.answer(
        "ai phat bieu ket luan hoi nghi so ket 3 nam ket luan 01 cua dang uy khoi"
    )
    assert not any(q.text.startswith("Quan tâm phát hiện, bồi dưỡng") for q in answer.quotes)


def test_a_filler_syllable_written_with_other_marks_is_a_word_asked(
    answers: AnswerService, hash_retriever: Retriever
) -> None:
    # «chí» of «báo chí» is no «chỉ» of «chỉ thị», «sơ» of «sơ kết» no «số», «hội» no «hỏi»
    weights = hash_retriever.search("kết luận 21 có nói gì về báo chí không", 5).weights
    assert "chi" in weights  # («báo» is written alike in «báo cáo»)
    assert "so" in hash_retriever.search("hội nghị sơ kết diễn ra ở đâu", 5).weights
    assert "so" not in hash_retriever.search("văn bản số mấy", 5).weights
    # a quarter named is searched in Roman numerals too; the question keeps its marks for this
    assert "so" in hash_retriever.search("hội nghị sơ kết quý 2 diễn ra ở đâu", 5).weights
    answer = answers.answer("kết luận 21 có nói gì về báo chí không")
    assert answer.quotes and "các đoàn thể và báo chí" in answer.quotes[0].text


def test_the_passages_of_documents_citing_a_number_not_in_the_library_are_marked(
    hash_retriever: Retriever,
) -> None:
    # what the answer keeps under «… những đoạn văn bản khác nhắc tới nó»
    hits = hash_retriever.search("chỉ thị 03 được ban hành ngày nào", 8).hits
    marked = {h.document.number for h in hits if "mention" in h.signals}
    assert marked == {"05-CT/TW"}
    assert any(h.document.number != "05-CT/TW" for h in hits)  # others found, not marked


@pytest.mark.parametrize(
    ("quote", "question", "held"),
    [
        # «đồng chí nào» asks a person: a meeting's date and agenda name no one
        ("Ngày 10/01/2024, Ban Thường vụ Đảng ủy Khối họp nghe Ban Tuyên giáo và Ban Tổ chức "
         "Đảng ủy Khối báo cáo kết quả sinh hoạt chi bộ năm 2023.",
         "cuộc họp Ban Thường vụ ngày 10/01/2024 do đồng chí nào chủ trì?", False),
        ("Đồng chí Lê Quang Hưng, Bí thư Đảng ủy Khối chủ trì hội nghị.",
         "hội nghị sơ kết do đồng chí nào chủ trì", True),
        # a post held by one person names that person
        ("Đồng chí Bí thư Chi bộ tiếp thu các ý kiến và kết luận những nhiệm vụ trọng tâm.",
         "dong chi nao ket luan buoi sinh hoat", True),
        ("Chi bộ có 23 đảng viên, dự sinh hoạt 23/23 đồng chí, tỷ lệ 100%.",
         "người nào được giao giúp đỡ quần chúng Lê Thị Thu Trang", False),
        # someone named doing something else does not answer who did the act asked
        ("Đồng chí Lê Quang Hưng, Bí thư Đảng ủy Khối chủ trì hội nghị.",
         "Ai trình bày báo cáo sơ kết 3 năm tại hội nghị của Đảng ủy Khối?", False),
        ("Đồng chí Lê Quang Hưng, Bí thư Đảng ủy Khối chủ trì hội nghị.",
         "ai chủ trì hội nghị sơ kết", True),
        ("3. Đồng chí Trần Đức Mạnh, Chi ủy viên: xây dựng phương án tiết kiệm nhiên liệu.",
         "Ai được giao xây dựng phương án tiết kiệm nhiên liệu?", True),
    ],
)  # fmt: skip
def test_who_is_asked_is_held_only_by_a_sentence_naming_one_who_did_it(
    quote: str, question: str, held: bool
) -> None:
    assert holds_what_is_asked(quote, question) is held


def test_which_comrade_chaired_is_refused_when_no_sentence_names_one(
    answers: AnswerService,
) -> None:
    answer = answers.answer(
        "TB 215: cuộc họp Ban Thường vụ Đảng ủy Khối ngày 10/01/2024 do đồng chí nào chủ trì?"
    )

    assert answer.not_found, [q.text for q in answer.quotes]


@pytest.mark.parametrize(
    ("question", "doing"),
    [
        ("ai báo cáo kết quả tháng 4", "bao cao"),  # «bao» of «báo cáo» is no «bao nhiêu»
        ("đồng chí nào báo cáo kết quả tháng 4", "bao cao"),
        ("do đồng chí nào chủ trì hội nghị", "chu tri"),
        ("ai hướng dẫn nội dung", "huong dan"),
    ],
)
def test_what_who_is_asked_to_have_done(question: str, doing: str) -> None:
    assert _asked_doing(question) == doing


@pytest.mark.parametrize(
    ("question", "kept"),
    [
        # that a meeting takes place is not asked, when or where it does is
        ("hội nghị sơ kết KL01 diễn ra ngày nào", {"hoi", "so"}),
        ("hoi nghi so ket dien ra o dau", {"hoi", "so"}),
        # «diễn ra như thế nào» asks how it went: «diễn» stays
        ("hội nghị sơ kết diễn ra như thế nào", {"hoi", "so", "dien"}),
        # «đồng chí nào» asks who: «đồng chí» is no word the answer must hold
        ("đồng chí nào báo cáo kết quả tháng 4", {"bao", "cao"}),
        ("đồng chí Hoa báo cáo gì, đồng chí nào kết luận", {"dong", "chi", "hoa", "bao", "cao"}),
    ],
)
def test_words_that_only_frame_what_is_asked_are_left_out(question: str, kept: set[str]) -> None:
    from index.answer import _without_light_verb

    weights = dict.fromkeys(["hoi", "so", "dien", "ra", "dong", "chi", "hoa", "bao", "cao"], 1.0)
    asked = {t for t in weights if t in set(fold(question).lower().split())}
    result = SearchResult([], question, question, weights={t: 1.0 for t in asked})

    assert set(_without_light_verb(result)) - {"ra"} == kept


def test_what_another_body_is_tasked_with_does_not_answer(answers: AnswerService) -> None:
    # Kết luận 21 tasks no Ủy ban Kiểm tra Trung ương: «Bộ Chính trị, Ban Bí thư chỉ đạo, kiểm
    # tra, giám sát …» was quoted for it
    refused = answers.answer("ket luan 21 giao uy ban kiem tra trung uong nhiem vu gi")
    tasked = answers.answer("kết luận 21 giao ban tổ chức trung ương làm gì")

    assert refused.not_found, [q.text for q in refused.quotes]
    assert tasked.quotes[0].text.startswith("3. Ban Tổ chức Trung ương chủ trì")


@pytest.mark.parametrize(
    ("question", "act"),
    [
        ("Ai trình bày báo cáo sơ kết 3 năm tại hội nghị?", "trinh bay"),
        ("Ai có trách nhiệm tập huấn nghiệp vụ công tác đảng viên?", "tap huan"),
        ("Ai được giao xây dựng phương án tiết kiệm nhiên liệu?", "xay dung"),
        ("ai là người tiếp thu ý kiến và kết luận", "tiep thu"),
        ("ai là bí thư chi bộ xe buýt", None),  # a post held, not an act
        ("QĐ 27-QĐ/ĐU chuẩn y ai làm phó bí thư chi bộ?", None),  # «làm» a post: holds it
        ("kinh phí học tập ở cơ sở do ai chi?", "chi"),
        ("bí thư chi bộ xe buýt là ai", None),  # no act after «ai»
    ],
)
def test_the_act_who_is_asked_to_have_done(question: str, act: str | None) -> None:
    assert act_asked(question) == act
