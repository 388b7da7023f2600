"""Screenshots of the main pages for the README: the seeds ingested with the shipped watchlist, served on
127.0.0.1, photographed in headless Chromium (Debian's). Usage: python scripts/screenshots.py [OUT_DIR]"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from redline.pipeline import run_ingest
from redline.settings import Settings
from redline.store import Store
from redline.watch import Watcher, load_watchlist
from redline.web import create_app, running

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "docs" / "screenshots")
    out.mkdir(parents=True, exist_ok=True)
    watchlist = ROOT / "watchlists" / "korea-ukraine-aid.yaml"
    with tempfile.TemporaryDirectory() as scratch:
        settings = Settings(db_url=f"sqlite:///{scratch}/redline.db")
        store = Store.open(settings)
        run_ingest([str(ROOT / "examples")], store, settings=settings,
                   watchers=[Watcher(load_watchlist(watchlist), store)])
        story = store.stories(limit=1)[0]["id"]
        article = store.articles(limit=None)[-1].id
        store.close()
        pages = {"board": "/?as_of=latest", "story": f"/stories/{story}", "events": "/events?actor=PRK",
                 "article": f"/articles/{article}"}
        with running(create_app(settings, [watchlist])) as base, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=shutil.which("chromium"),
                                                 args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            for name, path in pages.items():
                page.goto(base + path)
                page.screenshot(path=str(out / f"{name}.png"), full_page=False)
            browser.close()
    print(f"screenshots in {out}")


if __name__ == "__main__":
    main()
