"""redline: indicators and warnings from the news, with evidence.

The functions the `redline` command calls, for use from Python (each loaded on first use, so `import redline`
stays light: spaCy and the sentence-embedding model load only when a coder or grouper is made):

    import redline
    settings = redline.Settings.load()
    store = redline.Store.open(settings)
    redline.run_ingest(["examples/"], store, settings=settings,
                       watchers=[redline.Watcher(redline.load_watchlist("watchlists/korea-ukraine-aid.yaml"), store)])
    board = redline.Watcher(redline.load_watchlist("watchlists/korea-ukraine-aid.yaml"), store).read()
    print(redline.render(redline.build_brief(store, boards=[board]), "md"))
"""

from __future__ import annotations

import importlib
import importlib.metadata

try:
    __version__ = importlib.metadata.version("redline")
except importlib.metadata.PackageNotFoundError:  # run from a source tree that was never installed
    __version__ = "0+unknown"

# name -> the module that defines it
_EXPORTS = {
    "Settings": "redline.settings",
    "Store": "redline.store",
    "RedlineError": "redline.errors",
    "ItemError": "redline.errors",
    "Article": "redline.records",
    "Event": "redline.records",
    "run_ingest": "redline.pipeline",
    "run_replay": "redline.pipeline",
    "code_stored": "redline.pipeline",
    "Summary": "redline.pipeline",
    "clean_item": "redline.clean",
    "Coder": "redline.events",
    "code_lines": "redline.events.inputs",
    "group_lines": "redline.stories.batch",
    "story_json": "redline.stories.facts",
    "unique_facts": "redline.stories.facts",
    "load_watchlist": "redline.watch",
    "Watcher": "redline.watch",
    "make_sinks": "redline.watch",
    "build_brief": "redline.report",
    "render": "redline.report",
    "write_pdf": "redline.report",
    "create_app": "redline.web",
    "load_sources": "redline.collect",
    "Collector": "redline.collect",
    "health": "redline.collect",
}

__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'redline' has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value  # loaded once
    return value


def __dir__() -> list[str]:
    return __all__
