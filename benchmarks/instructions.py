"""Instructions per screening, counted by valgrind's callgrind: a figure that does not
move when other work shares the machine (timings do), so two versions of the code can
be compared on a busy machine. Only the screening loop is counted: valgrind starts with
instrumentation off, and it is switched on after imports, rule loading and warm-up.

    python benchmarks/instructions.py                 # summary (a batch row) and screen
    python benchmarks/instructions.py --records 100 --mode summary

Needs valgrind (Debian: apt-get install valgrind). Instructions are not time (a memset
runs many per cycle, the interpreter few), so compare versions, not machines.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MODES = ("validate", "summary", "screen")


def child(mode: str, records: int, ready: Path) -> None:
    """Runs under valgrind: warm up, say ready, wait, screen, say done, wait."""
    from screener.answers import validate_answers
    from screener.authoring.generate import answer_sets
    from screener.ruleset.loading import load_ruleset
    from screener.screening import screen, triage_summary

    ruleset = load_ruleset()
    raw = answer_sets(ruleset, 100 + records, seed=3)
    validated = [validate_answers(answers, ruleset) for answers in raw]
    for answers in validated[:100]:
        screen(answers, ruleset)
        triage_summary(answers, ruleset)
    ready.write_text("ready")
    sys.stdin.readline()
    for answers, checked in zip(raw[100:], validated[100:], strict=True):
        if mode == "validate":
            validate_answers(answers, ruleset)
        elif mode == "summary":
            triage_summary(checked, ruleset)
        else:
            screen(checked, ruleset)
    print("done", flush=True)
    sys.stdin.readline()
    os._exit(0)  # no interpreter teardown in the count


def count(mode: str, records: int) -> int:
    with tempfile.TemporaryDirectory() as work:
        ready, out = Path(work) / "ready", Path(work) / "callgrind.out"
        proc = subprocess.Popen(
            ["valgrind", "--tool=callgrind", "--instr-atstart=no",
             f"--callgrind-out-file={out}", sys.executable, __file__, "--child", mode,
             "--records", str(records), "--ready", str(ready)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        while not ready.exists():
            if proc.poll() is not None:
                raise SystemExit(f"the {mode} run under valgrind stopped early")
            time.sleep(0.5)
        control = ["callgrind_control", "-i"]
        subprocess.run(control + ["on", str(proc.pid)], check=True, capture_output=True)
        proc.stdin.write("go\n")
        proc.stdin.flush()
        proc.stdout.readline()  # "done"
        subprocess.run(control + ["off", str(proc.pid)], check=True, capture_output=True)
        proc.stdin.write("stop\n")
        proc.stdin.flush()
        proc.wait()
        text = "".join(p.read_text() for p in Path(work).glob("callgrind.out*"))
        totals = [int(n) for n in re.findall(r"^(?:summary|totals): (\d+)", text, re.M)]
        return max(totals, default=0) // records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=200)
    parser.add_argument("--mode", choices=MODES, action="append")
    parser.add_argument("--child", choices=MODES, help=argparse.SUPPRESS)
    parser.add_argument("--ready", type=Path, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        child(options.child, options.records, options.ready)
        return
    for mode in options.mode or ["summary", "screen"]:
        print(f"{mode:<9} {count(mode, options.records):>12,} instructions per record "
              f"({options.records} generated answer sets)", flush=True)


if __name__ == "__main__":
    main()
