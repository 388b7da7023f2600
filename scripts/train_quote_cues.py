"""Count the quote cue table (events/data/quote_cues.json) from PolNeAR's train articles.

Reads ../shared/eval/quotes/polnear_train.jsonl (or $REDLINE_SHARED/eval). Counts, then chooses how sure a learned
cue must be (`min_cue_precision`: the share of its uses that introduced an attribution) by 5-fold
cross-validation over the train articles: each fold's table is counted from the other four and scored (content
words' F1) on it; the share with the best mean wins. Deterministic (folds by position); a few minutes on two
cores (one parse of every article). The dev articles are never read: benchmarks/quotes.py scores on them.

Usage: python scripts/train_quote_cues.py [--eval DIR] [--out FILE] [--limit N]
"""

from __future__ import annotations

import json
import statistics
import time

from training_args import training_parser

from redline.events.coder import load_nlp
from redline.events.quote_cues import CUES_FILE, content_f1, count_cues_in, save
from redline.events.quotes import find_quotes

FOLDS = 5
# The shares tried, from nearly every verb seen introducing an attribution to only the usual ones.
SHARES = (0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6)


def cross_validated_shares(articles: list[dict], docs: list) -> dict[float, list[float]]:
    """Each share's content F1 on every fold, the fold's table counted from the other folds."""
    scores: dict[float, list[float]] = {share: [] for share in SHARES}
    for fold in range(FOLDS):
        rest = [i for i in range(len(articles)) if i % FOLDS != fold]
        held = [i for i in range(len(articles)) if i % FOLDS == fold]
        table = count_cues_in([articles[i] for i in rest], [docs[i] for i in rest])
        for share in SHARES:
            cues = {**table, "min_cue_precision": share}
            scores[share].append(content_f1(
                (articles[i]["text"], [span for a in articles[i]["attributions"] for span in a.get("content", [])],
                 [(q.start, q.end) for q, _ in find_quotes(docs[i], lambda token: None, cues)])
                for i in held))
    return scores


def main() -> None:
    parser = training_parser(__doc__.splitlines()[0], CUES_FILE, "where the table goes",
                             "only the first N articles (for tests)")
    args = parser.parse_args()
    started = time.perf_counter()
    with (args.eval / "quotes" / "polnear_train.jsonl").open(encoding="utf-8") as lines:
        articles = [json.loads(line) for line in lines]
    if args.limit:
        articles = articles[: args.limit]
    docs = list(load_nlp().pipe((a["text"] for a in articles), batch_size=16))
    scores = cross_validated_shares(articles, docs)
    for share, folds in scores.items():
        print(f"min_cue_precision {share}: content F1 {statistics.mean(folds):.4f} "
              f"(folds {min(folds):.4f}–{max(folds):.4f})")
    means = {share: round(statistics.mean(folds), 4) for share, folds in scores.items()}
    best = max(SHARES, key=lambda share: (means[share], share))  # a tie goes to the surer cues
    table = {**count_cues_in(articles, docs), "min_cue_precision": best,
             "cross_validated_f1": {str(share): mean for share, mean in means.items()}}
    save(table, args.out)
    print(f"{len(table['cues'])} cue lemmas from {len(articles)} articles, a cue at {best} or more, content in "
          f"{', '.join(table['content_deps'])} and after {', '.join(table['content_preps'])}; "
          f"{time.perf_counter() - started:.0f} s → {args.out}")


if __name__ == "__main__":
    main()
