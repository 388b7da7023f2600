"""On whose word: direct quotations and indirect speech, with their speakers.

A direct quote is text between quotation marks of one or more sentences, introduced or followed by a speech verb
("… said, "We are …""); an indirect one is the clause a speech verb governs ("…, a senior official indicated").
The speaker is that verb's subject: a name (PERSON), a role ("first deputy director"), an organisation ("the
National Security Office") and a country.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable

from spacy.tokens import Doc, Span, Token

from redline.records import Party, Quote, Speaker

SPEECH_VERBS = {
    "say", "tell", "add", "state", "announce", "indicate", "note", "stress", "warn", "confirm", "claim", "insist",
    "explain", "declare", "write", "remark", "emphasise", "emphasize", "highlight", "signal", "argue", "reiterate",
    "assert", "acknowledge", "admit", "allege", "suggest", "predict", "urge", "caution", "tweet", "post",
    "conclude", "demand",
}
OPENING, CLOSING, STRAIGHT = "“«", "”»", '"'
ORG_WORDS = {"office", "ministry", "council", "agency", "department", "committee", "service", "command", "staff",
             "government", "administration", "party", "army", "embassy", "commission", "bureau", "institute"}


def speech_verb(token: Token) -> bool:
    return token.pos_ in {"VERB", "AUX"} and token.lemma_.lower() in SPEECH_VERBS


def _subject(verb: Token) -> Token | None:
    return next((c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}), None)


def describe(subject: Token, resolve: Callable[[Token], Party | None]) -> Speaker:
    """Name, role, organisation and country of a speaker phrase."""
    tokens = sorted(subject.subtree, key=lambda t: t.i)
    doc = subject.doc
    text = doc[tokens[0].i: tokens[-1].i + 1].text.strip(" ,")
    span = doc[tokens[0].i: tokens[-1].i + 1]
    name = next((e.text for e in span.ents if e.label_ == "PERSON"), None)
    organisation = next((e.text for e in span.ents if e.label_ == "ORG"), None)
    role_head = subject
    if name and subject.ent_type_ == "PERSON":
        role_head = next((c for c in subject.children if c.dep_ == "appos"), None)
    role = None
    if role_head is not None and role_head.ent_type_ != "PERSON":
        modifiers = [c for c in role_head.children if c.dep_ in {"amod", "compound"} and c.i < role_head.i]
        role = " ".join(t.text for t in sorted([*modifiers, role_head], key=lambda t: t.i))
        if organisation is None:
            for prep in role_head.children:
                if prep.dep_ == "prep" and prep.lower_ in {"of", "from", "at"}:
                    obj = next((c for c in prep.children if c.dep_ == "pobj"), None)
                    if obj is not None and (obj.lemma_.lower() in ORG_WORDS or obj.ent_type_ == "ORG"):
                        organisation = " ".join(t.text for t in obj.subtree if t.dep_ != "det")
    party = resolve(subject)
    return Speaker(name=name, role=role, organisation=organisation, country=party.code if party else None,
                   text=text)


def _sentence_at(sentences: list[Span], starts: list[int], offset: int) -> Span | None:
    index = bisect_right(starts, offset) - 1
    return sentences[index] if index >= 0 else None


def _speech_near(sentences: list[Span], starts: list[int], start: int, end: int) -> Token | None:
    """The speech verb that introduces (in the quote's first sentence, before it) or follows the quote."""
    sent = _sentence_at(sentences, starts, start)
    if sent is None:
        return None
    before = [t for t in sent if t.idx < start and speech_verb(t) and _subject(t) is not None]
    if before:
        return before[-1]
    after_sent = _sentence_at(sentences, starts, max(end - 1, start))
    after = [t for t in after_sent if t.idx >= end and speech_verb(t) and _subject(t) is not None]
    return after[0] if after else None


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of the text inside each pair of quotation marks: curly marks pair by shape, straight ones
    alternate; a paragraph break closes whatever is open."""
    spans, opened = [], None
    for i, char in enumerate(text):
        if char == "\n" and opened is not None and text[i + 1: i + 2] == "\n":
            opened = None
        elif char in OPENING or (char == STRAIGHT and opened is None):
            opened = i + 1
        elif (char in CLOSING or char == STRAIGHT) and opened is not None:
            spans.append((opened, i))
            opened = None
    return spans


def find_quotes(doc: Doc, resolve: Callable[[Token], Party | None]) -> list[tuple[Quote, Token | None]]:
    """Direct quotes (with their speech verb) then indirect speech, in text order."""
    found: list[tuple[Quote, Token | None]] = []
    covered: list[tuple[int, int]] = []
    sentences = list(doc.sents)
    starts = [s.start_char for s in sentences]
    full = doc.text  # built anew on every access: read once
    for start, end in quoted_spans(full):
        text = full[start:end]
        if len(text.split()) < 4:
            continue  # a scare-quoted term ("red line"), not speech
        verb = _speech_near(sentences, starts, start - 1, end + 1)
        speaker = describe(_subject(verb), resolve) if verb is not None else None
        found.append((Quote(text=text.strip(), speaker=speaker, direct=True, start=start, end=end), verb))
        covered.append((start - 1, end + 1))
    for token in doc:
        if not speech_verb(token) or _subject(token) is None:
            continue
        clause = next((c for c in token.children if c.dep_ == "ccomp"), None)
        if clause is None:
            continue
        tokens = sorted(clause.subtree, key=lambda t: t.i)
        start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1])
        if any(s <= start < e or s < end <= e for s, e in covered) or len(tokens) < 4:
            continue
        speaker = describe(_subject(token), resolve)
        found.append((Quote(text=full[start:end], speaker=speaker, direct=False, start=start, end=end), token))
    return sorted(found, key=lambda q: q[0].start)


def quote_for(sent: Span, trigger: Token, quotes: list[Quote]) -> Quote | None:
    """The quote an event was said in: the one covering its word."""
    for quote in quotes:
        if quote.start <= trigger.idx < quote.end:
            return quote
    return None
