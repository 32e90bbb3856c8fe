"""Is the rule engine usable? Checked before a command asks or screens anything.

durable-rules is a C extension compiled on install. On Python 3.13 a build without the
``PyEval_CallObject`` define installs fine and fails only at import time, which used to
surface as a traceback after the person had answered every question. Importing the
compiled module costs under a millisecond, so every command that screens with it checks
it first and, when it fails, says what happened and the exact commands that fix it
(exit 3). A command run with the Python engine (``rules test --engine python``, or
``SCREENER_ENGINE=python``, see engine.py) does not need durable-rules and is not stopped.
"""

from __future__ import annotations

import os
import shlex
import sys

from .errors import EngineError

DURABLE = "durable-rules==2.0.28"
FLAG = "CPPFLAGS='-DPyEval_CallObject=PyObject_CallObject'"


#: What durable_engine.py imports of durable-rules (tests/test_engine_check.py keeps the
#: two in step): the modules the probe imports.
PROBED = ("durable_rules_engine", "durable.engine")


def require_engine(kind: str | None = None) -> None:
    """Raise EngineError (one paragraph and the fix commands) if the durable engine is
    the one to use (``kind``, else engine.chosen_kind()) and it cannot load.

    The import is tried in a child interpreter (~20 ms): importing the compiled engine
    early in this process, before the rules are loaded, made its later
    ``create_ruleset`` fail ("error code: 102") in some runs, so this process imports it
    only where it always did, in durable_engine.py when the first screening starts. The
    child imports what that module imports (PROBED), not the module itself, which
    would cost the rules' models too (~200 ms)."""
    import subprocess

    from .engine import chosen_kind

    if (kind or chosen_kind()) != "durable":
        return
    probe = (f"try:\n import {', '.join(PROBED)}\n"
             "except ImportError as e:\n import sys; sys.stderr.write(repr(e)); sys.exit(3)")
    try:
        proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                              timeout=60, env=_probe_env())
    except (OSError, subprocess.SubprocessError):
        return  # cannot tell: the engine's own import will say what is wrong
    if proc.returncode == 3:
        raise EngineError(_message(_as_import_error(proc.stderr)))


def _probe_env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)  # see what we see
    return env


def _as_import_error(text: str) -> ImportError:
    """The child's ``repr(ImportError(...))`` back as an exception (for the message)."""
    kind = ModuleNotFoundError if text.startswith("ModuleNotFoundError") else ImportError
    detail = text.split("(", 1)[1].rsplit(")", 1)[0] if "(" in text else text
    return kind(detail.strip().strip("'\""))


def _message(exc: ImportError) -> str:
    version = ".".join(map(str, sys.version_info[:3]))
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if "PyEval_CallObject" in detail:
        what = (f"the rule engine cannot be loaded, so nothing was asked or screened: "
                f"durable-rules is installed for Python {version} but was built without "
                f"the flag Python 3.13 needs ({detail}). Rebuild it once with one of these "
                f"commands, then run screener again:")
    elif isinstance(exc, ModuleNotFoundError):
        what = (f"the rule engine is not installed for Python {version}, so nothing was "
                f"asked or screened ({detail}). Install it with one of these commands "
                f"(it compiles from source: a C compiler and the Python headers are "
                f"needed), then run screener again:")
    else:
        what = (f"the rule engine cannot be loaded for Python {version}, so nothing was "
                f"asked or screened ({detail}). Rebuild it with one of these commands "
                f"(it compiles from source: a C compiler and the Python headers are "
                f"needed), then run screener again:")
    lines = [what] + ["  " + command for command in fix_commands()]
    lines.append("(the CPPFLAGS define is what Python 3.13 needs; it is harmless on 3.11 and 3.12)")
    return "\n".join(lines)


def fix_commands() -> list[str]:
    """The commands that rebuild durable-rules for the environment running this code."""
    import importlib.util
    from pathlib import Path

    prefix = Path(sys.prefix)
    # made by uv, or run by `uv run` (which sets UV) in a venv pip made
    made_by_uv = "uv = " in _read(prefix / "pyvenv.cfg") or bool(os.environ.get("UV"))
    project = prefix.parent
    commands = []
    if made_by_uv and (project / "pyproject.toml").is_file():
        commands.append(f"cd {shlex.quote(str(project))} && "
                        "uv sync --reinstall-package durable-rules --no-cache")
    elif made_by_uv:  # a `uv tool install` environment
        commands.append(f"{FLAG} uv tool install --reinstall --no-cache nutrition-screener"
                        "   (or the screener folder instead of the name)")
    if importlib.util.find_spec("pip") is not None or not commands:
        commands.append(f"{FLAG} {shlex.quote(sys.executable)} -m pip install "
                        f"--force-reinstall --no-cache-dir {DURABLE}")
    return commands


def _read(path) -> str:
    try:
        return path.read_text(errors="replace")
    except OSError:
        return ""
