"""Questions asked at the same moment are embedded together, and each gets its own vector."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

import numpy as np
import pytest

from index.batching import BatchingEmbedder
from index.embedder import HashEmbedder


class SlowBatchModel(HashEmbedder):
    """HashEmbedder with a batch method that takes a while, recording batch sizes."""

    def __init__(self, fail: bool = False) -> None:
        super().__init__(dim=32)
        self.batch_sizes: list[int] = []
        self.threads: set[str] = set()
        self.fail = fail

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        self.batch_sizes.append(len(texts))
        self.threads.add(threading.current_thread().name)
        time.sleep(0.05)
        if self.fail:
            raise RuntimeError("model crashed")
        return np.stack([self._vector(t) for t in texts])


def _ask_together(embedder: BatchingEmbedder, questions: list[str]) -> dict[str, np.ndarray]:
    results: dict[str, np.ndarray] = {}
    barrier = threading.Barrier(len(questions))

    def ask(question: str) -> None:
        barrier.wait()
        results[question] = embedder.embed_query(question)

    threads = [threading.Thread(target=ask, args=(q,)) for q in questions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_fifty_questions_at_once_take_a_few_batches_and_get_their_own_vectors() -> None:
    model = SlowBatchModel()
    embedder = BatchingEmbedder(model)
    questions = [f"câu hỏi số {i} về sinh hoạt chi bộ" for i in range(50)]

    results = _ask_together(embedder, questions)

    assert sum(model.batch_sizes) == 50 and len(model.batch_sizes) <= 5
    for question in questions:
        np.testing.assert_allclose(results[question], model.embed_query(question))


def test_a_backlog_is_shared_between_the_model_threads() -> None:
    model = SlowBatchModel()
    embedder = BatchingEmbedder(model, workers=2)
    questions = [f"câu hỏi số {i} về đảng phí" for i in range(50)]

    results = _ask_together(embedder, questions)

    assert sum(model.batch_sizes) == 50 and len(results) == 50
    # No thread takes the whole backlog while the other core waits; halving it still makes
    # a handful of batches, not one per question.
    assert max(model.batch_sizes) <= 25 and len(model.batch_sizes) <= 10, model.batch_sizes
    assert model.threads == {"query-embedder-0", "query-embedder-1"}


def test_a_repeated_question_is_answered_from_memory() -> None:
    model = SlowBatchModel()
    embedder = BatchingEmbedder(model, cache_size=2)
    embedder.embed_query("chỉ thị 05")
    embedder.embed_query("chỉ thị 05")
    assert model.batch_sizes == [1]
    embedder.embed_query("quy định 37")
    embedder.embed_query("nghị quyết 18")
    embedder.embed_query("chỉ thị 05")  # evicted by the two newer questions
    assert model.batch_sizes == [1, 1, 1, 1]


def test_a_model_failure_reaches_every_waiting_question() -> None:
    embedder = BatchingEmbedder(SlowBatchModel(fail=True))
    with pytest.raises(RuntimeError, match="model crashed"):
        embedder.embed_query("câu hỏi")
    with pytest.raises(RuntimeError, match="model crashed"):
        embedder.embed_query("câu hỏi")  # failures are not cached


def test_passages_and_identity_pass_through() -> None:
    model = SlowBatchModel()
    embedder = BatchingEmbedder(model)
    assert (embedder.model_id, embedder.dim) == (model.model_id, model.dim)
    assert embedder.embed_passages(["một", "hai"]).shape == (2, 32)
    assert model.batch_sizes == []
