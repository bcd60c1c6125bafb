#!/usr/bin/env bash
# The action's install step: a venv in RUNNER_TEMP with gie-lint from the action's checkout, put on PATH.
set -euo pipefail
venv="${RUNNER_TEMP:?}/gie-lint-venv"
"${PYTHON:-python3}" -m venv "$venv"
"$venv/bin/python" -m pip install --disable-pip-version-check --quiet "$GITHUB_ACTION_PATH"
echo "$venv/bin" >> "$GITHUB_PATH"
