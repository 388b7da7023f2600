"""Report: the morning brief — what changed, why, and on whose word — as Markdown, HTML or PDF.

    build_brief(store, since=…, boards=[…]) → Brief      the facts, each with its citations
    render(brief, "md" | "html") → str; write_pdf(brief, path)

A brief says what changed since the last one (stage, indicator levels, new and growing stories), then tells each
story: the facts its outlets agree on, what each outlet adds, the numbers they disagree on, the quotes and who
said them, and a timeline. Every line carries its citations (outlet, date, link): nothing is said on no one's word.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from redline.records import Article, utcnow, web_url
from redline.store import Store
from redline.stories.facts import unique_facts

FORMATS = ("md", "html", "pdf")


@dataclass
class Citation:
    outlet: str
    date: str  # YYYY-MM-DD, or "" when the report is undated
    url: str | None
    article_id: str

    @classmethod
    def of(cls, article: Article | dict) -> "Citation":
        get = article.get if isinstance(article, dict) else lambda key: getattr(article, key)
        published = get("published")
        if isinstance(published, datetime):
            published = published.isoformat()
        article_id = get("article_id") if isinstance(article, dict) else article.id
        return cls(outlet=get("outlet") or "unknown outlet", date=(published or "")[:10], url=get("url"),
                   article_id=article_id or get("id"))


@dataclass
class Fact:
    """One thing the reports say, in the words of the first report that said it, with everyone who said it."""

    text: str
    citations: list[Citation]
    label: str = ""  # "PRK → RUS · AID · reported · 1,500 troops"
    date: str = ""

    def __post_init__(self):
        self.text = " ".join(self.text.split())  # a quote across paragraphs is one line of the brief


@dataclass
class StoryBrief:
    id: str
    title: str
    status: str  # new | growing | ongoing
    first_seen: datetime | None
    last_seen: datetime | None
    reports: list[tuple[Citation, str, bool]]  # (citation, title, independent)
    facts: list[Fact]  # what the outlets report (each event once, cited by all that report it)
    adds: dict[str, list[Fact]]  # outlet → what only it reports
    numbers: list[dict]  # [{unit, what, figures: [(value, citations)]}]: figures the sources disagree on
    contradictions: list[Fact]  # what one outlet reports and another denies
    quotes: list[Fact]
    timeline: list[Fact]


@dataclass
class Brief:
    since: datetime | None
    created_at: datetime
    boards: list = field(default_factory=list)  # watch.Board, one per watchlist
    changes: list[dict] = field(default_factory=list)  # alerts since the last brief (Alert.to_json())
    stories: list[StoryBrief] = field(default_factory=list)


def build_brief(store: Store, *, since: datetime | None = None, boards=(), embed=None,
                max_stories: int = 20) -> Brief:
    """Everything since `since` (the whole store when None)."""
    brief = Brief(since=since, created_at=utcnow(), boards=list(boards))
    for board in brief.boards:
        brief.changes += [a for a in store.alerts(board.watchlist.id, limit=None)
                          if since is None or datetime.fromisoformat(a["created_at"]) >= since]
    brief.changes.sort(key=lambda a: a["as_of"])
    for story in store.stories(limit=None):
        if since is not None and story["last_seen"] and story["last_seen"] < since:
            continue
        brief.stories.append(story_brief(store, story, since=since, embed=embed))
        if len(brief.stories) >= max_stories:
            break
    return brief


def story_brief(store: Store, story: dict, *, since: datetime | None = None, embed=None) -> StoryBrief:
    members = store.story_articles(story["id"])
    events = store.events(limit=None, story=story["id"])
    status = "new" if since is None or (story["first_seen"] and story["first_seen"] >= since) else "growing"
    originals = [a for a in members if not a.duplicate_of]
    return StoryBrief(
        id=story["id"], title=story["title"] or (members[0].title if members else story["id"]), status=status,
        first_seen=story["first_seen"], last_seen=story["last_seen"],
        reports=[(Citation.of(a), a.title or a.id, not (a.duplicate_of or a.derived_from)) for a in members],
        facts=_facts(events), adds=_adds(originals, embed), numbers=_disputed_numbers(events),
        contradictions=_contradictions(events),
        quotes=_quotes(events), timeline=_timeline(events),
    )


def _event_label(event: dict) -> str:
    parties = " → ".join(", ".join(p["code"] or p["text"] for p in side) or "?" for side in (event["actor"],
                                                                                           event["recipient"]))
    figures = "; ".join(q["text"] for q in event["quantities"])
    return " · ".join(part for part in (parties, event["event"], event["modality"], figures) if part)


def _facts(events: list[dict]) -> list[Fact]:
    """Each event once — same type, parties and modality — cited by every report that codes it; the events read
    in one sentence are told together, in that sentence's words."""
    facts: dict[tuple, Fact] = {}
    for event in sorted(events, key=lambda e: (e["published"] or "", e["article_id"], e["id"])):
        key = (event["event"], _codes(event["actor"]), _codes(event["recipient"]), event["modality"])
        citation = Citation.of(event)
        if key not in facts:
            facts[key] = Fact(text=event["evidence"]["sentence"], citations=[citation], label=_event_label(event),
                              date=event["date"] or citation.date)
        elif all(c.article_id != citation.article_id for c in facts[key].citations):
            facts[key].citations.append(citation)
    by_sentence: dict[str, Fact] = {}
    for fact in facts.values():
        told = by_sentence.setdefault(fact.text, Fact(text=fact.text, citations=[], date=fact.date))
        told.label = "; ".join(x for x in (told.label, fact.label) if x)
        told.citations += [c for c in fact.citations if all(c.article_id != t.article_id for t in told.citations)]
    # What more outlets agree on first
    return sorted(by_sentence.values(), key=lambda f: -len({c.outlet for c in f.citations}))


def _codes(parties: list[dict]) -> tuple:
    return tuple(sorted(p["code"] or p["text"] for p in parties))


def _adds(articles: list[Article], embed) -> dict[str, list[Fact]]:
    if len({a.outlet for a in articles}) < 2:
        return {}  # one outlet: nothing to compare with
    found = unique_facts(articles, embed=embed)
    cited = {}
    for outlet, sentences in found.items():
        own = [a for a in articles if (a.outlet or "unknown outlet") == outlet]
        cited[outlet] = [Fact(text=s, citations=[Citation.of(next((a for a in own if s in a.text), own[0]))])
                         for s in sentences]
    return cited


def _disputed_numbers(events: list[dict]) -> list[dict]:
    """Figures of one unit about one party that differ between outlets ("1,500 troops" here, "3,000" there)."""
    values: dict[tuple, dict[float, list[Citation]]] = defaultdict(lambda: defaultdict(list))
    for event in events:
        for quantity in event["quantities"]:
            key = ((quantity.get("unit") or "").lower(), quantity.get("what") or "")
            citation = Citation.of(event)
            if all(c.article_id != citation.article_id for c in values[key][quantity["value"]]):
                values[key][quantity["value"]].append(citation)
    disputed = []
    for (unit, what), by_value in values.items():
        outlets = {c.outlet for cs in by_value.values() for c in cs}
        if len(by_value) > 1 and len(outlets) > 1 and unit:
            disputed.append({"unit": unit, "what": what,
                             "figures": [(value, cs) for value, cs in sorted(by_value.items())]})
    return disputed


def _contradictions(events: list[dict]) -> list[Fact]:
    """The same act (type and parties) reported as fact by one outlet and denied or negated by another."""
    sides: dict[tuple, dict[str, list[dict]]] = defaultdict(lambda: {"reported": [], "denied": []})
    for event in events:
        side = ("reported" if event["modality"] in ("asserted", "reported") else
                "denied" if event["modality"] in ("denied", "negated") else None)
        if side:
            sides[(event["event"], _codes(event["actor"]), _codes(event["recipient"]))][side].append(event)
    found = []
    for both in sides.values():
        reporting = {e["outlet"] for e in both["reported"]}
        denying = {e["outlet"] for e in both["denied"]}
        if reporting and denying and reporting != denying:
            said, denied = both["reported"][0], both["denied"][0]
            found.append(Fact(text=f"{said['evidence']['sentence']} — but: {denied['evidence']['sentence']}",
                              citations=[Citation.of(said), Citation.of(denied)], label=_event_label(said)))
    return found


def _quotes(events: list[dict]) -> list[Fact]:
    seen: dict[str, Fact] = {}
    for event in events:
        quote = event.get("quote")
        if not quote or not quote.get("text"):
            continue
        speaker = quote.get("speaker") or {}
        who = ", ".join(x for x in (speaker.get("name"), speaker.get("role"), speaker.get("organisation")) if x)
        key = " ".join(quote["text"].split()).lower()
        if key in seen:
            if all(c.article_id != event["article_id"] for c in seen[key].citations):
                seen[key].citations.append(Citation.of(event))
            continue
        seen[key] = Fact(text=quote["text"], citations=[Citation.of(event)],
                         label=who or speaker.get("text") or "unnamed speaker")
    return list(seen.values())


def _timeline(events: list[dict]) -> list[Fact]:
    """What is said to have happened (asserted or reported), in the order it happened; undated last."""
    happened = _facts([e for e in events if e["modality"] in ("asserted", "reported")])
    return sorted(happened, key=lambda f: f.date or "9999")


# --- rendering -------------------------------------------------------------------------------------------------

def _environment() -> Environment:
    env = Environment(loader=PackageLoader("redline.report", "templates"), undefined=StrictUndefined,
                      autoescape=select_autoescape(["html", "html.j2"]), trim_blocks=True, lstrip_blocks=True)
    env.filters["cite_md"] = lambda citations: " ".join(
        f"[{c.outlet}, {c.date or 'undated'}]({web_url(c.url)})" if web_url(c.url) else f"[{c.outlet}, {c.date or 'undated'}]"
        for c in citations)
    env.filters["citation"] = lambda data: Citation(outlet=data["outlet"] or "unknown outlet", date=data["date"],
                                                    url=data["url"], article_id="")
    env.filters["web_url"] = web_url
    env.filters["day"] = lambda value: value.strftime("%Y-%m-%d") if value else "—"
    env.filters["number"] = lambda value: f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"
    return env


def render(brief: Brief, fmt: str = "md") -> str:
    """The brief as Markdown ("md") or a standalone HTML page ("html")."""
    if fmt not in ("md", "html"):
        raise ValueError(f"render gives md or html, not {fmt!r}")
    template = _environment().get_template(f"brief.{fmt}.j2")
    return template.render(brief=brief)


def render_replay(watchlist, alerts: list, fmt: str = "md") -> str:
    """A backtest's report: every alert of a replay, in order, with the evidence it rests on and against it,
    as Markdown ("md") or a standalone HTML page ("html")."""
    if fmt not in ("md", "html"):
        raise ValueError(f"a replay report is md or html, not {fmt!r}")
    template = _environment().get_template(f"replay.{fmt}.j2")
    return template.render(watchlist=watchlist, alerts=[a.to_json() for a in alerts])


def write_pdf(brief: Brief, path: str | Path) -> Path:
    """The HTML brief printed to PDF by WeasyPrint (it needs the Pango library: Debian's libpango-1.0-0)."""
    from redline.errors import RedlineError

    try:
        from weasyprint import HTML
    except OSError as exc:  # WeasyPrint found no Pango
        raise RedlineError(f"PDF briefs need the Pango library (Debian: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0): {exc}") from exc
    path = Path(path)
    HTML(string=render(brief, "html")).write_pdf(path)
    return path
