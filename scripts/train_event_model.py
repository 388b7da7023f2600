"""Train the event coder's trained layer and write its weights into the package (events/data/event_model.npz).

Reads the gold in ../shared/eval (or $REDLINE_SHARED/eval): the PLOVER GSR dev half and the PLV train split
(events), and ECB+'s articles of topics with no political act (stories) as sentences without an event.
Deterministic (fixed seeds); about three minutes on two cores, most of it fine-tuning the encoder.

Usage: python scripts/train_event_model.py [--eval DIR] [--out FILE] [--limit N] [--epochs N]
"""

from __future__ import annotations

import time

from training_args import training_parser

from redline.events import Coder
from redline.events.learned import MODEL_FILE
from redline.events.training import ENCODER_EPOCHS, fit, read_gold, read_negatives


def main() -> None:
    parser = training_parser(__doc__.splitlines()[0], MODEL_FILE, "where the weights go",
                             "a slice, for tests: the first N sentences of each gold file, every N-th negative article")
    parser.add_argument("--epochs", type=int, default=ENCODER_EPOCHS, help="passes of the encoder's fine-tuning")
    args = parser.parse_args()
    started = time.perf_counter()
    coder = Coder(model=None)  # the rules alone propose
    events = args.eval / "events"
    gold = read_gold([events / "plover_gsr_dev.jsonl", events / "plover_plv_train.jsonl"], coder, args.limit)
    negatives = read_negatives(args.eval / "stories" / "ecbplus_dev.jsonl", coder, limit=args.limit)
    sentences = [p for _, article in negatives for p in article]
    about = f"{len(gold)} gold sentences, {len(sentences)} sentences without an event"
    model = fit(gold, sentences, about=about, epochs=args.epochs)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    model.save(args.out)
    print(f"trained on {about} in {time.perf_counter() - started:.0f} s: {args.out} "
          f"({args.out.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
