"""Strip the page furniture that scraped Party websites leave around an article."""

from __future__ import annotations

import re

from knowledge.text import fold

_IMAGE_PLACEHOLDER = re.compile(r"^[\w\-. ()]{1,80}\.(png|jpe?g|gif|webp|bmp|svg)$", re.I)
_NUMBER_ONLY = re.compile(r"^[\d.,\s]+$")
# Folded labels of visitor counters ("Truy cập / Hôm nay: 1272 / … / Tất cả: 2124450").
_COUNTER_LABEL = re.compile(
    r"^(truy cap|luot truy cap|tong (so )?luot truy cap|dang truy cap|dang online|online|"
    r"hom nay|hom qua|tuan nay|tuan truoc|thang nay|thang truoc|nam nay|tat ca|tong cong|"
    r"so luot truy cap|thong ke truy cap)\s*:?\s*[\d.,]*$"
)
# Folded lines that are only site chrome.
_CHROME = re.compile(
    r"^(chia se|in bai|ban in|gui email|gui bai|facebook|zalo|twitter|quay lai|ve dau trang|"
    r"luot xem\s*:?\s*[\d.,]*|tags?\s*:.*|tu khoa\s*:.*|binh luan|dang nhap|dang ky|"
    r"trang chu|lien he|so do trang|ban quyen.*|copyright.*|©.*|font size|co chu|"
    r"a\+|a-|tweet|like|share|print|email|chia se (len )?(facebook|zalo|twitter)|"
    r"(cap nhat|ngay cap nhat|ngay dang|dang ngay|dang luc|thoi gian dang)\s*:.{0,70})$"
)
# Once one of these headings appears near the end, the rest is a list of other articles.
_TAIL_SECTIONS = re.compile(
    r"^(tin lien quan|cac tin khac|bai viet lien quan|tin cung chuyen muc|"
    r"xem them|tin moi nhat|doc nhieu nhat|tin noi bat)\s*:?$"
)
_BYLINE = re.compile(
    r"^(theo |nguon\s*:)|^[^\W\d_][\w.]*( [^\W\d_][\w.]*){1,4}\s*[-–(]\s*\S.{0,70}$"
)


def strip_page_noise(text: str) -> str:
    """Remove image placeholders, visitor counters, share buttons, related-article tails, bylines.

    Only whole lines are removed, and only lines that look like site chrome, so a document's own
    text is never cut mid-sentence.
    """
    return split_page_noise(text)[0]


def split_page_noise(text: str) -> tuple[str, str | None]:
    """Like ``strip_page_noise``, also returning the closing byline it removed, if any."""
    lines = text.split("\n")
    kept: list[str] = []
    for index, line in enumerate(lines):
        stripped = line.strip()
        folded = fold(stripped)
        if _IMAGE_PLACEHOLDER.match(stripped):
            continue
        if _CHROME.match(folded):
            continue
        if _TAIL_SECTIONS.match(folded) and index > len(lines) * 0.5:
            break
        kept.append(line)
    kept = _drop_counter_tail(kept)
    kept, byline = _drop_trailing_byline(kept)
    return "\n".join(kept), byline


def _drop_counter_tail(lines: list[str]) -> list[str]:
    """Cut a trailing block made only of counter labels, numbers and blank lines."""
    end = len(lines)
    cut = end
    index = end - 1
    saw_label = False
    while index >= 0:
        folded = fold(lines[index].strip())
        if not folded or _NUMBER_ONLY.match(folded):
            index -= 1
            continue
        if _COUNTER_LABEL.match(folded):
            saw_label = True
            cut = index
            index -= 1
            continue
        break
    return lines[:cut] if saw_label else lines


def _drop_trailing_byline(lines: list[str]) -> tuple[list[str], str | None]:
    """Drop a short "Name - Organisation" or "Theo …" line that closes a news article."""
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    if len(lines) < 3:
        return lines, None
    last = lines[-1].strip()
    if (
        len(last) <= 90
        and not last.endswith((".", ":", ";"))
        and _BYLINE.match(fold(last))
        and not re.match(r"^(\d+|[ivxlc]+|[a-z])[.)]", fold(last))
    ):
        return lines[:-1], last
    return lines, None
