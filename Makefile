# pactwatch: `make demo` and `make test` are the two commands that matter.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test test-fast check lint types layers eval claim-scores verdicts bench bench-large clean

install: $(STAMP)

# constraints.txt is a hash lock: every file (pip and setuptools too) is checked
# before it is installed; pactwatch itself then goes in editable, building with the
# locked setuptools, and pip check confirms the lock satisfies pyproject's ranges.

$(STAMP): pyproject.toml constraints.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r constraints.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python samples/demo.py

# Two workers (pytest-xdist, a whole file per worker: its module fixtures are set up
# once) for everything but the tests that assert a wall-clock bound (`timing`), which
# then run alone so that the other worker's load never counts against their limit.
test: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadfile -m "not timing"
	$(BIN)/python -m pytest -m timing

# Unit tests only (no shared corpora, no Prefect server, no subprocess runs): under a minute.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not corpus and not integration"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: $(STAMP)
	$(BIN)/mypy

layers: $(STAMP)
	$(BIN)/lint-imports

check: lint types layers test

eval: $(STAMP)
	$(BIN)/python -m tests.eval.score

# Scores on ../shared/corpora/real-news-{dev,offtopic}, with every false claim (by hash).
claim-scores: $(STAMP)
	$(BIN)/python -m tests.claim_scores -v

# Claims from real pages and feeds with no verdict yet, and stale verdicts; exits 1 if any.
verdicts: $(STAMP)
	$(BIN)/python -m tests.verdicts

# Stage throughput (bench/run.py), then the scale figures over the synthetic corpus
# (bench/scale.py: 1k and 10k articles, 1M claims of history, Dask 1 vs 2 workers,
# 1 vs 2 Prefect workers on a DuckLake when PostgreSQL is installed), written to
# bench/results.json. Never part of `make test`; takes 40 minutes or more.
bench: $(STAMP)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/scale.py

# The same scale figures with 100k articles as well (an hour or more on 2 cores).
bench-large: $(STAMP)
	$(BIN)/python bench/scale.py --sizes 1000,10000,100000

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache demo-data
