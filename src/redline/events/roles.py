"""Who and where: the actor, recipient and place of an event from the parse around its word.

The actor is the subject (through control and coordination: "X agreed to send", "X and Y met"; never the
speaker of a passive: "troops were sent, X said"); pronouns take the speaker or the governing subject ("X said it
would …"); the recipient is the first object that names a party: direct, dative, after "to/with/against/…",
or in a purpose clause ("troops to aid Russia"); the place is the first place named after "in/at/near/…".
"""

from __future__ import annotations

from spacy.tokens import Span, Token

from redline.events.actors import LINES, DocumentActors, parties, resolve
from redline.events.lexicon import Lexicon, split_code
from redline.events.quotes import quote_for, speech_verb
from redline.events.verbs import verb_lemmas
from redline.records import Party, Quote

RECIPIENT_PREPS = ("to", "with", "against", "on", "toward", "towards", "into", "upon", "from", "for", "over",
                   "between")
PLACE_PREPOSITIONS = {"in", "at", "near", "outside", "inside", "around", "across", "throughout", "into", "north",
                      "south", "east", "west"}
# How far after a preposition left without an object its object may be ("to five Panamanian army officers").
STRANDED_WINDOW = 6
DIPLOMATIC_POSTS = {"embassy", "consulate", "legation", "mission"}
PRONOUNS = {"it", "they", "he", "she", "we", "i", "them", "its", "their", "his", "her", "our", "my"}
# Verbs whose object names the act: "staged a protest", "held talks", "launched an offensive".
LIGHT_VERBS = {"stage", "hold", "launch", "issue", "conduct", "mount", "carry", "begin", "continue", "start",
               "lodge", "resume", "wage", "organize", "organise", "announce", "declare", "call", "complete",
               "file"}
# Endings of nouns made from verbs ("suppression", "treatment", "closure", "killing"): such a noun names an act.
ACT_NOUN_ENDINGS = ("tion", "sion", "ment", "ance", "ence", "ure", "ing")
# Nouns for what was said: "issued a statement demanding …" is the issuer's demand.
STATEMENT_NOUNS = {"statement", "announcement", "declaration", "communique", "communiqué", "resolution", "letter"}


class Roles:
    def __init__(self, lex: Lexicon) -> None:
        self.lex = lex

    def party(self, token: Token, actors: DocumentActors) -> Party | None:
        found = parties(token, actors, self.lex)
        if found:
            return found[0]
        wider = [t for t in token.subtree if t.dep_ != "relcl"]
        return resolve(wider, actors, self.lex) if len(wider) > 1 else None

    def subject(self, verb: Token, depth: int = 0) -> Token | None:
        if any(c.dep_ == "nsubjpass" for c in verb.children):
            # "troops had been sent": the doer is the agent ("by …") or unknown, never the one who says so
            agent = next((c for c in verb.children if c.dep_ == "agent"), None)
            return next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None
        for child in verb.children:
            if child.dep_ in {"nsubj", "csubj"}:
                return child
            if child.dep_ == "agent":
                return next((c for c in child.children if c.dep_ == "pobj"), None)
        if verb.dep_ == "xcomp":  # object control: "urged Iraq to comply", "expect the US to make"
            controller = next((c for c in verb.head.children if c.dep_ in {"dobj", "dative"}), None)
            if controller is not None and controller.i < verb.i:
                return controller
        if depth < 4 and verb.dep_ in {"xcomp", "conj", "advcl", "pcomp", "ccomp", "acomp"} and verb.head.i != verb.i:
            return self.subject(verb.head, depth + 1)
        if verb.dep_ == "acl" and depth < 4 and carries_act(verb.head):
            return self.subject(verb.head.head, depth + 1)  # "X issued a declaration demanding …": X demands
        if verb.dep_ in {"relcl", "acl"}:
            return verb.head
        return None

    def speaker_party(self, token: Token, quotes: list[Quote]) -> Party | None:
        quote = quote_for(token.sent, token, quotes)
        if quote and quote.speaker and quote.speaker.country:
            return Party(text=token.text, code=quote.speaker.country, sector=None)
        return None

    def resolve_subject(self, subject: Token | None, verb: Token, actors: DocumentActors,
                         quotes: list[Quote]) -> list[Party]:
        if subject is None:
            return []
        owner = next((c for c in subject.children if c.dep_ == "poss" and c.lower_ in PRONOUNS), None)
        if owner is not None and not any(p.code for p in parties(subject, actors, self.lex)):
            subject = owner  # "their forces had completed their withdrawal": whose forces
        if subject.lower_ in PRONOUNS:
            if subject.lower_ in {"we", "i", "our", "my"}:
                party = self.speaker_party(subject, quotes)
                return [party] if party else []
            node = verb
            for _ in range(6):  # "X indicated that it might …", "X denied that it had …": "it" is X
                if node.head.i == node.i:
                    break
                node = node.head
                speaker = next((c for c in node.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
                if node.pos_ == "VERB" and speaker is not None and speaker.lower_ not in PRONOUNS:
                    return parties(speaker, actors, self.lex)
            return []
        return parties(subject, actors, self.lex)

    def recipient(self, trigger: Token, actors: DocumentActors, actor_keys: set[tuple]) -> list[Party]:
        candidates: list[Token] = []
        children = list(trigger.children)
        preps = prepositions(trigger)
        candidates += [c for c in children if c.dep_ in {"dative", "dobj", "nsubjpass", "attr"}]
        candidates += _objects_of(preps, RECIPIENT_PREPS)
        # "support for Ukraine", "demands from rebels", "called for sanctions against Nigeria"
        for obj in [c for c in children if c.dep_ == "dobj"] + _objects_of(preps, {"for"}):
            candidates += _objects_of(obj.children, {"to", "for", "against", "from"})
        clauses = [c for c in children if c.dep_ in {"xcomp", "advcl", "acl"}]
        clauses += [v for c in clauses for v in c.children if v.dep_ == "conj" and v.pos_ == "VERB"]
        for clause in clauses:  # "troops to aid Russia", "called on Arabs to unite and mobilize against …"
            candidates += [c for c in clause.children if c.dep_ in {"dobj", "dative"}]
            candidates += _objects_of(prepositions(clause), RECIPIENT_PREPS)  # "offered to hand over to Britain"
        for clause in (c for c in children if c.dep_ == "ccomp" or _for_clause(c)):
            candidates += [c for c in clause.children if c.dep_ == "nsubj"]  # "demanded that the US cancel …"
        # "denounced as an ugly crime Serbia's suppression of …": the object moved after "as" hangs as its appositive
        candidates += [a for obj in _objects_of(preps, {"as"}) for a in obj.children if a.dep_ == "appos"]
        if trigger.pos_ == "NOUN":
            candidates += _right_after(trigger)
        candidates += self._talked_with(preps)
        # "demonstrated outside the US embassy": a protest at a country's mission is aimed at that country
        candidates += [o for o in _objects_of(preps, {"outside", "at", "near", "before"})
                       if o.lemma_.lower() in DIPLOMATIC_POSTS]
        light = any(lemma in LIGHT_VERBS for lemma in verb_lemmas(trigger))
        if light:  # "lodged a protest with Albania": the act's noun carries the recipient
            for obj in (c for c in children if c.dep_ == "dobj"):
                candidates += _objects_of(obj.children, RECIPIENT_PREPS)
        unplaced: list[Party] = []
        at_home: list[Party] = []
        actor_codes = {code for code, _ in actor_keys if code}
        for candidate in _with_doers(_between_first(candidates), self.lex):
            if light and candidate.lemma_.lower() in self.lex.nominals:
                continue  # "held a meeting of the NSC": the meeting's own parties are not its recipient
            found = self._others(candidate, actors, actor_keys)
            if found and all(p.code in actor_codes for p in found) and not names_anyone(candidate, actors):
                # "withdraw inspectors … from Iraq": unnamed people given the actor's own country are a last resort
                at_home = at_home or found
                continue
            if found:
                return found
            unplaced = unplaced or [p for p in parties(candidate, actors, self.lex) if p.code is None and p.sector]
        shared = _shares_objects_with(trigger)
        if not (at_home or unplaced) and shared is not None:
            return self.recipient(shared, actors, actor_keys)
        # "accepted demands from Shona rebels": a group with no country yet (placed in Coder._event)
        return at_home or unplaced

    def _talked_with(self, preps: list[Token]) -> list[Token]:
        """"called off the strike after talks with the government": an act that follows talks answers the other
        side of the talks (tried after everything the act's own words name)."""
        talks = [o for o in _objects_of(preps, {"after", "following", "during", "at", "in"})
                 if self.lex.nominals.get(o.lemma_.lower(), "").startswith("04")]
        return _objects_of([c for t in talks for c in t.children], {"with"})

    def _others(self, head: Token, actors: DocumentActors, actor_keys: set[tuple]) -> list[Party]:
        """The coded parties a phrase names other than the actors: the same country is fine (students against
        their government), the same party is not."""
        return [p for p in parties(head, actors, self.lex) if p.code and (p.code, p.sector) not in actor_keys]

    def accused(self, trigger: Token, actors: DocumentActors, actor_keys: set[tuple]) -> list[Party]:
        """Whom an accusation is about ("complained to the UN over Israeli air raids"): PLOVER's recipient of
        ACCUSE is the accused, not the one complained to."""
        for obj in _objects_of(prepositions(trigger), {"over", "about", "against", "of"}):
            found = self._others(obj, actors, actor_keys)
            if found:
                return found
        return []

    def nominal_actor(self, noun: Token, actors: DocumentActors, quotes: list[Quote]) -> list[Party]:
        for child in noun.children:
            if child.dep_ == "poss" or (child.dep_ == "prep" and child.lower_ in {"from", "by"}):
                head = child if child.dep_ == "poss" else next((c for c in child.children if c.dep_ == "pobj"), None)
                found = parties(head, actors, self.lex) if head is not None else []
                if found:
                    return found
        for child in noun.children:
            if child.dep_ in {"amod", "compound"} and child.i < noun.i:
                party = resolve([child], actors, self.lex, use_home=False)  # "Russian technology", not "official"
                if party and party.code:
                    return [party]
        if noun.dep_ in {"dobj", "attr"} and noun.head.pos_ == "VERB":
            return self.resolve_subject(self.subject(noun.head), noun.head, actors, quotes)
        if noun.dep_ == "pobj" and noun.head.head.pos_ == "VERB":  # "returned to Geneva for talks"
            verb = noun.head.head
            return self.resolve_subject(self.subject(verb), verb, actors, quotes)
        return []

    def requester(self, act: Token, frame: Token | None, actor: list[Party], recipient: list[Party],
                   actors: DocumentActors, quotes: list[Quote]) -> tuple[list[Party], list[Party]]:
        """Who asks whom: the subject of "demanded"/"urged" (or of the "said" around a "must") asks the one who
        is to act; "urged Iraq to comply" asks its object."""
        node = frame
        if node is None:  # "X said China must drop barriers": X asks
            node = act
            while node.head.i != node.i and not speech_verb(node):
                node = node.head
            if not speech_verb(node):
                return [], recipient
        if node.pos_ == "NOUN":  # "the ILO reiterated its demand that Israel …": whose demand
            requester = self.nominal_actor(node, actors, quotes)
        else:
            requester = self.resolve_subject(self.subject(node), node, actors, quotes)
        # The one asked may share the asker's country ("rebels demand that President Kagame agree"), not its sector.
        asked = [p for p in actor if p.code and (p.code, p.sector) not in {(r.code, r.sector) for r in requester}]
        if not asked:
            obj = next((c for c in node.children if c.dep_ in {"dobj", "dative"}), None)
            asked = parties(obj, actors, self.lex) if obj is not None else recipient
        return requester, asked

    def place(self, sent: Span, trigger: Token, actors: DocumentActors) -> Party | None:
        """Where: the first place named after "in", "at", "near", "outside" … in the event's phrase ("in
        Belgrade", "outside the Iraqi city of Basra"), with its country."""
        objects = [t for t in trigger.subtree if t.dep_ == "pobj" and (t.head.lower_ in PLACE_PREPOSITIONS or (
            t.head.lower_ == "of" and t.head.head.lower_ in PLACE_PREPOSITIONS))]  # "outside of the city"
        objects.sort(key=lambda t: t.head.head.i != trigger.i)  # attached to the event's word first
        for token in objects:
            words = _border_side(token) or sorted(token.subtree, key=lambda t: t.i)
            named = [t for t in words if t.ent_type_ in {"GPE", "LOC", "FAC", "NORP"}]
            if not named:
                continue
            ent = next((e for e in sent.ents if e.start <= named[-1].i < e.end), None)
            text = ent.text if ent is not None else named[-1].text
            codes = [m.code for m in actors.names if words[0].i <= m.start <= words[-1].i]
            country = next((c for c in (split_code(code)[0] for code in reversed(codes)) if c), None)
            return Party(text=text, code=country, sector=None)
        return None


def carries_act(noun: Token) -> bool:
    """"issued a declaration demanding that …", "made a statement condemning …": the statement is the act its
    participle names, done by whoever issued it."""
    return (noun.lemma_.lower() in STATEMENT_NOUNS and noun.dep_ == "dobj" and noun.head.pos_ == "VERB"
            and any(c.dep_ == "acl" and c.pos_ == "VERB" and c.tag_ == "VBG" for c in noun.children))


def _for_clause(clause: Token) -> bool:
    """"pushing hard for the US to support the plan": the subject of a "for" clause is the one pressed."""
    return clause.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ == "for" for c in clause.children)


def _border_side(phrase: Token) -> list[Token]:
    """"villages near Macedonia's border with Bulgaria": a place at one country's border or coast is on its
    side."""
    for token in phrase.subtree:
        if token.lemma_.lower() in LINES:
            owner = next((c for c in token.children if c.dep_ == "poss"), None)
            if owner is not None:
                return sorted(owner.subtree, key=lambda t: t.i)
    return []


def _right_after(noun: Token) -> list[Token]:
    """Where a "to …" right after the noun's phrase points, wherever the parser hung it (the small model often
    attaches it to an earlier noun): a destination ("transfers from Russia to North Korea") or a purpose clause
    ("deployment of troops to aid Moscow's war")."""
    end = max(t.i for t in noun.subtree) + 1
    doc = noun.doc
    if end + 1 >= len(doc) or doc[end].lower_ != "to":
        return []
    if doc[end].dep_ == "prep":
        return [c for c in doc[end].children if c.dep_ == "pobj"]
    verb = doc[end].head
    if doc[end].dep_ != "aux" or verb.pos_ != "VERB" or verb.i != end + 1:
        return []
    return [c for c in verb.children if c.dep_ in {"dobj", "dative"}] + _objects_of(prepositions(verb), RECIPIENT_PREPS)


def _shares_objects_with(verb: Token) -> Token | None:
    """"donated and personally delivered goods to Baghdad University": a verb with no object of its own shares
    those of the verb coordinated with it."""
    if verb.pos_ != "VERB" or any(c.dep_ in {"dobj", "dative", "prep"} for c in verb.children):
        return None
    return next((c for c in verb.children if c.dep_ == "conj" and c.pos_ == "VERB"), None)


def _with_doers(candidates: list[Token], lex: Lexicon) -> list[Token]:
    """"prevented the demonstration staged by students", "denounced Serbia's suppression of …": an act named as
    the object is aimed at whoever does it, tried right after the act's own words, and so is one it invites to
    ("rejected an invitation to attend a meeting of X"); people named by the place they leave are tried with that
    place right after them (`_origins`)."""
    expanded = []
    for candidate in candidates:
        expanded.append(candidate)
        expanded += _origins(candidate)
        if not _names_an_act(candidate, lex):
            continue
        for child in candidate.children:
            if child.dep_ == "poss":
                expanded.append(child)
            elif child.dep_ == "acl":
                expanded += [o for a in child.children if a.dep_ == "agent" for o in a.children if o.dep_ == "pobj"]
                expanded += [o for o in child.children if o.dep_ == "dobj"]  # "an invitation to attend …"
    return expanded


def _names_an_act(noun: Token, lex: Lexicon) -> bool:
    lemma = noun.lemma_.lower()
    return lemma in lex.nominals or (noun.pos_ == "NOUN" and lemma.endswith(ACT_NOUN_ENDINGS))


def _origins(people: Token) -> list[Token]:
    """"West Africans ordered out of Nigeria", "refugees fleeing the war in Liberia": people named by where they
    leave are that place's, when nothing else tells whose they are (tried after the people themselves)."""
    found = []
    for clause in (c for c in people.children if c.dep_ == "acl" and c.pos_ == "VERB"):
        for prep in prepositions(clause):
            if prep.lower_ == "out":  # "out of Nigeria"
                prep = next((c for c in prep.children if c.dep_ == "prep" and c.lower_ == "of"), prep)
            if prep.lower_ in {"from", "of", "in"}:
                found += [c for c in prep.children if c.dep_ == "pobj"]
    return found


def _between_first(candidates: list[Token]) -> list[Token]:
    """"a mediation effort between the Emirates and Saudi Arabia", "a meeting between X and Y": the act's noun
    names the parties after "between"; both are the recipients, not the first one named in the phrase."""
    expanded = []
    for candidate in candidates:
        expanded += _objects_of(candidate.children, {"between", "among", "amongst"})
        expanded.append(candidate)
    return expanded


def names_anyone(head: Token, actors: DocumentActors) -> bool:
    inside = {t.i for t in head.subtree}
    return any(m.start in inside for m in actors.names)


def _objects_of(tokens, words) -> list[Token]:
    """The objects of those tokens that are prepositions among `words` ("to Ukraine" → Ukraine)."""
    found = []
    for prep in tokens:
        if prep.dep_ == "prep" and prep.lower_ in words:
            found += [obj for obj in prep.children if obj.dep_ == "pobj"] or _stranded_object(prep)
    return found


def _stranded_object(prep: Token) -> list[Token]:
    """"granted asylum to five officers holed up in …": the parser made the object the subject of the verb after
    it and left the preposition without one; the noun right after it is the object."""
    for token in prep.doc[prep.i + 1: prep.i + 1 + STRANDED_WINDOW]:
        if token.is_punct or token.pos_ == "VERB":
            return []
        if token.pos_ in {"NOUN", "PROPN"} and token.dep_ in {"nsubj", "nsubjpass"}:
            return [token]
    return []


def prepositions(verb: Token) -> list[Token]:
    """The verb's prepositions, those behind its particle included ("kidnapped up to 16 …", "hand over to")."""
    found = [c for c in verb.children if c.dep_ == "prep"]
    return found + [g for c in verb.children if c.dep_ == "prt" for g in c.children if g.dep_ == "prep"]
