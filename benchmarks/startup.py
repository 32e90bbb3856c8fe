"""Start-up time of `screener --help` and `screener --version` (median of 20 runs),
against a bare interpreter. Target: within 2x a bare interpreter (median)."""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

from common import machine, median


def timed(args: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
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
