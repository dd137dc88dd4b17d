"""Questions to cited answers: the bot, `chibo chat` and `chibo search` share this one path.

An answer is a few sentences quoted verbatim from the best passages, each followed by a marker
[n] that points to a numbered source; the rendered text is checked before anyone sees it.
"""

from __future__ import annotations

import html
import logging
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from index import texts
from index.citation import DocInfo, section_label
from index.quotes import (
    QUESTION_WORDS,
    WHICH_PERSON,
    Quote,
    act_asked,
    answers_figure,
    asked_unit,
    asks,
    asks_a_comrade,
    candidate_sentences,
    dates_a_named_document,
    figure_further,
    focus_coverage,
    focus_weights,
    folded_as_written,
    gives_figure,
    holds_part,
    named_part,
    names_a_comrade,
    names_person,
    naming_words,
    outline,
    outline_asked,
    person_named,
    section_asked,
    section_words,
    select_quotes,
    without_cited_days,
)
from index.retriever import (
    MAX_QUERY_CHARS,
    Filters,
    Hit,
    Retriever,
    SearchResult,
    words_besides_naming,
)
from knowledge import store
from knowledge.models import Document, DocumentCitation, Passage
from knowledge.numbers import TYPE_CODES, TYPE_NAMES, find_numbers, years_mentioned
from knowledge.scopes import SHARED, Readable
from knowledge.text import fold, nfc

log = logging.getLogger(__name__)

_MARKER = re.compile(r"\[(\d{1,3})\]")
_SOURCE_LINE = re.compile(r"^\[(\d{1,3})\] ", re.M)
PREVIEW_CHARS = 240


class AnswerInconsistent(RuntimeError):
    """A rendered answer whose markers and sources disagree; it must not be sent."""


@dataclass(frozen=True)
class Source:
    """A numbered source: one document section, cited by one or more quotes."""

    number: int
    citation: str
    document_id: int
    passage_ids: tuple[int, ...]


@dataclass(frozen=True)
class QuotedSentence:
    """A sentence copied verbatim from a passage, with the number of its source."""

    text: str
    source: int
    passage_id: int


@dataclass(frozen=True)
class Answer:
    """What the bot says to a question, before any formatting."""

    question: str
    quotes: tuple[QuotedSentence, ...] = ()
    sources: tuple[Source, ...] = ()
    unknown_numbers: tuple[str, ...] = ()
    example: str | None = None  # a document label to suggest when nothing was found
    missing_article: str | None = None  # «Quy định 37-QĐ/TW trong kho chỉ có 9 điều, không có …»
    focus: float = 1.0  # share of the question's weighted words the first quote holds

    @property
    def not_found(self) -> bool:
        """True when nothing relevant was found."""
        return not self.quotes

    @property
    def passage_ids(self) -> list[int]:
        """Cited passages, in source order (for buttons and feedback)."""
        return [pid for source in self.sources for pid in source.passage_ids]

    def quote_of(self, passage_id: int) -> str:
        """The quoted sentences taken from one passage."""
        return " ".join(q.text for q in self.quotes if q.passage_id == passage_id)


@dataclass(frozen=True)
class Listed:
    """A further passage for «Thêm kết quả»: its rank, citation and a short preview."""

    rank: int
    passage_id: int
    citation: str
    preview: str


@dataclass(frozen=True)
class MorePage:
    """One page of further passages and where the next page starts, if any."""

    items: tuple[Listed, ...]
    next_offset: int | None


class AnswerService:
    """Turns questions into cited answers with the retriever; synchronous, run it off the loop."""

    def __init__(
        self,
        retriever: Retriever,
        engine: Engine,
        *,
        min_relevance: float,
        min_focus: float = 0.0,
        max_sources: int = 3,
        page_size: int = 5,
    ) -> None:
        self.retriever = retriever
        self.engine = engine
        self.min_relevance = min_relevance
        self.min_focus = min_focus
        self.max_sources = max_sources
        self.page_size = page_size

    def relevant_hits(
        self, question: str, k: int, *, readable: Readable = SHARED
    ) -> tuple[SearchResult, list[Hit]]:
        """Search, then keep the hits at or above the relevance threshold.

        The question counts as answered only when one of the first ``max_sources`` hits clears
        the threshold (how it is calibrated); lower-ranked hits never stand in for them.
        """
        result = self.retriever.search(question, k, readable=readable)
        top = result.hits[: self.max_sources]
        if not any(h.relevance >= self.min_relevance for h in top):
            return result, []
        return result, [h for h in result.hits if h.relevance >= self.min_relevance]

    def answer(self, question: str, *, readable: Readable = SHARED) -> Answer:
        """Answer a question from the documents ``readable`` may read (QueryError for an empty
        one, IndexError_ without an index). The answer keeps the question as the member typed
        it (the search reads chat shorthand written out: «đv» as «đảng viên»)."""
        answer = self._answer_question(question, readable)
        typed = nfc(question).strip()[:MAX_QUERY_CHARS]
        return answer if answer.question == typed else replace(answer, question=typed)

    def _answer_question(self, question: str, readable: Readable) -> Answer:
        result, found = self.relevant_hits(
            question, max(8, self.max_sources * 2), readable=readable
        )
        unknown = tuple(result.unknown_numbers)
        if result.missing_article is not None:
            m = result.missing_article
            said = texts.MISSING_ARTICLE.format(
                document=m.document, articles=m.articles, article=m.article
            )
            return Answer(result.query, unknown_numbers=unknown, missing_article=said)
        if not found:
            return Answer(result.query, unknown_numbers=unknown, example=self._example(readable))
        about = self._about_named(result, found, readable)
        if about is not None:  # «kết luận … về tiếp tục thực hiện Chỉ thị 05»: that conclusion
            first = {h.passage_id for h in about}
            led = about + [h for h in found if h.passage_id not in first]
            answer = self._answer(replace(result, hits=led), led, readable)
            if answer.quotes:  # read as asking about the number when that conclusion says nothing
                return answer
        return self._answer(result, found, readable)

    def _answer(self, result: SearchResult, found: list[Hit], readable: Readable) -> Answer:
        """The answer from the relevant hits ``found`` (the first ``max_sources`` quoted)."""
        unknown = tuple(result.unknown_numbers)
        result = replace(result, weights=_without_light_verb(result))
        hits = self._with_part_named(result, found[: self.max_sources])
        section = self._section(result, found, readable)
        if section is not None:
            return replace(section, unknown_numbers=unknown)
        fact = self._document_fact(result, found, readable)
        if fact is not None:
            return replace(fact, unknown_numbers=unknown)
        parts = self._outline(result, found, readable)
        if parts is not None:
            return replace(parts, unknown_numbers=unknown)
        named = next(
            (h.document.number for h in found if h.document.number in result.numbers), None
        )
        if named and not result.only_number and not _asks_more_than_naming(result):
            # «Chỉ thị 05 nói những gì», «Thông báo 215 kết luận những gì»: the document named
            # is asked about as a whole, as «Chỉ thị 05 nói về gì» is — from its first passages
            whole, heads = self.relevant_hits(named, self.max_sources, readable=readable)
            if whole.only_number and heads:
                result, hits = replace(whole, query=result.query), heads[: self.max_sources]
        picked = select_quotes(
            replace(result, hits=hits),
            result.weights,
            max_quotes=self.max_sources,
            max_hits=self.max_sources,
        )
        # A question that only names a document, or one of its articles, or asks which documents
        # cite one, is answered by the number itself; any other must find its focus words in
        # what is quoted.
        by_number = result.only_number or result.citing or result.article
        answered = by_number or answers_figure(picked, result.query, result.numbers)
        if not answered:
            further = figure_further(
                replace(result, hits=found), len(hits), max_quotes=self.max_sources
            )
            if further is not None:
                (hits, picked), answered = further, True
        led = picked if by_number else _of_the_year_asked(picked, hits, result.query)
        if led is None:
            return Answer(result.query, unknown_numbers=unknown, example=self._example(readable))
        picked = led
        source = None if by_number else _source_named(result)
        if source is not None:  # «theo Kết luận 01 … Chỉ thị 05»: a quote of KL 01 leads
            picked, _ = _led_by(picked, lambda q: hits[q.hit_index].document.number == source)
        unit = None if by_number else asked_unit(result.query)
        if unit is not None:  # «sau mấy năm»: the quote giving a figure in that unit leads
            picked, _ = _led_by(
                picked, lambda q: gives_figure(q.text, result.query, unit, result.numbers)
            )
        body = None if by_number else body_tasked(result.query)
        if body is not None:  # «CT 05 giao Ban Tuyên giáo Trung ương làm gì»
            picked = _led_by_subject(picked, body)
            # what another body is tasked with does not answer («KL 21 giao Ủy ban Kiểm tra
            # Trung ương nhiệm vụ gì»: «Bộ Chính trị, Ban Bí thư chỉ đạo, kiểm tra, giám sát …»)
            answered = answered and fold(picked[0].text).lower().find(body) >= 0
        person = None if by_number else person_named(result.query)
        if person is not None:  # the quote naming the person asked about leads, if any does
            picked, _ = _led_by(picked, lambda q: names_person(q.text, person))
        if not by_number:  # the quote holding the event or sanction asked leads, if any does
            picked, held = _led_by(picked, lambda q: holds_what_is_asked(q.text, result.query))
            answered = answered and held
            if _WHEN_ASKED.search(fold(result.query).lower()):  # «tính từ khi nào»: the start
                picked, _ = _led_by(picked, lambda q: bool(_STARTS.search(fold(q.text).lower())))
        if picked and unknown and any("mention" in h.signals for h in hits):
            # «Trong kho chưa có văn bản số …; dưới đây là những đoạn văn bản khác nhắc tới nó»:
            # only what a document citing that number says is quoted under that line
            picked = [q for q in picked if "mention" in hits[q.hit_index].signals]
            if not picked:
                return Answer(
                    result.query, unknown_numbers=unknown, example=self._example(readable)
                )
        # «Chỉ thị 03 ban hành ngày nào», answered where it is cited with its day: the number
        # stands for the words asked
        dated = (
            unit in ("ngay thang", "nam nao")
            and bool(_ISSUE_ASKED.search(fold(result.query)))
            and dates_a_named_document(picked[0].text, result.query)
        )
        focus = 1.0 if by_number or dated else focus_coverage(picked, hits, _focus_of(result))
        if not by_number and (focus < self.min_focus or not answered):
            return Answer(result.query, unknown_numbers=unknown, example=self._example(readable))
        numbers: dict[str, int] = {}
        members: dict[str, list[int]] = {}
        documents: dict[str, int] = {}
        quotes: list[QuotedSentence] = []
        for quote in picked:
            hit = hits[quote.hit_index]
            if quote.text not in hit.text:  # only ever quote verbatim
                log.warning("dropping a non-verbatim quote for passage %s", hit.passage_id)
                continue
            citation = hit.document.cite_prose(hit.section)
            number = numbers.setdefault(citation, len(numbers) + 1)
            if hit.passage_id not in members.setdefault(citation, []):
                members[citation].append(hit.passage_id)
            documents[citation] = hit.document.id
            quotes.append(QuotedSentence(quote.text, number, hit.passage_id))
        sources = tuple(
            Source(n, citation, documents[citation], tuple(members[citation]))
            for citation, n in numbers.items()
        )
        if not quotes:
            return Answer(result.query, unknown_numbers=unknown, example=self._example(readable))
        return Answer(result.query, tuple(quotes), sources, unknown, focus=focus)

    def _with_part_named(self, result: SearchResult, hits: list[Hit]) -> list[Hit]:
        """«quý 3 sinh hoạt chuyên đề về gì»: when no hit quoted holds the item opening with the
        part the question names («c) Quý III: …»), the passage of their documents holding it
        is put first (it shares few of the question's other words, so it ranks low); the hits
        unchanged when the question names no part or none of their documents has that item."""
        part = named_part(result.query)
        if part is None or not hits or "agent" in asks(result.query):  # «ai …»: see select_quotes
            return hits
        if any(holds_part(h.text, part) for h in hits):
            return hits
        documents = list({h.document.id: h.document for h in hits}.values())
        with Session(self.engine) as session:
            for document in documents:  # readable: each is the document of a hit
                for passage in store.passages_of(session, document.id):
                    if passage.id is not None and holds_part(passage.text, part):
                        of_document = next(h for h in hits if h.document.id == document.id)
                        first = Hit(
                            passage.id, document, passage.text, list(passage.heading_path),
                            passage.ordinal, hits[0].score, hits[0].relevance,
                            dict(of_document.signals),  # a document's marks are its passages'
                        )  # fmt: skip
                        return [first, *hits[:-1]]
        return hits

    def _document_fact(
        self, result: SearchResult, hits: list[Hit], readable: Readable
    ) -> Answer | None:
        """A question about one fact of a named document is answered from that document's own
        lines: «Quy định 37 ký ngày nào?» by its date line, «Kết luận 21 do ai ký?» by its
        signature block, «… là của hội nghị Trung ương nào?» by its conference heading,
        «Nghị quyết 18 nhằm mục tiêu gì?» by the first sentence of its «Mục tiêu» (or «Mục
        đích») section. None when the question asks none of these, or the document does not
        hold the line asked (the question is then answered as any other)."""
        wanted = document_question(result.query)
        if wanted is None or result.citing or not hits:
            return None
        document = self._subject_document(result, hits, readable)
        if document is None:
            return None
        with Session(self.engine) as session:
            passages = store.passages_of(session, document.id)
        for passage in reversed(passages) if wanted == "signer" else passages:
            line = document_line(passage, wanted)
            if line is not None:
                citation = document.cite_prose(section_label(passage.heading_path))
                quote = QuotedSentence(line, 1, passage.id)
                return Answer(
                    result.query, (quote,), (Source(1, citation, document.id, (passage.id,)),)
                )
        return None

    def _outline(self, result: SearchResult, hits: list[Hit], readable: Readable) -> Answer | None:
        """«KH 48 có mấy nhóm nhiệm vụ, gồm những gì?» is answered by the numbered headings of
        the section that names what is asked («II. NỘI DUNG, NHIỆM VỤ»: «1. Tổ chức học tập,
        quán triệt», …, «6. Phát huy vai trò giám sát của quần chúng»), each quoted from its
        passage; «Kết luận 01 có mấy nội dung» by those of a document named that has no such
        sections. The document is the one the question names, or its best hit. None when the
        question asks no such parts or the document has no such outline."""
        asked = outline_asked(result.query)
        if asked is None or result.citing or result.article or not hits:
            return None
        document = self._subject_document(result, hits, readable) or hits[0].document
        named = document.number is not None and document.number in result.numbers
        count = re.search(r"\b(may|bao nhieu)\s", fold(result.query).lower()) is not None
        with Session(self.engine) as session:
            passages = store.passages_of(session, document.id)
        paths = {p.id: p.heading_path for p in passages}
        parts = outline(
            [(p.id, p.text) for p in passages if p.id is not None], asked, whole=named and count
        )
        if not parts:
            return None
        # cited by the section holding them all («mục II»), or the document itself
        shared = list(paths[parts[0][0]])
        for pid, _line in parts[1:]:
            while shared and list(paths[pid][: len(shared)]) != shared:
                shared.pop()
        return _lines_answer(result.query, document, shared, parts)

    def _section(self, result: SearchResult, hits: list[Hit], readable: Readable) -> Answer | None:
        """«Mục đích, yêu cầu của Kế hoạch 48»: the lines of the section of the document asked
        about whose heading says what is asked, in reading order, cited by that section."""
        if result.citing or result.article or not result.numbers or not hits:
            return None
        asked = section_words(result.query, result.weights)
        if not asked:  # (most questions: no store read)
            return None
        document = self._subject_document(result, hits, readable)
        if document is None:
            return None
        with Session(self.engine) as session:
            passages = [
                (list(p.heading_path), p.id, p.text)
                for p in store.passages_of(session, document.id)
                if p.id is not None
            ]
        found = section_asked(passages, asked, result.query)
        if found is None:
            return None
        path, lines = found
        return _lines_answer(result.query, document, path, lines)

    def _subject_document(
        self, result: SearchResult, hits: list[Hit], readable: Readable
    ) -> DocInfo | None:
        """The document a question is about: the number it names, unless it first names
        another kind of document («Kế hoạch thực hiện Kết luận 21 …» asks about the plan: the
        one plan that cites KL 21); a kind without a number («Chương trình nâng cao chất lượng
        sinh hoạt chi bộ …») is the document of the best passage of that kind."""
        kind = subject_kind(result.query)
        named = [h.document for h in hits if h.document.number in result.numbers]
        if not named and result.unknown_numbers:  # «Chỉ thị 03 …», not in the library: its
            return None  # kind names no other document of that kind («Chỉ thị 05»)
        if named and (kind is None or fold(named[0].doc_type).lower() == kind):
            return named[0]
        if kind is None:
            return None
        of_kind = [h.document for h in hits if fold(h.document.doc_type).lower() == kind]
        if named:  # another kind of document, about the one named
            citing = self._citing_of_kind(result.numbers, kind, readable)
            of_kind = [d for d in of_kind if d.id in citing] or (
                [DocInfo.of(next(iter(citing.values())))] if len(citing) == 1 else []
            )
        return of_kind[0] if of_kind else None

    def _about_named(
        self, result: SearchResult, found: list[Hit], readable: Readable
    ) -> list[Hit] | None:
        """The passages of the document a question asks about when that is not the number it
        names but a document citing it: one of another kind named before the number («theo kết
        luận của Bộ Chính trị về tiếp tục thực hiện Chỉ thị 05 …»), or one by another issuer the
        question names («Khi triển khai Kết luận 21, Đảng ủy Khối yêu cầu …» — KL 21 is the
        Central Committee's, the plan implementing it the Khối's). Best first; None when the
        question names the number's own kind or issuer, or nothing cites it."""
        if not result.numbers or result.only_number or result.citing or result.article:
            return None
        named = [h.document for h in found if h.document.number in result.numbers]
        refs = find_numbers(result.query)
        if not named or not refs:
            return None
        asked = fold(result.query).lower()
        review = _REVIEW.search(asked)
        if review is not None:  # «Sau 5 năm làm theo Chỉ thị 05 …»: a later review of it
            years = f"{review.group(1)} nam thuc hien"  # «Sau 5 năm thực hiện Chỉ thị …»
            reviews = self._citing_saying(result.numbers, years, readable)
            if reviews:
                return self._within(result.query, reviews, len(found), readable)
        kind = subject_kind(result.query)
        citing: dict[int, Document] = {}
        # the kind must come before the number («Thực hiện KL 21 … báo cáo» reports)
        if kind is not None and kind in fold(result.query[: refs[0].span[0]]).lower():
            if any(fold(d.doc_type).lower() == kind for d in named):
                return None
            citing = self._citing_of_kind(result.numbers, kind, readable)
        if not citing:  # («hướng dẫn việc học tập KL 21 trong Đảng bộ Khối» guides no document)
            if any(_issuer_named(d.issuer, asked) for d in named):
                return None
            # the documents found that cite the number, by the issuer named: ahead of the number
            by_issuer = [
                h
                for h in found
                if h.document.number not in result.numbers
                and _issuer_named(h.document.issuer, asked)
            ]
            if not by_issuer:  # (most questions: no store read)
                return None
            citing = self._citing_of_kind(result.numbers, None, readable)
            return [h for h in by_issuer if h.document.id in citing] or None
        return self._within(result.query, set(citing), len(found), readable)

    def _within(
        self, question: str, documents: set[int], k: int, readable: Readable
    ) -> list[Hit] | None:
        """The best ``k`` passages for ``question`` among ``documents`` (and what ``readable``
        may read); None when there are none."""
        found = self.retriever.search(
            question, k, Filters(documents=frozenset(documents)), readable=readable
        )
        return found.hits or None

    def _citing_saying(self, numbers: list[str], words: str, readable: Readable) -> set[int]:
        """Readable documents citing one of ``numbers`` whose text says ``words`` (folded)."""
        citing = self._citing_of_kind(numbers, None, readable)
        if not citing:
            return set()
        with Session(self.engine) as session:
            rows = session.exec(
                select(Passage.document_id, Passage.text).where(
                    col(Passage.document_id).in_(sorted(citing))
                )
            ).all()
        return {doc for doc, text in rows if doc is not None and words in fold(text).lower()}

    def _citing_of_kind(
        self, numbers: list[str], kind: str | None, readable: Readable
    ) -> dict[int, Document]:
        """Readable documents of ``kind`` (folded; any kind for None) that cite one of
        ``numbers``, by id."""
        with Session(self.engine) as session:
            citing = set(
                session.exec(
                    select(DocumentCitation.document_id).where(
                        DocumentCitation.number.in_(numbers)  # type: ignore[attr-defined]
                    )
                ).all()
            )
            return {
                d.id: d
                for d in store.list_documents(session, readable=readable)
                if d.id in citing
                and d.id is not None
                and (kind is None or fold(d.doc_type).lower() == kind)
            }

    def more(self, question: str, offset: int, *, readable: Readable = SHARED) -> MorePage:
        """Further relevant passages after the first ``offset`` ones."""
        _result, hits = self.relevant_hits(question, offset + self.page_size + 1, readable=readable)
        page = hits[offset : offset + self.page_size]
        items = tuple(
            Listed(
                offset + i + 1,
                hit.passage_id,
                hit.document.cite_prose(hit.section),
                preview(hit.text),
            )
            for i, hit in enumerate(page)
        )
        more = len(hits) > offset + self.page_size
        return MorePage(items, offset + self.page_size if more else None)

    def _example(self, readable: Readable) -> str | None:
        """A document worth naming: the one other documents cite most, else the newest."""
        with Session(self.engine) as session:
            readable_documents = store.list_documents(session, readable=readable)
            documents = [d for d in readable_documents if d.number]
            if not documents:
                return None
            citing = {d.id for d in readable_documents}
            cited = Counter(
                number  # one row per citing document
                for doc_id, number in session.exec(
                    select(DocumentCitation.document_id, DocumentCitation.number)
                ).all()
                if doc_id in citing
            )
            best = max(documents, key=lambda d: cited[d.number or ""])
            return f"{best.doc_type} {best.number}"


def preview(text: str, limit: int = PREVIEW_CHARS) -> str:
    """The first real sentence of a passage, shortened at a word boundary."""
    sentences = candidate_sentences(text)
    first = sentences[0] if sentences else " ".join(text.split())
    if len(first) <= limit:
        return first
    return first[:limit].rsplit(" ", 1)[0] + " …"


# ----------------------------------------------------------------------------- rendering


def render_html(answer: Answer) -> str:
    """The answer as Telegram HTML, checked: every marker has a source, every source a marker."""
    return _checked(_render(answer, html.escape, lambda s: f"<b>{s}</b>"), answer)


def render_plain(answer: Answer) -> str:
    """The answer as plain text for the terminal, checked like the HTML one."""
    return _checked(_render(answer, lambda s: s, lambda s: s), answer)


def _render(answer: Answer, esc: Callable[[str], str], bold: Callable[[str], str]) -> str:
    lines: list[str] = []
    if answer.unknown_numbers:
        said = texts.UNKNOWN_NUMBERS if answer.not_found else texts.UNKNOWN_NUMBERS_MENTIONED
        named = ", ".join(_unknown_named(n) for n in answer.unknown_numbers)
        lines.append(esc(said.format(numbers=named)))
    if answer.missing_article:
        lines.append(esc(answer.missing_article))
    if answer.not_found:
        if answer.missing_article:
            return "\n\n".join(lines)
        if answer.example:
            lines.append(esc(texts.NOT_FOUND.format(example=answer.example)))
        elif not answer.unknown_numbers:
            lines.append(esc(texts.NOT_FOUND_EMPTY_STORE))
        return "\n\n".join(lines)
    lines.extend(f"“{esc(q.text)}” [{q.source}]" for q in answer.quotes)
    sources = "\n".join(f"[{s.number}] {esc(s.citation)}" for s in answer.sources)
    return "\n\n".join(lines) + f"\n\n{bold(texts.SOURCES_HEADING)}\n{sources}"


def _unknown_named(number: str) -> str:
    """A number the library does not hold, as a reader names it: «văn bản số 99-CT/TW»; one
    asked by its kind alone, «Chỉ thị số 03» (not «văn bản số chi thi 03»); as typed when its
    kind is ambiguous («QĐ 37»: quy định or quyết định)."""
    refs = find_numbers(number)
    if len(refs) != 1:
        return texts.UNKNOWN_AS_TYPED.format(number=number)
    if refs[0].canonical is not None:
        return texts.UNKNOWN_BY_NUMBER.format(number=number)
    ref, folded = refs[0], fold(number).lower()
    kind = TYPE_CODES.get(ref.type_code or "")
    if ref.type_code == "QĐ":
        kind = (
            "Quyết định" if "quyet dinh" in folded else "Quy định" if "quy dinh" in folded else None
        )
    if kind is None:
        return texts.UNKNOWN_AS_TYPED.format(number=number)
    return texts.UNKNOWN_BY_KIND.format(kind=kind, number=ref.number)


def _checked(rendered: str, answer: Answer) -> str:
    problems = consistency_problems(rendered, answer)
    if problems:
        log.error("inconsistent answer to %r: %s", answer.question, "; ".join(problems))
        raise AnswerInconsistent("; ".join(problems))
    return rendered


def consistency_problems(rendered: str, answer: Answer) -> list[str]:
    """What is wrong with a rendered answer's markers and sources (empty when it is sound)."""
    if answer.not_found:
        return ["a not-found answer lists sources"] if answer.sources else []
    body, heading, tail = rendered.rpartition(texts.SOURCES_HEADING)
    if not heading:
        return ["no sources heading"]
    listed = [int(n) for n in _SOURCE_LINE.findall(tail)]
    markers = {int(n) for n in _MARKER.findall(body)}
    problems = []
    if listed != list(range(1, len(listed) + 1)):
        problems.append(f"sources are not numbered 1..n: {listed}")
    if dangling := sorted(markers - set(listed)):
        problems.append(f"markers without a source: {dangling}")
    if unquoted := sorted(set(listed) - markers):
        problems.append(f"sources never quoted: {unquoted}")
    if len(listed) != len(answer.sources):
        problems.append(f"{len(listed)} sources listed, {len(answer.sources)} cited")
    return problems


# «ký» once its marks are gone, not the «kỳ» of «nhiệm kỳ», «định kỳ», «thường kỳ», «học kỳ»
# «ký» typed bare: not «nhiệm kỳ», «định kỳ», «thường kỳ», «học kỳ», «chu kỳ», «thời kỳ», «cuối
# kỳ», «kỳ họp»; nor the «ký» of «đăng ký» (register), «thư ký», «ký hiệu» (with marks,
# folded_as_written tells «kỳ» from «ký»).
_SIGNED = (
    r"(?<!nhiem )(?<!dinh )(?<!thuong )(?<!hoc )(?<!chu )(?<!thoi )(?<!cuoi )(?<!dang )(?<!thu )"
    r"ky(?! hop| hieu)"
)
_SIGN_MARKED = {"ky": "ký"}
_SIGNED_WHEN = re.compile(
    rf"\b({_SIGNED}|ban hanh|phat hanh)\b.*\b(ngay nao|khi nao|bao gio|luc nao|ngay may"
    r"|ngay bao nhieu)\b"
    rf"|\b(ngay nao|khi nao|bao gio)\b.*\b({_SIGNED}|ban hanh|phat hanh)\b"
    r"|(?<!dien )\bra (ngay nao|khi nao|luc nao|bao gio)\b"
    # «ban hành năm nào» (not «… kỳ … năm nào»: typed bare, «kỳ» of «nhiệm kỳ» reads as «ký»)
    r"|\b(ban hanh|phat hanh)\b.*\b(nam nao|thang nao|nam bao nhieu)\b"
)
# The kinds of document a question may be about, folded («ke hoach», «chuong trinh», …).
_KINDS = re.compile(
    r"\b("
    + "|".join(sorted({fold(name).lower() for name in TYPE_NAMES}, key=len, reverse=True))
    + r")\b"
)
_SIGNED_BY = re.compile(r"\b(ai ky|nguoi ky|ky boi|do ai ky|ai la nguoi ky|ai ban hanh)\b")
_DATE_LINE = re.compile(r"^[^\n]{2,60}, ngày \d{1,2} tháng \d{1,2} năm \d{4}\s*$", re.M)
_SIGNATURE = re.compile(r"^(T/M|TM\.|K/T|KT\.|T/L|TL\.|Q\. ?BÍ THƯ|BÍ THƯ|PHÓ BÍ THƯ)\b.*$", re.M)


# «… là của hội nghị Trung ương nào», «hội nghị trung ương mấy», «thông qua tại hội nghị lần
# thứ mấy» (folded)
_CONFERENCE_ASKED = re.compile(
    r"\bhoi nghi (?:trung uong |lan thu )?(?:nao|may|gi)\b|\btrung uong (?:may|nao)\b"
    r"|\blan thu may\b"
)
# «… nhằm mục tiêu gì», «mục đích của … là gì», «… để làm gì», «… nhằm gì»
_PURPOSE_ASKED = re.compile(
    r"\b(muc tieu|muc dich)\b.*\b(gi|nao)\b|\bde lam gi\b|\bnham (muc tieu |muc dich )?gi\b"
)
# «… căn cứ vào những văn bản nào», «… được xây dựng dựa trên gì»: what the document says it
# implements or rests on (folded)
_BASIS_ASKED = re.compile(
    r"\b(can cu|dua (?:tren|vao)|xay dung theo|ban hanh theo|thuc hien theo)\b.*\b(nao|gi|dau)\b"
)
# «… số hiệu là bao nhiêu», «… mang số mấy»: its number (folded)
_NUMBER_ASKED = re.compile(
    r"\bso hieu\b.*\b(bao nhieu|gi|may|nao)\b|\bmang so (bao nhieu|may|gi)\b"
)
_CONFERENCE_LINE = re.compile(r"^HỘI NGHỊ (LẦN THỨ|TRUNG ƯƠNG)\b[^\n]*$", re.M)
# «Căn cứ Chương trình …;», «- Thực hiện Kết luận số 21-KL/TW …»: a basis line, without its marker
_BASIS_LINE = re.compile(r"^(?:[-–+•*]\s*)?((?:Căn cứ|Thực hiện)\b[^\n]*)$", re.M)
_NUMBER_LINE = re.compile(r"^Số\s*:?\s*\d[^\s]*\s*$", re.M)
_PURPOSE_SECTION = re.compile(r"^(?:[ivx\d]{1,4}[.)]\s*)?(muc tieu|muc dich)\b")


# «bao giờ thì sơ kết», «được kết nạp vào Đảng ngày nào»: what happens at the time asked — the
# two words after the time asked, or those after «được» / «bị» before it (folded; function words
# between are skipped). Other words before it are mostly its subject («ký», «chi bộ»).
_WHEN = r"(?:bao gio|khi nao|luc nao|ngay nao|hom nao|thoi gian nao|nam nao|thang nao)"
_LINK = r"(?:(?:thi|se|phai|duoc|da|moi|can|vao|tu|truoc|trong|la)\s+)*"
_EVENT_AFTER = re.compile(rf"\b{_WHEN}\s+{_LINK}([a-z]+\s+[a-z]+)")
# «bao lâu phải báo cáo một lần»: how often something happens — the words after «bao lâu»
_OFTEN_EVENT = re.compile(rf"\bbao lau\s+{_LINK}([a-z]+\s+[a-z]+)")
# «… được kết nạp vào Đảng ngày nào»: what is done to the subject, named before the time asked
# (not «bị» of «dự bị», «chuẩn bị», «thiết bị»)
_EVENT_DONE = re.compile(
    r"\b(?<!\bdu )(?<!\bchuan )(?<!\bthiet )(?<!\btrang )(?:duoc|bi)\s+"
    rf"(?!duoc\b|bi\b)([a-z]+\s+[a-z]+)(?:\s+[a-z]+){{0,3}}\s+{_WHEN}"
)
# not an event: question words, and a preposition opening what follows («để bàn», «trong tháng»)
_NOT_EVENT = frozenset(
    "la gi nao ai the sao vay co khong de den trong cua o tai cho ve ngay thang nam mot".split()
)
_ASKING = frozenset("gi nao ai sao vay khong".split())


def asked_event(question: str) -> str | None:
    """The event a time question asks about («so ket», «ket nap»; «bao cao» in «bao lâu phải
    báo cáo một lần»), folded; None for another."""
    folded = fold(question).lower()
    often = asked_unit(question) == "tan suat"
    for pattern in (_OFTEN_EVENT,) if often else (_EVENT_AFTER, _EVENT_DONE):
        found = pattern.search(folded)
        if found is not None:
            words = found.group(1).split()
            if words[0] not in _NOT_EVENT and not set(words) & _ASKING:
                return " ".join(words)
    return None


# «… có bị kỷ luật không», «… thì xử lý thế nào»: a sanction is asked (folded), and a quote that
# answers names one.
_SANCTION = re.compile(r"\b(ky luat|xu ly|khai tru|canh cao|khien trach|cach chuc|xoa ten)\b")


# A time as a quote gives it (folded): «ngày 15/02/2022», «tháng 5», «hằng năm», «giữa nhiệm kỳ».
_TIME_GIVEN = re.compile(
    r"\b\d{1,2}/\d{1,2}\b|\b(ngay|thang|nam|quy) (\d|[ivx]{1,4}\b)"
    r"|\b(hang|moi) (ngay|tuan|thang|quy|nam)\b|\b(giua|cuoi|dau) (nhiem ky|nam|quy|thang)\b"
    r"|\b(dinh ky|truoc ngay|cham nhat|ngay ky)\b|\bky hop (sau|toi|tiep theo)\b"
)


# A time of the calendar is asked (folded) — not «áp dụng khi nào», «vào lúc nào», which ask
# the occasion («khi đảng viên thay đổi nơi cư trú», «cuối buổi sinh hoạt»).
_CALENDAR_ASKED = re.compile(
    r"\b(thoi han|han chot|ngay nao|ngay may|ngay bao nhieu|nam nao|thang nao|quy nao)\b"
)


# «từ khi nào», «từ bao giờ» (folded) ask when something starts: answered by a time or by the
# occasion («khi đảng viên chuyển sinh hoạt», «kể từ ngày ký»). («Vào lúc nào» may ask a step
# of a procedure: «Phần kết thúc: … xin ý kiến đảng viên …».)
_WHEN_ASKED = re.compile(r"\btu (khi nao|bao gio|luc nao)\b")
# «kể từ ngày ký», «tính từ ngày chi bộ tổ chức lễ kết nạp»: when something starts (folded).
_STARTS = re.compile(r"\b(?:ke tu|tinh tu|bat dau tu|tu ngay|tu khi)\b")
_OCCASION = re.compile(r"\b(khi|ke tu|tu ngay|sau|truoc|trong thoi gian|trong thoi han|ngay)\b")


# The events a document's own day is the day of: where it is cited, «số 03-CT/TW ngày 14/5/2011».
_ISSUING = frozenset({"ban hanh", "phat hanh"})
# «… ban hành / ký / ra đời ngày nào» (folded): the day of the document itself is asked.
_ISSUE_ASKED = re.compile(r"\b(ban hanh|phat hanh|ra doi|ky (?:ngay|nam|vao|khi|luc))\b")


def holds_what_is_asked(quote: str, question: str) -> bool:
    """False when a time question's event («sơ kết», «kết nạp») is not in the quote that would
    answer it with a time — a day of something else («gửi … trước ngày 15/02/2022») is no
    answer, nor the event without its time («tham mưu sơ kết, tổng kết») — or when
    a question asking a sanction gets a quote that names none (the ranking figures for «xếp
    loại kém thì bí thư có bị kỷ luật không»)."""
    folded = fold(quote).lower()
    # also with a figure asked: «vắng mấy lần thì bị xóa tên» is not answered by «dự sinh hoạt
    # ít nhất 2 lần/năm», nor «kỷ luật bao nhiêu đảng viên» by «2 đảng viên bị nhắc nhở»
    sanction = _SANCTION.search(fold(question).lower())
    if sanction and not _SANCTION.search(folded):
        return False
    if asks_a_comrade(question) and not names_a_comrade(quote):
        return False  # «do đồng chí nào chủ trì»: a sentence naming no one does not answer
    act = act_asked(question)
    if act is not None and act not in folded:
        return False  # «ai trình bày báo cáo»: «đồng chí … chủ trì hội nghị» did something else
    event = asked_event(question)
    if event in _ISSUING and dates_a_named_document(quote, question):
        return True  # «Chỉ thị 03 ban hành ngày nào»: «… Chỉ thị số 03-CT/TW ngày 14/5/2011»
    if event is None:  # «… xong trước thời hạn nào», «… năm nào»: a time, of whatever
        asked = fold(question).lower()
        if _WHEN_ASKED.search(asked):  # «có hiệu lực từ khi nào»: a time, or the occasion
            own = without_cited_days(folded)
            return bool(_TIME_GIVEN.search(own) or _OCCASION.search(own))
        return not _CALENDAR_ASKED.search(asked) or bool(_TIME_GIVEN.search(folded))
    return event in folded and bool(_TIME_GIVEN.search(folded))


# «… giao (cho) Ban Tuyên giáo Trung ương làm gì / những nhiệm vụ gì» (folded): the body tasked.
# («họp giao ban» is a briefing, not «giao [cho] Ban …»: a «ban» asked must be one by name.)
_TASKED = re.compile(
    r"\bgiao(?: cho)? ((?:ban (?:tuyen giao|to chuc|dan van|kiem tra|thuong vu|chap hanh|bi thu"
    r"|can su|noi chinh|kinh te|doi ngoai|chi dao|bao ve|thi dua)|uy ban|van phong|cap uy|chi bo"
    r"|dang uy|chi uy|bi thu)\b.{0,60}?)"
    r"\s+(?:lam|thuc hien|nhung|viec|nhiem vu|trach nhiem)\b"
)


def body_tasked(question: str) -> str | None:
    """The body a question asks the tasks of («CT 05 giao ban tuyên giáo trung ương làm gì» →
    «ban tuyen giao trung uong»), folded; None when it names none."""
    found = _TASKED.search(fold(question).lower())
    return found.group(1) if found else None


def _lines_answer(
    query: str, document: DocInfo, path: list[str], lines: list[tuple[int, str]]
) -> Answer:
    """Whole lines of one document, (passage id, line) in reading order, quoted under one
    source cited by the section ``path`` (an outline, a section asked by its heading)."""
    ids = tuple(dict.fromkeys(pid for pid, _line in lines))
    citation = document.cite_prose(section_label(path))
    quotes = tuple(QuotedSentence(line, 1, pid) for pid, line in lines)
    return Answer(query, quotes, (Source(1, citation, document.id, ids),))


def _led_by_subject(picked: list[Quote], body: str) -> list[Quote]:
    """The quotes led by the one naming ``body`` (folded) earliest — the one it is the subject
    of («2. Ban Tuyên giáo Trung ương chủ trì …», not an item naming it late)."""
    at = {id(q): fold(q.text).lower().find(body) for q in picked}
    naming = [q for q in picked if at[id(q)] >= 0]
    if not naming:
        return picked
    first = min(naming, key=lambda q: at[id(q)])
    return [first] + [q for q in picked if q is not first]


# A verb saying only that something is done, before «(như) thế nào / ra sao» (folded).
_MANNER_VERB = re.compile(r"\b(viet|lam|ghi)(?= (?:nhu )?(?:the nao|ra sao)\b)")


def _without_light_verb(result: SearchResult) -> dict[str, float]:
    """The question's weights without a verb that only says something is done, when it asks
    how («nghị quyết cấp ủy phải viết thế nào»: the answer says «phải ngắn gọn, có trọng
    tâm», not «viết»; a sentence holding «bài viết» answers nothing by it)."""
    folded = fold(result.query).lower()
    light = _MANNER_VERB.findall(folded)
    # «đồng chí nào», «người nào» ask who, as «ai» does: «các đồng chí có tên sau» answers
    # nothing by holding «đồng chí» (unless the question also says it elsewhere)
    asker = WHICH_PERSON.search(folded)
    if asker is not None:
        elsewhere = set((folded[: asker.start()] + " " + folded[asker.end() :]).split())
        light += [w for w in asker.group(1).split() if w not in elsewhere]
    # «hội nghị … diễn ra ngày nào / ở đâu»: that it takes place is not asked, when and where
    # are («Sáng ngày 22/5/2024, Đảng ủy Khối … tổ chức hội nghị sơ kết …»)
    if _TAKES_PLACE.search(folded):
        light.append("dien")
    if not light or not set(focus_weights(result.weights)) - set(light):
        return result.weights
    return {t: w for t, w in result.weights.items() if t not in light}


_TAKES_PLACE = re.compile(
    r"\bdien ra\b(?=.*\b(?:ngay nao|khi nao|bao gio|luc nao|o dau|tai dau|nam nao|thang nao)\b)"
)


def _focus_of(result: SearchResult) -> dict[str, float]:
    """The weights focus is measured with: the question's, or — when every word it asks folds
    like filler the weights leave out («chương trình 13 năm nào sơ kết»: «sơ kết» folds to
    «so» of «số» and «ket» of «kết luận») — those words, alike."""
    if focus_weights(result.weights):
        return result.weights
    return dict.fromkeys(_words_asked(result.query), 1.0) or result.weights


def _words_asked(question: str) -> list[str]:
    """The folded words of ``question`` besides the documents it names, the filler around them
    and its question words — whether or not the weights leave them out as filler."""
    return [w for w in words_besides_naming(question) if w not in QUESTION_WORDS]


def _asks_more_than_naming(result: SearchResult) -> bool:
    """True when the question has a word of its own besides the document it names, its
    question words and particles («báo chí» too, though the weights leave its syllables out:
    folded, they are those of «báo cáo» and «chỉ thị»)."""
    if set(focus_weights(result.weights)) - naming_words(result.query):
        return True
    return bool(_words_asked(result.query))


def _led_by(picked: list[Quote], leads: Callable[[Quote], bool]) -> tuple[list[Quote], bool]:
    """The quotes with the first that ``leads`` moved to the front, and whether one did."""
    lead = next((q for q in picked if leads(q)), None)
    if lead is None:
        return picked, False
    return [lead] + [q for q in picked if q is not lead], True


# «Sau 5 năm làm theo Chỉ thị 05», «việc thực hiện Chỉ thị 05 trong 5 năm qua» (folded): the
# question asks what a later review of the document says, not the document.
_REVIEW = re.compile(r"\b(?:sau|trong|qua)\s+(\d{1,2})\s+nam\b")


def _issuer_named(issuer: str | None, asked: str) -> bool:
    """True when the folded question names the issuer by the first three syllables of its name
    («Đảng ủy Khối …», «Bộ Chính trị», «Ban Tổ chức Trung ương»); «Đảng bộ» stands for its
    «Đảng ủy»."""
    core = " ".join(fold(issuer or "").lower().replace("dang bo", "dang uy").split()[:3])
    said = asked.replace("dang bo", "dang uy")
    return bool(core) and re.search(rf"\b{re.escape(core)}\b", said) is not None


def _source_named(result: SearchResult) -> str | None:
    """The document a question naming several asks about: the first named, when the next is
    not named beside it («theo Kết luận số 01 thì khi nào sơ kết, tổng kết Chỉ thị 05», «Kết
    luận 01 coi việc thực hiện CT 05 là nhiệm vụ gì» ask what KL 01 says of CT 05; «Học tập
    KL 21 và QĐ 37 …» names two alike). None for one number, or two named alike."""
    refs = find_numbers(result.query)
    if len(refs) < 2:
        return None
    between = fold(result.query[refs[0].span[1] : refs[1].span[0]]).lower()
    if re.fullmatch(r"[\s,;]*(va|hoac|,)?[\s,;]*", between):
        return None
    matches = [n for n in result.numbers if refs[0].matches(n)]
    return matches[0] if len(matches) == 1 else None


def _of_the_year_asked(picked: list[Quote], hits: list[Hit], question: str) -> list[Quote] | None:
    """The quotes, led by one whose passage or document speaks of the year the question names
    («năm 2021 kỷ luật bao nhiêu đảng viên» → «Theo thống kê, năm 2021 …»); None when none
    does: a plan for 2024 does not answer «quý IV năm 2025»."""
    years = years_mentioned(question)
    if not years or not picked:
        return picked

    def speaks(quote: Quote) -> bool:
        hit = hits[quote.hit_index]
        issued = hit.document.issued_on
        seen = f"{hit.text} {hit.document.title or ''}"
        return (issued is not None and issued.year in years) or any(
            str(year) in seen for year in years
        )

    lead = next((q for q in picked if speaks(q)), None)
    return None if lead is None else [lead] + [q for q in picked if q is not lead]


def signing_question(question: str) -> str | None:
    """«date» for a question about when a document was signed, «signer» for who signed it."""
    folded = folded_as_written(question, _SIGN_MARKED)
    if _SIGNED_BY.search(folded):
        return "signer"
    if _SIGNED_WHEN.search(folded):
        return "date"
    return None


def document_question(question: str) -> str | None:
    """The fact of a document a question asks: «date», «signer», «conference» (the Central
    Committee plenum that adopted it), «number», «basis» (what it implements or rests on:
    its «Căn cứ …», «Thực hiện …» line) or «purpose» (its stated goal); None for any other."""
    signing = signing_question(question)
    if signing is not None:
        return signing
    folded = fold(question).lower()
    if _CONFERENCE_ASKED.search(folded):
        return "conference"
    if _NUMBER_ASKED.search(folded):
        return "number"
    if _BASIS_ASKED.search(folded):
        return "basis"
    return "purpose" if _PURPOSE_ASKED.search(folded) else None


def document_line(passage: Passage, wanted: str) -> str | None:
    """The line of ``passage`` that gives ``wanted`` (see ``document_question``), verbatim."""
    if wanted in ("date", "signer"):
        return signing_line(passage.text, wanted)
    if wanted == "conference":
        found = _CONFERENCE_LINE.search(passage.text)
        return found.group(0).strip() if found else None
    if wanted == "number":
        found = _NUMBER_LINE.search(passage.text)
        return found.group(0).strip() if found else None
    if wanted == "basis":
        found = _BASIS_LINE.search(passage.text)
        return found.group(1).strip() if found else None
    section = fold(passage.heading_path[-1]).lower() if passage.heading_path else ""
    if not _PURPOSE_SECTION.match(section):
        return None
    sentences = candidate_sentences(passage.text)
    return sentences[0] if sentences else None


def subject_kind(question: str) -> str | None:
    """The kind of document a question first names («ke hoach» for «Kế hoạch thực hiện Kết
    luận 21 …»), folded; None when it names none by its kind."""
    found = _KINDS.search(fold(question).lower())
    if found is None:
        return None
    kind = found.group(1)
    return "chuong trinh" if kind.startswith("chuong trinh") else kind  # «… hành động»


def signing_line(text: str, wanted: str) -> str | None:
    """A passage's date line («Hà Nội, ngày 25 tháng 10 năm 2021»), or its signature block from
    «T/M …» to the signer's name (verbatim, lines kept)."""
    if wanted == "date":
        found = _DATE_LINE.search(text)
        return found.group(0).strip() if found else None
    found = _SIGNATURE.search(text)
    if found is None:
        return None
    lines = text[found.start() :].split("\n")
    block = [lines[0]]
    for line in lines[1:4]:
        if not line.strip():
            continue
        block.append(line)
        if not line.isupper():  # the signer's name ends the block
            break
    end = text.find(block[-1], found.start()) + len(block[-1])
    return text[found.start() : end].strip()


def is_small_talk(text: str) -> bool:
    """Greetings and thanks are answered with a hint, not searched."""
    words = re.findall(r"[a-z]+", fold(text).lower())
    return bool(words) and len(words) <= 4 and set(words) <= _SMALL_TALK


_SMALL_TALK = set(
    "xin chao chao hello hi alo cam on thanks thank you ban oi bot ad admin a anh chi em ong "
    "ba dong chi tro ly nhe nha ok oke".split()
)
