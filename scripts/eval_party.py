"""Party-domain retrieval quality on the sample corpus with the configured (real) model.

python scripts/eval_party.py            # prints Hit@k / MRR@10 per question style,
                                        # and how well relevance separates off-topic questions
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bot.services import embedder_for, indexed_folder  # noqa: E402
from bot.settings import load_settings  # noqa: E402
from index.party_eval import load_party_questions, party_metrics, top_relevance  # noqa: E402


def main() -> None:
    settings = load_settings(REPO / "config.yaml")
    s = settings.index
    with tempfile.TemporaryDirectory() as tmp:
        _engine, retriever = indexed_folder(
            settings, embedder_for(settings), REPO / "corpus" / "sample", Path(tmp)
        )
        questions = load_party_questions(REPO / "tests" / "data" / "party_questions.jsonl")
        table = party_metrics(retriever, questions)
        print("| questions | n | Hit@1 | Hit@5 | Hit@10 | MRR@10 |")
        print("|---|---|---|---|---|---|")
        for group, m in table.items():
            print(
                f"| {group} | {int(m['n'])} | {m['Hit@1']:.3f} | {m['Hit@5']:.3f} | "
                f"{m['Hit@10']:.3f} | {m['MRR@10']:.3f} |"
            )
        on_topic = sorted(top_relevance(retriever, q.question) for q in questions)
        offtopic_path = REPO / "tests" / "data" / "offtopic_questions.txt"
        off = sorted(
            top_relevance(retriever, line)
            for line in offtopic_path.read_text(encoding="utf-8").splitlines()
            if line.strip()
        )
        threshold = s.min_relevance
        print(
            f"\nrelevance threshold {threshold}: on-topic kept "
            f"{sum(r >= threshold for r in on_topic)}/{len(on_topic)}, off-topic refused "
            f"{sum(r < threshold for r in off)}/{len(off)}"
        )
        print("on-topic lowest:", [round(r, 2) for r in on_topic[:8]])
        print("off-topic highest:", [round(r, 2) for r in off[-8:]])


if __name__ == "__main__":
    main()
