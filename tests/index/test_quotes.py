"""Composing an answer from passages, without the model: the sentence that answers comes first,
a list comes with its items, near misses are noticed, and every quote stays verbatim."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from index.answer import signing_line, signing_question
from index.citation import DocInfo
from index.lexical import tokenize
from index.quotes import (
    answers_figure,
    asked_unit,
    asks,
    candidate_sentences,
    figure_further,
    focus_coverage,
    gives_figure,
    gives_unit,
    names_person,
    outline,
    outline_asked,
    person_named,
    section_asked,
    section_words,
    select_quotes,
)
from index.retriever import Hit, SearchResult

RULES = DocInfo(
    1, "quy_dinh", "37-QĐ/TW", date(2021, 10, 25), "Ban Chấp hành Trung ương",
    "về những điều đảng viên không được làm", "quy-dinh-37.txt",
)  # fmt: skip
GUIDE = DocInfo(
    2, "huong_dan", "12-HD/BTCTW", date(2018, 1, 18), "Ban Tổ chức Trung ương",
    "về nâng cao chất lượng sinh hoạt chi bộ", "huong-dan-12.txt",
)  # fmt: skip


# Words every Party document is full of; the index gives them a low IDF, rare words a high one.
COMMON = set("dang vien co duoc khong lam viec trong chi bo cua cac mot to chuc".split())


def result(question: str, *passages: tuple[DocInfo, str]) -> SearchResult:
    """What the retriever would return for ``question`` over these passages."""
    hits = [Hit(n, doc, text, [], n, 1.0 - n / 10, 1.0) for n, (doc, text) in enumerate(passages)]
    weights = {t: 0.2 if t in COMMON else 2.0 for t in tokenize(question, bigrams=False)}
    return SearchResult(hits, question, question, weights=weights)


def first_quote(found: SearchResult) -> str:
    return select_quotes(found, found.weights)[0].text


def test_the_sentence_with_the_figure_comes_first_for_bao_nhieu() -> None:
    found = result(
        "tỷ lệ đảng viên dự sinh hoạt chi bộ phải đạt bao nhiêu",
        (GUIDE, "Chi bộ tổ chức sinh hoạt chi bộ thường kỳ, đảng viên dự sinh hoạt đầy đủ.\n"
                "Tỷ lệ đảng viên dự sinh hoạt chi bộ đạt từ 90% trở lên."),
    )  # fmt: skip
    assert first_quote(found) == "Tỷ lệ đảng viên dự sinh hoạt chi bộ đạt từ 90% trở lên."


def test_the_permission_clause_comes_before_a_clause_that_only_shares_words() -> None:
    found = result(
        "Đảng viên có được kinh doanh không?",
        (RULES, "Đảng viên phải giữ bí mật của Đảng, không để lộ thông tin trong kinh doanh, "
                "hoạt động của đảng viên.\n"
                "Không được kinh doanh những ngành, nghề mà pháp luật cấm."),
    )  # fmt: skip
    assert first_quote(found) == "Không được kinh doanh những ngành, nghề mà pháp luật cấm."


def test_a_word_matched_only_without_its_marks_counts_less() -> None:
    found = result(
        "có cấm đảng viên làm đám cưới to không",
        (RULES, "Không được tham gia đánh bạc, mại dâm hoặc bao che cho các hoạt động đó.\n"
                "Không được tổ chức cưới hỏi một cách linh đình, phô trương, lãng phí."),
    )  # fmt: skip
    assert first_quote(found).startswith("Không được tổ chức cưới hỏi")


def test_a_list_lead_in_is_quoted_with_its_items() -> None:
    passage = (
        "Nội dung sinh hoạt chi bộ gồm các bước sau:\n"
        "a) Khai mạc, thông qua chương trình;\n"
        "b) Đánh giá tình hình thực hiện nhiệm vụ;\n"
        "c) Kết luận.\n"
        "Chi bộ ghi biên bản đầy đủ."
    )
    found = result("sinh hoạt chi bộ gồm những bước gì", (GUIDE, passage))
    quote = first_quote(found)
    assert quote.startswith("Nội dung sinh hoạt chi bộ gồm các bước sau:")
    assert quote.endswith("c) Kết luận.") and quote in passage


def test_only_quotes_close_to_the_best_are_added() -> None:
    found = result(
        "chi bộ sinh hoạt thường kỳ mấy lần một tháng",
        (GUIDE, "Chi bộ sinh hoạt thường kỳ mỗi tháng một lần.\n"
                "Đảng viên có trách nhiệm đóng góp ý kiến xây dựng nghị quyết của tổ chức."),
    )  # fmt: skip
    assert [q.text for q in select_quotes(found, found.weights)] == [
        "Chi bộ sinh hoạt thường kỳ mỗi tháng một lần."
    ]


PROCESS = DocInfo(
    4, "huong_dan", "05-HD/ĐUK", date(2021, 7, 20), "Đảng ủy Khối Cơ quan và Doanh nghiệp tỉnh",
    "quy trình sinh hoạt chi bộ", "huong-dan-05.docx",
)  # fmt: skip
STEPS = (
    "a) Phần mở đầu: chào cờ; tuyên bố lý do; giới thiệu đại biểu; cử thư ký.\n"
    "b) Phần nội dung:\n"
    "- Thông tin thời sự trong nước, trong tỉnh, không quá 15 phút.\n"
    "- Xác định nhiệm vụ tháng tới và phân công cụ thể cho đảng viên."
)


def test_a_short_lead_in_is_quoted_with_the_items_under_it() -> None:
    # «b) Phần nội dung:» is shorter than a sentence worth quoting alone; it was dropped, and
    # the bot quoted one item of its list at a time.
    found = result("phần nội dung của buổi sinh hoạt chi bộ gồm những gì", (PROCESS, STEPS))
    assert first_quote(found) == STEPS[STEPS.index("b) Phần") :]


def test_the_words_naming_the_document_asked_about_do_not_pick_its_sentence() -> None:
    # «theo hướng dẫn 05 của Đảng ủy Khối» names the document: in its own sentences «hướng
    # dẫn» and «Đảng ủy Khối» say nothing about what is asked, and a sentence holding them
    # («Ban Tổ chức Đảng ủy Khối theo dõi, hướng dẫn …») led the answer.
    passage = (
        STEPS + "\n"
        "2. Ban Tổ chức Đảng ủy Khối theo dõi, hướng dẫn việc sinh hoạt chi bộ 6 tháng, một năm."
    )
    found = result(
        "Phần nội dung của buổi sinh hoạt chi bộ theo hướng dẫn 05 của Đảng ủy Khối gồm những gì",
        (PROCESS, passage),
    )
    found = replace(found, numbers=["05-HD/ĐUK"])
    assert first_quote(found).startswith("b) Phần nội dung:")


def test_doubled_end_punctuation_is_cut_and_quotes_stay_verbatim() -> None:
    text = "Các cấp ủy tổ chức quán triệt đến từng đảng viên trong tháng 11 năm 2021.."
    [sentence] = candidate_sentences(text)
    assert sentence.endswith("2021.") and not sentence.endswith("..") and sentence in text


def test_an_item_is_quoted_whole_with_its_label_and_number() -> None:
    # «- Tháng 4: Sơ kết công tác quý I; Ủy ban Kiểm tra …» was cut at «; Ủ…» and the bot quoted
    # «Ủy ban Kiểm tra Đảng ủy kiểm tra chi bộ …» without the month it is planned for.
    passage = (
        "- Tháng 4: Sơ kết công tác quý I; Ủy ban Kiểm tra Đảng ủy kiểm tra chi bộ Xí nghiệp Xe "
        "khách liên tỉnh.\n"
        "1. Nâng cao chất lượng sinh hoạt chi bộ. Phấn đấu có ít nhất 8/9 chi bộ xếp loại tốt.\n"
        "Hằng năm tổ chức tập huấn cho bí thư chi bộ; Đảng ủy cử cán bộ theo dõi từng chi bộ."
    )
    assert candidate_sentences(passage) == [
        "- Tháng 4: Sơ kết công tác quý I; Ủy ban Kiểm tra Đảng ủy kiểm tra chi bộ Xí nghiệp Xe "
        "khách liên tỉnh.",
        "1. Nâng cao chất lượng sinh hoạt chi bộ.",
        "Phấn đấu có ít nhất 8/9 chi bộ xếp loại tốt.",
        # outside an item, a clause after «;» opening with a capital is still a sentence
        "Hằng năm tổ chức tập huấn cho bí thư chi bộ;",
        "Đảng ủy cử cán bộ theo dõi từng chi bộ.",
    ]


def test_a_place_and_date_line_is_no_sentence_to_quote() -> None:
    head = (
        "Số 215-TB/ĐUK\nThanh Hóa, ngày 12 tháng 01 năm 2024\nHà Nội, ngày 25 tháng 10 năm 2021\n"
        "Ngày 10/01/2024, Ban Thường vụ Đảng ủy Khối họp nghe báo cáo kết quả sinh hoạt chi bộ."
    )
    assert candidate_sentences(head) == [
        "Ngày 10/01/2024, Ban Thường vụ Đảng ủy Khối họp nghe báo cáo kết quả sinh hoạt chi bộ."
    ]


def test_a_near_miss_leaves_its_focus_words_out_of_the_quote() -> None:
    passages = (
        (RULES, "Không được uống các loại đồ uống có cồn khi làm việc.\n"
                "Không được tham gia đánh bạc, sử dụng ma túy dưới mọi hình thức."),
    )  # fmt: skip
    near = result("đảng viên có được uống rượu bia trong giờ làm việc không", *passages)
    asked = result("đảng viên có được đánh bạc không", *passages)
    near_quotes = select_quotes(near, near.weights)
    asked_quotes = select_quotes(asked, asked.weights)
    assert focus_coverage(near_quotes, near.hits, near.weights) < 0.5
    assert focus_coverage(asked_quotes, asked.hits, asked.weights) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("question", "unit"),
    [
        ("Phải đủ bao nhiêu tuổi mới được kết nạp Đảng?", "tuoi"),
        ("dang phi dong bao nhieu phan tram luong", "phan tram"),
        ("tỷ lệ đảng viên dự sinh hoạt phải đạt bao nhiêu", "phan tram"),
        ("Bí thư chi bộ được phụ cấp bao nhiêu một tháng?", "tien"),
        ("chi bo co bao nhieu dang vien nu", "dang vien"),
        # «thường kỳ» is not «thưởng» once the marks are gone; «thời gian» asks a duration
        ("ghep vao sinh hoat thuong ky thi danh bao nhieu thoi gian", "thoi gian"),
        ("Tiền thưởng là bao nhiêu?", "tien"),
        ("chi bo xe buyt so 1 sinh hoat thang 5 vao ngay nao", "ngay thang"),
        # any other thing counted, by its first syllable
        ("KL 21 liệt kê bao nhiêu biểu hiện suy thoái?", "bieu"),
        ("co bao nhieu nhiem vu trong tam", "nhiem"),
        # «bộ máy» typed with or without marks is no count
        ("Tổ chức bộ máy của hệ thống chính trị còn những hạn chế gì?", None),
        ("bao nhiêu là đủ", None),
        ("Đảng viên dự bị bao lâu thì được xét chính thức?", "thoi gian"),
        ("Đảng viên dự bị được bao nhiêu quyền?", "quyen"),
        ("Chỉ thị 05 nói về gì", None),
        # «lực lượng», «chất lượng» are no salary, with marks or without
        ("Năm 2023 lực lượng nòng cốt đăng bao nhiêu tin bài?", "tin"),
        ("luc luong nong cot dang bao nhieu tin bai", "tin"),
        ("theo ket luan 21 muc luong moi cua can bo la bao nhieu", "tien"),
        # a document's articles and chapters are counted too: quoting articles is no count
        ("Quy định 37 có mấy điều?", "dieu"),
        ("qd 37 co bao nhieu chuong", "chuong"),
        # a place, the body one goes to or a source — not what falls short
        ("Hội nghị sơ kết 3 năm Kết luận 01 tổ chức ở đâu?", "noi chon"),
        ("mat the dang thi lam lai o dau", "noi chon"),
        ("kinh phí học chuyên đề lấy ở đâu", "noi chon"),
        ("Năm 2023 sinh hoạt chuyên đề của các chi bộ còn yếu ở đâu?", None),
        # where something is sent or reported to
        ("báo cáo kết quả thực hiện KL21 gửi về đâu", "noi chon"),
        ("de dan viet xong thi gui ve dau", "noi chon"),
        ("hồ sơ chuyển sinh hoạt nộp lên đâu", "noi chon"),
        ("Kết luận 21 đã làm được đến đâu?", None),
        # how often, not how long
        ("Ban Tuyên giáo phải báo cáo Bộ Chính trị bao lâu một lần?", "tan suat"),
        ("cong doan gop y xay dung to chuc dang may thang mot lan", "tan suat"),
        ("dinh ky bao lau chi bo phai kiem diem", "tan suat"),
        ("Ban Tuyên giáo theo dõi tư tưởng thì bao lâu phải báo cáo một lần?", "tan suat"),
        ("Bộ Chính trị, Ban Bí thư bao lâu báo cáo Trung ương một lần ạ?", "tan suat"),
        # «cần … bao nhiêu cán bộ»: «cán bộ» folds like the «cần» of a question, but is counted
        ("vậy cần quy hoạch bao nhiêu cán bộ cấp chiến lược?", "can bo"),
        # a person's name, however far the person is named before it
        ("quần chúng lái xe tuyến 03 được chi bộ xe buýt đề nghị kết nạp tên là gì", "ten nguoi"),
        ("dong chi pho bi thu chi bo ho ten day du la gi", "ten nguoi"),
        # a programme's name is no person's
        ("Chuyên đề năm 2024 tên là gì?", None),
    ],
)
def test_the_unit_a_figure_is_asked_in(question: str, unit: str | None) -> None:
    assert asked_unit(question) == unit


@pytest.mark.parametrize(
    ("sentence", "unit", "gives"),
    [
        ("Người vào Đảng phải đủ 18 tuổi.", "tuoi", True),
        ("Tỷ lệ đảng viên dự sinh hoạt đạt 96,5%.", "phan tram", True),
        # a share in words answers «bao nhiêu phần trăm»
        ("phải được ít nhất hai phần ba số đảng viên chính thức tán thành", "phan tram", True),
        ("được quá nửa số đại biểu tán thành", "phan tram", True),
        ("Chi bộ có 23 đảng viên, chia thành ba tổ.", "phan tram", False),
        ("Dự họp 23/23 đồng chí, tỷ lệ 100%.", "dang vien", True),
        ("được ít nhất hai phần ba số đảng viên chính thức tán thành", "dang vien", True),
        ("Mức phụ cấp 1.500.000 đồng/tháng.", "tien", True),
        ("phải dành ít nhất 45 phút cho nội dung chuyên đề", "thoi gian", True),
        (
            "Chiều ngày 06/5/2024, Chi bộ tổ chức sinh hoạt định kỳ tháng 5/2024.",
            "ngay thang",
            True,
        ),
        ("Hà Nội, ngày 25 tháng 10 năm 2021", "ngay thang", True),
        ("Kết luận chỉ ra 19 biểu hiện suy thoái", "bieu", True),
        ("Kết luận chỉ ra các biểu hiện suy thoái trong 5 năm", "bieu", False),
        # a month is not the day asked
        ("Chi bộ sinh hoạt định kỳ tháng 5/2024 gắn với chuyên đề", "ngay thang", False),
        # a figure, but not in the unit asked: no allowance, no count of members
        ("100% bí thư chi bộ được bồi dưỡng nghiệp vụ.", "tien", False),
        ("Kiểm điểm 5 đồng chí chưa đóng đảng phí đúng hạn.", "tien", False),
        ("Thực hiện trong năm 2024 ở 6 tuyến xe buýt.", "dang vien", False),
        ("Hội nghị được tổ chức tại Hội trường Tỉnh ủy.", "noi chon", True),
        (
            "Đảng viên làm mất thẻ báo cáo chi bộ để đảng ủy cơ sở đề nghị cấp lại.",
            "noi chon",
            True,
        ),
        ("Kinh phí thực hiện từ nguồn ngân sách của cấp ủy.", "noi chon", True),
        ("Mỗi đảng viên viết bản cam kết, lưu tại chi bộ.", "noi chon", True),
        ("Mỗi đảng viên viết bản cam kết tại buổi sinh hoạt.", "noi chon", False),
        # the body a paper goes to
        ("hoàn thiện đề dẫn thành bài viết gửi Văn phòng Đảng ủy Công ty", "noi chon", True),
        (
            "định kỳ 6 tháng báo cáo kết quả thực hiện về Đảng ủy Khối qua Ban Tổ chức.",
            "noi chon",
            True,
        ),
        ("gửi về Ban Tổ chức Đảng ủy Khối trước ngày 15/02/2022", "noi chon", True),
        ("báo cáo kết quả sinh hoạt chi bộ năm 2023 và đề xuất định hướng", "noi chon", False),
        # who held it and when, but not where
        ("Sáng ngày 22/5/2024, Đảng ủy Khối tổ chức hội nghị sơ kết.", "noi chon", False),
        # a date is no duration: «06 tháng 5» is not six months, «5 năm 2024» not five years
        ("Thanh Hóa, ngày 06 tháng 5 năm 2024", "thoi gian", False),
        ("Thời gian dự bị là 12 tháng.", "thoi gian", True),
        # an anniversary is no duration («… kéo dài bao lâu» was answered by it)
        ("Tổ chức kỷ niệm 134 năm Ngày sinh Chủ tịch Hồ Chí Minh.", "thoi gian", False),
        # «một số» is some, not one
        ("Hội nghị chỉ ra một số chi bộ doanh nghiệp chưa làm tốt.", "chi bo", False),
        ("Còn một chi bộ chưa tổ chức sinh hoạt chuyên đề.", "chi bo", True),
        # a count as an ordinal
        ("Đây là tháng thứ ba liên tiếp chi bộ duy trì tỷ lệ tuyệt đối.", "thang", True),
        ("Đại hội lần thứ XIII của Đảng", "lan", False),
        # how often: «hằng năm», «mỗi quý ít nhất một lần», «6 tháng một lần» — not a duration
        ("định kỳ hằng năm báo cáo Bộ Chính trị, Ban Bí thư.", "tan suat", True),
        ("Chi bộ sinh hoạt chuyên đề ít nhất mỗi quý một lần.", "tan suat", True),
        ("Sơ kết 6 tháng một lần.", "tan suat", True),
        ("Thời gian dự bị là 12 tháng.", "tan suat", False),
        # a name: a person named, not a title, not a body
        ("giúp đỡ quần chúng Lê Thị Thu Trang hoàn thiện hồ sơ", "ten nguoi", True),
        ("Đồng chí Đỗ Thanh Bình phát biểu chỉ đạo.", "ten nguoi", True),
        ("đề nghị kết nạp 01 quần chúng ưu tú là lái xe tuyến số 03", "ten nguoi", False),
        ("Ban Thường vụ Đảng ủy Khối chủ trì.", "ten nguoi", False),
        # a document's number is no count of cadres
        (
            "xây dựng đội ngũ cán bộ các cấp, nhất là cấp chiến lược, theo Nghị quyết số 18-NQ/TW.",
            "can bo",
            False,
        ),
        ("Khóa XIII quy hoạch 150 cán bộ cấp chiến lược.", "can bo", True),
        # «chuyên đề», «vận chuyển» are no «chuyến»; a share is no count of trips
        (
            "Sinh hoạt định kỳ tháng 5/2024 gắn với chuyên đề học tập và làm theo Bác",
            "chuyen",
            False,
        ),
        ("tỷ lệ chuyến xe xuất bến đúng giờ đạt 97,5%", "chuyen", False),
        ("Mỗi ngày xí nghiệp chạy 120 chuyến xe.", "chuyen", True),
        ("các tuyến xe có tổng số chuyến là 120 trong tháng", "chuyen", True),
    ],
)
def test_a_figure_answers_only_in_the_unit_asked(sentence: str, unit: str, gives: bool) -> None:
    assert gives_unit(sentence, unit) is gives


def test_the_day_a_cited_document_was_issued_is_no_day_of_what_is_asked() -> None:
    cited = "sắp xếp tổ chức bộ máy theo Nghị quyết số 18-NQ/TW ngày 25/10/2017 của Trung ương."
    # «Hội nghị Trung ương 4 … họp từ ngày nào»: NQ 18's date does not say when
    assert not gives_unit(cited, "ngay thang")
    assert not gives_unit(cited, "ngay thang", ["21-KL/TW"])
    # asked about NQ 18 itself, it does
    assert gives_unit(cited, "ngay thang", ["18-NQ/TW"])
    assert gives_unit("Hội nghị họp ngày 25/10/2021 tại Hà Nội.", "ngay thang")


def test_a_minimum_does_not_answer_a_question_asking_a_maximum() -> None:
    asked_max = "buổi sinh hoạt chuyên đề được kéo dài tối đa bao nhiêu phút"
    asked_min = "sinh hoạt chuyên đề tối thiểu bao nhiêu phút"
    at_least = "Buổi sinh hoạt nên bố trí khoảng 90 phút trở lên."
    at_most = "Phần đề dẫn không quá 15 phút."
    assert not gives_figure(at_least, asked_max, "phut")
    assert gives_figure(at_most, asked_max, "phut")
    assert gives_figure(at_least, asked_min, "phut")
    assert not gives_figure(at_most, asked_min, "phut")
    # a figure with no bound answers either
    assert gives_figure("Đề dẫn trình bày trong 15 phút.", asked_max, "phut")


def test_a_figure_question_is_refused_when_no_quote_gives_the_figure_asked() -> None:
    passage = (
        "Lễ kết nạp đảng viên được tổ chức chậm nhất 30 ngày làm việc kể từ ngày có quyết định.\n"
        "Người vào Đảng phải có lý lịch rõ ràng."
    )
    near = result("Phải đủ bao nhiêu tuổi mới được kết nạp Đảng?", (GUIDE, passage))
    assert not answers_figure(select_quotes(near, near.weights), near.query)
    asked = result("lễ kết nạp tổ chức chậm nhất sau bao nhiêu ngày", (GUIDE, passage))
    quotes = select_quotes(asked, asked.weights)
    assert quotes[0].text.startswith("Lễ kết nạp") and answers_figure(quotes, asked.query)


@pytest.mark.parametrize(
    ("question", "wanted"),
    [
        ("chi bộ họp mấy lần một tháng", {"figure"}),
        ("chi bo hop may lan mot thang", {"figure"}),
        ("hồ sơ kết nạp gồm những gì", {"list"}),
        ("đảng viên có được kinh doanh không", {"permission"}),
        ("hạn chót nộp báo cáo là ngày nào", {"date"}),
        ("Chỉ thị 05 nói về gì", set()),
        ("Sau 5 năm làm theo Chỉ thị 05 thì còn những hạn chế gì?", {"shortcoming"}),
    ],
)
def test_what_a_question_asks_for(question: str, wanted: set[str]) -> None:
    assert asks(question) == wanted


def test_only_a_question_about_the_articles_themselves_asks_their_outline() -> None:
    assert outline_asked("quy định 37 có bao nhiêu điều") == "dieu"
    assert outline_asked("QĐ 37 gồm những điều nào?") == "dieu"
    # how many things a member must not do is asked of what the articles say
    assert outline_asked("QĐ 47 có bao nhiêu điều đảng viên không được làm?") is None


def test_signing_questions_are_answered_from_the_date_line_and_signature_block() -> None:
    text = (
        "BAN CHẤP HÀNH TRUNG ƯƠNG\n*\nSố 37-QĐ/TW\nHà Nội, ngày 25 tháng 10 năm 2021\n"
        "QUY ĐỊNH\nvề những điều đảng viên không được làm\n…\n"
        "T/M BAN CHẤP HÀNH TRUNG ƯƠNG\nTỔNG BÍ THƯ\n\nNguyễn Văn A (mẫu)\n"
    )
    assert signing_question("quy dinh 37 ky ngay nao") == "date"
    assert signing_question("QĐ 37 do ai ký?") == "signer"
    assert signing_question("đảng viên có được ký hợp đồng không") is None
    # «kỳ» of «nhiệm kỳ» is not «ký» once the marks are gone
    assert signing_question("chuong trinh 13 khi nao so ket giua nhiem ky") is None
    # written with its marks, «kỳ» is never «ký»; typed bare, «kỳ họp» and «diễn ra» tell
    assert signing_question("Kỳ sơ kết tiếp theo vào ngày nào") is None
    assert signing_question("Kế hoạch ký vào ngày nào") == "date"
    assert signing_question("Hội nghị kỳ này diễn ra khi nào") is None
    assert signing_question("ky hop thu 5 dien ra khi nao") is None
    assert signing_question("Ai ký Kết luận 21?") == "signer"
    # the year it was issued is its date too; «… nhiệm kỳ … năm nào» typed bare is not
    assert signing_question("ket luan 01 ban hanh nam nao") == "date"
    assert signing_question("Chỉ thị 05 được ban hành năm nào?") == "date"
    assert signing_question("dai hoi nhiem ky 2020 2025 to chuc nam nao") is None
    assert signing_line(text, "date") == "Hà Nội, ngày 25 tháng 10 năm 2021"
    block = signing_line(text, "signer")
    assert block == "T/M BAN CHẤP HÀNH TRUNG ƯƠNG\nTỔNG BÍ THƯ\n\nNguyễn Văn A (mẫu)"
    assert block in text


def test_a_figure_is_looked_for_further_only_in_the_documents_already_found() -> None:
    decision = "Điều 1. Chuẩn y kết quả bầu cử tại Đại hội Chi bộ Xe buýt số 1: đồng chí A, Bí thư."
    votes = "Đồng chí A trúng cử Bí thư với 95% số phiếu bầu."
    attendance = "Chi bộ Xe buýt số 1 có 23 đảng viên, dự sinh hoạt 23/23 đồng chí, tỷ lệ 100%."
    question = "Bí thư chi bộ Xe buýt số 1 trúng cử với bao nhiêu phần trăm số phiếu?"
    article = DocInfo(3, "bai_viet", None, None, None, "Chi bộ Xe buýt số 1", "bai-viet.txt")
    # the first hit gives no share of votes; a further passage of the same decision does
    found = result(question, (RULES, decision), (GUIDE, attendance), (RULES, votes))
    assert not answers_figure(select_quotes(found, found.weights, max_hits=1), question)
    hits, quotes = figure_further(found, 1) or ([], [])
    assert hits[quotes[0].hit_index].text == votes and quotes[0].text == votes
    # another document's «tỷ lệ 100%» (attendance) is not a share of votes
    assert figure_further(result(question, (RULES, decision), (article, attendance)), 1) is None


def test_a_figure_question_leads_with_the_sentence_giving_the_figure() -> None:
    # «xét … chính thức» is shared by a sentence without the duration; the duration comes first
    passage = (
        "Thời gian dự bị là 12 tháng, tính từ ngày chi bộ tổ chức lễ kết nạp.\n"
        "Khi hết thời gian dự bị, chi bộ xét và đề nghị công nhận đảng viên chính thức."
    )
    found = result("Đảng viên dự bị bao lâu thì được xét chính thức?", (GUIDE, passage))
    assert not answers_figure(select_quotes(found, found.weights), found.query)
    _hits, quotes = figure_further(found, 1) or ([], [])
    assert quotes[0].text.startswith("Thời gian dự bị là 12 tháng")


def test_a_shortcoming_asked_lifts_the_sentence_that_states_one() -> None:
    found = result(
        "Sau 5 năm thực hiện Chỉ thị 05 thì còn những hạn chế gì?",
        (GUIDE, "Sau 5 năm thực hiện Chỉ thị 05, nhận thức của cán bộ, đảng viên được nâng lên.\n"
                "Bên cạnh đó, việc thực hiện Chỉ thị ở một số nơi chưa đồng đều, còn nặng về "
                "hình thức."),
    )  # fmt: skip
    assert first_quote(found).startswith("Bên cạnh đó, việc thực hiện Chỉ thị")


PLAN = DocInfo(
    3, "thong_bao", "215-TB/ĐUK", date(2024, 1, 10), "Đảng ủy Khối",
    "về sinh hoạt chuyên đề năm 2024", "thong-bao-215.txt",
)  # fmt: skip
QUARTERS = (
    "Các chi bộ tổ chức sinh hoạt chuyên đề mỗi quý ít nhất một lần, theo nội dung sau:\n"
    "a) Quý I: Nâng cao ý thức tổ chức kỷ luật của đảng viên.\n"
    "b) Quý II: Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh.\n"
    "c) Quý III: Nâng cao chất lượng đảng viên trong doanh nghiệp.\n"
    "d) Quý IV: Đẩy mạnh xây dựng, chỉnh đốn Đảng."
)


@pytest.mark.parametrize(
    ("question", "item"),
    [
        ("chuyên đề quý IV năm 2024 về nội dung gì", "d) Quý IV:"),
        ("chuyen de quy 4 nam 2024 ve noi dung gi", "d) Quý IV:"),
        ("sinh hoạt chuyên đề quý 2 học gì", "b) Quý II:"),
        ("chuyen de quy iii la gi", "c) Quý III:"),
    ],
)
def test_the_item_of_the_part_named_comes_first_not_the_list_or_another_part(
    question: str, item: str
) -> None:
    # «quý 4» and «quý IV» name the same item; the list's lead-in and «Quý I» share as many words.
    assert first_quote(result(question, (PLAN, QUARTERS))).startswith(item)


def test_no_item_of_another_part_pads_the_item_named() -> None:
    from index.quotes import holds_part

    # the quarters as the real notice splits them: the list's lead-in with the first item, the
    # next ones in another passage
    lead_in, rest = QUARTERS.split("\nb)")
    found = result("quý 3 sinh hoạt chuyên đề về nội dung gì", (PLAN, "b)" + rest),
                   (PLAN, lead_in))  # fmt: skip
    quotes = [q.text for q in select_quotes(found, found.weights)]
    assert quotes[0].startswith("c) Quý III:")
    # the lead-in would bring «a) Quý I» with it: nothing about the third quarter
    assert not any("Quý I:" in q for q in quotes)
    assert holds_part("b)" + rest, ("quy", 3)) and not holds_part(lead_in, ("quy", 3))


def test_who_is_asked_about_a_part_is_answered_by_a_person_not_the_part_item() -> None:
    task = (GUIDE, "4. Đồng chí Phạm Thị Hoa: hoàn thiện đề dẫn sinh hoạt chuyên đề quý II thành "
                   "bài viết gửi Văn phòng Đảng ủy Công ty.")  # fmt: skip
    found = result("ai viết bài về chuyên đề quý II gửi văn phòng", (PLAN, QUARTERS), task)
    assert first_quote(found).startswith("4. Đồng chí Phạm Thị Hoa")
    # what the part is about is still answered by its item
    assert first_quote(result("chuyên đề quý II học gì", (PLAN, QUARTERS), task)).startswith(
        "b) Quý II:"
    )


def test_a_quarter_term_or_congress_is_searched_in_digits_and_in_roman_numerals() -> None:
    from index.lexical import with_numeral_forms

    assert tokenize(with_numeral_forms("quý 3 sinh hoạt chuyên đề gì"))[:3] == ["quy", "3", "iii"]
    assert "13" in tokenize(with_numeral_forms("nghị quyết đại hội XIII"))
    assert "xiii" in tokenize(with_numeral_forms("khoa 13"))
    assert "iv" in tokenize(with_numeral_forms("Mục 4 nói gì"))
    # «vi» of «vi phạm», a section «2.1», a programme's number: nothing added
    for plain in ("những điều vi phạm", "mục 2.1 nói gì", "Chương trình 13 nói gì"):
        assert with_numeral_forms(plain) == plain


@pytest.mark.parametrize(
    "sentence",
    ["Ban Tuyên giáo gửi tài liệu gợi ý đề dẫn trước ngày 15 của tháng đầu mỗi quý.",
     "Chi bộ nộp báo cáo trước ngày 5 hằng tháng.", "Báo cáo gửi trước ngày 10/6."],
)  # fmt: skip
def test_a_day_of_every_month_or_quarter_answers_which_day(sentence: str) -> None:
    assert gives_unit(sentence, "ngay thang")
    assert not gives_unit("Chi bộ nộp báo cáo hằng tháng.", "ngay thang")


def test_a_year_asked_needs_a_year_of_the_sentence_own() -> None:
    assert asked_unit("kết luận 21 có hiệu lực đến năm nào") == "nam nao"
    assert asked_unit("chi bo thanh lap nam may") == "nam nao"
    assert gives_unit("Chương trình thực hiện đến hết năm 2025.", "nam nao")
    cited = "Sắp xếp bộ máy theo Nghị quyết số 18-NQ/TW ngày 25/10/2017 của Ban Chấp hành."
    assert not gives_unit(cited, "nam nao")
    assert gives_unit(cited, "nam nao", ["18-NQ/TW"])  # the year of the document named


SIGNED = (
    "2. Bộ Chính trị chỉ đạo; định kỳ hằng năm báo cáo Ban Chấp hành Trung ương.\n"
    "T/M BAN CHẤP HÀNH TRUNG ƯƠNG\nTỔNG BÍ THƯ\nNguyễn Phú Trọng\nNơi nhận:\n"
    "- Các đồng chí Ủy viên Ban Chấp hành Trung ương Đảng,\n- Ban Tổ chức Tỉnh ủy (để báo cáo),"
)


def test_a_line_of_the_distribution_list_answers_only_where_a_document_is_sent() -> None:
    found = result("bao lâu thì báo cáo Ban Chấp hành Trung ương một lần", (RULES, SIGNED))
    quotes = [q.text for q in select_quotes(found, found.weights)]
    assert quotes[0].startswith("2. Bộ Chính trị") and not any("Ủy viên" in q for q in quotes)
    sent = result("quy định được gửi lên cơ quan nào của tỉnh để báo cáo", (RULES, SIGNED))
    assert "Ban Tổ chức Tỉnh ủy" in first_quote(sent)


def test_a_month_or_a_word_like_vi_pham_names_no_part() -> None:
    from index.quotes import named_part, opening_part

    assert named_part("Tháng 5 chi bộ đề ra việc gì") is None
    assert named_part("những điều vi phạm thì xử lý thế nào") is None
    assert named_part("Điều VI nói gì") == ("dieu", 6)
    assert opening_part("- Tháng 2: Tổ chức kỷ niệm") is None
    assert opening_part("Quý IV năm nay, chi bộ …") is None  # not an item's label


def test_a_who_question_leads_with_the_body_doing_what_is_asked() -> None:
    found = result(
        "Ai hướng dẫn nội dung học tập chuyên đề hằng năm?",
        (GUIDE, "Nội dung học tập chuyên đề hằng năm được đưa vào sinh hoạt thường kỳ, các "
                "chi bộ thảo luận, liên hệ và hướng dẫn đảng viên đăng ký.\n"
                "Hằng năm, Ban Tuyên giáo Trung ương hướng dẫn nội dung học tập chuyên đề."),
    )  # fmt: skip
    assert first_quote(found).startswith("Hằng năm, Ban Tuyên giáo Trung ương hướng dẫn")


@pytest.mark.parametrize(
    "body", ["Ban Tổ chức Trung ương", "Ban Thường vụ Đảng ủy Khối", "Ban Bí thư"]
)
def test_a_body_a_document_is_of_does_not_answer_who(body: str) -> None:
    # however many words of the body's name look like a body themselves («Đảng ủy», «Bí thư»)
    found = result(
        "lãnh đạo cấp trên nào về dự buổi sinh hoạt",
        (GUIDE, f"Về dự buổi sinh hoạt theo Hướng dẫn của {body}.\n"
                "Về dự buổi sinh hoạt có đồng chí Đỗ Thanh Bình."),
    )  # fmt: skip
    assert first_quote(found) == "Về dự buổi sinh hoạt có đồng chí Đỗ Thanh Bình."


def test_who_holds_a_post_is_answered_by_a_person_not_by_a_body() -> None:
    found = result(
        "Ai là bí thư chi bộ Xí nghiệp Xe buýt số 1?",
        (GUIDE, "Chi ủy Chi bộ Xí nghiệp Xe buýt phân công nhiệm vụ cho từng chi ủy viên.\n"
                "Đồng chí Lê Thị Hồng Nhung giữ chức Bí thư Chi bộ Xí nghiệp."),
    )  # fmt: skip
    assert first_quote(found).startswith("Đồng chí Lê Thị Hồng Nhung")


@pytest.mark.parametrize(
    "title_only",
    ["Đồng chí Phó Bí thư Chi bộ Xí nghiệp chủ trì buổi sinh hoạt.",
     "Các đồng chí Chi ủy viên và Bí thư Chi bộ Xí nghiệp dự họp."],
)  # fmt: skip
def test_a_title_after_dong_chi_names_no_one(title_only: str) -> None:
    found = result(
        "Ai là bí thư chi bộ Xí nghiệp?",
        (GUIDE, f"{title_only}\nĐồng chí Lê Thị Hồng Nhung giữ chức Bí thư Chi bộ Xí nghiệp."),
    )
    assert first_quote(found).startswith("Đồng chí Lê Thị Hồng Nhung")


def test_words_that_fold_like_a_part_are_not_one() -> None:
    from index.quotes import named_part, opening_part

    assert named_part("phụ cấp mức 3 triệu có đúng không") is None
    assert named_part("Quỹ 2 của chi bộ dùng vào việc gì") is None
    assert named_part("muc 3 noi gi") == ("muc", 3)  # typed bare: it may be «mục»
    assert opening_part("- Quý IV/2024: Đẩy mạnh …") == ("quy", 4)
    assert opening_part("Quý IV năm 2024: Đẩy mạnh …") == ("quy", 4)


@pytest.mark.parametrize(
    ("sentence", "unit", "gives"),
    [
        # a count may follow what it counts, in digits
        ("Đội ngũ cộng tác viên gồm 27 đồng chí, là đảng viên ở 11 chi bộ.", "cong", True),
        ("Nâng tổng số tổ chức đảng trong các doanh nghiệp của khu công nghiệp lên 21.",
         "to chuc", True),
        # «là một …» counts nothing
        ("Mỗi lái xe là một tấm gương phục vụ hành khách.", "lai xe", False),
        # an age or an amount still follows its number
        ("Tuổi đời của người vào Đảng là 18.", "tuoi", False),
    ],
)  # fmt: skip
def test_a_count_before_or_after_what_it_counts(sentence: str, unit: str, gives: bool) -> None:
    assert gives_unit(sentence, unit) is gives


def test_the_quote_speaking_of_the_year_asked_leads() -> None:
    from index.answer import _of_the_year_asked
    from index.quotes import Quote

    found = result(
        "năm 2021 thị ủy kỷ luật bao nhiêu đảng viên",
        (GUIDE, "Ngày 05/8/2018, Ủy ban Kiểm tra tổ chức hội nghị giới thiệu quy định."),
        (GUIDE, "Theo thống kê, năm 2021 Ủy ban Kiểm tra đã thi hành kỷ luật 9 đảng viên."),
    )
    picked = [Quote(0, found.hits[0].text), Quote(1, found.hits[1].text)]

    led = _of_the_year_asked(picked, found.hits, found.query)
    elsewhere = _of_the_year_asked(picked[:1], found.hits, found.query)

    assert led is not None and led[0].hit_index == 1
    assert elsewhere is None  # no quote speaks of 2021: a near miss


def test_an_item_of_another_month_than_the_one_asked_does_not_lead() -> None:
    found = result(
        "Tháng 5 chi bộ đề ra việc gì về công tác xây dựng Đảng?",
        (GUIDE, "- Tháng 1: Tổng kết công tác xây dựng Đảng năm 2023, đề ra nhiệm vụ năm 2024."),
        (GUIDE, "Công tác xây dựng Đảng: chuẩn bị hồ sơ kết nạp đảng viên; thu, nộp đảng phí "
                "đúng quy định."),
    )  # fmt: skip
    assert first_quote(found).startswith("Công tác xây dựng Đảng: chuẩn bị")


def test_an_account_of_another_month_than_the_one_asked_does_not_lead() -> None:
    found = result(
        "Tháng 5 chi bộ đặt chỉ tiêu xuất bến đúng giờ bao nhiêu phần trăm?",
        (GUIDE, "Trong tháng 4, Xí nghiệp có tỷ lệ chuyến xe xuất bến đúng giờ đạt 97,5%."),
        (GUIDE, "Nhiệm vụ chuyên môn: tỷ lệ xuất bến đúng giờ từ 98% trở lên."),
    )
    assert first_quote(found).startswith("Nhiệm vụ chuyên môn")


def test_of_two_sentences_sharing_the_question_s_words_the_long_one_does_not_win_by_length() -> (
    None
):
    found = result(
        "Đảng viên già yếu có được miễn sinh hoạt đảng không?",
        (GUIDE, "Đảng viên được miễn sinh hoạt đảng vẫn được dự sinh hoạt chi bộ khi có điều kiện; "
                "phải gương mẫu chấp hành chủ trương, đường lối của Đảng, chính sách, pháp luật "
                "của Nhà nước, giúp đỡ người già neo đơn và đóng đảng phí theo quy định.\n"
                "Đảng viên tuổi cao, sức khỏe yếu có đơn đề nghị thì được chi bộ xem xét, miễn "
                "sinh hoạt đảng."),
    )  # fmt: skip
    assert first_quote(found).startswith("Đảng viên tuổi cao, sức khỏe yếu")


def test_a_list_asked_by_its_subject_leads_with_the_item_labelled_so() -> None:
    resolution = DocInfo(
        3, "nghi_quyet", "05-NQ/CB", date(2024, 5, 6), "Chi bộ Xí nghiệp Xe buýt số 1",
        "sinh hoạt chi bộ tháng 5/2024", "nghi-quyet.txt",
    )  # fmt: skip
    found = result(
        "Tháng 5 chi bộ xe buýt làm những việc gì về công tác chính trị tư tưởng?",
        (resolution,
         "Chi bộ xe buýt sinh hoạt tháng 5 gắn với chuyên đề về tư tưởng Hồ Chí Minh.\n"
         "1. Công tác chính trị, tư tưởng: tổ chức các hoạt động kỷ niệm Ngày sinh Chủ tịch Hồ"
         " Chí Minh; đảng viên đăng ký nội dung làm theo Bác.\n"
         "2. Công tác xây dựng Đảng: kiểm điểm đảng viên chưa hoàn thành nhiệm vụ."),
    )  # fmt: skip
    assert first_quote(found).startswith("1. Công tác chính trị, tư tưởng:")


@pytest.mark.parametrize(
    ("question", "person"),
    [
        ("đề dẫn của đồng chí Hoa viết thành bài xong thì gửi về đâu", "Hoa"),
        ("de dan cua dong chi Hoa viet xong gui ve dau", "Hoa"),
        ("quần chúng Lê Thị Thu Trang đang làm công việc gì", "Le Thi Thu Trang"),
        # a title names nobody; nor does a person typed without capitals
        ("đồng chí Bí thư chi bộ kết luận những gì", None),
        ("dong chi hoa gui bai ve dau", None),
    ],
)
def test_the_person_a_question_names(question: str, person: str | None) -> None:
    assert person_named(question) == person


def test_a_quote_names_the_person_asked_about_by_the_end_of_the_name() -> None:
    assert names_person(
        "Đồng chí Phạm Thị Hoa: hoàn thiện đề dẫn sinh hoạt chuyên đề quý II.", "Hoa"
    )
    # a province is no person, nor is a quarter's subject
    assert not names_person("Đảng ủy Khối Cơ quan và Doanh nghiệp tỉnh Thanh Hóa tổ chức.", "Hoa")
    assert not names_person("b) Quý II: Học tập và làm theo tư tưởng Hồ Chí Minh.", "Hoa")
    assert not names_person("Đồng chí Nguyễn Văn Khánh chủ trì.", "Hoa")


PLAN_PASSAGES = [
    (
        11,
        "I. MỤC ĐÍCH, YÊU CẦU\n1. Quán triệt sâu sắc nội dung Kết luận số 21-KL/TW.\n"
        "2. Việc thực hiện phải gắn với Chỉ thị số 05-CT/TW.",
    ),
    (
        12,
        "II. NỘI DUNG, NHIỆM VỤ\n1. Tổ chức học tập, quán triệt\na) Các chi bộ tổ chức "
        "học tập.\n2. Xây dựng kế hoạch thực hiện ở cơ sở\nCác chi bộ xây dựng kế hoạch.",
    ),
    (13, "3. Kiểm tra, giám sát\nỦy ban Kiểm tra đưa việc thực hiện vào chương trình."),
    (14, "III. TỔ CHỨC THỰC HIỆN\n1. Ban Tuyên giáo chủ trì hướng dẫn việc học tập."),
]


def test_a_question_asking_the_parts_of_a_document_names_them() -> None:
    assert outline_asked("KH48 có mấy nhóm nhiệm vụ, gồm những gì?") == "nhiem vu"
    assert outline_asked("ket luan 01 co may noi dung") == "noi dung"
    assert outline_asked("chỉ thị số 05 có bao nhiêu nội dung") == "noi dung"  # not «mấy» only
    assert outline_asked("đề ra những nhóm nhiệm vụ, giải pháp nào") == "nhiem vu"
    assert outline_asked("đảng phí đóng bao nhiêu phần trăm") is None
    assert outline_asked("Ai kết luận các nhiệm vụ là của ai") is None


def test_the_outline_is_the_numbered_headings_of_the_section_asked_verbatim() -> None:
    parts = outline(PLAN_PASSAGES, "nhiem vu")
    assert [line for _pid, line in parts] == [
        "1. Tổ chức học tập, quán triệt",
        "2. Xây dựng kế hoạch thực hiện ở cơ sở",
        "3. Kiểm tra, giám sát",
    ]  # not the numbered sentences of «I. MỤC ĐÍCH» or «III. TỔ CHỨC THỰC HIỆN»
    assert [pid for pid, _line in parts] == [12, 12, 13]
    assert all(line in dict(PLAN_PASSAGES)[pid] for pid, line in parts)
    # no section names what is asked, and the document is divided in sections: nothing
    assert outline(PLAN_PASSAGES, "giai phap") == []
    assert outline(PLAN_PASSAGES, "giai phap", whole=True) == []


def test_a_document_without_sections_is_outlined_only_when_asked_whole() -> None:
    conclusion = [
        (21, "1. Tiếp tục quán triệt sâu sắc mục đích, yêu cầu của Chỉ thị\nCác cấp ủy …."),
        (22, "2. Chuyên đề toàn khóa\nTổ chức học tập chuyên đề toàn khóa."),
    ]
    assert outline(conclusion, "noi dung") == []
    assert [line for _pid, line in outline(conclusion, "noi dung", whole=True)] == [
        "1. Tiếp tục quán triệt sâu sắc mục đích, yêu cầu của Chỉ thị",
        "2. Chuyên đề toàn khóa",
    ]


NOTICE = DocInfo(
    3, "thong_bao", "215-TB/ĐUK", date(2024, 1, 12), "Đảng ủy Khối",
    "Kết luận của Ban Thường vụ Đảng ủy Khối về định hướng nội dung sinh hoạt chuyên đề của chi "
    "bộ năm 2024", "thong-bao-215.txt",
)  # fmt: skip


def test_a_document_named_alone_is_answered_by_its_subject_then_what_it_says() -> None:
    # «Thông báo 215 nói gì»: the title is set on two lines; its «về …» line says what the
    # notice is about, then comes the first sentence of its own (not the preamble's «Căn cứ»).
    head = (
        "THÔNG BÁO\nKẾT LUẬN CỦA BAN THƯỜNG VỤ ĐẢNG ỦY KHỐI\n"
        "về định hướng nội dung sinh hoạt chuyên đề của chi bộ năm 2024\n\n"
        "- Căn cứ Quy chế làm việc của Ban Thường vụ Đảng ủy Khối nhiệm kỳ 2020 - 2025;\n"
        "Ngày 10/01/2024, Ban Thường vụ Đảng ủy Khối họp nghe báo cáo kết quả sinh hoạt chi bộ."
    )
    found = replace(result("Thông báo 215 nói gì", (NOTICE, head)), only_number=True)
    assert [q.text for q in select_quotes(found, found.weights)] == [
        "về định hướng nội dung sinh hoạt chuyên đề của chi bộ năm 2024",
        "Ngày 10/01/2024, Ban Thường vụ Đảng ủy Khối họp nghe báo cáo kết quả sinh hoạt chi bộ.",
    ]


def test_the_wrapped_rest_of_a_title_is_no_sentence_of_the_document() -> None:
    programme = DocInfo(
        4, "chuong_trinh", "05-CTr/ĐU", date(2024, 1, 15), "Đảng ủy Công ty",
        "CHƯƠNG TRÌNH CÔNG TÁC NĂM 2024", "chuong-trinh-05.md",
    )  # fmt: skip
    head = (
        "CHƯƠNG TRÌNH CÔNG TÁC NĂM 2024\n\n"
        "của Đảng bộ Công ty Cổ phần Vận tải và Dịch vụ Hàm Rồng\n\n"
        "Đảng ủy Công ty xây dựng Chương trình công tác năm 2024 như sau:"
    )
    found = replace(result("CTr 05 nói gì", (programme, head)), only_number=True)
    assert [q.text for q in select_quotes(found, found.weights)] == [
        "CHƯƠNG TRÌNH CÔNG TÁC NĂM 2024",
        "Đảng ủy Công ty xây dựng Chương trình công tác năm 2024 như sau:",
    ]


def test_what_a_document_regards_something_as_is_answered_by_the_sentence_saying_coi() -> None:
    conclusion = DocInfo(
        5, "ket_luan", "01-KL/TW", date(2021, 5, 18), "Bộ Chính trị",
        "về tiếp tục thực hiện Chỉ thị số 05-CT/TW", "ket-luan-01.md",
    )  # fmt: skip
    found = result(
        "kết luận số 01 coi việc thực hiện CT 05 là nhiệm vụ gì?",
        (conclusion, "Giữa nhiệm kỳ tổ chức sơ kết, cuối nhiệm kỳ tổng kết việc thực hiện."),
        (
            conclusion,
            "Các cấp ủy tiếp tục thực hiện nghiêm túc Chỉ thị, coi đây là nhiệm vụ chính trị "
            "quan trọng, thường xuyên.",
        ),
    )
    assert first_quote(found).startswith("Các cấp ủy tiếp tục thực hiện nghiêm túc Chỉ thị, coi")


def test_a_list_asked_is_answered_by_a_sentence_listing_items_after_a_colon() -> None:
    notice = DocInfo(
        6, "bai_viet", None, date(2024, 5, 22), "Ban Tuyên giáo Đảng ủy Khối",
        "Đảng ủy Khối sơ kết 3 năm thực hiện Kết luận số 01-KL/TW", "tin-so-ket.html",
    )  # fmt: skip
    found = result(
        "bí thư đảng ủy khối yêu cầu tập trung vào những việc gì",
        (
            notice,
            "Bí thư Đảng ủy Khối phát biểu chỉ đạo hội nghị.",
        ),
        (
            notice,
            "Trong đó, cần tập trung vào ba việc: đưa chuyên đề vào sinh hoạt chi bộ; người đứng "
            "đầu phải nêu gương; biểu dương điển hình.",
        ),
    )
    assert first_quote(found).startswith("Trong đó, cần tập trung vào ba việc:")


SECTIONS = [
    (["Kế hoạch 48-KH/ĐUK", "I. Mục đích, yêu cầu"], 1,
     "I. MỤC ĐÍCH, YÊU CẦU\n1. Quán triệt sâu sắc nội dung Kết luận số 21-KL/TW.\n"
     "2. Việc thực hiện phải gắn với Chỉ thị số 05-CT/TW."),
    (["Kế hoạch 48-KH/ĐUK", "III. Tổ chức thực hiện"], 2,
     "III. TỔ CHỨC THỰC HIỆN\n1. Ban Tổ chức Đảng ủy Khối chủ trì, theo dõi, tổng hợp.\n"
     "T/M BAN THƯỜNG VỤ\nLê Quang Hưng\nNơi nhận:\n- Ban Tổ chức Tỉnh ủy (để báo cáo),"),
]  # fmt: skip


def weights_of(question: str) -> dict[str, float]:
    """The retriever's weights: the words every document holds («của», «nói») are left out."""
    return {t: 1.0 for t in tokenize(question, bigrams=False) if t not in {"cua", "noi", "ve"}}


@pytest.mark.parametrize(
    ("question", "lines"),
    [
        ("muc dich yeu cau cua ke hoach 48", [
            (1, "1. Quán triệt sâu sắc nội dung Kết luận số 21-KL/TW."),
            (1, "2. Việc thực hiện phải gắn với Chỉ thị số 05-CT/TW."),
        ]),
        # the section ends where the signature block starts
        ("phần tổ chức thực hiện của kế hoạch 48 nói gì", [
            (2, "1. Ban Tổ chức Đảng ủy Khối chủ trì, theo dõi, tổng hợp."),
        ]),
        # «giao cho ai» asks what the heading does not say: the sentences answer it, not the section
        ("Kế hoạch 48 phần tổ chức thực hiện giao cho ai", None),
        ("Kế hoạch 48 nói gì về việc quán triệt", None),
    ],
)  # fmt: skip
def test_a_section_is_asked_only_by_a_question_its_heading_says_all_of(
    question: str, lines: list[tuple[int, str]] | None
) -> None:
    found = section_asked(SECTIONS, section_words(question, weights_of(question)), question)
    assert (found[1] if found else None) == lines


def test_words_asked_side_by_side_are_said_side_by_side_in_the_heading() -> None:
    heading = "6. Phát hiện, biểu dương điển hình"
    outline = [(["Kết luận 01-KL/TW", heading], 3, f"{heading}\nQuan tâm phát hiện, biểu dương.")]
    # «phát biểu» shares a syllable with «Phát hiện» and one with «biểu dương»
    assert section_asked(outline, {"phat", "bieu"}, "ai phát biểu kết luận hội nghị") is None
    found = section_asked(outline, {"bieu", "duong"}, "biểu dương điển hình thế nào")
    assert found is not None and found[1] == [(3, "Quan tâm phát hiện, biểu dương.")]
