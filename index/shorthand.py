"""The shorthand members type in chats, written out before a question is searched.

«đv có được kinh doanh k», «hồ sơ đv gồm những gì», «UBKT có nhiệm vụ gì»: the documents write
«đảng viên», «không», «Ủy ban Kiểm tra», so a question in chat shorthand shares none of its
point with them and is refused or answered from the wrong clause. Only forms that mean one
thing in a cell's chat are written out; ambiguous ones stay as typed («cb»: chi bộ or cán bộ;
«bn»: bao nhiêu or bạn; «ĐH»: Đại hội or đại học). Letters inside a document number
(«05-CT/TW», «48-KH/ĐUK», «CTr 13 ĐUK») are never touched.
"""

from __future__ import annotations

import re

# Typed in any case: unambiguous in a cell's chat.
_ANY_CASE = {
    "đv": "đảng viên",
    "đvdb": "đảng viên dự bị",
    "dvdb": "đảng viên dự bị",
    "cbđv": "cán bộ, đảng viên",
    "cbdv": "cán bộ, đảng viên",
    "shcb": "sinh hoạt chi bộ",
    "shcđ": "sinh hoạt chuyên đề",
    "shcd": "sinh hoạt chuyên đề",
    "đ/c": "đồng chí",
    "đ/ c": "đồng chí",
    "ko": "không",
    "khg": "không",
    "hok": "không",
    "ntn": "như thế nào",
    "pbt": "phó bí thư",
    "yc": "yêu cầu",
}
# Typed in lower case only: in capitals they are something else («DV» of «Công ty … DV»,
# «SH» of a licence plate).
_LOWER = {
    "dv": "đảng viên",
    "sh": "sinh hoạt",
    "j": "gì",
    "vs": "với",
    "trc": "trước",
    "mn": "mọi người",
    "mng": "mọi người",
}
# Acronyms of Party bodies and phrases, in capitals as members write them, or all in lower case
# (not «tư», a word).
_ACRONYMS = {
    "BCHTW": "Ban Chấp hành Trung ương",
    "BCH": "Ban Chấp hành",
    "BCT": "Bộ Chính trị",
    "BBT": "Ban Bí thư",
    "BTV": "Ban Thường vụ",
    "UBKT": "Ủy ban Kiểm tra",
    "BTG": "Ban Tuyên giáo",
    "BTC": "Ban Tổ chức",
    "BDV": "Ban Dân vận",
    "HNTW": "Hội nghị Trung ương",
    "TW": "Trung ương",
    "TƯ": "Trung ương",
    "ĐUK": "Đảng ủy Khối",
    "HCM": "Hồ Chí Minh",
    "MTTQ": "Mặt trận Tổ quốc",
    "CNXH": "chủ nghĩa xã hội",
    "CUV": "chi ủy viên",
}

# A form stands alone: not inside a word, a number or a document code («05-CT/TW»), and not
# right after a number («CTr 13 ĐUK», where the issuer is part of how the document is named).
_BEFORE = r"(?<![\w/\-.])"
_AFTER = r"(?![\w/\-])"
_NOT_AFTER_NUMBER = r"(?<!\d )"


def _alternatives(forms: list[str]) -> str:
    return "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))


_ANY_CASE_FORM = re.compile(rf"{_BEFORE}({_alternatives(list(_ANY_CASE))}){_AFTER}", re.I)
_LOWER_FORM = re.compile(rf"{_BEFORE}({_alternatives(list(_LOWER))}){_AFTER}")
_ACRONYM_FORM = re.compile(
    rf"{_BEFORE}{_NOT_AFTER_NUMBER}"
    rf"({_alternatives(list(_ACRONYMS) + [a.lower() for a in _ACRONYMS if a != 'TƯ'])}){_AFTER}"
)
# «dc»/«đc» is «được», or «đồng chí» before a name («đc Hoa»); «k» is «không» only as the last
# word of a question («có được … k?»), never a clause letter («điểm k»).
_DUOC = re.compile(rf"{_BEFORE}(?:đc|dc){_AFTER}")
_FINAL_K = re.compile(rf"{_BEFORE}k(?=\s*(?:ạ|ạ\?|\?|\.|!)?\s*$)")


def _before_a_name(found: re.Match[str]) -> bool:
    """True when the next word starts with a capital («đc Hoa»; not «dc ở lại»: a range such
    as À-Ỹ would also hold «ở»)."""
    rest = found.string[found.end() :].lstrip()
    return rest[:1].isupper()


def _calmed(text: str) -> str:
    """A question typed all in capitals, in lower case (its document numbers as typed): the
    diacritic restorer and the question's shape are read from lower-case text."""
    letters = [c for c in text if c.isalpha()]
    upper = sum(c.isupper() for c in letters)
    if len(letters) < 12 or upper < 0.8 * len(letters):
        return text
    return " ".join(w if any(c.isdigit() for c in w) else w.lower() for w in text.split(" "))


def expand_shorthand(text: str) -> str:
    """``text`` with the chat shorthand and Party acronyms it uses written out (and in lower
    case when it was typed all in capitals)."""
    text = _calmed(text)
    text = _ANY_CASE_FORM.sub(lambda m: _ANY_CASE[m.group(1).lower()], text)
    text = _LOWER_FORM.sub(lambda m: _LOWER[m.group(1)], text)
    text = _ACRONYM_FORM.sub(lambda m: _ACRONYMS[m.group(1).upper()], text)
    text = _DUOC.sub(lambda m: "đồng chí" if _before_a_name(m) else "được", text)
    return _FINAL_K.sub("không", text)
