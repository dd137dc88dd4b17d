"""FAISS vector index over normalised passage vectors, keyed by stable passage ids."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import faiss
import numpy as np

# One question is searched per call; FAISS's OpenMP threads cost more than they save there
# (measured: 28 ms with 2 threads vs 18 ms with 1 at 100k × 384), and the bot searches for
# several members at once on its own threads anyway.
_SEARCH_THREADS = 1


@dataclass(frozen=True)
class Selector:
    """A FAISS selector and the bitmap it reads (kept alive with it)."""

    faiss: Any
    bits: np.ndarray


class DenseIndex:
    """Inner-product search (= cosine on normalised vectors), exact or HNSW."""

    def __init__(self, dim: int, kind: str = "flat", *, hnsw_m: int = 32, ef_search: int = 128):
        self.dim = dim
        self.kind = kind
        self.ef_search = ef_search
        if kind == "flat":
            self._index: Any = faiss.IndexIDMap2(faiss.IndexFlatIP(dim))
        elif kind == "hnsw":
            hnsw = faiss.IndexHNSWFlat(dim, hnsw_m, faiss.METRIC_INNER_PRODUCT)
            hnsw.hnsw.efSearch = ef_search
            self._index = faiss.IndexIDMap2(hnsw)
        else:
            raise ValueError(f"unknown FAISS index kind {kind!r} (flat or hnsw)")
        # HNSW cannot delete vectors: removed ids are hidden until the next rebuild.
        self._hidden: set[int] = set()
        self._position_cache: np.ndarray | None = None

    @property
    def size(self) -> int:
        """Vectors searchable."""
        return int(self._index.ntotal) - len(self._hidden)

    def ids(self) -> set[int]:
        """Passage ids held (and not hidden)."""
        raw = faiss.vector_to_array(self._index.id_map) if self._index.ntotal else np.zeros(0)
        return {int(i) for i in raw} - self._hidden

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        """Add vectors under their passage ids."""
        if len(ids) == 0:
            return
        if vectors.shape[1] != self.dim:
            raise ValueError(f"vector dimension {vectors.shape[1]} != index dimension {self.dim}")
        self._hidden -= {int(i) for i in ids}
        self._position_cache = None
        # Building (HNSW especially) is a batch job: use every core.
        faiss.omp_set_num_threads(os.cpu_count() or 1)
        self._index.add_with_ids(
            np.ascontiguousarray(vectors, dtype=np.float32), np.asarray(ids, dtype=np.int64)
        )

    def remove(self, ids: Iterable[int]) -> None:
        """Remove passages."""
        wanted = np.fromiter((int(i) for i in ids), dtype=np.int64)
        if len(wanted) == 0:
            return
        self._position_cache = None
        if self.kind == "flat":
            self._index.remove_ids(faiss.IDSelectorBatch(wanted))
        else:
            self._hidden |= {int(i) for i in wanted}

    def selector(self, allowed: np.ndarray) -> Selector:
        """A selector of these passage ids for :meth:`search` (build once per reader, reuse)."""
        return self.selector_of(np.isin(self.positions(), np.asarray(allowed, dtype=np.int64)))

    def selector_of(self, keep: np.ndarray) -> Selector:
        """A selector of the positions where ``keep`` (one flag per :meth:`positions`) is set.

        A bitmap over the index's own positions: testing a bit costs nothing beside the scan,
        where a set of passage ids behind the id map tripled the search time at 100k."""
        bits = np.packbits(np.asarray(keep, dtype=bool), bitorder="little")
        return Selector(faiss.IDSelectorBitmap(len(keep), faiss.swig_ptr(bits)), bits)

    def positions(self) -> np.ndarray:
        """Passage id at each position of the inner index (kept until the index changes)."""
        cached = self._position_cache
        if cached is None or len(cached) != self._index.ntotal:
            if self._index.ntotal == 0:
                cached = np.zeros(0, dtype=np.int64)
            else:
                cached = faiss.vector_to_array(self._index.id_map).astype(np.int64)
            self._position_cache = cached
        return cached

    def search(
        self, vector: np.ndarray, k: int, *, selector: Selector | None = None
    ) -> list[tuple[int, float]]:
        """The k nearest passages as (id, cosine), best first; with a ``selector`` only among
        its ids: the others are never scored, so they cannot crowd the allowed ones out."""
        if self._index.ntotal == 0 or k <= 0:
            return []
        wanted = min(k + len(self._hidden), int(self._index.ntotal))
        if faiss.omp_get_max_threads() != _SEARCH_THREADS:
            faiss.omp_set_num_threads(_SEARCH_THREADS)
        query = vector.reshape(1, -1).astype(np.float32)
        if selector is None:
            scores, ids = self._index.search(query, wanted)
        else:
            if self.kind == "hnsw":
                params = faiss.SearchParametersHNSW(  # type: ignore[attr-defined]
                    sel=selector.faiss, efSearch=self.ef_search
                )
            else:
                params = faiss.SearchParameters(sel=selector.faiss)  # type: ignore[call-arg]
            # The inner index, by position: the bitmap is over positions, not passage ids.
            scores, places = self._index.index.search(query, wanted, params=params)
            positions = self.positions()
            ids = np.where(places >= 0, positions[np.maximum(places, 0)], -1)
        out = [
            (int(i), float(s))
            for i, s in zip(ids[0], scores[0], strict=True)
            if i >= 0 and int(i) not in self._hidden
        ]
        return out[:k]

    def clone(self) -> DenseIndex:
        """An independent copy (for copy-on-write updates while the original serves)."""
        copy = DenseIndex.__new__(DenseIndex)
        copy.dim, copy.kind, copy.ef_search = self.dim, self.kind, self.ef_search
        copy._index = faiss.clone_index(self._index)
        copy._hidden = set(self._hidden)
        copy._position_cache = None
        return copy

    def save(self, path: Path) -> None:
        """Write the FAISS index (hidden ids are dropped by writing a compacted copy)."""
        index = self._index
        if self._hidden:
            compact = DenseIndex(self.dim, self.kind, ef_search=self.ef_search)
            all_ids = faiss.vector_to_array(index.id_map)
            keep = [n for n, i in enumerate(all_ids) if int(i) not in self._hidden]
            if keep:
                vectors = np.stack([index.reconstruct(int(all_ids[n])) for n in keep])
                compact.add(all_ids[keep], vectors)
            index = compact._index
        faiss.write_index(index, str(path))

    @classmethod
    def load(cls, path: Path, *, ef_search: int = 128) -> DenseIndex:
        """Read an index written by save()."""
        index = faiss.read_index(str(path))
        if not isinstance(index, faiss.IndexIDMap2):
            raise ValueError("not a Chibo vector index (expected an ID-mapped FAISS index)")
        # The downcast wrapper does not own the C++ object: keep `index` alive beside it.
        inner: Any = faiss.downcast_index(index.index)
        kind = "hnsw" if isinstance(inner, faiss.IndexHNSWFlat) else "flat"
        if kind == "hnsw":
            inner.hnsw.efSearch = ef_search
        dense = cls.__new__(cls)
        dense.dim, dense.kind, dense.ef_search = int(index.d), kind, ef_search
        dense._index = index
        dense._hidden = set()
        dense._position_cache = None
        return dense

    def vectors_nbytes(self) -> int:
        """Bytes taken by the raw vectors."""
        return int(self._index.ntotal) * self.dim * 4
