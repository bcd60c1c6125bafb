#!/usr/bin/env bash
# The action's lint step. Every input arrives as an INPUT_* variable (never spliced into a script). Writes the
# report on the log, a Markdown job summary, the counts as step outputs, and SARIF when asked; exits as
# gie-lint does.
set -uo pipefail
args=(check --format "${INPUT_FORMAT:-github}" --fail-on "${INPUT_FAIL_ON:-error}")
[ -n "${INPUT_CONFIG:-}" ] && args+=(--config "$INPUT_CONFIG")
[ -n "${INPUT_GIE_VERSION:-}" ] && args+=(--gie-version "$INPUT_GIE_VERSION")
[ -n "${INPUT_LLM_D_ROUTER_VERSION:-}" ] && args+=(--llm-d-router-version "$INPUT_LLM_D_ROUTER_VERSION")
[ -n "${INPUT_NAMESPACE:-}" ] && args+=(--namespace "$INPUT_NAMESPACE")
read -r -a scenarios <<< "${INPUT_SCENARIO:-}"
for name in "${scenarios[@]}"; do args+=(--scenario "$name"); done
while IFS= read -r pair; do
  [ -n "$pair" ] && args+=(--var "$pair")
done <<< "${INPUT_VARIABLES:-}"
report="${RUNNER_TEMP:-/tmp}/gie-lint-report.json"
args+=(--format json --output "$report")
[ -n "${GITHUB_STEP_SUMMARY:-}" ] && args+=(--format markdown --output "$GITHUB_STEP_SUMMARY")
if [ "${INPUT_UPLOAD_SARIF:-false}" = "true" ]; then
  args+=(--format sarif --output "${INPUT_SARIF_FILE:-gie-lint.sarif}")
  echo "sarif-file=${INPUT_SARIF_FILE:-gie-lint.sarif}" >> "$GITHUB_OUTPUT"
fi
read -r -a paths <<< "${INPUT_PATHS:-}"
gie-lint "${args[@]}" "${paths[@]}"
code=$?
if [ -s "$report" ]; then
  python3 - "$report" >> "$GITHUB_OUTPUT" <<'PY'
import json, sys
summary = json.load(open(sys.argv[1], encoding="utf-8"))["summary"]
for output, key in (("errors", "error"), ("warnings", "warning"), ("info", "info"), ("resources", "resources")):
    print(f"{output}={summary[key]}")
PY
fi
exit "$code"
