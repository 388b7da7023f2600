"""The `redline` command: thin commands that parse, call a plain function, and print."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable
from contextlib import contextmanager, nullcontext
from datetime import datetime
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from redline import ingest, views
from redline.clean import clean_item
from redline.errors import ItemError, ReadError, RedlineError
from redline.pipeline import Summary, run_ingest
from redline.settings import Settings
from redline.store import Store

app = typer.Typer(help="redline: indicators and warnings from the news, with evidence.",
                  epilog="Start with: redline demo (the seeds, end to end), then redline board -w WATCHLIST.yaml",
                  no_args_is_help=True,
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


def _print(lines: Iterable) -> None:
    """Print a view's lines (rich markup; what came from documents is escaped by the view)."""
    for line in lines:
        out.print(line, highlight=False)


@contextmanager
def _progress(what: str, unit: str):
    """A progress bar on stderr (only in a terminal), as (progress, task); it disappears when done."""
    columns = [TextColumn(f"[bold]{what}"), BarColumn(), MofNCompleteColumn(), TextColumn(unit), TimeElapsedColumn()]
    with Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as progress:
        yield progress, progress.add_task(what, total=None)


def _open_store(db: str | None = None) -> Store:
    if db:
        state.settings = Settings.load(None, db_url=db)
    try:
        return Store.open(state.settings)
    except RedlineError as exc:
        _fail(exc)
        raise  # unreachable: _fail exits


@app.command("ingest", epilog="Example: redline ingest examples/ -w watchlists/korea-ukraine-aid.yaml")
def ingest_cli(
    sources: Annotated[list[str], typer.Argument(help="Files, folders, URLs: .txt .md .html .json .jsonl feeds WARC, .gz")],
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
        # Plain json, not rich's print_json: highlighting 48,000 errors took over a gigabyte.
        sys.stdout.write(json.dumps(summary.as_dict(), indent=2, ensure_ascii=False) + "\n")
    else:
        out.print(views.summary_line(summary))
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


@app.command("clean", epilog="Example: redline clean page.html --explain")
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
                    _print(views.cleaned_article(cleaned, explain))
    sys.stdout.flush()


def _emit_error(error: ItemError, as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps({"id": None, **error.as_dict()}, ensure_ascii=False) + "\n")
    else:
        err.print(f"[red]✗[/red] {error.where}: {error.reason}", highlight=False)


@app.command("articles", epilog="Example: redline articles --outlet 'The Korea Herald'")
def articles_cli(
    limit: Annotated[int, typer.Option(help="How many, newest first")] = 20,
    outlet: Annotated[Optional[str], typer.Option(help="Only this outlet")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON line per article")] = False,
    db: DbOption = None,
) -> None:
    """List stored articles, newest first."""
    store = _open_store(db)
    found = store.articles(limit=limit, outlet=outlet)
    if _say_if_empty(store, found) and not as_json:
        return
    if as_json:
        for article in found:
            sys.stdout.write(json.dumps(article.to_json(), ensure_ascii=False) + "\n")
        return
    out.print(views.articles_table(found))


@app.command("stories", epilog="Example: redline stories --input articles.jsonl --json")
def stories_cli(
    input_file: Annotated[Optional[Path], typer.Option("--input", help="JSONL articles to group, nothing stored")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines (with --input: one per article, in order)")] = False,
    embeddings: Annotated[bool, typer.Option(help="Read meaning with sentence embeddings (slower, better)")] = True,
    limit: Annotated[int, typer.Option(help="How many stored stories, newest first")] = 20,
    db: DbOption = None,
) -> None:
    """List stored stories, or group a JSONL of articles ({id, text, title?, published?, outlet?}) with --input."""
    from redline.stories.batch import group_lines
    from redline.stories.facts import story_json

    if input_file is not None:
        try:
            lines = input_file.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            _fail(RedlineError(f"{input_file}: cannot read ({exc})"))
        with _progress("stories", "articles") as (progress, task):
            results = group_lines(lines, embeddings=embeddings,
                                  on_step=lambda done, total: progress.update(task, completed=done, total=total))
        for result in results:
            sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
        return
    store = _open_store(db)
    found = store.stories(limit=limit)
    if _say_if_empty(store, found) and not as_json:
        return
    if as_json:
        for story in found:
            members = store.story_articles(story["id"])
            sys.stdout.write(json.dumps(story_json(story, members, embed=_sentence_embedder()), ensure_ascii=False, default=str) + "\n")
        return
    out.print(views.stories_table([(story, store.story_articles(story["id"])) for story in found]))


@app.command("story", epilog="Example: redline story 3f2a9c1e")
def story_cli(story_id: Annotated[str, typer.Argument(help="A story id from `redline stories`")], db: DbOption = None) -> None:
    """One story: its reports, its outlets, and what each source adds."""
    from redline.stories.facts import unique_facts

    store = _open_store(db)
    members = store.story_articles(story_id)
    if not members:
        _fail(RedlineError(f"no story {story_id!r}: see `redline stories` for the ids"))
    _print(views.story_view(members, unique_facts(members, embed=_sentence_embedder())))
    thread = store.thread((store.story(story_id) or {}).get("thread_id"))
    if thread:
        _print(views.thread_view(story_id, thread))


def _sentence_embedder():  # noqa: D103 - the embedder's `embed`, or None when embeddings are off
    if not state.settings.story_embeddings:
        return None
    from redline.stories.features import default_embedder

    return default_embedder().embed


@app.command("code", epilog="Example: echo 'North Korea sent 1,500 troops to Russia.' | redline code --json")
def code_cli(
    input_file: Annotated[Optional[Path], typer.Argument(help="JSONL ({id, text, date?}) or plain lines; default stdin")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON line per input, in order (the contract)")] = False,
    stored: Annotated[bool, typer.Option("--stored", help="Code stored articles not coded yet (resumable back-fill)")] = False,
    workers: Annotated[int, typer.Option(help="Processes parsing and coding in parallel (one per core)")] = 1,
    db: DbOption = None,
) -> None:
    """Code events: who did what to whom (PLOVER), how sure (modality), on whose word (quotes)."""
    from redline.events.inputs import code_lines

    if stored:
        _code_stored(db, workers)
        return
    try:
        lines = (input_file.read_text(encoding="utf-8") if input_file else sys.stdin.read()).splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        _fail(RedlineError(f"{input_file or 'stdin'}: cannot read ({exc})"))
    for result in code_lines(lines, workers=workers):
        if as_json:
            sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
        elif result.get("error"):
            err.print(f"[red]{escape(str(result['id']))}[/red]: {escape(result['error'])}", highlight=False)
        else:
            out.print(views.coded_table(result))


def _code_stored(db: str | None, workers: int = 1) -> None:
    from redline.pipeline import code_stored

    store = _open_store(db)
    with Progress(TextColumn("coding"), BarColumn(), TextColumn("{task.completed} articles"),
                  TimeElapsedColumn(), console=err, transient=True) as progress:
        task = progress.add_task("code", total=None)
        articles, found = code_stored(store, on_batch=lambda n, e: progress.advance(task, n), workers=workers)
    out.print(f"coded {articles} articles: {found} events")


@app.command("events", epilog="Example: redline events --actor PRK --recipient RUS --modality reported")
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
    """List stored events, filtered by type, actor, recipient, modality or date."""
    from redline.records import MODALITIES

    if modality and modality.lower() not in MODALITIES:
        _fail(RedlineError(f"unknown modality {modality!r}; known: {', '.join(MODALITIES)}"))
    store = _open_store(db)
    found = store.events(limit=limit, event=event, actor=actor, recipient=recipient, modality=modality, since=since)
    if _say_if_empty(store, found) and not as_json:
        return
    if as_json:
        for row in found:
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    out.print(views.events_table(found))


# --- watch ---------------------------------------------------------------------------------------------------

def _load_watchlist(path: Path):
    from redline.watch import load_watchlist

    try:
        return load_watchlist(path, state.settings)
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


def _say_why_empty(store: Store, watcher, moment: datetime, as_of: str | None) -> None:
    """A board with no evidence says why: nothing stored, or everything older than the indicators count."""
    if not store.counts()["articles"]:
        _say_store_is_empty(store)
        return
    aged = watcher.aged_out(moment)
    if aged and as_of != "latest":
        reported, window = aged
        err.print(f"[yellow]all {reported} pieces of evidence are older than {window:g} days[/yellow] as of "
                  f"{moment:%Y-%m-%d}; `--as-of latest` shows the board as of the newest article", highlight=False)


def _say_if_empty(store: Store, found: list) -> bool:
    """Nothing found in a store with nothing in it: say so, and what to do (True when said)."""
    if found or store.counts()["articles"]:
        return False
    _say_store_is_empty(store)
    return True


def _say_store_is_empty(store: Store) -> None:
    err.print(f"[yellow]the store holds no articles[/yellow] ({store.url}): `redline ingest PATH…` stores some "
              "(`redline demo` shows the whole flow on the seeds)", highlight=False)


@app.command("board", epilog="Example: redline board -w watchlists/korea-ukraine-aid.yaml --as-of latest")
def board_cli(
    watchlist: Annotated[Path, typer.Option("--watchlist", "-w", help="The watchlist YAML")],
    as_of: Annotated[Optional[str], typer.Option(
        help="now (default), latest (the newest article's date: for an archive), or a date")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="The board as one JSON object")] = False,
    db: DbOption = None,
) -> None:
    """The ladder and every indicator: level, value, sources, grade and the newest evidence. Reading changes
    nothing: alerts are raised as evidence arrives (ingest, collect, replay)."""
    store = _open_store(db)
    moment = _as_of(as_of, store)
    with err.status("reading the stored events…") if err.is_terminal else nullcontext():
        watcher = _watcher(watchlist, store)
        board = watcher.read(moment)
    if as_json:
        sys.stdout.write(json.dumps(board.to_json(), ensure_ascii=False) + "\n")
        return
    _print(views.board_view(board))
    _say_why_empty(store, watcher, moment or board.stage.as_of, as_of)


@app.command("replay", epilog="Example: redline replay archive.jsonl -w watchlists/korea-ukraine-aid.yaml "
                               "--report backtest.md")
def replay_cli(
    sources: Annotated[list[str], typer.Argument(help="The archive: files, folders, feeds, WARC, JSONL")],
    watchlist: Annotated[Path, typer.Option("--watchlist", "-w", help="The watchlist YAML to backtest")],
    db_file: Annotated[Optional[Path], typer.Option("--db-file", help="Keep the replay's store here "
                                                    "(default: a temporary file, removed afterwards)")] = None,
    workers: Annotated[int, typer.Option(help="Processes cleaning in parallel")] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON line per alert, in order")] = False,
    report: Annotated[Optional[Path], typer.Option(
        help="Also write every alert with its evidence and counter-evidence: .md or .html")] = None,
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
    if report is not None:
        from redline.report import render_replay

        fmt = "html" if report.suffix.lower() in {".html", ".htm"} else "md"
        report.write_text(render_replay(loaded, raised, fmt), encoding="utf-8")
        err.print(f"report: {report} ({len(raised)} alert(s))")
    if as_json:
        for alert in raised:
            sys.stdout.write(json.dumps(alert.to_json(), ensure_ascii=False) + "\n")
        return
    out.print(views.summary_line(summary))
    _print(views.timeline_view(raised))


@app.command("backfill", epilog="Example: redline backfill cc-news/2024/10/ --db postgresql+psycopg://redline@db/redline "
                                 "--parquet out/ -w watchlists/korea-ukraine-aid.yaml")
def backfill_cli(
    sources: Annotated[list[str], typer.Argument(help="Shards: WARC, WARC.gz or JSONL files, or folders of them")],
    ray_address: Annotated[Optional[str], typer.Option(
        "--ray", help="A Ray cluster's address (default: a local Ray, one worker per core)")] = None,
    workers: Annotated[Optional[int], typer.Option(help="Ray workers (default: one per core of the cluster)")] = None,
    parquet: Annotated[Optional[Path], typer.Option(
        help="Also write articles, events and quotes as Parquet datasets here, partitioned by day")] = None,
    events: Annotated[bool, typer.Option(help="Code events (off: `redline code --stored` later)")] = True,
    stories: Annotated[bool, typer.Option(help="Fold copies and place articles in stories after storing")] = True,
    watchlist: Annotated[Optional[Path], typer.Option(
        "--watchlist", "-w", help="Replay this watchlist over the store afterwards, in publication order")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON")] = False,
    db: DbOption = None,
) -> None:
    """Backfill an archive on Ray, resumably: shards already done are not read again."""
    from redline.backfill import run_backfill

    store = _open_store(db)
    watcher = None
    if watchlist is not None:
        from redline.watch import Watcher

        watcher = Watcher(_load_watchlist(watchlist), store)
    columns = [TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
    with Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as progress:
        task = progress.add_task("shards", total=None)
        try:
            summary = run_backfill(
                sources, store, settings=state.settings, workers=workers, ray_address=ray_address,
                code_events=events, group=stories, watcher=watcher, parquet=parquet,
                on_shards=lambda done, total: progress.update(task, completed=done, total=total),
                on_error=lambda e: progress.console.print(f"[red]✗[/red] {escape(e.where)}: {escape(e.reason)}",
                                                          highlight=False, soft_wrap=True),
                on_placed=lambda placed: progress.update(task, description="stories", completed=placed,
                                                         total=None))
        except KeyboardInterrupt:
            err.print("[yellow]interrupted:[/yellow] every shard finished is recorded; run again to resume")
            raise typer.Exit(130)
        except RedlineError as exc:
            _fail(exc)
    if as_json:
        sys.stdout.write(json.dumps(summary.as_dict(), indent=2, ensure_ascii=False) + "\n")
    else:
        out.print(f"{summary.shards} shard(s), {summary.done_before} done before; {summary.items} item(s): "
                  f"{summary.stored} stored, {summary.duplicate} duplicate, {summary.failed} failed; "
                  f"{summary.events} event(s); {summary.placed} placed in stories, {summary.copies} copies"
                  + (f"; {summary.alerts} alert(s)" if watcher is not None else ""), highlight=False)


@app.command("alerts", epilog="Example: redline alerts --retry watchlists/korea-ukraine-aid.yaml")
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
    out.print(views.alerts_table(found))


# --- report --------------------------------------------------------------------------------------------------

@app.command("brief", epilog="Example: redline brief -w watchlists/korea-ukraine-aid.yaml -f pdf -o brief.pdf")
def brief_cli(
    watchlist: WatchlistOption = None,
    since: Annotated[Optional[str], typer.Option(
        help="What changed since this date (default: the last brief; everything for the first)")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="md, html or pdf")] = "md",
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write here (pdf needs it)")] = None,
    as_of: Annotated[Optional[str], typer.Option(help="The board's moment: now, latest, or a date")] = None,
    db: DbOption = None,
) -> None:
    """The brief: what changed, each story's facts and what each outlet adds, every line cited (md, html, pdf)."""
    from redline.report import FORMATS, build_brief, render, write_pdf

    if fmt not in FORMATS:
        _fail(RedlineError(f"--format {fmt!r}: give one of {', '.join(FORMATS)}"))
    if fmt == "pdf" and output is None:
        _fail(RedlineError("--format pdf writes a file: give --output brief.pdf"))
    store = _open_store(db)
    start = _as_of(since, store, end_of_day=False) if since else store.last_brief_at()
    moment = _as_of(as_of, store)
    boards = [_watcher(path, store, console=False).read(moment) for path in watchlist or ()]
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


@app.command("export", epilog="Example: redline export plover --what events -o events.plover.jsonl")
def export_cli(
    fmt: Annotated[str, typer.Argument(help="jsonl, parquet, plover (PLOVER JSON lines) or cameo-csv")],
    what: Annotated[str, typer.Option(help="articles, events, quotes or alerts")] = "events",
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write here (parquet needs it; "
                                                                          "else standard output)")] = None,
    db: DbOption = None,
) -> None:
    """The store's articles, events, quotes or alerts for other tools: JSONL, Parquet, PLOVER JSON, CAMEO CSV."""
    from redline.report.exports import export

    store = _open_store(db)
    try:
        written = export(store, what, fmt, output if output else sys.stdout)
    except BrokenPipeError:  # the reader stopped early (`| head`): not an error of ours
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - so that the interpreter's last flush finds no pipe
        return
    except (OSError, RedlineError) as exc:
        _fail(exc)
    if output:
        err.print(f"export: {written:,} {what} as {fmt} → {output}")


# --- web -----------------------------------------------------------------------------------------------------

@app.command("serve", epilog="Example: REDLINE_API_TOKEN=secret redline serve -w watchlists/korea-ukraine-aid.yaml")
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

@app.command("collect", epilog="Example: redline collect --sources watchlists/sources.yaml -w watchlists/korea-ukraine-aid.yaml")
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

    collector = Collector(store, state.settings, listed, watchers=watchers, on_poll=lambda polled: err.print(views.poll_line(polled), highlight=False))
    err.print(f"collecting {len(listed.sources)} source(s); Ctrl-C stops (nothing is lost)")
    try:
        collector.run(rounds=rounds)
    except KeyboardInterrupt:
        err.print("[yellow]stopped[/yellow]: run again to continue")
    finally:
        collector.close()


@app.command("sources", epilog="Example: redline sources --sources watchlists/sources.yaml")
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
    out.print(views.sources_table(rows))


def _examples_folder() -> Path | None:
    for candidate in (Path.cwd() / "examples", Path(__file__).resolve().parents[2] / "examples"):
        if candidate.is_dir():
            return candidate
    return None


@app.command("demo", epilog="Example: redline demo")
def demo_cli(
    source: Annotated[Optional[Path], typer.Argument(help="Input folder (default: the project's examples/)")] = None,
    db_file: Annotated[Path, typer.Option("--db-file", help="The fresh SQLite file to build")] = Path("redline-demo.db"),
) -> None:
    """The main job on example input: a fresh SQLite store, the pipeline as far as it goes, and what it found."""
    from redline.stories.facts import unique_facts

    source = source or _examples_folder()
    if source is None or not source.is_dir():
        _fail(RedlineError("no examples/ folder found: run from the project folder or give a folder"))
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_file}{suffix}").unlink(missing_ok=True)
    state.settings = Settings.load(None, db_url=f"sqlite:///{db_file}")
    store = _open_store()
    out.print(f"[bold]redline demo[/bold]: {source} → {db_file}")
    summary = _ingest_with_progress([str(source)], store)
    out.print(views.summary_line(summary))
    found = store.articles(limit=None)
    out.print(views.articles_table(found))
    for article in found:
        _print(views.article_paragraphs(article))
    for story in store.stories(limit=None):
        members = store.story_articles(story["id"])
        out.print(views.story_heading(story, members), highlight=False)
        _print(views.story_view(members, unique_facts(members, embed=_sentence_embedder())))
    found_events = store.events(limit=None)
    out.print(f"\n[bold]Events[/bold]: {len(found_events)} coded")
    _print(views.event_line(e) for e in found_events)
    watchlist = _shipped_watchlist()
    if watchlist:
        shown = watchlist.relative_to(Path.cwd()) if watchlist.is_relative_to(Path.cwd()) else watchlist
        out.print(f"\n[bold]Board[/bold] ({shown}, as of the newest article)")
        _print(views.board_view(_watcher(watchlist, store, console=False).read(store.newest_published())))


def _shipped_watchlist() -> Path | None:
    for candidate in (Path.cwd() / "watchlists", Path(__file__).resolve().parents[2] / "watchlists"):
        if (candidate / "korea-ukraine-aid.yaml").is_file():
            return candidate / "korea-ukraine-aid.yaml"
    return None


if __name__ == "__main__":
    app()
