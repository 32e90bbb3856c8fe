"""How long the demo's running log costs: one re-screen of the answers so far per answer.

Prints, for every persona, the number of screens, the mean and worst re-screen time (ms)
and the whole unattended play at --speed 0 (in process, output discarded).
Run: python benchmarks/demo_log.py
"""

from __future__ import annotations

import io
import time

from screener.personas import load_personas
from screener.ruleset.loading import load_ruleset
from screener.terminal.demo import DemoAsker, Log, Pacer, play


def main() -> None:
    ruleset = load_ruleset()
    personas = load_personas(None, ruleset)
    timings: list[float] = []
    real_update = Log.update

    def timed(self, answers):
        start = time.perf_counter()
        try:
            return real_update(self, answers)
        finally:
            timings.append(time.perf_counter() - start)

    Log.update = timed
    play(next(iter(personas.values())), ruleset,  # warm up: engine registration
         DemoAsker({}, Pacer(auto=True, speed=0), stdout=io.StringIO()))
    print(f"{'persona':<24} {'screens':>7} {'mean ms':>8} {'max ms':>7} {'play ms':>8}")
    for persona in personas.values():
        timings.clear()
        asker = DemoAsker(persona.answers, Pacer(auto=True, speed=0), stdout=io.StringIO())
        start = time.perf_counter()
        play(persona, ruleset, asker)
        total = (time.perf_counter() - start) * 1000
        print(f"{persona.id:<24} {asker.screens:>7} {sum(timings) / len(timings) * 1000:>8.2f} "
              f"{max(timings) * 1000:>7.2f} {total:>8.1f}")


if __name__ == "__main__":
    main()
