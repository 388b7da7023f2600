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

from redline.events.quote_cues import DEFAULT_MIN_PRECISION
from redline.events.quote_cues import shipped as learned_cues
from redline.events.tree import subject_of
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

PERSONAL_PRONOUNS = {"he", "she"}


def speech_verb(token: Token) -> bool:
    return token.pos_ in {"VERB", "AUX"} and token.lemma_.lower() in SPEECH_VERBS


def reporting_cue(token: Token, cues: dict | None = None) -> bool:
    """A verb that introduces what someone said, wrote or holds: the listed speech verbs and the learned cues
    (those that introduced an attribution in at least the table's `min_cue_precision` share of their uses)."""
    if token.pos_ != "VERB":
        return False
    lemma = token.lemma_.lower()
    table = cues or learned_cues()
    return lemma in SPEECH_VERBS or table["cues"].get(lemma, 0.0) >= table.get("min_cue_precision",
                                                                                DEFAULT_MIN_PRECISION)


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
    if role_head is not None and role_head.ent_type_ != "PERSON" and role_head.pos_ != "PRON":
        modifiers = [c for c in role_head.children if c.dep_ in {"amod", "compound"} and c.i < role_head.i]
        role = " ".join(t.text for t in sorted([*modifiers, role_head], key=lambda t: t.i))
        if organisation is None:
            for prep in role_head.children:
                if prep.dep_ == "prep" and prep.lower_ in {"of", "from", "at"}:
                    obj = next((c for c in prep.children if c.dep_ == "pobj"), None)
                    if obj is not None and (obj.lemma_.lower() in ORG_WORDS or obj.ent_type_ == "ORG"):
                        organisation = " ".join(t.text for t in obj.subtree if t.dep_ != "det")
    if name is None and subject.lower_ in PERSONAL_PRONOUNS:
        name = _person_before(subject)  # "he said": the person last named
    party = resolve(subject)
    return Speaker(name=name, role=role, organisation=organisation, country=party.code if party else None,
                   text=text)


def _person_before(token: Token) -> str | None:
    people = [e for e in token.doc.ents if e.label_ == "PERSON" and e.end <= token.i]
    return people[-1].text if people else None


def _sentence_at(sentences: list[Span], starts: list[int], offset: int) -> Span | None:
    index = bisect_right(starts, offset) - 1
    return sentences[index] if index >= 0 else None


def _speech_near(sentences: list[Span], starts: list[int], start: int, end: int, cues: dict) -> Token | None:
    """The speech verb that introduces (in the quote's first sentence, before it) or follows the quote."""
    sent = _sentence_at(sentences, starts, start)
    if sent is None:
        return None
    before = [t for t in sent if t.idx < start and reporting_cue(t, cues) and subject_of(t) is not None]
    if before:
        return before[-1]
    after_sent = _sentence_at(sentences, starts, max(end - 1, start))
    after = [t for t in after_sent if t.idx >= end and reporting_cue(t, cues) and subject_of(t) is not None]
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


def find_quotes(doc: Doc, resolve: Callable[[Token], Party | None],
                cues: dict | None = None) -> list[tuple[Quote, Token | None]]:
    """Direct quotes (with their speech verb) then indirect speech, in text order. cues: a cue table
    (quote_cues.py); the shipped one by default."""
    cues = cues or learned_cues()
    found: list[tuple[Quote, Token | None]] = []
    covered: list[tuple[int, int]] = []
    sentences = list(doc.sents)
    starts = [s.start_char for s in sentences]
    full = doc.text  # built anew on every access: read once
    for start, end in quoted_spans(full):
        text = full[start:end]
        if len(text.split()) < 4:
            continue  # a scare-quoted term ("red line"), not speech
        verb = _speech_near(sentences, starts, start - 1, end + 1, cues)
        speaker = describe(subject_of(verb), resolve) if verb is not None else None
        found.append((Quote(text=text.strip(), speaker=speaker, direct=True, start=start, end=end), verb))
        covered.append((start - 1, end + 1))
    for token in _surer_cues_first(doc, cues):
        read = _according_to(token) if token.lower_ == "according" else _reported(token, cues)
        if read is None:
            continue
        tokens, speaker_word = read
        start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1])
        # inside a quotation already found, or crossing one, it adds nothing; around one ("said that he is in
        # favour and “a hell of a lot worse”") it is the whole of what was said
        if len(tokens) < 4 or any((s <= start < e or s < end <= e) and not (start <= s and e <= end)
                                  for s, e in covered):
            continue
        speaker = describe(speaker_word, resolve)
        found.append((Quote(text=full[start:end], speaker=speaker, direct=False, start=start, end=end), token))
        covered.append((start, end))
    found.sort(key=lambda q: q[0].start)
    _continue_speakers([quote for quote, _ in found])
    _link_later_mentions([quote for quote, _ in found])
    return found


def _surer_cues_first(doc: Doc, cues: dict) -> list[Token]:
    """The words in text order, those of the surer cues (a speech verb, a cue in half its uses, "according to")
    first: what a speech verb reports is its speaker's, even inside the clause a weaker cue governs ("the
    administration appeared to reframe …, with the official describing it as …")."""
    sure = {**cues, "min_cue_precision": max(cues.get("min_cue_precision", DEFAULT_MIN_PRECISION),
                                             DEFAULT_MIN_PRECISION)}
    return sorted(doc, key=lambda t: (not (t.lower_ == "according" or reporting_cue(t, sure)), t.i))


# A quotation with no speech verb of its own, this close after another speaker's words, continues them.
CONTINUATION_CHARS = 400


def _continue_speakers(quotes: list[Quote]) -> None:
    """"… ," Sexton said. "We have to …": a quotation that names no speaker goes on with the last one, if it
    follows closely and no other quotation came between."""
    for previous, quote in zip(quotes, quotes[1:]):
        if quote.speaker is None and previous.speaker is not None and quote.direct \
                and quote.start - previous.end <= CONTINUATION_CHARS:
            quote.speaker = previous.speaker


def _link_later_mentions(quotes: list[Quote]) -> None:
    """"the official said …" after "a senior official from the presidential office said …": the same speaker,
    named and placed as first told (the nearest earlier speaker whose role ends in the same word)."""
    for index, quote in enumerate(quotes):
        speaker = quote.speaker
        if speaker is None or speaker.name or not speaker.role or not speaker.text.lower().startswith("the "):
            continue
        head = speaker.role.split()[-1].lower()
        earlier = next((q.speaker for q in reversed(quotes[:index]) if q.speaker and q.speaker.role
                        and q.speaker.role.split()[-1].lower() == head and q.speaker is not speaker), None)
        if earlier is not None:
            speaker.name = speaker.name or earlier.name
            speaker.role = earlier.role
            speaker.organisation = speaker.organisation or earlier.organisation
            speaker.country = speaker.country or earlier.country


def _reported(verb: Token, cues: dict) -> tuple[list[Token], Token] | None:
    """What a cue verb reports ("X said (that) …", "…, X wrote", "X called for …"): the words of its dependents
    that hold content, by the learned table, and its subject, the speaker."""
    subject = subject_of(verb)
    if subject is None or not reporting_cue(verb, cues):
        return None
    deps, preps = set(cues["content_deps"]) or {"ccomp"}, set(cues["content_preps"])
    parts = [c for c in verb.children if c.i != subject.i and (
        c.dep_ in deps or (c.dep_ == "prep" and c.lower_ in preps)) and c.dep_ not in {"nsubj", "nsubjpass"}]
    if not parts:
        return _said_after(verb, subject)
    words = sorted((t for part in parts for t in part.subtree), key=lambda t: t.i)
    # one side of the speaker: "X said Y" or "Y, X said", never the speaker inside
    before = [t for t in words if t.i < subject.i]
    after = [t for t in words if t.i > subject.i]
    side = max(before, after, key=len)
    side = [t for t in side if not t.is_punct or (side[0].i < t.i < side[-1].i)]
    return (side, subject) if side else None


def _said_after(verb: Token, subject: Token) -> tuple[list[Token], Token] | None:
    """"South Korea is considering …, a senior presidential official indicated Tuesday": the cue comes after what
    was said, and the small parser hangs it on the clause as a conjunct; the clause before the speaker is it."""
    if verb.dep_ not in {"conj", "parataxis"} or verb.head.i > verb.i or subject.i < verb.head.i:
        return None
    own = {t.i for t in verb.subtree}
    words = [t for t in verb.head.subtree if t.i < subject.i and t.i not in own]
    while words and (words[-1].is_punct or words[-1].dep_ == "cc"):
        words.pop()
    return (words, subject) if len(words) >= 4 else None


def _according_to(token: Token) -> tuple[list[Token], Token] | None:
    """"According to the NIS, North Korea has sent …": the rest of the clause, said by the object of "to"."""
    to = next((c for c in token.children if c.lower_ == "to"), None)
    source = next((c for c in to.children if c.dep_ == "pobj"), None) if to is not None else None
    if source is None:
        return None
    phrase = {t.i for t in token.subtree}
    clause = token.head
    while clause.dep_ not in {"ROOT", "ccomp", "conj"} and clause.head.i != clause.i:
        clause = clause.head
    words = [t for t in clause.subtree if t.i not in phrase and not (t.is_punct and t.i in {
        min(phrase) - 1, max(phrase) + 1})]
    words = [t for t in words if t.sent.start == token.sent.start]
    while words and words[-1].is_punct:
        words.pop()
    while words and words[0].is_punct:
        words.pop(0)
    return (words, source) if words else None


def quote_for(sent: Span, trigger: Token, quotes: list[Quote]) -> Quote | None:
    """The quote an event was said in: the one covering its word."""
    for quote in quotes:
        if quote.start <= trigger.idx < quote.end:
            return quote
    return None
