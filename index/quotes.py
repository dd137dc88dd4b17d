"""Extractive answers: the sentences of the top passages that best answer a question, verbatim.

A sentence scores by the question's words it holds (IDF-weighted syllables and bigrams), and by
what the question asks for: a figure (bao nhiêu, mấy, tỷ lệ), a time (ngày nào, khi nào), a
list (gồm những gì, các bước) or a permission (có được … không). The best sentence comes first;
another is added only when it scores close to it. A list's lead-in («… gồm:») is quoted with its
items. Every quote is a substring of its passage.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from index.lexical import roman_value, tokenize
from index.retriever import OF_ISSUER, Hit, SearchResult, heading_article
from knowledge.chunking import HEADING_MAX_CHARS, heading_match, split_sentences
from knowledge.numbers import find_numbers
from knowledge.text import fold, nfc, strip_diacritics, syllables

# A document's header and footer lines, never an answer by themselves: its number, the Party's
# name, the place-and-date line («Hà Nội, ngày …», «Thanh Hóa, ngày 12 tháng 01 năm 2024»), the
# signature block (a question about a document's date or signer reads them on purpose).
_SIGNATURE_OPENS = r"nơi nhận|t/m|k/t|tm\.|kt\."
_HEADER_NOISE = re.compile(
    rf"^(số\s|\*|đảng cộng sản việt nam|hà nội,|ban chấp hành|{_SIGNATURE_OPENS})"
    r"|^[^,\n]{2,40}, ngày \d{1,2} tháng \d{1,2} năm \d{4}\s*$",
    re.I,
)
MIN_SENTENCE_CHARS = 25
# What a question asks for (on folded text), and what a sentence that gives it holds.
_ASKS = {
    "figure": re.compile(
        r"\b(bao nhieu|may (lan|nguoi|dong chi|dang vien|ngay|thang|nam|muc|tieu chi|nhiem vu"
        r"|noi dung|buoc|diem|phan|chi tieu)|ty le|phan tram|bao lau|so luong|toi thieu|toi da"
        r"|it nhat|chi tieu)\b"
    ),
    "date": re.compile(
        r"\b(ngay nao|khi nao|bao gio|luc nao|thoi gian nao|thoi han|han chot|nam nao|thang nao"
        r"|ngay bao nhieu|ngay may|bao gio)\b"
    ),
    "list": re.compile(
        r"\b(gom|bao gom|nhung (gi|noi dung|nhiem vu|viec|tieu chi|giai phap|yeu cau|dieu)"
        r"|cac (buoc|noi dung|nhiem vu|tieu chi|giai phap|yeu cau)|(nhiem vu|noi dung|tieu chi"
        r"|giai phap|yeu cau) (nao|gi))\b"
    ),
    "permission": re.compile(r"\b(co (duoc|phai|bi|can)\b.*\bkhong|duoc phep|bi cam|co cam)\b"),
    # «ai hướng dẫn», «lãnh đạo nào về dự», «cơ quan nào chủ trì»: a person or a body
    "agent": re.compile(
        r"\b(ai|nguoi nao|dong chi nao|lanh dao (?:cap tren )?nao|co quan nao|ban nao"
        r"|don vi nao)\b"
    ),
    # «còn những hạn chế gì», «chỉ ra những khuyết điểm gì»
    "shortcoming": re.compile(r"\b(han che|khuyet diem|ton tai|yeu kem|bat cap|thieu sot)\b"),
}
_GIVES = {
    "figure": re.compile(
        r"\d|%|\b(mot|hai|ba|bon|nam|sau|bay|tam|chin|muoi|moi) (lan|nguoi|thang|nam|ngay|buoc"
        r"|noi dung|nhiem vu|tieu chi|muc|phan)\b"
    ),
    "date": re.compile(
        r"\b\d{1,2}/\d{1,2}\b|\b(ngay|thang|nam|quy) \d|\b(hang thang|hang nam|hang quy|dinh ky"
        r"|truoc ngay|cham nhat)\b"
    ),
    # a lead-in ending the sentence (its items follow), or items after a colon in the sentence
    # («cần tập trung vào ba việc: đưa …; người đứng đầu …», «được nhân rộng, như: "…"; "…"»)
    "list": re.compile(r":\s*$|:\s*\S[^:]*;"),
    "permission": re.compile(r"\b(khong duoc|nghiem cam|cam|duoc phep|bat buoc)\b"),
    # how a report states one: «còn nặng về hình thức», «chưa đồng đều», «còn nể nang»
    "shortcoming": re.compile(
        r"\b(con|chua|han che|khuyet diem|ton tai|yeu kem|bat cap|thieu sot)\b"
    ),
}
# «bao nhiêu tuổi», «mấy lần», «tỷ lệ … bao nhiêu»: the unit the figure is asked in (folded),
# and how a sentence that gives that figure writes it — a number, then (a word or two and)
# one of these. A figure in another unit does not answer («100% bí thư…» is no allowance).
_UNIT_ASKED = re.compile(
    r"\b(?:bao nhieu|may)\s+(phan tram|tuoi|tien|tiet|diem|lan|nam|thang|ngay|tuan|gio|phut"
    r"|dang vien|dai bieu|nguoi|cuon|luot|dau xe|buoi|tinh|lai xe|dong chi|chi bo|tap the"
    r"|ca nhan|to chuc|xe|chuyen|thoi gian|dieu|chuong|khoan|can bo)\b"
)
_RATE_ASKED = re.compile(r"\bty le\b.*\bbao nhieu\b|\bbao nhieu\b.*\bty le\b")
# «phụ cấp bao nhiêu», «mức lương là bao nhiêu», «thưởng bao nhiêu»: an amount of money.
# Typed bare, «lực lượng», «chất lượng», «số lượng» fold like «lương» and «thường kỳ» like
# «thưởng»: those neighbours tell them apart (with marks, folded_as_written does).
_SALARY = r"(?<!luc )(?<!chat )(?<!so )(?<!khoi )(?<!dung )(?<!san )luong"
_MONEY_ASKED = re.compile(
    rf"\b({_SALARY}|phu cap|thuong(?! (?:ky|xuyen|vu|truc|tru|binh))|tien|dang phi|kinh phi"
    r"|ho tro)\b.*\bbao nhieu\b"
    rf"|\bbao nhieu\b.*\b({_SALARY}|phu cap|tien|dang phi|kinh phi)\b"
)
_MONEY_MARKED = {
    "luong": "lương", "phu cap": "phụ cấp", "thuong": "thưởng", "tien": "tiền",
    "dang phi": "đảng phí", "kinh phi": "kinh phí", "ho tro": "hỗ trợ",
}  # fmt: skip
_UNIT_GIVEN = {
    "phan tram": r"%|phan tram",
    "tien": r"dong(?! chi)|trieu|nghin|ngan|ty",
    "dang vien": r"dang vien|dong chi",
    "dai bieu": r"dai bieu|dong chi",
    "nguoi": r"nguoi|dong chi|dang vien|dai bieu|ca nhan",
    "dong chi": r"dong chi|dang vien",
    "can bo": r"can bo|dong chi|dang vien|nguoi",
    "nam": r"nam|thang",
    "thang": r"thang|ngay|tuan|nam",
    "ngay": r"ngay|tuan",
    "tuan": r"tuan|ngay",
    "gio": r"gio|phut",
    "phut": r"phut|gio",
    "thoi gian": r"phut|gio|ngay|tuan|thang|nam|buoi",
}
# Units as a sentence writes them (folded → with their marks), for the folds they share with
# other words.
_UNIT_WRITTEN = {
    "chuyen": "chuyến", "lan": "lần", "luot": "lượt", "buoi": "buổi", "tuoi": "tuổi",
    "phut": "phút", "gio": "giờ", "diem": "điểm", "tiet": "tiết",
}  # fmt: skip
# «ngày nào», «ngày mấy», «hôm nào» ask a day; «ngày 06/5/2024», «ngày 6 tháng 5» give one.
_DAY_ASKED = re.compile(r"\b(ngay nao|ngay may|ngay bao nhieu|hom nao)\b")
# «có hiệu lực đến năm nào», «năm mấy»: a year of the calendar is asked (folded); one given is
# written in four digits.
_YEAR_ASKED = re.compile(r"\bnam (?:nao|may|bao nhieu)\b")
_YEAR_GIVEN = re.compile(r"\b(?:19|20)\d{2}\b")
# «ngày 10/6», «ngày 25 tháng 10», and a day of every month or quarter: «ngày 15 của tháng đầu
# mỗi quý», «ngày 5 hằng tháng».
_DAY_GIVEN = re.compile(
    r"\bngay\s+\d{1,2}(\s*/\s*\d{1,2}|\s+thang\s+\d|\s+(?:cua\s+)?(?:thang|hang|moi)\b)"
)
# «hội nghị tổ chức ở đâu», «mất thẻ thì làm lại ở đâu», «kinh phí lấy ở đâu»: a place, the body
# one goes to, or a source is asked — not «còn yếu ở đâu» (what falls short).
_PLACE_ASKED = re.compile(
    r"\b(?:to chuc|dien ra|hop|lam lai|cap lai|nop|gui|luu|dat|lay|xin)\b"
    r"(?:\s+[a-z]+){0,4}\s+(?:o|tai)\s+(?:dau|noi nao)\b"
    # «báo cáo … gửi về đâu», «hồ sơ nộp lên đâu»: the body it goes to
    r"|\b(?:nop|gui|bao cao|chuyen)\b(?:\s+[a-z]+){0,4}\s+(?:ve|len|den)\s+(?:dau|noi nao)\b"
)
# The bodies a paper is sent or reported to, in lower case (strip_diacritics).
_SENT_TO = r"cap uy|chi bo|dang uy|co quan|ban"
# Given (strip_diacritics, case kept): «tại Hội trường …», «ở Trụ sở …», «tại Đảng ủy Khối», «do
# cấp ủy … cấp lại», «từ nguồn …», «ngân sách».
_PLACE_GIVEN = re.compile(
    r"\b(?:[Tt]ai|[Oo])\s+(?:[A-Z]|(?:hoi truong|tru so|phong|nha van hoa|van phong|dia ban"
    r"|chi bo|dang uy|cap uy|co quan|don vi)\b)"
    r"|\b(?:cap uy|chi bo|dang uy|ban to chuc)\b(?:\s+\w+){0,6}\s+cap lai\b"
    r"|\b(?:gui|nop|bao cao|chuyen)\b(?:\s+[\w,]+){0,8}?\s+(?:ve|len|den)\s+"
    rf"(?:[A-Z]|(?:{_SENT_TO})\b)"
    rf"|\b(?:gui|nop)\s+(?:cho\s+)?(?:[A-Z]|(?:{_SENT_TO}|van phong)\b)"
    r"|\b(?:tu nguon|nguon kinh phi|ngan sach)\b"
)
# «ngày 25/10/2017» right after a document's number («Nghị quyết số 18-NQ/TW ngày 25/10/2017») is
# the day that document was issued, not a day something happened (folded).
_CITED_DAY = re.compile(
    r"\b(\d{1,4}-[a-z]+(?:/[a-z0-9]+)+),?\s+ngay\s+\d{1,2}"
    r"(?:\s*/\s*\d{1,2}(?:\s*/\s*\d{2,4})?|\s+thang\s+\d{1,2}(?:\s+nam\s+\d{4})?)"
)
# «bao lâu một lần», «bao lâu phải báo cáo một lần», «định kỳ bao lâu», «mấy tháng một lần» ask
# how often, not how long; «hằng năm», «mỗi quý ít nhất một lần», «6 tháng một lần», «định kỳ»
# give it (folded).
_OFTEN_ASKED = re.compile(
    r"\b(?:bao lau|may (?:ngay|tuan|thang|nam|quy))(?:\s+[a-z]+){0,5}? (?:mot|1) lan\b"
    r"|\bdinh ky (?:bao lau|the nao|ra sao|khi nao)\b"
)
_OFTEN_GIVEN = re.compile(
    r"\b(?:hang|moi|dinh ky) (?:ngay|tuan|thang|quy|nam|nhiem ky|ky)\b|\bdinh ky\b"
    r"|\b(?:mot|1|hai|2|ba|3|\d+) lan\s*(?:/|trong|moi|mot|1)\s*(?:ngay|tuan|thang|quy|nam)\b"
    r"|\b(?:\d+|mot|hai|ba|sau) (?:ngay|tuan|thang|quy|nam) (?:mot|1) lan\b"
)
# «quần chúng … tên là gì», «đồng chí … họ tên là gì»: a person's name is asked (folded); a name
# given is «đồng chí Đỗ Thanh Bình» or three capitalised words («Lê Thị Hồng Nhung»).
_NAME_ASKED = re.compile(
    r"\b(?:dong chi|quan chung|nguoi|ong|ba|lai xe|dang vien|bi thu|cong nhan|nhan vien|ca nhan"
    r"|dai bieu)\b(?:\s+\w+)*?\s+(?:ten (?:la )?gi|ten (?:day du|cu the)|ho (?:va )?ten)\b"
)
_NAME_GIVEN = re.compile(r"\b[A-Z][a-z]+ [A-Z][a-z]+ [A-Z][a-z]+\b")
# «bao nhiêu biểu hiện», «mấy nhiệm vụ»: any other thing counted, named by its first syllable
# (a count in the text names it too: «19 biểu hiện», «5 nhiệm vụ trọng tâm»).
# Only after «bao nhiêu»: bare «may» is also «máy» (bộ máy, máy tính).
_COUNT_ASKED = re.compile(r"\bbao nhieu ([a-z]+)")
_NOT_A_UNIT = frozenset(
    "la thi de con nua moi vay the mot hai ba bon sau bay tam chin muoi".split()
)
# Units of people and things counted (the rest are amounts, ages and times).
_COUNTED = frozenset(
    (
        "dang vien", "dai bieu", "nguoi", "dong chi", "chi bo", "tap the", "ca nhan",
        "to chuc", "xe", "cuon", "luot", "dau xe", "lai xe", "tinh", "buoi", "chuyen", "can bo",
    )
)  # fmt: skip
# Units that measure (an amount, an age, a time) rather than count people or things.
_AMOUNTS = frozenset(
    "phan tram,tuoi,tien,tiet,diem,lan,nam,thang,ngay,tuan,gio,phut,thoi gian,ngay thang".split(",")
)
# A number as written: digits (12, 96,5, 23/23) or in words (hai phần ba, mười); not «năm»,
# which is also a year, nor the «một» of «một số», «một vài», «một bộ phận» (some, not one).
_NUMBER = (
    r"(?:\d(?:[\d.,/]*\d)?|\b(?:mot(?! (?:so|vai|it|bo phan|phan|cach)\b)|hai|ba|bon|sau|bay"
    r"|tam|chin|muoi|tram|nua)\b)"
)
# «có phải … không» asks for a duty: a sentence with «phải» gives it.
_DUTY_ASKED = re.compile(r"\bco phai\b")
_DUTY = re.compile(r"\b(phai|bat buoc|khong phai)\b")
# A person is named (marks stripped, case kept): «đồng chí» and a name of two words or more —
# not a title («đồng chí Phó Bí thư», «các đồng chí Chi ủy viên»).
_PERSON = (
    r"\b[Dd]ong chi (?!(?:Bi thu|Pho|Chi uy|Uy vien|Truong|Giam doc|Chu tich|Thu ky)\b)"
    r"[A-Z]\w* [A-Z]\w*"
)
# A person named (marks stripped, case kept): «đồng chí Hoa», «quần chúng Lê Thị Thu Trang» — not
# a title («đồng chí Bí thư»).
_NAMED = (
    r"\b(?:[Dd]ong chi|[Dd]/c|[Qq]uan chung)\s+"
    r"(?!(?:Bi thu|Pho|Chi uy|Uy vien|Truong|Giam doc|Chu tich|Thu ky)\b)"
)
_NAMED_IN_QUESTION = re.compile(_NAMED + r"([A-Z]\w*(?:\s+[A-Z]\w*){0,3})")
_NAMED_IN_SENTENCE = re.compile(_NAMED + r"([A-Z]\w*(?:\s+[A-Z]\w*){1,4})")


# «do đồng chí nào chủ trì», «người nào được giao», «ai là bí thư» ask for one person (folded)…
WHICH_PERSON = re.compile(r"\b(dong chi|nguoi) nao\b")
_COMRADE_ASKED = re.compile(rf"{WHICH_PERSON.pattern}|\bai la\b|\bla ai\b")
# … and a sentence answering names one, by name or by the post held («đồng chí Đỗ Thanh Bình»,
# «Đồng chí Bí thư Chi bộ tiếp thu …», «quần chúng Lê Thị Thu Trang»; marks stripped, case kept).
_COMRADE = re.compile(r"\b(?:[Dd]ong chi|[Dd]/c|[Qq]uan chung)\s+[A-Z]")


def asks_a_comrade(question: str) -> bool:
    """True when ``question`` asks which person did or holds something."""
    return _COMRADE_ASKED.search(fold(question).lower()) is not None


def names_a_comrade(sentence: str) -> bool:
    """True when ``sentence`` names a person, by name or by the post held."""
    return _COMRADE.search(strip_diacritics(nfc(sentence))) is not None


def person_named(question: str) -> str | None:
    """The person a question names («đồng chí Hoa» → «Hoa»; marks stripped), if any."""
    found = _NAMED_IN_QUESTION.search(strip_diacritics(nfc(question)))
    return None if found is None else found.group(1)


def names_person(sentence: str, name: str) -> bool:
    """True when ``sentence`` names a person whose name ends with ``name`` («Đồng chí Phạm Thị
    Hoa: …» for «Hoa»); «Thanh Hóa» is no person."""
    return any(
        re.search(rf"(?:^|\s){re.escape(name)}$", found.group(1), re.I)
        for found in _NAMED_IN_SENTENCE.finditer(strip_diacritics(nfc(sentence)))
    )


# A person or a body that may act in a sentence: «đồng chí Đỗ Thanh Bình», «Ban Tuyên giáo
# Trung ương hướng dẫn», «cấp ủy».
_AGENT = re.compile(
    rf"{_PERSON}|\b(?:Ban [A-Z]|Bo Chinh tri|Dang uy|Dang doan|Thuong truc|Van phong [A-Z]"
    r"|Uy ban|Hoi dong|[Cc]ap uy|[Cc]hi uy|[Bb]i thu)"
)
# «Hướng dẫn của Ban Thường vụ Đảng ủy Khối», «theo Quy định số …»: a body named after these
# words is the one a document is of, not one acting; so are the words of its name that follow.
_OF_BODY = re.compile(r"\b(?:cua|theo|so)\s+$")
_BODY_NAME_CHARS = 40
# «ai là bí thư», «phó bí thư là ai» ask who holds a post: a person, not a body.
_HOLDER_ASKED = re.compile(r"\b(ai la|la ai)\b")
# «quý IV», «bước 3», «giai đoạn 2»: a part of a plan or a procedure the question names; an
# item that opens with that part («d) Quý IV: …») is the answer, and an item opening with
# another of the same kind («a) Quý I: …») is not. (Not «tháng 5»: a month named in a question
# mostly dates what is asked — «tháng 5 chi bộ đề ra việc gì» — and is matched as a date.)
# A Roman numeral counts in capitals («Điều VI»), or in any case after «quý» («quy iv»): not
# «vi» of «điều vi phạm».
_PART = (
    r"(?i:(quy|buoc|giai doan|dot|phan|muc|dieu|khoan))\s+"
    r"(\d{1,2}|[IVX]{1,4}|(?<=(?i:quy) )(?i:[ivx]{1,4}))\b"
)
_PART_ASKED = re.compile(rf"\b{_PART}")
# An item opening with a label: «d) Quý IV: …», «- Quý IV/2024: …», «Quý IV năm 2024: …».
_ITEM_OPENING = (
    r"^\s*(?:[-–+•*]|(?i:[a-z])\)|\d{{1,2}}[.)])?\s*{}"
    r"(?:\s*/\s*\d{{4}}|\s+(?i:nam)\s+\d{{4}})?\s*[:.)–-]"
)
_PART_OPENS = re.compile(_ITEM_OPENING.format(_PART))
# A month the question names, and an item of a programme that opens with a month («- Tháng 1:
# …») or an account of one («Trong tháng 4, …»): another month than the one asked answers for
# that other month.
_MONTH = r"(?i:thang)\s+0?(\d{1,2})\b"
_MONTH_ASKED = re.compile(rf"\b{_MONTH}")
_MONTH_OPENS = re.compile(_ITEM_OPENING.format(_MONTH))
# A sentence telling what happened in a month: «Trong tháng 4, Xí nghiệp đã …».
_MONTH_LEADS = re.compile(rf"^\s*(?:[-–+•*]\s*)?(?i:trong\s+)?{_MONTH}(?:\s*/\s*\d{{4}})?\s*,")
# The labels as written with their marks: «quỹ 2», «mức 3 triệu» fold the same but are no part.
_PART_MARKED = {
    "quy": "quý", "buoc": "bước", "giai doan": "giai đoạn", "dot": "đợt", "phan": "phần",
    "muc": "mục", "dieu": "điều", "khoan": "khoản",
}  # fmt: skip
# Words that shape a question but never name what it is about: interrogatives and particles
# (folded). They are rare in documents, so their IDF is high; a sentence holding «nào» or «gì»
# answers nothing by it.
QUESTION_WORDS = frozenset(
    "nao gi ai dau sao vay roi nhieu bao lau may khong chua thi ma la nhe nha a oi hay "
    "cho biet hoi xin giup toi em co duoc phai can bi nua luon xong van da se cung het nhi "
    "ha day kia".split()
    # and the frame around them: «ra sao», «ở đâu», «do ai», «lấy ở đâu», «những gì», «có bắt …
    # không», «tất cả» (not «coi»: «coi việc thực hiện CT 05 là nhiệm vụ gì» asks what it is
    # regarded as, and the answer says «coi đây là …»)
    + "ra o do lay nhung bat tat".split()
    # and «có cấm … không», which asks the permission, not about a ban
    + ["cam"]
)
# («ĐU» is left out: folded it is also «dự», «đủ» — «đảng viên dự bị», «đủ tư cách».)
_DOCUMENT_CODES = frozenset("ct nq kl hd qd tb kh ctr bc tw btctw duk hd12 qd37".split())
# A question word matched only without its marks (đám ~ dâm) counts this share of its weight.
FOLDED_ONLY = 0.5
ASK_BONUS = 0.35  # of the question's total weight, for a sentence that gives what is asked
PAD_RATIO = 0.6  # a further quote must score at least this share of the best one
# The word score of a sentence longer than LONG_SENTENCE syllables is damped by (n / LONG_SENTENCE)
# ** -LENGTH_DAMPING (chosen on dev: 0.30–0.40 alike; a long sentence otherwise wins by sharing
# more words while a short one states the answer). The lift for giving what is asked is not damped.
LONG_SENTENCE = 30
LENGTH_DAMPING = 0.35
_ITEM = re.compile(r"^\s*([-–+•*]|[a-zđ]\)|\d{1,2}[.)]|[ivx]{1,4}\.)\s*", re.I)
MAX_LIST_CHARS = 900
MAX_LIST_ITEMS = 8


@dataclass(frozen=True)
class Quote:
    """A verbatim sentence from ``hits[hit_index].text``."""

    hit_index: int
    text: str


def asks(question: str) -> set[str]:
    """What the question asks for: figure, date, list, permission (none for «nói về gì»)."""
    folded = fold(question).lower()
    return {kind for kind, pattern in _ASKS.items() if pattern.search(folded)}


def asked_unit(question: str) -> str | None:
    """The unit a figure is asked in («phan tram», «tuoi», «lan», …; folded), if any."""
    folded = fold(question).lower()
    if _OFTEN_ASKED.search(folded):  # «bao lâu một lần», «mấy tháng một lần»: how often
        return "tan suat"
    found = _UNIT_ASKED.search(folded)
    if found is not None:
        return found.group(1)
    if _RATE_ASKED.search(folded):
        return "phan tram"
    if re.search(r"\bbao lau\b", folded):  # «dự bị bao lâu»: a duration
        return "thoi gian"
    if _DAY_ASKED.search(folded):  # «vào ngày nào»: a day of the calendar
        return "ngay thang"
    if _YEAR_ASKED.search(folded):  # «đến năm nào»: a year
        return "nam nao"
    if _PLACE_ASKED.search(folded):  # «tổ chức ở đâu»: a place
        return "noi chon"
    if _NAME_ASKED.search(folded):  # «quần chúng … tên là gì»: a person's name
        return "ten nguoi"
    if _MONEY_ASKED.search(folded_as_written(question, _MONEY_MARKED)):
        return "tien"
    found = _COUNT_ASKED.search(folded)
    if found is not None and found.group(1) not in QUESTION_WORDS | _NOT_A_UNIT:
        return found.group(1)
    return None


def _part_number(text: str) -> int:
    """«4» or «IV» (folded) as a number."""
    return int(text) if text.isdigit() else roman_value(text)


def named_part(text: str) -> tuple[str, int] | None:
    """The part of a plan a question names («quý 4», «quý IV» → ("quy", 4)), if any."""
    text = nfc(text)
    as_written = folded_as_written(text, _PART_MARKED)  # «quỹ», «mức» masked
    for found in _PART_ASKED.finditer(strip_diacritics(text)):
        if not as_written.startswith("#", found.start(1)):
            return found.group(1).lower(), _part_number(found.group(2))
    return None


def opening_part(sentence: str) -> tuple[str, int] | None:
    """The part an item opens with («a) Quý I: …» → ("quy", 1)), if it opens with one."""
    found = _PART_OPENS.match(strip_diacritics(sentence))
    return None if found is None else (found.group(1).lower(), _part_number(found.group(2)))


def folded_as_written(question: str, expected: Mapping[str, str]) -> str:
    """The question folded, with each word of ``expected`` (folded → as written with its marks)
    masked where the question writes it with other marks: «lực lượng» folds to «luc luong» but
    is no «lương», «nhiệm kỳ» no «ký». Typed bare, a word is kept: nothing tells them apart."""
    text = nfc(question).lower()
    folded = fold(text)  # the same length: one folded letter for each written one
    words = re.compile(r"\b(?:" + "|".join(map(re.escape, expected)) + r")\b")

    def as_written(found: re.Match[str]) -> str:
        word = found.group(0)
        written = text[found.start() : found.end()]
        return word if written in (word, expected[word]) else "#" * len(word)

    return words.sub(as_written, folded)


def without_cited_days(folded: str) -> str:
    """Folded text without the days that date the documents it cites («Nghị quyết số
    18-NQ/TW ngày 25/10/2017»): they say when another document was issued, nothing more."""
    return _CITED_DAY.sub("", folded)


def gives_unit(sentence: str, unit: str, named: Collection[str] = ()) -> bool:
    """True when ``sentence`` holds a number written in ``unit`` («18 tuổi», «96,5%», «2 lần»,
    «23/23 đồng chí»). A day that dates a cited document counts only for a document the
    question names (``named``: its numbers as the retriever resolved them)."""
    folded = fold(sentence).lower()
    if unit in ("ngay thang", "nam nao"):
        asked = {_number_key(n) for n in named}
        folded = _CITED_DAY.sub(
            lambda m: m.group(0) if _number_key(m.group(1)) in asked else "", folded
        )
        return bool((_DAY_GIVEN if unit == "ngay thang" else _YEAR_GIVEN).search(folded))
    if unit == "tan suat":
        return bool(_OFTEN_GIVEN.search(folded))
    if unit == "ten nguoi":
        plain = strip_diacritics(sentence)
        return bool(re.search(_PERSON, plain) or _NAME_GIVEN.search(plain))
    if unit == "noi chon":
        return bool(_PLACE_GIVEN.search(strip_diacritics(sentence)))
    words = _UNIT_GIVEN.get(unit, re.escape(unit))
    # Written with other marks a unit is another word: «chuyên đề», «vận chuyển» count no
    # «chuyến», «lẫn» no «lần» (a sentence keeps its marks; folded, they would match).
    folded = folded_as_written(sentence, _UNIT_WRITTEN)
    if unit == "thoi gian":  # «kỷ niệm 134 năm Ngày sinh» is an anniversary, not a duration
        folded = _ANNIVERSARY.sub(" ", folded)
    if unit == "phan tram" and (re.search(r"\d\s*%", folded) or _FRACTION.search(folded)):
        return True  # «96,5%», or a share in words: «ít nhất hai phần ba số đảng viên»
    # A count of people or things may have words between («hai phần ba số đảng viên»); an
    # amount, an age or a time follows its number («1.500.000 đồng», «18 tuổi», «3 tháng»).
    counted = unit in _COUNTED or unit not in _UNIT_GIVEN
    gap = "(?:[a-z]+\\s+){0,3}" if counted else ""
    # «06 tháng 5 năm 2024» is a date, not six months nor five years: a unit with a number
    # after it names a month or a year.
    if re.search(rf"{_NUMBER}[\s%)]*{gap}(?:{words})\b(?!\s*\d)", folded):
        return True
    # A count in an ordinal: «tháng thứ ba liên tiếp», «lần thứ 2».
    if unit in ("lan", "thang", "nam") and re.search(rf"\b{unit} thu {_NUMBER}", folded):
        return True
    # A count may also follow what it counts, in digits: «đội ngũ cộng tác viên gồm 27 đồng
    # chí», «nâng tổng số tổ chức đảng trong các doanh nghiệp … lên 21» (not «là một …»).
    return unit not in _AMOUNTS and bool(
        re.search(
            rf"\b(?:{words})\b(?:\s+\S+){{0,10}}?\s+(?:len|la|gom|dat|co)\s+\d[\d.,]*"
            r"(?![\d.,]|\s*(?:%|phan tram))",  # a share is no count: «… đúng giờ đạt 97,5%»
            folded,
        )
    )


# A share written in words (folded): «hai phần ba», «một phần tư», «một nửa», «quá nửa».
_FRACTION = re.compile(
    r"\b(?:mot|hai|ba|bon) phan (?:hai|ba|tu|nam|muoi)\b|\b(?:mot|qua|hon) nua\b"
)
_ANNIVERSARY = re.compile(r"\b(?:ky niem|tron)\s+\d+\s+nam\b")


# «tối đa bao nhiêu phút» asks an upper bound, «ít nhất mấy lần» a lower one (folded); a sentence
# stating only the other bound («90 phút trở lên» for a maximum) does not give it.
_UPPER = re.compile(
    r"\b(toi da|nhieu nhat|khong qua|khong vuot qua|lau nhat|cham nhat|tro xuong)\b"
)
_LOWER = re.compile(r"\b(toi thieu|it nhat|khong duoi|som nhat|tro len)\b")


def _number_key(number: str) -> str:
    """«21-KL/TW», «03-ct/tw», «3-CT» → «21-kl», «3-ct»: a document's number and kind, what a
    question names of it («chỉ thị 03») even when it names no issuer."""
    found = re.match(r"0*(\d+)-([^\W\d_]+)", fold(number))
    return f"{found.group(1)}-{found.group(2)}" if found else fold(number)


@lru_cache(maxsize=256)
def _keys_named(question: str) -> frozenset[str]:
    """The number keys of the documents ``question`` names with their kind (one parse for all
    the sentences it is matched against)."""
    return frozenset(
        _number_key(f"{r.number}-{r.type_code}") for r in find_numbers(question) if r.type_code
    )


def dates_a_named_document(sentence: str, question: str) -> bool:
    """True when ``sentence`` gives the day of a document the question names, where it cites it
    («… thay thế Chỉ thị số 03-CT/TW ngày 14/5/2011» for «Chỉ thị 03 ban hành ngày nào»)."""
    asked = _keys_named(question)
    return any(_number_key(m.group(1)) in asked for m in _CITED_DAY.finditer(fold(sentence)))


def gives_figure(sentence: str, question: str, unit: str, named: Collection[str] = ()) -> bool:
    """``gives_unit``, and the bound the question asks for when it asks one: a minimum does not
    answer «tối đa bao nhiêu», a maximum does not answer «tối thiểu bao nhiêu». The day dating
    a document the question names counts, in the library or not («Chỉ thị 03 ban hành ngày
    nào»: «… thay thế Chỉ thị số 03-CT/TW ngày 14/5/2011»)."""
    dated = unit in ("ngay thang", "nam nao") and dates_a_named_document(sentence, question)
    if not dated and not gives_unit(sentence, unit, named):
        return False
    asked = fold(question).lower()
    folded = fold(sentence).lower()
    for wanted, other in ((_UPPER, _LOWER), (_LOWER, _UPPER)):
        asks_only_this = wanted.search(asked) and not other.search(asked)
        if asks_only_this and other.search(folded) and not wanted.search(folded):
            return False
    return True


def answers_figure(quotes: list[Quote], question: str, named: Collection[str] = ()) -> bool:
    """False when the question asks for a figure in a unit (bao nhiêu tuổi, mấy lần) and no
    quote gives one: what would be quoted is about the topic, not the figure asked."""
    unit = asked_unit(question)
    return unit is None or any(gives_figure(q.text, question, unit, named) for q in quotes)


def figure_further(
    result: SearchResult, shown: int, *, max_quotes: int = 3
) -> tuple[list[Hit], list[Quote]] | None:
    """When the first quotes give no figure in the unit asked: the figure may sit in a sentence
    that shares fewer of the question's words («Thời gian dự bị là 12 tháng» for «dự bị bao
    lâu thì được xét chính thức»), or in a passage ranked just below the first ``shown`` hits
    («được chấm bao nhiêu điểm»). Quotes from all the hits of the documents those first hits
    belong to, led by the best sentence giving the figure, with the hits they index; None when
    none gives it. Another document's figure in the same unit (attendance
    «tỷ lệ 100%» for a share of votes) is never taken for the answer."""
    documents = {hit.document.id for hit in result.hits[:shown]}
    further = [hit for hit in result.hits if hit.document.id in documents]
    # The passages shown first, as the retriever ranked them; then the rest of their documents.
    for hits in (result.hits[:shown], further):
        quotes = select_quotes(
            replace(result, hits=hits),
            result.weights,
            max_quotes=max_quotes,
            max_hits=len(hits),
            lead_with_unit=True,
        )
        if quotes and answers_figure(quotes[:1], result.query, result.numbers):
            return hits, quotes
    return None


# «gửi … cơ quan nào», «nơi nhận»: where a document is sent is asked (folded), and the lines of
# its distribution list («Nơi nhận: - Ban Tổ chức Tỉnh ủy (để báo cáo)») may answer; no other
# question is answered by one.
_SENT_ASKED = re.compile(r"\b(gui|noi nhan|nhan duoc|de bao cao|luu)\b")
_ADDRESSED = re.compile(r"^\s*(?i:nơi nhận)\b.*$", re.M)


def _addressees(text: str) -> set[str]:
    """The sentences of the distribution list closing ``text`` (the lines after «Nơi nhận:»)."""
    found = _ADDRESSED.search(text)
    return set() if found is None else set(candidate_sentences(text[found.end() :]))


def _of_another_part(text: str, part: tuple[str, int]) -> bool:
    """True when the lines of ``text`` open with parts of the kind named («a) Quý I: …») but
    none with the one named («quý 3»): an item, or a lead-in with its items, about another."""
    opened = {opening_part(line) for line in text.split("\n")}
    return part not in opened and any(o is not None and o[0] == part[0] for o in opened)


def holds_part(text: str, part: tuple[str, int]) -> bool:
    """True when a sentence of the passage ``text`` is an item opening with ``part`` («c) Quý
    III: …» for ("quy", 3))."""
    return any(opening_part(s) == part for s in candidate_sentences(text))


def candidate_sentences(text: str) -> list[str]:
    """Sentences of a passage, kept verbatim (each is a substring of ``text``)."""
    out: list[str] = []
    lines = text.split("\n")
    for n, line in enumerate(lines):
        if _is_heading(line.strip()):
            continue
        item = _ITEM.match(line) is not None
        # «b) Phần nội dung:» is short, but it leads the items under it
        leads = line.rstrip().endswith(":") and bool(
            _ITEM.match(lines[n + 1] if n + 1 < len(lines) else "")
        )
        for sentence in split_sentences(line, at_semicolons=not item):
            sentence = _tidy(sentence)
            long_enough = len(sentence) >= MIN_SENTENCE_CHARS or (leads and line.endswith(sentence))
            if long_enough and not _HEADER_NOISE.match(sentence):
                out.append(sentence)
    return out


def _tidy(sentence: str) -> str:
    """Doubled end punctuation («..», «;.») cut to its first mark (still a substring)."""
    m = re.search(r"([.;:!?…])[.;:!?…]+$", sentence)
    return sentence[: m.start() + 1] if m else sentence


def _is_heading(line: str) -> bool:
    """Headings name a section; they answer nothing by themselves."""
    if line.isupper():
        return True
    short = len(line) <= HEADING_MAX_CHARS and not line.endswith((".", ";", ":", "?", "!"))
    return short and heading_match(line) is not None


def _is_fragment(sentence: str) -> bool:
    """A sentence cut from the middle of another (a wrapped line starting in lower case)."""
    body = _ITEM.sub("", sentence, count=1)
    return bool(body) and body[0].islower() and not _ITEM.match(sentence)


def select_quotes(
    result: SearchResult,
    weights: dict[str, float],
    *,
    max_quotes: int = 3,
    max_hits: int = 3,
    lead_with_unit: bool = False,
) -> list[Quote]:
    """Up to ``max_quotes`` sentences, the best first, at most two from the first hit and one
    from each other; further ones only when they score close to the best. With
    ``lead_with_unit``, the first is the best sentence giving a figure in the unit asked.

    ``weights`` maps folded syllables of the question to their importance (IDF).
    """
    hits = result.hits[:max_hits]
    if not hits:
        return []
    if result.only_number:
        return _document_lead(hits)
    within: list[int] | None = None  # the hits quotes may come from (None: any)
    if result.article:
        within = _article_hits(hits)
        clause = _CLAUSE_ASKED.search(fold(result.query))
        if clause is not None:  # «khoản 3 điều 6 …»: that clause, or nothing
            return _clause(hits, within, int(clause.group(1)))
        if result.article_only:  # «Điều 6 Quy định 37 nói gì»: its clauses in order
            return _clauses(hits, within, max_quotes)
    wanted = asks(result.query)
    unit = asked_unit(result.query)
    duty = "permission" in wanted and bool(_DUTY_ASKED.search(fold(result.query).lower()))
    part = named_part(result.query)
    month = _MONTH_ASKED.search(strip_diacritics(result.query))
    doer = _asked_doing(result.query)
    holder = bool(_HOLDER_ASKED.search(fold(result.query)))
    if part is not None:  # «quý IV gồm những nội dung gì» asks for that item, not the list
        wanted.discard("list")
    weights = focus_weights(weights)
    total = sum(weights.values()) or 1.0
    query_bigrams = {t for t in tokenize(result.query) if "_" in t}
    asked_words = set(tokenize(result.dense_query, bigrams=False)) | set(weights)
    # The question as written, or restored when typed without marks: its syllables with marks.
    marked = _marked_forms(result.dense_query)
    # In the named document's own sentences, the words naming it («hướng dẫn 05 của Đảng ủy
    # Khối») say nothing about what is asked.
    naming = naming_words(result.query)
    unnamed = {t: w for t, w in weights.items() if t not in naming}
    scored: list[tuple[float, int, int, str]] = []
    sent_asked = bool(_SENT_ASKED.search(fold(result.query)))
    for hit_index, hit in enumerate(hits):
        if within is not None and hit_index not in within:
            continue
        own = hit.document.number is not None and hit.document.number in result.numbers
        sentence_weights = unnamed if own else weights
        addressees = set() if sent_asked else _addressees(hit.text)
        for position, sentence in enumerate(candidate_sentences(hit.text)):
            if sentence in addressees:  # «- Các đồng chí Ủy viên Ban Chấp hành Trung ương»
                continue
            tokens = set(tokenize(sentence))
            spoken = syllables(sentence)
            exact = set(spoken)
            score = sum(
                w * (1.0 if not marked.get(t) or marked[t] & exact else FOLDED_ONLY)
                for t, w in sentence_weights.items()
                if t in tokens
            )
            score += 0.5 * sum(1 for b in query_bigrams if b in tokens)
            # A long sentence shares more of the question's words by its length alone.
            score *= (max(len(spoken), LONG_SENTENCE) / LONG_SENTENCE) ** -LENGTH_DAMPING
            folded = fold(sentence).lower()
            if unit is not None:  # a figure in the unit asked, not any figure
                if gives_figure(sentence, result.query, unit, result.numbers):
                    score += ASK_BONUS * total
            elif (
                any(_GIVES[kind].search(folded) for kind in wanted if kind != "agent")
                or (duty and _DUTY.search(folded))
                or ("agent" in wanted and _names_agent(sentence, holder, doer))
                or ("list" in wanted and _labelled_as_asked(sentence, asked_words))
            ):
                score += ASK_BONUS * total
            if part is not None and _of_another_part(sentence, part):
                score *= 0.5
            if month is not None:
                plain = strip_diacritics(sentence)
                opens_month = _MONTH_OPENS.match(plain) or _MONTH_LEADS.match(plain)
                if opens_month is not None and opens_month.group(1) != month.group(1):
                    score *= 0.5
            if _is_fragment(sentence):
                score *= 0.5
            # Earlier hits and earlier sentences win ties.
            score -= 0.05 * hit_index + 0.01 * position
            scored.append((score, hit_index, position, sentence))
    quotes: list[Quote] = []
    per_hit: dict[int, int] = {}
    ranked = sorted(scored, key=lambda s: -s[0])
    named = next((s for s in ranked if part and opening_part(s[3]) == part), None)
    if "agent" in wanted:
        # «ai viết bài về chuyên đề quý II gửi Văn phòng»: who is asked, and the item of the part
        # («b) Quý II: …» of the year's topics) names no one; the part only says what about
        named = None
    if named is not None:  # the item the question names («d) Quý IV: …») answers it
        ranked = [named] + [s for s in ranked if s is not named]
    if lead_with_unit:
        # The best sentence giving the figure asked comes first; the others keep their order.
        lead = next(
            (s for s in ranked if unit and gives_figure(s[3], result.query, unit, result.numbers)),
            None,
        )
        if lead is None:
            return []
        ranked = [lead] + [s for s in ranked if s is not lead]
    # The bar for further quotes is the best sentence's score (not the lead's, when it was
    # chosen for its figure).
    best = max((s[0] for s in ranked), default=0.0)
    for score, hit_index, _position, sentence in ranked:
        if len(quotes) >= max_quotes:
            break
        if quotes and (score <= 0 or score < PAD_RATIO * best):
            break
        limit = 2 if hit_index == 0 else 1
        if per_hit.get(hit_index, 0) >= limit:
            continue
        text = _with_items(hits[hit_index].text, sentence)
        if any(text in q.text or q.text in text for q in quotes):
            continue
        if quotes and part is not None and _of_another_part(text, part):
            continue  # «… theo định hướng sau: a) Quý I: …» adds nothing to «quý 3»
        per_hit[hit_index] = per_hit.get(hit_index, 0) + 1
        quotes.append(Quote(hit_index, text))
    if not quotes:
        quotes = [Quote(0, s) for s in candidate_sentences(hits[0].text)[:1]]
    return quotes


# An item that names its subject before a colon and lists it after: «1. Công tác chính trị, tư
# tưởng: tổ chức …; 100% đảng viên …».
_LABEL = re.compile(r"^\s*(?:[-–+•*]|[a-zđ]\)|\d{1,2}[.)])?\s*([^:;,.\d][^:;.]{4,60}):\s+\S", re.I)


def _labelled_as_asked(sentence: str, asked: set[str]) -> bool:
    """True when ``sentence`` opens with a label of two words or more, every one of which the
    question uses («những việc gì về công tác chính trị tư tưởng» → «Công tác chính trị, tư
    tưởng: …»): the items after it are the list asked for."""
    found = _LABEL.match(sentence)
    if found is None:
        return False
    label = tokenize(found.group(1), bigrams=False)
    return len(label) >= 2 and all(t in asked for t in label)


# «ai», «đồng chí nào», «người nào» and what follows them (folded).
_WHO = r"\b(?:ai|dong chi nao|nguoi nao)\s+"


def _asked_doing(question: str) -> str | None:
    """What «ai» (or «đồng chí nào», «người nào») is asked to have done («ai hướng dẫn nội
    dung» → «huong dan», «đồng chí nào báo cáo kết quả» → «bao cao»), folded."""
    found = re.search(rf"{_WHO}([a-z]+(?:\s+[a-z]+)?)", fold(question).lower())
    return None if found is None else _act_of(found.group(1).split())


def _act_of(words: list[str]) -> str | None:
    """The act in the two syllables ``words`` (folded): both when they make a verb whose first
    syllable folds like a question word («bao» of «báo cáo» is no «bao nhiêu»), else those that
    are no question words."""
    if " ".join(words) in _DOING_COMPOUNDS:
        return " ".join(words)
    return " ".join(w for w in words if w not in QUESTION_WORDS) or None


# Verbs whose first syllable folds like a question word («báo cáo» ~ «bao», «cho phép» ~ «cho»).
_DOING_COMPOUNDS = frozenset({"bao cao", "cho phep"})
# The frame between «ai» and the act asked: «ai (là người / được giao / được phân công / có
# trách nhiệm / phải) …» (folded syllables).
_AGENT_FRAME = frozenset(
    "la nguoi duoc co da se phai can dang trach nhiem giao phan cong chiu".split()
)


def act_asked(question: str) -> str | None:
    """The act «ai» (or «đồng chí nào», «người nào») is asked to have done, past its frame
    («ai được giao xây dựng phương án …» → «xay dung», «ai trình bày báo cáo» → «trinh bay»),
    folded; None when no act follows («… là ai») or a post is asked («ai là / làm bí thư»)."""
    found = re.search(rf"{_WHO}(.+)$", fold(question).lower())
    if found is None:
        return None
    words = re.findall(r"[a-z]+", found.group(1))
    if words[:1] in (["la"], ["lam"]) and words[1:2] != ["nguoi"]:
        return None  # «ai là bí thư», «ai làm phó bí thư»: a post held, not an act
    while words and words[0] in _AGENT_FRAME:
        words.pop(0)
    return _act_of(words[:2])


def _names_agent(sentence: str, holder: bool, doing: str | None) -> bool:
    """True when a person or a body acts in ``sentence``; when the question asks who did
    something («ai hướng dẫn»), the body must be the one doing it («Ban Tuyên giáo Trung ương
    hướng dẫn …»); when it asks who holds a post (``holder``: «ai là bí thư»), a person must be
    named."""
    plain = strip_diacritics(sentence)
    if holder:
        return re.search(_PERSON, plain) is not None
    named_after = -1  # where the name of a body a document is «của» ends, at the latest
    for found in _AGENT.finditer(plain):
        if _OF_BODY.search(plain[: found.start()]) or found.start() <= named_after:
            named_after = found.end() + _BODY_NAME_CHARS
            continue
        if doing is None or re.search(
            rf"^.{{0,60}}?\b{re.escape(doing)}\b", plain[found.end() :].lower()
        ):
            return True
    return False


def naming_words(question: str) -> set[str]:
    """The folded syllables that only name a document in ``question``: its kind and number
    («hướng dẫn 05», «KL 01-KL/TW») and the issuer after it («của Đảng ủy Khối»)."""
    question = nfc(question)
    folded = fold(question).lower()
    naming: list[str] = []
    rest = folded
    for ref in sorted(find_numbers(question), key=lambda r: -r.span[0]):
        start, end = ref.span
        issuer = OF_ISSUER.match(folded, end + 1) if folded[end : end + 1] == " " else None
        if issuer is not None:
            end = issuer.end()
        naming.append(folded[start:end])
        rest = rest[:start] + " " + rest[end:]
    elsewhere = set(tokenize(rest, bigrams=False))
    return {t for part in naming for t in tokenize(part, bigrams=False)} - elsewhere


def _marked_forms(question: str) -> dict[str, set[str]]:
    """Folded syllable → the forms with marks the question used (none when typed bare)."""
    out: dict[str, set[str]] = {}
    for syllable in syllables(question):
        folded = fold(syllable)
        if folded != syllable:
            out.setdefault(folded, set()).add(syllable)
    return out


def _with_items(passage: str, sentence: str) -> str:
    """A lead-in ending in «:» with the list items that follow it in the passage (verbatim)."""
    if not sentence.rstrip().endswith(":"):
        return sentence
    start = passage.find(sentence)
    if start < 0:
        return sentence
    end = start + len(sentence)
    items = 0
    while items < MAX_LIST_ITEMS:
        if not passage.startswith("\n", end):
            break
        line_end = passage.find("\n", end + 1)
        line_end = len(passage) if line_end < 0 else line_end
        line = passage[end + 1 : line_end]
        if not line.strip() or not _ITEM.match(line) or line_end - start > MAX_LIST_CHARS:
            break
        end, items = line_end, items + 1
    return passage[start:end]


def focus_weights(weights: dict[str, float]) -> dict[str, float]:
    """The question's words that say what it is about: without interrogatives, particles and
    the parts of a document number (the number itself is matched by the retriever)."""
    return {
        t: w
        for t, w in weights.items()
        if t not in QUESTION_WORDS and t not in _DOCUMENT_CODES and not any(c.isdigit() for c in t)
    }


def focus_coverage(quotes: list[Quote], hits: list[Hit], weights: dict[str, float]) -> float:
    """0–1: how much of the question's weighted vocabulary the first quote holds, with the
    labels of its document and section (so a question naming the document is not penalised).
    A near miss — the corpus touches the topic but not the point asked (rượu bia, phần trăm
    đảng phí) — leaves its focus words out of what would be quoted."""
    weights = focus_weights(weights)
    total = sum(weights.values())
    if not quotes or not total:
        return 0.0
    first = quotes[0]
    hit = hits[first.hit_index]
    labels = " ".join([hit.document.cite_prose(hit.section), hit.document.title or ""])
    present = set(tokenize(first.text + " " + labels, bigrams=False))
    return sum(w for t, w in weights.items() if t in present) / total


_CLAUSE_ASKED = re.compile(r"\bkhoan\s+0*(\d{1,2})\b")


def _article_hits(hits: list[Hit]) -> list[int]:
    """The hits of the article the first hit is under («Điều 6. …»), in reading order."""
    path = hits[0].heading_path
    depth = next((n + 1 for n, h in enumerate(path) if heading_article(h) is not None), 0)
    return [i for i, hit in enumerate(hits) if hit.heading_path[:depth] == path[:depth]]


def _clause(hits: list[Hit], within: list[int], number: int) -> list[Quote]:
    """Clause ``number`` of the article (its whole line, «3. Không được …»); none when the
    article has no such clause."""
    opens = re.compile(rf"^\s*0*{number}\s*[.)]\s")
    for i in within:
        for line in hits[i].text.split("\n"):
            if opens.match(line):
                return [Quote(i, line.strip())]
    return []


def _clauses(hits: list[Hit], within: list[int], max_quotes: int) -> list[Quote]:
    """The article's first ``max_quotes`` lines, in order (its clauses)."""
    lines = [
        Quote(i, line.strip())
        for i in within
        for line in hits[i].text.split("\n")
        if line.strip() and not _is_heading(line.strip())
    ]
    return lines[:max_quotes]


# A line of the preamble that names what a document rests on («- Căn cứ Điều lệ Đảng;»,
# «Thực hiện Nghị quyết Đại hội …;», «- Xét Tờ trình số 05 …,»): it says nothing of what the
# document itself says.
_PREAMBLE = re.compile(r"^\s*(?:[-–+•*]\s*)?(?:Căn cứ|Thực hiện|Xét)\b.*[;,]\s*$")


def _subject_line(text: str, title: str) -> str | None:
    """The line of a passage that states its document's subject: the title as written, or the
    «về …» line of a title set on two lines («KẾT LUẬN CỦA BAN THƯỜNG VỤ …» / «về định hướng
    …»), which says what the document is about."""
    title = " ".join(fold(title).split())
    if not title:
        return None
    found: list[str] = []
    for line in text.split("\n"):
        folded = " ".join(fold(line).split())
        if len(folded) >= 10 and (folded in title or title[:40] == folded[:40]):
            found.append(line.strip())
    about = [line for line in found if fold(line).startswith("ve ")]
    return next(iter(about or found), None)


def _document_lead(hits: list[Hit]) -> list[Quote]:
    """For a question that only names a document: its subject line and first sentences (not
    the «Căn cứ …;» lines of its preamble, nor the wrapped rest of its title line)."""
    quotes: list[Quote] = []
    for hit_index, hit in enumerate(hits):
        line = _subject_line(hit.text, hit.document.title or "")
        if line is not None:
            quotes.append(Quote(hit_index, line))
        sentences = candidate_sentences(hit.text)
        body = [s for s in sentences if not _PREAMBLE.match(s) and not _is_fragment(s)]
        for sentence in body:
            if len(quotes) >= 2 or any(sentence in q.text or q.text in sentence for q in quotes):
                continue
            quotes.append(Quote(hit_index, sentence))
        if len(quotes) >= 2:
            break
    return quotes[:3]


# «KH 48 có mấy nhóm nhiệm vụ», «những nhóm nhiệm vụ, giải pháp nào», «có mấy nội dung»: the
# parts of a document's outline are asked (folded) — not «bao nhiêu phần trăm».
_OUTLINE_ASKED = re.compile(
    r"\b(may|nhung|cac|bao nhieu)\s+(?:nhom\s+)?(noi dung|nhiem vu|giai phap|nhom)\b"
    r"(?!\s+(?:la|cua)\b)"
)
# «Quy định 37 có bao nhiêu điều?», «… gồm những điều nào» — its articles, asked about nothing
# more («… bao nhiêu điều đảng viên không được làm» asks what the articles say).
_ARTICLES_ASKED = re.compile(
    r"\b(?:co|gom|chia(?: lam| thanh)?)\s+(?:bao nhieu|may|nhung|cac)\s+(dieu)"
    r"(?:\s+(?:nao|gi|vay|a|nhi|the))*\s*[?.!]*\s*$"
)
_ARTICLE_LINE = re.compile(r"^Điều\s+\d{1,3}\.\s+\S[^\n]{2,100}$")
# A part of the outline: a numbered heading line, a title and not a sentence («1. Tổ chức học
# tập, quán triệt», not «1. Quán triệt sâu sắc … chỉnh đốn Đảng.»).
_OUTLINE_ITEM = re.compile(r"^\d{1,2}\.\s+[^\W\d_][^\n]{2,100}$")
_SECTION_LINE = re.compile(r"^[IVX]{1,4}\.\s+\S[^\n]{2,100}$")


def outline_asked(question: str) -> str | None:
    """The kind of part a question asks a document's outline for («nhiem vu», «noi dung»;
    «nhom» alone; «dieu» for its articles), folded; None when it asks none."""
    folded = fold(question).lower()
    parts = _ARTICLES_ASKED.search(folded)
    if parts is not None:
        return parts.group(1)
    found = _OUTLINE_ASKED.search(folded)
    return None if found is None else found.group(2)


def outline(
    passages: Sequence[tuple[int, str]], asked: str, *, whole: bool = False
) -> list[tuple[int, str]]:
    """The numbered headings of the section a question asks for, as (passage id, line) in
    reading order, each line verbatim from its passage: those under a section whose heading
    names what is asked («III. NHIỆM VỤ, GIẢI PHÁP» for «nhóm nhiệm vụ, giải pháp»), or, with
    ``whole``, those of a document not divided in such sections (Kết luận 01: «1. Tiếp tục quán
    triệt …» to «7. Tổ chức thực hiện»). Empty unless at least two are found."""
    sections: dict[str | None, list[tuple[int, str]]] = {}
    current: str | None = None
    seen: set[str] = set()
    if asked == "dieu":  # the articles' headings, in order
        heads = [
            (passage_id, line)
            for passage_id, text in passages
            for line in (raw.strip() for raw in text.splitlines())
            if _ARTICLE_LINE.match(line) and not line.endswith((".", ";", ","))
        ]
        return list(dict.fromkeys(heads)) if len(heads) >= 2 else []
    for passage_id, text in passages:
        for raw in text.splitlines():
            line = raw.strip()
            if _SECTION_LINE.match(line) and heading_match(line) is not None:
                current = fold(line).lower()
                continue
            if _OUTLINE_ITEM.match(line) and line[-1] not in ".;:!?…," and line not in seen:
                seen.add(line)
                sections.setdefault(current, []).append((passage_id, line))
    for section, items in sections.items():
        if section is not None and asked in section and len(items) >= 2:
            return items
    if whole and len(sections) == 1 and None in sections and len(sections[None]) >= 2:
        return sections[None]
    return []


# Words that point at a part of a document rather than say what it is about («phần tổ chức
# thực hiện», «mục nhiệm vụ giải pháp»).
_POINTING = frozenset("phan muc chuong noi".split())
MAX_SECTION_LINES = 6
# where a document's signature block starts: the section before it ends there
_SIGNATURE = re.compile(rf"^({_SIGNATURE_OPENS}|tl\.|q\.|\(đã ký\))", re.I)


def section_words(question: str, weights: dict[str, float]) -> set[str]:
    """The folded words ``question`` asks beyond the document it names, its question words and
    particles — what a heading would have to say for the question to ask that section; empty
    when too few to name one."""
    asked = set(focus_weights(weights)) - naming_words(question)
    return asked if len(asked - _POINTING) >= 2 else set()


def section_asked(
    passages: Sequence[tuple[list[str], int, str]], asked: set[str], question: str = ""
) -> tuple[list[str], list[tuple[int, str]]] | None:
    """A question naming nothing but a section of the document by its heading («mục đích yêu
    cầu của Kế hoạch 48», «phần tổ chức thực hiện của Chương trình 13 nói gì»; ``asked`` from
    ``section_words``): that section's heading path and its first lines in reading order — or
    its numbered sub-headings, when it is divided in parts — as (passage id, line) verbatim from
    the ``passages`` (heading path, id, text). None when the question asks more than the heading
    says («Quy định 37 phần tổ chức thực hiện giao cho ai»), or no heading says it."""
    if not asked:
        return None
    # Words asked side by side are said side by side in the heading: «phát biểu» is not
    # «6. Phát hiện, biểu dương điển hình».
    pairs = {b for b in tokenize(question) if "_" in b and set(b.split("_")) <= asked}
    for path, _pid, _text in passages:
        for depth in range(1, len(path)):
            heading = set(tokenize(_ITEM.sub("", path[depth])))
            if not asked <= heading | _POINTING or len(asked & heading) < 2:
                continue
            if pairs and not pairs & heading:
                continue
            section = path[: depth + 1]
            lines: list[tuple[int, str]] = []
            parts: list[tuple[int, str]] = []  # its numbered sub-headings, when divided
            for p_path, pid, text in passages:
                if list(p_path[: depth + 1]) != list(section):
                    continue
                for raw in text.split("\n"):
                    line = raw.strip()
                    if _SIGNATURE.match(line):  # the document's end: signer and recipients
                        break
                    if _is_heading(line):
                        if _OUTLINE_ITEM.match(line):
                            parts.append((pid, line))
                    elif line and not _HEADER_NOISE.match(line):
                        lines.append((pid, line))
            if len(parts) >= 2:  # «II. NHIỆM VỤ, GIẢI PHÁP»: «1. …», «2. …», «3. …»
                return list(section), parts
            return (list(section), lines[:MAX_SECTION_LINES]) if lines else None
    return None
