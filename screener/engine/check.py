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

from ..errors import EngineError

DURABLE = "durable-rules==2.0.28"
FLAG = "CPPFLAGS='-DPyEval_CallObject=PyObject_CallObject'"


#: What engine/durable.py imports of durable-rules (tests/test_engine_check.py keeps the
#: two in step): the modules require_engine imports.
PROBED = ("durable_rules_engine", "durable.engine")


def require_engine(kind: str | None = None) -> None:
    """Raise EngineError (one paragraph and the fix commands) if the durable engine is
    the one to use (``kind``, else engine.chosen_kind()) and it cannot load.

    It imports what engine/durable.py imports of durable-rules (PROBED, a few
    milliseconds, paid once: screening imports them anyway), not that module itself,
    which would load the rules' models before the first question (~200 ms)."""
    import importlib

    from . import chosen_kind

    if (kind or chosen_kind()) != "durable":
        return
    try:
        for module in PROBED:
            importlib.import_module(module)
    except ImportError as exc:
        raise EngineError(_message(exc)) from None


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
    elif made_by_uv:  # a `uv tool install` environment: from the folder it came from
        source = _installed_from()  # the distribution is not on PyPI: never its name
        where = shlex.quote(source) if source else "."
        commands.append(f"{FLAG} uv tool install --reinstall --no-cache {where}"
                        + ("" if source else "   (in the screener folder you installed from)"))
    if importlib.util.find_spec("pip") is not None or not commands:
        commands.append(f"{FLAG} {shlex.quote(sys.executable)} -m pip install "
                        f"--force-reinstall --no-cache-dir {DURABLE}")
    return commands


def _installed_from() -> str | None:
    """The local folder this installation was made from (PEP 610's direct_url.json)."""
    import json
    from importlib import metadata
    from urllib.parse import unquote, urlparse

    try:
        url = json.loads(metadata.distribution("nutrition-screener").read_text(
            "direct_url.json") or "{}").get("url", "")
    except (metadata.PackageNotFoundError, ValueError, AttributeError):
        return None
    parsed = urlparse(url) if isinstance(url, str) else None
    return unquote(parsed.path) if parsed and parsed.scheme == "file" else None


def _read(path) -> str:
    try:
        return path.read_text(errors="replace")
    except OSError:
        return ""
