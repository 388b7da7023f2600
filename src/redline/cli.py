"""The `redline` command: thin commands that parse, call a plain function, and print."""

from __future__ import annotations

import json
import shutil
import sys
from contextlib import nullcontext
from datetime import datetime
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from redline import ingest
from redline.clean import clean_item
from redline.errors import ItemError, ReadError, RedlineError
from redline.pipeline import Summary, run_ingest
from redline.settings import Settings
from redline.store import Store

app = typer.Typer(help="redline: indicators and warnings from the news, with evidence.", no_args_is_help=True,
                  pretty_exceptions_enable=False)
out = Console()
err = Console(stderr=True)


class State:
    settings: Settings


state = State()


@app.callback()
def main(
    db: Annotated[Optional[str], typer.Option(help="Database URL (default: sqlite:///redline.db)")] = None,
    config: Annotated[Optional[Path], typer.Option(help="Settings file (default: ./redline.toml if present)")] = None,
) -> None:
    try:
        state.settings = Settings.load(config, db_url=db)
    except RedlineError as exc:
        _fail(exc)


def _fail(exc: Exception) -> None:
    err.print(f"[red]error:[/red] {exc}", highlight=False)
    raise typer.Exit(1)


DbOption = Annotated[Optional[str], typer.Option("--db", help="Database URL for this command")]
WatchlistOption = Annotated[Optional[list[Path]], typer.Option(
    "--watchlist", "-w", help="Watchlist YAML to keep up to date as articles arrive (repeatable)")]


def _open_store(db: str | None = None) -> Store:
    if db:
        state.settings = Settings.load(None, db_url=db)
    try:
        return Store.open(state.settings)
    except RedlineError as exc:
        _fail(exc)
        raise  # unreachable: _fail exits


@app.command("ingest")
def ingest_cli(
    sources: Annotated[list[str], typer.Argument(help="Files, folders, URLs: .txt .html .json .jsonl feeds WARC, .gz")],
    field: Annotated[Optional[list[str]], typer.Option(help="JSON field mapping, e.g. --field text=body")] = None,
    encoding: Annotated[Optional[str], typer.Option(help="Force this text encoding for every input")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON")] = False,
    strict: Annotated[bool, typer.Option(help="Exit with status 1 if any item failed")] = False,
    workers: Annotated[int, typer.Option(help="Processes cleaning in parallel (one per core is a good choice)")] = 1,
    watchlist: WatchlistOption = None,
    db: DbOption = None,
) -> None:
    """Store articles from files, folders and URLs; each bad item is reported and the run goes on."""
    try:
        fields = ingest.FieldMap.parse(field)
    except ValueError as exc:
        _fail(exc)
    store = _open_store(db)
    watchers = [_watcher(path, store) for path in watchlist or ()]
    for watcher in watchers:  # alerts a sink could not take last time go out again first
        watcher.retry_failed()
    summary = _ingest_with_progress(sources, store, fields, encoding, workers, watchers)
    if as_json:
        out.print_json(data=summary.as_dict())
    else:
        _print_summary(summary)
    if strict and summary.failed:
        raise typer.Exit(1)


def _ingest_with_progress(sources, store, fields=None, encoding=None, workers=1, watchers=()) -> Summary:
    columns = [TextColumn("[bold]ingest"), BarColumn(), MofNCompleteColumn(), TextColumn("documents"),
               TimeElapsedColumn()]
    with Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as progress:
        task = progress.add_task("ingest", total=None)

        def on_document(document, total):
            progress.update(task, total=total, advance=1 if document else 0)

        def on_error(error: ItemError):
            progress.console.print(f"[red]✗[/red] {error.where}: {error.reason}", highlight=False, soft_wrap=True)

        try:
            return run_ingest(sources, store, settings=state.settings, fields=fields, encoding=encoding,
                              workers=workers, on_document=on_document, on_error=on_error, watchers=watchers)
        except KeyboardInterrupt:
            err.print("[yellow]interrupted:[/yellow] everything cleaned so far is stored; run again to resume")
            raise typer.Exit(130)


def _print_summary(summary: Summary) -> None:
    already = f" ({summary.skipped} already ingested)" if summary.skipped else ""
    copies = f" ({summary.copies} near-copies, {summary.derived} wire copies)" if summary.copies or summary.derived else ""
    out.print(
        f"[green]{summary.stored} stored[/green]{copies}, {summary.duplicate + summary.skipped} duplicate{already}, "
        f"[{'red' if summary.failed else 'green'}]{summary.failed} failed[/]"
    )


@app.command("clean")
def clean_cli(
    paths: Annotated[list[str], typer.Argument(help="Files or URLs to clean")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON line per article (the contract), nothing stored")] = False,
    explain: Annotated[bool, typer.Option(help="Show every line dropped, and why")] = False,
    field: Annotated[Optional[list[str]], typer.Option(help="JSON field mapping, e.g. --field text=body")] = None,
    encoding: Annotated[Optional[str], typer.Option(help="Force this text encoding")] = None,
) -> None:
    """Clean documents and print the result, without storing anything."""
    fields = ingest.FieldMap.parse(field)
    settings = state.settings
    with ingest.Fetcher(settings) as fetcher:
        for path in paths:
            document = ingest.Document(path, is_url=path.startswith(("http://", "https://")))
            if not document.is_url and not Path(path).is_file():
                _emit_error(ReadError(path, "no such file" if not Path(path).exists() else "not a file"), as_json)
                continue
            for item in ingest.read(document, settings=settings, fetcher=fetcher, fields=fields, encoding=encoding):
                if isinstance(item, ItemError):
                    _emit_error(item, as_json)
                    continue
                try:
                    cleaned = clean_item(item, settings=settings)
                except ItemError as exc:
                    _emit_error(exc, as_json)
                    continue
                if as_json:
                    sys.stdout.write(json.dumps({**cleaned.article.to_json(), "input": path}, ensure_ascii=False) + "\n")
                else:
                    _show_article(cleaned, explain)
    sys.stdout.flush()


def _emit_error(error: ItemError, as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps({"id": None, **error.as_dict()}, ensure_ascii=False) + "\n")
    else:
        err.print(f"[red]✗[/red] {error.where}: {error.reason}", highlight=False)


def _show_article(cleaned, explain: bool) -> None:
    article = cleaned.article
    out.rule(f"[bold]{article.title or '(no title)'}")
    authors = ", ".join(f"{a.name} <{a.email}>" if a.email else a.name for a in article.authors) or "—"
    out.print(f"[dim]outlet[/dim] {article.outlet or '—'}  [dim]published[/dim] {article.published or '—'}  "
              f"[dim]updated[/dim] {article.updated or '—'}  [dim]language[/dim] {article.language or '—'}")
    out.print(f"[dim]authors[/dim] {authors}  [dim]id[/dim] {article.id}  [dim]from[/dim] {article.origin}")
    for paragraph in article.paragraphs:
        out.print(paragraph, "\n", highlight=False)
    if explain:
        for why, text in cleaned.draft.dropped:
            out.print(f"[yellow]dropped ({why})[/yellow] {text[:160]}", highlight=False)


@app.command("articles")
def articles_cli(
    limit: Annotated[int, typer.Option(help="How many, newest first")] = 20,
    outlet: Annotated[Optional[str], typer.Option(help="Only this outlet")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON line per article")] = False,
    db: DbOption = None,
) -> None:
    """List stored articles."""
    store = _open_store(db)
    found = store.articles(limit=limit, outlet=outlet)
    if as_json:
        for article in found:
            sys.stdout.write(json.dumps(article.to_json(), ensure_ascii=False) + "\n")
        return
    out.print(_articles_table(found))


def _articles_table(found) -> Table:
    table = Table("published", "outlet", "title", "authors", "words", "lang", title=f"{len(found)} article(s)")
    for a in found:
        table.add_row(a.published.strftime("%Y-%m-%d %H:%M UTC") if a.published else "—", a.outlet or "—",
                      a.title or "—", ", ".join(x.name for x in a.authors) or "—", str(len(a.text.split())),
                      a.language or "—")
    return table


@app.command("stories")
def stories_cli(
    input_file: Annotated[Optional[Path], typer.Option("--input", help="JSONL articles to group, nothing stored")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines (with --input: one per article, in order)")] = False,
    embeddings: Annotated[bool, typer.Option(help="Read meaning with sentence embeddings (slower, better)")] = True,
    limit: Annotated[int, typer.Option(help="How many stored stories, newest first")] = 20,
    db: DbOption = None,
) -> None:
    """List stored stories; with --input, group a JSONL of articles ({id, text, title?, published?, outlet?})."""
    if input_file is not None:
        _group_file(input_file, embeddings)
        return
    store = _open_store(db)
    found = store.stories(limit=limit)
    if as_json:
        for story in found:
            members = store.story_articles(story["id"])
            sys.stdout.write(json.dumps(_story_json(story, members), ensure_ascii=False, default=str) + "\n")
        return
    table = Table("last seen", "story", "reports", "outlets (independent marked *)", title=f"{len(found)} stories")
    for story in found:
        members = store.story_articles(story["id"])
        outlets = _outlets(members)
        table.add_row(story["last_seen"].strftime("%Y-%m-%d %H:%M") if story["last_seen"] else "—",
                      story["title"] or "—", str(story["size"]),
                      ", ".join(f"{name}{'*' if independent else ''}" for name, independent in outlets.items()))
    out.print(table)


def _group_file(path: Path, embeddings: bool) -> None:
    """The `stories --input --json` contract: {"id", "story", "duplicate_of", "derived_from"} per input line, in
    order; a line that cannot be read gets the same fields, empty, and an "error", and the others go on."""
    from redline.stories.grouping import Grouper

    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        _fail(RedlineError(f"{path}: cannot read ({exc})"))
    rows = _story_inputs(lines)
    articles = [row["article"] for row in rows if "article" in row]
    grouper = Grouper(use_embeddings=embeddings)
    columns = [TextColumn("[bold]stories"), BarColumn(), MofNCompleteColumn(), TextColumn("articles"),
               TimeElapsedColumn()]
    with Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as progress:
        task = progress.add_task("stories", total=len(articles))
        for start in range(0, len(articles), GROUP_BATCH):
            step = articles[start:start + GROUP_BATCH]
            grouper.process(step)
            progress.advance(task, len(step))
    # Printed once all are placed: a later merge can move an earlier article's story.
    for row in rows:
        article = row.get("article")
        result = {"id": row["id"], "story": None, "duplicate_of": None, "derived_from": None}
        if article is None:
            result["error"] = row["error"]
        else:
            result.update(story=grouper.tracker.story_for(article.id), duplicate_of=article.duplicate_of,
                          derived_from=article.derived_from)
        sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")


# Articles embedded and placed per step of `stories --input` (the progress bar moves by this much).
GROUP_BATCH = 256


def _story_inputs(lines: list[str]) -> list[dict]:
    """Each non-blank line as {"id", "article"} or, when it cannot be read, {"id", "error"}."""
    from redline.clean.meta import parse_date
    from redline.records import Article

    rows, first_line_of = [], {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            rows.append({"id": None, "error": f"line {number}: not valid JSON ({exc.msg})"})
            continue
        if not isinstance(record, dict) or not isinstance(record.get("text"), str) or record.get("id") is None:
            found_id = record.get("id") if isinstance(record, dict) else None
            problem = f"line {number}: a record needs an \"id\" and a \"text\" string"
            rows.append({"id": None if found_id is None else str(found_id), "error": problem})
            continue
        article_id = str(record["id"])
        if article_id in first_line_of:
            rows.append({"id": article_id, "error": f"line {number}: id {article_id!r} is already on line "
                                                       f"{first_line_of[article_id]}"})
            continue
        first_line_of[article_id] = number
        text = record["text"]
        article = Article(id=article_id, text=text, paragraphs=text.split("\n\n"), title=record.get("title"),
                          outlet=record.get("outlet"), published=parse_date(record.get("published")))
        rows.append({"id": article_id, "article": article})
    return rows


def _outlets(members) -> dict[str, bool]:
    """Outlet -> whether it reported independently (at least one report that is not a copy)."""
    outlets: dict[str, bool] = {}
    for article in members:
        name = article.outlet or "unknown outlet"
        outlets[name] = outlets.get(name, False) or not (article.duplicate_of or article.derived_from)
    return outlets


def _story_json(story: dict, members) -> dict:
    from redline.stories.facts import unique_facts

    return {
        "id": story["id"], "title": story["title"], "first_seen": story["first_seen"], "last_seen": story["last_seen"],
        "articles": [a.id for a in members],
        "outlets": [{"name": name, "independent": independent} for name, independent in _outlets(members).items()],
        "adds": unique_facts(members, embed=_sentence_embedder()),
    }


@app.command("story")
def story_cli(story_id: Annotated[str, typer.Argument(help="A story id from `redline stories`")], db: DbOption = None) -> None:
    """One story: its reports, its outlets, and what each source adds."""
    from redline.stories.facts import unique_facts

    store = _open_store(db)
    members = store.story_articles(story_id)
    if not members:
        _fail(RedlineError(f"no story {story_id!r}: see `redline stories` for the ids"))
    _show_story(members, unique_facts(members, embed=_sentence_embedder()))


def _sentence_embedder():  # noqa: D103 - the embedder's `embed`, or None when embeddings are off
    if not state.settings.story_embeddings:
        return None
    from redline.stories.features import default_embedder

    return default_embedder().embed


def _show_story(members, facts) -> None:
    titled = next((a for a in members if a.title and a.published), members[0])
    out.rule(f"[bold]{titled.title or titled.id}")
    for article in members:
        link = f" (copy of {article.duplicate_of})" if article.duplicate_of else (
            f" (reuses {article.derived_from})" if article.derived_from else "")
        out.print(f"• {article.outlet or 'unknown outlet'} — {article.title or article.id}{link}", highlight=False)
    for outlet, sentences in facts.items():
        out.print(f"[bold]Only {outlet} reports[/bold] ({len(sentences)}):", highlight=False)
        for sentence in sentences:
            out.print(f"  – {sentence}", highlight=False)


@app.command("code")
def code_cli(
    input_file: Annotated[Optional[Path], typer.Argument(help="JSONL ({id, text, date?}) or plain lines; default stdin")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON line per input, in order (the contract)")] = False,
    stored: Annotated[bool, typer.Option("--stored", help="Code stored articles not coded yet (resumable back-fill)")] = False,
    workers: Annotated[int, typer.Option(help="Processes parsing and coding in parallel (one per core)")] = 1,
    db: DbOption = None,
) -> None:
    """Code events: who did what to whom (PLOVER), how sure (modality), on whose word (quotes)."""
    from redline.events import Coder

    if stored:
        _code_stored(db, workers)
        return
    try:
        lines = (input_file.read_text(encoding="utf-8") if input_file else sys.stdin.read()).splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        _fail(RedlineError(f"{input_file or 'stdin'}: cannot read ({exc})"))
    rows = [_code_input(line, number) for number, line in enumerate(lines, start=1) if line.strip()]
    coder = Coder()
    good = [r for r in rows if "error" not in r]
    coded = iter(coder.code_many(((r["text"], r.get("date"), str(r["id"])) for r in good), n_process=workers))
    for row in rows:
        if "error" in row:
            result = {"id": row["id"], "events": [], "error": row["error"]}
        else:
            found = next(coded)
            result = {"id": row["id"], **found.to_json()}
        if as_json:
            sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
        else:
            _show_events(result)


def _code_input(line: str, number: int) -> dict:
    """A JSONL record {id, text, date?}, or a plain line of text (its id is its line number)."""
    stripped = line.strip()
    if not stripped.startswith("{"):
        return {"id": str(number), "text": stripped}
    try:
        row = json.loads(stripped)
    except json.JSONDecodeError as exc:
        return {"id": str(number), "error": f"line {number}: not valid JSON ({exc.msg})"}
    if not isinstance(row, dict) or not isinstance(row.get("text"), str):
        return {"id": str(row.get("id", number)) if isinstance(row, dict) else str(number),
                "error": f"line {number}: a record needs a \"text\" string"}
    return {"id": row.get("id", str(number)), "text": row["text"], "date": row.get("date")}


def _code_stored(db: str | None, workers: int = 1) -> None:
    from redline.pipeline import code_stored

    store = _open_store(db)
    with Progress(TextColumn("coding"), BarColumn(), TextColumn("{task.completed} articles"),
                  TimeElapsedColumn(), console=err, transient=True) as progress:
        task = progress.add_task("code", total=None)
        articles, found = code_stored(store, on_batch=lambda n, e: progress.advance(task, n), workers=workers)
    out.print(f"coded {articles} articles: {found} events")


def _party_text(parties: list[dict]) -> str:
    return ", ".join(f"{p['code'] or '?'}{'/' + p['sector'] if p['sector'] else ''}" for p in parties) or "—"


def _event_label(e: dict) -> str:
    return f"{e['event']}{' ' + e['mode'] if e['mode'] else ''}"


def _modality_text(e: dict) -> str:
    return e["modality"] + (" (hearsay)" if e.get("hearsay") else "")


def _quantities_text(e: dict) -> str:
    return "; ".join(q["text"] for q in e["quantities"])


def _show_events(result: dict) -> None:
    if result.get("error"):
        err.print(f"[red]{result['id']}[/red]: {result['error']}", highlight=False)
        return
    table = Table("event", "actor", "recipient", "modality", "quantities", "evidence", title=f"{result['id']}")
    for e in result["events"]:
        modality = _modality_text(e) + (f": {e['condition']}" if e["condition"] else "")
        table.add_row(_event_label(e), _party_text(e["actor"]), _party_text(e["recipient"]), modality,
                      _quantities_text(e), e["evidence"]["sentence"][:160])
    out.print(table)


@app.command("events")
def events_cli(
    event: Annotated[Optional[str], typer.Option(help="PLOVER type, e.g. AID")] = None,
    actor: Annotated[Optional[str], typer.Option(help="Actor code, e.g. PRK")] = None,
    recipient: Annotated[Optional[str], typer.Option(help="Recipient code, e.g. RUS")] = None,
    modality: Annotated[Optional[str], typer.Option(help="asserted, reported, planned, considered, …")] = None,
    since: Annotated[Optional[str], typer.Option(help="Only events on or after this date (YYYY-MM-DD)")] = None,
    limit: Annotated[int, typer.Option(help="How many, newest articles first")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON line per event")] = False,
    db: DbOption = None,
) -> None:
    """List stored events, filtered."""
    from redline.records import MODALITIES

    if modality and modality.lower() not in MODALITIES:
        _fail(RedlineError(f"unknown modality {modality!r}; known: {', '.join(MODALITIES)}"))
    store = _open_store(db)
    found = store.events(limit=limit, event=event, actor=actor, recipient=recipient, modality=modality, since=since)
    if as_json:
        for row in found:
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    table = Table("event", "actor", "recipient", "modality", "quantities", "outlet", "evidence",
                  title=f"{len(found)} events")
    for e in found:
        table.add_row(_event_label(e), _party_text(e["actor"]), _party_text(e["recipient"]), _modality_text(e),
                      _quantities_text(e),
                      e["outlet"] or "—", e["evidence"]["sentence"][:140])
    out.print(table)


# --- watch ---------------------------------------------------------------------------------------------------

def _load_watchlist(path: Path):
    from redline.watch import load_watchlist

    try:
        return load_watchlist(path)
    except RedlineError as exc:
        _fail(exc)


def _watcher(path: Path, store: Store, *, console: bool = True):
    from redline.watch import Watcher, make_sinks

    watchlist = _load_watchlist(path)
    return Watcher(watchlist, store, sinks=make_sinks(watchlist.alerts, console=console))


def _as_of(value: str | None, store: Store, *, end_of_day: bool = True) -> datetime | None:
    """None (now), "latest" (the newest stored article's date: for archives) or a date/time (watch.moment)."""
    from redline.watch import moment

    try:
        return moment(value, store, end_of_day=end_of_day)
    except ValueError:
        _fail(RedlineError(f"--as-of {value!r}: give now, latest, or a date such as 2024-10-23 or 2024-10-23T12:00"))
        raise


@app.command("board")
def board_cli(
    watchlist: Annotated[Path, typer.Option("--watchlist", "-w", help="The watchlist YAML")],
    as_of: Annotated[Optional[str], typer.Option(
        help="now (default), latest (the newest article's date: for an archive), or a date")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="The board as one JSON object")] = False,
    db: DbOption = None,
) -> None:
    """The ladder and every indicator: level, value, sources, grade and the newest evidence; alerts on changes."""
    store = _open_store(db)
    moment = _as_of(as_of, store)
    with err.status("reading the stored events…") if err.is_terminal else nullcontext():
        board = _watcher(watchlist, store).evaluate(moment)
    if as_json:
        sys.stdout.write(json.dumps(board.to_json(), ensure_ascii=False) + "\n")
        return
    _show_board(board)


def _show_board(board) -> None:
    w, stage = board.watchlist, board.stage
    out.print(f"[bold]{escape(w.problem)}[/bold]  ({w.id}, as of {stage.as_of:%Y-%m-%d %H:%M} UTC)", highlight=False)
    for step in reversed(w.ladder):
        here = step.level == stage.level
        marker = "[bold red]▶[/bold red]" if here else " "
        since = f"  since {stage.since:%Y-%m-%d}" if here else ""
        out.print(f" {marker} {step.level} {escape(step.name)}{since}", highlight=False)
    if stage.reasons:
        out.print(f"[bold]Why stage {stage.level}[/bold]")
    for reason in stage.reasons:
        detail = f" — now {reason['level']}" if reason["indicator"] else ""
        out.print(f"  • {escape(reason['condition'])}{detail}", highlight=False)
        for evidence in reason["evidence"]:
            out.print(f"      ← {escape(_evidence_text(evidence))}", highlight=False)
    out.print("[bold]Indicators[/bold]")
    for state in board.indicators:
        indicator = w.indicator(state.indicator)
        colour = {"none": "dim", "crossed": "bold red"}.get(state.level, "yellow")
        facts = [_value_text(indicator.measure.kind, state)] + ([state.modality] if state.modality else [])
        facts += [f"{state.sources} source(s), {state.sources_for_value} for the value", f"grade {state.grade}"]
        out.print(f"  [{colour}]{state.level:<8}[/{colour}] [bold]{state.indicator}[/bold]  {escape(' · '.join(facts))}",
                  highlight=False)
        out.print(f"           [dim]{escape(indicator.question)}[/dim]", highlight=False)
        for evidence in state.evidence[:1]:
            out.print(f"           ← {escape(_evidence_text(evidence.to_json()))}", highlight=False)
        for evidence in state.counter_evidence[:1]:
            out.print(f"           ✗ {escape(_evidence_text(evidence.to_json()))}", highlight=False)
    if not any(state.evidence for state in board.indicators) and board.stage.as_of.year >= 2000:
        err.print("[yellow]no live evidence[/yellow] as of this date (old evidence ages out): "
                  "for an archive, try --as-of latest")


def _value_text(kind: str, state) -> str:
    if state.value is None:
        return "no figure"
    if kind == "quantity":
        return f"{state.value:,.0f} {state.unit}"
    if kind == "occurred":
        return f"evidence weight {state.value:.2f}" if state.value else "no live evidence"
    return f"{state.value:g} {'independent sources' if kind == 'sources' else 'reports'}"


def _evidence_text(evidence: dict) -> str:
    return (f"{evidence['outlet'] or '?'} [{evidence['reliability']}] {(evidence['published'] or '')[:10]}, "
            f"{evidence['modality']}: “{_excerpt(evidence['sentence'], evidence.get('trigger'))}”")


def _excerpt(sentence: str, trigger: str | None, width: int = 170) -> str:
    """The part of a long sentence around its trigger word, so the words that matter are shown."""
    if len(sentence) <= width:
        return sentence
    at = sentence.find(trigger) if trigger else -1
    start = max(0, min(at - width // 3, len(sentence) - width)) if at > 0 else 0
    if start:
        start = sentence.find(" ", start) + 1  # from a word's start
    return ("…" if start else "") + sentence[start:start + width].strip() + ("…" if start + width < len(sentence) else "")


@app.command("replay")
def replay_cli(
    sources: Annotated[list[str], typer.Argument(help="The archive: files, folders, feeds, WARC, JSONL")],
    watchlist: Annotated[Path, typer.Option("--watchlist", "-w", help="The watchlist YAML to backtest")],
    db_file: Annotated[Optional[Path], typer.Option("--db-file", help="Keep the replay's store here "
                                                    "(default: a temporary file, removed afterwards)")] = None,
    workers: Annotated[int, typer.Option(help="Processes cleaning in parallel")] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON line per alert, in order")] = False,
) -> None:
    """Backtest: replay an archive in publication order and print the stage timeline and indicator changes."""
    import tempfile

    from redline.pipeline import run_replay
    from redline.watch import Watcher

    loaded = _load_watchlist(watchlist)
    with tempfile.TemporaryDirectory() as scratch:
        path = db_file or Path(scratch) / "replay.db"
        store = Store(f"sqlite:///{path}", settings=state.settings)
        columns = [TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
        with Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as progress:
            task = progress.add_task("read", total=None)
            summary, raised = run_replay(
                sources, store, lambda s: Watcher(loaded, s), settings=state.settings, workers=workers,
                on_document=lambda doc, total: progress.update(task, total=total, advance=1 if doc else 0),
                on_error=lambda e: progress.console.print(f"[red]✗[/red] {e.where}: {e.reason}", highlight=False),
                on_step=lambda done, total: progress.update(task, description="replay", completed=done,
                                                            total=total))
        store.close()
    if as_json:
        for alert in raised:
            sys.stdout.write(json.dumps(alert.to_json(), ensure_ascii=False) + "\n")
        return
    _print_summary(summary)
    _show_timeline(raised)


def _show_timeline(raised) -> None:
    stages = [a for a in raised if a.kind == "stage"]
    out.print(f"[bold]Stage timeline[/bold]: {len(stages)} change(s), {len(raised) - len(stages)} indicator change(s)")
    for alert in raised:
        style = "bold" if alert.kind == "stage" else "dim"
        out.print(f"  {alert.as_of:%Y-%m-%d %H:%M}  [{style}]{escape(alert.what)}[/{style}]", highlight=False)
        if alert.kind == "stage":
            out.print(f"      {escape(alert.why)}", highlight=False)
        for evidence in alert.evidence[:1]:
            out.print(f"      ← {escape(_evidence_text(evidence))}", highlight=False)


@app.command("alerts")
def alerts_cli(
    watchlist: Annotated[Optional[str], typer.Option(help="Only this watchlist (its id)")] = None,
    limit: Annotated[int, typer.Option(help="How many, newest first")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON line per alert")] = False,
    retry: Annotated[Optional[Path], typer.Option(
        help="Watchlist YAML whose sinks get the alerts they failed to take, sent again first")] = None,
    db: DbOption = None,
) -> None:
    """Stored alerts, newest first, with where each was delivered."""
    store = _open_store(db)
    if retry is not None:
        delivered, failing = _watcher(retry, store, console=False).retry_failed()
        err.print(f"sent again: {delivered} delivered, {failing} still failing")
    found = store.alerts(watchlist, limit=limit)
    if as_json:
        for alert in found:
            sys.stdout.write(json.dumps(alert, ensure_ascii=False) + "\n")
        return
    table = Table("id", "as of", "what", "why", "delivered", title=f"{len(found)} alert(s)")
    for alert in found:
        delivered = ", ".join(f"{d['sink']}: {d['status']}" for d in alert["deliveries"]) or "—"
        table.add_row(str(alert["id"]), alert["as_of"][:16], escape(alert["what"]), escape(alert["why"]), delivered)
    out.print(table)


# --- report --------------------------------------------------------------------------------------------------

@app.command("brief")
def brief_cli(
    watchlist: WatchlistOption = None,
    since: Annotated[Optional[str], typer.Option(
        help="What changed since this date (default: the last brief; everything for the first)")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="md, html or pdf")] = "md",
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write here (pdf needs it)")] = None,
    as_of: Annotated[Optional[str], typer.Option(help="The board's moment: now, latest, or a date")] = None,
    db: DbOption = None,
) -> None:
    """The brief: what changed (stage, indicators, stories), each story's facts, what each outlet adds, numbers
    that differ, quotes and a timeline, every line with its citations."""
    from redline.report import FORMATS, build_brief, render, write_pdf

    if fmt not in FORMATS:
        _fail(RedlineError(f"--format {fmt!r}: give one of {', '.join(FORMATS)}"))
    if fmt == "pdf" and output is None:
        _fail(RedlineError("--format pdf writes a file: give --output brief.pdf"))
    store = _open_store(db)
    start = _as_of(since, store, end_of_day=False) if since else store.last_brief_at()
    moment = _as_of(as_of, store)
    boards = [_watcher(path, store, console=False).evaluate(moment) for path in watchlist or ()]
    brief = build_brief(store, since=start, boards=boards, embed=_sentence_embedder())
    try:
        if fmt == "pdf":
            write_pdf(brief, output)
        elif output:
            output.write_text(render(brief, fmt), encoding="utf-8")
        else:
            sys.stdout.write(render(brief, fmt))
    except (OSError, RedlineError) as exc:
        _fail(exc)
    store.record_brief(brief.created_at, start, fmt, len(brief.stories))
    if output:
        err.print(f"brief: {len(brief.stories)} stories, {len(brief.changes)} changes → {output}")


# --- web -----------------------------------------------------------------------------------------------------

@app.command("serve")
def serve_cli(
    watchlist: WatchlistOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on (loopback by default)")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
    warm: Annotated[int, typer.Option(help="Newest stories told in the background at start, so they open at once")] = 20,
    db: DbOption = None,
) -> None:
    """The dashboard (board, stories, events, alerts) and the JSON API (/docs); writes need REDLINE_API_TOKEN."""
    import uvicorn

    from redline.web import create_app

    if db:
        state.settings = Settings.load(None, db_url=db)
    try:
        application = create_app(state.settings, watchlist or [], token=state.settings.api_token or None)
    except RedlineError as exc:
        _fail(exc)
    if warm:
        application.state.dashboard.warm(warm)
    err.print(f"redline: http://{host}:{port}/  (API docs: /docs; writes {'on' if state.settings.api_token else 'off'})")
    uvicorn.run(application, host=host, port=port, log_level="warning")


# --- collect -------------------------------------------------------------------------------------------------

@app.command("collect")
def collect_cli(
    sources: Annotated[Path, typer.Option("--sources", help="The sources YAML (feeds and pages, intervals)")],
    watchlist: WatchlistOption = None,
    rounds: Annotated[Optional[int], typer.Option(help="Stop after this many rounds (default: run until stopped)")] = None,
    db: DbOption = None,
) -> None:
    """Keep reading feeds and pages on their intervals, politely; store, code and watch what is new."""
    from redline.collect import Collector, load_sources

    try:
        listed = load_sources(sources)
    except RedlineError as exc:
        _fail(exc)
    store = _open_store(db)
    watchers = [_watcher(path, store) for path in watchlist or ()]

    def report(state: dict) -> None:
        if state["last_status"] == "error":
            err.print(f"[red]✗[/red] {state['name']}: {state['last_error']}", highlight=False)
        else:
            err.print(f"[green]✓[/green] {state['name']}: {state['last_status']}, {state['new']} new, "
                      f"{state['latency_ms']:.0f} ms", highlight=False)

    collector = Collector(store, state.settings, listed, watchers=watchers, on_poll=report)
    err.print(f"collecting {len(listed.sources)} source(s); Ctrl-C stops (nothing is lost)")
    try:
        collector.run(rounds=rounds)
    except KeyboardInterrupt:
        err.print("[yellow]stopped[/yellow]: run again to continue")
    finally:
        collector.close()


@app.command("sources")
def sources_cli(
    sources: Annotated[Optional[Path], typer.Option("--sources", help="The sources YAML (to flag sources dropped from it)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON line per source")] = False,
    db: DbOption = None,
) -> None:
    """Source health: last success, last error, items per day, latency, and flags for sources gone quiet."""
    from redline.collect import SourceList, health, load_sources

    try:
        listed = load_sources(sources) if sources else SourceList(sources=[])
    except RedlineError as exc:
        _fail(exc)
    by_name = {s.name: s for s in listed.sources}
    rows = [health(state, by_name.get(state["name"]) if sources else None, listed.stale_after_polls)
            for state in _open_store(db).source_states()]
    if not sources:
        for row in rows:
            row["flags"] = [f for f in row["flags"] if f != "no longer in the sources file"]
    if as_json:
        for row in rows:
            sys.stdout.write(json.dumps(row, default=str, ensure_ascii=False) + "\n")
        return
    table = Table("source", "last success", "last error", "items/day", "latency", "flags", title="Sources")
    for row in rows:
        table.add_row(row["name"], f"{row['last_success']:%Y-%m-%d %H:%M}" if row["last_success"] else "never",
                      escape(row["last_error"] or "—"), str(row["items_per_day"] or 0),
                      f"{row['latency_ms']:.0f} ms" if row["latency_ms"] is not None else "—",
                      escape("; ".join(row["flags"])) or "ok")
    out.print(table)


def _examples_folder() -> Path | None:
    for candidate in (Path.cwd() / "examples", Path(__file__).resolve().parents[2] / "examples"):
        if candidate.is_dir():
            return candidate
    return None


@app.command("demo")
def demo_cli(
    source: Annotated[Optional[Path], typer.Argument(help="Input folder (default: the project's examples/)")] = None,
    db_file: Annotated[Path, typer.Option("--db-file", help="The fresh SQLite file to build")] = Path("redline-demo.db"),
) -> None:
    """The main job on example input: a fresh SQLite store, the pipeline as far as it goes, and what it found."""
    source = source or _examples_folder()
    if source is None or not source.is_dir():
        _fail(RedlineError("no examples/ folder found: run from the project folder or give a folder"))
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_file}{suffix}").unlink(missing_ok=True)
    state.settings = Settings.load(None, db_url=f"sqlite:///{db_file}")
    store = _open_store()
    out.print(f"[bold]redline demo[/bold]: {source} → {db_file}")
    summary = _ingest_with_progress([str(source)], store)
    _print_summary(summary)
    found = store.articles(limit=None)
    out.print(_articles_table(found))
    for article in found:
        out.print(f"[bold]{article.outlet}[/bold] — {article.title}", highlight=False)
        width = min(shutil.get_terminal_size().columns, 120) - 4
        for paragraph in article.paragraphs:
            out.print(f"  {paragraph[:width]}{'…' if len(paragraph) > width else ''}", highlight=False)
    from redline.stories.facts import unique_facts

    for story in store.stories(limit=None):
        members = store.story_articles(story["id"])
        outlets = _outlets(members)
        out.print(f"\n[bold]Story[/bold] {story['id']}: {len(members)} reports from {len(outlets)} outlets "
                  f"({sum(outlets.values())} independent)", highlight=False)
        _show_story(members, unique_facts(members, embed=_sentence_embedder()))
    found_events = store.events(limit=None)
    out.print(f"\n[bold]Events[/bold]: {len(found_events)} coded")
    for e in found_events:
        quantities = _quantities_text(e)
        out.print(escape(f"  {e['event']:<10} {_party_text(e['actor'])} → {_party_text(e['recipient'])}  "
                         f"[{_modality_text(e)}]{'  ' + quantities if quantities else ''}  — {e['outlet']}: "
                         f"“{e['evidence']['sentence'][:90]}…”"), highlight=False)
    watchlist = _shipped_watchlist()
    if watchlist:
        out.print(f"\n[bold]Board[/bold] ({watchlist.relative_to(Path.cwd()) if watchlist.is_relative_to(Path.cwd()) else watchlist}, "
                  "as of the newest article)")
        _show_board(_watcher(watchlist, store, console=False).evaluate(store.newest_published()))


def _shipped_watchlist() -> Path | None:
    for candidate in (Path.cwd() / "watchlists", Path(__file__).resolve().parents[2] / "watchlists"):
        if (candidate / "korea-ukraine-aid.yaml").is_file():
            return candidate / "korea-ukraine-aid.yaml"
    return None


if __name__ == "__main__":
    app()
