"""Hybrid retrieval: dense (FAISS) + lexical (BM25, folded) + document numbers, fused."""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import hashlib
import json
import logging
import math
import re
import shutil
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from index.citation import DocInfo, section_label
from index.dense import DenseIndex, Selector
from index.diacritics import DiacriticRestorer, general_sentences, missing_diacritics_ratio
from index.embedder import Embedder
from index.lexical import LexicalIndex, tokenize, with_numeral_forms
from index.settings import IndexSettings
from index.shorthand import expand_shorthand
from knowledge.models import Document, DocumentCitation, Passage
from knowledge.numbers import NumberRef, find_numbers, years_mentioned
from knowledge.scopes import SHARED, Readable
from knowledge.text import fold, nfc

log = logging.getLogger(__name__)

# Readers whose searchable passages are kept ready (one per cell, đảng bộ and shared).
VISIBLE_CACHE = 256

MANIFEST = "manifest.json"
FORMAT_VERSION = 1
MAX_QUERY_CHARS = 2000
REBUILD_HINT = "Chạy `chibo index --rebuild` để tạo lại chỉ mục."
# Temporary folders of versions before start-up recovery: mkdtemp(prefix=".index-").
_LEGACY_TMP = re.compile(r"\.index-[a-z0-9_]{8}")
# Question words that carry no topic: a question made only of these and a number asks
# for the document itself ("chỉ thị 05 nói về gì").
# A document that mentions a named number gets this share of the boost of the document that is it.
MENTION_SHARE = 0.5
_FILLER = set(
    "so la gi noi ve cua nao nhu the co phai khong toi ban cho biet hoi xin hay van ban "
    "noi dung chinh tom tat trich yeu chi thi nghi quyet ket luan huong dan chuong trinh "
    "quy dinh quyet ke hoach thong bao bao cao tw trung uong ngay nam thang doc xem de cap "
    # the particles a member ends a question with («… nói về vấn đề gì vậy», «… là gì nhỉ»)
    "vay a nhe nha oi nhi viec".split()
)

# The kinds of documents and the like, as whole phrases: their syllables alone are words of
# what is asked — «báo chí» folds to «bao chi», both syllables of kinds («báo cáo», «chỉ thị»).
_FILLER_PHRASES = (
    "chi thi", "nghi quyet", "ket luan", "huong dan", "chuong trinh", "quy dinh", "quyet dinh",
    "ke hoach", "thong bao", "bao cao", "trung uong", "van ban", "van de", "noi dung", "trich yeu",
    "tom tat", "de cap", "cho biet",
)  # fmt: skip
_FILLER_PHRASE = re.compile(r"\b(?:" + "|".join(_FILLER_PHRASES) + r")\b")
# Their syllables that are filler only inside them (not «nói», «cho», «biết», «bạn» alone).
_PHRASE_ONLY = frozenset(" ".join(_FILLER_PHRASES).split()) - {"ban", "noi", "cho", "biet"}

# The filler syllables that are other words with other marks, and the marks they are filler with.
_FILLER_MARKS = {
    "so": {"số"}, "hoi": {"hỏi"}, "chi": {"chỉ", "chi"}, "bao": {"báo", "bao"}, "toi": {"tôi"},
    "ban": {"bạn", "bản"}, "xin": {"xin"}, "doc": {"đọc"}, "hay": {"hãy", "hay"},
}  # fmt: skip


class IndexError_(Exception):
    """Base for index problems; the message is Vietnamese and says how to fix it."""


class IndexMissing(IndexError_):
    """No index has been built yet."""


class IndexMismatch(IndexError_):
    """The index on disk was built with another model or settings."""


class IndexCorrupt(IndexError_):
    """The index files cannot be read or disagree with each other."""


class QueryError(ValueError):
    """A question that cannot be searched; the message is Vietnamese."""


@dataclass(frozen=True)
class Filters:
    """Restrict a search by document type, year of issue, issuer (folded substring) or to a set
    of documents."""

    doc_type: str | None = None
    year: int | None = None
    issuer: str | None = None
    documents: frozenset[int] | None = None  # these documents only (by id)

    def allows(self, doc: DocInfo) -> bool:
        """True if the document passes every filter."""
        if self.documents is not None and doc.id not in self.documents:
            return False
        if self.doc_type and fold(doc.doc_type) != fold(self.doc_type):
            return False
        if self.year and (doc.issued_on is None or doc.issued_on.year != self.year):
            return False
        return not (self.issuer and fold(self.issuer) not in fold(doc.issuer or ""))

    @property
    def active(self) -> bool:
        """True when any filter is set."""
        return bool(self.doc_type or self.year or self.issuer or self.documents is not None)


@dataclass
class Hit:
    """One retrieved passage with its document, score and the signals that found it."""

    passage_id: int
    document: DocInfo
    text: str
    heading_path: list[str]
    ordinal: int
    score: float
    relevance: float
    signals: dict[str, float] = field(default_factory=dict)

    @property
    def section(self) -> str:
        """Compact section label, e.g. "II.2"."""
        return section_label(self.heading_path)

    def citation(self) -> str:
        """ "Chỉ thị 05-CT/TW, 15/5/2016, Bộ Chính trị — II.2"."""
        return self.document.cite(self.section)


@dataclass(frozen=True)
class MissingArticle:
    """An article a question names that its document does not have."""

    document: str  # «Quy định 37-QĐ/TW»
    articles: int  # how many the document has
    article: int


@dataclass
class SearchResult:
    """Hits plus what the question named."""

    hits: list[Hit]
    query: str
    dense_query: str
    numbers: list[str] = field(default_factory=list)
    unknown_numbers: list[str] = field(default_factory=list)
    only_number: bool = False
    citing: bool = False
    # The first hits are the article the question names of the document it names («Điều 6
    # Quy định 37»): the question is answered by them, as a named number is; ``article_only``
    # when it asks nothing more than that article (its clauses are quoted in order).
    article: bool = False
    article_only: bool = False
    # «Điều 15 Quy định 37» when Quy định 37 has no article 15: the question is not answered,
    # and the member is told so.
    missing_article: MissingArticle | None = None
    # Importance (IDF) of the question's folded syllables: relevance and quote choice use it.
    weights: dict[str, float] = field(default_factory=dict)


@dataclass
class _State:
    """Everything a search reads; replaced as a whole, never mutated while serving."""

    dense: DenseIndex
    lexical: LexicalIndex
    restorer: DiacriticRestorer | None
    docs: dict[int, DocInfo]
    passage_doc: dict[int, int]
    heads: dict[int, list[int]]
    manifest: dict[str, object]
    cites: dict[int, list[str]] = field(default_factory=dict)
    numbers: dict[str, list[int]] = field(init=False, default_factory=dict)
    # What each reader may search, built on first use (see visible()); a new state starts empty.
    _visible: OrderedDict[Readable, _Visible] = field(
        init=False, default_factory=OrderedDict, repr=False, compare=False
    )
    _owner_arrays: tuple[dict[int, int], np.ndarray, np.ndarray] | None = field(
        init=False, default=None, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        for doc in self.docs.values():
            if doc.number:
                self.numbers.setdefault(doc.number, []).append(doc.id)

    def _owners(self) -> tuple[dict[int, int], np.ndarray, np.ndarray]:
        """Documents numbered 0…n-1, and the number of the document of each dense position
        and of each lexical row (n where the passage has no document here); built once."""
        if self._owner_arrays is None:
            order = {doc_id: n for n, doc_id in enumerate(sorted(self.docs))}
            missing = len(order)
            pids = np.fromiter(self.passage_doc.keys(), dtype=np.int64)
            owner = np.fromiter(
                (order.get(d, missing) for d in self.passage_doc.values()), dtype=np.int64
            )
            sort = np.argsort(pids)
            pids, owner = pids[sort], owner[sort]

            def owners_of(ids: np.ndarray) -> np.ndarray:
                at = np.clip(np.searchsorted(pids, ids), 0, max(len(pids) - 1, 0))
                found = (pids[at] == ids) if len(pids) else np.zeros(len(ids), dtype=bool)
                return np.where(found, owner[at] if len(pids) else missing, missing)

            self._owner_arrays = (
                order,
                owners_of(self.dense.positions()),
                owners_of(np.asarray(self.lexical.ids, dtype=np.int64)),
            )
        return self._owner_arrays

    def visible(self, readable: Readable) -> _Visible:
        """The documents and passages ``readable`` may search, with the dense selector and the
        lexical mask that keep every other passage out of the search itself."""
        found = self._visible.get(readable)
        if found is not None:
            self._visible.move_to_end(readable)
            return found
        docs = frozenset(
            d for d, info in self.docs.items() if readable.allows(info.scope, info.scope_id)
        )
        if len(docs) == len(self.docs):
            found = _Visible(None, None, None)
        else:
            order, dense_owner, lexical_owner = self._owners()
            # One flag per document (the last slot, False, for passages of no known document);
            # the dense and lexical masks are gathers through each row's document.
            flags = np.zeros(len(order) + 1, dtype=bool)
            flags[[order[d] for d in docs if d in order]] = True
            found = _Visible(docs, self.dense.selector_of(flags[dense_owner]), flags[lexical_owner])
        self._visible[readable] = found
        while len(self._visible) > VISIBLE_CACHE:
            self._visible.popitem(last=False)
        return found


@dataclass(frozen=True)
class _Visible:
    """What one reader may search; all None when that is everything."""

    docs: frozenset[int] | None
    selector: Selector | None
    mask: np.ndarray | None

    def allows(self, doc_id: int) -> bool:
        return self.docs is None or doc_id in self.docs


def passage_text_for_index(doc: DocInfo, heading_path: list[str], text: str) -> str:
    """What is embedded and lexically indexed: document label, headings and the passage."""
    headings = " › ".join(heading_path[1:])
    label = f"{doc.short}: {doc.title}" if doc.number else doc.title
    return "\n".join(part for part in (label, headings, text) if part)


class Retriever:
    """Searches passages; keeps its indexes in step with the store; swaps rebuilt indexes in."""

    def __init__(
        self,
        engine: Engine,
        embedder: Embedder,
        settings: IndexSettings,
        index_dir: Path,
    ) -> None:
        self.engine = engine
        self.embedder = embedder
        self.settings = settings
        self.index_dir = index_dir
        self._state: _State | None = None
        self._swap_lock = threading.Lock()
        self._write_lock = threading.Lock()

    # ----------------------------------------------------------------- loading and saving

    @property
    def ready(self) -> bool:
        """True once an index is loaded."""
        return self._state is not None

    def load(self) -> None:
        """Load the saved index; raise IndexMissing / IndexMismatch / IndexCorrupt."""
        self.recover()
        state = self._read_state(self.index_dir)
        state = self._with_fresh_documents(state)
        with self._swap_lock:
            self._state = state

    def refresh_documents(self) -> None:
        """Re-read every document's description (provenance, scope) without touching passages:
        marking a document checked or moving it to another scope changes no text."""
        with self._swap_lock:
            state = self._state
        if state is None:
            return
        state = self._with_fresh_documents(state)
        with self._swap_lock:
            self._state = state

    def _with_fresh_documents(self, state: _State) -> _State:
        with Session(self.engine) as session:
            fresh = {
                d.id: _doc_info(d) for d in session.exec(select(Document)).all() if d.id is not None
            }
        docs = {doc_id: fresh.get(doc_id, info) for doc_id, info in state.docs.items()}
        return dataclasses.replace(state, docs=docs)

    def _read_state(self, directory: Path) -> _State:
        manifest_path = directory / MANIFEST
        if not manifest_path.exists():
            raise IndexMissing(f"Chưa có chỉ mục tại {directory}. Chạy `chibo index` để tạo.")
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise IndexCorrupt(f"Tệp {manifest_path} hỏng ({exc}). {REBUILD_HINT}") from exc
        expected = self._expected_manifest()
        for key in ("format", "model_id", "dim", "normalized", "lexical_bigrams"):
            if manifest.get(key) != expected[key]:
                raise IndexMismatch(
                    f"Chỉ mục được tạo với {key}={manifest.get(key)!r}, cấu hình hiện tại là "
                    f"{expected[key]!r}; không trộn hai loại vectơ. {REBUILD_HINT}"
                )
        try:
            dense = DenseIndex.load(
                directory / "dense.faiss", ef_search=self.settings.hnsw_ef_search
            )
            lexical = LexicalIndex.load(directory / "lexical.npz")
            restorer_path = directory / "restorer.bin"
            restorer = (
                DiacriticRestorer.from_bytes(restorer_path.read_bytes())
                if restorer_path.exists()
                else None
            )
            docs_raw = json.loads((directory / "docs.json").read_text(encoding="utf-8"))
        except (OSError, ValueError, RuntimeError, KeyError) as exc:
            raise IndexCorrupt(
                f"Không đọc được chỉ mục ở {directory} ({exc}). {REBUILD_HINT}"
            ) from exc
        ids = dense.ids()
        if ids != {int(i) for i in lexical.ids} or _ids_hash(ids) != manifest.get(
            "passage_set_hash"
        ):
            raise IndexCorrupt(
                f"Các tệp chỉ mục ở {directory} không khớp nhau (dense {len(ids)}, "
                f"lexical {lexical.size}). {REBUILD_HINT}"
            )
        docs, passage_doc, heads, cites = _maps_from_json(docs_raw)
        return _State(dense, lexical, restorer, docs, passage_doc, heads, manifest, cites)

    def _expected_manifest(self) -> dict[str, object]:
        return {
            "format": FORMAT_VERSION,
            "model_id": self.embedder.model_id,
            "dim": self.embedder.dim,
            "normalized": True,
            "metric": "inner_product",
            "faiss": self.settings.faiss,
            "lexical_bigrams": True,
        }

    # A write is: files into <parent>/.<name>-tmp-XXXX (manifest last), then
    #   1. <name> -> <name>.old   2. tmp -> <name>   3. delete <name>.old
    # A process killed anywhere in it leaves one of these on disk, which recover() settles:
    #   tmp without <name> renamed yet       -> delete tmp (the live index is untouched)
    #   no <name>, complete <name>.old       -> rename <name>.old back (between 1 and 2)
    #   <name> and <name>.old (during 3)     -> delete <name>.old
    # Writers and recover() hold an flock on <parent>/.<name>.lock, so one process never
    # deletes the temporary folder another is still writing; the kernel drops the lock of a
    # killed process.

    @property
    def _old_dir(self) -> Path:
        return self.index_dir.with_name(self.index_dir.name + ".old")

    @property
    def _tmp_prefix(self) -> str:
        return f".{self.index_dir.name}-tmp-"

    @contextlib.contextmanager
    def _disk_lock(self) -> Iterator[None]:
        self.index_dir.parent.mkdir(parents=True, exist_ok=True)
        lock_path = self.index_dir.with_name(f".{self.index_dir.name}.lock")
        with lock_path.open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def recover(self) -> None:
        """Finish or undo an index write that a crash interrupted (see the steps above)."""
        if not self.index_dir.parent.exists():
            return
        with self._disk_lock():
            self._recover_locked()

    def _recover_locked(self) -> None:
        parent, old = self.index_dir.parent, self._old_dir
        for stray in parent.iterdir():
            name = stray.name
            if stray.is_dir() and (
                name.startswith(self._tmp_prefix)
                or (self.index_dir.name == "index" and _LEGACY_TMP.fullmatch(name))
            ):
                log.warning("removing %s, left by an interrupted index write", stray)
                shutil.rmtree(stray, ignore_errors=True)
        if not old.exists():
            return
        if not self.index_dir.exists() and (old / MANIFEST).exists():
            log.warning("restoring %s: the index write was interrupted mid-swap", old)
            old.rename(self.index_dir)
        else:
            shutil.rmtree(old, ignore_errors=True)

    def _write_state(self, state: _State) -> None:
        """Write into a fresh folder beside the live one, then swap folders."""
        with self._disk_lock():
            self._recover_locked()
            tmp = Path(tempfile.mkdtemp(prefix=self._tmp_prefix, dir=self.index_dir.parent))
            try:
                state.dense.save(tmp / "dense.faiss")
                state.lexical.save(tmp / "lexical.npz")
                if state.restorer is not None:
                    (tmp / "restorer.bin").write_bytes(state.restorer.to_bytes())
                (tmp / "docs.json").write_text(
                    json.dumps(_maps_to_json(state), ensure_ascii=False), encoding="utf-8"
                )
                # Written last: a folder with a manifest is complete.
                (tmp / MANIFEST).write_text(json.dumps(state.manifest, indent=2), encoding="utf-8")
                old = self._old_dir
                if self.index_dir.exists():
                    self.index_dir.rename(old)
                tmp.rename(self.index_dir)
                shutil.rmtree(old, ignore_errors=True)
            except BaseException:
                shutil.rmtree(tmp, ignore_errors=True)
                raise

    # ----------------------------------------------------------------- building

    def sync(self, *, progress: bool = False, rebuild: bool = False) -> dict[str, int]:
        """Bring the index in step with the store: embed new passages, drop removed ones.

        With ``rebuild`` (or when no usable index exists) everything is built afresh, aside;
        either way the serving index is replaced only when the new one is complete.
        """
        with self._write_lock:
            started = time.perf_counter()
            base = None if rebuild else self._state
            if base is None and not rebuild:
                self.recover()
                try:
                    base = self._read_state(self.index_dir)
                except IndexMissing:
                    base = None
            docs, passage_rows, cites = self._load_store()
            wanted = {row[0] for row in passage_rows}
            if base is None:
                dense = DenseIndex(
                    self.embedder.dim,
                    self.settings.faiss,
                    hnsw_m=self.settings.hnsw_m,
                    ef_search=self.settings.hnsw_ef_search,
                )
                lexical = LexicalIndex(bigrams=True)
                have: set[int] = set()
            else:
                dense, lexical = base.dense.clone(), base.lexical.clone()
                have = dense.ids()
            removed = have - wanted
            added_rows = [row for row in passage_rows if row[0] not in have]
            dense.remove(removed)
            lexical.remove(removed)
            texts = [
                passage_text_for_index(docs[doc_id], path, text)
                for _pid, doc_id, path, text, _ord in added_rows
            ]
            ids = np.asarray([row[0] for row in added_rows], dtype=np.int64)
            if len(ids):
                vectors = self.embedder.embed_passages(texts, progress=progress)
                dense.add(ids, vectors)
                lexical.add(ids.tolist(), texts)
            changed = (
                bool(removed or added_rows)
                or base is None
                or docs != base.docs
                or cites != base.cites
            )
            restorer = base.restorer if base is not None and not changed else None
            if restorer is not None and not restorer.everyday and general_sentences():
                restorer, changed = None, True  # learned without everyday text: learn again
            if restorer is None and self.settings.restore_diacritics and passage_rows:
                restorer = DiacriticRestorer.fit(row[3] for row in passage_rows)
            passage_doc = {row[0]: row[1] for row in passage_rows}
            heads: dict[int, list[int]] = {}
            for pid, doc_id, _path, _text, ordinal in sorted(passage_rows, key=lambda r: r[4]):
                if ordinal < 3:
                    heads.setdefault(doc_id, []).append(pid)
            manifest = dict(self._expected_manifest())
            manifest.update(
                count=len(wanted),
                passage_set_hash=_ids_hash(wanted),
                built_at=datetime.now(UTC).isoformat(timespec="seconds"),
            )
            state = _State(dense, lexical, restorer, docs, passage_doc, heads, manifest, cites)
            if changed or not (self.index_dir / MANIFEST).exists():
                self._write_state(state)
            with self._swap_lock:
                self._state = state
            took = time.perf_counter() - started
            log.info(
                "index synced: +%d -%d passages (%d total) in %.1fs",
                len(added_rows), len(removed), len(wanted), took,
            )  # fmt: skip
            return {"added": len(added_rows), "removed": len(removed), "total": len(wanted)}

    def _load_store(
        self,
    ) -> tuple[
        dict[int, DocInfo], list[tuple[int, int, list[str], str, int]], dict[int, list[str]]
    ]:
        with Session(self.engine) as session:
            cites: dict[int, list[str]] = {}
            for doc_id, number in session.exec(
                select(DocumentCitation.document_id, DocumentCitation.number)
            ).all():
                cites.setdefault(int(doc_id), []).append(number)
            docs = {
                d.id: _doc_info(d) for d in session.exec(select(Document)).all() if d.id is not None
            }
            rows = session.execute(
                sa_select(
                    col(Passage.id), col(Passage.document_id), col(Passage.heading_path),
                    col(Passage.text), col(Passage.ordinal),
                ).order_by(col(Passage.document_id), col(Passage.ordinal))
            ).all()  # fmt: skip
        return docs, [(int(r[0]), int(r[1]), list(r[2]), r[3], int(r[4])) for r in rows], cites

    # ----------------------------------------------------------------- searching

    def _current(self) -> _State:
        with self._swap_lock:
            state = self._state
        if state is None:
            raise IndexMissing("Chưa có chỉ mục. Chạy `chibo index` để tạo.")
        return state

    def search(
        self,
        query: str,
        k: int = 5,
        filters: Filters | None = None,
        *,
        readable: Readable = SHARED,
    ) -> SearchResult:
        """Best passages for a question, fused from every signal, among the documents
        ``readable`` may read (the shared ones unless told): the others are never candidates,
        so they cannot show through a number, a count, a threshold or a later page."""
        text = nfc(query or "").strip()
        if not re.search(r"\w", text):
            raise QueryError("Câu hỏi trống hoặc chỉ có ký hiệu; hãy gõ câu hỏi bằng chữ.")
        text = expand_shorthand(text[:MAX_QUERY_CHARS])  # «đv … k» as «đảng viên … không»
        state = self._current()
        visible = state.visible(readable)
        filters = filters or Filters()
        refs = find_numbers(text)
        number_docs, numbers, unknown = _resolve_numbers(state, refs, text, visible)
        citing = bool(number_docs) and _citing_intent(text, refs)
        if citing:
            # "Which documents implement Kết luận 21?": the documents that cite it, not itself.
            named = set(numbers)
            number_docs = {
                d
                for d, cited in state.cites.items()
                if named & set(cited) and d not in number_docs and visible.allows(d)
            }
            if not number_docs:
                return SearchResult([], text, text, numbers, unknown, citing=True)
        # «Điều 6 Quy định 37 nói gì»: the named document's article, found by its heading.
        article = named_article(text) if number_docs and not citing else None
        article_docs = {d for d in number_docs if filters.allows(state.docs[d])}
        article_ids, articles = self._article_passages(state, article_docs, article)
        if article is not None and not article_ids and articles and len(article_docs) == 1:
            (named_doc,) = article_docs
            missing = MissingArticle(state.docs[named_doc].short, articles, article)
            return SearchResult([], text, text, numbers, unknown, missing_article=missing)
        only_number = (
            bool(number_docs) and not citing and not article_ids and _only_number(text, refs)
        )
        # «Điều 6 Quy định 37 nói gì» asks the whole article; «Điều 7 QĐ 37 có cấm đánh bạc
        # không» asks something in it.
        article_only = bool(article_ids) and _only_number(
            _ARTICLE_PHRASE.sub(lambda m: " " * len(m.group(0)), text), refs
        )
        # Documents that mention a number the question names without being it (articles,
        # plans, explanations about it): a number points to them, it does not wall them off.
        mentions = set() if citing or not refs else _mentioning(state, refs, visible) - number_docs
        if refs and not number_docs and not mentions:
            return SearchResult([], text, text, numbers, unknown)
        # Only «what is 05-CT/TW?» and «which documents implement it?» are answered from the
        # named (or citing) documents alone; any other question searches everything readable.
        walled = bool(number_docs) and (citing or only_number)
        restricted = walled or filters.active
        allowed_docs: set[int] = set()
        if restricted:
            every = set(visible.docs if visible.docs is not None else state.docs)
            pool = number_docs if walled else every
            allowed_docs = {d for d in pool if filters.allows(state.docs[d])}
            if not allowed_docs:
                return SearchResult([], text, text, numbers, unknown)

        dense_query = text
        if (
            state.restorer is not None
            and self.settings.restore_diacritics
            and missing_diacritics_ratio(text) > 0.3
        ):
            dense_query = state.restorer.restore(text)
        candidate_ids = _passages_of(state, allowed_docs) if restricted else None
        query_vector = self.embedder.embed_query(dense_query)
        mask: np.ndarray | None
        if candidate_ids is not None:
            dense_hits = _dense_hits(state, query_vector, self.settings.candidates, candidate_ids)
            mask = state.lexical.row_mask(candidate_ids)
        else:  # the reader's scopes (or everything): enforced inside both searches
            dense_hits = state.dense.search(
                query_vector, self.settings.candidates, selector=visible.selector
            )
            mask = visible.mask
        lexical_text = with_numeral_forms(text)  # «quý 3» finds «Quý III», and back
        lexical_hits = state.lexical.search(lexical_text, self.settings.candidates, allowed=mask)
        if number_docs and not walled:
            # The named document's own passages are candidates even when others outscore them.
            own_passages = _passages_of(
                state, {d for d in number_docs if filters.allows(state.docs[d])}
            )
            dense_hits = _merged(
                dense_hits, _dense_hits(state, query_vector, self.settings.candidates, own_passages)
            )
            lexical_hits = _merged(
                lexical_hits,
                state.lexical.search(
                    lexical_text,
                    self.settings.candidates,
                    allowed=state.lexical.row_mask(own_passages),
                ),
            )

        if only_number:
            fused = {
                pid: 1.0 - 0.01 * rank
                for rank, pid in enumerate(
                    pid for doc_id in sorted(number_docs) for pid in state.heads.get(doc_id, [])
                )
            }
            signals = {pid: {"number": 1.0} for pid in fused}
        else:
            fused, signals = self._fuse(dense_hits, lexical_hits)
            boost = self.settings.number_boost
            for pid in fused:
                doc_id = state.passage_doc.get(pid)
                if doc_id in number_docs:
                    fused[pid] += boost
                    signals[pid]["number"] = 1.0
                elif doc_id in mentions:
                    fused[pid] += boost * MENTION_SHARE
                    signals[pid]["mention"] = 1.0
            own = [pid for pid in fused if state.passage_doc.get(pid) in number_docs]
            if own and not walled:
                # The document that is the number comes first; what mentions it follows by merit.
                best_own = max(own, key=fused.__getitem__)
                fused[best_own] = max(fused.values()) + 1e-6
            if article_ids:
                # The article named comes before anything else, its passages in reading order.
                top = max(fused.values(), default=0.0)
                for rank, pid in enumerate(article_ids):
                    fused[pid] = top + 1.0 - 0.001 * rank
                    signals.setdefault(pid, {})["number"] = 1.0
        ranked = sorted(fused.items(), key=lambda kv: -kv[1])[:k]
        weights = _query_idf(state.lexical, lexical_text)
        hits = self._hits(state, ranked, signals, weights)
        return SearchResult(
            hits, text, dense_query, numbers, unknown, only_number, citing,
            article=bool(article_ids), article_only=article_only, weights=weights,
        )  # fmt: skip

    def _article_passages(
        self, state: _State, docs: set[int], article: int | None
    ) -> tuple[list[int], int]:
        """The indexed passages of ``docs`` under the heading of article ``article`` («Điều 6.
        …»), in reading order, and how many articles the documents have (0: not divided in
        articles). The store is read for the headings; a document re-ingested since the index
        was last synced is left to the ordinary search until it is."""
        if article is None or not docs:
            return [], 0
        query = (
            select(col(Passage.id), col(Passage.heading_path))
            .where(col(Passage.document_id).in_(sorted(docs)))
            .order_by(col(Passage.document_id), col(Passage.ordinal))
        )
        with self.engine.connect() as connection:
            rows = list(connection.execute(query))
        if any(pid not in state.passage_doc for pid, _ in rows):
            return [], 0  # re-ingested since the last sync: searched as any question until then
        found: list[int] = []
        articles: set[int] = set()
        for pid, path in rows:
            headed = {n for h in path or [] if (n := heading_article(h)) is not None}
            articles |= headed
            if article in headed:
                found.append(pid)
        return found, len(articles)

    def _fuse(
        self, dense_hits: list[tuple[int, float]], lexical_hits: list[tuple[int, float]]
    ) -> tuple[dict[int, float], dict[int, dict[str, float]]]:
        s = self.settings
        fused: dict[int, float] = {}
        signals: dict[int, dict[str, float]] = {}
        for name, hits, weight in (
            ("dense", dense_hits, s.dense_weight),
            ("lexical", lexical_hits, s.lexical_weight),
        ):
            if not hits:
                continue
            top = hits[0][1]
            bottom = hits[-1][1] if name == "dense" else 0.0
            spread = max(top - bottom, 1e-9)
            for rank, (pid, score) in enumerate(hits):
                if s.fusion == "rrf":
                    value = weight / (s.rrf_k + rank + 1)
                else:
                    value = weight * (score - bottom) / spread
                fused[pid] = fused.get(pid, 0.0) + value
                signals.setdefault(pid, {})[name] = score
        return fused, signals

    def _hits(
        self,
        state: _State,
        ranked: list[tuple[int, float]],
        signals: dict[int, dict[str, float]],
        idf: dict[str, float],
    ) -> list[Hit]:
        if not ranked:
            return []
        # Only the columns a hit shows, without ORM objects: this runs for every question,
        # from many threads at once.
        query = select(
            col(Passage.id), col(Passage.heading_path), col(Passage.text), col(Passage.ordinal)
        ).where(col(Passage.id).in_([pid for pid, _ in ranked]))
        with self.engine.connect() as connection:
            passages = {row[0]: row for row in connection.execute(query)}
        hits = []
        for pid, score in ranked:
            row = passages.get(pid)
            if row is None:  # removed from the store since the index was built
                continue
            _, heading_path, text, ordinal = row
            doc = state.docs[state.passage_doc[pid]]
            sig = signals.get(pid, {})
            relevance = _relevance(idf, passage_text_for_index(doc, heading_path, text), sig)
            hits.append(
                Hit(pid, doc, text, list(heading_path), ordinal, score, relevance, dict(sig))
            )
        return hits

    def document_ids(self) -> set[int]:
        """Documents currently searchable."""
        return set(self._current().docs)

    def stats(self) -> dict[str, object]:
        """Sizes and the manifest of the serving index."""
        state = self._current()
        return {
            "passages": state.dense.size,
            "documents": len(state.docs),
            "vectors_bytes": state.dense.vectors_nbytes(),
            **state.manifest,
        }


def _dense_hits(
    state: _State, vector: np.ndarray, k: int, candidate_ids: set[int] | None
) -> list[tuple[int, float]]:
    if candidate_ids is None:
        return state.dense.search(vector, k)
    if len(candidate_ids) <= 20000 and state.dense.kind == "flat":
        # Small allowed sets: score them exactly instead of hoping they surface in a global top-k.
        index = state.dense._index
        ids = [i for i in candidate_ids]
        vectors = np.stack([index.reconstruct(int(i)) for i in ids]) if ids else None
        if vectors is None:
            return []
        scores = vectors @ vector
        order = np.argsort(-scores)[:k]
        return [(int(ids[n]), float(scores[n])) for n in order]
    allowed = np.fromiter(candidate_ids, dtype=np.int64, count=len(candidate_ids))
    return state.dense.search(vector, k, selector=state.dense.selector(allowed))


def _passages_of(state: _State, doc_ids: set[int]) -> set[int]:
    """The passages of these documents."""
    return {pid for pid, d in state.passage_doc.items() if d in doc_ids}


def _merged(
    first: list[tuple[int, float]], second: list[tuple[int, float]]
) -> list[tuple[int, float]]:
    """Two rankings of the same scores as one, best first (a passage in both once)."""
    best = dict(first)
    for pid, score in second:
        best[pid] = max(score, best.get(pid, score))
    return sorted(best.items(), key=lambda kv: -kv[1])


def _mentioning(state: _State, refs: list[NumberRef], visible: _Visible) -> set[int]:
    """Readable documents that cite a number the question names."""
    return {
        d
        for d, cited in state.cites.items()
        if visible.allows(d) and any(ref.matches(c) for ref in refs for c in cited)
    }


def _resolve_numbers(
    state: _State, refs: list[NumberRef], text: str, visible: _Visible
) -> tuple[set[int], list[str], list[str]]:
    """Documents named by number among those the reader may read; a number only another
    cell holds is unknown to this reader, exactly like one nobody holds."""
    numbers_map = (
        state.numbers
        if visible.docs is None
        else {
            number: readable_ids
            for number, ids in state.numbers.items()
            if (readable_ids := [d for d in ids if d in visible.docs])
        }
    )
    found: set[int] = set()
    names: list[str] = []
    unknown: list[str] = []
    years = years_mentioned(text)
    for ref in refs:
        matches = [n for n in numbers_map if ref.matches(n)]
        if not matches:
            unknown.append(ref.canonical or ref.raw)
            continue
        for number in sorted(matches):
            doc_ids = numbers_map[number]
            dated = [
                d for d in doc_ids
                if state.docs[d].issued_on and state.docs[d].issued_on.year in years  # type: ignore[union-attr]
            ]  # fmt: skip
            found.update(dated or doc_ids)
            if number not in names:
                names.append(number)
    return found, names, unknown


_IMPLEMENT = re.compile(
    r"\b(thuc hien|trien khai|cu the hoa|quan triet|dan chieu|can cu|vien dan|nhac den|"
    r"huong dan thuc hien|de cap den)\b"
)
_WHICH = re.compile(r"\b(nao|gi|nhung|cac|danh sach|liet ke)\b")


def _citing_intent(text: str, refs: list[NumberRef]) -> bool:
    """True for questions like "văn bản nào thực hiện Kết luận 21?"."""
    first = min(ref.span[0] for ref in refs)
    before = fold(text[:first])
    return bool(_IMPLEMENT.search(before)) and bool(_WHICH.search(before))


# «TB 215 của Đảng ủy Khối nói về việc gì»: the body a document is of names it further (folded).
OF_ISSUER = re.compile(
    r"\bcua\s+(?:bo chinh tri|ban bi thu|ban chap hanh trung uong(?: dang)?|trung uong"
    r"|ban (?:thuong vu|to chuc|tuyen giao|kiem tra)(?: trung uong| dang uy khoi)?"
    r"|dang uy(?: khoi| cong ty)?|chi bo(?: xi nghiep)?(?: xe buyt(?: so \d+)?)?)\b"
)


def _only_number(text: str, refs: list[NumberRef]) -> bool:
    return not words_besides_naming(text, refs)


def words_besides_naming(text: str, refs: list[NumberRef] | None = None) -> list[str]:
    """The folded words of ``text`` besides the documents it names (their numbers, kinds and
    issuers) and the filler around them («nói về gì», «nội dung chính»)."""
    rest = text
    for ref in sorted(find_numbers(text) if refs is None else refs, key=lambda r: -r.span[0]):
        rest = rest[: ref.span[0]] + " " + rest[ref.span[1] :]
    words = re.findall(r"[^\W\d_]+", _FILLER_PHRASE.sub(" ", OF_ISSUER.sub(" ", fold(rest))))
    return [w for w in words if w not in _FILLER or w in _PHRASE_ONLY]


def _query_idf(lexical: LexicalIndex, query: str) -> dict[str, float]:
    """IDF of the question's folded syllables (unigrams only) in the lexical index."""
    weights = lexical._weight_matrix()
    n_docs = max(lexical.size, 1)
    out: dict[str, float] = {}
    # written with other marks than the filler's, a syllable is another word: «sơ» of «sơ
    # kết» is no «số», «hội» of «hội nghị» no «hỏi», «chí» of «báo chí» no «chỉ»
    marked = {fold(w): w for w in re.findall(r"\w+", nfc(query).lower()) if fold(w) != w}
    other = {f for f, w in marked.items() if f in _FILLER_MARKS and w not in _FILLER_MARKS[f]}
    for term in set(tokenize(query, bigrams=False)):
        col_id = lexical.vocab.get(term)
        df = 0 if col_id is None else int(weights.indptr[col_id + 1] - weights.indptr[col_id])
        if term in _FILLER and term not in other and df > n_docs * 0.02:
            continue
        out[term] = math.log1p((n_docs - df + 0.5) / (df + 0.5))
    return out


# «điều 6» (folded) — not «10 điều 2 chương» (a count), not «Điều 30 Điều lệ Đảng» (an article of
# another text than the one named).
_ARTICLE = re.compile(r"\bdieu\s+0*(\d{1,3})\b(?!\s+(?:dieu le|luat|bo luat|hien phap|quy che))")
_COUNTED_BEFORE = re.compile(r"(?<!khoan )\b\d+\s+$")
_ARTICLE_HEADING = re.compile(r"dieu\s+0*(\d{1,3})\b")
# «khoản 3 điều 6», «điểm a khoản 2 Điều 4» as written: taken out to see what else is asked.
_ARTICLE_PHRASE = re.compile(
    r"\b(?:(?:điểm|diem)\s+\w\s+)?(?:(?:khoản|khoan)\s+\d{1,2}\s+)?(?:điều|dieu)\s+\d{1,3}\b",
    re.I,
)


def heading_article(heading: str) -> int | None:
    """The article a heading opens («Điều 6. Về bí mật …» → 6), if it is an article's."""
    found = _ARTICLE_HEADING.match(fold(heading))
    return int(found.group(1)) if found else None


def named_article(question: str) -> int | None:
    """The article a question names («điều 6», «Điều 06»), if it names one."""
    folded = fold(question)
    for found in _ARTICLE.finditer(folded):
        if not _COUNTED_BEFORE.search(folded[: found.start()]):
            return int(found.group(1))
    return None


def _relevance(idf: dict[str, float], passage_text: str, signals: dict[str, float]) -> float:
    """0–1: how much of the question's weighted vocabulary the passage (with its labels) covers,
    lifted by a strong dense match. Calibrated so unrelated questions fall below min_relevance."""
    if signals.get("number"):
        return 1.0
    total = sum(idf.values())
    present = set(tokenize(passage_text, bigrams=False))
    coverage = sum(w for t, w in idf.items() if t in present) / total if total else 0.0
    cosine = signals.get("dense", 0.0)
    dense_part = min(max((cosine - 0.80) / 0.10, 0.0), 1.0)
    return max(coverage, dense_part)


def _ids_hash(ids: Iterable[int]) -> str:
    digest = hashlib.sha256()
    for i in sorted(ids):
        digest.update(int(i).to_bytes(8, "big", signed=True))
    return digest.hexdigest()


def _doc_info(doc: Document) -> DocInfo:
    return DocInfo.of(doc)


def _maps_to_json(state: _State) -> dict[str, object]:
    return {
        "docs": [
            {**doc.__dict__, "issued_on": doc.issued_on.isoformat() if doc.issued_on else None}
            for doc in state.docs.values()
        ],
        "passage_doc": [[p, d] for p, d in state.passage_doc.items()],
        "heads": {str(d): ps for d, ps in state.heads.items()},
        "cites": {str(d): ns for d, ns in state.cites.items()},
    }


def _maps_from_json(
    raw: dict[str, object],
) -> tuple[dict[int, DocInfo], dict[int, int], dict[int, list[int]], dict[int, list[str]]]:
    from datetime import date

    docs = {}
    for item in raw["docs"]:  # type: ignore[attr-defined]
        issued = date.fromisoformat(item["issued_on"]) if item["issued_on"] else None
        docs[int(item["id"])] = DocInfo(**{**item, "issued_on": issued})
    passage_doc = {int(p): int(d) for p, d in raw["passage_doc"]}  # type: ignore[attr-defined]
    heads = {int(d): [int(p) for p in ps] for d, ps in raw["heads"].items()}  # type: ignore[attr-defined]
    cites = {int(d): list(ns) for d, ns in raw.get("cites", {}).items()}  # type: ignore[attr-defined]
    return docs, passage_doc, heads, cites
