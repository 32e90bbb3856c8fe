"""How long `explain` takes, near-miss search included (it re-screens once per try).

Run: .venv/bin/python benchmarks/explain_near_misses.py
"""

import random
import statistics
import time

from screener.answers import validate_answers
from screener.authoring.generate import random_answers
from screener.explain import explain
from screener.personas import load_personas, persona_answers
from screener.ruleset.loading import load_ruleset


def timed(answers, ruleset, repeat=5):
    times, expl = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        expl = explain(answers, ruleset)
        times.append(time.perf_counter() - start)
    return statistics.median(times), expl


def main():
    ruleset = load_ruleset()
    explain(validate_answers({}, ruleset), ruleset)  # warm up: registers the engine
    cases = {f"persona {p.id}": persona_answers(p, ruleset)
             for p in list(load_personas(None, ruleset).values())[:3]}
    cases["empty answers {}"] = validate_answers({}, ruleset)
    rng = random.Random(7)
    for i in range(3):
        cases[f"random (skip rate 0.3) #{i + 1}"] = validate_answers(
            random_answers(ruleset, rng, skip_rate=0.3, red_flag_rate=0), ruleset)
    print(f"{'case':<36} {'tries':>5} {'near misses':>11} {'median ms':>9}")
    for name, answers in cases.items():
        seconds, expl = timed(answers, ruleset)
        print(f"{name:<36} {expl.tries:>5} {len(expl.near_misses):>11} {seconds * 1000:>9.1f}")


if __name__ == "__main__":
    main()
