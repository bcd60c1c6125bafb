"""The command line's grammar: argparse and the reporter names only, so `--version` and `--help` start fast."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import NoReturn

from gie_lint import __version__
from gie_lint.cli import outputs
from gie_lint.reporters import REPORTERS

_KUSTOMIZE_HELP = ("lint the render of this kustomization directory (`kubectl kustomize DIR`, kubectl on PATH); "
                   "a kustomization directory given as a PATH is rendered too")


def file_size(text: str) -> int:
    """`--max-file-size`: a byte count, or with a K, M or G suffix (binary: 1K = 1024 bytes)."""
    number, unit = (text[:-1], text[-1].upper()) if text[-1:].upper() in ("K", "M", "G") else (text, "")
    if not number.isascii() or not number.isdigit() or int(number) < 1:
        raise argparse.ArgumentTypeError(f"expected a size such as 1048576, 512K or 100M, got {text!r}")
    return int(number) << {"": 0, "K": 10, "M": 20, "G": 30}[unit]


def _jobs(text: str) -> int:
    if not text.isascii() or not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a number of processes, 1 or more, got {text!r}")
    return int(text)


EXIT_CODES = """exit codes:
  0  no finding at or above --fail-on (or --exit-zero)
  1  at least one finding at or above --fail-on
  2  usage, config or I/O error, or 0 resources checked without --allow-empty (one line on stderr)"""

EXAMPLES = """examples:
  gie-lint check manifests/                     files and folders
  helm template epp ./chart | gie-lint check -  stdin
  gie-lint check --format sarif --output r.sarif --format text
  gie-lint explain --scenario default           why each replica count
  gie-lint rule GIE040                          one rule's documentation"""

_COMPLETION_HELP = """install:
  bash  gie-lint completion bash > ~/.local/share/bash-completion/completions/gie-lint
  zsh   gie-lint completion zsh > "${fpath[1]}/_gie-lint"   (or: source <(gie-lint completion zsh))
  fish  gie-lint completion fish > ~/.config/fish/completions/gie-lint.fish"""


class _Parser(argparse.ArgumentParser):
    """argparse with a "did you mean" for a mistyped option, as ruff and kubeconform users expect."""

    def error(self, message: str) -> NoReturn:
        if message.startswith("unrecognized arguments: "):
            import difflib  # only on this error path: `--version` and `--help` start fast

            known = sorted(_option_strings(self))
            hints = [close[0] for word in message.removeprefix("unrecognized arguments: ").split()
                     if word.startswith("--") and (close := difflib.get_close_matches(word.split("=")[0], known, 1))]
            if hints:
                message += f" (did you mean {', '.join(dict.fromkeys(hints))}?)"
        super().error(message)


def _option_strings(parser: argparse.ArgumentParser) -> set[str]:
    """Every long option of `parser` and of its commands."""
    found = {o for action in parser._actions for o in action.option_strings if o.startswith("--")}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for command in action.choices.values():
                found |= _option_strings(command)
    return found


def parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="gie-lint", description="Lint Gateway API Inference Extension manifests.",
                                     epilog=f"{EXIT_CODES}\n\n{EXAMPLES}",
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"gie-lint {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    settings = _Parser(add_help=False)  # what `check` and `config --show` both resolve
    settings.add_argument("--config", type=Path,
                          help="config file (default: nearest .gie-lint.yaml or pyproject.toml [tool.gie-lint])")
    settings.add_argument("--gie-version", help="GIE release, e.g. v1.0.0 (default: from the EPP image tag)")
    settings.add_argument("--llm-d-router-version",
                          help="judge every llm-d-router EPP at this release, e.g. v0.10.0 or main "
                               "(default: each EPP by its image tag; see `gie-lint versions`)")
    settings.add_argument("--kubernetes-version",
                          help="Kubernetes version of the core schemas (default: newest bundled)")
    settings.add_argument("--gateway-api-version",
                          help="Gateway API version of the Gateway/HTTPRoute/... schemas, e.g. v1.4.1 or 1.4 "
                               "(default: newest bundled)")
    settings.add_argument("--gateway-api-channel", choices=["standard", "experimental"],
                          help="Gateway API CRD channel the cluster has installed (default: standard)")
    settings.add_argument("--var", action="append", default=[], metavar="KEY=VALUE", help="envsubst variable")
    settings.add_argument("--namespace", help="namespace for objects that set none (default: default)")
    settings.add_argument("--select", action="append", metavar="RULES",
                          help="run only these rules: ids, names or id prefixes, comma-separated "
                               "(replaces the config's)")
    settings.add_argument("--ignore", action="append", metavar="RULES", help="skip these rules (replaces the config's)")
    settings.add_argument("--exclude", action="append", metavar="PATTERN",
                          help="gitignore-style pattern for files found in folders (replaces the config's)")
    settings.add_argument("--max-file-size", type=file_size, metavar="SIZE",
                          help="skip larger files with a GIE906 finding: bytes, or with K, M or G (default: 256M)")
    settings.add_argument("--jobs", "-j", type=_jobs, metavar="N",
                          help="worker processes that read and parse big inputs (default: the CPU count when the "
                               "input is 4 MiB or more, else 1); the output is the same for any N")
    settings.add_argument("--per-file", action=argparse.BooleanOptionalAction, default=None,
                          help="lint each file of PATHs as its own scenario, for folders of unrelated files "
                               "(default: the config's per_file, else off)")

    check = commands.add_parser("check", parents=[settings], help="lint manifests (files, folders, or - for stdin)",
                                epilog=f"{EXIT_CODES}\n\n{EXAMPLES}",
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    check.add_argument("paths", nargs="*", metavar="PATH", help="files or folders; - reads stdin")
    check.add_argument("--kustomize", action="append", default=[], metavar="DIR", help=_KUSTOMIZE_HELP)
    check.add_argument("--scenario", action="append", default=[], help="lint this config scenario (repeatable)")
    outputs.add_arguments(check, REPORTERS)
    check.add_argument("--fail-on", choices=["error", "warning", "info"], default="error",
                       help="lowest severity that makes the exit code 1 (default: error)")
    check.add_argument("--exit-zero", action="store_true",
                       help="report findings but exit 0 (usage, config and I/O errors still exit 2)")
    check.add_argument("--quiet", "-q", action="store_true", help="print only findings (and errors)")
    check.add_argument("--show-suppressed", action="store_true", help="also list suppressed findings and why")
    check.add_argument("--allow-empty", action="store_true", help="0 resources checked is not an error")
    check.add_argument("--file-local", action="store_true",
                       help="run only the checks one file settles alone (sources, schemas, per-object and config "
                            "rules), for linting some files of a deployment, as a pre-commit hook on staged files")

    rules = commands.add_parser("rules", help="list the rules")
    rules.add_argument("--format", choices=["text", "json", "markdown"], default="text",
                       help="output format (default: text)")

    rule = commands.add_parser("rule", help="show one rule's documentation (by id or name)")
    rule.add_argument("rule", metavar="RULE", help="rule id (GIE040) or name (epp-replicas-without-le)")
    rule.add_argument("--format", choices=["text", "json", "markdown"], default="text",
                      help="output format (default: text)")

    known = commands.add_parser("versions", help="list every release line and release gie-lint judges, and the "
                                                 "bundled schema versions")
    known.add_argument("--format", choices=["text", "json"], default="text", help="output format (default: text)")

    show = commands.add_parser("config", parents=[settings], help="show the effective configuration")
    show.add_argument("--show", action="store_true",
                      help="print every effective setting and where it came from (the default; kept for scripts)")

    explain = commands.add_parser("explain", parents=[settings],
                                  help="show each pool's request path, replicas and leader election, and why")
    explain.add_argument("paths", nargs="*", metavar="PATH", help="files or folders; - reads stdin")
    explain.add_argument("--kustomize", action="append", default=[], metavar="DIR", help=_KUSTOMIZE_HELP)
    explain.add_argument("--scenario", action="append", default=[], help="explain this config scenario (repeatable)")
    explain.add_argument("--format", choices=["text", "json", "mermaid"], default="text",
                         help="output format (default: text)")
    completion = commands.add_parser("completion", help="print a shell completion script (bash, zsh or fish)",
                                     epilog=_COMPLETION_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    completion.add_argument("shell", choices=["bash", "zsh", "fish"], help="the shell to complete in")
    return parser
