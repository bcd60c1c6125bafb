# gie-lint: `make lint` (the main job) and `make test` take a fresh clone to working.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: lint test test-fast check schemas bench clean

# Ranges live in pyproject.toml; the exact versions installed here (and in CI) in constraints.txt.
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test]'
	touch $(STAMP)

## lint: lint the reference scenarios of .gie-lint.yaml (default, leader-election)
lint: $(STAMP)
	$(BIN)/gie-lint check

## test: static checks (ruff, mypy --strict) and the whole test suite
test: $(STAMP)
	$(BIN)/ruff check lint tests bench
	$(BIN)/mypy
	$(BIN)/python -m pytest -q -n auto

## test-fast: the inner loop: everything but the tests marked slow, in parallel (< 30 s)
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -n auto -m "not slow"

## schemas: regenerate schemas/ from the upstream CRDs in ../shared/crds
schemas: $(STAMP)
	$(BIN)/python -m lint.schema.generate --crds ../shared/crds --out schemas

## bench: speed ratios (printed, never asserted)
bench: $(STAMP)
	$(BIN)/python bench/bench_schemas.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
