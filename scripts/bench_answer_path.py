"""Cost of one answer in-process: `AnswerService.answer` (search, sentence choice, refusal
checks) beside its floor, the question's embedding alone, for the same questions in one run.

    .venv/bin/python scripts/bench_answer_path.py            # the 445 bot-benchmark questions

Both are timed one question at a time on the sample corpus with the configured (real) model;
machines differ, so compare the two columns, not a figure from another day.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bot.services import answer_service, embedder_for, indexed_folder  # noqa: E402
from bot.settings import load_settings  # noqa: E402
from scripts.bench_bot import questions  # noqa: E402


def _figures(seconds: list[float]) -> str:
    ms = sorted(s * 1000 for s in seconds)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    mean, p50 = statistics.fmean(ms), statistics.median(ms)
    return f"mean {mean:6.1f} ms  p50 {p50:6.1f} ms  p95 {p95:6.1f} ms"


def main() -> None:
    settings = load_settings(REPO / "config.yaml")
    embedder = embedder_for(settings)
    pool = questions()
    with tempfile.TemporaryDirectory() as tmp:
        engine, retriever = indexed_folder(
            settings, embedder, REPO / "corpus" / "sample", Path(tmp)
        )
        service = answer_service(settings, engine, retriever)
        for question in pool[:20]:  # warm: first searches touch cold code paths
            service.answer(question)
        answer, embed = [], []
        for question in pool:
            started = time.perf_counter()
            embedder.embed_query(question)
            embed.append(time.perf_counter() - started)
            started = time.perf_counter()
            service.answer(question)
            answer.append(time.perf_counter() - started)
    print(f"{len(pool)} questions, one at a time")
    print(f"embedding alone (floor): {_figures(embed)}")
    print(f"whole answer:            {_figures(answer)}")
    print(f"answer / floor (mean):   {statistics.fmean(answer) / statistics.fmean(embed):.2f}")


if __name__ == "__main__":
    main()
