"""The public API: `import redline` gives the functions the command calls, and stays light to import."""

import subprocess
import sys

import redline


def test_every_public_name_resolves_to_what_its_module_defines():
    import importlib

    for name in redline.__all__:
        if name == "__version__":
            continue
        value = getattr(redline, name)
        assert value is getattr(importlib.import_module(redline._EXPORTS[name]), name), name


def test_an_unknown_name_is_an_attribute_error_naming_it():
    try:
        redline.no_such_thing  # noqa: B018
    except AttributeError as exc:
        assert "no_such_thing" in str(exc)
    else:
        raise AssertionError("expected AttributeError")


def test_importing_redline_loads_neither_spacy_nor_torch():
    probe = "import sys, redline; print(any(m in sys.modules for m in ('spacy', 'torch', 'sentence_transformers')))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "False", result.stderr


def test_the_api_runs_the_seeds_end_to_end(tmp_path):
    from conftest import EXAMPLES, ROOT

    settings = redline.Settings(db_url=f"sqlite:///{tmp_path / 'api.db'}")
    store = redline.Store.open(settings)
    watchlist = redline.load_watchlist(ROOT / "watchlists" / "korea-ukraine-aid.yaml")
    summary = redline.run_ingest([str(EXAMPLES)], store, settings=settings)
    assert summary.stored == 2
    board = redline.Watcher(watchlist, store).evaluate(store.newest_published())
    assert board.stage.level == 1
    assert "1,500" in redline.render(redline.build_brief(store, boards=[board]), "md")
    store.close()
