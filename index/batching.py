"""Question embeddings for a busy bot: questions asked together are embedded in one batch.

Fifty members asking at once would otherwise run fifty single-question forward passes one
after another; a batch of fifty costs a few of those. Nothing waits for a batch to fill: the
first question is embedded at once, and those arriving meanwhile form the next batch.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import Future

import numpy as np

from index.embedder import Embedder

log = logging.getLogger(__name__)

BatchEncoder = Callable[[list[str]], np.ndarray]


def query_batch_encoder(embedder: Embedder) -> BatchEncoder:
    """How to embed several questions in one call with this embedder."""
    return lambda texts: embedder.embed_queries(texts)


class BatchingEmbedder:
    """An Embedder whose embed_query coalesces concurrent calls and remembers recent questions.

    Passages go straight to the wrapped embedder. Thread-safe: embed_query is called from the
    worker threads that run searches; ``workers`` daemon threads run the model for questions.
    """

    def __init__(
        self,
        inner: Embedder,
        *,
        workers: int = 1,
        max_batch: int = 64,
        cache_size: int = 2048,
    ) -> None:
        self.inner = inner
        self.model_id = inner.model_id
        self.dim = inner.dim
        self.workers = workers
        self.max_batch = max_batch
        self.cache_size = cache_size
        self.batches = 0
        self._encode = query_batch_encoder(inner)
        self._cond = threading.Condition()
        self._pending: list[tuple[str, Future[np.ndarray]]] = []
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._threads: list[threading.Thread] = []

    def embed_passages(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        """Embed passages with the wrapped embedder."""
        return self.inner.embed_passages(texts, progress=progress)

    def embed_query(self, text: str) -> np.ndarray:
        """Embed one question, batched with any others asked at the same moment."""
        future: Future[np.ndarray] = Future()
        with self._cond:
            cached = self._cache.get(text)
            if cached is not None:
                self._cache.move_to_end(text)
                return cached
            if not self._threads:
                # With one model thread each, two workers keep two cores busy: while one
                # embeds a batch, the next batch forms and starts on the other.
                for n in range(self.workers):
                    thread = threading.Thread(
                        target=self._run, name=f"query-embedder-{n}", daemon=True
                    )
                    thread.start()
                    self._threads.append(thread)
            self._pending.append((text, future))
            self._cond.notify()
        return future.result()

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Embed several questions (each joins the shared batches)."""
        return np.stack([self.embed_query(t) for t in texts])

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._pending:
                    self._cond.wait()
                # Halve a backlog rather than take it whole: the other model thread takes
                # half of the rest when it is free, so both cores work on it and the first
                # answers leave early (measured against taking it whole and against splitting
                # by idle threads: docs/benchmarks.md).
                take = min(self.max_batch, -(-len(self._pending) // self.workers))
                batch = self._pending[:take]
                del self._pending[:take]
            self._embed(batch)

    def _embed(self, batch: list[tuple[str, Future[np.ndarray]]]) -> None:
        texts = list(dict.fromkeys(text for text, _ in batch))
        try:
            vectors = self._encode(texts)
        except Exception as exc:  # every waiter must wake up, with the error
            log.exception("embedding %d questions failed", len(texts))
            for _, future in batch:
                future.set_exception(exc)
            return
        by_text = dict(zip(texts, vectors, strict=True))
        with self._cond:
            self.batches += 1
            for text, vector in by_text.items():
                self._cache[text] = vector
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        for text, future in batch:
            future.set_result(by_text[text])
