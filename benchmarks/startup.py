"""Start-up time of `screener --help` and `screener --version` (median of 20 runs),
against a bare interpreter. Target: within 2x a bare interpreter (median).

Measured as a user runs it: with the bytecode cache. An environment that sets
PYTHONDONTWRITEBYTECODE (some sandboxes and CI images do) would make every run compile
the command modules again (~15 ms here), so it is unset for the runs, after one warm-up
run of each command writes the cache."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

from common import machine, median

ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(args: list[str], runs: int) -> float:
    times = []
    subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True,
                   env=ENV)  # warm-up: writes the bytecode cache
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True,
                       env=ENV)
        times.append(time.perf_counter() - start)
    return median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    runs = parser.parse_args().runs
    print(f"machine: {machine()}")
    script = Path(sys.executable).with_name("screener")  # the installed console script
    command = [str(script)] if script.exists() else [sys.executable, "-m", "screener"]
    for label, args in [("bare interpreter (python -c pass)", [sys.executable, "-c", "pass"]),
                        ("screener --help", [*command, "--help"]),
                        ("screener --version", [*command, "--version"])]:
        print(f"{label:<36} median {timed(args, runs):6.1f} ms over {runs} runs")


if __name__ == "__main__":
    main()
