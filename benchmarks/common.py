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


#: runs the CLI in a child and reports its own peak RSS (VmHWM) on the last stderr line.
#: ru_maxrss from wait4 is not used: Linux carries the forked parent's peak across exec.
_MEASURED = ("import re, sys\n"
             "from screener.cli import main\n"
             "code = main(sys.argv[1:])\n"
             "hwm = re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1)\n"
             "print('VmHWM', hwm, file=sys.stderr)\n"
             "sys.exit(code)\n")


def write_generated(path: Path, count: int, seed: int = 0, block: int = 10_000) -> Path:
    """A batch input of ``count`` generated valid records, written block by block so a
    million records never sit in memory at once."""
    from screener.authoring.generate import random_answers
    from screener.batch import format_of, write_input
    from screener.ruleset.loading import load_ruleset

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


def run_cli(args: list[str]) -> tuple[float, int]:
    """Run `screener ARGS` in a child; (wall seconds, peak RSS of that process in KiB)."""
    import time

    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", _MEASURED, *args], stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    if proc.returncode:
        raise SystemExit(f"screener {' '.join(args)} failed ({proc.returncode}): {proc.stderr}")
    return wall, int(proc.stderr.strip().splitlines()[-1].split()[1])
