"""How hits are named: document labels and section markers for citations."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from index import texts
from knowledge.models import Document, Scope, Trust

_ROMAN = re.compile(r"^([IVXLC]+)\b")
_ARABIC = re.compile(r"^(\d{1,2}(?:\.\d{1,2})?)\.?(?:\s|$)")
_LETTER = re.compile(r"^([a-zđ])\)")
_NAMED = re.compile(
    r"^(Phần|PHẦN|Chương|CHƯƠNG|Mục|MỤC|Điều|ĐIỀU)\s+(thứ\s+|THỨ\s+)?(\S+?)[.:]?(\s|$)"
)


@dataclass(frozen=True)
class DocInfo:
    """What a citation needs to know about a document."""

    id: int
    doc_type: str
    number: str | None
    issued_on: date | None
    issuer: str | None
    title: str
    file_name: str
    trust: str = Trust.UNCHECKED
    scope: str = Scope.SHARED
    scope_id: int | None = None

    @classmethod
    def of(cls, doc: Document) -> DocInfo:
        """What a citation needs to know about a stored document."""
        assert doc.id is not None
        return cls(
            doc.id,
            doc.doc_type,
            doc.number,
            doc.issued_on,
            doc.issuer,
            doc.title,
            doc.file_name,
            trust=doc.trust,
            scope=doc.scope,
            scope_id=doc.scope_id,
        )

    @property
    def trust_label(self) -> str:
        """What a citation adds so nobody takes it for more than it is ("" once checked)."""
        if self.trust == Trust.SAMPLE:
            return texts.SAMPLE_LABEL
        if self.trust == Trust.UNCHECKED:
            return texts.UNCHECKED_LABEL
        return ""

    @property
    def short(self) -> str:
        """ "Chỉ thị 05-CT/TW" or the article's title."""
        return f"{self.doc_type} {self.number}" if self.number else self.title

    def cite(self, section: str = "") -> str:
        """CLI style: "Chỉ thị 05-CT/TW, 15/5/2016, Bộ Chính trị — II.2"."""
        parts = [self.short]
        if self.issued_on:
            parts.append(format_date(self.issued_on))
        if self.issuer:
            parts.append(self.issuer)
        label = ", ".join(parts)
        label = f"{label} — {section}" if section else label
        return f"{label} ({self.trust_label})" if self.trust_label else label

    def cite_prose(self, section: str = "") -> str:
        """Answer style: "Chỉ thị số 05-CT/TW ngày 15/5/2016 của Bộ Chính trị — mục II.2"."""
        if self.number:
            text = f"{self.doc_type} số {self.number}"
        else:
            text = f"{self.doc_type} «{self.title}»"
        if self.issued_on:
            text += f" ngày {format_date(self.issued_on)}"
        if self.issuer:
            text += f" của {self.issuer}"
        if section:
            text += f" — {section if section[0].isupper() else 'mục ' + section}"
        return f"{text} ({self.trust_label})" if self.trust_label else text


def format_date(value: date) -> str:
    """Vietnamese short date: 15/5/2016."""
    return f"{value.day}/{value.month}/{value.year}"


def section_label(heading_path: list[str] | tuple[str, ...]) -> str:
    """Compact section of a heading path (root excluded): "II.2.a", "Chương II, Điều 5, khoản 1"."""
    named: list[str] = []
    dotted: list[str] = []
    after_article = False
    for component in heading_path[1:]:
        m = _NAMED.match(component)
        if m:
            word = m.group(1).capitalize()
            named.append(f"{word} {m.group(2) or ''}{m.group(3)}".replace("  ", " "))
            after_article = word == "Điều"
            dotted = []
            continue
        for pattern in (_ROMAN, _ARABIC, _LETTER):
            mm = pattern.match(component)
            if mm:
                dotted.append(mm.group(1))
                break
    if after_article and dotted:
        words = ["khoản", "điểm"]
        tail = [f"{words[min(i, 1)]} {d}" for i, d in enumerate(dotted)]
        return ", ".join(named + tail)
    parts = [*named]
    if dotted:
        parts.append(".".join(dotted))
    return ", ".join(parts)
