# gie-lint: `make lint` (the main job) and `make test` take a fresh clone to working.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: lint test test-fast fuzz check schemas bench field clean docs serve mermaid

# Ranges live in pyproject.toml; the exact versions installed here (and in CI) in constraints.txt.
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test,docs]'
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

## fuzz: tests/test_fuzz.py with the long hypothesis profile (random seed, many more examples than the fixed-seed
## "ci" profile `make test` runs); FUZZ_ARGS e.g. "-x" or "--hypothesis-seed=1"
FUZZ_ARGS ?=
fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=long $(BIN)/python -m pytest -q -n auto tests/test_fuzz.py $(FUZZ_ARGS)

## schemas: regenerate schemas/ from the upstream CRDs in ../shared/crds
schemas: $(STAMP)
	$(BIN)/python -m gie_lint.schema.generate --crds ../shared/crds --out schemas

## bench: speed ratios (printed, never asserted): schema engines, how the stages and rules scale 2k → 20k objects,
## and the whole check next to the libyaml floor and kubernetes-validate (wall, CPU, peak RSS; README "Performance")
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[bench]'
	$(BIN)/python bench/bench_schemas.py
	$(BIN)/python bench/bench_rules.py
	$(BIN)/python bench/bench_floor.py

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

## docs: the documentation site, built strictly (offline) into site/
# Material 9.7+ prints an end-of-life notice for MkDocs 1.x on every build; this silences it (docs/index.md says
# what the plan is if Material stops).
DOCS_ENV := NO_MKDOCS_2_WARNING=1
# Mermaid is served from the site, never a CDN: the npm registry's package `mermaid` at a pinned version, its
# dist/mermaid.min.js checked against a pinned hash, fetched once into gitignored folders (build/npm,
# docs/assets/vendor); every build after that is offline. No npm needed: the registry serves the tarball.
MERMAID_VERSION := 11.12.0
MERMAID_SHA256  := 07e37dfa97b337ccc85365d57eddf99b9706f09db3b59b260d0333b23b343c4b
MERMAID_JS      := docs/assets/vendor/mermaid.min.js
MERMAID_STAMP   := docs/assets/vendor/.mermaid-$(MERMAID_VERSION)
mermaid: $(MERMAID_STAMP)
$(MERMAID_STAMP):
	mkdir -p build/npm $(dir $@)
	curl -fsSL -o build/npm/mermaid-$(MERMAID_VERSION).tgz \
	  https://registry.npmjs.org/mermaid/-/mermaid-$(MERMAID_VERSION).tgz
	tar -xzf build/npm/mermaid-$(MERMAID_VERSION).tgz -C build/npm package/dist/mermaid.min.js
	echo "$(MERMAID_SHA256)  build/npm/package/dist/mermaid.min.js" | sha256sum --check --quiet
	cp build/npm/package/dist/mermaid.min.js $(MERMAID_JS)
	touch $@

docs: $(STAMP) $(MERMAID_STAMP)
	$(DOCS_ENV) $(BIN)/mkdocs build --strict --site-dir site

## serve: the site with live reload on 127.0.0.1:8000 (rebuilds when docs/, examples/ or .gie-lint.yaml change)
serve: $(STAMP) $(MERMAID_STAMP)
	$(DOCS_ENV) $(BIN)/mkdocs serve --strict --dev-addr 127.0.0.1:8000

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis site
