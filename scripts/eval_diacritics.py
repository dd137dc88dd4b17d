"""Diacritic restoration, measured two ways.

Statutes (default): held out by law on the ALQAC legal corpus. Laws are dealt round-robin
(largest first) into folds; each fold's articles are stripped of diacritics and restored by a
model fitted on the other folds' laws. Only ``corpus.jsonl`` is read: questions are never used.

Members' questions (``--questions``): the model the bot builds over the sample corpus restores
the questions of ``tests/data/answer_eval.jsonl`` that were written with their marks, typed
without them; per half (dev, test), with and without the everyday text (general_sentences).

    PYTHONPATH=. python scripts/eval_diacritics.py [--corpus PATH] [--folds 3] [--max-articles 400]
    PYTHONPATH=. python scripts/eval_diacritics.py [--no-everyday]
    PYTHONPATH=. python scripts/eval_diacritics.py --questions [--show-misses dev]
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections import defaultdict
from pathlib import Path

from index.answer_eval import halves, load_answer_questions
from index.diacritics import DiacriticRestorer, general_sentences, missing_diacritics_ratio
from knowledge.readers import read_bytes
from knowledge.text import has_diacritics, strip_diacritics, syllables

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared/eval/vn_legal/corpus.jsonl"
SAMPLE = REPO / "corpus" / "sample"
ANSWER_SET = REPO / "tests" / "data" / "answer_eval.jsonl"


def load_laws(path: Path) -> dict[str, list[str]]:
    """Article texts grouped by law name (the part of the id before ``#``)."""
    laws: dict[str, list[str]] = defaultdict(list)
    with path.open(encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            laws[row["id"].split("#")[0]].append(row["text"])
    return dict(laws)


def score(restorer: DiacriticRestorer, texts: list[str]) -> dict[str, int]:
    """Syllable-level counts comparing restored stripped text with the original."""
    counts: dict[str, int] = defaultdict(int)
    for text in texts:
        truth = syllables(text)
        got = syllables(restorer.restore(strip_diacritics(text)))
        kept = syllables(restorer.restore(text))
        assert len(got) == len(truth) == len(kept), "restore changed the tokenisation"
        for t, g, k in zip(truth, got, kept, strict=True):
            if t.isdigit():
                continue
            marked = has_diacritics(t)
            counts["all"] += 1
            counts["all_ok"] += g == t
            counts["marked"] += marked
            counts["marked_ok"] += marked and g == t
            counts["kept_ok"] += k == t
    return counts


def time_questions(restorer: DiacriticRestorer, texts: list[str], n: int = 200) -> float:
    """Mean ms to restore a 30-syllable window of stripped text."""
    rng = random.Random(0)
    windows: list[str] = []
    while len(windows) < n:
        words = strip_diacritics(rng.choice(texts)).split()
        if len(words) >= 30:
            i = rng.randrange(len(words) - 29)
            windows.append(" ".join(words[i : i + 30]))
    start = time.perf_counter()
    for window in windows:
        restorer.restore(window)
    return (time.perf_counter() - start) / n * 1000


def questions(show_misses: str | None) -> None:
    """Members' questions, typed without marks, restored by the sample corpus's model."""
    texts = [
        read_bytes(path.read_bytes(), path.name).text
        for path in sorted(SAMPLE.iterdir())
        if not path.name.startswith("_")
    ]
    models = {
        "corpus only": DiacriticRestorer.fit(texts, everyday=False),
        "corpus + everyday text": DiacriticRestorer.fit(texts),
    }
    marked = [q for q in load_answer_questions(ANSWER_SET) if has_diacritics(q.question)]
    print(f"everyday text: {sum(len(s.split()) for s in general_sentences()):,} syllables")
    print("| half | questions | syllables | corpus only | corpus + everyday text |")
    print("|---|---|---|---|---|")
    for half, qs in halves(marked).items():
        cells = []
        for name, model in models.items():
            counts = score(model, [q.question for q in qs])
            cells.append(f"{counts['all_ok'] / counts['all']:.4f}")
            if show_misses == half:
                for q in qs:
                    got = model.restore(strip_diacritics(q.question))
                    if syllables(got) != syllables(q.question):
                        print(f"  [{name}] {q.id}: {got}  (written: {q.question})")
        print(f"| {half} | {len(qs)} | {counts['all']} | {cells[0]} | {cells[1]} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--max-articles", type=int, default=400, help="test articles per fold")
    parser.add_argument("--no-everyday", action="store_true", help="statutes: corpus only")
    parser.add_argument("--questions", action="store_true", help="members' questions instead")
    parser.add_argument("--show-misses", choices=("dev", "test"), help="with --questions")
    args = parser.parse_args()
    if args.questions:
        questions(args.show_misses)
        return

    laws = load_laws(args.corpus)
    order = sorted(laws, key=lambda name: (-len(laws[name]), name))
    folds = [order[i :: args.folds] for i in range(args.folds)]
    total: dict[str, int] = defaultdict(int)
    fit_s: list[float] = []
    speed: list[float] = []
    sizes: list[int] = []
    for k, test_laws in enumerate(folds):
        train = [t for name in order if name not in test_laws for t in laws[name]]
        test = [t for name in test_laws for t in laws[name]]
        start = time.perf_counter()
        restorer = DiacriticRestorer.fit(train, everyday=not args.no_everyday)
        fit_s.append(time.perf_counter() - start)
        sizes.append(len(restorer.to_bytes()))
        restorer = DiacriticRestorer.from_bytes(restorer.to_bytes())
        sample = random.Random(k).sample(test, min(args.max_articles, len(test)))
        counts = score(restorer, sample)
        speed.append(time_questions(restorer, test))
        for key, value in counts.items():
            total[key] += value
        print(
            f"fold {k}: train {sum(len(syllables(t)) for t in train):,} syllables "
            f"({len(order) - len(test_laws)} laws), test {len(sample)} articles of "
            f"{len(test_laws)} laws: accuracy {counts['all_ok'] / counts['all']:.3f}, "
            f"marked {counts['marked_ok'] / counts['marked']:.3f}, fit {fit_s[-1]:.1f} s"
        )
    print(f"syllable accuracy (held out by law): {total['all_ok'] / total['all']:.4f}")
    print(f"  on syllables with marks:           {total['marked_ok'] / total['marked']:.4f}")
    print(
        f"  on syllables without marks:        "
        f"{(total['all_ok'] - total['marked_ok']) / (total['all'] - total['marked']):.4f}"
    )
    print(f"accented text left unchanged:        {total['kept_ok'] / total['all']:.4f}")
    print(f"restore speed: {sum(speed) / len(speed):.2f} ms per 30-syllable question")
    print(f"fit {sum(fit_s) / len(fit_s):.1f} s; model {sum(sizes) / len(sizes) / 1e6:.1f} MB")
    plain = "chi thi 05 noi ve gi"
    print(f"missing_diacritics_ratio({plain!r}) = {missing_diacritics_ratio(plain):.2f}")


if __name__ == "__main__":
    main()
