"""In-process time per screening over generated answer sets, split into validation,
engine (computed inputs + the layered durable engine) and result building (evidence
trail and Result model), median and p99. Target: median under 1 ms in total."""

from __future__ import annotations

import argparse
import time

from common import machine, median, percentile


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    options = parser.parse_args()

    from screener.answers import validate_answers
    from screener.authoring.generate import answer_sets
    from screener.loading import load_ruleset
    from screener.screening import build_result, initial_facts, run_engine, screen

    ruleset = load_ruleset()
    sets = answer_sets(ruleset, options.records, seed=options.seed)
    for answers in sets[:200]:  # warm up: engine registration, pydantic model, caches
        screen(answers, ruleset)
    clock = time.perf_counter
    parts: dict[str, list[float]] = {"validation": [], "engine": [], "result": [], "total": []}
    for raw in sets:
        t0 = clock()
        answers = validate_answers(raw, ruleset)
        t1 = clock()
        facts = initial_facts(answers, ruleset)
        fired = run_engine(facts, ruleset)
        t2 = clock()
        build_result(answers, facts, fired, ruleset)
        t3 = clock()
        for name, value in (("validation", t1 - t0), ("engine", t2 - t1), ("result", t3 - t2),
                            ("total", t3 - t0)):
            parts[name].append(value * 1000)
    print(f"machine: {machine()}")
    print(f"{options.records:,} generated answer sets (seed {options.seed}), ms per screening")
    print(f"{'part':<12} {'median':>8} {'p99':>8} {'mean':>8}")
    for name, values in parts.items():
        print(f"{name:<12} {median(values):8.3f} {percentile(values, 99):8.3f} "
              f"{sum(values) / len(values):8.3f}")


if __name__ == "__main__":
    main()
