"""How sure: is the event asserted, reported, planned, considered, conditional, threatened, feared, denied …?

Read from the parse around the word that carries the event: its own negation and modal verbs, the verbs and
nouns that frame it on the way up to the sentence root ("is considering providing", "concerns about
transfers", "denied that …"), an if-clause it depends on (then it is *feared*: a hypothetical) or that depends on
it (then it is *conditional*, and the clause is kept as its condition: a declared red line), and hearsay markers
("reportedly", "according to") anywhere on that path.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Token

HEARSAY_ADVERBS = {"reportedly", "allegedly", "purportedly", "supposedly", "apparently", "unconfirmed"}
HEARSAY_VERBS = {"report", "allege", "rumor", "rumour", "claim"}
HEARSAY_NOUNS = {"report", "reports", "claim", "claims", "allegation", "rumor", "rumour", "media"}
CONDITION_MARKERS = {"if", "unless", "provided", "providing", "should", "once", "whether"}
HYPOTHETICAL_MODALS = {"could", "might", "may", "would"}
FUTURE_MODALS = {"will", "'ll", "shall", "wo"}
OBLIGATION_MODALS = {"must", "should", "ought"}
SPEECH_LEMMAS = {"say", "announce", "tell", "state", "declare", "add", "confirm", "indicate", "warn", "report"}
# Adjectives that make a named event a possibility rather than a fact.
POSSIBILITY = {"potential": "feared", "possible": "considered", "prospective": "considered", "planned": "planned",
               "proposed": "considered", "alleged": "reported", "reported": "reported", "feared": "feared",
               "expected": "expected", "future": "expected", "further": "feared"}
# Verbs of wanting: a request when someone else is to act, an intention otherwise.
DESIRE_VERBS = {"want", "wish"}
# Nouns whose "that" clause holds what is feared ("raising concerns that … transfers … could lead …").
FEAR_NOUNS = {"concern", "fear", "worry", "anxiety", "alarm", "danger", "risk", "threat"}
# Nouns whose "that" clause holds what is asked for ("reiterated its demand that Israel ease …").
REQUEST_NOUNS = {"demand", "call", "request", "appeal", "insistence", "ultimatum"}
CLAUSE_NOUNS = FEAR_NOUNS | REQUEST_NOUNS
NOUN_CLAUSE_GAP = 1  # words allowed between the noun and its "that" ("its demand today that …")
# Steps up the parse after which a framing verb no longer governs the event: "the deployment" in "… is
# considering X following the deployment" is not under consideration.
ADJUNCTS = {"advcl", "acl", "relcl", "npadvmod", "appos", "conj"}
# Dependencies through which a framing word governs the event.
UPWARD = {"xcomp", "ccomp", "pcomp", "acomp", "pobj", "prep", "dobj", "acl", "advcl", "conj", "nsubjpass", "attr", "oprd",
          "csubj", "compound", "amod", "relcl", "appos", "npadvmod"}


@dataclass
class Modality:
    modality: str = "asserted"
    condition: str | None = None
    hearsay: bool = False
    future: bool = False
    frame: Token | None = None  # the word that framed the event ("demanded", "refused"), if one did
    # A conditional the actor commits to ("we may consider …", "will … if"), not a hypothetical ("could expand
    # if …"): only the first is an intention PLOVER codes as AGREE.
    committed: bool = False
    condition_clause: Token | None = None  # the verb of the if-clause: whose act the condition waits on


def _clause_text(token: Token) -> str:
    tokens = sorted(token.subtree, key=lambda t: t.i)
    return token.doc[tokens[0].i: tokens[-1].i + 1].text.strip(" ,")


def _marker(token: Token) -> str | None:
    for child in token.children:
        if child.dep_ == "mark" and child.lower_ in CONDITION_MARKERS:
            return child.lower_
    return None


def _reported_speech(token: Token) -> bool:
    """Is the word inside what a speech verb governs ("X said (that) …")?"""
    node, steps = token, 0
    while node.dep_ in {"ccomp", "conj", "xcomp"} and node.head.i != node.i and steps < 4:
        node, steps = node.head, steps + 1
        if node.lemma_.lower() in SPEECH_LEMMAS:
            return True
    return False


def _own_cues(token: Token, frames: dict[str, str]) -> tuple[str | None, bool]:
    """(modality, future) from the word's own auxiliaries, negation and modifiers."""
    modality, future = None, False
    for child in token.children:
        word = child.lower_
        if child.dep_ == "neg" or (child.dep_ == "det" and word == "no"):
            return "negated", future
        if child.dep_ in {"aux", "auxpass"}:
            if word in FUTURE_MODALS:
                future = True
            elif word == "would" and _reported_speech(token):
                future = True  # "said they would boycott": the future of reported speech
            elif word in HYPOTHETICAL_MODALS and modality is None:
                modality = "feared"
            elif word in OBLIGATION_MODALS and modality is None:
                modality = "requested"  # "China must drop barriers": someone demands it
        if child.dep_ == "amod" and word in POSSIBILITY and modality is None:
            modality = POSSIBILITY[word]
    return modality, future


def read_modality(trigger: Token, frames: dict[str, str]) -> Modality:
    result = Modality()
    modality, result.future = _own_cues(trigger, frames)
    # An if-clause hanging on the event, or on the act it commits to ("threatened to stop the talks if the US goes
    # ahead"), makes it conditional: keep the condition.
    for child in _with_complements(trigger):
        if child.dep_ == "advcl" and _marker(child) in CONDITION_MARKERS:
            result.condition, result.condition_clause = _clause_text(child), child
            break
    node = trigger
    steps = 0
    governed = True  # still inside the complements of the words above
    while node.dep_ in UPWARD and node.head.i != node.i and steps < 12:
        child, node = node, node.head
        steps += 1
        if child.dep_ == "advcl" and _marker(child):
            modality = modality or "feared"  # inside "if Russia assists …": a hypothetical
        if child.dep_ in ADJUNCTS or (child.dep_ == "prep" and node.pos_ in {"VERB", "AUX"}):
            governed = False
        lemma = node.lemma_.lower()
        if modality is None and governed and lemma in DESIRE_VERBS and node.i != trigger.i:
            # "Seoul wants Washington to impose sanctions" asks Washington; "Seoul wants to send aid" intends it.
            asked = any(c.dep_ in {"dobj", "nsubj"} and c.i < child.i for c in child.children) or any(
                c.dep_ == "dobj" and c.i < child.i for c in node.children)
            modality, result.frame = ("requested" if asked else "planned"), node
        if modality is None and governed and lemma in frames and node.i != trigger.i:
            modality = frames[lemma]
            result.frame = node
            if modality == "denied" and any(c.dep_ == "neg" for c in node.children):
                modality = None  # "did not deny": no denial
        if node.pos_ in {"VERB", "AUX"}:
            own, future = _own_cues(node, frames)
            result.future = result.future or future
            if own == "negated" and modality is None:
                modality = "negated"
            elif own == "feared" and modality is None and governed and child.dep_ in {"xcomp", "ccomp"}:
                modality = "feared"  # "could lead Seoul to escalate its support": the escalation is a possibility
            for sibling in node.children:
                if sibling.dep_ == "advcl" and _marker(sibling) in CONDITION_MARKERS and result.condition is None:
                    if sibling.i != child.i:
                        result.condition, result.condition_clause = _clause_text(sibling), sibling
        if lemma in HEARSAY_VERBS or (node.pos_ == "NOUN" and node.lower_ in HEARSAY_NOUNS):
            result.hearsay = True
    if modality is None:
        noun = _clause_of_noun(trigger)  # "concerns that …", "its demand today that Israel ease …"
        if noun is not None:
            modality = "feared" if noun.lemma_.lower() in FEAR_NOUNS else "requested"
            result.frame = noun
    result.hearsay = result.hearsay or _hearsay_in_sentence(trigger)
    if result.condition and modality in (None, "feared", "considered", "planned"):
        volition = {c.lower_ for c in trigger.children if c.dep_ == "aux"} & {"may", "would", "will", "shall"}
        result.committed = modality in {"considered", "planned"} or result.future or bool(volition)
        modality = "conditional"
    result.modality = modality or ("reported" if result.hearsay else "asserted")
    if result.modality in {"planned", "expected"}:
        result.future = True
    return result


def _with_complements(verb: Token, depth: int = 3) -> list[Token]:
    """The verb's children, then those of the acts it takes as complements ("to stop …"), nearest first."""
    found = list(verb.children)
    for child in verb.children:
        if child.dep_ == "xcomp" and depth > 1:
            found += _with_complements(child, depth - 1)
    return found


def _clause_of_noun(trigger: Token) -> Token | None:
    """The fear or demand noun whose "that" clause holds the event ("concerns that X could …", "its demand today
    that Israel ease …"), found by the words (the clause's "that" at most two words after the noun), since the
    small parser often hangs the clause elsewhere."""
    node = trigger
    for _ in range(10):
        mark = next((c for c in node.children if c.dep_ == "mark" and c.lower_ == "that"), None)
        if mark is not None:
            before = trigger.doc[max(0, mark.i - NOUN_CLAUSE_GAP - 1): mark.i]
            noun = next((t for t in reversed(before) if t.pos_ == "NOUN"
                         and t.lemma_.lower() in CLAUSE_NOUNS), None)
            if noun is not None:
                return noun
        if node.head.i == node.i:
            return None
        node = node.head
    return None


def _hearsay_in_sentence(trigger: Token) -> bool:
    """'reportedly' on the event or its governing verbs, or 'according to' in its sentence."""
    node, seen = trigger, 0
    while seen < 8:
        if any(c.lower_ in HEARSAY_ADVERBS for c in node.children):
            return True
        if node.head.i == node.i:
            break
        node, seen = node.head, seen + 1
    sent = trigger.sent
    return any(t.lower_ == "according" and t.nbor(1).lower_ == "to" for t in sent if t.i + 1 < sent.end)
