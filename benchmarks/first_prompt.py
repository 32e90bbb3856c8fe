"""Time to first prompt: `screener run` spawned in a pseudo-terminal until the first
question text appears, median of N runs; compared with a bare interpreter that only
imports questionary + pydantic + durable (the floor the engineering notes measured).

    .venv/bin/python benchmarks/first_prompt.py [N]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pexpect

BIN = Path(sys.executable).parent
FIRST_QUESTION = "Do you have any of these right now?"
BARE = "import questionary, pydantic, durable.lang"


def first_prompt_seconds(home: str) -> float:
    env = dict(os.environ, SCREENER_HOME=home, TERM="xterm", PROMPT_TOOLKIT_NO_CPR="1")
    start = time.perf_counter()
    child = pexpect.spawn(str(BIN / "screener"), ["run", "--fresh"], env=env,
                          encoding="utf-8", timeout=30, dimensions=(40, 120))
    child.expect_exact(FIRST_QUESTION)
    elapsed = time.perf_counter() - start
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    return elapsed


def bare_import_seconds() -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", BARE], check=True)
    return time.perf_counter() - start


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    with tempfile.TemporaryDirectory() as home:
        first_prompt_seconds(home)  # warm the OS file cache and .pyc files
        prompt = statistics.median(first_prompt_seconds(home) for _ in range(runs))
    bare_import_seconds()
    bare = statistics.median(bare_import_seconds() for _ in range(runs))
    print(f"time to first prompt (screener run in a pty), median of {runs}: {prompt * 1000:.0f} ms")
    print(f"bare `python -c '{BARE}'`, median of {runs}: {bare * 1000:.0f} ms")
    print(f"ratio first prompt / bare imports: {prompt / bare:.2f}")


if __name__ == "__main__":
    main()
