"""Grid over fusion settings on the ALQAC *dev* split (laws held out from the test split).

    python scripts/tune_fusion.py --corpus ../shared/eval/vn_legal/corpus.jsonl \
        --queries ../shared/eval/vn_legal/queries.jsonl

Never run it on the test split: the defaults in config.yaml are chosen from its dev output.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bot.services import embedder_for  # noqa: E402
from bot.settings import load_settings  # noqa: E402
from index.evaluate import build_retriever, load_queries, metrics, ranked_articles  # noqa: E402
from knowledge.text import strip_diacritics  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--queries", type=Path, required=True)
    args = parser.parse_args()
    settings = load_settings(REPO / "config.yaml")
    s = settings.index
    embedder = embedder_for(settings)
    retriever, article_of = build_retriever(
        args.corpus, embedder, s, REPO / ".cache" / "eval",
        passage_chars=settings.knowledge.passage_chars,
        max_passage_chars=settings.knowledge.max_passage_chars,
    )  # fmt: skip
    queries = load_queries(args.queries, "dev")
    print(f"{len(queries)} dev questions")
    grid = []
    for fusion, dense_weight in itertools.product(["weighted", "rrf"], [0.3, 0.4, 0.5, 0.6, 0.7]):
        grid.append({"fusion": fusion, "dense_weight": dense_weight,
                     "lexical_weight": 1 - dense_weight})  # fmt: skip
    for update in grid:
        retriever.settings = s.model_copy(update=update)
        row = []
        for variant in ("as given", "stripped"):
            rankings = []
            for q in queries:
                text = q.question if variant == "as given" else strip_diacritics(q.question)
                rankings.append((ranked_articles(retriever, article_of, text), q.relevant))
            m = metrics(rankings)
            row.append(
                f"{variant}: MRR {m['MRR@10']:.3f} H@1 {m['Hit@1']:.3f} H@10 {m['Hit@10']:.3f}"
            )
        print(update, " | ".join(row), flush=True)


if __name__ == "__main__":
    main()
