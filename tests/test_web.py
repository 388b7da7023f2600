"""The dashboard and API: a real server (uvicorn on 127.0.0.1), real HTTP requests, and real headless Chromium
(Debian's, driven by Playwright) for the pages an analyst clicks through. The store holds the two seeds, ingested
with the shipped watchlist, and one hostile article whose text tries to run script."""

from __future__ import annotations

import json
import shutil

import httpx
import pytest
from conftest import EXAMPLES, ROOT, TEST_DB

from redline.pipeline import run_ingest
from redline.settings import Settings
from redline.store import Store
from redline.watch import Watcher, load_watchlist
from redline.web import create_app, running

SHIPPED = ROOT / "watchlists" / "korea-ukraine-aid.yaml"
TOKEN = "test-token-123"
HOSTILE = "<script>window.pwned = 1; alert('x')</script><img src=x onerror=\"alert('y')\"> Officials met in Geneva."
PAYLOAD = "<img src=x onerror=\"window.pwned=1;alert(2)\"><script>window.pwned=1</script>"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def web_settings(tmp_path_factory, request):
    folder = tmp_path_factory.mktemp("web")
    # On PostgreSQL too under `make test-postgres`: the web reads what the store holds, whichever it is.
    db_url = (request.getfixturevalue("postgres_server").new_database() if TEST_DB == "postgresql"
              else f"sqlite:///{folder / 'redline.db'}")
    settings = Settings(db_url=db_url)
    store = Store.open(settings)
    hostile = folder / "hostile.jsonl"
    hostile.write_text(json.dumps({"text": HOSTILE + " They discussed a ceasefire for several hours on Monday, "
                                   "according to the foreign ministry.", "title": "<b>Talks</b>",
                                   "outlet": "Example Wire", "date": "2024-10-20T10:00:00+00:00"}) + "\n")
    # A second hostile article, on the watchlist's beat so that it reaches the board, its indicator, the events
    # and the alerts: every field a page shows carries a payload, and its link is a javascript: URL.
    attack = json.dumps({"text": f"{PAYLOAD}\n\nNorth Korea has sent 500 troops to Russia, the defence ministry in "
                                 f"Seoul said on Monday. “We will watch them closely,” said Kim {PAYLOAD} Ho, a "
                                 "ministry spokesman.", "title": f"Troops {PAYLOAD}", "outlet": f"Wire {PAYLOAD}",
                         "authors": f"Lee {PAYLOAD}", "url": "javascript:window.pwned=1;alert(document.cookie)",
                         "date": "2024-10-21T10:00:00+00:00"})
    hostile.write_text(hostile.read_text() + attack + "\n")
    run_ingest([str(EXAMPLES), str(hostile)], store, settings=settings,
               watchers=[Watcher(load_watchlist(SHIPPED), store)])
    store.close()
    return settings


@pytest.fixture(scope="module")
def server(web_settings):
    with running(create_app(web_settings, [SHIPPED], token=TOKEN)) as base:
        yield base


def get(server, path, **params):
    response = httpx.get(server + path, params=params, timeout=60)
    assert response.status_code == 200, (path, response.status_code, response.text[:300])
    return response


# --- API -------------------------------------------------------------------------------------------------------

def test_api_board_is_the_board_contract(server):
    board = get(server, "/api/board", as_of="latest").json()
    assert board["watchlist"] == "korea-ukraine-aid" and board["stage"]["level"] == 1
    troops = next(i for i in board["indicators"] if i["id"] == "nk-troops-in-russia")
    assert (troops["value"], troops["modality"], troops["sources_for_value"]) == (1500, "reported", 1)


def test_api_events_filter_and_point_to_their_article(server):
    found = get(server, "/api/events", actor="PRK", recipient="RUS", event="AID").json()
    assert any(q["value"] == 1500 for e in found for q in e["quantities"])
    article = get(server, f"/api/articles/{found[0]['article_id']}").json()
    assert found[0]["evidence"]["sentence"] in article["text"]
    assert httpx.get(server + "/api/events", params={"modality": "rumoured"}).status_code == 422


def test_api_stories_alerts_indicators_and_openapi(server):
    stories = get(server, "/api/stories").json()
    seeds = next(s for s in stories if len(s["articles"]) >= 2)
    story = get(server, f"/api/stories/{seeds['id']}").json()
    assert {a["outlet"] for a in story["articles"]} >= {"The Dong-A Ilbo", "Korea Pro (Korea Risk Group)"}
    indicators = get(server, "/api/indicators", as_of="latest").json()
    assert {i["id"] for i in indicators} >= {"nk-troops-in-russia", "ru-space-tech-to-nk"}
    paths = get(server, "/openapi.json").json()["paths"]
    assert {"/api/articles", "/api/stories", "/api/events", "/api/board", "/api/indicators", "/api/alerts"} <= set(paths)
    assert httpx.get(server + "/api/stories/nope").status_code == 404


def test_writes_need_the_token_and_go_through_the_pipeline(server):
    article = [{"text": "North Korea has sent 3,000 more troops to Russia, South Korean intelligence said on Monday.",
                "title": "More troops", "outlet": "Yonhap News Agency", "published": "2024-11-04T09:00:00+09:00"}]
    sources_before = next(i for i in get(server, "/api/board", as_of="latest").json()["indicators"]
                          if i["id"] == "nk-troops-in-russia")["sources"]
    assert httpx.post(server + "/api/articles", json=article).status_code == 401
    wrong = httpx.post(server + "/api/articles", json=article, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    assert httpx.post(server + "/api/articles", json=[{"text": ""}],
                      headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 422
    done = httpx.post(server + "/api/articles", json=article, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=120)
    assert done.status_code == 201 and done.json()["stored"] == 1
    titles = [a["title"] for a in get(server, "/api/articles", limit=100).json()]
    assert "More troops" in titles
    again = httpx.post(server + "/api/articles", json=article, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=120)
    assert again.json()["stored"] == 0  # idempotent, like ingest
    troops = next(i for i in get(server, "/api/board", as_of="latest").json()["indicators"]
                  if i["id"] == "nk-troops-in-russia")
    assert troops["value"] == 3000 and troops["sources"] == sources_before + 1


def test_article_text_is_always_escaped(server):
    hostile = next(a for a in get(server, "/api/articles", limit=100).json() if a["outlet"] == "Example Wire")
    page = get(server, f"/articles/{hostile['id']}").text
    assert "<script>window.pwned" not in page and "&lt;script&gt;window.pwned" in page
    assert "<b>Talks</b>" not in page and "onerror=\"alert" not in page


# --- pages in a real browser -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM:
        pytest.skip("the browser tests need Debian's Chromium: sudo apt-get install chromium (make test installs it where it can)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        yield launched
        launched.close()


def test_board_to_indicator_to_its_evidence_sentence(server, browser, tmp_path):
    page = browser.new_page()
    page.goto(server + "/?as_of=latest")
    assert page.locator(".ladder li.current").inner_text().startswith("1 · non-lethal aid")
    assert "nk-troops-in-russia >= watch" in page.locator("#reasons").inner_text()
    page.screenshot(path=str(tmp_path / "board.png"), full_page=True)
    page.click("#indicators tr[data-indicator='nk-troops-in-russia'] a")
    assert "How many North Korean troops" in page.inner_text("main")
    page.click("#evidence a:has-text('The Dong-A Ilbo')")
    target = page.locator("mark:target")
    assert "1,500 elite troops" in target.inner_text()
    assert page.url.split("#")[1].startswith("event-")
    page.close()


def test_story_page_shows_both_outlets_side_by_side(server, browser):
    page = browser.new_page()
    page.goto(server + "/stories")
    page.click("#stories a:has-text('Presidential Office')")
    outlets = page.locator("#sources section").evaluate_all("nodes => nodes.map(n => n.dataset.outlet)")
    assert set(outlets) >= {"The Dong-A Ilbo", "Korea Pro (Korea Risk Group)"}
    assert "Only Korea Pro (Korea Risk Group) reports" in page.inner_text("#sources")
    page.close()


def test_events_filter_in_the_browser_and_no_script_from_an_article_runs(server, browser):
    page = browser.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(server + "/events")
    page.fill("input[name=actor]", "PRK")
    page.fill("input[name=recipient]", "RUS")
    page.click("form.filters button")
    rows = page.locator("#events tr").count() - 1
    assert rows >= 1 and all("PRK" in text for text in page.locator("#events td:nth-child(2)").all_inner_texts())
    with page.expect_navigation():
        page.select_option("select[name=modality]", "reported")  # the one script on the page: filters apply at once
    assert "modality=reported" in page.url
    assert set(page.locator("#events td:nth-child(3)").all_inner_texts()) == {"reported"}
    hostile = next(a for a in httpx.get(server + "/api/articles", params={"limit": 100}).json()
                   if a["outlet"] == "Example Wire")
    page.goto(server + f"/articles/{hostile['id']}")
    assert "<script>window.pwned" in page.inner_text(".article-text")  # shown as text
    assert page.evaluate("window.pwned") is None and dialogs == []
    page.close()


def test_story_briefs_are_kept_until_the_story_or_its_events_change(tmp_path):
    from redline.web import Dashboard

    settings = Settings(db_url=f"sqlite:///{tmp_path / 'redline.db'}")
    store = Store.open(settings)
    run_ingest([str(EXAMPLES)], store, settings=settings)
    store.close()
    dash = Dashboard(settings, [SHIPPED], token=None)
    story = next(s for s in dash.store.stories(limit=None) if s["size"] > 1)
    members = dash.store.story_articles(story["id"])
    first = dash.story_told(story, members)
    assert dash.story_told(story, members) is first  # read again: not computed again
    extra = tmp_path / "more.jsonl"
    extra.write_text(json.dumps({"text": "North Korea has sent 3,000 more troops to Russia, officials in Seoul said "
                                 "on Thursday, according to the defence ministry.", "outlet": "Example Wire",
                                 "date": "2024-10-24T10:00:00+00:00"}) + "\n")
    run_ingest([str(extra)], dash.store, settings=settings)
    assert dash.story_told(story, dash.store.story_articles(story["id"])) is not first  # new events: told afresh
    # `redline serve` tells the newest stories in the background at start: their pages then open at once.
    fresh = Dashboard(settings, [SHIPPED], token=None)
    fresh.warm(10).join(timeout=120)
    story = fresh.store.story(story["id"])
    warmed = list(fresh._told.values())
    assert warmed and any(fresh.story_told(story, fresh.store.story_articles(story["id"])) is w for w in warmed)


# --- hostile input, and what every response carries -------------------------------------------------------------

PAGES = ["/?as_of=latest", "/indicators/nk-troops-in-russia?as_of=latest", "/stories", "/events", "/alerts"]


def _hostile_pages(server) -> list[str]:
    articles = httpx.get(server + "/api/articles", params={"limit": 100}).json()
    attack = next(a for a in articles if a["outlet"].startswith("Wire "))
    story = next(s for s in httpx.get(server + "/api/stories").json() if attack["id"] in s["articles"])
    return [*PAGES, f"/articles/{attack['id']}", f"/stories/{story['id']}"]


def test_no_script_runs_and_no_javascript_link_is_emitted_on_any_page(server, browser):
    page = browser.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for path in _hostile_pages(server):
        response = page.goto(server + path)
        assert response.status == 200, path
        if path.startswith(("/articles/", "/stories/", "/events")):
            assert "Wire <img src=x" in page.inner_text("main"), path  # the payload is there, as text
        links = page.evaluate("Array.from(document.querySelectorAll('a[href]')).map(a => a.href)")
        assert not [href for href in links if not href.startswith(("http://", "https://"))], path
        assert page.evaluate("window.pwned") is None, path
    assert dialogs == []
    page.close()


def test_the_stored_link_is_dropped_and_the_brief_links_only_to_the_web(server, web_settings):
    from redline.report import build_brief, render

    attack = next(a for a in get(server, "/api/articles", limit=100).json() if a["outlet"].startswith("Wire "))
    assert attack["url"] is None  # a javascript: URL is never stored as the article's link
    assert attack["authors"] and "<img" in attack["authors"][0]["name"]  # kept as text, shown escaped
    html = httpx.get(server + f"/articles/{attack['id']}").text
    assert "<img src=x" not in html and "&lt;img src=x" in html and "javascript:" not in html
    store = Store.open(web_settings)
    try:
        brief = build_brief(store)
    finally:
        store.close()
    assert any("Wire " in citation.outlet for story in brief.stories for citation, _, _ in story.reports)
    page = render(brief, "html")
    assert "javascript:" not in page and "<script" not in page and "&lt;img src=x" in page
    assert "javascript:" not in render(brief, "md")


def test_every_response_carries_the_security_headers(server):
    for path in ["/", "/events", "/api/board?as_of=latest", "/static/redline.js", "/api/stories/nope", "/docs"]:
        response = httpx.get(server + path, timeout=60)
        policy = response.headers.get("content-security-policy", "")
        assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy, path
        assert response.headers["x-content-type-options"] == "nosniff", path
        assert response.headers["x-frame-options"] == "DENY" and response.headers["referrer-policy"] == "no-referrer"
        if not path.startswith("/docs"):
            assert "script-src 'self';" in policy, path  # no inline script on the dashboard's own pages
    page = httpx.get(server + "/events").text
    assert "<script>" not in page and '<script src="/static/redline.js"' in page


def test_oversized_requests_are_refused_with_413_and_a_message(server):
    auth = {"Authorization": f"Bearer {TOKEN}"}
    big = [{"text": "x" * 1000}] * 12_000  # about 12 MB: over the 10 MB default
    refused = httpx.post(server + "/api/articles", json=big, headers=auth, timeout=60)
    assert refused.status_code == 413 and "max_request_bytes" in refused.json()["detail"]

    def chunks():  # no Content-Length: the cap holds on a streamed body too
        yield b"["
        for _ in range(12_000):
            yield json.dumps({"text": "y" * 1000}).encode() + b","
        yield b'{"text": "z"}]'

    streamed = httpx.post(server + "/api/articles", content=chunks(), headers={**auth, "Content-Type": "application/json"},
                          timeout=60)
    assert streamed.status_code == 413
    many = [{"text": "a"}] * 1001
    too_many = httpx.post(server + "/api/articles", json=many, headers=auth, timeout=60)
    assert too_many.status_code == 413 and "max_post_items" in too_many.json()["detail"]
