"""The quantity set (benchmarks/data/quantities.tsv): printed counts read as a value, a bound and a kind.

Each sentence's first quantity (by position) as `redline.events.quantities.read_quantities` reads it is compared
with the gold: the value, the bound (exact, about, at least, more than, at most, less than, range, order of
magnitude), the kind (troops, casualties, munitions, …) and, for a range, both ends. A sentence is right when all
of them are. Halves by hash as in the modality set: `b` is never read while the reader is developed.

Used by benchmarks/events.py; on its own: python benchmarks/quantity_set.py [--errors]   (errors of half a only)
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from common import half_of

SET = Path(__file__).with_name("data") / "quantities.tsv"


def read_set(path: Path = SET) -> list[dict]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        kind, value, bound, text, *ends = line.split("\t")
        low, high = (float(x) for x in ends[0].split("-")) if ends else (None, None)
        rows.append({"kind": kind, "value": float(value), "bound": bound, "text": text, "low": low, "high": high,
                     "half": half_of(text)})
    return rows


def first_quantity(nlp, text: str):
    from redline.events.quantities import read_quantities

    found = [q for sent in nlp(text).sents for q, _ in read_quantities(sent)]
    return found[0] if found else None


def judge(row: dict, quantity) -> dict[str, bool]:
    if quantity is None:
        return {"value": False, "bound": False, "kind": False, "range": False}
    ranged = row["bound"] == "range"
    return {"value": quantity.value == row["value"], "bound": quantity.bound == row["bound"],
            "kind": quantity.kind == row["kind"],
            "range": not ranged or (quantity.low, quantity.high) == (row["low"], row["high"])}


def score(nlp, rows: list[dict] | None = None) -> tuple[dict, list[dict]]:
    rows = rows if rows is not None else read_set()
    for row in rows:
        quantity = first_quantity(nlp, row["text"])
        row["read"] = None if quantity is None else {
            "value": quantity.value, "bound": quantity.bound, "kind": quantity.kind, "unit": quantity.unit,
            "low": quantity.low, "high": quantity.high}
        row["checks"] = judge(row, quantity)
    figures: dict = {"quantity_sentences": len(rows)}
    for half in ("a", "b", None):
        chosen = [row for row in rows if half is None or row["half"] == half]
        prefix = f"quantity_{half}_" if half else "quantity_"
        figures[prefix + "all_right"] = round(sum(all(r["checks"].values()) for r in chosen) / len(chosen), 3)
        if half is None:
            for check in ("value", "bound", "kind"):
                figures[prefix + check] = round(sum(r["checks"][check] for r in chosen) / len(chosen), 3)
    return figures, rows


def main() -> None:
    from redline.events.coder import load_nlp

    parser = argparse.ArgumentParser()
    parser.add_argument("--errors", action="store_true", help="print the errors of half a (never of half b)")
    args = parser.parse_args()
    figures, rows = score(load_nlp())
    if args.errors:
        for row in rows:
            if row["half"] == "a" and not all(row["checks"].values()):
                wrong = [k for k, ok in row["checks"].items() if not ok]
                print(f"{','.join(wrong):<18} gold {row['value']:g} {row['bound']} {row['kind']}  read {row['read']}"
                      f"  | {row['text']}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
