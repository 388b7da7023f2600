"""The trained layer over the parse: which sentences hold an event, of which PLOVER type, who acts on whom.

The rules (PETRARCH2's verb patterns, the dictionaries, the frames) propose; three linear models learned from
gold sentences decide, each over features of the parse that the rules compute anyway:

1. the *gate*: does this sentence report a political act at all? (gold event sentences against sentences of
   everyday news: sport, celebrities, accidents, technology);
2. the *type*: which PLOVER event type is the sentence's main event?
3. the *roles*: of the noun phrases around the chosen trigger, which is the actor and which the recipient?

The weights are written by `scripts/train_event_model.py` (deterministic, a minute on two cores) and ship in
`events/data/event_model.npz`; here they are applied with numpy alone. Features are strings (hashed by a
vocabulary kept with the weights) plus the sentence's mean tok2vec vector, which spaCy's parser computes anyway:
no second model runs at coding time.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from spacy.tokens import Span, Token

if TYPE_CHECKING:
    from redline.events.encoder import Reading, SentenceEncoder

MODEL_FILE = "event_model.npz"
# Dependencies that start a clause or a list of their own: their words are not part of the party's phrase.
PHRASE_CUT = {"relcl", "acl", "advcl", "ccomp", "xcomp", "csubj", "parataxis", "punct", "cc", "conj", "appos"}
# Verbs whose subject speaks rather than acts ("Blinken said 8,000 troops are in Kursk": Blinken is no actor).
SPEECH_LEMMAS = {"say", "tell", "add", "state", "announce", "indicate", "note", "stress", "warn", "confirm", "claim",
                 "insist", "explain", "declare", "report", "accord", "believe", "think"}
# Named-entity labels that never name a party.
NOT_PARTIES = {"DATE", "TIME", "PERCENT", "MONEY", "ORDINAL", "CARDINAL", "QUANTITY"}
STATE_SECTORS = {"GOV", "MIL", "COP", "JUD", "LEG", "SPY", "ELI"}
PRONOUNS = {"it", "they", "he", "she", "we", "i", "them", "us"}
DASHES = {"-", "--", "—", "–"}
# A wire dateline's credit in parentheses ("(AP)", "(Reuters)"), or a date ("Oct 21") between place and dash.
_DATELINE_WORD = re.compile(r"^([A-Z][A-Z.'\-]+|\(|\)|,|[A-Z][a-z]{2,}\.?|\d{1,2})$")
# The weight of the dense tok2vec block against the sparse indicator features (measured: 2 beats 1 and 4).
DENSE_WEIGHT = 2.0


@dataclass
class LinearModel:
    """Multinomial logistic regression over string features and an optional dense vector: probabilities with
    numpy, from weights trained by scikit-learn."""

    classes: list[str]
    vocabulary: dict[str, int]
    weights: np.ndarray  # (features + dense size, classes), or one column for two classes
    bias: np.ndarray
    dense_size: int = 0

    def proba(self, features: Iterable[str], dense: np.ndarray | None = None) -> np.ndarray:
        index = [self.vocabulary[f] for f in set(features) if f in self.vocabulary]
        scores = self.weights[index].sum(axis=0) + self.bias
        if self.dense_size and dense is not None:
            scores = scores + dense @ self.weights[len(self.vocabulary):]
        if len(self.classes) == 2:
            p = 1.0 / (1.0 + np.exp(-scores[0]))
            return np.array([1.0 - p, p])
        scores = scores - scores.max()
        exp = np.exp(scores)
        return exp / exp.sum()

    def arrays(self, name: str) -> dict[str, np.ndarray]:
        names = sorted(self.vocabulary, key=self.vocabulary.get)
        return {f"{name}.classes": np.array(self.classes), f"{name}.features": np.array(names, dtype=str),
                f"{name}.weights": self.weights.astype(np.float32), f"{name}.bias": self.bias.astype(np.float32),
                f"{name}.dense": np.array([self.dense_size])}

    @classmethod
    def from_arrays(cls, arrays, name: str) -> "LinearModel":
        features = [str(f) for f in arrays[f"{name}.features"]]
        return cls(classes=[str(c) for c in arrays[f"{name}.classes"]],
                   vocabulary={f: i for i, f in enumerate(features)},
                   weights=arrays[f"{name}.weights"].astype(np.float32), bias=arrays[f"{name}.bias"],
                   dense_size=int(arrays[f"{name}.dense"][0]))


@dataclass
class EventModel:
    """The three models, the trigger table and the thresholds the training chose."""

    gate: LinearModel
    types: LinearModel
    roles: LinearModel
    # (verb lemma, event type) → how often the lemma's sentences are of that type: picks a trigger for a type the
    # rules did not propose.
    trigger_affinity: dict[tuple[str, str], float] = field(default_factory=dict)
    gate_threshold: float = 0.7
    secondary_threshold: float = 0.1  # a further event of the sentence keeps its type when it is this likely
    # the fine-tuned encoder (encoder.py), and how much its reading weighs against the linear models' in the
    # type and in the roles
    encoder: "SentenceEncoder | None" = None
    type_blend: float = 0.5  # measured 0.5, 0.7, 1 (cross-validated macro-F1 0.757, 0.751, 0.729)
    role_blend: float = 0.5  # measured 0, 0.5, 1 (PLV recipient text 0.723, 0.768, 0.758)
    # The gate: a sentence the linear gate finds this likely is read by the encoder, whose own reading of the
    # event weighs `gate_blend` in the probability held against `gate_threshold` (0: the linear gate alone),
    # unless the linear gate is sure (`sure_threshold`).
    gate_blend: float = 0.0
    reading_threshold: float = 0.7
    sure_threshold: float = 1.0
    about: str = ""

    def save(self, path: Path) -> None:
        pairs = sorted(self.trigger_affinity.items())
        arrays = {**self.gate.arrays("gate"), **self.types.arrays("types"), **self.roles.arrays("roles"),
                  "affinity.keys": np.array([f"{lemma}|{kind}" for (lemma, kind), _ in pairs], dtype=str),
                  "affinity.values": np.array([v for _, v in pairs], dtype=np.float32),
                  "thresholds": np.array([self.gate_threshold, self.secondary_threshold]),
                  "blends": np.array([self.type_blend, self.role_blend, self.gate_blend, self.reading_threshold,
                                      self.sure_threshold]),
                  "about": np.array([self.about])}
        if self.encoder is not None:
            arrays.update(self.encoder.arrays())
        np.savez_compressed(path, **arrays)

    @classmethod
    def load(cls, path: Path | None = None) -> "EventModel":
        source = path or resources.files("redline.events").joinpath("data", MODEL_FILE)
        with source.open("rb") as handle, np.load(handle, allow_pickle=False) as arrays:
            keys = [str(k).rsplit("|", 1) for k in arrays["affinity.keys"]]
            affinity = {(k[0], k[1]): float(v) for k, v in zip(keys, arrays["affinity.values"])}
            gate_threshold, secondary = (float(x) for x in arrays["thresholds"])
            blends = [float(x) for x in arrays["blends"]] if "blends" in arrays else []
            defaults = [0.0, 0.0, 0.0, gate_threshold, 1.0]  # weights written before the encoder or its event head
            type_blend, role_blend, gate_blend, reading_threshold, sure = blends + defaults[len(blends):]
            encoder = None
            if "encoder.classes" in arrays:
                from redline.events.encoder import SentenceEncoder

                encoder = SentenceEncoder.from_arrays(arrays)
            return cls(gate=LinearModel.from_arrays(arrays, "gate"), types=LinearModel.from_arrays(arrays, "types"),
                       roles=LinearModel.from_arrays(arrays, "roles"), trigger_affinity=affinity,
                       gate_threshold=gate_threshold, secondary_threshold=secondary, encoder=encoder,
                       type_blend=type_blend, role_blend=role_blend, gate_blend=gate_blend,
                       reading_threshold=reading_threshold, sure_threshold=sure, about=str(arrays["about"][0]))

    # ---- decisions ----

    def event_probability(self, view: "SentenceView") -> float:
        probabilities = self.gate.proba(gate_features(view.features), view.dense)
        return float(probabilities[self.gate.classes.index("event")])

    def read(self, sent: Span) -> "Reading | None":
        """The encoder's reading of the sentence (None without an encoder)."""
        return self.encoder.read(sent) if self.encoder is not None else None

    def gate_reading(self, view: "SentenceView", self_contained: bool = True) -> "tuple[bool, Reading | None]":
        """Whether the sentence holds a codeable event, and the encoder's reading of it where it was read (only
        sentences the linear gate finds likely enough are: the encoder costs a parse's time). `self_contained`:
        the sentence names its parties itself. The encoder reads one sentence and cannot know who "we" are or
        whom an act left unnamed is aimed at, which the rules found in the sentences before and the linear gate
        weighs ("If we believe the threshold is crossed, we may even consider offensive weapons," the official
        said): it has no say in whether such a sentence holds an event. Nor where the linear gate is sure: the
        encoder arbitrates its doubt."""
        linear = self.event_probability(view)
        arbitrates = (self_contained and self.gate_blend > 0 and self.encoder is not None
                      and self.encoder.reads_events and linear < self.sure_threshold)
        if not arbitrates:
            holds = linear >= self.gate_threshold
            return holds, self.read(view.sent) if holds else None
        if linear < self.reading_threshold:
            return False, None
        reading = self.read(view.sent)
        w = self.gate_blend
        return (1 - w) * linear + w * reading.event >= self.gate_threshold, reading

    def type_probabilities(self, view: "SentenceView", reading: "Reading | None" = None) -> dict[str, float]:
        linear = dict(zip(self.types.classes, self.types.proba(view.features, view.dense)))
        if reading is None:
            return linear
        w = self.type_blend
        return {kind: (1 - w) * p + w * reading.types.get(kind, 0.0) for kind, p in linear.items()}

    def pick_roles(self, view: "SentenceView", trigger: Token, kind: str, rule_actor: Iterable[str] = (),
                   rule_recipient: Iterable[str] = (), reading: "Reading | None" = None
                   ) -> tuple[Token | None, Token | None]:
        """The actor's and the recipient's head words among the phrases of the sentence (None: nobody fits)."""
        candidates = role_candidates(view.sent, trigger)
        if not candidates:
            return None, None
        rule = RuleRoles.of(rule_actor, rule_recipient)
        probabilities = np.array([self.roles.proba(role_features(c, trigger, kind, rule)) for c in candidates])
        if reading is not None:
            from redline.events.encoder import ROLE_LABELS

            columns = [ROLE_LABELS.index(label) for label in self.roles.classes]
            read = reading.roles[[c.i - view.sent.start for c in candidates]][:, columns]
            # The speaker of a statement is not the doer of what he reports ("NATO confirmed that troops had been
            # sent"): the encoder, which sees no trigger, reads the first name as the actor; the linear model
            # knows who speaks.
            blend = np.array([[0.0 if speaks(c, trigger) else self.role_blend] for c in candidates])
            # only the recipient's column: the linear model's actor is as good (PLV actor text 0.907 against 0.912
            # blended) and it knows the trigger, which the encoder does not
            recipient = self.roles.classes.index("recipient")
            probabilities[:, recipient] = ((1 - blend[:, 0]) * probabilities[:, recipient]
                                           + blend[:, 0] * read[:, recipient])
        actor_column = self.roles.classes.index("actor")
        recipient_column = self.roles.classes.index("recipient")
        best_actor = int(probabilities[:, actor_column].argmax())
        recipient_scores = probabilities[:, recipient_column].copy()
        # one party does not act on itself: no word of the actor's phrase heads the recipient's, nor the other
        # way round ("Ethiopian" of "the Ethiopian government", "Donald" of "Donald Trump")
        recipient_scores[_overlapping(candidates, candidates[best_actor])] = -1.0
        best_recipient = int(recipient_scores.argmax())
        recipient = candidates[best_recipient] if recipient_scores[best_recipient] >= 0 else None
        return candidates[best_actor], recipient

    def pick_trigger(self, sent: Span, kind: str, proposed: dict[int, str],
                     allowed: Callable[[Token], bool] = lambda token: True) -> Token:
        return pick_trigger(sent, kind, proposed, self.trigger_affinity, allowed)


def _overlapping(candidates: list[Token], head: Token) -> list[int]:
    """The candidates whose phrase shares a word with the phrase of `head` (itself included)."""
    words = {t.i for t in phrase_tokens(head)}
    return [k for k, c in enumerate(candidates) if c.i in words or head.i in {t.i for t in phrase_tokens(c)}]


def pick_trigger(sent: Span, kind: str, proposed: dict[int, str], affinity: dict[tuple[str, str], float],
                 allowed: Callable[[Token], bool] = lambda token: True) -> Token:
    """The word that carries an event of this type: one the rules read as this type, else the verb whose lemma
    is most often seen in sentences of the type (of those `allowed`), else the sentence's root."""
    for i, proposed_kind in proposed.items():
        if proposed_kind == kind:
            return sent.doc[i]
    verbs = [t for t in sent if t.pos_ == "VERB" and t.dep_ not in {"aux", "auxpass", "amod"} and allowed(t)]
    if verbs:
        return max(verbs, key=lambda t: (affinity.get((t.lemma_.lower(), kind), 0.0), t.dep_ == "ROOT", -t.i))
    return sent.root


def trigger_token(sent: Span, trigger_start: int | None) -> Token | None:
    return next((t for t in sent if t.idx == trigger_start), None)


@cache
def default_model() -> EventModel | None:
    """The shipped model, loaded once per process (None when the package was built without one)."""
    if not resources.files("redline.events").joinpath("data", MODEL_FILE).is_file():
        return None
    return EventModel.load()


# ---- what the models read ----------------------------------------------------------------------------------


# What the gate reads: the rules' proposals and frames, the verbs, the names and entities. Not the nouns: gold
# sentences and everyday-news sentences differ in their nouns by where they were drawn from (curated event
# sentences against whole articles: "Tuesday", "office"), and a gate that learns that rejects real reports.
GATE_PREFIXES = ("rt=", "rc2=", "rc=", "rtl=", "fr=", "re=", "re0=", "re0m=", "re0a=", "re0r=", "nre=", "parties=", "v=",
                 "ent=")


def gate_features(features: list[str]) -> list[str]:
    return [f for f in features if f.startswith(GATE_PREFIXES)]


@dataclass
class SentenceView:
    """A sentence as the gate and the type model read it: the rules' proposals, its words and frames."""

    sent: Span
    features: list[str]
    dense: np.ndarray | None


@dataclass
class Proposal:
    """One sentence as the rules read it: the models' input (view), the rules' events, the words they coded."""

    view: SentenceView
    events: list  # the rules' events (records.Event)
    proposed: dict[int, str]  # token index → PLOVER type the verb dictionary gives it



def sentence_view(sent: Span, proposed: dict[int, tuple[str, str]], rule_events: list, frames: dict[str, str],
                  parties: int) -> SentenceView:
    """`proposed`: token index → (PLOVER type, CAMEO code) for every word the verb dictionary reads as an act;
    `rule_events`: the events the rules coded here, main event first; `parties`: how many parties (countries,
    bodies) the dictionaries know in it."""
    features = []
    for token in sent:
        lemma = token.lemma_.lower()
        if token.pos_ in {"VERB", "NOUN"} and token.dep_ not in {"aux", "auxpass"}:
            features.append(("v=" if token.pos_ == "VERB" else "n=") + lemma)
        if token.pos_ == "VERB" and token.dep_ not in {"aux", "auxpass", "amod"}:
            features += _verb_frame(token, lemma)
        if token.dep_ == "ROOT":
            features.append("root=" + lemma)
        if token.i in proposed:
            kind, cameo = proposed[token.i]
            features += ["rt=" + kind, "rc2=" + cameo[:2], "rc=" + cameo, f"rtl={kind}|{lemma}"]
        if lemma in frames:
            features.append("fr=" + frames[lemma])
        if token.ent_type_ and token.ent_iob_ == "B":
            features.append("ent=" + token.ent_type_)
    for rank, event in enumerate(rule_events):
        features.append("re=" + event.event)
        if rank == 0:
            features += ["re0=" + event.event, f"re0m={event.event}|{event.modality}"]
            # whether the dictionaries know the parties (a country, a government): a political act's mark, even
            # when the sentence names no one ("we may even consider offensive weapons", said by Seoul's official)
            features += [f"re0a={_known(event.actor)}", f"re0r={_known(event.recipient)}"]
    features += [f"nre={min(len(rule_events), 3)}", f"parties={min(parties, 3)}"]
    return SentenceView(sent=sent, features=features, dense=_mean_vector(sent))


def _known(parties) -> str:
    if any(p.code and p.sector in STATE_SECTORS for p in parties):
        return "state"
    return "coded" if any(p.code for p in parties) else "none"


def _verb_frame(verb: Token, lemma: str) -> list[str]:
    """The verb with what it governs: "agree|withdraw" (xcomp), "impose|sanction" (dobj), "send|to" (prep)."""
    found = []
    for child in verb.children:
        if child.dep_ in {"dobj", "xcomp", "nsubjpass", "ccomp"}:
            found.append(f"v{child.dep_}={lemma}|{child.lemma_.lower()}")
        elif child.dep_ == "prep":
            found.append(f"vp={lemma}|{child.lower_}")
        elif child.dep_ == "neg":
            found.append(f"vneg={lemma}")
    return found


def _mean_vector(sent: Span) -> np.ndarray | None:
    tensor = sent.doc.tensor
    if tensor is None or not tensor.size:
        return None
    mean = tensor[sent.start:sent.end].mean(axis=0)
    return DENSE_WEIGHT * mean / (np.linalg.norm(mean) + 1e-9)


@dataclass(frozen=True)
class RuleRoles:
    """The phrases the rules chose as actor and recipient, normalised: a feature for the role model."""

    actor: frozenset[str]
    recipient: frozenset[str]

    @classmethod
    def of(cls, actor: Iterable[str], recipient: Iterable[str]) -> "RuleRoles":
        return cls(frozenset(normalise_phrase(t) for t in actor), frozenset(normalise_phrase(t) for t in recipient))


def normalise_phrase(text: str) -> str:
    words = re.sub(r"[^\w\s]", " ", text.lower()).split()
    while words and words[0] in {"the", "a", "an"}:
        words = words[1:]
    return " ".join(words)


def role_candidates(sent: Span, trigger: Token) -> list[Token]:
    """Head words of the phrases that could be a party: nouns, names, pronouns and demonyms, outside a wire
    dateline ("SEOUL, South Korea (AP) —" places the report, it acts on no one)."""
    excluded = dateline_tokens(sent)
    found = []
    for token in sent:
        if token.i == trigger.i or token.i in excluded or token.dep_ == "expl" or (
                token.ent_type_ in NOT_PARTIES and token.pos_ != "PRON"):
            continue
        if token.pos_ in {"PROPN", "PRON"} or (token.pos_ in {"NOUN", "NUM"} and token.dep_ != "compound"):
            found.append(token)
        elif token.pos_ == "ADJ" and token.ent_type_ in {"NORP", "GPE"}:
            found.append(token)
    return found


def dateline_tokens(sent: Span) -> set[int]:
    """The tokens of a wire dateline opening the sentence: capitals (a place, a wire's name, a date) up to a
    dash, "MOSCOW, Oct 21 (Reuters) -", "SAN FRANCISCO -", "SEOUL, South Korea (AP) —"."""
    words = list(sent[:14])
    for k, token in enumerate(words):
        if token.text in DASHES:
            head = [t for t in words[:k] if not t.is_space]
            if head and head[0].text.isupper() and len(head[0].text) > 1 and all(
                    _DATELINE_WORD.match(t.text) for t in head):
                return {t.i for t in words[:k + 1]}
            return set()
    return set()


def phrase_tokens(head: Token) -> list[Token]:
    """The words of a party's phrase: the head's subtree without clauses and lists; a modifier alone ("North
    Korean" in "North Korean troops") with its own compound words."""
    cut = PHRASE_CUT | ({"case"} if head.dep_ in {"compound", "amod", "poss"} else set())
    out, stack = [], [head]
    while stack:
        token = stack.pop()
        out.append(token)
        stack.extend(c for c in token.children if c.dep_ not in cut)
    out.sort(key=lambda t: t.i)
    if head.dep_ in {"compound", "amod"}:
        out = [t for t in out if t.i <= head.i]
    return out


def phrase_text(head: Token) -> str:
    words = phrase_tokens(head)
    return head.doc[words[0].i: words[-1].i + 1].text


def role_features(candidate: Token, trigger: Token, kind: str, rule: RuleRoles) -> list[str]:
    """How a phrase stands to the trigger: the dependency path between them, its side and distance, what kind of
    word it is, whether it speaks, whether the rules chose it; several crossed with the event type (a recipient
    of ACCUSE follows "against", one of AID "to")."""
    up, down, meets_trigger = _path(candidate, trigger)
    path = "/".join(up[:3]) + f"^{min(down, 3)}"
    side = "L" if candidate.i < trigger.i else "R"
    words = phrase_tokens(candidate)
    named = int(any(t.ent_type_ in {"GPE", "NORP", "ORG", "PERSON", "LOC", "FAC"} for t in words))
    features = [
        "path=" + path, f"pathT={kind}|{path}", "dep=" + candidate.dep_, f"depT={kind}|{candidate.dep_}",
        "head1=" + "/".join(up[:2]), "pos=" + candidate.pos_, "ent=" + (candidate.ent_type_ or "-"),
        "side=" + side, f"sideT={kind}|{side}", f"dist={min(abs(candidate.i - trigger.i) // 3, 5)}",
        f"named={named}", f"namedT={kind}|{named}|{side}", "lem=" + candidate.lemma_.lower(),
        f"vl={trigger.lemma_.lower()}|{path}",
    ]
    if candidate.lower_ in PRONOUNS:
        features.append("pron")
    if speaks(candidate, trigger):
        features += ["speaker", "speakerT=" + kind]
    if meets_trigger:
        features.append("under_trig")
    if candidate.dep_ == "nsubj" and candidate.head.dep_ == "ROOT":
        features.append("first_subj")
    text = normalise_phrase(phrase_text(candidate))
    if text in rule.actor:
        features.append("r_actor")
    if text in rule.recipient:
        features.append("r_recip")
    return features


def speaks(candidate: Token, trigger: Token) -> bool:
    """Whether the phrase is the subject of a speech verb other than the trigger ("Blinken said …")."""
    head = candidate.head
    return candidate.dep_ == "nsubj" and head.lemma_.lower() in SPEECH_LEMMAS and head.i != trigger.i


def _path(candidate: Token, trigger: Token) -> tuple[list[str], int, bool]:
    """Dependency labels up from the candidate to the trigger's line of heads (prepositions with their word),
    the steps from there down to the trigger, and whether the candidate hangs under the trigger."""
    above_trigger = [trigger.i]
    node = trigger
    while node.head.i != node.i and len(above_trigger) < 20:
        node = node.head
        above_trigger.append(node.i)
    up, node = [], candidate
    while node.i not in above_trigger and len(up) < 8:
        up.append(node.dep_ + (":" + node.lower_ if node.dep_ in {"prep", "agent"} else ""))
        if node.head.i == node.i:
            break
        node = node.head
    down = above_trigger.index(node.i) if node.i in above_trigger else 9
    return up, down, node.i == trigger.i
