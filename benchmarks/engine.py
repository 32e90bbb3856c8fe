"""In-process time per screening over generated answer sets, split into validation,
engine (computed inputs + the layered rule engine) and result building (evidence
trail and Result model), median and p99, for each rule engine (durable, the product's,
and the generated Python evaluator), interleaved set by set so that both see the same
machine. Target: median under 1 ms in total with durable."""

from __future__ import annotations

import argparse
import time

from common import machine, median, percentile


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--engines", nargs="+", choices=["durable", "python"],
                        default=["durable", "python"])
    options = parser.parse_args()

    from screener.answers import validate_answers
    from screener.authoring.generate import answer_sets
    from screener.engine import using
    from screener.evidence import build_result
    from screener.ruleset.loading import load_ruleset
    from screener.screening import initial_facts, run_engine, screen

    ruleset = load_ruleset()
    sets = answer_sets(ruleset, options.records, seed=options.seed)
    kinds = options.engines
    for kind in kinds:
        with using(kind):
            for answers in sets[:200]:  # warm up: engine registration, model, caches
                screen(answers, ruleset)
    clock = time.perf_counter
    parts = {kind: {"validation": [], "engine": [], "result": [], "total": []} for kind in kinds}
    for raw in sets:
        for kind in kinds:  # interleaved: a burst of load hits both engines alike
            with using(kind):
                t0 = clock()
                answers = validate_answers(raw, ruleset)
                t1 = clock()
                facts = initial_facts(answers, ruleset)
                fired = run_engine(facts, ruleset)
                t2 = clock()
                build_result(answers, facts, fired, ruleset)
                t3 = clock()
            for name, value in (("validation", t1 - t0), ("engine", t2 - t1),
                                ("result", t3 - t2), ("total", t3 - t0)):
                parts[kind][name].append(value * 1000)
    print(f"machine: {machine()}")
    print(f"{options.records:,} generated answer sets (seed {options.seed}), ms per screening")
    for kind in kinds:
        print(f"{kind + ' engine':<18} {'median':>8} {'p99':>8} {'mean':>8}")
        for name, values in parts[kind].items():
            print(f"  {name:<16} {median(values):8.3f} {percentile(values, 99):8.3f} "
                  f"{sum(values) / len(values):8.3f}")


if __name__ == "__main__":
    main()
