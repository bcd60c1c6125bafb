"""`gie-lint completion bash|zsh|fish`: each script is loaded into its real shell and asked to complete.

bash is driven through COMP_WORDS, fish through `complete -C`, zsh through a pseudo-terminal (zsh/zpty) with a
real TAB. zsh and fish are skipped when missing, except under CI=true (.ci/run installs them from Debian).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from gie_lint.cli import completion, parser
from gie_lint.rules.registry import all_rules

from tests.conftest import under_ci
from tests.reporting_helpers import run


def _script(shell: str, capsys: pytest.CaptureFixture[str]) -> str:
    code, out, err = run(capsys, "completion", shell)
    assert code == 0 and err == "", err
    return out


def _shell(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        if under_ci():
            pytest.fail(f"{name} is not installed (CI=true: .ci/run installs it)")
        pytest.skip(f"{name} is not installed (apt-get install {name})")
    return found


def _bash(script: Path, *words: str) -> list[str]:
    """COMPREPLY for the command line `words` (the last one is the word being completed)."""
    array = " ".join(f"'{w}'" for w in words)
    driver = f'source {script}; COMP_WORDS=({array}); COMP_CWORD={len(words) - 1}; _gie_lint; ' \
             'printf "%s\\n" "${COMPREPLY[@]}"'
    done = subprocess.run(["bash", "--norc", "-c", driver], capture_output=True, text=True, timeout=30, check=False)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    return [line for line in done.stdout.splitlines() if line]


def test_bash_completes_commands_options_values_and_rules(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "gie-lint.bash"
    script.write_text(_script("bash", capsys))
    assert "completion" in _bash(script, "gie-lint", "")
    assert _bash(script, "gie-lint", "ch") == ["check"]
    assert _bash(script, "gie-lint", "check", "--fail-on", "") == ["error", "warning", "info"]
    assert _bash(script, "gie-lint", "check", "--fa") == ["--fail-on"]
    assert _bash(script, "gie-lint", "explain", "--format", "m") == ["mermaid"]
    assert _bash(script, "gie-lint", "rule", "GIE04") == sorted(r.id for r in all_rules() if r.id.startswith("GIE04"))
    assert _bash(script, "gie-lint", "check", "--gie-version", "v1.5") == ["v1.5.0"]
    (tmp_path / "pool.yaml").write_text("")
    assert _bash(script, "gie-lint", "check", f"{tmp_path}/po") == [f"{tmp_path}/pool.yaml"]  # PATHs are files


def test_fish_completes_from_its_script(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fish = _shell("fish")
    script = tmp_path / "gie-lint.fish"
    script.write_text(_script("fish", capsys))

    def complete(line: str) -> list[str]:
        done = subprocess.run([fish, "--no-config", "-c", f"source {script}; complete -C '{line}'"],
                              capture_output=True, text=True, timeout=30, check=False)
        assert done.returncode == 0 and done.stderr == "", done.stderr
        return [row.split("\t")[0] for row in done.stdout.splitlines()]

    assert complete("gie-lint ch") == ["check"]
    assert complete("gie-lint check --fail-on ") == ["error", "info", "warning"]
    assert "--fail-on" in complete("gie-lint check --fa")
    assert complete("gie-lint rules --format ") == ["json", "markdown", "text"]
    assert "GIE040" in complete("gie-lint rule GIE04")


ZPTY = r"""
zmodload zsh/zpty
zpty z 'zsh -f -i'
zpty -w z 'PROMPT="> "; unset zle_bracketed_paste; fpath=(%(dir)s $fpath); autoload -U compinit; compinit -u -D'
zpty -w z 'setopt nobeep; LISTMAX=1000; echo RE""ADY'
zpty -r z line '*READY*'
zpty -n -w z $'%(line)s\t'
sleep 1
out=""
while zpty -r -t z chunk; do out+=$chunk; done
print -r -- "$out"
zpty -d z
"""


def test_zsh_completes_in_a_real_terminal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    zsh = _shell("zsh")
    (tmp_path / "_gie-lint").write_text(_script("zsh", capsys))  # as users install it: a file in $fpath
    assert subprocess.run([zsh, "-n", str(tmp_path / "_gie-lint")], check=False).returncode == 0

    def complete(line: str) -> str:
        driver = tmp_path / "drive.zsh"
        driver.write_text(ZPTY % {"dir": tmp_path, "line": line})
        done = subprocess.run([zsh, "-f", str(driver)], capture_output=True, text=True, timeout=60, check=False)
        return done.stdout

    listed = complete("gie-lint check --fail-on ")
    assert all(word in listed for word in ("error", "warning", "info")), listed[-400:]
    assert "mermaid" in complete("gie-lint explain --format ")
    assert "--fail-on" in complete("gie-lint check --fa")  # the only match: inserted on the line


@pytest.mark.parametrize("shell", completion.SHELLS)
def test_every_option_of_every_command_is_in_the_script(shell: str, capsys: pytest.CaptureFixture[str]) -> None:
    text = _script(shell, capsys)
    commands = completion.model(parser.parser(), {})
    assert {c.name for c in commands} >= {"check", "explain", "rules", "rule", "config", "versions", "completion"}

    def spelled(name: str) -> str:  # fish names options without their dashes
        return name if shell != "fish" else f"-l {name[2:]}" if name.startswith("--") else f"-s {name[1:]}"

    missing = [f"{c.name} {name}" for c in commands for option in c.options for name in option.names
               if spelled(name) not in text]
    assert missing == []


def test_help_text_cannot_break_out_of_the_quoting() -> None:
    option = completion.Option(("--x",), "a [tricky]: 'help' \\ text", takes_value=True, values=("a'b",))
    assert completion._zsh_spec(option) == "'--x[a \\[tricky\\]\\: '\\''help'\\'' \\\\ text]:value:(a'\\''b)'"
    assert completion._fish_text("it's \\") == "'it\\'s \\\\'"
