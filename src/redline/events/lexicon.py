"""The coder's dictionaries: verbs → CAMEO codes, names → actor codes, words → sectors, CAMEO → PLOVER.

Built by scripts/build_event_dictionaries.py from PETRARCH2's dictionaries (MIT) and PLOVER's CAMEO table
(CC BY-SA 4.0), plus redline's own additions in data/lexicon_redline.json. Loaded once per process.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

import pycountry

from redline.events.names import name_key

# Sectors we report; longer CAMEO agent strings are cut to their first three letters.
SECTORS = {
    "GOV", "MIL", "LEG", "JUD", "COP", "REB", "OPP", "PTY", "BUS", "MED", "CVL", "REF", "EDU", "LAB", "REL",
    "HLH", "ELI", "SPY", "UAF", "IGO", "NGO", "AGR", "ENV", "HRI", "CRM", "DEV", "INS", "MNC", "NGM", "SEP",
}
# CAMEO 02 (appeals) became part of PLOVER's REQUEST together with 10 (demands): same sub-codes.
APPEAL_TO_DEMAND = {"02": "10"}
# CAMEO 01 (public statements) is dropped by PLOVER; redline keeps an explicit "make a statement" as an
# extension type so that an expected statement can be watched.
STATEMENT = "STATEMENT"


def _data(name: str):
    return json.loads(resources.files("redline.events").joinpath("data", name).read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Pattern:
    """A verb pattern ready to match: each word as the set of spellings it accepts (synonym sets expanded)."""

    pre: tuple[frozenset[str], ...]
    post: tuple[frozenset[str], ...]
    code: str
    verbs: frozenset[str]


@dataclass(frozen=True)
class Plover:
    event: str
    mode: str | None
    context: tuple[str, ...]
    cameo: str


class Lexicon:
    def __init__(self) -> None:
        verbs = _data("verbs.json")
        self.synsets: dict[str, set[str]] = {k: set(v) for k, v in verbs["synsets"].items()}
        self.blocks: dict[str, dict] = verbs["blocks"]
        self.verbs: dict[str, list[dict]] = verbs["verbs"]
        self.actors: dict[str, list] = _data("actors.json")
        # PETRARCH2's "people" agent (PPL) is what CAMEO calls civilians.
        self.agents: dict[str, str] = {k: ("CVL" if v == "PPL" else v) for k, v in _data("agents.json").items()}
        self.cameo_plover: dict[str, dict] = _data("cameo_plover.json")
        own = _data("lexicon_redline.json")
        for name, code in own["names"].items():
            if not name.startswith("_"):
                self.actors.setdefault(name_key(name), [[code, None, None]])
        # code → the CAMEO table's PLOVER type, where the manual's reading overrides it
        self.table_events: dict[str, str] = {}
        for code, reading in own["plover_overrides"].items():
            if not code.startswith("_"):
                if code in self.cameo_plover:
                    self.table_events[code] = self.cameo_plover[code]["event"]
                event, _, mode = reading.partition(":")
                # a code the table lacks (PETRARCH2's 176, hacking) gets its reading from the manual alone
                table = self.cameo_plover.get(code, {"context": [], "description": "", "mode": None})
                self.cameo_plover[code] = {**table, "event": event, "mode": mode or table["mode"]}
        for name, sector in own["agents"].items():
            self.agents.setdefault(name_key(name), sector)
        self.capitals: dict[str, str] = own["capitals"]
        self.seats: dict[str, list[str]] = own["seats"]
        self.frames: dict[str, str] = {k: v for k, v in own["frames"].items() if not k.startswith("_")}
        self.nominals: dict[str, str] = {k: v for k, v in own["nominals"].items() if not k.startswith("_")}
        self.military_objects: set[str] = set(own["military_objects"])
        self.legacy_codes: dict[str, str] = {k: v for k, v in own["legacy_codes"].items() if not k.startswith("_")}
        self.non_state_codes: set[str] = set(own["non_state_codes"])  # IGO, NGO, …: coded like countries, not states
        self.country_codes: set[str] = {c.alpha_3 for c in pycountry.countries} | {"XKX"} | self.non_state_codes
        self.verb_objects: list[tuple[frozenset, frozenset, str]] = [
            (frozenset(r["verbs"]), frozenset(r["objects"]), r["code"]) for r in own["verb_objects"]["rules"]]
        self.contexts: dict[str, frozenset[str]] = {
            name: frozenset(words) for name, words in own["contexts"].items() if not name.startswith("_")}
        self.verb_codes: dict[str, str] = {k: v for k, v in own["verb_codes"].items() if not k.startswith("_")}
        self.max_name_words = 8
        # The first word of every name, with the longest name it starts: most tokens start no name at all.
        self.name_starts: dict[str, int] = {}
        for key in (*self.actors, *self.capitals, *self.seats):
            words = key.split()
            if words:
                first = words[0]
                self.name_starts[first] = max(self.name_starts.get(first, 0), len(words))
        self._patterns: dict[str, list[Pattern]] = {}

    # ---- verb patterns ----

    def patterns(self, block: str) -> list[Pattern]:
        """The block's patterns with at least one word, compiled once."""
        compiled = self._patterns.get(block)
        if compiled is None:
            compiled = [Pattern(tuple(self._accepted(w) for w in p["pre"]), tuple(self._accepted(w) for w in p["post"]),
                                p["code"], frozenset(p["verbs"]))
                        for p in self.blocks.get(block, {}).get("patterns", []) if p["pre"] or p["post"]]
            self._patterns[block] = compiled
        return compiled

    def _accepted(self, word: str) -> frozenset[str]:
        if word.startswith("&"):
            return frozenset(self.synsets.get(word[1:], ()))
        return frozenset((word, word[:-1])) if word.endswith("s") else frozenset((word,))

    # ---- names ----

    def actor_code(self, key: str, on: date | None = None) -> str | None:
        """The CAMEO actor code for a name key ("north korea" → "PRK"), the role held on a date if dated."""
        if key in self.seats:
            return "".join(self.seats[key])
        roles = self.actors.get(key)
        if not roles:
            return None
        # Of the roles that hold (on the date; undated, those without end), the one begun last is the current one:
        # it also outranks slips such as Turkmenistan's "[USRTKM >911016]" (after independence, not before).
        if on is not None:
            when = on.isoformat()
            held = [r for r in roles if (r[1] is None or r[1] <= when) and (r[2] is None or when <= r[2])]
            if held:
                return max(held, key=lambda r: r[1] or "")[0]
        open_ended = [r for r in roles if r[2] is None]
        if open_ended:
            return max(open_ended, key=lambda r: r[1] or "")[0]
        return max(roles, key=lambda r: r[2] or "")[0]

    def sector(self, key: str) -> str | None:
        return self.agents.get(key)

    # ---- CAMEO → PLOVER ----

    def plover(self, cameo: str) -> Plover | None:
        lookup = APPEAL_TO_DEMAND.get(cameo[:2], cameo[:2]) + cameo[2:]
        while lookup and lookup not in self.cameo_plover:
            lookup = lookup[:-1]
        entry = self.cameo_plover.get(lookup)
        if not entry or not entry["event"].isalpha():
            return None
        return Plover(entry["event"], entry["mode"], tuple(c.replace("_", " ") for c in entry["context"]), cameo)


def split_code(code: str) -> tuple[str | None, str | None]:
    """'PRKGOV' → ('PRK', 'GOV'); 'IGOUNO' → ('IGO', None); 'PSEREBHMS' → ('PSE', 'REB'); legacy codes to
    ISO ('USRGOV' → 'RUS'); regions ('MEAREB') name no country: (None, 'REB')."""
    lex = lexicon()
    country, rest = code[:3], code[3:]
    country = lex.legacy_codes.get(country, country)
    if country not in lex.country_codes:
        country = None
    for i in range(0, len(rest), 3):
        if rest[i:i + 3] in SECTORS:
            return country, rest[i:i + 3]
    return country, None


@cache
def lexicon() -> Lexicon:
    return Lexicon()


def default_cameo(event: str) -> str | None:
    """The CAMEO code that stands for a PLOVER type when no pattern gave a finer one: the type's lowest code with
    no mode, else the lowest code of its most common mode ("ACCUSE" → 110, disapprove)."""
    return _default_cameos().get(event)


@cache
def _default_cameos() -> dict[str, str]:
    by_event: dict[str, list[tuple[str, str | None]]] = {}
    for code, entry in lexicon().cameo_plover.items():
        if entry["event"].isalpha():
            by_event.setdefault(entry["event"], []).append((code, entry["mode"]))
    chosen = {}
    for event, codes in by_event.items():
        plain = sorted(c for c, mode in codes if not mode)
        if plain:
            chosen[event] = min(plain, key=lambda c: (len(c), c))
            continue
        modes = [mode for _, mode in codes]
        common = max(set(modes), key=lambda m: (modes.count(m), m))
        chosen[event] = min((c for c, mode in codes if mode == common), key=lambda c: (len(c), c))
    return chosen
