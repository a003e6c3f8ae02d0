# The two commands of the README: `make run` and `make test`. Everything they need goes into .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: run test lint typecheck contracts unit bench lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Installs come from the hash-pinned lock files in requirements/ (`make lock` writes them from pyproject.toml):
# the runtime lock alone for `make run`, the runtime and development lock for `make test`.
$(STAMP): pyproject.toml requirements/runtime.txt | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements/runtime.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(DEV_STAMP): pyproject.toml requirements/dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements/dev.txt
	$(BIN)/pip install --quiet --no-deps -e .
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

## Write the lock files again from pyproject.toml (after changing a dependency), with uv.
lock: | $(BIN)/python
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 --generate-hashes \
		--quiet -o requirements/dev.txt
	$(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes \
		-c requirements/dev.txt --quiet -o requirements/runtime.txt

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
