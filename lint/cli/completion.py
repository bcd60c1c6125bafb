"""`gie-lint completion bash|zsh|fish`: a static completion script generated from the argparse grammar.

Static on purpose: a TAB never starts Python (argcomplete would, ~100 ms each time), and the script is read
from the same parser `--help` prints, so a new option is completed without anyone editing a script. shtab
does this for bash and zsh but not fish; the three generators below are small. Values complete from what
the grammar knows: `choices`, files for PATH/FILE, folders for DIR, rule ids for RULE(S), and the known
release tags for the version options.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from dataclasses import dataclass

from gie_lint.cli import outputs

SHELLS = ("bash", "zsh", "fish")


@dataclass(frozen=True)
class Option:
    names: tuple[str, ...]  # e.g. ("--quiet", "-q")
    help: str
    takes_value: bool
    values: tuple[str, ...] = ()  # words to offer for the value
    value_kind: str = "word"  # word | file | dir | none
    repeatable: bool = False


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    options: tuple[Option, ...]
    positional: str | None  # "file" (PATHs), "rule", or None
    arguments: tuple[str, ...] = ()  # the words a "rule" positional takes


def model(parser: argparse.ArgumentParser, words: dict[str, tuple[str, ...]]) -> list[Command]:
    """The commands of `parser` with their options; `words` gives values by kind (rules, versions)."""
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    helps = {choice.dest: choice.help or "" for choice in subparsers._choices_actions}
    commands = []
    for name, sub in subparsers.choices.items():
        positional = _positional(sub)
        commands.append(Command(name, _one_line(helps.get(name, "")), tuple(_options(sub, words)), positional,
                                words.get("rules", ()) if positional == "rule" else ()))
    return commands


def _options(parser: argparse.ArgumentParser, words: dict[str, tuple[str, ...]]) -> list[Option]:
    found = []
    for action in parser._actions:
        if not action.option_strings or action.help == argparse.SUPPRESS:
            continue
        takes_value = action.nargs != 0 and not isinstance(action, argparse.BooleanOptionalAction)
        metavar = str(action.metavar or action.dest).upper()
        values: tuple[str, ...] = tuple(str(c) for c in action.choices) if action.choices else ()
        kind = "word"
        if not values and takes_value:
            if metavar in ("FILE", "CONFIG") or action.dest == "config":
                kind = "file"
            elif metavar == "DIR":
                kind = "dir"
            elif metavar.startswith("RULE"):
                values = words.get("rules", ())
            elif action.dest.endswith("_version"):
                values = words.get(action.dest, ())
            else:
                kind = "none"  # free text: KEY=VALUE, a namespace, a size
        found.append(Option(tuple(sorted(action.option_strings, key=lambda o: (not o.startswith("--"), o))),
                            _one_line(action.help or ""), takes_value, values, kind,
                            isinstance(action, (argparse._AppendAction, argparse._CountAction))
                            or isinstance(action, (outputs.FormatAction, outputs.OutputAction))))
    return found


def _positional(parser: argparse.ArgumentParser) -> str | None:
    for action in parser._actions:
        if not action.option_strings:
            return "rule" if action.metavar == "RULE" else "file"
    return None


def _one_line(text: str) -> str:
    first = re.split(r"(?<=[^.])\s*\(", " ".join(text.split()), maxsplit=1)[0]  # drop "(default: …)"
    return first[:80].rstrip(" ,;:")


def known_words() -> dict[str, tuple[str, ...]]:
    """Values the grammar cannot know: rule ids and names, and the releases and schema versions gie-lint ships."""
    from gie_lint.cli import versions
    from gie_lint.rules.registry import all_rules
    from gie_lint.schema import catalog

    found = versions.data()
    tags = {line: tuple(r["release"] for r in found["releases"] if r["line"] == line)
            for line in ("gie", "llm-d-router")}
    return {"rules": tuple(r.id for r in all_rules()) + tuple(r.name for r in all_rules()),
            "gie_version": tags["gie"], "llm_d_router_version": (*tags["llm-d-router"], "main"),
            "gateway_api_version": tuple(found["gateway_api"]),
            "kubernetes_version": tuple(reversed(catalog.kubernetes_versions()))}


def script(shell: str, parser: argparse.ArgumentParser, words: dict[str, tuple[str, ...]]) -> str:
    generators: dict[str, Callable[[list[Command], argparse.ArgumentParser], str]] = {
        "bash": _bash, "zsh": _zsh, "fish": _fish}
    return generators[shell](model(parser, words), parser)


def _global_flags(parser: argparse.ArgumentParser) -> list[str]:
    return sorted(o for a in parser._actions for o in a.option_strings)


# --- bash ---------------------------------------------------------------------------------------------------

def _bash_words(words: tuple[str, ...] | list[str]) -> str:
    return " ".join(words).replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$").replace("`", "\\`")


def _bash(commands: list[Command], parser: argparse.ArgumentParser) -> str:
    names = " ".join(c.name for c in commands)
    cases = []
    for command in commands:
        values = []
        for option in command.options:
            if not option.takes_value:
                continue
            pattern = "|".join(option.names)
            if option.value_kind == "file":
                reply = 'COMPREPLY=($(compgen -f -- "$cur"))'
            elif option.value_kind == "dir":
                reply = 'COMPREPLY=($(compgen -d -- "$cur"))'
            elif option.values:
                reply = f'COMPREPLY=($(compgen -W "{_bash_words(option.values)}" -- "$cur"))'
            else:
                reply = "COMPREPLY=()"
            values.append(f"        {pattern}) {reply}; return ;;")
        flags = _bash_words([n for o in command.options for n in o.names])
        rest = {"file": 'COMPREPLY=($(compgen -f -- "$cur"))', None: "COMPREPLY=()",
                "rule": f'COMPREPLY=($(compgen -W "{_bash_words(command.arguments)}" -- "$cur"))'}[command.positional]
        cases.append("\n".join([
            f"    {command.name})",
            '      case "$prev" in',
            *values,
            "      esac",
            f'      if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "{flags}" -- "$cur")); else {rest}; fi',
            "      ;;"]))
    return "\n".join([
        "# bash completion for gie-lint (generated by `gie-lint completion bash`)",
        "_gie_lint() {",
        '  local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}" command="" i',
        "  for ((i = 1; i < COMP_CWORD; i++)); do",
        f'    case "${{COMP_WORDS[i]}}" in {names.replace(" ", "|")}) command="${{COMP_WORDS[i]}}"; break ;; esac',
        "  done",
        '  case "$command" in',
        f'    "") COMPREPLY=($(compgen -W "{names} {_bash_words(_global_flags(parser))}" -- "$cur")) ;;',
        *cases,
        "  esac",
        "}",
        "complete -o filenames -o bashdefault -F _gie_lint gie-lint",
        ""])


# --- zsh ----------------------------------------------------------------------------------------------------

def _zsh_text(text: str) -> str:
    """Text inside a single-quoted `_arguments` spec: brackets and colons escaped, quotes closed and reopened."""
    return re.sub(r"([\[\]:\\])", r"\\\1", text).replace("'", "'\\''")


def _zsh_spec(option: Option) -> str:
    action = ""
    if option.takes_value:
        action = {"file": ":file:_files", "dir": ":folder:_files -/"}.get(option.value_kind, ":value: ")
        if option.values:
            action = f":value:({' '.join(_zsh_text(v) for v in option.values)})"
    body = f"[{_zsh_text(option.help)}]{action}"
    star = "*" if option.repeatable else ""
    if len(option.names) == 1:
        return f"'{star}{option.names[0]}{body}'"
    exclusive = star or f"({' '.join(option.names)})"  # `-q` and `--quiet` are one option
    return f"'{exclusive}'{{{','.join(option.names)}}}'{body}'"


def _zsh(commands: list[Command], parser: argparse.ArgumentParser) -> str:
    cases = []
    for command in commands:
        specs = [_zsh_spec(option) for option in command.options]
        if command.positional == "file":
            specs.append("'*:path:_files'")
        elif command.positional == "rule":
            specs.append(f"'1:rule:({' '.join(command.arguments)})'")
        cases.append(f"        {command.name})\n          _arguments -s \\\n            "
                     + " \\\n            ".join(specs) + " ;;")
    return "\n".join([
        "#compdef gie-lint",
        "# zsh completion for gie-lint (generated by `gie-lint completion zsh`): save it as _gie-lint in a folder",
        "# of $fpath, or `source <(gie-lint completion zsh)` after compinit.",
        "_gie-lint() {",
        "  local context state state_descr line",
        "  typeset -A opt_args",
        "  local -a commands",
        "  commands=(",
        *[f"    '{c.name}:{_zsh_text(c.help)}'" for c in commands],
        "  )",
        "  _arguments -C '(- *)--version[show the version]' '(- *)'{-h,--help}'[show help]' \\",
        "    '1:command:->command' '*::argument:->argument'",
        '  case "$state" in',
        "    command) _describe -t commands 'gie-lint command' commands ;;",
        "    argument)",
        '      case "$line[1]" in',
        *cases,
        "      esac ;;",
        "  esac",
        "}",
        'if [[ "$funcstack[1]" == _gie-lint ]]; then _gie-lint "$@"; else compdef _gie-lint gie-lint; fi',
        ""])


# --- fish ---------------------------------------------------------------------------------------------------

def _fish_text(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


_FISH_VALUES = {"file": " -r -F", "dir": " -x -a '(__fish_complete_directories)'"}  # else -x: no file names


def _fish(commands: list[Command], parser: argparse.ArgumentParser) -> str:
    names = " ".join(c.name for c in commands)
    lines = ["# fish completion for gie-lint (generated by `gie-lint completion fish`)",
             "complete -c gie-lint -f",
             "complete -c gie-lint -n __fish_use_subcommand -l version -d 'show the version'"]
    lines += [f"complete -c gie-lint -n '__fish_use_subcommand; and not __fish_seen_subcommand_from {names}' "
              f"-a {c.name} -d {_fish_text(c.help)}" for c in commands]
    for command in commands:
        when = f"-n '__fish_seen_subcommand_from {command.name}'"
        for option in command.options:
            flags = " ".join(f"-l {n[2:]}" if n.startswith("--") else f"-s {n[1:]}" for n in option.names)
            value = ""
            if option.takes_value:
                value = _FISH_VALUES.get(option.value_kind, " -x")
                if option.values:
                    value += f" -a {_fish_text(' '.join(option.values))}"
            lines.append(f"complete -c gie-lint {when} {flags}{value} -d {_fish_text(option.help)}")
        if command.positional == "file":
            lines.append(f"complete -c gie-lint {when} -F")
        elif command.positional == "rule":
            lines.append(f"complete -c gie-lint {when} -x -a {_fish_text(' '.join(command.arguments))}")
    return "\n".join(lines) + "\n"
