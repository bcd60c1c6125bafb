# gie-lint: `make lint` (the main job) and `make test` take a fresh clone to working.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: lint test test-fast check schemas bench field clean

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

## bench: speed ratios (printed, never asserted): schema engines, and how the stages and rules scale 2k → 20k objects
bench: $(STAMP)
	$(BIN)/python bench/bench_schemas.py
	$(BIN)/python bench/bench_rules.py

## field: lint public upstream trees (llm-d-router renders, GIE conformance, ai-gateway, istio testdata) from
## fetched git mirrors and judge the findings against bench/field/verdicts.md; needs the mirrors, not in `test`
FIELD_MIRRORS  ?= /work/.mirror
FIELD_DIR      ?= /tmp/gie-lint-field
FIELD_TREES    ?= $(FIELD_DIR)/trees
FIELD_REPORT   ?= $(FIELD_DIR)/report.json
FIELD_ARGS     ?=
field: $(STAMP)
	mkdir -p $(FIELD_DIR)
	$(BIN)/python ../shared/tools/get_helm.py --dest $(FIELD_DIR)/helm > /dev/null
	$(BIN)/python bench/field/extract.py --mirrors $(FIELD_MIRRORS) --out $(FIELD_TREES) --helm $(FIELD_DIR)/helm/helm
	$(BIN)/python bench/field/run.py --trees $(FIELD_TREES) --out $(FIELD_REPORT) \
	  --markdown $(FIELD_DIR)/summary.md --verdicts bench/field/verdicts.md $(FIELD_ARGS)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
