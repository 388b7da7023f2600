"""Benchmark of the event coder: PLOVER Gold Standard Records (dev half) and coding speed on whole articles.

Quality: each gold sentence is coded on its own; the sentence's main event (the first the coder lists) is
compared with the gold event. Event type accuracy and macro-F1 (a sentence with no event counts as a miss);
mode and context accuracy; actor and recipient ISO3 accuracy (the code sets must be equal; reciprocal events
score actors and recipients together, as one set); sector accuracy over gold parties that have a sector;
full-tuple precision/recall/F1 (type, actor codes, recipient codes). Legacy gold codes are mapped (JAP → JPN),
never "fixed".

Off the beat: events coded per 100 sentences of ECB+ articles whose topic holds no political act (sport,
celebrities, technology, accidents): nearly all false, so lower is better — a proxy for precision.

Speed: ECB+ dev articles coded whole (sentences/s, articles/s), in one process and with two.

Usage: python benchmarks/events.py [--smoke]   (last line: JSON figures)
"""

from __future__ import annotations

import argparse
import json
from collections import Counter

from common import EVAL, Timer, finish, peak_rss_mb

from redline.events import Coder

# The gold's legacy spellings, mapped for scoring (the gold itself is never edited).
LEGACY_CODES = {"JAP": "JPN", "ROM": "ROU", "ZAR": "COD", "TMP": "TLS", "BUR": "MMR", "ITL": "ITA", "VTN": "VNM",
                "ANG": "AGO", "YUG": "SRB", "USR": "RUS", "KSV": "XKX"}
SMOKE_SENTENCES = 60
SMOKE_ARTICLES = 20


def _codes(parties: list[dict]) -> frozenset[str]:
    return frozenset(LEGACY_CODES.get(p["code"], p["code"]) for p in parties if p.get("code"))


# The gold's older context names, as PLOVER 2021 names them (mapped for scoring, never edited).
LEGACY_CONTEXTS = {"refugee": "migration", "refugees": "migration", "resource": "natural resource",
                   "rights": "human rights", "political": "political institutions", "government": "executive",
                   "discrimination": "religion ethnicity", "historical": None}


def _contexts(value) -> set[str]:
    if not value:
        return set()
    items = value if isinstance(value, list) else str(value).split(",")
    names = {c.strip().replace("_", " ") for c in items if c.strip()}
    return {LEGACY_CONTEXTS.get(n, n) for n in names} - {None}


def macro_f1(pairs: list[tuple[str, str | None]]) -> float:
    labels = {gold for gold, _ in pairs}
    scores = []
    for label in labels:
        tp = sum(1 for g, p in pairs if g == label and p == label)
        fp = sum(1 for g, p in pairs if g != label and p == label)
        fn = sum(1 for g, p in pairs if g == label and p != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        scores.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return sum(scores) / len(scores)


def score(rows: list[dict], predictions: list[dict | None]) -> dict:
    pairs, mode_ok, context_ok, actor_ok, recipient_ok = [], 0, 0, 0, 0
    sector_total = sector_ok = tuple_hits = predicted = 0
    context_tp = context_fp = context_fn = 0
    for row, pred in zip(rows, predictions):
        gold = row["expected"][0]
        pairs.append((gold["event"], pred["event"] if pred else None))
        if pred is None:
            continue
        predicted += 1
        mode_ok += (gold["mode"] or None) == (pred["mode"] or None)
        gold_contexts, pred_contexts = _contexts(gold["context"]), _contexts(pred["context"])
        context_ok += bool(gold_contexts & pred_contexts) or (not gold_contexts and not pred_contexts)
        context_tp += len(gold_contexts & pred_contexts)
        context_fp += len(pred_contexts - gold_contexts)
        context_fn += len(gold_contexts - pred_contexts)
        gold_actor, gold_recipient = _codes(gold["actor"]), _codes(gold["recipient"])
        pred_actor, pred_recipient = _codes(pred["actor"]), _codes(pred["recipient"])
        if gold.get("reciprocal"):
            same_actor = same_recipient = (gold_actor | gold_recipient) == (pred_actor | pred_recipient)
        else:
            same_actor, same_recipient = gold_actor == pred_actor, gold_recipient == pred_recipient
        actor_ok += same_actor
        recipient_ok += same_recipient
        for party in gold["actor"] + gold["recipient"]:
            if not party.get("sector") or not party.get("code"):
                continue
            sector_total += 1
            code = LEGACY_CODES.get(party["code"], party["code"])
            sectors = {p.get("sector") for p in pred["actor"] + pred["recipient"] if p.get("code") == code}
            sector_ok += party["sector"][:3] in sectors
        tuple_hits += gold["event"] == pred["event"] and same_actor and same_recipient
    n = len(rows)
    precision = tuple_hits / predicted if predicted else 0.0
    recall = tuple_hits / n
    return {
        "sentences": n,
        "coded": predicted,
        "event_accuracy": round(sum(g == p for g, p in pairs) / n, 3),
        "event_macro_f1": round(macro_f1(pairs), 3),
        "mode_accuracy": round(mode_ok / n, 3),
        "context_accuracy": round(context_ok / n, 3),  # any gold context among those coded
        "context_micro_f1": round(2 * context_tp / (2 * context_tp + context_fp + context_fn), 3)
        if context_tp else 0.0,
        "actor_iso3_accuracy": round(actor_ok / n, 3),
        "recipient_iso3_accuracy": round(recipient_ok / n, 3),
        "sector_accuracy": round(sector_ok / sector_total, 3) if sector_total else None,
        "tuple_precision": round(precision, 3),
        "tuple_recall": round(recall, 3),
        "tuple_f1": round(2 * precision * recall / (precision + recall), 3) if precision + recall else 0.0,
    }


def speed(coder: Coder, texts: list[str], n_process: int) -> dict:
    with Timer() as timer:
        coded = list(coder.code_many(((t, None, None) for t in texts), n_process=n_process))
    sentences = sum(c.sentences for c in coded)
    return {
        "articles_per_s": round(len(texts) / timer.seconds, 1),
        "sentences_per_s": round(sentences / timer.seconds, 1),
        "events_per_article": round(sum(len(c.events) for c in coded) / len(texts), 1),
    }


# ECB+ topics whose subject is no political act (a celebrity's rehab, basketball, boxing and football, a church
# fire, a climbing accident, a browser patch, an earthquake, a television role, a chip-maker's purchase): nearly
# every event coded in them is a false one. A proxy for precision, which the GSR (event sentences only) cannot give.
OFF_BEAT_TOPICS = {1, 5, 7, 13, 23, 25, 27, 29, 31, 37, 39, 43}


def off_beat(coder: Coder, texts: list[str]) -> dict:
    coded = list(coder.code_many(((t, None, None) for t in texts), n_process=1))
    sentences = sum(c.sentences for c in coded)
    return {"off_beat_articles": len(texts),
            "off_beat_events_per_100_sentences": round(100 * sum(len(c.events) for c in coded) / sentences, 1)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true", help="a small slice, for CI")
    args = parser.parse_args()
    rows = [json.loads(line) for line in (EVAL / "events" / "plover_gsr_dev.jsonl").open(encoding="utf-8")]
    if args.smoke:
        rows = rows[::max(1, len(rows) // SMOKE_SENTENCES)][:SMOKE_SENTENCES]
    coder = Coder()
    predictions = []
    with Timer() as timer:
        for row in rows:
            events = coder.code(row["text"].strip("{}")).events
            predictions.append(events[0].to_json() if events else None)
    figures = score(rows, predictions)
    figures["gsr_sentences_per_s"] = round(len(rows) / timer.seconds, 1)
    confusion = Counter((r["expected"][0]["event"], p["event"] if p else None)
                        for r, p in zip(rows, predictions) if not p or p["event"] != r["expected"][0]["event"])
    print("most frequent confusions (gold, coded):", confusion.most_common(12))
    ecb = [json.loads(line) for line in (EVAL / "stories" / "ecbplus_dev.jsonl").open(encoding="utf-8")]
    off = [r["text"] for r in ecb if r["topic"] in OFF_BEAT_TOPICS]
    figures.update(off_beat(coder, off[::4] if args.smoke else off))
    articles = [r["text"] for r in ecb]
    articles = articles[:SMOKE_ARTICLES] if args.smoke else articles[:200]
    one = speed(coder, articles, 1)
    figures.update({f"one_process_{k}": v for k, v in one.items()})
    if not args.smoke:
        two = speed(coder, articles, 2)
        figures.update({f"two_processes_{k}": v for k, v in two.items()})
    figures["peak_rss_mb"] = peak_rss_mb()
    finish("events", figures, args.smoke)


if __name__ == "__main__":
    main()
