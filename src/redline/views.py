"""How records look in a terminal: the tables and lines the `redline` commands print.

Each view takes records and returns rich renderables (a `Table`, or lines with rich markup, everything that came
from a document escaped); the commands only print them. The web dashboard has its own views (`web/templates`).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator

from rich.markup import escape
from rich.rule import Rule
from rich.table import Table

from redline.records import shown_date
from redline.stories.facts import outlets


# --- ingest and clean ------------------------------------------------------------------------------------------

def summary_line(summary) -> str:
    already = f" ({summary.skipped} already ingested)" if summary.skipped else ""
    copies = f" ({summary.copies} near-copies, {summary.derived} wire copies)" if summary.copies or summary.derived else ""
    return (f"[green]{summary.stored} stored[/green]{copies}, {summary.duplicate + summary.skipped} duplicate{already}, "
            f"[{'red' if summary.failed else 'green'}]{summary.failed} failed[/]")


def cleaned_article(cleaned, explain: bool) -> Iterator:
    article = cleaned.article
    yield Rule(f"[bold]{escape(article.title or '(no title)')}")
    authors = ", ".join(f"{a.name} <{a.email}>" if a.email else a.name for a in article.authors) or "—"
    yield (f"[dim]outlet[/dim] {escape(article.outlet or '—')}  [dim]published[/dim] {shown_date(article.published)}  "
           f"[dim]updated[/dim] {article.updated or '—'}  [dim]language[/dim] {article.language or '—'}")
    yield f"[dim]authors[/dim] {escape(authors)}  [dim]id[/dim] {article.id}  [dim]from[/dim] {escape(article.origin or '')}"
    for paragraph in article.paragraphs:
        yield escape(paragraph) + "\n"
    if explain:
        for why, text in cleaned.draft.dropped:
            yield f"[yellow]dropped ({why})[/yellow] {escape(text[:160])}"


def articles_table(found) -> Table:
    table = Table("published", "outlet", "title", "authors", "words", "lang", title=f"{len(found)} article(s)")
    for a in found:
        table.add_row(shown_date(a.published), escape(a.outlet or "—"),
                      escape(a.title or "—"), escape(", ".join(x.name for x in a.authors) or "—"),
                      str(len(a.text.split())), a.language or "—")
    return table


def article_paragraphs(article) -> Iterator[str]:
    """An article's title and paragraphs, each cut to the terminal's width."""
    yield f"[bold]{escape(article.outlet or '—')}[/bold] — {escape(article.title or '')}"
    width = min(shutil.get_terminal_size().columns, 120) - 4
    for paragraph in article.paragraphs:
        yield escape(f"  {paragraph[:width]}{'…' if len(paragraph) > width else ''}")


# --- stories ---------------------------------------------------------------------------------------------------

def stories_table(stories_with_members: list[tuple[dict, list]]) -> Table:
    table = Table("last seen", "story", "reports", "outlets (independent marked *)",
                  title=f"{len(stories_with_members)} stories")
    for story, members in stories_with_members:
        table.add_row(story["last_seen"].strftime("%Y-%m-%d %H:%M") if story["last_seen"] else "—",
                      escape(story["title"] or "—"), str(story["size"]),
                      escape(", ".join(f"{name}{'*' if independent else ''}"
                                       for name, independent in outlets(members).items())))
    return table


def story_heading(story: dict, members) -> str:
    found = outlets(members)
    return (f"\n[bold]Story[/bold] {story['id']}: {len(members)} reports from {len(found)} outlets "
            f"({sum(found.values())} independent)")


def thread_view(story_id: str, thread: list[dict]) -> Iterator:
    """The stories of the thread a story belongs to: the same subject's developments, oldest first."""
    yield f"[bold]Thread[/bold]: {len(thread)} stories of one subject (this one marked ▶)"
    for story in thread:
        day = story["first_seen"].strftime("%Y-%m-%d") if story["first_seen"] else "undated"
        mark = "▶" if story["id"] == story_id else " "
        yield escape(f"{mark} {day}  {story['id']}  {story['title'] or '(untitled)'} ({story['size']} reports)")


def story_view(members, facts: dict[str, list[str]]) -> Iterator:
    titled = next((a for a in members if a.title and a.published), members[0])
    yield Rule(f"[bold]{escape(titled.title or titled.id)}")
    for article in members:
        link = f" (copy of {article.duplicate_of})" if article.duplicate_of else (
            f" (reuses {article.derived_from})" if article.derived_from else "")
        yield escape(f"• {article.outlet or 'unknown outlet'} — {article.title or article.id}{link}")
    for outlet, sentences in facts.items():
        yield f"[bold]Only {escape(outlet)} reports[/bold] ({len(sentences)}):"
        for sentence in sentences:
            yield escape(f"  – {sentence}")


# --- events ----------------------------------------------------------------------------------------------------

def party_text(parties: list[dict]) -> str:
    return ", ".join(f"{p['code'] or '?'}{'/' + p['sector'] if p['sector'] else ''}" for p in parties) or "—"


def event_label(e: dict) -> str:
    return f"{e['event']}{' ' + e['mode'] if e['mode'] else ''}"


def modality_text(e: dict) -> str:
    return e["modality"] + (" (hearsay)" if e.get("hearsay") else "")


def quantities_text(e: dict) -> str:
    return "; ".join(q["text"] for q in e["quantities"])


def coded_table(result: dict) -> Table:
    """One input's events, as `redline code` prints them."""
    table = Table("event", "actor", "recipient", "modality", "quantities", "evidence", title=f"{result['id']}")
    for e in result["events"]:
        modality = modality_text(e) + (f": {e['condition']}" if e["condition"] else "")
        table.add_row(event_label(e), party_text(e["actor"]), party_text(e["recipient"]), escape(modality),
                      escape(quantities_text(e)), escape(e["evidence"]["sentence"][:160]))
    return table


def events_table(found: list[dict]) -> Table:
    table = Table("event", "actor", "recipient", "modality", "quantities", "outlet", "evidence",
                  title=f"{len(found)} events")
    for e in found:
        table.add_row(event_label(e), party_text(e["actor"]), party_text(e["recipient"]), modality_text(e),
                      escape(quantities_text(e)), escape(e["outlet"] or "—"), escape(e["evidence"]["sentence"][:140]))
    return table


def event_line(e: dict) -> str:
    quantities = quantities_text(e)
    return escape(f"  {e['event']:<10} {party_text(e['actor'])} → {party_text(e['recipient'])}  "
                  f"[{modality_text(e)}]{'  ' + quantities if quantities else ''}  — {e['outlet']}: "
                  f"“{e['evidence']['sentence'][:90]}…”")


# --- watch -----------------------------------------------------------------------------------------------------

def board_view(board) -> Iterator[str]:
    """The ladder (the current stage marked), why the stage holds, and every indicator with its newest evidence."""
    w, stage = board.watchlist, board.stage
    yield f"[bold]{escape(w.problem)}[/bold]  ({w.id}, as of {stage.as_of:%Y-%m-%d %H:%M} UTC)"
    for step in reversed(w.ladder):
        here = step.level == stage.level
        marker = "[bold red]▶[/bold red]" if here else " "
        since = f"  since {stage.since:%Y-%m-%d}" if here else ""
        yield f" {marker} {step.level} {escape(step.name)}{since}"
    if stage.reasons:
        yield f"[bold]Why stage {stage.level}[/bold]"
    for reason in stage.reasons:
        detail = f" — now {reason['level']}" if reason["indicator"] else ""
        yield f"  • {escape(reason['condition'])}{detail}"
        for evidence in reason["evidence"]:
            yield f"      ← {escape(evidence_text(evidence))}"
    yield "[bold]Indicators[/bold]"
    for state in board.indicators:
        indicator = w.indicator(state.indicator)
        colour = {"none": "dim", "crossed": "bold red"}.get(state.level, "yellow")
        facts = [value_text(indicator.measure.kind, state)] + ([state.modality] if state.modality else [])
        facts += [f"{state.sources} source(s), {state.sources_for_value} for the value", f"grade {state.grade}"]
        yield f"  [{colour}]{state.level:<8}[/{colour}] [bold]{state.indicator}[/bold]  {escape(' · '.join(facts))}"
        yield f"           [dim]{escape(indicator.question)}[/dim]"
        for evidence in state.evidence[:1]:
            yield f"           ← {escape(evidence_text(evidence.to_json()))}"
        for evidence in state.counter_evidence[:1]:
            yield f"           ✗ {escape(evidence_text(evidence.to_json()))}"
        if state.disputed_by:
            yield f"           [yellow]disputed[/yellow] by {escape(', '.join(state.disputed_by))}"


def value_text(kind: str, state) -> str:
    if state.value is None:
        return "no figure"
    if kind == "quantity":
        return f"{state.value:,.0f} {state.unit}"
    if kind == "occurred":
        return f"evidence weight {state.value:.2f}" if state.value else "no live evidence"
    return f"{state.value:g} {'independent sources' if kind == 'sources' else 'reports'}"


def evidence_text(evidence: dict) -> str:
    return (f"{evidence['outlet'] or '?'} [{evidence['reliability']}] {(evidence['published'] or '')[:10]}, "
            f"{evidence['modality']}: “{excerpt(evidence['sentence'], evidence.get('trigger'))}”")


def excerpt(sentence: str, trigger: str | None, width: int = 170) -> str:
    """The part of a long sentence around its trigger word, so the words that matter are shown."""
    if len(sentence) <= width:
        return sentence
    at = sentence.find(trigger) if trigger else -1
    start = max(0, min(at - width // 3, len(sentence) - width)) if at > 0 else 0
    if start:
        start = sentence.find(" ", start) + 1  # from a word's start
    return ("…" if start else "") + sentence[start:start + width].strip() + ("…" if start + width < len(sentence) else "")


def timeline_view(raised) -> Iterator[str]:
    """A replay's alerts in order: stage changes in bold with their reason, indicator changes dim."""
    stages = [a for a in raised if a.kind == "stage"]
    yield f"[bold]Stage timeline[/bold]: {len(stages)} change(s), {len(raised) - len(stages)} indicator change(s)"
    for alert in raised:
        style = "bold" if alert.kind == "stage" else "dim"
        yield f"  {alert.as_of:%Y-%m-%d %H:%M}  [{style}]{escape(alert.what)}[/{style}]"
        if alert.kind == "stage":
            yield f"      {escape(alert.why)}"
        for evidence in alert.evidence[:1]:
            yield f"      ← {escape(evidence_text(evidence))}"


def alerts_table(found: list[dict]) -> Table:
    table = Table("id", "as of", "what", "why", "delivered", title=f"{len(found)} alert(s)")
    for alert in found:
        delivered = ", ".join(f"{d['sink']}: {d['status']}" for d in alert["deliveries"]) or "—"
        table.add_row(str(alert["id"]), alert["as_of"][:16], escape(alert["what"]), escape(alert["why"]), delivered)
    return table


# --- collect ---------------------------------------------------------------------------------------------------

def poll_line(state: dict) -> str:
    if state["last_status"] == "error":
        return f"[red]✗[/red] {escape(state['name'])}: {escape(state['last_error'] or '')}"
    return (f"[green]✓[/green] {escape(state['name'])}: {state['last_status']}, {state['new']} new, "
            f"{state['latency_ms']:.0f} ms")


def sources_table(rows: list[dict]) -> Table:
    table = Table("source", "last success", "last error", "items/day", "latency", "flags", title="Sources")
    for row in rows:
        table.add_row(escape(row["name"]), f"{row['last_success']:%Y-%m-%d %H:%M}" if row["last_success"] else "never",
                      escape(row["last_error"] or "—"), str(row["items_per_day"] or 0),
                      f"{row['latency_ms']:.0f} ms" if row["latency_ms"] is not None else "—",
                      escape("; ".join(row["flags"])) or "ok")
    return table
