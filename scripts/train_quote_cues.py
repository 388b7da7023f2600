"""Count the quote cue table (events/data/quote_cues.json) from PolNeAR's train articles.

Reads ../shared/eval/quotes/polnear_train.jsonl (or $REDLINE_SHARED/eval). Counts only: deterministic, about a
minute on two cores (the parse). The dev articles are never read: benchmarks/quotes.py scores on them.

Usage: python scripts/train_quote_cues.py [--eval DIR] [--out FILE] [--limit N]
"""

from __future__ import annotations

import json
import time

from training_args import training_parser

from redline.events.coder import load_nlp
from redline.events.quote_cues import CUES_FILE, count_cues, save


def main() -> None:
    parser = training_parser(__doc__.splitlines()[0], CUES_FILE, "where the table goes",
                             "only the first N articles (for tests)")
    args = parser.parse_args()
    started = time.perf_counter()
    with (args.eval / "quotes" / "polnear_train.jsonl").open(encoding="utf-8") as lines:
        articles = [json.loads(line) for line in lines]
    if args.limit:
        articles = articles[: args.limit]
    table = count_cues(articles, load_nlp())
    save(table, args.out)
    print(f"{len(table['cues'])} cue lemmas from {len(articles)} articles, content in "
          f"{', '.join(table['content_deps'])} and after {', '.join(table['content_preps'])}; "
          f"{time.perf_counter() - started:.0f} s → {args.out}")


if __name__ == "__main__":
    main()
