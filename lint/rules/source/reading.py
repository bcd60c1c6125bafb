"""GIE900–GIE906: problems met while reading files, before any object exists.

The reader (`lint.source.files`, `lint.source.yamldoc`) detects these as it reads; this module owns their ids,
documentation and wording of document-level messages.
"""

from __future__ import annotations

from collections.abc import Iterator

from lint.result import Severity
from lint.rules.api import Rule
from lint.source.resources import is_object
from lint.source.yamldoc import Document, Mark

YAML_SYNTAX = Rule(
    id="GIE900", name="yaml-syntax", severity=Severity.ERROR, scope="source",
    summary="The document is valid YAML.",
    rationale="kubectl and the API server reject a document that does not parse; gie-lint parses each "
              "document separately so one broken snippet does not hide findings in the others.",
    bad="metadata:\n  name: [epp", good="metadata:\n  name: epp",
    fix="Fix the syntax at the reported line and column (the parser's own position).",
)

DUPLICATE_KEY = Rule(
    id="GIE901", name="duplicate-key", severity=Severity.ERROR, scope="source",
    summary="No mapping repeats a key.",
    rationale="YAML parsers keep only one of the values (which one depends on the client), and "
              "kubectl's strict field validation rejects duplicate fields; the other value is lost.",
    bad="args:\n- --pool-name=a\nargs:\n- --pool-name=b", good="args:\n- --pool-name=a",
    fix="Delete one of the two keys, keeping the value you mean.",
)

UNRESOLVED_VARIABLE = Rule(
    id="GIE902", name="unresolved-variable", severity=Severity.WARNING, scope="source",
    summary="Every envsubst placeholder (`$VAR`, `${VAR}`) has a value.",
    rationale="Upstream e2e manifests are applied after `envsubst`; a placeholder left as written ends "
              "up as a literal namespace or image name. Reported once per file and variable.",
    bad="namespace: $E2E_NS", good="gie-lint check --var E2E_NS=inference manifests/",
    fix="Pass `--var NAME=VALUE`, set `variables:` in `.gie-lint.yaml`, or use `${NAME:-default}`.",
)

TEMPLATE_NOT_RENDERED = Rule(
    id="GIE903", name="template-not-rendered", severity=Severity.WARNING, scope="source",
    summary="Helm/Go templates are rendered before linting.",
    rationale="A chart template is not YAML until Helm renders it; parsing `{{ … }}` would produce "
              "nonsense findings, so the file is reported and skipped.",
    bad="replicas: {{ .Values.replicas }}", good="helm template epp ./chart | gie-lint check -",
    fix="Lint the render: `helm template RELEASE CHART [--set …] | gie-lint check -`.",
)

KUSTOMIZATION_SKIPPED = Rule(
    id="GIE904", name="kustomization-skipped", severity=Severity.INFO, scope="source",
    summary="Kustomization files are built before linting.",
    rationale="A kustomization lists resources and patches; the objects it produces exist only after "
              "`kustomize build`.",
    bad="gie-lint check overlays/prod/kustomization.yaml", good="kustomize build overlays/prod | gie-lint check -",
    fix="Pipe `kustomize build DIR` into `gie-lint check -`.",
)

NOT_AN_OBJECT = Rule(
    id="GIE905", name="not-a-kubernetes-object", severity=Severity.INFO, scope="source",
    summary="A mapping document has `apiVersion` and `kind`.",
    rationale="Without them the document is not a Kubernetes object (a Helm values file, a fragment); "
              "it is skipped rather than guessed at.",
    bad="replicas: 3\nimage: epp", good="apiVersion: apps/v1\nkind: Deployment",
    fix="Add `apiVersion` and `kind`, or leave values files out of the linted paths.",
)

FILE_UNREADABLE = Rule(
    id="GIE906", name="file-unreadable", severity=Severity.ERROR, scope="source",
    summary="The input is UTF-8 (or UTF-16 with a BOM) text of reasonable size.",
    rationale="Binary data or another encoding cannot be a manifest; reading it as one would only "
              "produce noise.",
    bad="printf '\\x00\\xff' | gie-lint check -", good="gie-lint check manifests/",
    fix="Point gie-lint at the YAML manifests, saved as UTF-8.",
)


def document_issues(rule_name: str, document: Document) -> Iterator[tuple[str, Mark]]:
    """Messages for the document-level source rules (positions in the substituted text)."""
    if rule_name == YAML_SYNTAX.name and document.error is not None:
        yield document.error, document.error_at or Mark(document.start_line, 1)
    elif rule_name == DUPLICATE_KEY.name:
        for duplicate in document.duplicates:
            yield (f"duplicate key `{duplicate.key}` (first at line {duplicate.first.line}): "
                   f"only one value survives; delete one of them"), duplicate.at
    elif rule_name == NOT_AN_OBJECT.name and isinstance(document.data, dict) and not is_object(document.data):
        if document.data.get("kind") == "Kustomization":
            return
        missing = [key for key in ("apiVersion", "kind") if not isinstance(document.data.get(key), str)]
        yield (f"mapping without {' and '.join(f'`{m}`' for m in missing)}: not a Kubernetes object, skipped"),\
            Mark(document.start_line, 1) if not document.positions.keys else min(
                document.positions.keys.values(), key=lambda m: (m.line, m.column))
