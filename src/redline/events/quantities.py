"""How many, and of what: "more than 12,000 North Korean soldiers" → 12000, more than, soldiers, kind troops.

A count is read from its digits or its words ("1,500", "15-hundred", "eight-thousand", "four thousand five
hundred", "half a million", "$50bn"), with the words before it that bound it ("more than", "at least", "up to",
"about"), a range ("between 1,000 and 2,000", "3,000 to 5,000") or an order of magnitude ("thousands of",
"tens of thousands of"). The unit stays as printed; its *kind* is what an indicator measures: soldiers,
servicemen and fighters are troops; the killed, wounded and dead are casualties, whatever noun counts them;
the captured and the held are prisoners; shells and rounds are munitions.
"""

from __future__ import annotations

import re

from spacy.tokens import Span, Token

from redline.records import Quantity

UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "dozen": 12,
}
SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000, "trillion": 10**12,
          "k": 1_000, "m": 1_000_000, "mn": 1_000_000, "bn": 1_000_000_000, "b": 1_000_000_000, "tn": 10**12}
# "thousands of troops": an order of magnitude (its lower end), not a count.
ORDERS = {"dozens": 12, "scores": 20, "hundreds": 100, "thousands": 1_000, "tens": 10, "millions": 1_000_000,
          "billions": 1_000_000_000}
# "a few thousand", "several hundred": about three of them.
FEW = {"few": 3, "several": 3, "couple": 2}
# The words before a count that bound it, longest first, and what they make it.
BOUNDS = [
    (("no", "fewer", "than"), "at_least"), (("no", "less", "than"), "at_least"), (("at", "least"), "at_least"),
    (("a", "minimum", "of"), "at_least"), (("no", "more", "than"), "at_most"), (("more", "than"), "more_than"),
    (("in", "excess", "of"), "more_than"), (("upwards", "of"), "more_than"), (("up", "to"), "at_most"),
    (("as", "many", "as"), "at_most"), (("at", "most"), "at_most"), (("fewer", "than"), "less_than"),
    (("less", "than"), "less_than"), (("close", "to"), "about"), (("an", "estimated"), "about"),
    (("over",), "more_than"), (("under",), "less_than"), (("below",), "less_than"), (("about",), "about"),
    (("around",), "about"), (("some",), "about"), (("roughly",), "about"), (("approximately",), "about"),
    (("nearly",), "about"), (("almost",), "about"), (("estimated",), "about"), (("circa",), "about"),
    (("c.",), "about"), (("~",), "about"), (("approx.",), "about"),
]
CURRENCIES = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₩": "KRW", "dollar": "USD", "euro": "EUR",
              "pound": "GBP", "yen": "JPY", "won": "KRW", "rouble": "RUB", "ruble": "RUB", "yuan": "CNY"}
NUMBER = re.compile(r"^\d[\d,]*(\.\d+)?$")
ABBREVIATED = re.compile(r"^(\d[\d,]*(?:\.\d+)?)(k|m|mn|bn|b|tn)$", re.IGNORECASE)  # "50bn", "2m"

# The kind a unit counts, by its lemma.
KINDS = {
    "troops": {"troop", "soldier", "serviceman", "servicemen", "personnel", "force", "fighter", "marine",
               "paratrooper", "reservist", "mercenary", "peacekeeper", "infantryman", "commando", "conscript",
               "recruit", "operator", "adviser", "advisor", "instructor", "guardsman", "sailor", "airman",
               "special-forces", "militant", "militiaman", "contractor", "trooper", "battalion", "brigade"},
    "casualties": {"casualty", "death", "dead", "fatality", "wounded", "injured", "killed"},
    "prisoners": {"prisoner", "hostage", "detainee", "captive", "pow", "pows", "abductee"},
    "refugees": {"refugee", "evacuee", "asylum-seeker", "displaced"},
    "munitions": {"shell", "round", "munition", "ammunition", "bullet", "mortar", "grenade", "cartridge", "bomb"},
    "missiles": {"missile", "interceptor", "rocket", "warhead"},
    "drones": {"drone", "uav", "shahed"},
    "aircraft": {"aircraft", "jet", "plane", "warplane", "helicopter", "bomber", "airplane", "fighter-jet"},
    "ships": {"ship", "warship", "vessel", "frigate", "destroyer", "submarine", "boat", "tanker", "corvette"},
    "vehicles": {"vehicle", "tank", "truck", "apc", "howitzer", "lorry", "convoy"},
}
KIND_OF = {lemma: kind for kind, lemmas in KINDS.items() for lemma in lemmas}
# People a count may be of, whose fate (killed, held, fled) decides their kind.
PEOPLE = KINDS["troops"] | {"people", "person", "civilian", "resident", "protester", "officer", "child", "man",
                            "woman", "worker", "villager", "student", "journalist", "family", "citizen",
                            "demonstrator", "member", "passenger", "official", "national", "inhabitant",
                            "ukrainian", "russian", "korean", "palestinian", "israeli", "migrant"}
HARMED = {"kill", "wound", "injure", "die", "murder", "slay", "massacre", "execute", "hurt", "maim"}
HELD = {"capture", "arrest", "detain", "abduct", "kidnap", "seize", "imprison", "jail", "free", "release",
        "exchange", "hold", "swap", "hostage"}
FLED = {"flee", "displace", "evacuate", "escape", "uproot"}
FATE = [(HARMED, "casualties"), (HELD, "prisoners"), (FLED, "refugees")]
DEATH_WORDS = {"dead", "wounded", "injured", "killed"}  # "left 1,000 dead"


def _number(token: Token) -> float | None:
    text, word = token.text, token.lower_
    if word in UNITS:
        return float(UNITS[word])
    if NUMBER.match(text):
        return float(text.replace(",", ""))
    abbreviated = ABBREVIATED.match(text)
    if abbreviated:
        return float(abbreviated.group(1).replace(",", "")) * SCALES[abbreviated.group(2).lower()]
    return None


def _spelled(tokens: list[Token]) -> float | None:
    """A number of several words: "four thousand five hundred", "twenty-five", "15-hundred", "1.5 million"."""
    total = current = 0.0
    seen = False
    for token in tokens:
        word = token.lower_
        if word in {"-", "and"}:
            continue
        number = _number(token)
        if number is not None:
            current += number
            seen = True
        elif word in SCALES and seen:
            scale = SCALES[word]
            if scale >= 1000:
                total += (current or 1) * scale
                current = 0.0
            else:
                current = (current or 1) * scale
        else:
            break
    return total + current if seen else None


def _number_words(sent: Span, start: Token) -> list[Token]:
    """The words of the number beginning at `start`: digits or number words, scales, and the hyphens and "and"
    between them ("eight-thousand", "four thousand five hundred", "1.5 million")."""
    words = [start]
    index = start.i + 1
    while index < sent.end:
        token = sent.doc[index]
        word = token.lower_
        joins = word in {"-", "and"} and index + 1 < sent.end and (
            sent.doc[index + 1].lower_ in SCALES or sent.doc[index + 1].lower_ in UNITS)
        if word == "and" and joins and words[-1].lower_ not in SCALES:
            break  # "nine people and 21": two counts, not one
        if word in SCALES or (word in UNITS and (words[-1].lower_ in SCALES or words[-1].lower_ == "-")) or joins:
            words.append(token)
            index += 1
            continue
        if word in UNITS and words[-1].lower_ in UNITS and UNITS[words[-1].lower_] >= 20 and UNITS[word] < 10:
            words.append(token)  # "twenty five"
            index += 1
            continue
        break
    while words[-1].lower_ in {"-", "and"}:
        words.pop()
    return words


def _bound(sent: Span, first: Token) -> tuple[str | None, Token | None]:
    """The bound the words before the count give it, and the first of those words."""
    before = [t.lower_ for t in sent.doc[max(sent.start, first.i - 3): first.i]]
    for words, bound in BOUNDS:
        if tuple(before[-len(words):]) == words:
            return bound, sent.doc[first.i - len(words)]
    return None, None


def _unit_of(token: Token, last: Token) -> Token | None:
    """The noun the number counts: the head of the number's last word for 'nummod', through 'of' for 'thousands
    of troops' or '95 prisoners of war'."""
    for word in (last, token):
        head = word.head
        if word.dep_ in {"nummod", "quantmod", "compound"} and head.pos_ in {"NOUN", "PROPN"} and head.i > word.i \
                and head.lower_ not in ORDERS and head.lower_ not in SCALES:
            return head
    for word in (last, token):
        for child in word.children:
            if child.dep_ == "prep" and child.lower_ == "of":
                objects = [c for c in child.children if c.dep_ == "pobj"]
                if objects:
                    if objects[0].lower_ in ORDERS:  # "tens of thousands of soldiers"
                        return _unit_of(objects[0], objects[0])
                    return objects[0]
    head = last.head
    if head.pos_ in {"NOUN", "PROPN"} and head.i > last.i:
        return head
    following = last.doc[last.i + 1] if last.i + 1 < len(last.doc) else None
    if following is not None and following.lower_ in DEATH_WORDS:
        return following  # "left 1,000 dead"
    return None


def _counts_a_noun(token: Token) -> bool:
    head = token.head
    return token.dep_ == "nummod" and head.pos_ == "NOUN" and head.ent_type_ not in {"DATE", "TIME"} \
        and head.lemma_.lower() not in {"year", "month", "week", "day", "hour", "minute", "decade", "century"}


def _kind(unit: Token | None, number: Token, currency: str | None) -> str | None:
    """What the count is of: money, the unit's own kind, or the fate of the people it counts."""
    if currency:
        return "money"
    if unit is None:
        # "Casualties … reached roughly 4,000": the count is the subject's
        verb = number.head if number.dep_ in {"dobj", "attr", "pobj", "npadvmod"} else None
        if verb is not None and verb.dep_ == "prep":
            verb = verb.head
        subject = next((c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}), None) if verb else None
        return KIND_OF.get(subject.lemma_.lower()) if subject is not None else None
    lemma = unit.lemma_.lower()
    if lemma in PEOPLE or unit.lower_ in PEOPLE:
        fate = _fate(unit)
        if fate:
            return fate
    return KIND_OF.get(lemma) or KIND_OF.get(unit.lower_)


def _fate(unit: Token) -> str | None:
    """"200 soldiers were killed", "the attack killed nine people", "captured two soldiers", "3,000 residents were
    displaced", "1,000 dead and many more wounded": people counted by what happened to them."""
    if any(c.lower_ in DEATH_WORDS and c.dep_ in {"amod", "acl"} for c in unit.children):
        return "casualties"
    if unit.dep_ == "pobj" and unit.head.lower_ == "of":
        unit = unit.head.head  # "thousands of civilians have been killed": the count word holds the role
    verbs = [unit.head] if unit.dep_ in {"nsubj", "nsubjpass", "dobj"} else []
    verbs += [c for verb in list(verbs) for c in verb.children if c.dep_ == "conj" and c.pos_ == "VERB"]
    for verb in verbs:
        lemma = verb.lemma_.lower()
        active_subject = unit.dep_ == "nsubj" and lemma not in {"die", "flee", "escape"}
        if active_subject:
            continue  # "soldiers killed civilians": the soldiers are not the casualties
        for lemmas, kind in FATE:
            if lemma in lemmas:
                return kind
    return None


def _range_end(sent: Span, token: Token, last: Token) -> tuple[float | None, int | None]:
    """The other end of a range: "between 1,000 and 2,000", "1,000 to 2,000", "1,000-2,000"."""
    previous = sent.doc[token.i - 1] if token.i > sent.start else None
    if previous is not None and previous.lower_ == "between":
        partner = next((t for t in sent.doc[last.i + 1: min(last.i + 4, sent.end)] if _number(t) is not None), None)
        if partner is not None:
            return _spelled(_number_words(sent, partner)), partner.i
    after = sent.doc[last.i + 1: min(last.i + 3, sent.end)]
    if len(after) == 2 and after[0].lower_ in {"to", "-", "–"} and _number(after[1]) is not None:
        return _spelled(_number_words(sent, after[1])), after[1].i
    return None, None


def read_quantities(sent: Span, skip: set[int] | None = None) -> list[tuple[Quantity, Token | None]]:
    """Every quantity in a sentence, with the noun it counts (for whose it is)."""
    skip = skip or set()
    found: list[tuple[Quantity, Token | None]] = []
    used: set[int] = set()
    for token in sent:
        if token.i in used or token.i in skip or token.ent_type_ in {"ORDINAL", "PERCENT"}:
            continue
        if token.ent_type_ in {"DATE", "TIME"} and not _counts_a_noun(token):
            continue  # "in 2024", "at 5 pm"; but "between 20 and 30 people", tagged a date, counts people
        read = _read_count(sent, token)
        if read is None:
            continue
        quantity, unit_token, words = read
        used.update(words)
        found.append((quantity, unit_token))
    return found


def _read_count(sent: Span, token: Token) -> tuple[Quantity, Token | None, set[int]] | None:
    word = token.lower_
    following = sent.doc[token.i + 1] if token.i + 1 < sent.end else None
    order = word in ORDERS and any(c.lower_ == "of" for c in token.children) or (
        word in ORDERS and following is not None and following.lower_ == "of")
    few = word in FEW and following is not None and following.lower_ in SCALES
    half = word == "half" and following is not None and following.lower_ == "a" and token.i + 2 < sent.end \
        and sent.doc[token.i + 2].lower_ in SCALES
    if not (order or few or half or token.like_num or _number(token) is not None):
        return None
    if order:
        value, words = float(ORDERS[word]), [token]
        if following is not None and following.lower_ == "of" and token.i + 2 < sent.end \
                and sent.doc[token.i + 2].lower_ in ORDERS:
            value *= ORDERS[sent.doc[token.i + 2].lower_]  # "tens of thousands"
            words = [token, following, sent.doc[token.i + 2]]
    elif few:
        value, words = float(FEW[word] * SCALES[following.lower_]), [token, following]
    elif half:
        value, words = 0.5 * SCALES[sent.doc[token.i + 2].lower_], [token, following, sent.doc[token.i + 2]]
    else:
        words = _number_words(sent, token)
        value = _spelled(words)
    if value is None:
        return None
    last = words[-1]
    bound, bound_word = _bound(sent, token)
    if bound is None and token.i > sent.start and sent.doc[token.i - 1].text in CURRENCIES:
        bound, bound_word = _bound(sent, sent.doc[token.i - 1])  # "about €2 million"
    if word == "a" or (token.i > sent.start and sent.doc[token.i - 1].lower_ == "a" and word in {"dozen", "few"}):
        bound_word = None
    if few and bound is None:
        bound = "about"
    if order:
        bound = "order"
    low, high = None, None
    other_end, other_index = _range_end(sent, token, last)
    used = {t.i for t in words}
    if other_end is not None:
        low, high, bound = value, other_end, "range"
        used.add(other_index)
    previous = sent.doc[token.i - 1] if token.i > sent.start else None
    unit_token = _unit_of(token, last)
    if unit_token is None and other_index is not None:
        unit_token = _unit_of(sent.doc[other_index], sent.doc[other_index])  # "3,000 to 5,000 soldiers"
    currency = CURRENCIES.get(previous.text) if previous is not None else None
    abbreviated = ABBREVIATED.match(token.text)
    if currency and (unit_token is None or unit_token.i < token.i or abbreviated):
        unit_token = previous  # "$100 million": the sum belongs where the currency sign hangs
    elif unit_token is not None and unit_token.lemma_.lower() in CURRENCIES:
        currency = CURRENCIES[unit_token.lemma_.lower()]  # "300 billion dollars"
    unit = currency or (unit_token.lemma_.lower() if unit_token is not None else None)
    if unit_token is not None and not currency and unit_token.lower_.endswith("s") \
            and unit_token.lemma_.lower() == unit_token.lower_:
        unit = unit_token.lower_
    if unit == "troop":
        unit = "troops"
    start = bound_word.i if bound_word is not None else (previous.i if currency and previous is not None else token.i)
    end = unit_token.i + 1 if unit_token is not None and unit_token.i > last.i else last.i + 1
    if currency and unit_token is previous:
        end = last.i + 1
    quantity = Quantity(value=value, unit=unit, text=sent.doc[start:end].text, low=low, high=high,
                        approximate=(bound or "exact") not in {"exact", "range"}, bound=bound or "exact",
                        kind=_kind(unit_token, last, currency))
    return quantity, unit_token, used
