"""Training the event coder's trained layer (learned.py) from gold sentences, and cross-validating it.

Gold: sentences with their PLOVER type and the actor's and recipient's words (the PLOVER Gold Standard Records'
dev half and Hu et al.'s PLV train split, in ../shared/eval/events). Sentences with no political act: the
ECB+ articles whose topic holds none (sport, celebrities, accidents, a browser patch). The rules read every
sentence first (`Coder.proposals`); the models learn from what the rules propose.

Deterministic: the same gold gives the same weights (fixed fold seeds, lbfgs). scikit-learn is needed here only
(a development dependency); the coder applies the weights with numpy.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from redline.events.learned import (EventModel, LinearModel, Proposal, RuleRoles, gate_features, pick_trigger,
                                    role_candidates, role_features, trigger_token)

SEED = 0
FOLDS = 5
# ECB+ topics whose subject is no political act (a celebrity's rehab, basketball, boxing and football, a church
# fire, a climbing accident, a browser patch, an earthquake, a television role, a chip-maker's purchase).
OFF_BEAT_TOPICS = frozenset({1, 5, 7, 13, 23, 25, 27, 29, 31, 37, 39, 43})
# Inverse-frequency class weights for the gate and the types (macro-F1 counts a rare type as much as a common one).
BALANCED = "balanced"
GATE_READS_VECTORS = True
REGULARISATION = 1.0  # scikit-learn's C; 0.5 and 2 measured within the fold spread of 1
# Fine-tuning the encoder (encoder.py): AdamW, a warm-up of a tenth of the steps then a linear decay; the heads
# start from nothing and learn at HEAD_RATE_FACTOR times the tuned layers' rate.
ENCODER_EPOCHS = 6
ENCODER_RATE = 1e-4
HEAD_RATE_FACTOR = 20
ENCODER_BATCH = 16
# Sentences without a political act drawn afresh for each pass of the encoder's training, per gold sentence.
NEGATIVES_PER_GOLD = 1.0
# The gate (EventModel.gate_reading): the encoder reads a sentence the linear gate gives at least READING_THRESHOLD
# and less than SURE_THRESHOLD, and its reading weighs GATE_BLEND in the probability held against GATE_THRESHOLD.
# Measured by the same cross-validation (docs/events.md): fewer gold sentences left without an event than the
# linear gate alone at 0.7. The encoder learned its "no" from a dozen ECB+ topics, and says it of acts those
# topics share words with ("held a phone call with Zelensky"): it is not let overturn a sure linear gate.
GATE_BLEND = 0.5
READING_THRESHOLD = 0.5
GATE_THRESHOLD = 0.6
SURE_THRESHOLD = 0.9


@dataclass
class GoldSentence:
    """A gold text as the rules read it, with its gold event."""

    id: str
    source: str  # "gsr" or "plv"
    text: str
    kind: str
    actor: list[str]  # the words of the gold actor(s) and recipient(s), as spans of the text
    recipient: list[str]
    proposals: list[Proposal]  # one per sentence spaCy found in the text
    doc: object  # the parsed text (kept: cross-validation codes it again with each fold's model)

    @property
    def main(self) -> Proposal:
        """The sentence that carries the gold event: the longest, when the parser split the text."""
        return max(self.proposals, key=lambda p: len(p.view.sent))


def read_gold(paths: Iterable[Path], coder, limit: int = 0) -> list[GoldSentence]:
    """Every gold text of the files, parsed and read by the rules (the first `limit` of each file, when given)."""
    rows = [(path, json.loads(line)) for path in paths
            for number, line in enumerate(path.open(encoding="utf-8")) if line.strip() and not (limit and number >= limit)]
    texts = [row["text"].strip("{}") for _, row in rows]
    gold = []
    for (path, row), text, doc in zip(rows, texts, coder.nlp.pipe(texts, batch_size=64)):
        expected = row["expected"][0]
        gold.append(GoldSentence(
            id=row["id"], source="gsr" if "gsr" in path.name else "plv", text=text, kind=expected["event"],
            actor=[p["text"] for p in expected["actor"] if p.get("text")],
            recipient=[p["text"] for p in expected["recipient"] if p.get("text")],
            proposals=coder.proposals(doc), doc=doc))
    return gold


def read_negatives(path: Path, coder, topics: frozenset[int] = OFF_BEAT_TOPICS,
                   limit: int = 0) -> list[tuple[int, list[Proposal]]]:
    """(topic, the sentences' proposals) for each ECB+ article of a topic with no political act (every `limit`-th
    article's only, when given)."""
    rows = [json.loads(line) for line in path.open(encoding="utf-8")]
    rows = [r for r in rows if r["topic"] in topics][::limit or 1]
    return [(row["topic"], coder.proposals(doc)) for row, doc in zip(rows, coder.nlp.pipe(
        (r["text"] for r in rows), batch_size=16))]


# ---- fitting -----------------------------------------------------------------------------------------------


def fit(gold: list[GoldSentence], negatives: list[Proposal], about: str = "", encoder: bool = True,
        epochs: int = ENCODER_EPOCHS) -> EventModel:
    """The three models (and the fine-tuned encoder, unless `encoder` is false) from gold sentences and
    sentences without a political act."""
    affinity = trigger_affinity(gold)
    mains = [g.main for g in gold]
    gate = _fit_linear([gate_features(p.view.features) for p in mains + negatives],
                       [p.view.dense for p in mains + negatives] if GATE_READS_VECTORS else None,
                       ["event"] * len(mains) + ["none"] * len(negatives), BALANCED)
    types = _fit_linear([p.view.features for p in mains], [p.view.dense for p in mains], [g.kind for g in gold],
                        BALANCED)
    role_rows, role_labels = [], []
    for g in gold:
        for features, label in role_examples(g, affinity):
            role_rows.append(features)
            role_labels.append(label)
    roles = _fit_linear(role_rows, None, role_labels, None)
    tuned = fit_encoder(gold, types.classes, epochs, negatives=[p.view.sent.text for p in negatives]) \
        if encoder else None
    gate_reading = dict(gate_blend=GATE_BLEND, reading_threshold=READING_THRESHOLD, gate_threshold=GATE_THRESHOLD,
                        sure_threshold=SURE_THRESHOLD) if tuned is not None and tuned.reads_events else {}
    return EventModel(gate=gate, types=types, roles=roles, trigger_affinity=affinity, encoder=tuned, about=about,
                      **gate_reading)


def trigger_affinity(gold: list[GoldSentence]) -> dict[tuple[str, str], float]:
    """How often each verb lemma is seen in sentences of each type (smoothed: a lemma seen once weighs little)."""
    pairs, lemmas = Counter(), Counter()
    for g in gold:
        for token in g.main.view.sent:
            if token.pos_ == "VERB":
                pairs[(token.lemma_.lower(), g.kind)] += 1
                lemmas[token.lemma_.lower()] += 1
    return {key: round(count / (lemmas[key[0]] + 2), 4) for key, count in pairs.items()}


def main_trigger(proposal: Proposal, kind: str, affinity) -> tuple[object, object]:
    """The trigger the coder would code an event of this type at (as Coder._decide chooses it), with the rules'
    event there if they coded one of this type."""
    sent = proposal.view.sent
    event = next((e for e in proposal.events if e.event == kind), None)
    if event is not None:
        trigger = trigger_token(sent, event.evidence.trigger_start)
        if trigger is not None:
            return trigger, event
    return pick_trigger(sent, kind, proposal.proposed, affinity), None


def role_examples(g: GoldSentence, affinity) -> Iterator[tuple[list[str], str]]:
    """Each candidate phrase of the gold sentence with its gold role: the head word of the gold actor's (or
    recipient's) words is that role, other words inside them are left out, every other phrase is none."""
    trigger, event = main_trigger(g.main, g.kind, affinity)
    sent = g.main.view.sent
    rule = RuleRoles.of([p.text for p in event.actor] if event else (),
                        [p.text for p in event.recipient] if event else ())
    actor = _span_head(sent, g.text, g.actor[0]) if g.actor else None
    recipient = _span_head(sent, g.text, g.recipient[0]) if g.recipient else None
    for candidate in role_candidates(sent, trigger):
        if actor and candidate.i == actor[0]:
            label = "actor"
        elif recipient and candidate.i == recipient[0]:
            label = "recipient"
        elif (actor and candidate.i in actor[1]) or (recipient and candidate.i in recipient[1]):
            continue
        else:
            label = "none"
        yield role_features(candidate, trigger, g.kind, rule), label


def _span_head(sent, text: str, words: str) -> tuple[int, set[int]] | None:
    """(the head token's index, the tokens) of the first place the gold words stand in the text."""
    start = text.find(words)
    if start < 0:
        return None
    inside = {t.i for t in sent if start <= t.idx < start + len(words)}
    heads = [i for i in sorted(inside) if sent.doc[i].head.i not in inside or sent.doc[i].head.i == i]
    return (heads[0], inside) if heads else None


def _fit_linear(rows: list[list[str]], dense: list | None, labels: list[str], class_weight) -> LinearModel:
    from scipy import sparse
    from sklearn.linear_model import LogisticRegression

    vocabulary: dict[str, int] = {}
    indices, indptr = [], [0]
    for features in rows:
        for feature in sorted(set(features)):
            indices.append(vocabulary.setdefault(feature, len(vocabulary)))
        indptr.append(len(indices))
    matrix = sparse.csr_matrix((np.ones(len(indices)), indices, indptr), shape=(len(rows), len(vocabulary)))
    dense_size = 0
    if dense is not None and all(d is not None for d in dense):
        dense_size = len(dense[0])
        matrix = sparse.hstack([matrix, sparse.csr_matrix(np.array(dense))]).tocsr()
    model = LogisticRegression(C=REGULARISATION, max_iter=5000, class_weight=class_weight)
    model.fit(matrix, labels)
    return LinearModel(classes=[str(c) for c in model.classes_], vocabulary=vocabulary,
                       weights=model.coef_.T.astype(np.float32), bias=model.intercept_.astype(np.float32),
                       dense_size=dense_size)


def encoder_examples(gold: list[GoldSentence]) -> list[tuple[str, str, list[tuple[int, int, int]]]]:
    """(the main sentence's text, its type, [(start, end, role)]) with the gold parties' character spans in the
    sentence, role 1 the actor and 2 the recipient (a party the sentence does not hold is left out)."""
    examples = []
    for g in gold:
        text = g.main.view.sent.text
        spans = [(start, start + len(words), role) for role, phrases in ((1, g.actor), (2, g.recipient))
                 for words in phrases if words and (start := text.find(words)) >= 0]
        examples.append((text, g.kind, spans))
    return examples


def fit_encoder(gold: list[GoldSentence], classes: list[str], epochs: int = ENCODER_EPOCHS, seed: int = SEED,
                negatives: list[str] = ()):
    """MiniLM's top layers and the three heads fine-tuned on the gold sentences and sentences without a political
    act: whether a sentence tells one (every gold sentence does, no negative does), the type of a gold sentence
    (class weights inverse to frequency, as macro-F1 counts) and the role of each word piece. Each pass reads all
    the gold and a fresh draw of NEGATIVES_PER_GOLD negatives per gold sentence."""
    import torch

    from redline.events.encoder import MAX_PIECES, EncoderNetwork, SentenceEncoder, tokenizer

    torch.manual_seed(seed)
    examples = encoder_examples(gold)
    texts = [text for text, _, _ in examples] + list(negatives)
    pieces = tokenizer()(texts, truncation=True, max_length=MAX_PIECES, return_offsets_mapping=True)
    # a negative has no type (-100: not scored) and no party in any word
    kinds = np.array([classes.index(kind) for _, kind, _ in examples] + [-100] * len(negatives))
    is_event = np.array([1.0] * len(examples) + [0.0] * len(negatives), dtype=np.float32)
    spans = [s for _, _, s in examples] + [[] for _ in negatives]
    role_labels = [_piece_roles(offsets, s) for offsets, s in zip(pieces["offset_mapping"], spans)]
    drawn = min(len(negatives), int(NEGATIVES_PER_GOLD * len(examples)))
    network = EncoderNetwork(len(classes))
    tuned = network.tuned_parameters()
    for name, parameter in network.named_parameters():
        parameter.requires_grad = name in tuned
    heads = [p for name, p in tuned.items() if not name.startswith("encoder.")]
    layers = [p for name, p in tuned.items() if name.startswith("encoder.")]
    optimiser = torch.optim.AdamW([{"params": layers, "lr": ENCODER_RATE},
                                   {"params": heads, "lr": ENCODER_RATE * HEAD_RATE_FACTOR}], weight_decay=0.01)
    steps = epochs * -(-(len(examples) + drawn) // ENCODER_BATCH)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda step: min(1.0, step / max(1.0, 0.1 * steps)) * max(0.0, (steps - step) / steps))
    counts = np.bincount(kinds[:len(examples)], minlength=len(classes))
    type_weights = torch.tensor(len(examples) / (len(classes) * np.maximum(counts, 1)), dtype=torch.float32)
    event_weight = torch.tensor(drawn / max(len(examples), 1)) if drawn else None  # the two sides weigh the same
    order_source = np.random.RandomState(seed)
    network.train()
    for _ in range(epochs):
        draw = len(examples) + order_source.choice(len(negatives), drawn, replace=False) if drawn else []
        order = order_source.permutation(np.concatenate([np.arange(len(examples)), draw]).astype(int))
        for begin in range(0, len(order), ENCODER_BATCH):
            batch = order[begin:begin + ENCODER_BATCH]
            ids, mask, roles = _padded([pieces["input_ids"][i] for i in batch], [role_labels[i] for i in batch])
            type_scores, role_scores, event_scores = network(ids, mask)
            loss = torch.nn.functional.cross_entropy(role_scores.reshape(-1, role_scores.shape[-1]),
                                                     roles.reshape(-1), ignore_index=-100)
            typed = torch.from_numpy(kinds[batch])
            if (typed >= 0).any():
                loss = loss + torch.nn.functional.cross_entropy(type_scores, typed, weight=type_weights,
                                                                ignore_index=-100)
            if drawn:
                loss = loss + torch.nn.functional.binary_cross_entropy_with_logits(
                    event_scores, torch.from_numpy(is_event[batch]), pos_weight=event_weight)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
    return SentenceEncoder(list(classes), network, reads_events=bool(drawn))


def _piece_roles(offsets: list[tuple[int, int]], spans: list[tuple[int, int, int]]) -> list[int]:
    """Each word piece's role: that of the gold span it lies in, 0 outside them, -100 (not scored) for the
    special pieces."""
    labels = []
    for start, end in offsets:
        if end <= start:
            labels.append(-100)
            continue
        labels.append(next((role for low, high, role in spans if low <= start and end <= high), 0))
    return labels


def _padded(ids: list[list[int]], roles: list[list[int]]):
    import torch

    width = max(len(row) for row in ids)
    id_tensor = torch.zeros((len(ids), width), dtype=torch.long)
    mask = torch.zeros((len(ids), width), dtype=torch.long)
    role_tensor = torch.full((len(ids), width), -100, dtype=torch.long)
    for k, (row, labels) in enumerate(zip(ids, roles)):
        id_tensor[k, :len(row)] = torch.tensor(row)
        mask[k, :len(row)] = 1
        role_tensor[k, :len(labels)] = torch.tensor(labels)
    return id_tensor, mask, role_tensor


# ---- cross-validation -------------------------------------------------------------------------------------


@dataclass
class Fold:
    index: int
    model: EventModel
    test_gold: list[int]  # indices into the gold list
    test_negatives: list[int]  # indices into the negative articles


def folds(gold: list[GoldSentence], negatives: list[tuple[int, list[Proposal]]], k: int = FOLDS,
          encoder: bool = True) -> Iterator[Fold]:
    """k models, each fitted without one k-th of the gold (stratified by type, seeded) and without one k-th of
    the negative topics (whole topics: a model never sees the sport it is tested on)."""
    from sklearn.model_selection import StratifiedKFold

    topics = sorted({topic for topic, _ in negatives})
    topic_fold = {topic: i % k for i, topic in enumerate(topics)}
    splitter = StratifiedKFold(n_splits=k, shuffle=True, random_state=SEED)
    kinds = [g.kind for g in gold]
    for index, (train, test) in enumerate(splitter.split(np.zeros(len(gold)), kinds)):
        train_negatives = [p for topic, article in negatives if topic_fold[topic] != index for p in article]
        model = fit([gold[i] for i in train], train_negatives, about=f"fold {index + 1} of {k}", encoder=encoder)
        yield Fold(index=index, model=model, test_gold=list(test),
                   test_negatives=[i for i, (topic, _) in enumerate(negatives) if topic_fold[topic] == index])
