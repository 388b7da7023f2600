# Two commands set everything up on a fresh machine: `make demo` (the main job) and `make test` (the tests).
# Each creates .venv and installs the project into it the first time (again when pyproject.toml changes).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: demo test test-postgres bench bench-smoke lint

demo: $(STAMP)
	$(BIN)/redline demo

test: $(STAMP)
	@bash scripts/system-packages.sh
	$(BIN)/python -m pytest

# The same suite with every test that takes the `settings` fixture on a PostgreSQL server the tests start.
test-postgres: $(STAMP)
	@bash scripts/system-packages.sh
	REDLINE_TEST_DB=postgresql $(BIN)/python -m pytest

# Full benchmarks (minutes); figures go to docs/<stage>.md and the README's table by hand, from the last line of each.
bench: $(STAMP)
	$(BIN)/python benchmarks/clean.py
	$(BIN)/python benchmarks/dedup.py
	$(BIN)/python benchmarks/stories.py
	$(BIN)/python benchmarks/events.py
	$(BIN)/python benchmarks/quotes.py
	$(BIN)/python benchmarks/watch.py
	$(BIN)/python benchmarks/web.py
	$(BIN)/python benchmarks/collect.py
	$(BIN)/python benchmarks/robustness.py
	$(BIN)/python benchmarks/store.py
	$(BIN)/python benchmarks/backfill.py

# What CI runs: every benchmark on a small slice, checked against the floors in benchmarks/floors.json.
bench-smoke: $(STAMP)
	$(BIN)/python benchmarks/clean.py --smoke
	$(BIN)/python benchmarks/dedup.py --smoke
	$(BIN)/python benchmarks/stories.py --smoke
	$(BIN)/python benchmarks/events.py --smoke
	$(BIN)/python benchmarks/quotes.py --smoke
	$(BIN)/python benchmarks/watch.py --smoke
	$(BIN)/python benchmarks/web.py --smoke
	$(BIN)/python benchmarks/collect.py --smoke
	$(BIN)/python benchmarks/robustness.py --smoke
	$(BIN)/python benchmarks/store.py --smoke
	$(BIN)/python benchmarks/backfill.py --smoke

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	# The CPU build of torch first: otherwise sentence-transformers pulls a multi-GB CUDA build.
	$(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@
