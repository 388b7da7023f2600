"""Build redline's event dictionaries from the kept reference files.

    python scripts/build_event_dictionaries.py [../shared/reference]

Reads PETRARCH2's CAMEO verb patterns, actor and agent dictionaries (MIT), PLOVER's CAMEO→PLOVER table
(CC BY-SA 4.0) and pycountry's ISO 3166 names and writes compact JSON into src/redline/events/data/. The outputs are committed, so the package
never needs the reference folder at run time; rerun this when the references change. redline's own additions
live beside the outputs in files written by hand (verbs_redline.txt, places.json) and are not touched here.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from redline.events.names import name_key  # noqa: E402

OUT = ROOT / "src" / "redline" / "events" / "data"
CODE = re.compile(r"\[([^\]]*)\]")


def _strip_comment(line: str) -> str:
    return line.split("#", 1)[0].rstrip()


def _words(spec: str) -> str:
    """A dictionary spelling ("KOREA,_NORTH_") as a lookup key ("korea north")."""
    return name_key(spec.replace("_", " "))


# ---- verbs ---------------------------------------------------------------------------------------


def read_synsets(lines: list[str]) -> dict[str, list[str]]:
    synsets: dict[str, list[str]] = {}
    current = None
    for line in lines:
        text = _strip_comment(line).strip()
        if text.startswith("&") and not text.startswith("&&"):
            current = text[1:].rstrip("_")
            synsets[current] = []
        elif text.startswith("+") and current:
            synsets[current].append(_words(text[1:]))
        elif text.startswith("---"):
            break
        elif not text:
            continue
        else:
            current = None
    return synsets


def _pattern_words(part: str) -> list[str]:
    """Words of one side of a pattern, as lookup keys or '&SYNSET' references; actor slots dropped."""
    part = part.replace("{", " ").replace("}", " ").replace("(", " ").replace(")", " ")
    words = []
    for token in part.split():
        if token in {"$", "+", "^", "%", "*"} or token.startswith("="):
            continue
        if token.startswith("&"):
            words.append(token.rstrip("_"))
        else:
            key = _words(token)
            if key:
                words.extend(key.split())
    return words


def _add_verb(verbs: dict[str, list], word: str, entry: dict) -> None:
    """A word may head several verbs ("call", "call off", "call for"): keep one entry per particle list."""
    entries = verbs.setdefault(word, [])
    if all(e["rest"] != entry["rest"] for e in entries):
        entries.append(entry)


def read_verbs(path: Path) -> dict:
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    synsets = read_synsets(lines)
    blocks: dict[str, dict] = {}
    verbs: dict[str, list] = {}
    block = None
    for line in lines:
        if line.startswith("---"):
            match = re.match(r"---\s+(\S+)\s+\[([^\]]*)\]", line)
            if match:
                block = match.group(1)
                blocks[block] = {"code": match.group(2).split(":")[0], "patterns": []}
            continue
        if block is None or not line.strip() or line.startswith("#") or line.startswith("~"):
            continue
        if line.startswith("-"):
            body, _, comment = line[1:].partition("#")
            codes = CODE.findall(body)
            if not codes or "*" not in body:
                continue
            body = CODE.sub("", body)
            pre, _, post = body.partition("*")
            applies = [_words(v) for v in re.split(r"[,\s]+", comment.strip()) if v and v.isalpha()]
            blocks[block]["patterns"].append({
                "pre": _pattern_words(pre),
                "post": _pattern_words(post),
                "code": codes[0].split(":")[0].strip(),
                "verbs": [v for v in applies if v],
            })
            continue
        if line[0].isalpha() or line[0] == "+":
            text = _strip_comment(line).lstrip("+")
            codes = CODE.findall(text)
            forms = re.findall(r"\{([^}]*)\}", text)
            head = re.sub(r"\{[^}]*\}|\[[^\]]*\]", " ", text).split()
            if not head:
                continue
            words = _words(head[0]).split()
            if not words:
                continue
            entry = {"block": block, "code": codes[0].split(":")[0].strip() if codes else None, "rest": words[1:]}
            _add_verb(verbs, words[0], entry)
            for group in forms:
                for form in group.split():
                    form_words = _words(form).split()
                    if form_words:
                        _add_verb(verbs, form_words[0], entry)
    # A verb named only in a block's header or in a pattern's comment ("# URGE") still belongs to the block.
    for name, data in blocks.items():
        named = {_words(name)} if name.isalpha() else set()
        named.update(v for pattern in data["patterns"] for v in pattern["verbs"] if " " not in v)
        for verb in named:
            if not any(not e["rest"] for e in verbs.get(verb, [])):
                _add_verb(verbs, verb, {"block": name, "code": None, "rest": []})
    return {"synsets": synsets, "blocks": blocks, "verbs": verbs}


# ---- actors --------------------------------------------------------------------------------------


def _date(text: str) -> str | None:
    digits = re.sub(r"\D", "", text)
    if len(digits) == 8:
        year, rest = digits[:4], digits[4:]
    elif len(digits) == 6:
        yy = int(digits[:2])
        year, rest = str(2000 + yy if yy <= 30 else 1900 + yy), digits[2:]
    else:
        return None
    month, day = int(rest[:2]) or 1, int(rest[2:]) or 1
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year}-{month:02d}-{day:02d}"


def _role(spec: str) -> list:
    """'PRKGOV 570920-721228' → ['PRKGOV', '1957-09-20', '1972-12-28']; '>980905' opens, '<…' closes."""
    parts = spec.split()
    if not parts:
        return []
    code, start, end = parts[0], None, None
    if len(parts) > 1:
        span = parts[1]
        if span.startswith(">"):
            start = _date(span[1:])
        elif span.startswith("<"):
            end = _date(span[1:])
        elif "-" in span:
            left, right = span.split("-", 1)
            start, end = _date(left), _date(right)
    return [code, start, end]


def read_actors(path: Path, actors: dict[str, list]) -> None:
    """Add 'name key → [[code, start, end], …]' from one PETRARCH actor file."""
    names: list[str] = []
    roles: list[list] = []

    def flush():
        if names and roles:
            for name in names:
                known = actors.setdefault(name, [])
                for role in roles:
                    if role not in known:
                        known.append(role)

    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if raw.startswith("#") or not raw.strip():
            continue
        if raw[0] in " \t":
            roles.extend(_role(code) for code in CODE.findall(_strip_comment(raw)) if code.strip())
            continue
        line = _strip_comment(raw)
        if not line.strip():
            continue
        codes = [c for c in CODE.findall(line) if c.strip()]
        name = _words(CODE.sub(" ", line).strip().lstrip("+"))
        if line.startswith("+"):
            if name:
                names.append(name)
            roles.extend(_role(c) for c in codes)
            continue
        flush()
        names = [name] if name else []
        roles = [_role(c) for c in codes]
    flush()


def read_agents(path: Path) -> dict[str, str]:
    macros: dict[str, list[str]] = {}
    agents: dict[str, str] = {}
    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        line = _strip_comment(raw).strip()
        if not line:
            continue
        macro = re.match(r"(!\w+!)\s*=\s*(.+)", line)
        if macro:
            macros[macro.group(1)] = [w.strip() for w in macro.group(2).split(",")]
            continue
        codes = CODE.findall(line)
        if not codes:
            continue
        sector = codes[0].strip().lstrip("~")[:3]
        spec = CODE.sub("", line).strip()
        spellings = [spec]
        for name, expansions in macros.items():
            if name in spec:
                spellings = [s.replace(name, f" {e} " if spec.strip() != name else e) for s in spellings
                             for e in expansions]
        for spelling in spellings:
            key = _words(spelling)
            if key and sector.isalpha():
                agents.setdefault(key, sector)
    return agents


def add_pycountry(actors: dict[str, list]) -> None:
    """ISO 3166 names (short, official, common) for countries the PETRARCH files spell otherwise or lack."""
    import pycountry

    for country in pycountry.countries:
        for attribute in ("name", "official_name", "common_name"):
            name = getattr(country, attribute, None)
            if name:
                actors.setdefault(_words(name), [[country.alpha_3, None, None]])


# ---- CAMEO → PLOVER ------------------------------------------------------------------------------


def read_cameo_plover(path: Path) -> dict[str, dict]:
    table = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        match = re.match(r"(\d{2,4}):\s*([^#]*)#?\s*(.*)", raw)
        if not match or len(match.group(1)) == 2:
            continue
        fields = [f.strip() for f in match.group(2).split(",")]
        fields += [""] * (3 - len(fields))
        contexts = [c.strip() for c in re.split(r"[;,]", fields[2]) if c.strip()]
        table[match.group(1)] = {
            "event": fields[0],
            "mode": fields[1].strip() or None,
            "context": contexts,
            "description": match.group(3).strip(),
        }
    return table


def main(reference: Path) -> None:
    petrarch = reference / "petrarch2"
    OUT.mkdir(parents=True, exist_ok=True)
    verbs = read_verbs(petrarch / "CAMEO.2.0.txt")
    actors: dict[str, list] = {}
    for name in ("Phoenix.Countries.actors.txt", "Phoenix.International.actors.txt",
                 "Phoenix.MilNonState.actors.txt"):
        read_actors(petrarch / name, actors)
    add_pycountry(actors)
    agents = read_agents(petrarch / "Phoenix.agents.txt")
    plover = read_cameo_plover(reference / "plover" / "CAMEO2PLOVER-2021.txt")
    outputs = {"verbs.json": verbs, "actors.json": actors, "agents.json": agents, "cameo_plover.json": plover}
    for name, data in outputs.items():
        (OUT / name).write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True))
        print(f"{name}: {len(data)} entries")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "reference")
