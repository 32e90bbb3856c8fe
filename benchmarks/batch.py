"""Batch throughput and memory: `screener batch` on generated records, run as a user
runs it (a subprocess, start-up included), with 1 and 2 workers; records/s and the peak
RSS of the main process. Targets: >= 3,000 records/s with 1 worker, 1.8x that with 2;
peak RSS flat (within 1.2x) from 10,000 to 1,000,000 records.

    python benchmarks/batch.py                       # 100,000 records, 1 and 2 workers
    python benchmarks/batch.py --records 1000000 --workers 1   # the RSS check
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from common import machine, run_cli, write_generated


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--format", choices=["csv", "jsonl"], default="csv")
    parser.add_argument("--keep", metavar="DIR", help="work in DIR and keep the files")
    options = parser.parse_args()
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(options.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        source = folder / f"in-{options.records}.{options.format}"
        if not source.exists():
            write_generated(source, options.records)
        print(f"{options.records:,} generated records ({options.format}, "
              f"{source.stat().st_size / 1e6:.0f} MB)")
        base = None
        for workers in options.workers:
            output = folder / f"out-{workers}.{options.format}"
            wall, rss_kib = run_cli(["batch", str(source), "-o", str(output), "--workers",
                                     str(workers), "--force", "--today", "2025-06-01"])
            rate = options.records / wall
            base = base or rate
            print(f"workers {workers}: {wall:7.1f} s  {rate:8,.0f} records/s "
                  f"({rate / base:.2f}x)  peak RSS of main process {rss_kib / 1024:6.1f} MB")


if __name__ == "__main__":
    main()
