"""Benchmark of the event coder: cross-validated quality on all dev gold, precision off the political beat, speed.

Gold: the PLOVER Gold Standard Records' dev half (179 sentences, actor and recipient as ISO3 codes) and the PLV
train split of Hu et al. 2024 (1,044 sentences, actor and recipient as words of the sentence). The coder's trained
layer is fitted k times (5 folds, stratified by type, seeded), each time without the fold it is then scored on:
no figure below is measured on a sentence the model was fitted to. The negative sentences the gate learns from
(ECB+ topics with no political act) are split by whole topics the same way.

Each gold text is coded on its own; its main event (the first the coder lists) is compared with the gold event:
- event macro-F1 over the gold types (a text with no event counts as a miss), per fold and pooled;
- GSR: actor and recipient ISO3 accuracy (code sets equal; reciprocal events score actors and recipients as one
  set), mode and context, tuple F1, and event precision (events of the gold type / all events coded);
- PLV: actor and recipient *text* accuracy (the gold words and the coded words, lower-cased, without punctuation
  and a leading article, one containing the other), the exact-words rate beside it;
- texts with no event coded.
The rules alone on the GSR dev half (the figure the rules were written against) are printed for comparison, and
the same folds' linear models without the fine-tuned encoder (`cv_linear_layer_*`).

Off the beat: events coded per 100 sentences of the ECB+ topics with no political act (sport, celebrities, a
browser patch, accidents), each topic scored by the fold that did not see it; and with the shipped model, per 100
sentences of the ScrapingHub pages' article bodies (everyday news and blogs), with 50 of those events drawn at
random into benchmarks/out/events_scrapinghub_sample.jsonl for reading by hand.

Modality (benchmarks/modality_set.py): 339 sentences of news labelled with the modality of one act each; the
modality read on the act's word and the modality coded there, macro-F1 per half (b is the half never read).
Quantities (benchmarks/quantity_set.py): 109 printed counts; value, bound and kind all right, per half.

Speed: ECB+ dev articles coded whole (articles/s, one process and two), and the ratio to spaCy's full English
pipeline run over the same texts in one process.

Memory: the shipped coder alone in a process of its own, resident memory after every 20 articles over 1,200 ECB+
texts framed by made-up names (`coder_rss_*`): whether a coder that runs for months keeps what it read.

Usage: python benchmarks/events.py [--smoke] | --memory N   (last line: JSON figures)
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import tempfile
from collections import Counter
from pathlib import Path

from common import EVAL, Timer, finish, growth_after_first_tenth, json_from_child, peak_rss_mb, status_mb

import modality_set
import quantity_set

from redline.events import Coder
from redline.events.training import fit, folds, read_gold, read_negatives

# The gold's legacy spellings, mapped for scoring (the gold itself is never edited).
LEGACY_CODES = {"JAP": "JPN", "ROM": "ROU", "ZAR": "COD", "TMP": "TLS", "BUR": "MMR", "ITL": "ITA", "VTN": "VNM",
                "ANG": "AGO", "YUG": "SRB", "USR": "RUS", "KSV": "XKX"}
# The gold's older context names, as PLOVER 2021 names them (mapped for scoring, never edited).
LEGACY_CONTEXTS = {"refugee": "migration", "refugees": "migration", "resource": "natural resource",
                   "rights": "human rights", "political": "political institutions", "government": "executive",
                   "discrimination": "religion ethnicity", "historical": None}
SMOKE_GOLD = 300
SMOKE_FOLDS = 3
SMOKE_ARTICLES = 20
SAMPLE_SIZE = 50
OUT = Path(__file__).with_name("out")


def _codes(parties: list[dict]) -> frozenset[str]:
    return frozenset(LEGACY_CODES.get(p["code"], p["code"]) for p in parties if p.get("code"))


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
    return sum(scores) / len(scores) if scores else 0.0


def score_gsr(rows: list[dict], predictions: list[dict | None], coded: list[list[dict]]) -> dict:
    """ISO3 scoring of the GSR: `predictions` the main events, `coded` every event of each sentence."""
    mode_ok = context_ok = actor_ok = recipient_ok = tuple_hits = predicted = 0
    for row, pred in zip(rows, predictions):
        gold = row["expected"][0]
        if pred is None:
            continue
        predicted += 1
        mode_ok += (gold["mode"] or None) == (pred["mode"] or None)
        gold_contexts, pred_contexts = _contexts(gold["context"]), _contexts(pred["context"])
        context_ok += bool(gold_contexts & pred_contexts) or (not gold_contexts and not pred_contexts)
        gold_actor, gold_recipient = _codes(gold["actor"]), _codes(gold["recipient"])
        pred_actor, pred_recipient = _codes(pred["actor"]), _codes(pred["recipient"])
        if gold.get("reciprocal"):
            same_actor = same_recipient = (gold_actor | gold_recipient) == (pred_actor | pred_recipient)
        else:
            same_actor, same_recipient = gold_actor == pred_actor, gold_recipient == pred_recipient
        actor_ok += same_actor
        recipient_ok += same_recipient
        tuple_hits += gold["event"] == pred["event"] and same_actor and same_recipient
    n = len(rows) or 1
    precision = tuple_hits / predicted if predicted else 0.0
    recall = tuple_hits / n
    events = [e for events in coded for e in events]
    of_gold_type = sum(e["event"] == row["expected"][0]["event"] for row, events in zip(rows, coded) for e in events)
    return {
        "gsr_mode_accuracy": round(mode_ok / n, 3),
        "gsr_context_accuracy": round(context_ok / n, 3),
        "gsr_actor_iso3_accuracy": round(actor_ok / n, 3),
        "gsr_recipient_iso3_accuracy": round(recipient_ok / n, 3),
        "gsr_tuple_f1": round(2 * precision * recall / (precision + recall), 3) if precision + recall else 0.0,
        "gsr_event_precision": round(of_gold_type / len(events), 3) if events else 0.0,
    }


def normalised(text: str) -> str:
    words = re.sub(r"[^\w\s]", " ", text.lower()).split()
    while words and words[0] in {"the", "a", "an"}:
        words = words[1:]
    return " ".join(words)


def same_words(gold: str, coded: str, exact: bool = False) -> bool:
    a, b = normalised(gold), normalised(coded)
    if not a or not b:
        return False
    return a == b if exact else f" {a} " in f" {b} " or f" {b} " in f" {a} "


def score_text(rows: list[dict], predictions: list[dict | None]) -> dict:
    """Text scoring of PLV: does a coded party's words match the gold words?"""
    hits = Counter()
    for row, pred in zip(rows, predictions):
        if pred is None:
            continue
        gold = row["expected"][0]
        for role in ("actor", "recipient"):
            words = gold[role][0]["text"] if gold[role] else ""
            coded = [p["text"] for p in pred[role]]
            hits[role] += any(same_words(words, c) for c in coded)
            hits[role + "_exact"] += any(same_words(words, c, exact=True) for c in coded)
    n = len(rows) or 1
    return {"plv_actor_text_accuracy": round(hits["actor"] / n, 3),
            "plv_recipient_text_accuracy": round(hits["recipient"] / n, 3),
            "plv_actor_exact_words": round(hits["actor_exact"] / n, 3),
            "plv_recipient_exact_words": round(hits["recipient_exact"] / n, 3)}


def code_gold(coder: Coder, gold) -> list[list[dict]]:
    return [[e.to_json() for e in coder.code_doc(g.doc).events] for g in gold]


def cross_validated(gold, rows, negatives, k: int) -> dict:
    coder = Coder(model=None)
    coded: list[list[dict] | None] = [None] * len(gold)
    linear_only: list[list[dict] | None] = [None] * len(gold)  # the same folds with the encoder left out
    fold_scores, off_events, off_sentences = [], 0, 0
    for fold in folds(gold, negatives, k):
        coder.model = fold.model
        held_out = [gold[i] for i in fold.test_gold]
        results = code_gold(coder, held_out)
        for i, events in zip(fold.test_gold, results):
            coded[i] = events
        fold.model.encoder, encoder = None, fold.model.encoder
        for i, events in zip(fold.test_gold, code_gold(coder, held_out)):
            linear_only[i] = events
        fold.model.encoder = encoder
        fold_scores.append(macro_f1([(g.kind, e[0]["event"] if e else None) for g, e in zip(held_out, results)]))
        for i in fold.test_negatives:
            for result in [coder.code_doc(negatives[i][1][0].view.sent.doc)]:
                off_events += len(result.events)
                off_sentences += result.sentences
    mains = [events[0] if events else None for events in coded]
    pairs = [(g.kind, m["event"] if m else None) for g, m in zip(gold, mains)]
    gsr = [i for i, g in enumerate(gold) if g.source == "gsr"]
    plv = [i for i, g in enumerate(gold) if g.source == "plv"]
    figures = {
        "cv_folds": k,
        "cv_event_macro_f1": round(macro_f1(pairs), 3),
        "cv_event_macro_f1_fold_sd": round(statistics.pstdev(fold_scores), 3),
        "cv_event_macro_f1_fold_range": [round(min(fold_scores), 3), round(max(fold_scores), 3)],
        "cv_event_accuracy": round(sum(g == p for g, p in pairs) / len(pairs), 3),
        "cv_no_event_share": round(sum(m is None for m in mains) / len(mains), 3),
        "cv_gsr_event_macro_f1": round(macro_f1([pairs[i] for i in gsr]), 3),
        "cv_plv_event_macro_f1": round(macro_f1([pairs[i] for i in plv]), 3),
        "cv_plv_no_event_share": round(sum(mains[i] is None for i in plv) / max(len(plv), 1), 3),
        "cv_gsr_no_event_share": round(sum(mains[i] is None for i in gsr) / max(len(gsr), 1), 3),
        "off_beat_events_per_100_sentences": round(100 * off_events / max(off_sentences, 1), 2),
        "off_beat_sentences": off_sentences,
    }
    gsr_figures = score_gsr([rows[i] for i in gsr], [mains[i] for i in gsr], [coded[i] for i in gsr])
    figures.update({f"cv_{key}": value for key, value in gsr_figures.items()})
    figures.update({f"cv_{key}": value for key, value in score_text([rows[i] for i in plv],
                                                                     [mains[i] for i in plv]).items()})
    linear_mains = [events[0] if events else None for events in linear_only]
    figures["cv_linear_layer_event_macro_f1"] = round(macro_f1(
        [(g.kind, m["event"] if m else None) for g, m in zip(gold, linear_mains)]), 3)
    figures["cv_linear_layer_plv_recipient_text_accuracy"] = score_text(
        [rows[i] for i in plv], [linear_mains[i] for i in plv])["plv_recipient_text_accuracy"]
    confusion = Counter(p for p in pairs if p[0] != p[1])
    print("most frequent confusions (gold, coded):", confusion.most_common(12))
    return figures


def rules_on_gsr_dev(gold, rows) -> dict:
    """The rules alone on the GSR dev half: the figure they were written against, for comparison."""
    coder = Coder(model=None)
    gsr = [i for i, g in enumerate(gold) if g.source == "gsr"]
    coded = code_gold(coder, [gold[i] for i in gsr])
    mains = [events[0] if events else None for events in coded]
    figures = score_gsr([rows[i] for i in gsr], mains, coded)
    figures["gsr_event_macro_f1"] = round(macro_f1([(gold[i].kind, m["event"] if m else None)
                                                   for i, m in zip(gsr, mains)]), 3)
    plv = [i for i, g in enumerate(gold) if g.source == "plv"]
    plv_coded = code_gold(coder, [gold[i] for i in plv])
    plv_mains = [events[0] if events else None for events in plv_coded]
    figures["plv_event_macro_f1"] = round(macro_f1([(gold[i].kind, m["event"] if m else None)
                                                   for i, m in zip(plv, plv_mains)]), 3)
    figures.update(score_text([rows[i] for i in plv], plv_mains))
    return {f"rules_only_{key}": value for key, value in figures.items()}


def scrapinghub(coder: Coder, smoke: bool) -> dict:
    truth = json.loads((EVAL / "extraction" / "scrapinghub" / "ground-truth.json").read_text(encoding="utf-8"))
    texts = [item["articleBody"] for _, item in sorted(truth.items())]
    texts = texts[:SMOKE_ARTICLES] if smoke else texts
    events, sentences = [], 0
    for coded in coder.code_many(((t, None, None) for t in texts)):
        sentences += coded.sentences
        events += [e.to_json() for e in coded.events]
    if not smoke:
        OUT.mkdir(exist_ok=True)
        sample = random.Random(0).sample(events, min(SAMPLE_SIZE, len(events)))
        with (OUT / "events_scrapinghub_sample.jsonl").open("w", encoding="utf-8") as handle:
            for e in sample:
                handle.write(json.dumps({"event": e["event"], "actor": [p["text"] for p in e["actor"]],
                                         "recipient": [p["text"] for p in e["recipient"]], "modality": e["modality"],
                                         "trigger": e["evidence"]["trigger"],
                                         "sentence": e["evidence"]["sentence"]}, ensure_ascii=False) + "\n")
    return {"scrapinghub_events_per_100_sentences": round(100 * len(events) / max(sentences, 1), 2),
            "scrapinghub_sentences": sentences}


def speed(coder: Coder, texts: list[str], n_process: int) -> dict:
    with Timer() as timer:
        coded = list(coder.code_many(((t, None, None) for t in texts), n_process=n_process))
    return {"articles_per_s": round(len(texts) / timer.seconds, 1),
            "sentences_per_s": round(sum(c.sentences for c in coded) / timer.seconds, 1),
            "events_per_article": round(sum(len(c.events) for c in coded) / len(texts), 1)}


def spacy_full_pipeline_rate(texts: list[str]) -> float:
    """Articles/s of spaCy's own small English pipeline, every component, over the same texts (one process)."""
    import spacy

    from redline.events.coder import SPACY_MODEL

    nlp = spacy.load(SPACY_MODEL)
    with Timer() as timer:
        for _ in nlp.pipe(texts, batch_size=32):
            pass
    return len(texts) / timer.seconds


def made_up_name(rng: random.Random) -> str:
    """A word no dictionary holds ("Zovekatu"), as a real feed brings new names, typos and places every day."""
    return "".join(rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou") for _ in range(rng.randint(2, 4))).title()


def coder_memory(articles: int, chunk: int = 20) -> dict:
    """The shipped coder alone: its resident memory after every chunk of ECB+ texts, each text framed by sentences
    of made-up names (cycled texts alone would bring no new word after the first pass). Growth is read from the
    end of the first tenth (models loaded, verb patterns compiled) to the end."""
    from redline.workers import return_freed_memory

    texts = [json.loads(line)["text"] for line in (EVAL / "stories" / "ecbplus_dev.jsonl").open(encoding="utf-8")]
    rng = random.Random(20241018)

    def article(i: int) -> str:
        names = [made_up_name(rng) for _ in range(7)]
        return (f"{names[0]} {names[1]}, a spokesman for the {names[2]} ministry, said on Tuesday that {names[3]} "
                f"forces had attacked {names[4]}.\n\n{texts[i % len(texts)]}\n\n{names[5]} reported from {names[6]}.")

    coder = Coder()
    after = []
    for start in range(0, articles, chunk):
        list(coder.code_many((article(i), None, None) for i in range(start, min(start + chunk, articles))))
        return_freed_memory()  # as a backfill worker does after each shard
        after.append(status_mb(Path("/proc/self/status"), "VmRSS"))
    return {"articles": articles, **growth_after_first_tenth(after),
            "vocabulary_strings": len(coder.nlp.vocab.strings)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true", help="a small slice, for CI")
    parser.add_argument("--memory", type=int, help="only the coder's memory over this many articles (JSON)")
    args = parser.parse_args()
    if args.memory:
        print(json.dumps(coder_memory(args.memory)))
        return
    events_dir = EVAL / "events"
    paths = [events_dir / "plover_gsr_dev.jsonl", events_dir / "plover_plv_train.jsonl"]
    rows = [json.loads(line) for path in paths for line in path.open(encoding="utf-8")]
    reader = Coder(model=None)
    gold = read_gold(paths, reader)
    negatives = read_negatives(EVAL / "stories" / "ecbplus_dev.jsonl", reader)
    k = 5
    if args.smoke:
        keep = list(range(0, len(gold), max(1, len(gold) // SMOKE_GOLD)))[:SMOKE_GOLD]
        gold, rows = [gold[i] for i in keep], [rows[i] for i in keep]
        negatives, k = negatives[::4], SMOKE_FOLDS
    figures = rules_on_gsr_dev(gold, rows)
    figures.update(cross_validated(gold, rows, negatives, k))
    with Timer() as timer:
        model = fit(gold, [p for _, article in negatives for p in article])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.npz"
        model.save(path)
        figures["model_kb"] = round(path.stat().st_size / 1024, 1)
    figures["training_s"] = round(timer.seconds, 1)
    shipped = Coder(nlp=reader.nlp)
    figures.update(modality_set.score(shipped)[0])  # 339 sentences, seconds: the whole set in smoke runs too
    figures.update(quantity_set.score(shipped.nlp)[0])
    figures.update(scrapinghub(shipped, args.smoke))
    ecb = [json.loads(line)["text"] for line in (EVAL / "stories" / "ecbplus_dev.jsonl").open(encoding="utf-8")]
    articles = ecb[:SMOKE_ARTICLES] if args.smoke else ecb[:200]
    one = speed(shipped, articles, 1)
    figures.update({f"one_process_{key}": value for key, value in one.items()})
    if not args.smoke:
        two = speed(shipped, articles, 2)
        figures.update({f"two_processes_{key}": value for key, value in two.items()})
        figures["ratio_to_spacy_full_pipeline"] = round(one["articles_per_s"] / spacy_full_pipeline_rate(articles), 2)
    figures["peak_rss_mb"] = peak_rss_mb()
    # in a process of its own, so that the cross-validation's memory is not in it
    memory = json_from_child([__file__, "--memory", str(60 if args.smoke else 1200)], "the coder's memory run")
    figures.update({f"coder_{key}": value for key, value in memory.items()})
    finish("events", figures, args.smoke)


if __name__ == "__main__":
    main()
