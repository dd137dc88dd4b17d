"""Answer-level quality on the sample corpus with the configured (real) model.

python scripts/eval_answers.py                  # rates on the dev and test halves
python scripts/eval_answers.py --misses dev     # and every dev question answered wrongly
python scripts/eval_answers.py --since q338     # only a batch added later (its first score)

Prints, per half, as written and with diacritics removed: the first-quote answer rate (the first
quoted sentence holds a gold sentence), the any-quote answer rate, the near-miss refusal rate and
the on-topic kept rate. Thresholds are chosen on dev; test is reported, never tuned on.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bot.services import answer_service, embedder_for, indexed_folder  # noqa: E402
from bot.settings import load_settings  # noqa: E402
from index.answer_eval import evaluate, halves, load_answer_questions  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", choices=("dev", "test"), help="print that half's misses")
    parser.add_argument("--min-relevance", type=float, help="override index.min_relevance")
    parser.add_argument("--min-focus", type=float, help="override index.min_focus")
    parser.add_argument(
        "--sweep", action="store_true", help="dev only: kept/refused for each min_focus"
    )
    parser.add_argument(
        "--since", metavar="ID", help="only questions from this id on (a new batch, e.g. q338)"
    )
    args = parser.parse_args()
    settings = load_settings(REPO / "config.yaml")
    embedder = embedder_for(settings)
    questions = load_answer_questions(REPO / "tests" / "data" / "answer_eval.jsonl")
    if args.since:
        questions = [q for q in questions if int(q.id[1:]) >= int(args.since.lstrip("q"))]
    with tempfile.TemporaryDirectory() as tmp:
        engine, retriever = indexed_folder(
            settings, embedder, REPO / "corpus" / "sample", Path(tmp)
        )
        service = answer_service(settings, engine, retriever)
        if args.min_relevance is not None:
            service.min_relevance = args.min_relevance
        if args.min_focus is not None:
            service.min_focus = args.min_focus
        print(f"min_relevance {service.min_relevance}, min_focus {service.min_focus}\n")
        print(
            "| half | typed | answerable | near misses | first quote | any quote "
            "| near misses refused | on-topic kept |"
        )
        print("|---|---|---|---|---|---|---|---|")
        if args.sweep:
            service.min_focus = 0.0
            _sweep(service, halves(questions)["dev"])
            return
        for half, qs in halves(questions).items():
            if not qs:
                continue
            started = time.perf_counter()
            tallies, outcomes = evaluate(service.answer, qs)
            seconds = time.perf_counter() - started
            for typed, t in tallies.items():
                r = t.rates()
                print(
                    f"| {half} | {typed} | {t.answerable} | {t.near} | {r['first']:.3f} | "
                    f"{r['any']:.3f} | {r['refused']:.3f} | {r['kept']:.3f} |"
                )
            print(f"<!-- {half}: {len(outcomes)} answers in {seconds:.1f} s -->", file=sys.stderr)
            if args.misses == half:
                _print_misses(outcomes)


def _sweep(service, questions) -> None:  # type: ignore[no-untyped-def]
    """Answer dev once with no focus floor, then count what each floor would keep/refuse."""
    from index.answer_eval import answers_with

    _tallies, outcomes = evaluate(service.answer, questions)
    print("| min_focus | on-topic kept | near misses refused | first quote |")
    print("|---|---|---|---|")
    for floor in [x / 20 for x in range(4, 17)]:
        on = [o for o in outcomes if o.question.answerable]
        near = [o for o in outcomes if not o.question.answerable]
        kept = [o for o in on if o.answer.quotes and o.answer.focus >= floor]
        refused = [o for o in near if not o.answer.quotes or o.answer.focus < floor]
        first = [o for o in kept if answers_with(o.answer.quotes[0].text, o.question.gold)]
        print(
            f"| {floor:.2f} | {len(kept) / len(on):.3f} | {len(refused) / len(near):.3f} "
            f"| {len(first) / len(on):.3f} |"
        )


def _print_misses(outcomes: list) -> None:  # type: ignore[type-arg]
    from index.answer_eval import answers_with

    for o in outcomes:
        q, a = o.question, o.answer
        quotes = [x.text for x in a.quotes]
        if not q.answerable:
            if quotes:
                print(f"\nNEAR MISS ANSWERED {q.id} [{q.kind}] {o.asked}\n  → {quotes[0][:160]}")
            continue
        if not quotes:
            print(f"\nREFUSED {q.id} [{q.kind}] {o.asked}\n  gold: {q.gold[0][:160]}")
        elif not answers_with(quotes[0], q.gold):
            hit = "later" if any(answers_with(x, q.gold) for x in quotes) else "never"
            print(f"\nFIRST WRONG ({hit}) {q.id} [{q.kind}] {o.asked}")
            print(f"  gold: {q.gold[0][:160]}")
            for x in quotes:
                print(f"  quote: {x[:160]}")


if __name__ == "__main__":
    main()
