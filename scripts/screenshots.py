"""Screenshots of the main pages for the README: the seeds ingested with the shipped watchlist, served on
127.0.0.1, photographed in headless Chromium (Debian's). Usage: python scripts/screenshots.py [OUT_DIR]"""

from __future__ import annotations

import shutil
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

import uvicorn
from playwright.sync_api import sync_playwright

from redline.pipeline import run_ingest
from redline.settings import Settings
from redline.store import Store
from redline.watch import Watcher, load_watchlist
from redline.web import create_app

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
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        server = uvicorn.Server(uvicorn.Config(create_app(settings, [watchlist]), host="127.0.0.1", port=port,
                                               log_level="warning"))
        threading.Thread(target=server.run, daemon=True).start()
        while not server.started:
            time.sleep(0.05)
        base = f"http://127.0.0.1:{port}"
        pages = {"board": "/?as_of=latest", "story": f"/stories/{story}", "events": "/events?actor=PRK",
                 "article": f"/articles/{article}"}
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=shutil.which("chromium"),
                                                 args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            for name, path in pages.items():
                page.goto(base + path)
                page.screenshot(path=str(out / f"{name}.png"), full_page=False)
            browser.close()
        server.should_exit = True
    print(f"screenshots in {out}")


if __name__ == "__main__":
    main()
