"""Print render time per report format and the import cost of each format module.

    .venv/bin/python benchmarks/report_speed.py

Render time: median of N renders of one routine vignette (engine and ruleset warm).
Import cost: a fresh interpreter imports the format module and renders once; the figure
is wall time minus the same interpreter rendering plain text (so it counts jinja2,
reportlab, fhir.resources and the fonts, not pydantic or the engine).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VIGNETTE = ROOT / "tests" / "vignettes" / "office-worker-winter.json"
FORMATS = ("text", "json", "md", "html", "pdf", "fhir")
N = 30

CHILD = """
import json, sys, time
from screener.ruleset.loading import load_ruleset
from screener.screening import screen
from screener.reports import render
rs = load_ruleset(); r = screen(json.load(open(sys.argv[2]))["answers"], rs)
t = time.perf_counter(); render(r, rs, sys.argv[1], "clinician")
print((time.perf_counter() - t) * 1000)
"""


def main() -> None:
    from screener.reports import render
    from screener.ruleset.loading import load_ruleset
    from screener.screening import screen

    ruleset = load_ruleset()
    result = screen(json.loads(VIGNETTE.read_text())["answers"], ruleset)
    print(f"render time, median of {N} (clinician view, routine vignette):")
    for fmt in FORMATS:
        render(result, ruleset, fmt, "clinician")  # warm: imports, fonts, templates
        times = []
        for _ in range(N):
            start = time.perf_counter()
            output = render(result, ruleset, fmt, "clinician")
            times.append((time.perf_counter() - start) * 1000)
        print(f"  {fmt:5} {statistics.median(times):7.2f} ms   {len(output):7d} bytes")
    print("first render in a fresh process (imports included), median of 5:")
    for fmt in FORMATS:
        runs = [float(subprocess.run([sys.executable, "-c", CHILD, fmt, str(VIGNETTE)],
                                     capture_output=True, text=True, cwd=ROOT,
                                     check=True).stdout) for _ in range(5)]
        print(f"  {fmt:5} {statistics.median(runs):7.1f} ms")


if __name__ == "__main__":
    main()
