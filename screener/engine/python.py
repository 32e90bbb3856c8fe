"""The rule engine in plain Python: a layer's rules whose condition is definitely true.

Each rule layer is one generated Python function (ruleset/condition_code.py), built once per
ruleset: the rules that are definitely true under spec 0.1's three-valued reading (a
test on a missing answer is unknown, and unknown never fires). It is an engine of its
own:
the cross-check of ``screener rules test --engine python``, and the way out should
durable-rules ever stop building. Same interface and same results as durable.py
(tests/test_engine_parity.py), and nothing to register. Measured faster than durable
here (engine part ~0.31 ms against ~0.57 ms a screening, benchmarks/README.md); durable
stays the product's engine, as the project's stack requires.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from ..ruleset import conditions
from ..ruleset.compiler import rule_layers
from ..ruleset.condition_code import layer_function
from ..ruleset.models import RuleSet
from . import Fire


class PythonEngine:
    def __init__(self, ruleset: RuleSet):
        layers = rule_layers(ruleset)
        self.depth = max(layers.values(), default=0)
        # layer -> its rules (id, condition) in file order, the order run_engine keeps
        rules_at: dict[int, list[tuple[str, conditions.Condition]]] = {}
        for rule in ruleset.rules:
            rules_at.setdefault(layers[rule.id], []).append((rule.id, rule.runs_when))
        # each layer one generated function, built once (ruleset/condition_code.py)
        self.layer_at = {layer: layer_function(rules) for layer, rules in rules_at.items()}

    @contextmanager
    def session(self) -> Iterator[Fire]:
        yield self.fire  # no state between layers: the facts carry everything

    def close(self) -> None:
        pass

    def fire(self, layer: int, facts: dict) -> list[str]:
        fire_layer = self.layer_at.get(layer)
        return fire_layer(facts) if fire_layer is not None else []
