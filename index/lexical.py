"""BM25 over diacritic-folded syllables (and syllable bigrams), updatable in place."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import pairwise
from pathlib import Path

import numpy as np
from scipy import sparse

from knowledge.text import fold, nfc, strip_diacritics

_SEGMENT = re.compile(r"[.,;:!?()\[\]\"“”'‘’…\n]+")
_WORD = re.compile(r"\w+")


# A quarter, a term, a congress or a part of a document, numbered either way: «quý 3» / «Quý III»,
# «khóa 13» / «khóa XIII», «Đại hội 13» / «Đại hội XIII». Folded, case kept; a Roman numeral
# counts in capitals, or in any case after «quý», «khóa», «đại hội» (not «vi» of «mục vi phạm»).
_NUMBERED = r"(?i:quy|khoa|dai hoi|chuong|muc|phan)"
_ARABIC_NUMBERED = re.compile(rf"\b({_NUMBERED})\s+0*([1-9]\d?)\b(?![.,]\d)")
_ROMAN_NUMBERED = re.compile(
    rf"\b({_NUMBERED})\s+([IVX]{{1,6}}"
    r"|(?<=(?i:quy|hoi) )(?i:[ivx]{1,6})|(?<=(?i:khoa) )(?i:[ivx]{1,6}))\b"
)
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10}


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= value:
            out, n = out + letters, n - value
    return out


def roman_value(numeral: str) -> int:
    """«IV», «xiii» → 4, 13."""
    values = [_ROMAN_VALUES[c] for c in numeral.lower()]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))


def with_numeral_forms(query: str) -> str:
    """The query with each numbered quarter, term, congress or part also written the other way
    («quý 3» → «quý 3 iii», «khóa XIII» → «khóa XIII 13»), for matching documents that write
    it in Roman numerals or in digits. The words keep their marks (the question's weights read
    them)."""
    text = nfc(query)
    plain = strip_diacritics(text)  # one letter for each written one: the same offsets
    added = [
        (found.end(), _roman(int(found.group(2)))) for found in _ARABIC_NUMBERED.finditer(plain)
    ] + [
        (found.end(), str(roman_value(found.group(2)))) for found in _ROMAN_NUMBERED.finditer(plain)
    ]
    for end, other in sorted(added, reverse=True):
        text = f"{text[:end]} {other}{text[end:]}"
    return text if added else query


def tokenize(text: str, *, bigrams: bool = True) -> list[str]:
    """Folded syllables, plus adjacent-syllable bigrams within a clause when ``bigrams``."""
    tokens: list[str] = []
    for segment in _SEGMENT.split(fold(text)):
        words = _WORD.findall(segment)
        tokens.extend(words)
        if bigrams:
            tokens.extend(f"{a}_{b}" for a, b in pairwise(words))
    return tokens


class LexicalIndex:
    """Okapi BM25. Term frequencies are kept, so adding or removing passages is cheap."""

    def __init__(self, *, k1: float = 1.2, b: float = 0.75, bigrams: bool = True) -> None:
        self.k1, self.b, self.bigrams = k1, b, bigrams
        self.vocab: dict[str, int] = {}
        self.ids = np.zeros(0, dtype=np.int64)
        self._tf = sparse.csr_matrix((0, 0), dtype=np.float32)
        self._weights: sparse.csc_matrix | None = None
        self._row_of: dict[int, int] = {}

    @property
    def size(self) -> int:
        """Passages indexed."""
        return len(self.ids)

    def add(self, ids: Sequence[int], texts: Sequence[str]) -> None:
        """Index passages (an id already present is replaced)."""
        if not len(ids):
            return
        self.remove([i for i in ids if int(i) in self._row_of])
        rows, cols, vals = [], [], []
        for row, text in enumerate(texts):
            for term, count in Counter(tokenize(text, bigrams=self.bigrams)).items():
                col = self.vocab.setdefault(term, len(self.vocab))
                rows.append(row)
                cols.append(col)
                vals.append(count)
        new = sparse.csr_matrix(
            (np.asarray(vals, dtype=np.float32), (rows, cols)),
            shape=(len(texts), len(self.vocab)),
        )
        old = self._tf
        old.resize((old.shape[0], len(self.vocab)))
        self._tf = sparse.vstack([old, new], format="csr")
        self.ids = np.concatenate([self.ids, np.asarray(ids, dtype=np.int64)])
        self._reindex()

    def remove(self, ids: Iterable[int]) -> None:
        """Forget passages."""
        drop = {int(i) for i in ids} & self._row_of.keys()
        if not drop:
            return
        keep = np.fromiter((int(i) not in drop for i in self.ids), dtype=bool, count=len(self.ids))
        self._tf = self._tf[keep]
        self.ids = self.ids[keep]
        self._reindex()

    def _reindex(self) -> None:
        self._row_of = {int(i): n for n, i in enumerate(self.ids)}
        self._weights = None

    def _weight_matrix(self) -> sparse.csc_matrix:
        if self._weights is None:
            tf = self._tf.tocsr()
            n_docs = tf.shape[0]
            lengths = np.asarray(tf.sum(axis=1)).ravel()
            avg = float(lengths.mean()) if n_docs else 1.0
            df = np.bincount(tf.indices, minlength=tf.shape[1]).astype(np.float64)
            idf = np.log1p((n_docs - df + 0.5) / (df + 0.5))
            norm = self.k1 * (1 - self.b + self.b * lengths / max(avg, 1e-9))
            row_of_entry = np.repeat(np.arange(n_docs), np.diff(tf.indptr))
            data = tf.data * (self.k1 + 1) / (tf.data + norm[row_of_entry])
            data = data * idf[tf.indices]
            weights = sparse.csr_matrix(
                (data.astype(np.float32), tf.indices, tf.indptr), shape=tf.shape
            )
            self._weights = weights.tocsc()
        return self._weights

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every indexed passage (in ``ids`` order)."""
        terms = Counter(
            self.vocab[t] for t in tokenize(query, bigrams=self.bigrams) if t in self.vocab
        )
        if not terms or not self.size:
            return np.zeros(self.size, dtype=np.float32)
        weights = self._weight_matrix()
        cols = np.fromiter(terms.keys(), dtype=np.int64)
        counts = np.fromiter(terms.values(), dtype=np.float32)
        return np.asarray(weights[:, cols] @ counts).ravel()

    def search(
        self, query: str, k: int, *, allowed: np.ndarray | None = None
    ) -> list[tuple[int, float]]:
        """The k best passages as (id, score), best first; ``allowed`` masks rows."""
        scores = self.scores(query)
        if allowed is not None:
            scores = np.where(allowed, scores, 0.0)
        positive = int(np.count_nonzero(scores > 0))
        k = min(k, positive)
        if k <= 0:
            return []
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(self.ids[n]), float(scores[n])) for n in top]

    def clone(self) -> LexicalIndex:
        """An independent copy."""
        copy = LexicalIndex(k1=self.k1, b=self.b, bigrams=self.bigrams)
        copy.vocab = dict(self.vocab)
        copy.ids = self.ids.copy()
        copy._tf = self._tf.copy()
        copy._reindex()
        return copy

    def save(self, path: Path) -> None:
        """Write term frequencies and vocabulary into one .npz file."""
        tf = self._tf.tocsr()
        terms = sorted(self.vocab, key=self.vocab.__getitem__)
        with path.open("wb") as fh:
            np.savez_compressed(
                fh,
                ids=self.ids,
                data=tf.data,
                indices=tf.indices,
                indptr=tf.indptr,
                shape=np.asarray(tf.shape),
                vocab=np.frombuffer(json.dumps(terms).encode(), dtype=np.uint8),
                params=np.asarray([self.k1, self.b, float(self.bigrams)]),
            )

    @classmethod
    def load(cls, path: Path) -> LexicalIndex:
        """Read an index written by save()."""
        with np.load(path, allow_pickle=False) as data:
            k1, b, bigrams = (float(x) for x in data["params"])
            index = cls(k1=k1, b=b, bigrams=bool(bigrams))
            terms = json.loads(bytes(data["vocab"]).decode())
            index.vocab = {t: n for n, t in enumerate(terms)}
            index.ids = data["ids"].astype(np.int64)
            index._tf = sparse.csr_matrix(
                (data["data"], data["indices"], data["indptr"]), shape=tuple(data["shape"])
            )
        index._reindex()
        return index

    def row_mask(self, allowed_ids: set[int]) -> np.ndarray:
        """Boolean mask over rows for a set of passage ids."""
        return np.fromiter((int(i) in allowed_ids for i in self.ids), dtype=bool, count=self.size)
