"""Questions that name a number or a year, over a mixed library (issue 14, item 6).

python scripts/eval_mixed.py              # Hit@10 BM25 vs hybrid, then the answers' rates
python scripts/eval_mixed.py --misses     # and every question the hybrid search missed

Most cells receive central documents as articles *about* them, not as the documents. The
library here is the ALQAC statutes (2,593 articles, ../shared/eval/vn_legal/corpus.jsonl) plus
the team's news-style and explanatory articles about Party documents (tests/data/news_corpus/,
each labelled as a sample). The questions (tests/data/news_questions.jsonl) name a document
number, a year or both, as members do; each has the article and the sentence that answer it.

Printed: Hit@1/Hit@10 of the answering article for plain BM25 (the lexical signal alone) and for
the hybrid search, as asked and with diacritics removed — the hybrid must never fall below BM25
on these questions, since a number or a year may reorder candidates but never wall them off;
then, through the answer path, the first-quote and any-quote answer rates.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sqlmodel import Session  # noqa: E402

from bot.services import answer_service, embedder_for  # noqa: E402
from bot.settings import load_settings  # noqa: E402
from index.answer_eval import (  # noqa: E402
    AnswerQuestion,
    NewsQuestion,
    evaluate,
    load_news_questions,
)
from index.evaluate import (  # noqa: E402
    metrics,
    mode_settings,
    ranked_articles,
    read_jsonl,
    store_articles,
)
from index.retriever import Retriever  # noqa: E402
from knowledge.db import create_tables, make_engine  # noqa: E402
from knowledge.ingest import Ingester  # noqa: E402
from knowledge.text import strip_diacritics  # noqa: E402

ALQAC = REPO.parent / "shared" / "eval" / "vn_legal" / "corpus.jsonl"
NEWS = REPO / "tests" / "data" / "news_corpus"
QUESTIONS = REPO / "tests" / "data" / "news_questions.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--misses",
        action="store_true",
        help="print the hybrid search's misses and the questions left unanswered",
    )
    args = parser.parse_args()
    settings = load_settings(REPO / "config.yaml")
    questions = load_news_questions(QUESTIONS)
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{tmp}/store.db")
        create_tables(engine)
        with Session(engine) as session:
            store_articles(
                session,
                read_jsonl(ALQAC),
                passage_chars=settings.knowledge.passage_chars,
                max_passage_chars=settings.knowledge.max_passage_chars,
            )
            session.commit()
        report = Ingester(engine, settings.knowledge).ingest_paths([NEWS])
        retriever = Retriever(engine, embedder_for(settings), settings.index, Path(tmp) / "index")
        retriever.sync(progress=sys.stderr.isatty())
        state = retriever._current()
        article_of = {pid: state.docs[doc].file_name for pid, doc in state.passage_doc.items()}
        added = report.counts["added"]
        print(
            f"library: {len(set(article_of.values()))} documents ({added} news articles); "
            f"{len(questions)} questions\n"
        )
        naming = [q for q in questions if q.names != "none"]
        _search_table(retriever, article_of, naming, args.misses)
        service = answer_service(settings, engine, retriever)
        answerable = [
            AnswerQuestion(q.id, q.question, q.doc, q.gold, q.form, "other") for q in questions
        ]
        tallies, outcomes = evaluate(service.answer, answerable)
        print("\n| typed | questions | first quote | any quote | answered |")
        print("|---|---|---|---|---|")
        for typed, t in tallies.items():
            r = t.rates()
            print(
                f"| {typed} | {t.answerable} | {r['first']:.3f} | {r['any']:.3f} | "
                f"{r['kept']:.3f} |"
            )
        if args.misses:
            for o in outcomes:
                if o.answer.not_found:
                    print(f"\nNOT ANSWERED {o.question.id} {o.asked}")


def _search_table(
    retriever: Retriever,
    article_of: dict[int, str],
    questions: Sequence[NewsQuestion],
    show_misses: bool,
) -> None:
    base = retriever.settings
    print(f"{len(questions)} questions naming a number or a year:\n")
    print("| typed | signal | Hit@1 | Hit@10 | MRR@10 |")
    print("|---|---|---|---|---|")
    try:
        for typed in ("as asked", "no diacritics"):
            for mode in ("lexical", "hybrid"):
                retriever.settings = mode_settings(base, mode)
                rankings = []
                for q in questions:
                    asked = q.question if typed == "as asked" else strip_diacritics(q.question)
                    ranking = ranked_articles(retriever, article_of, asked)
                    rankings.append((ranking, frozenset({q.doc})))
                    if show_misses and mode == "hybrid" and q.doc not in ranking:
                        print(f"  MISS {q.id} ({typed}): {asked} → {ranking[:3]}")
                m = metrics(rankings)
                name = "BM25" if mode == "lexical" else "hybrid"
                print(
                    f"| {typed} | {name} | {m['Hit@1']:.3f} | {m['Hit@10']:.3f} | "
                    f"{m['MRR@10']:.3f} |"
                )
    finally:
        retriever.settings = base


if __name__ == "__main__":
    main()
