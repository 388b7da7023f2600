"""Which CAMEO code a verb (or an event noun) carries in its sentence, after PETRARCH2's verb patterns.

A pattern such as `- * &MILITARY (TO) [0332] # SEND` says: the verb SEND followed, somewhere in its phrase, by a
word of the synonym set &MILITARY and then "to" is CAMEO 0332. The most specific matching pattern wins; a pattern
that names this verb in its comment beats one written for another verb of the same block.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Token

from redline.events.lexicon import Lexicon
from redline.events.tree import partitive_of, pruned


@dataclass(frozen=True)
class VerbMatch:
    cameo: str
    trigger: Token
    words: int  # how many pattern words matched: 0 for a verb's default code
    # The code is the verb block's, written for its head verb ("think" gets CONSIDER's 040): no pattern matched and
    # the verb has no code of its own. Thin evidence: the coder keeps such an event only when someone is acted upon.
    inherited: bool = False
    # A state of affairs read by the coder, not an act the dictionaries code ("troops are in Kursk"): the rules'
    # reading stands beside the trained layer's, which never saw one.
    state: bool = False


def verb_lemmas(token: Token) -> tuple[str, ...]:
    """The lemma, then the past forms' stems when the lemmatizer slips ("staged" → "stag"): stage, stag."""
    lower = token.lower_
    stems = [lower[:-1], lower[:-2]] if lower.endswith("ed") else []
    return (token.lemma_.lower(), *stems, lower)


def token_keys(token: Token) -> frozenset[str]:
    """The spellings a pattern word may match: the word, its lemma, both without a plural s."""
    lower, lemma = token.lower_, token.lemma_.lower()
    return frozenset((lower, lemma, lower.rstrip("s"), lemma.rstrip("s")))


def _in_order(words: tuple[frozenset[str], ...], keys: list[frozenset[str]]) -> bool:
    position = 0
    for accepted in words:
        while position < len(keys) and not (keys[position] & accepted):
            position += 1
        if position == len(keys):
            return False
        position += 1
    return True


def _particles_follow(rest: list[str], verb: Token) -> bool:
    following = [t.lower_ for t in verb.doc[verb.i + 1: verb.i + 1 + len(rest) + 2]]
    attached = {c.lower_ for c in verb.children if c.dep_ in {"prt", "prep"}}
    return all(word in attached or word in following for word in rest)


NO_EVENT = "---"  # PETRARCH2's null code, also in redline's verb + object rules

# The clauses hanging on a verb: a pattern is read in the verb's own phrase, not in them.
CLAUSES = {"relcl", "acl", "advcl", "ccomp", "parataxis", "conj"}


def object_rule(verb: Token, lex: Lexicon) -> str | None:
    """redline's verb + object rules ("eased the curfew", "cut aid"), for what the patterns miss."""
    lemma = verb.lemma_.lower()
    heads = [c for c in verb.children if c.dep_ in {"dobj", "nsubjpass"}]
    heads.append(shifted_object(verb))
    heads += [partitive_of(h) for h in heads if h is not None]  # "defaced hundreds of websites"
    heads = [h for h in heads if h is not None]
    objects = {c.lemma_.lower() for c in heads}
    objects |= {g.lemma_.lower() for c in heads for g in c.children if g.dep_ == "compound"}
    for verbs, nouns, code in lex.verb_objects:
        if lemma in verbs and objects & nouns:
            return code
    return None


def shifted_object(verb: Token) -> Token | None:
    """"shortened by one hour the nightly curfew": an object moved after a phrase of the verb's own is misparsed as
    the subject of a clause the verb governs (no "that", and the verb's phrase stands between)."""
    for clause in verb.children:
        if clause.dep_ != "ccomp" or any(c.dep_ == "mark" for c in clause.children):
            continue
        subject = next((c for c in clause.children if c.dep_ == "nsubj" and c.i < clause.i), None)
        if subject is not None and any(c.dep_ in {"prep", "agent", "advmod", "npadvmod"} and verb.i < c.i < subject.i
                                       for c in verb.children):
            return subject
    return None


def match_verb(verb: Token, lex: Lexicon, window: int = 14) -> VerbMatch | None:
    """The CAMEO code this verb carries here, or None when it codes no event."""
    found = _match_dictionary(verb, lex, window)
    if found is not None and found.words > 1:
        return found  # a pattern of two words or more is more specific than a verb + object rule
    rule = object_rule(verb, lex)
    if rule == NO_EVENT:
        return None  # "the vote took place": an idiom, not the verb's act
    return VerbMatch(rule, verb, 1) if rule else found


def _match_dictionary(verb: Token, lex: Lexicon, window: int) -> VerbMatch | None:
    entries = next((lex.verbs[w] for w in verb_lemmas(verb) if w in lex.verbs), None)
    if not entries:
        own = next((lex.verb_codes[w] for w in verb_lemmas(verb) if w in lex.verb_codes), None)
        return VerbMatch(own, verb, 0) if own else None  # a verb only redline's lexicon knows ("demobilize")
    with_particles = [e for e in entries if e["rest"] and _particles_follow(e["rest"], verb)]
    plain = [e for e in entries if not e["rest"]]
    chosen = (with_particles or plain or [None])[0]
    if chosen is None:
        return None
    block = lex.blocks.get(chosen["block"], {"code": "---"})
    lemma = verb.lemma_.lower()
    after = [token_keys(t) for t in pruned(verb, CLAUSES) if verb.i < t.i <= verb.i + window]
    before = [token_keys(t) for t in verb.doc[max(verb.sent.start, verb.i - 6): verb.i]]
    seen_after = frozenset().union(*after)
    best: tuple[float, str] | None = None
    for pattern in lex.patterns(chosen["block"]):
        if not all(accepted & seen_after for accepted in pattern.post):
            continue  # cheap test first: a word of the pattern is nowhere after the verb
        if not _in_order(pattern.post, after) or not _in_order(pattern.pre, before):
            continue
        score = len(pattern.post) + len(pattern.pre) + (0.5 if lemma in pattern.verbs else 0.0)
        if best is None or score > best[0]:
            best = (score, pattern.code)
    if best is not None:
        code, words, inherited = best[1], int(best[0]), False
    else:
        own = lex.verb_codes.get(lemma) or chosen["code"]
        code, words, inherited = own or block["code"], 0, not own
    if not code or not code[0].isdigit():
        return None
    return VerbMatch(code, verb, words, inherited=inherited)


def match_nominal(noun: Token, lex: Lexicon) -> VerbMatch | None:
    """An event named by a noun ("the deployment of troops", "an emergency meeting")."""
    for key in (f"{noun.doc[noun.i - 1].lower_} {noun.lower_}" if noun.i else None, noun.lemma_.lower(), noun.lower_):
        if key and key in lex.nominals:
            return VerbMatch(lex.nominals[key], noun, 0)
    return None
