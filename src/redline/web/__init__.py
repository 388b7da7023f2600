"""Web: the dashboard an analyst opens every morning, and the JSON API other tools read.

    create_app(settings, watchlists=[…], token=…) → FastAPI        `redline serve` runs it with uvicorn

Pages are rendered on the server (Jinja2, autoescaped: article text never runs as markup) and work without
JavaScript; charts are inline SVG drawn here. The API (`/api/…`, OpenAPI at `/docs`) reads articles, stories,
events, indicators and alerts; `POST /api/articles` ingests through the same pipeline as `redline ingest` and needs
the token (`Authorization: Bearer …`); with no token configured, writes are refused.
"""

from __future__ import annotations

import hmac
import json
import socket
import tempfile
import threading
import time
from collections import OrderedDict
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Optional

from fastapi import Depends, FastAPI, Header, HTTPException, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field

from redline.pipeline import run_ingest
from redline.records import MODALITIES, shown_date, web_url
from redline.report import story_brief
from redline.settings import Settings
from redline.store import Store
from redline.watch import Watcher, load_watchlist, moment
from redline.web import charts
from redline.web.guard import Guard

# Story briefs kept in memory by the dashboard (the most recently read).
STORY_CACHE_SIZE = 256
TEMPLATES = Jinja2Templates(directory=str(Path(__file__).with_name("templates")))
TEMPLATES.env.filters["web_url"] = web_url
TEMPLATES.env.filters["when"] = shown_date  # a date printed without a time is shown as that date
TEMPLATES.env.filters["codes"] = lambda parties: ", ".join(p.get("code") or "?" for p in parties) or "?"


class ArticleIn(BaseModel):
    """An article to ingest: its text, and what is known of it."""

    text: str = Field(min_length=1)
    title: Optional[str] = None
    url: Optional[str] = None
    outlet: Optional[str] = None
    published: Optional[str] = Field(default=None, description="ISO 8601 date or date-time")


class Dashboard:
    """The app's state: the store, and one watcher per watchlist, rebuilt when the store's events change."""

    def __init__(self, settings: Settings, watchlist_paths: list[Path], token: str | None):
        self.settings = settings
        self.store = Store.open(settings)
        self.watchlists = [load_watchlist(path, settings) for path in watchlist_paths]
        self.token = token
        self._watchers: dict[str, tuple[int, Watcher]] = {}
        self._told: OrderedDict[tuple, object] = OrderedDict()
        self._told_lock = threading.Lock()  # pages are served from a thread pool

    def watcher(self, watchlist_id: str | None = None) -> Watcher | None:
        chosen = next((w for w in self.watchlists if watchlist_id in (None, w.id)), None)
        if chosen is None:
            return None
        stored = self.store.event_count()
        cached = self._watchers.get(chosen.id)
        if cached is None or cached[0] != stored:
            cached = (stored, Watcher(chosen, self.store))
            self._watchers[chosen.id] = cached
        return cached[1]

    def story_told(self, story: dict, members: list) -> object:
        """The story's brief (facts, what each outlet adds …), kept until the story's reports or the store's events
        change: comparing every outlet's sentences is the slow part of a story page."""
        key = (story["id"], story.get("title"), story.get("last_seen"),
               tuple((a.id, a.duplicate_of, a.derived_from) for a in members), self.store.event_count())
        with self._told_lock:
            if key in self._told:
                self._told.move_to_end(key)
                return self._told[key]
        told = story_brief(self.store, story, embed=self.embed())  # outside the lock: it takes a while
        with self._told_lock:
            self._told[key] = told
            while len(self._told) > STORY_CACHE_SIZE:
                self._told.popitem(last=False)
        return told

    def warm(self, stories: int) -> threading.Thread:
        """Tell the newest stories in the background, so that their pages open at once."""
        def run() -> None:
            for story in self.store.stories(limit=stories):
                if story["size"] > 1:
                    self.story_told(story, self.store.story_articles(story["id"]))

        thread = threading.Thread(target=run, name="redline-warm", daemon=True)
        thread.start()
        return thread

    def embed(self):
        """The sentence embedder for "what each source adds" (paraphrases), when embeddings are on."""
        if not self.settings.story_embeddings:
            return None
        from redline.stories.features import default_embedder

        return default_embedder().embed

    def moment(self, as_of: str | None) -> datetime | None:
        try:
            return moment(as_of, self.store)
        except ValueError:
            raise HTTPException(422, f"as_of: give now, latest or an ISO date, not {as_of!r}") from None


def create_app(settings: Settings, watchlists: list[Path] = (), token: str | None = None) -> FastAPI:
    app = FastAPI(title="redline", description="Indicators and warnings from the news, with evidence.",
                  version="0.1.0")
    dash = Dashboard(settings, list(watchlists), token)
    app.state.dashboard = dash
    app.add_middleware(Guard, max_body_bytes=settings.max_request_bytes)
    app.mount("/static", StaticFiles(directory=str(Path(__file__).with_name("static"))), name="static")

    def page(request: Request, name: str, **context) -> HTMLResponse:
        return TEMPLATES.TemplateResponse(request, name, {"watchlists": dash.watchlists, **context})

    def board_for(watchlist: str | None, as_of: str | None):
        watcher = dash.watcher(watchlist)
        if watcher is None:
            raise HTTPException(404, "no watchlist: start `redline serve --watchlist W.yaml`")
        return watcher.read(dash.moment(as_of))

    def require_token(authorization: Optional[str] = Header(default=None)) -> None:
        if not dash.token:
            raise HTTPException(403, "writes are off: start the server with a token (REDLINE_API_TOKEN)")
        given = (authorization or "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), dash.token.encode()):
            raise HTTPException(401, "a valid token is needed: Authorization: Bearer <token>")

    # --- pages -------------------------------------------------------------------------------------------------

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def board_page(request: Request, watchlist: Optional[str] = None, as_of: Optional[str] = None):
        if not dash.watchlists:
            return page(request, "home.html", counts=dash.store.counts())
        board = board_for(watchlist, as_of)
        history = dash.store.indicator_history(board.watchlist.id)
        stages = dash.store.stage_history(board.watchlist.id)
        sparks = {s.indicator: charts.sparkline([h for h in history if h.indicator == s.indicator],
                                                board.watchlist.indicator(s.indicator).levels)
                  for s in board.indicators}
        return page(request, "board.html", board=board, sparks=sparks, as_of=as_of,
                    stage_chart=charts.stage_chart(stages, board.watchlist.ladder),
                    alerts=dash.store.alerts(board.watchlist.id, limit=20))

    @app.get("/indicators/{indicator_id}", response_class=HTMLResponse, include_in_schema=False)
    def indicator_page(request: Request, indicator_id: str, watchlist: Optional[str] = None,
                       as_of: Optional[str] = None):
        board = board_for(watchlist, as_of)
        state = next((s for s in board.indicators if s.indicator == indicator_id), None)
        if state is None:
            raise HTTPException(404, f"no indicator {indicator_id!r}")
        history = dash.store.indicator_history(board.watchlist.id, indicator_id)
        return page(request, "indicator.html", board=board, state=state, as_of=as_of,
                    indicator=board.watchlist.indicator(indicator_id), history=history,
                    chart=charts.value_chart(history))

    @app.get("/stories", response_class=HTMLResponse, include_in_schema=False)
    def stories_page(request: Request, q: Optional[str] = None, outlet: Optional[str] = None):
        return page(request, "stories.html", stories=_stories(dash.store, q, outlet), q=q or "", outlet=outlet or "")

    @app.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    def story_page(request: Request, story_id: str):
        story = dash.store.story(story_id)
        if story is None:
            raise HTTPException(404, f"no story {story_id!r}")
        members = dash.store.story_articles(story_id)
        return page(request, "story.html", story=story, members=members, told=dash.story_told(story, members),
                    thread=dash.store.thread(story.get("thread_id")))

    @app.get("/events", response_class=HTMLResponse, include_in_schema=False)
    def events_page(request: Request, event: Optional[str] = None, actor: Optional[str] = None,
                    recipient: Optional[str] = None, modality: Optional[str] = None, since: Optional[str] = None):
        found = _events(dash.store, event, actor, recipient, modality, since, limit=500)
        return page(request, "events.html", events=found, modalities=MODALITIES,
                    filters={"event": event or "", "actor": actor or "", "recipient": recipient or "",
                             "modality": modality or "", "since": since or ""},
                    dyads=charts.dyad_chart(found))

    @app.get("/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(request: Request, article_id: str):
        article = dash.store.article(article_id)
        if article is None:
            raise HTTPException(404, f"no article {article_id!r}")
        found = dash.store.events(limit=None, article_id=article_id)
        return page(request, "article.html", article=article, events=found,
                    pieces=charts.marked_text(article.text, found))

    @app.get("/alerts", response_class=HTMLResponse, include_in_schema=False)
    def alerts_page(request: Request):
        return page(request, "alerts.html", alerts=dash.store.alerts(None, limit=200))

    # --- API ---------------------------------------------------------------------------------------------------

    @app.get("/api/articles", tags=["articles"])
    def api_articles(limit: int = Query(50, le=1000), outlet: Optional[str] = None) -> list[dict]:
        return [a.to_json() for a in dash.store.articles(limit=limit, outlet=outlet)]

    @app.get("/api/articles/{article_id}", tags=["articles"])
    def api_article(article_id: str) -> dict:
        article = dash.store.article(article_id)
        if article is None:
            raise HTTPException(404, f"no article {article_id!r}")
        return {**article.to_json(), "events": dash.store.events(limit=None, article_id=article_id)}

    @app.post("/api/articles", tags=["articles"], status_code=201, dependencies=[Depends(require_token)])
    def api_ingest(articles: list[ArticleIn]) -> dict:
        """Ingest articles (clean, fold copies, stories, events, watchlists) as `redline ingest` does."""
        if len(articles) > dash.settings.max_post_items:
            raise HTTPException(413, f"{len(articles):,} articles in one request; at most "
                                     f"{dash.settings.max_post_items:,} (setting max_post_items)")
        with tempfile.TemporaryDirectory() as scratch:
            path = Path(scratch) / "posted.jsonl"
            path.write_text("".join(json.dumps(a.model_dump(exclude_none=True)) + "\n" for a in articles))
            watchers = [w for w in (dash.watcher(x.id) for x in dash.watchlists) if w]
            summary = run_ingest([str(path)], dash.store, settings=dash.settings, watchers=watchers)
        result = summary.as_dict()
        result["errors"] = [{**e, "input": e["input"].replace(str(path), "posted")} for e in result["errors"]]
        return result

    @app.get("/api/stories", tags=["stories"])
    def api_stories(limit: int = Query(50, le=1000)) -> list[dict]:
        return [{**s, "articles": [a.id for a in dash.store.story_articles(s["id"])]}
                for s in dash.store.stories(limit=limit)]

    @app.get("/api/stories/{story_id}", tags=["stories"])
    def api_story(story_id: str) -> dict:
        story = dash.store.story(story_id)
        if story is None:
            raise HTTPException(404, f"no story {story_id!r}")
        members = dash.store.story_articles(story_id)
        thread = [s["id"] for s in dash.store.thread(story.get("thread_id"))]
        return {**story, "articles": [a.to_json() for a in members], "thread": thread}

    @app.get("/api/events", tags=["events"])
    def api_events(event: Optional[str] = None, actor: Optional[str] = None, recipient: Optional[str] = None,
                   modality: Optional[str] = None, since: Optional[str] = None,
                   limit: int = Query(100, le=5000)) -> list[dict]:
        return _events(dash.store, event, actor, recipient, modality, since, limit)

    @app.get("/api/board", tags=["watch"])
    def api_board(watchlist: Optional[str] = None, as_of: Optional[str] = None) -> dict:
        """The `redline board --json` object."""
        return board_for(watchlist, as_of).to_json()

    @app.get("/api/indicators", tags=["watch"])
    def api_indicators(watchlist: Optional[str] = None, as_of: Optional[str] = None) -> list[dict]:
        board = board_for(watchlist, as_of)
        history = dash.store.indicator_history(board.watchlist.id)
        return [{**item, "history": [{"as_of": h.as_of.isoformat(), "level": h.level, "value": h.value}
                                     for h in history if h.indicator == item["id"]]}
                for item in board.to_json()["indicators"]]

    @app.get("/api/alerts", tags=["watch"])
    def api_alerts(watchlist: Optional[str] = None, limit: int = Query(50, le=1000)) -> list[dict]:
        return dash.store.alerts(watchlist, limit=limit)

    return app


@contextmanager
def running(app: FastAPI, host: str = "127.0.0.1"):
    """Serve `app` with uvicorn in a background thread on a free port; yields its base URL, stops on exit.
    For tests, benchmarks and screenshots: `redline serve` runs uvicorn in the foreground instead."""
    import uvicorn

    with socket.socket() as probe:
        probe.bind((host, 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError(f"the web server did not start on {host}:{port}")
        time.sleep(0.05)
    try:
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def _events(store: Store, event, actor, recipient, modality, since, limit) -> list[dict]:
    if modality and modality.lower() not in MODALITIES:
        raise HTTPException(422, f"unknown modality {modality!r}; known: {', '.join(MODALITIES)}")
    return store.events(limit=limit, event=event or None, actor=actor or None, recipient=recipient or None,
                        modality=modality or None, since=since or None)


def _stories(store: Store, q: str | None, outlet: str | None) -> list[dict]:
    found = []
    for story in store.stories(limit=200):
        members = store.story_articles(story["id"])
        outlets = sorted({a.outlet or "unknown outlet" for a in members})
        text = " ".join(filter(None, [story["title"], *(a.title or "" for a in members)])).lower()
        if (q and q.lower() not in text) or (outlet and outlet not in outlets):
            continue
        found.append({**story, "outlets": outlets, "reports": len(members)})
    return found
