"""Extract the field regression trees from fetched git mirrors (issue 8, item 7).

    python bench/field/extract.py --mirrors /work/.mirror --out /tmp/field [--helm PATH] [--kubectl PATH]

Reads bare mirrors `<mirrors>/<owner>+<name>/repo` (as the `fetch` tool leaves them), exports the
sources of each ref with `git archive` into a scratch folder under --out, and writes one tree per
render or folder under --out:

* llm-d/llm-d-router at v0.9.0, v0.10.0 and main:
  - every kustomization directory under deploy/ and test/, rendered with `kubectl kustomize`
    (retried with `--enable-helm` when the error names helm); failures are listed, not fatal;
  - the same dev-environment renders piped through envsubst with the defaults of
    scripts/kind-dev-env.sh (what `make env-dev-kind` applies), as `...:kind-env` trees;
  - every application chart under config/charts/, rendered with `helm template` for a few value sets
    (chosen from the chart's own values.yaml: defaults, EPP replicas>1, providers, standalone modes);
  - config/manifests/, deploy/config/ (the EndpointPickerConfig files) and test/ YAML as folders;
* kubernetes-sigs/gateway-api-inference-extension main: conformance/resources + conformance/tests;
* envoyproxy/ai-gateway main: examples/inference-pool;
* istio/istio master: pilot/pkg/config/kube/gateway/testdata (*.yaml, not the goldens).

`trees.json` lists every tree (name, repo, ref, commit, source path, how it was rendered, the file or
folder under --out, how run.py lints it) and every render that failed, with its first error line.
Nothing is written into the project. Output is deterministic for the same mirrors: trees sorted by
name, no timestamps.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

MARKER = ".gie-lint-field-trees"  # --out is only ever wiped when it carries this marker
LLMD = "llm-d/llm-d-router"
GIE = "kubernetes-sigs/gateway-api-inference-extension"
AIGW = "envoyproxy/ai-gateway"
ISTIO = "istio/istio"
LLMD_REFS = ("v0.9.0", "v0.10.0", "main")
RENDER_TIMEOUT = 180


@dataclass
class Tree:
    name: str  # e.g. "llm-d-router@main:helm:llm-d-router-gateway:replicas3"
    repo: str
    ref: str
    commit: str
    source: str  # path in the repo
    rendered: str  # how
    path: str  # file or folder under --out
    modes: list[str]  # how run.py lints it; the first is the primary one
    base: list[str] = field(default_factory=list)  # for the "with-base" mode, paths under the tree
    groups: list[list[str]] = field(default_factory=list)  # for the "groups" mode: files applied together
    objects: int = 0

    def entry(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "name": self.name, "repo": self.repo, "ref": self.ref, "commit": self.commit,
            "source": self.source, "rendered": self.rendered, "path": self.path, "modes": self.modes,
            "objects": self.objects,
        }
        if self.base:
            d["base"] = self.base
        if self.groups:
            d["groups"] = self.groups
        return d


@dataclass
class Failure:
    name: str
    repo: str
    ref: str
    source: str
    command: str
    error: str

    def entry(self) -> dict[str, str]:
        return dict(self.__dict__)


class Extractor:
    def __init__(self, mirrors: Path, out: Path, helm: str | None, kubectl: str) -> None:
        self.mirrors = mirrors
        self.out = out
        self.helm = helm
        self.kubectl = kubectl
        self.scratch = out / ".src"
        self.trees: list[Tree] = []
        self.failures: list[Failure] = []
        self.skipped: list[dict[str, str]] = []

    # ---- git ---------------------------------------------------------------------------------
    def gitdir(self, repo: str) -> Path | None:
        base = self.mirrors / repo.replace("/", "+")
        for cand in (base / "repo", base):
            if (cand / "HEAD").is_file() and (cand / "objects").is_dir():
                return cand
        return None

    def git(self, repo: str, *args: str) -> str:
        gd = self.gitdir(repo)
        assert gd is not None
        return subprocess.run(["git", "--git-dir", str(gd), *args], check=True, capture_output=True,
                              text=True).stdout

    def resolve(self, repo: str, ref: str) -> str | None:
        for cand in (f"refs/tags/{ref}", f"refs/heads/{ref}", ref):
            try:
                return self.git(repo, "rev-parse", "--verify", "--quiet", f"{cand}^{{commit}}").strip()
            except subprocess.CalledProcessError:
                continue
        return None

    def ls(self, repo: str, commit: str, *paths: str) -> list[str]:
        return sorted(p for p in self.git(repo, "ls-tree", "-r", "--name-only", commit, "--", *paths).splitlines()
                      if p)

    def export(self, repo: str, ref: str, commit: str, paths: Sequence[str]) -> Path:
        """`git archive` the paths (those that exist) into a scratch source folder; returns its root."""
        dest = self.scratch / f"{repo.replace('/', '+')}@{ref}"
        if dest.exists():
            shutil.rmtree(dest)
        dest.mkdir(parents=True)
        present = [p for p in paths if self.ls(repo, commit, p)]
        if present:
            gd = self.gitdir(repo)
            assert gd is not None
            with tempfile.TemporaryFile() as tmp:
                subprocess.run(["git", "--git-dir", str(gd), "archive", "--format=tar", commit, "--", *present],
                               check=True, stdout=tmp)
                tmp.seek(0)
                with tarfile.open(fileobj=tmp) as tar:
                    tar.extractall(dest, filter="data")
        return dest

    # ---- output ------------------------------------------------------------------------------
    def write_render(self, rel: str, text: str) -> int:
        target = self.out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        return count_objects(text)

    def copy_files(self, src_root: Path, files: Iterable[str], rel_dir: str, strip: str = "") -> int:
        n = 0
        for f in files:
            src = src_root / f
            if not src.is_file() or src.is_symlink():
                continue
            relf = f[len(strip):].lstrip("/") if strip and f.startswith(strip) else f
            target = self.out / rel_dir / relf
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, target)
            n += count_objects(src.read_text(encoding="utf-8", errors="replace"))
        return n

    # ---- commands ----------------------------------------------------------------------------
    def run(self, cmd: Sequence[str], cwd: Path) -> tuple[bool, str, str]:
        try:
            p = subprocess.run(list(cmd), cwd=cwd, capture_output=True, text=True, timeout=RENDER_TIMEOUT,
                               env={**os.environ, "HELM_CACHE_HOME": str(self.scratch / ".helm-cache"),
                                    "HELM_CONFIG_HOME": str(self.scratch / ".helm-config"),
                                    "HELM_DATA_HOME": str(self.scratch / ".helm-data")})
        except subprocess.TimeoutExpired:
            return False, "", f"timed out after {RENDER_TIMEOUT}s"
        return p.returncode == 0, p.stdout, p.stderr

    def kustomize(self, root: Path, d: str) -> tuple[bool, str, str, str]:
        cmd = [self.kubectl, "kustomize", d]
        ok, out, err = self.run(cmd, root)
        if not ok and "helm" in err.lower() and self.helm:
            cmd = [self.kubectl, "kustomize", "--enable-helm", "--helm-command", self.helm, d]
            ok, out, err = self.run(cmd, root)
        shown = " ".join(["kubectl", *cmd[1:]]).replace(self.helm or "\0", "helm")
        return ok, out, err, shown

    # ---- sources -----------------------------------------------------------------------------
    def llmd(self, ref: str) -> None:
        commit = self.resolve(LLMD, ref)
        if commit is None:
            self.skipped.append({"repo": LLMD, "ref": ref, "why": "ref not in the mirror"})
            return
        root = self.export(LLMD, ref, commit, ["deploy", "config", "test", "scripts/kind-dev-env.sh"])
        tag = f"llm-d-router@{ref}"
        # kustomize renders of deploy/ and test/
        kdirs = sorted({str(Path(p).parent) for p in self.ls(LLMD, commit, "deploy", "test")
                        if Path(p).name in ("kustomization.yaml", "kustomization.yml", "Kustomization")})
        kind = kind_envs(root / "scripts/kind-dev-env.sh")
        renders: dict[str, str] = {}
        for d in kdirs:
            name = f"{tag}:kustomize:{d}"
            ok, out, err, shown = self.kustomize(root, d)
            if not ok:
                self.failures.append(Failure(name, LLMD, ref, d, shown, first_error(err, root)))
                continue
            rel = f"{tag}/kustomize/{d.replace('/', '--')}.yaml"
            n = self.write_render(rel, out)
            self.trees.append(Tree(name, LLMD, ref, commit, d, shown, rel, ["tree"], objects=n))
            if d in kind:
                renders[d] = out
        self.kind_env(tag, ref, commit, root, kind, renders)
        # helm renders of config/charts/*
        if self.helm is None:
            self.skipped.append({"repo": LLMD, "ref": ref, "why": "no helm binary: charts not rendered"})
        else:
            for chart in sorted({p.split("/")[2] for p in self.ls(LLMD, commit, "config/charts")
                                 if p.count("/") >= 3 and p.endswith("/Chart.yaml")}):
                self.chart(tag, ref, commit, root, f"config/charts/{chart}")
        # folders
        folders = [
            ("config/manifests", ["config/manifests"], ["per-file", "tree"]),
            ("deploy/config", ["deploy/config"], ["per-file"]),
            ("test", ["test"], ["per-file", "tree"]),
        ]
        for src, paths, modes in folders:
            files = [p for p in self.ls(LLMD, commit, *paths) if is_yaml(p)]
            if not files:
                continue
            rel = f"{tag}/files/{src.replace('/', '--')}"
            n = self.copy_files(root, files, rel, strip=src)
            self.trees.append(Tree(f"{tag}:files:{src}", LLMD, ref, commit, src, "copied (git archive)", rel, modes,
                                   objects=n))

    def kind_env(self, tag: str, ref: str, commit: str, root: Path, kind: Mapping[str, KindEnv],
                 renders: Mapping[str, str]) -> None:
        """What `make env-dev-kind` (scripts/kind-dev-env.sh) applies for each DISAGG_E/DISAGG_P choice, with
        the script's defaults: the `epp-config` ConfigMap it creates from the chosen EPP config, the
        base-kind-istio render and the scenario render, each envsubst'ed with the script's variable list."""
        base = "deploy/environments/dev/base-kind-istio"
        for scen, (e, p) in KIND_DIRS.items():
            d = f"deploy/environments/dev/{scen}"
            if d not in renders or base not in renders or d not in kind or base not in kind:
                continue
            rel = f"{tag}/kind-env/{scen}"
            steps = []
            n = 0
            env = kind[d].values(e, p)
            cfg = kind_epp_config(root / "scripts/kind-dev-env.sh", e, p)
            if cfg and (root / cfg).is_file():
                model = env.get("MODEL_NAME", "")
                with tempfile.TemporaryDirectory() as tmp:
                    src = Path(tmp) / "epp-config.yaml"
                    src.write_text(envsubst((root / cfg).read_text(encoding="utf-8"), {"MODEL_NAME": model},
                                            ["MODEL_NAME"]), encoding="utf-8")
                    ok, out, err = self.run([self.kubectl, "create", "configmap", "epp-config",
                                             f"--from-file=epp-config.yaml={src}", "--dry-run=client", "-o", "yaml"],
                                            root)
                if ok:
                    n += self.write_render(f"{rel}/0-epp-config-configmap.yaml", out)
                    steps.append(f"kubectl create configmap epp-config --from-file=epp-config.yaml={cfg} "
                                 f"(envsubst MODEL_NAME={model})")
            for i, src_dir in ((1, base), (2, d)):
                k = kind[src_dir]
                text = envsubst(renders[src_dir], env, k.variables)
                if k.awk:
                    text = kind_awk(text)
                n += self.write_render(f"{rel}/{i}-{Path(src_dir).name}.yaml", text)
                used = sorted(v for v in set(k.variables) if re.search(r"\$\{?" + v + r"\b", renders[src_dir]))
                steps.append(f"kubectl kustomize {src_dir} | envsubst ("
                             + ", ".join(f"{v}={env.get(v, '')}".replace("\n", "\\n") for v in used) + ")"
                             + (" | awk (split quoted args)" if k.awk else ""))
            self.trees.append(Tree(f"{tag}:kind-env:{scen}", LLMD, ref, commit, f"{base} + {d}",
                                   f"scripts/kind-dev-env.sh defaults (DISAGG_E={str(e).lower()} "
                                   f"DISAGG_P={str(p).lower()}): " + "; ".join(steps),
                                   rel, ["tree"], objects=n))

    def chart(self, tag: str, ref: str, commit: str, root: Path, chart_dir: str) -> None:
        assert self.helm is not None
        chart_yaml = yaml.safe_load((root / chart_dir / "Chart.yaml").read_text(encoding="utf-8")) or {}
        chart = chart_yaml.get("name") or Path(chart_dir).name
        if chart_yaml.get("type") == "library":
            return
        if chart_yaml.get("dependencies"):
            ok, _, err = self.run([self.helm, "dependency", "build", chart_dir], root)
            if not ok:
                self.failures.append(Failure(f"{tag}:helm:{chart}", LLMD, ref, chart_dir,
                                             f"helm dependency build {chart_dir}", first_error(err, root)))
                return
        values = merged_values(root / chart_dir, chart_yaml)
        for vs in VALUE_SETS:
            if not vs.applies(chart, values):
                continue
            name = f"{tag}:helm:{chart}:{vs.name}"
            args = vs.args(values)
            cmd = [self.helm, "template", vs.release, chart_dir, "--namespace", "default", *args]
            shown = " ".join(["helm", *cmd[1:]])
            ok, out, err = self.run(cmd, root)
            if not ok:
                self.failures.append(Failure(name, LLMD, ref, chart_dir, shown, first_error(err, root)))
                continue
            rel = f"{tag}/helm/{chart}--{vs.name}.yaml"
            n = self.write_render(rel, out)
            self.trees.append(Tree(name, LLMD, ref, commit, chart_dir, shown, rel, ["tree"], objects=n))

    def folder(self, repo: str, ref: str, src: str, short: str, modes: list[str], *,
               include: str = r"\.ya?ml$", exclude: str | None = None, base: Sequence[str] = (),
               groups: Sequence[Sequence[str]] = ()) -> None:
        commit = self.resolve(repo, ref)
        if commit is None:
            self.skipped.append({"repo": repo, "ref": ref, "why": "ref not in the mirror"})
            return
        srcs = src.split(",")
        files = [p for p in self.ls(repo, commit, *srcs)
                 if re.search(include, p) and not (exclude and re.search(exclude, p))]
        if not files:
            self.skipped.append({"repo": repo, "ref": ref, "why": f"no files under {src}"})
            return
        root = self.export(repo, ref, commit, srcs)
        tag = f"{short}@{ref}"
        common = os.path.commonpath(srcs) if len(srcs) > 1 else src
        rel = f"{tag}/files/{common.replace('/', '--')}"
        n = self.copy_files(root, files, rel, strip=common)
        names = {f[len(common):].lstrip("/") for f in files}
        kept = [list(g) for g in groups if all(x in names for x in g)]
        kept += [[x] for x in sorted(names - {x for g in kept for x in g})] if kept else []
        self.trees.append(Tree(f"{tag}:files:{src}", repo, ref, commit, src, "copied (git archive)", rel, modes,
                               base=list(base), groups=kept, objects=n))

    def all(self) -> None:
        if self.gitdir(LLMD):
            for ref in LLMD_REFS:
                self.llmd(ref)
        else:
            self.skipped.append({"repo": LLMD, "ref": "*", "why": "no mirror"})
        sources: list[tuple[str, str, str, str, list[str], dict[str, Any]]] = [
            (GIE, "main", "conformance/resources,conformance/tests", "gie", ["with-base", "tree"],
             {"base": ["resources/base.yaml"]}),
            # README: `kubectl apply -f base.yaml` then aigwroute.yaml (or httproute.yaml); with-annotations.yaml
            # is a separate example (its own pool, EPP v0.5.1); the rest are files of their own
            (AIGW, "main", "examples/inference-pool", "ai-gateway", ["groups", "tree", "per-file"],
             {"groups": [["base.yaml", "aigwroute.yaml"], ["base.yaml", "httproute.yaml"]]}),
            (ISTIO, "master", "pilot/pkg/config/kube/gateway/testdata", "istio", ["per-file", "tree"],
             {"exclude": r"\.golden$"}),
        ]
        for repo, ref, src, short, modes, kw in sources:
            if not self.gitdir(repo):
                self.skipped.append({"repo": repo, "ref": ref, "why": "no mirror"})
                continue
            self.folder(repo, ref, src, short, modes, **kw)

    def manifest(self) -> dict[str, Any]:
        return {
            "format": 1,
            "mirrors": str(self.mirrors),
            "tools": {"kubectl": tool_version([self.kubectl, "version", "--client"]),
                      "helm": tool_version([self.helm, "version", "--short"]) if self.helm else None},
            "trees": [t.entry() for t in sorted(self.trees, key=lambda t: t.name)],
            "failed": [f.entry() for f in sorted(self.failures, key=lambda f: f.name)],
            "skipped": sorted(self.skipped, key=lambda s: (s["repo"], s["ref"])),
        }


# ---- helm value sets -----------------------------------------------------------------------------
@dataclass(frozen=True)
class ValueSet:
    name: str
    charts: tuple[str, ...]
    sets: tuple[tuple[str, str], ...]
    needs: tuple[str, ...] = ()  # dotted paths that must exist in the chart's merged values
    optional: tuple[tuple[str, str], ...] = ()  # set only where the chart has the key (older charts)
    release: str = "vllm-qwen3-32b"  # the release name the chart README uses

    def applies(self, chart: str, values: Mapping[str, Any]) -> bool:
        return chart in self.charts and all(has_path(values, p) for p in self.needs)

    def args(self, values: Mapping[str, Any]) -> list[str]:
        pairs = [*self.sets, *((k, v) for k, v in self.optional if has_path(values, k))]
        return [a for k, v in pairs for a in ("--set", f"{k}={v}")]


GW = "llm-d-router-gateway"
SA = "llm-d-router-standalone"
SEL = ("router.modelServers.matchLabels.app", "vllm-qwen3-32b")
VALUE_SETS: tuple[ValueSet, ...] = (
    ValueSet("defaults", (GW, SA), (SEL,)),
    ValueSet("replicas3", (GW, SA), (SEL, ("router.epp.replicas", "3")), needs=("router.epp.replicas",)),
    ValueSet("httproute", (GW,), (SEL, ("httpRoute.create", "true")), needs=("httpRoute.create",)),
    ValueSet("istio", (GW,), (SEL, ("provider.name", "istio"), ("httpRoute.create", "true")),
             needs=("provider.istio",)),
    ValueSet("gke", (GW,), (SEL, ("provider.name", "gke")), needs=("provider.gke",)),
    ValueSet("objectives-monitoring", (GW,),
             (SEL, ("router.inferenceObjectives[0].name", "high-priority"),
              ("router.inferenceObjectives[0].priority", "5"),
              ("router.monitoring.prometheus.enabled", "true")),
             needs=("router.inferenceObjectives", "router.monitoring.prometheus.enabled")),
    ValueSet("agentgateway", (SA,), (SEL, ("router.inferencePool.create", "false"),
                                     ("router.proxy.proxyType", "agentgateway")),
             needs=("router.proxy.proxyType", "router.inferencePool.create"),
             # v0.9.0: "service.name is required when proxyType=agentgateway" (its README's example)
             optional=(("router.proxy.agentgateway.service.name", "vllm-qwen3-32b"),
                       ("router.proxy.agentgateway.service.ports", "8000"))),
    ValueSet("proxy-service", (SA,), (SEL, ("router.inferencePool.create", "false"),
                                      ("router.proxy.mode", "service"), ("router.proxy.replicas", "3")),
             needs=("router.proxy.mode", "router.inferencePool.create")),
)


def merged_values(chart_dir: Path, chart_yaml: Mapping[str, Any]) -> dict[str, Any]:
    """The chart's values.yaml with each dependency's values.yaml under its alias (what helm merges)."""
    values: dict[str, Any] = load_yaml(chart_dir / "values.yaml")
    for dep in chart_yaml.get("dependencies") or []:
        repo = str(dep.get("repository") or "")
        if not repo.startswith("file://"):
            continue
        sub = load_yaml((chart_dir / repo[len("file://"):]) / "values.yaml")
        key = str(dep.get("alias") or dep.get("name"))
        values[key] = deep_merge(sub, values.get(key) or {})
    return values


def deep_merge(a: Mapping[str, Any], b: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(a)
    for k, v in b.items():
        out[k] = deep_merge(out[k], v) if isinstance(v, Mapping) and isinstance(out.get(k), Mapping) else v
    return out


def has_path(values: Mapping[str, Any], dotted: str) -> bool:
    cur: Any = values
    for part in dotted.split("."):
        if not isinstance(cur, Mapping) or part not in cur:
            return False
        cur = cur[part]
    return True


def load_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return {}
    return data if isinstance(data, dict) else {}


# ---- envsubst as scripts/kind-dev-env.sh does it ------------------------------------------------
_ASSIGN = re.compile(r'^\s*(?:export\s+)?([A-Z][A-Z0-9_]*)="\$\{\1:-(.*)\}"\s*$')
_PIPE = re.compile(r"kubectl kustomize (?:--enable-helm )?(\S+)\s*\|\s*envsubst\s+'([^']*)'(\s*\|\s*awk)?")
# the directory kind-dev-env.sh picks for KUSTOMIZE_DIR from DISAGG_E / DISAGG_P
KIND_DIRS = {"epd": (False, False), "p-d": (False, True), "e-pd": (True, False), "e-p-d": (True, True)}


@dataclass(frozen=True)
class KindEnv:
    """One `kubectl kustomize DIR | envsubst 'LIST' [| awk ...]` step of scripts/kind-dev-env.sh."""

    variables: tuple[str, ...]
    awk: bool
    assigns: Mapping[str, list[str]]
    target_ports: Mapping[str, str]

    def values(self, disagg_e: bool, disagg_p: bool) -> dict[str, str]:
        """The script's variables for one DISAGG_E/DISAGG_P choice (one shell run: every step sees them)."""
        return _kind_values(self.assigns, disagg_e, disagg_p, self.target_ports)


def kind_envs(script: Path) -> dict[str, KindEnv]:
    """The dev-environment directories kind-dev-env.sh renders, each with the variable list it passes to
    envsubst (and whether awk follows); `values()` gives the script's defaults."""
    try:
        text = script.read_text(encoding="utf-8")
    except OSError:
        return {}
    assigns: dict[str, list[str]] = {}
    for line in text.splitlines():
        m = _ASSIGN.match(line)
        if m:
            assigns.setdefault(m.group(1), []).append(m.group(2))
    tp = {m.group(1): "\n" + m.group(2)
          for m in re.finditer(r'^(TARGET_PORTS)="\$\{NEW_LINE\}([^"$]*)"\s*$', text, re.M)}
    joined = re.sub(r"\\\n", " ", text)
    out: dict[str, KindEnv] = {}
    for m in _PIPE.finditer(joined):
        target, names, awk = m.group(1), tuple(_VAR_NAME.findall(m.group(2))), bool(m.group(3))
        dirs = list(KIND_DIRS) if target == "${KUSTOMIZE_DIR}" else [Path(target).name]
        for d in dirs:
            out[f"deploy/environments/dev/{d}"] = KindEnv(names, awk, assigns, tp)
    return out


def _kind_values(assigns: Mapping[str, list[str]], disagg_e: bool, disagg_p: bool,
                 tp: Mapping[str, str]) -> dict[str, str]:
    # if/else pairs in the script: the first branch is the "enabled" one
    first = {"MODEL_NAME": disagg_e, "EC_CONNECTOR_TYPE": disagg_e, "CONNECTOR_TYPE": disagg_p,
             "KV_CONNECTOR_TYPE": disagg_p}
    env: dict[str, str] = {"IMAGE_REGISTRY": "ghcr.io/llm-d"}  # `: "${IMAGE_REGISTRY:=ghcr.io/llm-d}"`
    order = list(assigns)
    for name in order:
        if name == "MODEL_NAME":
            model = assigns[name][0 if first[name] else -1]
            env[name] = model
            env["MODEL_NAME_SAFE"] = re.sub(r"[ /_.]", "-", model.split("/")[-1].lower())
            continue
        choices = assigns[name]
        env[name] = envsubst(choices[0] if first.get(name, True) else choices[-1], env)
    env.update({"EPP_REPLICA_COUNT": "1", "ENABLE_LEADER_ELECTION": "false"})  # exported by the script
    if "TARGET_PORTS" in tp:  # `TARGET_PORTS="${NEW_LINE}  - number: 8000"` (a YAML list spliced in)
        env["TARGET_PORTS"] = tp["TARGET_PORTS"]
    return env


def kind_epp_config(script: Path, disagg_e: bool, disagg_p: bool) -> str | None:
    """The DEFAULT_EPP_CONFIG the script picks (no external tokenizer, no KV cache)."""
    try:
        text = script.read_text(encoding="utf-8")
    except OSError:
        return None
    want = {(True, True): "sim-e-p-d-epp-config.yaml", (True, False): "sim-e-pd-epp-config.yaml",
            (False, True): "sim-pd-epp-config.yaml", (False, False): "sim-epp-config.yaml"}[(disagg_e, disagg_p)]
    m = re.search(r'DEFAULT_EPP_CONFIG="(deploy/config/' + re.escape(want) + ')"', text)
    return m.group(1) if m else None


def kind_awk(text: str) -> str:
    """The awk step: drop `- ""` list items, split `- "--a x --b"` into one item per flag."""
    lines = []
    for line in text.split("\n"):
        m = re.match(r'^(\s*)-\s+"(.*)"\s*$', line)
        if m:
            indent, content = m.groups()
            if content == "":
                continue
            if content.startswith("--"):
                for i, flag in enumerate(content.split(" --")):
                    flag = flag if i == 0 else "--" + flag
                    if flag:
                        lines.append(f'{indent}- "{flag}"')
                continue
        lines.append(line)
    return "\n".join(lines)


_VAR_NAME = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?")
_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)")


def envsubst(text: str, env: Mapping[str, str], only: Iterable[str] | None = None) -> str:
    """GNU envsubst: `$X`/`${X}` of the set variables (with `only`, of those named, as `envsubst 'LIST'`);
    a named variable that is unset becomes empty, like envsubst does; the rest stays as written."""
    names = set(only) if only is not None else None

    def sub(m: re.Match[str]) -> str:
        name = m.group(1) or m.group(2)
        if names is not None:
            return env.get(name, "") if name in names else m.group(0)
        return env.get(name, m.group(0))

    return _VAR.sub(sub, text)


# ---- helpers -------------------------------------------------------------------------------------
def is_yaml(p: str) -> bool:
    return p.endswith((".yaml", ".yml"))


def count_objects(text: str) -> int:
    return len(re.findall(r"^kind:\s*\S", text, re.M))


def first_error(err: str, root: Path | None = None) -> str:
    """One deterministic line: klog prefixes and the scratch path removed, whitespace collapsed."""
    text = err.replace(str(root) + "/", "") if root else err
    text = re.sub(r'^[EWI]\d{4} [\d:.]+\s+\d+ \S+\] "command failed" err=<?', "", text.strip(), flags=re.M)
    text = re.sub(r"\s+", " ", text).strip().strip('"')
    return (text or "(no output)")[:300]


def tool_version(cmd: Sequence[str]) -> str | None:
    try:
        p = subprocess.run(list(cmd), capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return " ".join(p.stdout.split())[:200] or None


def prepare_out(out: Path) -> None:
    if out.exists() and any(out.iterdir()):
        if not (out / MARKER).is_file():
            sys.exit(f"extract.py: {out} is not empty and was not made by this script; choose another --out")
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text("made by bench/field/extract.py; wiped on every run\n", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mirrors", type=Path, required=True, help="folder of <owner>+<name>/repo bare mirrors")
    ap.add_argument("--out", type=Path, required=True, help="where the trees go (wiped; never the project)")
    ap.add_argument("--helm", default=shutil.which("helm"), help="helm binary (default: on PATH)")
    ap.add_argument("--kubectl", default=shutil.which("kubectl") or "kubectl")
    ap.add_argument("--keep-sources", action="store_true", help="keep the git-archive scratch folder .src/")
    a = ap.parse_args(argv)
    out = a.out.resolve()
    project = Path(__file__).resolve().parents[2]
    if out == project or project in out.parents:
        sys.exit(f"extract.py: --out {out} is inside the project {project}; upstream files stay outside it")
    prepare_out(out)
    ex = Extractor(a.mirrors.resolve(), out, a.helm, a.kubectl)
    ex.all()
    if not a.keep_sources:
        shutil.rmtree(ex.scratch, ignore_errors=True)
    manifest = ex.manifest()
    (out / "trees.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{len(manifest['trees'])} trees, {len(manifest['failed'])} renders failed, "
          f"{len(manifest['skipped'])} skipped -> {out / 'trees.json'}")
    for f in manifest["failed"]:
        print(f"  failed  {f['name']}: {f['error'][:200]}")
    for s in manifest["skipped"]:
        print(f"  skipped {s['repo']}@{s['ref']}: {s['why']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
