"""The worse reading of a triage rule's ``risk`` (clinical spec 0.1, v3).

A rule written "SIGN **with risk** RISK" keeps the sign in ``when`` (read the ordinary
way: the screen never assumes a symptom) and the risk in ``risk``. Once the sign holds,
a risk item (``ruleset.yaml``: ``risk_reading.items``: medicines, supplements,
conditions...) left unanswered or answered "not sure" reads as *present*, whichever way
the test points, so a reported symptom never gets a lower level because the medicines
that would make it more dangerous were left blank.

The worse reading is written out once, when the folder loads, as an ordinary condition
(``Rule.runs_when``): a test on a risk item becomes "the test, or the item is not sure,
or the item is unanswered where it would have been asked", and a derived fact that
depends on a risk item is replaced by its own conditions read the same way. So both
engines (durable and the Python evaluator) run it unchanged, and the condition language
needs nothing new beyond ``ordinary:`` (a part that keeps the ordinary reading).

Screening then tells the two readings apart for the rules that fired: a rule fired
"only through the worse reading" when ``Rule.ordinary_when`` is not true; an urgent rule
that did so gives the capped level (``risk_reading.cap``), and its trail names the
items assumed.
"""

from __future__ import annotations

from typing import Any

from ..i18n import N_, _
from . import conditions
from .conditions import All, AnyOf, Condition, Test
from .models import NOT_SURE, Rule, RuleSet


def attach(ruleset: RuleSet) -> None:
    """Give every rule with ``risk`` its engine condition (called once on loading)."""
    reader = _reader(ruleset)
    for rule in ruleset.rules:
        if rule.risk is not None:
            rule.__dict__["runs_when"] = All(all=[rule.when, reader.worse(rule.risk)])


_readers: dict[str, _WorseReader] = {}


def _reader(ruleset: RuleSet) -> _WorseReader:
    # one per ruleset: conditions.evaluate caches by object, so the worse skip logic of
    # an item must be built once, not on every screening
    key = ruleset.content_hash
    if key not in _readers:
        _readers[key] = _WorseReader(ruleset)
    return _readers[key]


class _WorseReader:
    def __init__(self, ruleset: RuleSet):
        self.items = set(ruleset.risk_reading.items)
        self.questions = ruleset.questions.by_id
        self.concluding: dict[str, list[Rule]] = {}
        for rule in ruleset.rules:
            if rule.kind == "derived":
                self.concluding.setdefault(rule.concluded_fact, []).append(rule)
        self._reads_risk: dict[str, bool] = {}
        self._shown: dict[str, Condition] = {}

    def worse_shown_if(self, item: str) -> Condition | None:
        """The skip logic of a risk item, read the worse way (built once)."""
        shown_if = self.questions[item].shown_if if item in self.questions else None
        if shown_if is None:
            return None
        if item not in self._shown:
            self._shown[item] = self.worse(shown_if)
        return self._shown[item]

    def worse(self, cond: Condition) -> Condition:
        if isinstance(cond, All):
            if cond.ordinary:
                return cond
            return All(all=[self.worse(c) for c in cond.all])
        if isinstance(cond, AnyOf):
            return _flat_any([self.worse(c) for c in cond.any])
        if cond.name in self.items and cond.op != "known":
            return self._item(cond)
        if cond.op == "is" and cond.value is True and self.reads_risk(cond.name):
            # a derived fact re-evaluated from the worse readings of its inputs
            return _flat_any([self.worse(rule.when) for rule in self.concluding[cond.name]])
        return cond

    def _item(self, test: Test) -> Condition:
        """The test, or the item answered "not sure", or left unanswered where it would
        have been asked (an item its skip logic definitely hides reads as absent)."""
        name = test.name
        question = self.questions.get(name)
        parts: list[Condition] = [test]
        if question is not None and question.allows_not_sure:
            parts.append(Test(name=name, op="has" if question.type == "multi" else "is",
                              value=NOT_SURE))
        blank: Condition = Test(name=name, op="known", value=False)
        shown_if = self.worse_shown_if(name)
        if shown_if is not None:
            blank = All(all=[blank, shown_if])
        parts.append(blank)
        return _flat_any(parts)

    def reads_risk(self, name: str) -> bool:
        """Does the derived fact ``name`` depend, at any depth, on a risk item?"""
        if name not in self._reads_risk:
            self._reads_risk[name] = False  # a cycle is refused elsewhere (rule_layers)
            self._reads_risk[name] = any(
                item in self.items or self.reads_risk(item)
                for rule in self.concluding.get(name, [])
                for item in conditions.names(rule.when))
        return self._reads_risk[name]


def _flat_any(parts: list[Condition]) -> Condition:
    """``any`` of ``parts`` with nested ``any`` lifted, repeats dropped and the "includes"
    tests on one item merged into one "includes any of": the same meaning in far fewer
    engine branches (durable splits a rule at every ``any``; high_risk read the worse
    way names medicines, conditions and their "not sure" and "unanswered" many times)."""
    flat: list[Condition] = []
    for part in parts:
        flat += part.any if isinstance(part, AnyOf) else [part]
    merged: list[Condition] = []
    seen: set[str] = set()
    codes: dict[str, list] = {}
    for part in flat:
        if isinstance(part, Test) and part.op in ("has", "has_any"):
            if part.name not in codes:
                codes[part.name] = []
                merged.append(part)  # placeholder, replaced below
            codes[part.name] += [v for v in part.values() if v not in codes[part.name]]
            continue
        key = repr(part)
        if key not in seen:
            seen.add(key)
            merged.append(part)
    out = []
    for part in merged:
        if isinstance(part, Test) and part.op in ("has", "has_any"):
            values = codes[part.name]
            part = (Test(name=part.name, op="has", value=values[0]) if len(values) == 1
                    else Test(name=part.name, op="has_any", value=values))
        out.append(part)
    return out[0] if len(out) == 1 else AnyOf(any=out)


def risk_items_read(rule: Rule, ruleset: RuleSet) -> list[str]:
    """The risk items a rule's risk reads, directly or through derived facts, in bank
    order (what "assumed risk" can name)."""
    if rule.risk is None:
        return []
    names = set(conditions.names(rule.runs_when)) & set(ruleset.risk_reading.items)
    return [q for q in ruleset.questions.by_id if q in names]


def assumed_items(rule: Rule, values: dict[str, Any], ruleset: RuleSet) -> list[tuple[str, str]]:
    """(item, "not answered" | "not sure") for each risk item the rule could only have
    read the worse way in these answers: the trail's "assumed risk"."""
    found = []
    reader = _reader(ruleset)
    for item in risk_items_read(rule, ruleset):
        value = values.get(item)
        if value == NOT_SURE or value == [NOT_SURE]:
            found.append((item, "not sure"))
        elif value is None:
            shown_if = reader.worse_shown_if(item)
            if shown_if is not None and conditions.evaluate(shown_if, values) is not True:
                continue  # hidden by an answer: reads as absent, nothing assumed
            found.append((item, "not answered"))
    return found


def fired_only_assumed(rule: Rule, facts: dict[str, Any]) -> bool:
    """The rule (which fired) did not hold on the ordinary reading."""
    return rule.risk is not None and conditions.evaluate(rule.ordinary_when, facts) is not True


def effective_level(rule: Rule, ruleset: RuleSet, assumed: bool) -> str | None:
    """The level a fired triage rule gives: its own, or, when it held only through the
    worse reading (``assumed``), the capped one (spec 0.1: an urgent rule gives
    same_day). Never lower than that."""
    if rule.level is None or not assumed:
        return rule.level
    return ruleset.risk_reading.cap.get(rule.level, rule.level)


#: how an assumed item reads in a trail ("medicines not answered"); the reading is the
#: machine value kept in the JSON (``AssumedRisk.reading``)
READINGS = {"not answered": N_("{item} not answered"), "not sure": N_("{item} answered not sure")}


def assumed_words(assumed) -> str:
    """"medicines not answered; conditions answered not sure" (the trail, in words)."""
    return "; ".join(_(READINGS.get(a.reading, "{item}")).format(item=a.item)
                     for a in assumed)
