"""Time to first prompt: `screener run` spawned in a pseudo-terminal until the first
question text appears, against a bare interpreter that only imports questionary,
pydantic and durable (the floor the engineering notes measured), spawned the same way
(a pty, same environment) until it prints a marker.

Both are warmed up once (OS file cache, .pyc files), then run
alternately so that load from other work hits both alike; medians are printed.

    .venv/bin/python benchmarks/first_prompt.py [N]      # N runs each, default 21
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

try:
    import pexpect
except ImportError:
    raise SystemExit("first_prompt.py needs pexpect, one of the test tools: run it with "
                     "`uv run python benchmarks/first_prompt.py`, or install them with "
                     "`.venv/bin/pip install -e '.[test]'`") from None

BIN = Path(sys.executable).parent
FIRST_QUESTION = "Do you have any of these right now?"
BARE = "import questionary, pydantic, durable.lang; print('imported')"


def seconds_until(args: list[str], marker: str, home: str) -> float:
    env = dict(os.environ, SCREENER_HOME=home, TERM="xterm", PROMPT_TOOLKIT_NO_CPR="1")
    start = time.perf_counter()
    child = pexpect.spawn(args[0], args[1:], env=env, encoding="utf-8", timeout=30,
                          dimensions=(40, 120))
    child.expect_exact(marker)
    elapsed = time.perf_counter() - start
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    return elapsed


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 21
    screener = ([str(BIN / "screener"), "run", "--fresh"], FIRST_QUESTION)
    bare = ([sys.executable, "-c", BARE], "imported")
    prompt, floor = [], []
    with tempfile.TemporaryDirectory() as home:
        seconds_until(*screener, home)  # warm-up (OS file cache, .pyc files)
        seconds_until(*bare, home)
        for _ in range(runs):
            prompt.append(seconds_until(*screener, home))
            floor.append(seconds_until(*bare, home))
    p, b = statistics.median(prompt), statistics.median(floor)
    print(f"time to first prompt (screener run in a pty), median of {runs}: {p * 1000:.0f} ms")
    print(f"bare `python -c \"{BARE}\"` in a pty, median of {runs}: {b * 1000:.0f} ms")
    print(f"ratio first prompt / bare imports: {p / b:.2f}")


if __name__ == "__main__":
    main()
