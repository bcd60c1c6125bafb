#!/usr/bin/env bash
# The action's install step: a venv in RUNNER_TEMP with gie-lint from the action's checkout, put on PATH.
# The versions are those the action's tag was tested with (constraints.txt), not whatever the index has today.
set -euo pipefail
action="${GITHUB_ACTION_PATH:?}"
venv="${RUNNER_TEMP:?}/gie-lint-venv"
constraints=()
if [ -f "$action/constraints.txt" ]; then
  constraints=(-c "$action/constraints.txt")
fi
"${PYTHON:-python3}" -m venv "$venv"
"$venv/bin/python" -m pip install --disable-pip-version-check --quiet ${constraints[@]+"${constraints[@]}"} "$action"
echo "$venv/bin" >> "${GITHUB_PATH:?}"
