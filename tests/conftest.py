"""Shared fixtures. durable-rules allows one registration per ruleset per process, so
the shipped ruleset is loaded once for the whole session (engine_for caches it)."""

from __future__ import annotations

import datetime as dt
import json
import os
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

_LEFT_OUT = pytest.StashKey[tuple[int, int]]()  # slow tests, sampled cases this run left out
_WHOLE_SUITE = False  # set by pytest_configure: every test, every case, every example


def pytest_addoption(parser):
    parser.addoption("--slow", action="store_true",
                     help="run the whole suite: also the tests marked slow (pseudo-terminals, "
                          "child processes, whole questionnaires typed through prompt_toolkit, "
                          "large property runs, the README sessions), every case of the tests "
                          "marked quick_sample and every hypothesis example. CI and the README's "
                          "test command use it.")


def _named_files(config) -> set[Path]:
    named = {Path(arg.split("::")[0]).resolve() for arg in config.args}
    return {path for path in named if path.is_file()}


def _whole_suite(config) -> bool:
    return bool(config.getoption("--slow") or config.getoption("markexpr")
                or _named_files(config))


def pytest_configure(config):
    """The quick set is decided here, before the test modules are imported, so that
    `examples()` in their hypothesis settings can read it."""
    global _WHOLE_SUITE
    _WHOLE_SUITE = _whole_suite(config)
    # the tests load and lint many copies of the rules folder that differ in one file:
    # each unchanged file is parsed once per test process (yaml_cache.parse_once)
    from screener.ruleset.yaml_cache import keep_parsed_files

    keep_parsed_files()


#: processes running the quick set (pytest-xdist): these machines have two cores
QUICK_SET_WORKERS = 2


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config):
    """The quick set runs on QUICK_SET_WORKERS processes. Not when -n is given (-n 0: one
    process), nor for the whole suite (--slow, as CI runs it, a marker expression or a
    test file named: one process, as always), --pdb, --collect-only, one core, or in a
    worker (its -n is cleared)."""
    if (not config.pluginmanager.hasplugin("xdist") or hasattr(config, "workerinput")
            or config.getoption("numprocesses") is not None or _whole_suite(config)
            or config.getoption("usepdb") or config.getoption("collectonly")
            or (os.cpu_count() or 1) < QUICK_SET_WORKERS):
        return
    config.option.numprocesses = QUICK_SET_WORKERS


def examples(whole: int) -> int:
    """Hypothesis max_examples: `whole` in the whole suite (--slow, a marker expression
    or a test file named on the command line), a tenth (at least 20) in the quick set.
    The quick run still tries every property; the whole suite gives each its full run."""
    return whole if _WHOLE_SUITE else max(20, whole // 10)


def _sampled_out(items) -> list:
    """The cases of a test marked quick_sample(n) beyond n, evenly spread from the first
    to the last case (parametrize ids are stable, so the quick set is the same each run)."""
    groups: dict[tuple, list] = {}
    for item in items:
        if item.get_closest_marker("quick_sample"):
            groups.setdefault((item.path, getattr(item.cls, "__name__", None),
                               item.originalname), []).append(item)
    left_out = []
    for cases in groups.values():
        wanted = cases[0].get_closest_marker("quick_sample").args[0]
        if len(cases) <= wanted:
            continue
        keep = {round(i * (len(cases) - 1) / max(wanted - 1, 1)) for i in range(wanted)}
        left_out += [case for index, case in enumerate(cases) if index not in keep]
    return left_out


def pytest_collection_modifyitems(config, items):
    """Without --slow, tests marked slow are left out and tests marked quick_sample(n) run
    n of their cases: `uv run pytest` is the quick set for while you work. A marker
    expression (-m slow, -m "not slow") chooses instead, and a test file or test named on
    the command line always runs whole (asking for tests/test_terminal_pty.py means its
    pty tests)."""
    if config.getoption("--slow") or config.getoption("markexpr"):
        return
    named = _named_files(config)
    items_here = [item for item in items if Path(str(item.path)).resolve() not in named]
    slow = [item for item in items_here if item.get_closest_marker("slow")]
    sampled = _sampled_out([item for item in items_here if not item.get_closest_marker("slow")])
    if slow or sampled:
        config.hook.pytest_deselected(items=slow + sampled)
        left_out = set(map(id, slow + sampled))
        items[:] = [item for item in items if id(item) not in left_out]
        config.stash[_LEFT_OUT] = (len(slow), len(sampled))
        if hasattr(config, "workeroutput"):  # an xdist worker: for the summary
            config.workeroutput["left_out"] = (len(slow), len(sampled))


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """Under pytest-xdist the workers collect, each the same tests: any of them tells
    what the quick set left out."""
    left_out = getattr(node, "workeroutput", {}).get("left_out")
    if left_out:
        node.config.stash[_LEFT_OUT] = tuple(left_out)


def pytest_terminal_summary(terminalreporter, config):
    slow, sampled = config.stash.get(_LEFT_OUT, (0, 0))
    left_out = []
    if slow:
        left_out.append(f"{slow} slow test{'s' * (slow != 1)}")
    if sampled:
        left_out.append(f"{sampled} case{'s' * (sampled != 1)} of quick_sample tests")
    if not _WHOLE_SUITE:
        left_out.append("nine tenths of the hypothesis examples")
    if slow or sampled:
        terminalreporter.write_line(f"{', '.join(left_out)} not run: `uv run pytest --slow` "
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
