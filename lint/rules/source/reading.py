"""GIE900–GIE906: problems met while reading files, before any object exists.

The reader (`gie_lint.source.files`, `gie_lint.source.yamldoc`) records what it met; these rules report it, and own
the wording of the document-level messages.
"""

from __future__ import annotations

from collections.abc import Iterator

from gie_lint.result import Severity
from gie_lint.rules.api import FileHit, source_rule
from gie_lint.source.files import Issue, SourceFile
from gie_lint.source.positions import Mark
from gie_lint.source.resources import is_object


def _at(source: SourceFile, message: str, mark: Mark) -> FileHit:
    """A finding at a position of the parsed (substituted) text, mapped back to the file as written."""
    where = source.original_mark(mark)
    return FileHit(source.name, where.line, where.column, message)


def _issues(source: SourceFile, kind: Issue) -> Iterator[FileHit]:
    """The reader's issues of one kind (already at positions of the file as written)."""
    for issue in source.issues:
        if issue.kind is kind:
            yield FileHit(source.name, issue.at.line, issue.at.column, issue.message)


@source_rule("GIE900", "yaml-syntax", Severity.ERROR)
def yaml_syntax(source: SourceFile) -> Iterator[FileHit]:
    """The document is valid YAML.

    ## Why it breaks
    kubectl and the API server reject a document that does not parse; gie-lint parses each document separately
    so one broken snippet does not hide findings in the others.

    ## Bad
    ```yaml
    metadata:
      name: [epp
    ```

    ## Good
    ```yaml
    metadata:
      name: epp
    ```

    ## Fix
    Fix the syntax at the reported line and column (the parser's own position).
    """
    for document in source.documents:
        if document.error is not None:
            yield _at(source, document.error, document.error_at or Mark(document.start_line, 1))

@source_rule("GIE901", "duplicate-key", Severity.ERROR)
def duplicate_key(source: SourceFile) -> Iterator[FileHit]:
    """No mapping repeats a key.

    ## Why it breaks
    YAML parsers keep only one of the values (which one depends on the client), and kubectl's strict field
    validation rejects duplicate fields; the other value is lost.

    ## Bad
    ```yaml
    args:
    - --pool-name=a
    args:
    - --pool-name=b
    ```

    ## Good
    ```yaml
    args:
    - --pool-name=a
    ```

    ## Fix
    Delete one of the two keys, keeping the value you mean.
    """
    for document in source.documents:
        for duplicate in document.duplicates:
            yield _at(source, f"duplicate key `{duplicate.key}` (first at line {duplicate.first.line}): only one value "
                      "survives; delete one of them", duplicate.at)

@source_rule("GIE902", "unresolved-variable", Severity.WARNING)
def unresolved_variable(source: SourceFile) -> Iterator[FileHit]:
    """Every envsubst placeholder (`$VAR`, `${VAR}`) has a value.

    ## Why it breaks
    Upstream e2e manifests and kustomize sources are applied after `envsubst`; a placeholder left as written ends
    up as a literal namespace or image name. Reported once per file and variable, at its first use. A `$` is taken
    for a placeholder by evidence: an upper-case name (or `${name:-default}`) in a value, not in a YAML comment,
    a shell script (`sh -c` arguments, script blocks), a crypt hash or an AWS ARN; `$patch`, `$ref`, `$schema`,
    `$values`, `$__interval` are not. Every `$NAME` counts in a file declared a template (config `templates:`),
    and a variable named by `--var` or `variables:` is substituted wherever it stands.

    ## Bad
    ```yaml
    namespace: $E2E_NS
    ```

    ## Good
    ```sh
    gie-lint check --var E2E_NS=inference manifests/
    ```

    ## Fix
    Pass `--var NAME=VALUE`, set `variables:` in `.gie-lint.yaml`, or use `${NAME:-default}`.
    """
    yield from _issues(source, Issue.UNRESOLVED)

@source_rule("GIE903", "template-not-rendered", Severity.WARNING)
def template_not_rendered(source: SourceFile) -> Iterator[FileHit]:
    """Helm/Go templates are rendered before linting.

    ## Why it breaks
    A chart template is not YAML until Helm renders it; parsing `{{ … }}` would produce nonsense findings, so
    the file is reported and skipped. Only template syntax where YAML structure is counts: at a node position
    (`replicas: {{ .Values.replicas }}`, a `{{- if … }}` line), Helm's names in a plain scalar, or in a document
    that parses only without its templates. Go templates inside string values (an istio sidecar-injector
    ConfigMap, a kserve LLMInferenceServiceConfig, alert text) are data, and the file is linted as usual.

    ## Bad
    ```yaml
    replicas: {{ .Values.replicas }}
    ```

    ## Good
    ```sh
    helm template epp ./chart | gie-lint check -
    ```

    ## Fix
    Lint the render: `helm template RELEASE CHART [--set …] | gie-lint check -`.
    """
    yield from _issues(source, Issue.TEMPLATE)

@source_rule("GIE904", "kustomization-skipped", Severity.INFO)
def kustomization_skipped(source: SourceFile) -> Iterator[FileHit]:
    """Kustomization files are built before linting.

    ## Why it breaks
    A kustomization lists resources and patches; the objects it produces exist only after `kustomize build`.
    A kustomization found in a folder is skipped, and so are the patch files it lists (`patches`,
    `patchesStrategicMerge`, `patchesJson6902`), named in its finding: a patch is a fragment, not an object. A
    kustomization directory named as an input (`gie-lint check DIR`, `--kustomize DIR`) is rendered with
    `kubectl kustomize DIR` and the render is linted as `DIR (kustomize)`.

    ## Bad
    ```sh
    gie-lint check overlays/prod/kustomization.yaml
    ```

    ## Good
    ```sh
    gie-lint check overlays/prod   # or: kubectl kustomize overlays/prod | gie-lint check -
    ```

    ## Fix
    Name the kustomization directory, or pipe `kubectl kustomize DIR` into `gie-lint check -`.
    """
    yield from _issues(source, Issue.KUSTOMIZATION)

@source_rule("GIE905", "not-a-kubernetes-object", Severity.INFO)
def not_an_object(source: SourceFile) -> Iterator[FileHit]:
    """A mapping document has `apiVersion` and `kind`.

    ## Why it breaks
    Without them the document is not a Kubernetes object (a Helm values file, a fragment); it is skipped rather
    than guessed at.

    ## Bad
    ```yaml
    replicas: 3
    image: epp
    ```

    ## Good
    ```yaml
    apiVersion: apps/v1
    kind: Deployment
    ```

    ## Fix
    Add `apiVersion` and `kind`, or leave values files out of the linted paths.
    """
    for document in source.documents:
        data = document.data
        if not isinstance(data, dict) or is_object(data) or data.get("kind") == "Kustomization":
            continue
        missing = [key for key in ("apiVersion", "kind") if not isinstance(data.get(key), str)]
        first_key = min(document.positions.keys.values(), key=lambda m: (m.line, m.column)) \
            if document.positions.keys else Mark(document.start_line, 1)
        yield _at(source, f"mapping without {' and '.join(f'`{m}`' for m in missing)}: not a Kubernetes object, "
                  "skipped", first_key)

@source_rule("GIE906", "file-unreadable", Severity.ERROR)
def file_unreadable(source: SourceFile) -> Iterator[FileHit]:
    r"""The input is UTF-8 (or UTF-16 with a BOM) text of reasonable size.

    ## Why it breaks
    Binary data or another encoding cannot be a manifest; reading it as one would only produce noise.

    ## Bad
    ```sh
    printf '\x00\xff' | gie-lint check -
    ```

    ## Good
    ```sh
    gie-lint check manifests/
    ```

    ## Fix
    Point gie-lint at the YAML manifests, saved as UTF-8.
    """
    yield from _issues(source, Issue.UNREADABLE)
