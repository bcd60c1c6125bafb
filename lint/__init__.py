"""gie-lint: a version-aware linter for Gateway API Inference Extension deployments."""

__version__ = "0.1.0"
