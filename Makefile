# The two commands of the README: `make run` and `make test`. Everything they need goes into .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: run test lint typecheck contracts unit bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP) $@

## The main job on the embedded default: generate demo files and show what hezhang reads in them.
run: $(STAMP)
	$(BIN)/hezhang demo

## Lint, format check, type check, the import-layer contracts and every test.
test: $(DEV_STAMP) lint typecheck contracts unit

lint: $(DEV_STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(DEV_STAMP)
	$(BIN)/mypy

contracts: $(DEV_STAMP)
	$(BIN)/lint-imports

unit: $(DEV_STAMP)
	$(BIN)/pytest -n 2 -q

## Benchmarks (not part of `make test`); figures go to docs/benchmarks.md.
bench: $(DEV_STAMP)
	$(BIN)/python -m benchmarks.importers

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
