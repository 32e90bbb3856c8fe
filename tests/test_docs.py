"""Docs that cannot go stale: the README's commands are the ones CI runs, every command
is documented with examples, and the README's example files work."""

import re
import subprocess
import sys

import pytest

from screener.cli import COMMANDS, build_parser

from conftest import ROOT

README = (ROOT / "README.md").read_text()


def test_ci_runs_the_readme_test_command():
    test_command = "python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && .venv/bin/python -m pytest"
    assert test_command in README
    assert test_command in (ROOT / ".ci" / "run").read_text()


def test_readme_run_command_starts_the_screener():
    assert "python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/screener\n" in README


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_command_is_documented(name):
    assert re.search(rf"screener {name}\b", README), f"README never shows `screener {name}`"
    sub = next(a for a in build_parser()._subparsers._group_actions[0].choices.items()
               if a[0] == name)[1]
    assert sub.description and len(sub.description) > 40, f"{name}: no real description"
    assert "example" in (sub.epilog or "").lower() or "screener " in (sub.epilog or ""), \
        f"{name}: --help shows no example"


def test_readme_example_answers_screen():
    proc = subprocess.run([sys.executable, "-m", "screener", "screen", "examples/answers.json"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and proc.stdout.startswith("RESULT:")
