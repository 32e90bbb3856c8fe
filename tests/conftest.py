"""Shared fixtures. durable-rules allows one registration per ruleset per process, so
the shipped ruleset is loaded once for the whole session (engine_for caches it)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import signal
from pathlib import Path

import pytest

from screener.ruleset.loading import DEFAULT_RULES_DIR, load_ruleset

ROOT = Path(__file__).resolve().parent.parent
FIXED_DAY = dt.date(2025, 6, 15)

# A suite started in the background (`pytest &`, nohup, some CI runners) inherits SIGINT
# ignored, and an ignored signal stays ignored across exec: the tests that press Ctrl-C
# in a child (pty, batch) would wait for an exit that never comes. A Python handler is
# reset to the default at exec, so with this every child starts with Ctrl-C working, as
# it does for a person at a terminal.
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


# ------------------------------------------------------------------- the slow tests

_SLOW_LEFT_OUT = pytest.StashKey[int]()  # how many slow tests this run left out

def pytest_addoption(parser):
    parser.addoption("--slow", action="store_true",
                     help="run the whole suite: also the tests marked slow (pseudo-terminals, "
                          "child processes, whole questionnaires typed through prompt_toolkit, "
                          "large property runs, the README sessions). CI and the README's "
                          "test command use it.")


def pytest_collection_modifyitems(config, items):
    """Without --slow, tests marked slow are left out: `uv run pytest` is the quick set
    for while you work. A marker expression (-m slow, -m "not slow") chooses instead, and
    a test file or test named on the command line always runs whole (asking for
    tests/test_terminal_pty.py means its pty tests)."""
    if config.getoption("--slow") or config.getoption("markexpr"):
        return
    named = {Path(arg.split("::")[0]).resolve() for arg in config.args}
    named = {path for path in named if path.is_file()}
    slow = [item for item in items
            if item.get_closest_marker("slow") and Path(str(item.path)).resolve() not in named]
    if slow:
        config.hook.pytest_deselected(items=slow)
        left_out = set(map(id, slow))
        items[:] = [item for item in items if id(item) not in left_out]
        config.stash[_SLOW_LEFT_OUT] = len(slow)


def pytest_terminal_summary(terminalreporter, config):
    left_out = config.stash.get(_SLOW_LEFT_OUT, 0)
    if left_out:
        terminalreporter.write_line(
            f"{left_out} slow test{'s' * (left_out != 1)} not run: `uv run pytest --slow` "
            "runs the whole suite (as CI does)")


@pytest.fixture(autouse=True)
def english_by_default(monkeypatch):
    """Every test starts in English whatever the machine's locale (the default language
    comes from LC_ALL / LC_MESSAGES / LANG), and leaves no language behind."""
    from screener import i18n

    for name in ("LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    i18n.set_language("en")
    yield
    i18n.set_language("en")


@pytest.fixture(scope="session")
def ruleset():
    return load_ruleset()


@pytest.fixture
def rules_copy(tmp_path):
    """A private copy of the shipped rules folder that a test may break."""
    target = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, target)
    return target


@pytest.fixture
def write_json(tmp_path):
    def write(data, name="answers.json"):
        path = tmp_path / name
        path.write_text(json.dumps(data, indent=2))
        return path
    return write
