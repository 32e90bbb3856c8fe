"""Cross-checks of a loaded rules folder: every name, code, source and factor that an
item refers to must exist (``cross_check``), and the names a condition may read
(``known_names``), which the consistency checks and lint read too.

Names and codes of items that failed to load are spared (``Unloaded``): their own
problem says what to fix, and one run reports each problem once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..spelling import suggest
from . import conditions, facts
from .models import TRIAGE_ORDER, Rule, RuleSet
from .problems import Problems
from .yaml_spelling import as_yaml, plain

#: ``{ticked:ITEM:code,code}`` in a note (screening.TICKED fills it; not imported from
#: there: screening imports the ruleset stage)
_TICKED = re.compile(r"\{ticked:([A-Za-z0-9_]+):([A-Za-z0-9_,-]+)\}")


@dataclass
class Unloaded:
    """What could not be loaded, so that the cross-checks do not report it a second
    time: its own problem says what to fix."""

    ids: set[str] = field(default_factory=set)  # items that failed; names they conclude
    factors: set[str] = field(default_factory=set)  # their facts (<id>_count...) are unknown
    any_name: bool = False  # a questions or rules file was unreadable: any name may be there
    any_source: bool = False
    any_factor: bool = False

    def spares_name(self, name: str) -> bool:
        return (self.any_name or name in self.ids
                or any(name.startswith(fid + "_") for fid in self.factors))

    def spares_value(self, value: Any) -> bool:
        """A rule id tested in `<factor>_indicators` whose rule failed to load."""
        return isinstance(value, str) and value in self.ids


def known_names(ruleset: RuleSet) -> dict[str, dict]:
    """Every name a condition may read: {name: {"kind": ..., "codes": [...] | None}}."""
    names: dict[str, dict] = {}
    for q in ruleset.questions:
        kind = {"int": "number", "date": "date", "choice": "code", "multi": "multi"}[q.type]
        names[q.id] = {"kind": kind, "codes": q.codes if q.type in ("choice", "multi") else None}
    for name, declared in ruleset.computed.items():
        # the program's kind where it computes the input (lint reports a mismatch)
        kind = facts.COMPUTED[name].kind if name in facts.COMPUTED else declared.kind
        names[name] = ({"kind": "bool", "codes": [True, False]} if kind == "bool"
                       else {"kind": "number", "codes": None})
    for rule in ruleset.rules:
        if rule.kind == "derived":
            names[rule.concluded_fact] = {"kind": "bool", "codes": [True, False]}
    ids = list(ruleset.factors)
    for fid in ids:
        indicators = [r.id for r in ruleset.rules if r.kind == "indicator" and r.factor == fid]
        count, listed, strength, raised = facts.factor_facts(fid)
        names[count] = {"kind": "number", "codes": None}
        names[listed] = {"kind": "multi", "codes": indicators}
        names[strength] = {"kind": "code", "codes": list(facts.STRENGTHS)}
        names[raised] = {"kind": "bool", "codes": [True, False]}
    names[facts.FACTOR_COUNT] = {"kind": "number", "codes": None}
    names[facts.FACTORS_RAISED] = {"kind": "multi", "codes": ids}
    names[facts.TRIAGE_LEVEL] = {"kind": "code", "codes": list(TRIAGE_ORDER)}
    names[facts.TRIAGE_FIRED] = {"kind": "multi",
                                 "codes": [r.id for r in ruleset.rules if r.kind == "triage"]}
    names[facts.TRIAGE_ASSUMED] = {"kind": "bool", "codes": [True, False]}
    return names


def check_condition(cond, names: dict, report) -> None:
    """Report unknown names, codes that do not exist, and operators that do not fit:
    ``report(message)`` for each."""
    for _code, message in condition_problems(cond, names):
        report(message)


def condition_problems(cond, names: dict, unloaded: Unloaded | None = None):
    """(code, message) for each unknown name, code that does not exist and operator that
    does not fit; names and codes of items that failed to load are spared."""
    unloaded = unloaded or Unloaded()
    for test in conditions.tests(cond):
        info = names.get(test.name)
        if info is None:
            if not unloaded.spares_name(test.name):
                yield "unknown-name", f"unknown name '{test.name}'{suggest(test.name, names)}"
            continue
        kind, codes = info["kind"], info["codes"]
        if test.op == "known":  # asks whether there is a value at all: fits any name
            continue
        if test.op in conditions.MULTI_OPERATORS and kind != "multi":
            yield ("wrong-operator",
                   f"'{test.op}' is for multi-answer items; '{test.name}' holds one value")
        if test.op not in conditions.MULTI_OPERATORS and kind == "multi":
            yield ("wrong-operator",
                   f"'{test.name}' holds a list: use has, has_any, lacks or lacks_all")
        if test.op in conditions.NUMBER_OPERATORS and kind != "number":
            yield "wrong-operator", f"'{test.op}' compares numbers; '{test.name}' is not a number"
        if codes is not None:
            for value in test.values():
                if value not in codes and not unloaded.spares_value(value):
                    yield "unknown-code", (
                        f"'{test.name}' has no code {as_yaml(value)}{suggest(value, codes)}; "
                        f"codes: {', '.join(map(plain, codes))}")


def cross_check(ruleset: RuleSet, problems: Problems, unloaded: Unloaded | None = None) -> None:
    """Names, codes, sources and factors that the loaded items refer to must exist."""
    unloaded = unloaded or Unloaded()
    names = known_names(ruleset)

    def check(cond, file, line, ident, where):
        for code, message in condition_problems(cond, names, unloaded):
            problems.add(file, line, ident, f"{where}: {message}", code)

    def check_sources(item):
        for sid in item.sources:
            if sid not in ruleset.sources and not (unloaded.any_source or sid in unloaded.ids):
                problems.add(item.file, item.line, item.id, f"source '{sid}' is not in "
                             f"sources.yaml{suggest(sid, ruleset.sources)}", "unknown-source")

    manifest = str(Path(ruleset.folder) / "ruleset.yaml")
    for item in ruleset.risk_reading.items:
        if item not in ruleset.questions.by_id and not unloaded.spares_name(item):
            problems.add(manifest, 0, "risk_reading", f"items: '{item}' is not a question"
                         f"{suggest(item, ruleset.questions.by_id)}", "unknown-name")
    for q in ruleset.questions:
        if q.shown_if is not None:
            check(q.shown_if, q.file, q.line, q.id, "shown_if")
        if q.counted_if is not None:
            check(q.counted_if, q.file, q.line, q.id, "counted_if")
        for code in q.used_when_hidden:
            if code not in q.codes:
                problems.add(q.file, q.line, q.id, f"used_when_hidden: '{q.id}' has no code "
                             f"{as_yaml(code)}{suggest(code, q.codes)}", "unknown-code")
    for factor in ruleset.factors.values():
        check_sources(factor)
    seen: dict[str, Rule] = {}
    for rule in ruleset.rules:
        if rule.id in seen:
            problems.add(rule.file, rule.line, rule.id, f"rule id already used at "
                         f"{seen[rule.id].file}:{seen[rule.id].line}", "id-used-twice")
        seen.setdefault(rule.id, rule)
        check(rule.when, rule.file, rule.line, rule.id, "when")
        for where, text in [("text", rule.text or "")] + [
                (f"parts {n}", part.text) for n, part in enumerate(rule.parts, 1)]:
            for item, codes in _TICKED.findall(text):
                question = ruleset.questions.by_id.get(item)
                if question is None:
                    problems.add(rule.file, rule.line, rule.id, f"{where}: {{ticked:...}} names "
                                 f"'{item}', which is not a question"
                                 f"{suggest(item, ruleset.questions.by_id)}", "unknown-name")
                    continue
                for code in codes.split(","):
                    if code not in question.codes:
                        problems.add(rule.file, rule.line, rule.id, f"{where}: {{ticked:...}}: "
                                     f"'{item}' has no code '{code}'"
                                     f"{suggest(code, question.codes)}", "unknown-code")
        if rule.risk is not None:
            check(rule.risk, rule.file, rule.line, rule.id, "risk")
        for number, part in enumerate(rule.parts, 1):
            check(part.when, rule.file, rule.line, rule.id, f"parts {number}")
        check_sources(rule)
        if (rule.factor and rule.factor not in ruleset.factors
                and not (unloaded.any_factor or rule.factor in unloaded.factors)):
            problems.add(rule.file, rule.line, rule.id, f"factor '{rule.factor}' is not "
                         f"defined{suggest(rule.factor, ruleset.factors)}", "unknown-factor")
        if rule.kind == "derived" and rule.concludes in ruleset.questions.by_id:
            problems.add(rule.file, rule.line, rule.id,
                         f"concludes '{rule.concludes}', which is a question id",
                         "concludes-question")
