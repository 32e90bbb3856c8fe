"""Every command the README prints, run in order in a fresh copy of the project, as a
person following the README from the top would: each exits as documented (0, or the
exit status the README gives it) and none prints a traceback.

tests/test_docs.py checks that each session's output is what the README shows, one
session at a time; this one checks that the README works as a whole, in order (a file
an earlier example wrote, a path that only worked from another folder). The commands
not run here are listed below with the reason; a new README command is run unless it
is listed, so one that needs a terminal or an install fails here until it is.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

README = (ROOT / "README.md").read_text()

#: commands not run, as printed (without a trailing # comment), and why
SKIPPED = {
    # installing and setting up: they change the environment, need the network or a
    # compiler, and the suite is already running inside what they make
    "uv run pytest --slow": "setup: the whole test suite (this test is part of it)",
    "CPPFLAGS='-DPyEval_CallObject=PyObject_CallObject' uv tool install .":
        "install: a tool install (network, compiler)",
    "CPPFLAGS='-DPyEval_CallObject=PyObject_CallObject' pipx install .":
        "install: a tool install (network, compiler)",
    "python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/screener":
        "install: a new environment (network, compiler), then the questionnaire",
    "python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && .venv/bin/python -m pytest --slow":
        "install: a new environment, then the whole test suite",
    "python3.13 -m venv .venv": "install: a new environment",
    "CPPFLAGS='-DPyEval_CallObject=PyObject_CallObject' .venv/bin/pip install --force-reinstall --no-cache-dir durable-rules==2.0.28":
        "install: rebuilds the rule engine (network, compiler)",
    ".venv/bin/pip install -e '.[test]' && .venv/bin/python -m pytest --slow":
        "install, then the whole test suite",
    # interactive: a person answers in a terminal (tests/test_terminal_pty.py,
    # test_intake.py, test_draft_after_result.py and test_global_lang.py drive them)
    "uv run screener": "interactive: the questionnaire in a terminal",
    "screener run": "interactive: the questionnaire in a terminal",
    "screener resume": "interactive: continues a screening in a terminal",
    "screener run --plain": "interactive: the plain questionnaire in a terminal",
    "screener run --plain --lang es": "interactive: the plain questionnaire in a terminal",
    "screener intake --out clinic/ --lang es --report-lang en":
        "interactive: clinic intake in a terminal",
}

#: commands run with an addition, and why (the output is the same)
ADDED = {
    "screener demo --auto --plain office-worker-winter":
        (" --speed 0", "the pace of a live demo: 1.5 s a screen, about a minute"),
}

#: exit status other than 0 that the README documents for a command: 1 for `rules
#: check` findings ("exit 1 if any"); any command whose printed output is an
#: `screener: error:` line exits 2 ("Exit status: ... 2 bad input")
EXIT_STATUS = {"screener rules check --rules /tmp/proposed": 1}


def readme_commands() -> list[tuple[int, str, list[str]]]:
    """(README line, command, printed output) of every console block, in order: the
    `$ ` lines of a session, or every line of a block that shows commands only."""
    found = []
    for match in re.finditer(r"```console\n(.*?)```", README, re.S):
        first = README.count("\n", 0, match.start()) + 2
        lines = match.group(1).splitlines()
        session = any(line.startswith("$ ") for line in lines)
        for n, line in enumerate(lines):
            if session and line.startswith("$ "):
                found.append((first + n, line[2:], []))
            elif session and found and found[-1][0] >= first:
                found[-1][2].append(line)
            elif not session and line.strip():
                found.append((first + n, line, []))
    return found


def as_printed(command: str) -> str:
    """The command without a trailing comment (`  # ...`)."""
    return re.split(r"\s+#\s", command, maxsplit=1)[0].strip()


def fresh_copy(target: Path) -> Path:
    """The project as a fresh clone has it: the files under version control (from the
    working tree, so the README and examples being tested are the current ones)."""
    try:
        names = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                               text=True, check=True, timeout=60).stdout.split("\0")
    except (OSError, subprocess.SubprocessError):
        shutil.copytree(ROOT, target, ignore=shutil.ignore_patterns(
            ".git", ".venv*", "__pycache__", "*.egg-info", ".pytest_cache", ".hypothesis"))
        return target
    for name in filter(None, names):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def test_every_readme_command_is_run_or_listed():
    printed = {as_printed(command) for _, command, _ in readme_commands()}
    assert set(SKIPPED) <= printed, f"no longer in the README: {set(SKIPPED) - printed}"
    assert set(ADDED) <= printed and set(EXIT_STATUS) <= printed


@pytest.mark.slow  # about 40 commands in child processes (30-60 s)
def test_readme_commands_run_in_order_in_a_fresh_folder(tmp_path):
    from test_docs import _setup_proposed_rules

    project = fresh_copy(tmp_path / "project")
    # `screener` is `uv run screener` or `.venv/bin/screener` (README); both are this
    # environment, running the copy's own package
    venv_bin = project / ".venv" / "bin"
    venv_bin.mkdir(parents=True)
    shim = venv_bin / "screener"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m screener "$@"\n')
    shim.chmod(0o755)
    env = dict(os.environ, PATH=f"{venv_bin}{os.pathsep}{os.environ['PATH']}",
               PYTHONPATH=str(project), SCREENER_HOME=str(tmp_path / "home"),
               COLUMNS="100", LANG="C.UTF-8")
    for name in ("NO_COLOR", "LC_ALL", "LC_MESSAGES", "LANGUAGE", "VIRTUAL_ENV"):
        env.pop(name, None)

    ran, failures = [], []
    for line, command, output in readme_commands():
        key = as_printed(command)
        if key in SKIPPED:
            continue
        shell = re.sub(r"^uv run (?=screener\b)", "", command) + ADDED.get(key, ("",))[0]
        if "/tmp/proposed" in shell:  # "a proposed copy of the rules": made here
            shell = shell.replace("/tmp/proposed", _setup_proposed_rules(tmp_path)["/tmp/proposed"])
        proc = subprocess.run(["bash", "-c", shell], cwd=project, env=env,
                              stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=600)
        said = proc.stdout + proc.stderr
        wanted = EXIT_STATUS.get(key, 2 if output and output[0].startswith("screener: error:")
                                 else 0)
        ran.append(key)
        if proc.returncode != wanted or "Traceback" in said:
            failures.append(f"README.md:{line}: $ {command}\n  exit {proc.returncode} "
                            f"(expected {wanted})\n  " + "\n  ".join(said.splitlines()[-8:]))
    assert not failures, "\n\n".join(failures)
    assert len(ran) >= 30 and "screener rules check" in ran  # the README was really read
