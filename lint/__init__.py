"""gie-lint: a version-aware linter for Gateway API Inference Extension deployments."""

__version__ = "0.1.0"

# The documentation site, defined once: mkdocs.yml `site_url` carries the same value (tests/test_docs_site.py
# checks they agree). Rule pages are `<DOCS_URL>rules/<ID>/`; `GIE_LINT_DOCS_URL` overrides it at run time
# (lint/reporters/__init__.py), e.g. for a fork that publishes its own site.
DOCS_URL = "https://gie-lint.github.io/gie-lint/"
