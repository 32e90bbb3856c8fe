"""Docs that cannot go stale: the README's commands are the ones CI runs, every command
is documented with examples, and the README's example files work."""

import re
import subprocess
import sys

import pytest

from screener.cli import COMMANDS, build_parser

from conftest import ROOT

README = (ROOT / "README.md").read_text()


def test_readme_two_commands_and_ci_runs_the_test_command():
    assert "```console\nuv run screener\nuv run pytest\n```" in README
    assert "uv run pytest" in (ROOT / ".ci" / "run").read_text()
    # the pip alternative stays documented
    assert "python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && .venv/bin/python -m pytest" in README
    assert "python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/screener\n" in README


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


def test_readme_example_answers_screen():
    proc = subprocess.run([sys.executable, "-m", "screener", "screen", "examples/answers.json"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and proc.stdout.startswith("RESULT:")
