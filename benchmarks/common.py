"""Shared helpers for the benchmark scripts (plain scripts: they print figures)."""

from __future__ import annotations

import os
import platform
import random
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def median(values: list[float]) -> float:
    return statistics.median(values)


def screener_command() -> list[str]:
    """The installed console script next to this interpreter, else python -m screener."""
    script = Path(sys.executable).with_name("screener")
    return [str(script)] if script.exists() else [sys.executable, "-m", "screener"]


def write_generated(path: Path, count: int, seed: int = 0, block: int = 10_000) -> Path:
    """A batch input of ``count`` generated valid records, written block by block so a
    million records never sit in memory at once."""
    from screener.batch import format_of, write_input
    from screener.generate import random_answers
    from screener.loading import load_ruleset

    ruleset = load_ruleset()
    rng = random.Random(seed)
    tmp = path.with_name(path.name + ".block" + path.suffix)
    with open(path, "w", encoding="utf-8") as out:
        for start in range(0, count, block):
            sets = [random_answers(ruleset, rng) for _ in range(min(block, count - start))]
            write_input(tmp, sets, ruleset)
            text = tmp.read_text(encoding="utf-8")
            if format_of(path, "input") == "csv" and start:
                text = text.split("\n", 1)[1]  # one header only
            out.write(text)
    tmp.unlink()
    return path


def run_timed(args: list[str]) -> tuple[float, int, subprocess.CompletedProcess | None]:
    """Run a command; (wall seconds, peak RSS in KiB of the process, ...)."""
    import time

    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode:
        raise SystemExit(f"{' '.join(args)} failed ({proc.returncode}): {err}")
    return wall, usage.ru_maxrss, None
