"""Who: a noun phrase → parties with a country (ISO3, IGO or group) code and a sector.

Names come from the actor dictionary (countries, demonyms, cities, leaders with dated roles, IGOs, armed groups),
sectors from agent words ("troops" → MIL, "presidential office" → GOV). A phrase with a government sector but
no country ("a senior official", "the presidential office") takes the country whose government the article is
about.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from spacy.tokens import Doc, Token

from redline.events.lexicon import Lexicon, split_code
from redline.events.names import name_key
from redline.events.tree import partitive_of, pruned
from redline.records import Party

# Children that start a clause of their own: their words do not describe the party.
CLAUSES = {"relcl", "acl", "advcl", "ccomp", "xcomp", "csubj", "parataxis", "punct", "cc", "conj"}
FIRST_PERSON = {"we", "us", "our", "i", "me"}
# Sectors of dictionary entries that are people in office (a name could be someone else's).
OFFICE_SECTORS = {"GOV", "ELI", "MIL", "LEG", "JUD"}
# Unnamed officials, students or police belong to the country the article is about; unnamed troops, rebels,
# spies or international bodies may be anyone's.
FOREIGN_PRONE = {"MIL", "REB", "UAF", "SPY", "CRM", "IGO", "NGO", "MNC", "INS"}


@dataclass
class NameMatch:
    start: int  # token index in the doc
    end: int
    key: str
    code: str | None  # full CAMEO actor code
    capital: bool = False


@dataclass
class DocumentActors:
    """What the document tells about whose officials are whose."""

    names: list[NameMatch]
    home: str | None  # the country whose government the article is about
    on: date | None = None


def find_names(doc: Doc, lex: Lexicon, on: date | None = None) -> list[NameMatch]:
    """Longest dictionary names, left to right; a name starts with a capital letter ("US", not "us")."""
    matches, i = [], 0
    while i < len(doc):
        token = doc[i]
        if i >= 2 and doc[i - 1].text == "-" and doc[i - 2].lower_ in {"anti", "pro", "non"}:
            i += 1  # "an anti-Syria journalist" is no Syrian
            continue
        first = name_key(token.text) if token.text[:1].isupper() else ""
        longest = lex.name_starts.get(first.split(" ")[0], 0) if first else 0
        if longest == 0 and not (first.endswith("s") and first[:-1] in lex.name_starts):
            i += 1
            continue
        found = None
        person = _person_at(doc, i)
        for n in range(min(max(longest, 1) + 1, lex.max_name_words, len(doc) - i), 0, -1):
            span = doc[i:i + n]
            if span[-1].is_punct:
                continue
            key = name_key(span.text)
            capital = key in lex.capitals
            code = lex.actor_code(key, on) or (lex.capitals[key] if capital else None)
            if code is None and key.endswith("s"):  # "Albanians", "Serbs": the demonym's plural
                code = lex.actor_code(key[:-1], on)
            if code and person is not None and span.end < person.end and len(code) > 3:
                code = None  # "Kim" in "Kim Jong Un", "Hassan" in "Omar Hassan al-Bashir": someone else
            if code and len(code) == 3 and _part_of_a_persons_name(span, person, lex):
                code = None  # "Chad Smith", "Jordan Bardella", "Eddie Jordan": a name, not the country
            if code:
                found = NameMatch(i, i + n, key, code, capital)
                break
        if found:
            matches.append(found)
            i = found.end
        else:
            i += 1
    return matches


def _person_at(doc: Doc, i: int):
    """The person's name that token i is part of, if any ("Hassan" in "Omar Hassan al-Bashir")."""
    if doc[i].ent_type_ != "PERSON":
        return None
    return next((e for e in doc.ents if e.start <= i < e.end), None)


def _part_of_a_persons_name(span, person, lex: Lexicon) -> bool:
    """A country's name inside a longer person's name, not after "of" ("Queen Rania of Jordan" names Jordan), the
    rest of the name naming no country either ("Bosnian Serbs", which the small model may call a person)."""
    if person is None or not (person.start <= span.start and span.end <= person.end) or len(person) <= len(span):
        return False
    rest = [t for t in person if not span.start <= t.i < span.end]
    return not any(t.lower_ == "of" or lex.actor_code(name_key(t.text)) or lex.actor_code(name_key(t.text)[:-1])
                   for t in rest)


def _countries(matches: list[NameMatch]) -> list[str]:
    return [c for c in (split_code(m.code)[0] for m in matches if m.code) if c]


def read_document(doc: Doc, lex: Lexicon, on: date | None = None) -> DocumentActors:
    names = find_names(doc, lex, on)
    home = _home_country(doc, names, lex)
    return DocumentActors(names=names, home=home, on=on)


def _home_country(doc: Doc, names: list[NameMatch], lex: Lexicon) -> str | None:
    """A country named in one phrase with a government word first; else the first sentence's subject; else the
    country named most often. International bodies and movements have no home to lend."""
    names = [m for m in names if split_code(m.code)[0] not in lex.non_state_codes]
    by_token = {i: m for m in names for i in range(m.start, m.end)}
    for token in doc:
        if token.pos_ in {"NOUN", "PROPN"} and _sector_of([token], lex) == "GOV":
            for child in token.subtree:
                match = by_token.get(child.i)
                if match and split_code(match.code)[0]:
                    return split_code(match.code)[0]
            break
    first = next(iter(doc.sents), None)
    if first is not None:
        for token in first:
            if token.dep_ in {"nsubj", "nsubjpass"} and token.head.dep_ == "ROOT":
                for child in token.subtree:
                    if child.i in by_token and split_code(by_token[child.i].code)[0]:
                        return split_code(by_token[child.i].code)[0]
    counts = Counter(_countries(names))
    return counts.most_common(1)[0][0] if counts else None


def _sector_of(tokens: list[Token], lex: Lexicon) -> str | None:
    """The first agent word (or two- to four-word agent phrase) in the tokens, by lemma."""
    lemmas = [t.lemma_.lower() for t in tokens]
    words = [t.lower_ for t in tokens]
    for i in range(len(tokens)):
        for n in (4, 3, 2, 1):
            if i + n > len(tokens):
                continue
            for seq in (lemmas, words):
                sector = lex.sector(name_key(" ".join(seq[i:i + n])))
                if sector:
                    return sector
    return None


def phrase(head: Token) -> list[Token]:
    """The words of the noun phrase headed by `head`, without clauses or coordinated phrases."""
    return pruned(head, CLAUSES)


def conjuncts(head: Token) -> list[Token]:
    return [head, *[c for c in head.conjuncts if c.i > head.i and c.pos_ in {"NOUN", "PROPN", "PRON"}]]


def resolve(tokens: list[Token], doc_actors: DocumentActors, lex: Lexicon, use_home: bool = True) -> Party | None:
    """One party from a phrase's words, or None when it names no one redline can code. With `use_home`, an
    unnamed official takes the article's country."""
    if not tokens:
        return None
    while len(tokens) > 1 and (tokens[0].pos_ in {"ADP", "PUNCT", "CCONJ"}):
        tokens = tokens[1:]  # "to Ukraine" → "Ukraine"
    indices = {t.i for t in tokens}
    text = tokens[0].doc[tokens[0].i: tokens[-1].i + 1].text
    if len(text) > 120:
        text = text[:117] + "…"
    in_phrase = [m for m in doc_actors.names if m.start in indices and not _names_a_line(m, tokens[0].doc)
                 and not _names_a_relation(m, tokens[0].doc)]
    # "Kenzo Oshima, the United Nations Emergency Relief Coordinator": the office named beside a person speaks.
    in_apposition = {t.i for a in tokens if a.dep_ == "appos" for t in a.subtree}
    # "King Hassan of Morocco": a country the phrase names beats the dictionary's guess for a person's title.
    in_phrase.sort(key=lambda m: (not (m.start in in_apposition and m.code[:3] in {"IGO", "NGO"}),
                                  split_code(m.code)[1] in OFFICE_SECTORS))
    sector = _sector_of(tokens, lex)
    code = None
    for match in in_phrase:
        country, own_sector = split_code(match.code)
        code = code or country
        sector = sector or own_sector
        if match.capital and tokens[0].i <= match.start and len(in_phrase) == 1 and len(tokens) <= 3:
            sector = sector or "GOV"  # "Pyongyang has dispatched …": the capital acts for its government
        if code:
            break
    if code is not None and in_phrase:
        lives_in = _where_they_live(tokens, in_phrase[0], code, doc_actors)
        if lives_in and lives_in != code:
            code, sector = lives_in, sector or "CVL"  # a people living in another state: its civilians, not the state
    if code is None:
        code = _country_referred_to(tokens, doc_actors, lex)
    if code is None and sector and sector not in FOREIGN_PRONE and use_home:
        code = doc_actors.home  # "a senior official", "the presidential office": the article's government
    if code is None and tokens[0].lower_ in FIRST_PERSON and len(tokens) == 1:
        return None  # resolved later from the speaker, when there is one
    if code is None and sector is None:
        return None
    return Party(text=text, code=code, sector=sector)




# "invaded the country", "the nation's president": a country named again by a common noun.
COUNTRY_NOUNS = {"country", "nation", "kingdom", "republic"}


def _country_referred_to(tokens: list[Token], doc_actors: DocumentActors, lex: Lexicon) -> str | None:
    """The country that "the country" names: the last country named before it, in its sentence or the one before
    ("US troops remain in Afghanistan, 18 years after Washington invaded the country")."""
    noun = next((t for t in tokens if t.lemma_.lower() in COUNTRY_NOUNS and t.pos_ == "NOUN"), None)
    if noun is None or not any(c.lower_ == "the" and c.dep_ == "det" for c in noun.children):
        return None
    doc = noun.doc
    sentence = noun.sent
    earliest = doc[sentence.start - 1].sent.start if sentence.start > 0 else sentence.start
    # not the subject of a verb it depends on: "Egypt sent troops to the country" is not Egypt (binding)
    subjects = {t.i for verb in noun.ancestors for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}
                for t in c.subtree}
    # a capital names its government ("Washington invaded"), a people ("Uzbeks, the nation's largest minority")
    # its kin, not the country spoken of
    before = [m for m in doc_actors.names if earliest <= m.start and m.end <= noun.i and len(m.code) == 3
              and m.start not in subjects and not m.capital and doc[m.start].ent_type_ != "NORP"
              and doc[m.end - 1].tag_ != "NNPS" and m.code not in lex.non_state_codes]
    return split_code(before[-1].code)[0] if before else None


# "a stronghold on the Thai border", "off the Somali coast": a country named as one side of a line is a place.
LINES = {"border", "frontier", "boundary", "coast", "coastline", "shore", "shores"}


def _names_a_line(match: NameMatch, doc: Doc) -> bool:
    return doc[match.end - 1].head.lemma_.lower() in LINES and doc[match.end - 1].dep_ in {"amod", "compound"}


# "Israel's militia ally in southern Lebanon", "Iran's proxies in Yemen": the one whose ally or proxy it is names
# a relation, not the party.
RELATIONS = {"ally", "proxy", "partner", "client", "friend", "enemy", "foe", "rival", "neighbour", "neighbor",
             "backer", "patron"}


def _names_a_relation(match: NameMatch, doc: Doc) -> bool:
    return any(t.dep_ == "poss" and t.head.lemma_.lower() in RELATIONS for t in doc[match.start: match.end])


def _where_they_live(tokens: list[Token], match: NameMatch, code: str, doc_actors: DocumentActors) -> str | None:
    """A people named where they live are that country's ("the Albanians of southern Serbia", "ethnic Turks …
    Sweden's decision to send them back"): groups are coded where they are, not by their kin state."""
    doc = tokens[0].doc
    if doc[match.start].ent_type_ != "NORP" and not _ethnic(doc, match):
        return None
    if doc[match.end - 1].dep_ in {"amod", "compound"} and not _ethnic(doc, match):
        return None  # "a Cambodian refugee camp in Thailand" is the Cambodians' camp
    country = split_code(code)[0]
    inside = {t.i for t in tokens}
    located = [m for m in doc_actors.names if m.start in inside and m is not match
               and doc[m.start].head.lower_ in {"of", "in"} and split_code(m.code)[0] not in {None, country}]
    if located:
        return split_code(located[0].code)[0]
    if not _ethnic(doc, match):
        return None
    sent = doc[match.start].sent
    others = [split_code(m.code)[0] for m in doc_actors.names
              if sent.start <= m.start < sent.end and m is not match and not _ethnic(doc, m)]
    return next((c for c in others if c and c != country), None)


def _ethnic(doc: Doc, match: NameMatch) -> bool:
    return match.start > 0 and doc[match.start - 1].lower_ == "ethnic"


def parties(head: Token | None, doc_actors: DocumentActors, lex: Lexicon) -> list[Party]:
    if head is None:
        return []
    counted = partitive_of(head)  # "scores of Sierra Leonean and Liberian refugees": those after "of", each
    if counted is not None:
        found = parties(counted, doc_actors, lex)
        if found:
            return found
    found = []
    for each in conjuncts(head):
        if each is not head and each.lemma_.lower() in lex.nominals:
            continue  # "deployments from Pyongyang or technology transfers from Russia": an act, not a party
        party = resolve(phrase(each), doc_actors, lex)
        if party is not None:
            found.append(party)
            found.extend(_coordinated_modifiers(each, party, doc_actors))
    return found


def _coordinated_modifiers(head: Token, first: Party, doc_actors: DocumentActors) -> list[Party]:
    """"French and Egyptian warships", "U.S. and Russian negotiators": one party per coordinated name."""
    starts = {m.start: m for m in doc_actors.names}
    extra = []
    for modifier in head.children:
        if modifier.dep_ not in {"amod", "compound", "nmod"}:
            continue
        for other in modifier.conjuncts:
            match = starts.get(other.i) or next((m for m in doc_actors.names if m.start <= other.i < m.end), None)
            country = split_code(match.code)[0] if match else None
            if country and country != first.code:
                extra.append(Party(text=other.text, code=country, sector=first.sector))
    return extra
