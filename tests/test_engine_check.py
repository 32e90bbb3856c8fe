"""A broken durable-rules build is reported before the first question, as one paragraph
with the commands that fix it (exit 3), never as a traceback after the last answer.

The failure is simulated in a child process: a module named ``durable_rules_engine``
placed first on PYTHONPATH raises the ImportError a 3.13 build without the define gives
(or the one a missing engine gives). The real engine in this process is untouched.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from screener.cli import COMMANDS, build_parser, needs_engine

UNDEFINED = ("/venv/lib/python3.13/site-packages/durable_rules_engine.cpython-313-x86_64-"
             "linux-gnu.so: undefined symbol: PyEval_CallObject")

#: every command that screens, with arguments that would otherwise get it going
SCREENING = {
    "run": ["run"],
    "resume": ["resume"],
    "screen": ["screen", "examples/answers.json"],
    "report": ["report", "examples/answers.json", "--format", "md"],
    "explain": ["explain", "--persona", "long-ppi-twitching"],
    "whatif": ["whatif", "--persona", "office-worker-winter", "--set", "supplements=vitamin_d"],
    "demo": ["demo", "--auto", "--plain", "office-worker-winter"],
    "intake": ["intake", "--out", "{tmp}/intake"],
    "batch": ["batch", "{tmp}/in.jsonl", "-o", "{tmp}/out.csv"],
    "personas --check": ["personas", "--check"],
    "rules test": ["rules", "test", "-q"],
}


def _broken_engine(tmp_path, error: str):
    fake = tmp_path / "fake"
    fake.mkdir(exist_ok=True)
    (fake / "durable_rules_engine.py").write_text(f"raise ImportError({error!r})\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(fake), str(ROOT), os.environ.get("PYTHONPATH", "")]))
    env["SCREENER_HOME"] = str(tmp_path / "home")
    return env


def _run(args, env, tmp_path):
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    return subprocess.run([sys.executable, "-m", "screener", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL)


@pytest.mark.slow  # starts the command in a child process
@pytest.mark.parametrize("name", list(SCREENING))
def test_every_screening_command_checks_the_engine_first(tmp_path, name):
    (tmp_path / "in.jsonl").write_text('{"age_years": 70}\n')
    proc = _run(SCREENING[name], _broken_engine(tmp_path, UNDEFINED), tmp_path)
    assert proc.returncode == 3, proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    assert proc.stderr.startswith("screener: error: the rule engine cannot be loaded, "
                                  "so nothing was asked or screened")
    assert "PyEval_CallObject" in proc.stderr
    # the fix for this environment: pip where pip is, uv sync in a uv project
    assert ("CPPFLAGS='-DPyEval_CallObject=PyObject_CallObject' " in proc.stderr
            and "--force-reinstall --no-cache-dir durable-rules==2.0.28" in proc.stderr
            or "uv sync --reinstall-package durable-rules --no-cache" in proc.stderr), \
        proc.stderr
    assert not (tmp_path / "out.csv").exists() and not (tmp_path / "intake").exists()
    assert not (tmp_path / "home").exists()  # no draft saved


@pytest.mark.slow  # starts the command in a child process
def test_a_missing_engine_says_install(tmp_path):
    proc = _run(["screen", "examples/answers.json"],
                _broken_engine(tmp_path, "No module named 'durable_rules_engine'"), tmp_path)
    assert proc.returncode == 3 and "Traceback" not in proc.stderr
    assert "cannot be loaded" in proc.stderr or "not installed" in proc.stderr
    assert "pip install" in proc.stderr or "uv sync" in proc.stderr


@pytest.mark.slow  # starts the command in a child process
@pytest.mark.parametrize("args", [["schema", "answers"], ["personas"], ["rules", "check"],
                                  ["questionnaire", "--fhir"], ["--version"]])
def test_commands_that_do_not_screen_still_work(tmp_path, args):
    proc = _run(args, _broken_engine(tmp_path, UNDEFINED), tmp_path)
    assert proc.returncode == 0, proc.stderr


@pytest.mark.slow  # starts the command in a child process
def test_the_python_engine_is_the_way_out(tmp_path):
    """With durable-rules broken, the rules can still be tested (rules test --engine
    python) and answers screened (SCREENER_ENGINE=python), with the same results."""
    env = _broken_engine(tmp_path, UNDEFINED)
    proc = _run(["rules", "test", "-q", "--engine", "python"], env, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.rstrip().endswith("RESULT: PASS")
    screened = _run(["screen", "examples/answers.json", "--format", "json"],
                    dict(env, SCREENER_ENGINE="python"), tmp_path)
    assert screened.returncode == 0, screened.stderr
    assert screened.stdout == _run(["screen", "examples/answers.json", "--format", "json"],
                                   dict(os.environ), tmp_path).stdout
    assert _run(["rules", "test", "-q", "--engine", "durable"], env, tmp_path).returncode == 3


@pytest.mark.slow  # starts the command in a child process
def test_a_wrong_engine_name_is_one_line(tmp_path):
    env = dict(os.environ, SCREENER_ENGINE="drools")
    proc = _run(["screen", "examples/answers.json"], env, tmp_path)
    assert proc.returncode == 3 and "Traceback" not in proc.stderr
    assert proc.stderr == ("screener: error: SCREENER_ENGINE='drools' is not an engine: "
                           "use durable or python\n")


def test_the_probe_imports_what_the_durable_engine_imports():
    """engine.check does not import engine.durable itself (see require_engine): it imports
    the durable modules that module imports, and this keeps the two lists in step."""
    import ast

    from screener.engine import durable
    from screener.engine.check import PROBED

    tree = ast.parse(Path(durable.__file__).read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            imported.update(f"{node.module}.{alias.name}" for alias in node.names)
    assert {name for name in imported if name.startswith("durable")} == set(PROBED)


def test_the_list_of_screening_commands_is_complete():
    """A new command must say whether it screens: this test lists the ones that do not."""
    parser = build_parser()
    not_screening = {"schema", "personas", "rules", "questionnaire"}
    for name in COMMANDS:
        if name in not_screening:
            continue
        args = SCREENING[name]
        args = [a.replace("{tmp}", "/tmp") for a in args]
        assert needs_engine(parser.parse_args(args)), name


@pytest.mark.slow  # starts the command in a child process
def test_under_uv_run_the_fix_is_uv_sync(tmp_path):
    """`uv run` sets UV; a venv pip made and uv now runs gets uv's one-line fix."""
    env = _broken_engine(tmp_path, UNDEFINED)
    env["UV"] = "uv"
    proc = _run(["screen", "examples/answers.json"], env, tmp_path)
    assert proc.returncode == 3
    if (__import__("pathlib").Path(sys.prefix).parent / "pyproject.toml").is_file():
        assert "uv sync --reinstall-package durable-rules --no-cache" in proc.stderr


def test_a_uv_tool_install_is_repaired_from_its_folder_never_by_a_name(tmp_path, monkeypatch):
    """The distribution is not on PyPI: the hint names the folder it was installed from
    (PEP 610), or says to run it in that folder."""
    from screener.engine import check

    tool_env = tmp_path / "tools" / "screener"  # no pyproject.toml beside it
    tool_env.mkdir(parents=True)
    (tool_env / "pyvenv.cfg").write_text("home = /usr\nuv = 0.5.0\n")
    monkeypatch.setattr(sys, "prefix", str(tool_env))
    monkeypatch.delenv("UV", raising=False)
    monkeypatch.setattr(check, "_installed_from", lambda: "/home/me/screener src")
    hint = " ".join(check.fix_commands())
    assert "uv tool install --reinstall --no-cache '/home/me/screener src'" in hint
    assert "nutrition-screener" not in hint
    monkeypatch.setattr(check, "_installed_from", lambda: None)
    hint = " ".join(check.fix_commands())
    assert "uv tool install --reinstall --no-cache ." in hint and "folder you installed" in hint
