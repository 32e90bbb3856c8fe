"""Before and after in the same run: this working tree against another revision,
interleaved round by round so that a burst of load on a shared machine hits both
alike; medians printed. Per screening (each version's own engine.py, durable) and
`screener batch` (child processes, start-up included) with each rule engine and 1 and 2
workers. The other revision runs from a git worktree with this environment's packages
(PYTHONPATH), so both read the same generated input.

    python benchmarks/versus.py --base ea53642 --records 100000 --rounds 2
"""

from __future__ import annotations

import argparse
import filecmp
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import _MEASURED, machine, write_generated

HERE = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", required=True, help="the revision to compare with")
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--sets", type=int, default=2_000, help="answer sets per screening run")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--engines", nargs="+", default=["durable", "python"])
    options = parser.parse_args()
    print(f"machine: {machine()}; load {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        base = folder / "base"
        subprocess.run(["git", "-C", str(HERE), "worktree", "add", "--detach", str(base),
                        options.base], check=True, capture_output=True)
        try:
            compare(folder, {"base": base, "this": HERE}, options)
        finally:
            subprocess.run(["git", "-C", str(HERE), "worktree", "remove", "--force", str(base)],
                           capture_output=True)


def compare(folder: Path, trees: dict[str, Path], options) -> None:
    source = folder / "in.csv"
    write_generated(source, options.records)
    per_screening: dict[str, list[float]] = {}
    rates: dict[tuple, list[tuple[float, float]]] = {}
    for round_ in range(1, options.rounds + 1):
        for name, tree in trees.items():
            per_screening.setdefault(name, []).append(screening_ms(tree, options.sets))
        for engine in options.engines:
            for workers in (1, 2):
                for name, tree in trees.items():
                    output = folder / f"{name}-{engine}-{workers}.csv"
                    rate, rss = batch(tree, source, output, engine, workers, options.records)
                    rates.setdefault((name, engine, workers), []).append((rate, rss))
        print(f"round {round_} done; load {os.getloadavg()[0]:.2f}", flush=True)
    print(f"\nper screening, durable, median ms of {options.sets:,} sets, median of rounds")
    for name in trees:
        print(f"  {name:5} {statistics.median(per_screening[name]):.3f} ms")
    print(f"\nbatch, {options.records:,} generated CSV records, median of rounds")
    for engine in options.engines:
        for name in trees:
            one, two = (statistics.median(r for r, _ in rates[(name, engine, w)]) for w in (1, 2))
            rss = statistics.median(m for _, m in rates[(name, engine, 1)])
            print(f"  {engine:8} {name:5} 1 worker {one:7,.0f}/s  2 workers {two:7,.0f}/s "
                  f"({two / one:.2f}x)  peak RSS, 1 worker {rss:.1f} MB")
    for name in trees:  # any engine, any number of workers: the same bytes
        outputs = sorted(p for p in folder.glob(f"{name}-*-*.csv") if ".errors" not in p.name)
        same = all(filecmp.cmp(outputs[0], other, shallow=False) for other in outputs[1:])
        print(f"{name}: every output byte-identical: {same}")
    rows = [without_hash(folder / f"{name}-{options.engines[0]}-1.csv") for name in trees]
    print(f"base and this give the same rows (the rules' hash column aside): {rows[0] == rows[1]}")


def without_hash(path: Path) -> list[list[str]]:
    import csv

    with open(path, newline="", encoding="utf-8") as handle:
        table = list(csv.reader(handle))
    column = table[0].index("ruleset_hash")
    return [row[:column] + row[column + 1:] for row in table]


def _env(tree: Path, engine: str = "durable") -> dict[str, str]:
    env = dict(os.environ, SCREENER_ENGINE=engine, PYTHONPATH=str(tree))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def screening_ms(tree: Path, sets: int) -> float:
    proc = subprocess.run([sys.executable, str(tree / "benchmarks" / "engine.py"), "--records",
                           str(sets)], env=_env(tree), capture_output=True, text=True,
                          check=True, cwd=tree)
    totals = [line.split() for line in proc.stdout.splitlines()
              if line.split()[:1] == ["total"]]
    return float(totals[0][1])  # the first engine printed: durable


def batch(tree: Path, source: Path, output: Path, engine: str, workers: int,
          records: int) -> tuple[float, float]:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", _MEASURED, "batch", str(source), "-o",
                           str(output), "--workers", str(workers), "--force", "--today",
                           "2025-06-01"], env=_env(tree, engine), cwd=output.parent,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    if proc.returncode:
        raise SystemExit(f"{tree}: batch failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return records / wall, int(proc.stderr.strip().splitlines()[-1].split()[1]) / 1024


if __name__ == "__main__":
    main()
