"""Batch throughput and memory: `screener batch` on generated records, run as a user
runs it (a subprocess, start-up included), with 1 and 2 workers; records/s and the peak
RSS of the main process. Targets: >= 3,000 records/s with 1 worker, 1.8x that with 2;
peak RSS flat (within 10 %) from 10,000 to 1,000,000 records.

    python benchmarks/batch.py                       # 100,000 records, 1 and 2 workers
    python benchmarks/batch.py --memory-sizes 10000,100000,1000000   # the RSS check
    python benchmarks/batch.py --memory-sizes 10000,1000000 --keep /tmp/bench  # reuse inputs

--memory-sizes runs one batch per size (with the first --workers, default 1 in this
mode) and prints, per size: records, seconds, records/s and the peak RSS (VmHWM) of the
screener process; then the largest peak over the smallest (the target: at most 1.10).
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from common import machine, run_cli, write_generated


def sizes(text: str) -> list[int]:
    values = [int(part.replace("_", "")) for part in text.split(",") if part.strip()]
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(
            "give record counts separated by commas, e.g. 10000,100000")
    return values


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--workers", type=int, nargs="+", default=None,
                        help="default: 1 and 2 (1 with --memory-sizes)")
    parser.add_argument("--format", choices=["csv", "jsonl"], default="csv")
    parser.add_argument("--memory-sizes", type=sizes, metavar="N,N,...",
                        help="one run per size: records, seconds, records/s, peak RSS")
    parser.add_argument("--keep", metavar="DIR", help="work in DIR and keep the files")
    parser.add_argument("--rule-engine", choices=["durable", "python"],
                        help="the engine the runs screen with (SCREENER_ENGINE; default: "
                             "the product's, durable)")
    options = parser.parse_args()
    if options.rule_engine:  # the child screener inherits it
        os.environ["SCREENER_ENGINE"] = options.rule_engine
    print(f"machine: {machine()}")
    print(f"rule engine: {os.environ.get('SCREENER_ENGINE') or 'durable (default)'}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(options.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        if options.memory_sizes:
            memory(folder, options.memory_sizes, (options.workers or [1])[0], options.format)
        else:
            throughput(folder, options.records, options.workers or [1, 2], options.format)


def generated(folder: Path, records: int, fmt: str) -> Path:
    source = folder / f"in-{records}.{fmt}"
    if not source.exists():
        write_generated(source, records)
    print(f"{records:,} generated records ({fmt}, {source.stat().st_size / 1e6:.0f} MB)",
          flush=True)
    return source


def batch(source: Path, output: Path, workers: int) -> tuple[float, int]:
    return run_cli(["batch", str(source), "-o", str(output), "--workers", str(workers),
                    "--force", "--today", "2025-06-01"])


def throughput(folder: Path, records: int, workers_list: list[int], fmt: str) -> None:
    source = generated(folder, records, fmt)
    base = None
    for workers in workers_list:
        wall, rss_kib = batch(source, folder / f"out-{workers}.{fmt}", workers)
        rate = records / wall
        base = base or rate
        print(f"workers {workers}: {wall:7.1f} s  {rate:8,.0f} records/s "
              f"({rate / base:.2f}x)  peak RSS of main process {rss_kib / 1024:6.1f} MB")


def memory(folder: Path, sizes_: list[int], workers: int, fmt: str) -> None:
    peaks = []
    for records in sizes_:
        source = generated(folder, records, fmt)
        output = folder / f"out-{records}-{workers}.{fmt}"
        wall, rss_kib = batch(source, output, workers)
        peaks.append(rss_kib)
        print(f"records {records:>10,}  {wall:8.1f} s  {records / wall:8,.0f} records/s  "
              f"peak RSS {rss_kib / 1024:6.1f} MB  (workers {workers})", flush=True)
        output.unlink(missing_ok=True)
        output.with_name(f"{output.stem}.errors{output.suffix}").unlink(missing_ok=True)
    if len(peaks) > 1:
        ratio = max(peaks) / min(peaks)
        print(f"peak RSS largest/smallest: {ratio:.3f} "
              f"({'within' if ratio <= 1.10 else 'OVER'} the 10 % target)")


if __name__ == "__main__":
    main()
