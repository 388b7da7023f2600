"""The modality set (benchmarks/data/modality.tsv): is each claimed act asserted, reported, planned, feared, denied …?

Each sentence names the word that carries its claimed act and that act's modality (the labels are in the file's
header). The sentence is coded on its own; the coder's modality is that of the first event whose trigger holds the
word, or `none` when no event is coded on it (right only for the `none` sentences: a question, a refusal to
comment). Two figures: the modality *read* for the act on the word (`Coder.modality_of`, whether or not an event
is coded there: the modality reader's own quality) and the modality *coded* (only where the coder codes an event
on the word: the reader and the event coder together). Each is macro-F1 over the labels, per label, and
denials' recall.

The sentences fall in two halves by a hash of their text: `a`, whose errors may be read while the coder is
developed, and `b`, which is only ever scored. Both figures are printed; `b` is the one to trust.

Used by benchmarks/events.py; on its own: python benchmarks/modality_set.py [--errors]   (errors of half a only)
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from pathlib import Path

from common import half_of

SET = Path(__file__).with_name("data") / "modality.tsv"


def read_set(path: Path = SET) -> list[dict]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        modality, trigger, text = line.split("\t")
        rows.append({"modality": modality, "trigger": trigger, "text": text, "half": half_of(text)})
    return rows


def coded_modality(coder, row: dict) -> str:
    """The modality of the act on the word among the events coded: a threat PLOVER codes as THREATEN (asserted:
    the threat was made) carries the threatened act in its `action`."""
    word = row["trigger"].partition("#")[0].lower()
    for event in coder.code(row["text"]).events:
        if word in re.findall(r"[\w'-]+", event.evidence.trigger.lower()):
            threat = event.event == "THREATEN" and event.action not in (None, "THREATEN")
            return "threatened" if threat and event.modality == "asserted" else event.modality
    return "none"


def macro_f1(pairs: list[tuple[str, str]], labels: list[str]) -> tuple[float, dict[str, float]]:
    per_label = {}
    for label in labels:
        true_positive = sum(g == label == p for g, p in pairs)
        predicted = sum(p == label for _, p in pairs)
        actual = sum(g == label for g, _ in pairs)
        precision = true_positive / predicted if predicted else 0.0
        recall = true_positive / actual if actual else 0.0
        per_label[label] = round(2 * precision * recall / (precision + recall), 3) if precision + recall else 0.0
    return round(sum(per_label.values()) / len(per_label), 3), per_label


def score(coder, rows: list[dict] | None = None) -> tuple[dict, list[dict]]:
    """The figures, and every sentence with its coded modality."""
    rows = rows if rows is not None else read_set()
    labels = sorted({row["modality"] for row in rows})
    for row in rows:
        row["coded"] = coded_modality(coder, row)
        word, _, occurrence = row["trigger"].partition("#")  # "launch#2": the second "launch" of the sentence
        row["read"] = coder.modality_of(row["text"], word, int(occurrence or 1))
    figures: dict = {"modality_sentences": len(rows)}
    for key, name in (("read", "modality"), ("coded", "modality_coded")):
        for half in ("a", "b", None):
            chosen = [row for row in rows if half is None or row["half"] == half]
            f1, per_label = macro_f1([(row["modality"], row[key]) for row in chosen], labels)
            denials = [row for row in chosen if row["modality"] == "denied"]
            prefix = f"{name}_{half}_" if half else f"{name}_"
            figures[prefix + "macro_f1"] = f1
            figures[prefix + "denied_recall"] = round(sum(r[key] == "denied" for r in denials) / len(denials), 3)
            if half is None:
                figures[prefix + "per_label_f1"] = per_label
    figures["modality_no_event_on_trigger"] = round(
        sum(r["coded"] == "none" and r["modality"] != "none" for r in rows) / len(rows), 3)
    return figures, rows


def main() -> None:
    from redline.events import Coder

    parser = argparse.ArgumentParser()
    parser.add_argument("--errors", action="store_true", help="print the errors of half a (never of half b)")
    args = parser.parse_args()
    figures, rows = score(Coder())
    if args.errors:
        for row in rows:
            if row["half"] == "a" and row["read"] != row["modality"]:
                print(f"{row['modality']:>11} → {row['read']:<11} ({row['coded']}) [{row['trigger']}] {row['text']}")
        print(Counter((r["modality"], r["read"]) for r in rows if r["half"] == "a" and r["read"] != r["modality"])
              .most_common(12))
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
