# gie-lint: `make lint` (the main job) and `make test` take a fresh clone to working.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: lint test check schemas bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

## lint: lint the reference scenarios of .gie-lint.yaml (default, leader-election)
lint: $(STAMP)
	$(BIN)/gie-lint check

## test: static checks (ruff, mypy --strict) and the whole test suite
test: $(STAMP)
	$(BIN)/ruff check lint tests bench
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

## schemas: regenerate schemas/ from the upstream CRDs in ../shared/crds
schemas: $(STAMP)
	$(BIN)/python -m lint.schema.generate --crds ../shared/crds --out schemas

## bench: speed ratios (printed, never asserted)
bench: $(STAMP)
	$(BIN)/python bench/bench_schemas.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
