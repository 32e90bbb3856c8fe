"""Docs that cannot go stale: the README's commands are the ones CI runs, every command
is documented with examples, and the README's example files work."""

import os
import re
import subprocess
import sys

import pytest
from conftest import ROOT

from screener.cli import COMMANDS, build_parser

README = (ROOT / "README.md").read_text()


def test_readme_two_commands_and_ci_runs_the_test_command():
    assert "```console\nuv run screener\nuv run pytest --slow\n```" in README
    # the pip alternative stays documented
    assert "python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && .venv/bin/python -m pytest --slow" in README
    assert "python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/screener\n" in README


def test_ci_runs_exactly_the_readme_test_command():
    """The README's second command is the whole suite, and it is what .ci/run runs (its
    environment only quiets the output); `uv run pytest` alone is the quick set."""
    readme_command = re.search(r"```console\nuv run screener\n(.*)\n```", README).group(1)
    ci = (ROOT / ".ci" / "run").read_text()
    ci_command = re.search(r'^TEST_COMMAND="(.*)"$', ci, re.M).group(1)
    assert readme_command == ci_command == "uv run pytest --slow"
    # pytest is started in one place, through that variable
    assert re.findall(r"^(?!\s*#).*(?:uv run pytest|-m pytest).*$", ci, re.M) == [
        f'TEST_COMMAND="{ci_command}"']
    assert '$TEST_COMMAND "${args[@]}"' in ci
    assert "`uv run pytest` alone is the quick set" in README


def test_uv_builds_durable_rules_with_the_313_flag():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["project"]["name"] == "nutrition-screener"
    assert project["tool"]["uv"]["extra-build-variables"]["durable-rules"] == {
        "CPPFLAGS": "-DPyEval_CallObject=PyObject_CallObject"}
    lock = (ROOT / "uv.lock").read_text()
    assert 'name = "nutrition-screener"' in lock and 'name = "durable-rules"' in lock


def test_no_install_line_names_the_wrong_distribution():
    """PyPI's `screener` is an unrelated project: no install line may ask for it."""
    texts = [README, (ROOT / "benchmarks" / "README.md").read_text()]
    texts += [p.read_text() for p in (ROOT / "screener").rglob("*.py")]
    for text in texts:
        # the warnings themselves name it: "... `pip install screener` fetches an unrelated ..."
        text = re.sub(r"[^.]*unrelated[^.]*", "", text)
        assert not re.search(r"(pip|pipx|uv tool|uv pip) install\s+['\"]?screener\b", text)
        assert "'screener[" not in text


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_command_is_documented(name):
    assert re.search(rf"screener {name}\b", README), f"README never shows `screener {name}`"
    sub = next(a for a in build_parser()._subparsers._group_actions[0].choices.items()
               if a[0] == name)[1]
    assert sub.description and len(sub.description) > 40, f"{name}: no real description"
    assert "example" in (sub.epilog or "").lower() or "screener " in (sub.epilog or ""), \
        f"{name}: --help shows no example"


@pytest.mark.slow  # runs the README's commands in child processes
def test_readme_example_answers_screen():
    proc = subprocess.run([sys.executable, "-m", "screener", "screen", "examples/answers.json"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and proc.stdout.startswith("RESULT:")


# ------------------------------------------------- README sessions run as printed

#: commands that need a person at a terminal: the pty tests cover them
INTERACTIVE = re.compile(r"^screener (run|resume|intake)\b|^screener$")


def readme_sessions() -> list[tuple[int, list[tuple[str, list[str]]]]]:
    """Console blocks that show a session: (line, [(command, expected output lines)])."""
    sessions = []
    for match in re.finditer(r"```console\n(.*?)```", README, re.S):
        steps: list[tuple[str, list[str]]] = []
        for line in match.group(1).splitlines():
            if line.startswith("$ "):
                steps.append((line[2:], []))
            elif steps:
                steps[-1][1].append(line.rstrip())
        if any(out for _, out in steps) and not any(INTERACTIVE.match(c) for c, _ in steps):
            sessions.append((README.count("\n", 0, match.start()) + 1, steps))
    return sessions


def matches(expected: list[str], actual: list[str]) -> bool:
    """Line by line; a line '...' stands for any number of lines (up to the next line
    shown, or the end)."""
    if not expected:
        return not actual
    if expected[0] == "...":
        return any(matches(expected[1:], actual[i:]) for i in range(len(actual) + 1))
    return bool(actual) and actual[0].rstrip() == expected[0] and matches(expected[1:], actual[1:])


def _setup_proposed_rules(tmp_path):
    """`rules check --rules /tmp/proposed`: a copy of the rules with the three mistakes
    the README shows (an empty reason, a misspelt code in a condition and in an example)."""
    import shutil

    target = tmp_path.parent / "proposed"  # outside the project folder, as /tmp/proposed
    shutil.copytree(ROOT / "rules", target)
    potassium = target / "potassium.yaml"
    text = potassium.read_text()
    start = text.index("  - id: K-SWEAT")
    reason = re.compile(r"    reason: >-\n(      .*\n)+")
    found = reason.search(text, start)
    potassium.write_text(text[:found.start()] + "    reason: Sweat.\n" + text[found.end():])
    vitamin_d = target / "vitamin_d.yaml"
    text = vitamin_d.read_text()
    start = text.index("  - id: VD-COVER")
    end = text.index("  - id:", start + 5)
    part = text[start:end].replace('skin_covered_outdoors: "yes"', 'skin_covered_outdoors: "yess"')
    vitamin_d.write_text(text[:start] + part + text[end:])
    return {"/tmp/proposed": str(target)}


SETUP = {"screener rules check --rules /tmp/proposed": _setup_proposed_rules}
SESSIONS = readme_sessions()


@pytest.mark.slow  # runs the README's commands in child processes
@pytest.mark.parametrize("steps", [s for _, s in SESSIONS],
                         ids=[f"README.md:{line}" for line, _ in SESSIONS])
def test_readme_sessions_run_as_printed(steps, tmp_path):
    """Each command of a README session, run in a folder holding the shipped examples,
    prints what the README shows (stdout and stderr together, as in a terminal)."""
    import shutil

    tmp_path = tmp_path / "project"
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    shutil.copytree(ROOT / "tests" / "vignettes", tmp_path / "tests" / "vignettes")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "screener"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m screener "$@"\n')
    shim.chmod(0o755)
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
               PYTHONPATH=str(ROOT), COLUMNS="100", SCREENER_HOME=str(tmp_path / "home"))
    env.pop("NO_COLOR", None)
    for command, expected in steps:
        replace = SETUP.get(command.split("  #")[0].strip(), lambda _: {})(tmp_path)
        shell = command.replace(".venv/bin/screener", "screener")
        for old, new in replace.items():
            shell = shell.replace(old, new)
        if shell.startswith("screener demo"):
            shell += " --speed 0"  # the pace of a live demo; the output is the same
        proc = subprocess.run(["bash", "-c", shell + " 2>&1"], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=600)
        # as run from the project folder, where the README's sessions were taken
        actual = (proc.stdout.replace(str(tmp_path.parent / "proposed"), "/tmp/proposed")
                  .replace(str(ROOT / "rules"), "rules")).splitlines()
        assert "Traceback" not in proc.stdout, proc.stdout
        if not expected:  # shown as an example, its output not claimed
            continue
        assert matches(expected, actual), (
            f"$ {command}\n--- README shows:\n" + "\n".join(expected)
            + "\n--- it prints:\n" + "\n".join(actual))
