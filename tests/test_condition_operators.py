"""Every operator of the condition language, one table each.

A row is a condition as a rule author writes it (YAML text), the facts it is read on,
and what it means: True, False or UNKNOWN. Spec 0.1 (normative): a test on an
unanswered item or an unknown fact is unknown, in positive and negated tests alike;
``not_sure`` equals no code, so on a choice item ``is X`` is false and ``is not X``
true, and on a multi item ``has X`` is false and ``lacks X`` unknown.

Each row is read three ways, all real (no mocks):
1. the YAML text parsed as the rules loader parses it (conditions.parse);
2. the Python evaluator, three-valued (conditions.evaluate);
3. the compiled durable-rules JSON (conditions.compile_condition, with the shipped
   rules' single-code answers) run by the real durable engine on the fact the product
   asserts (durable.fact_for). durable only fires or not: it must fire exactly
   when the row says True (unknown, like false, never fires a rule).

Names are the shipped ones: diet_pattern and nerve_symptoms_new are choice answers (one
code, asserted as a one-item list), supplements a multi answer (a list of codes),
age_years a number, bmi a computed decimal, older_adult a derived fact, triage_level and
vitamin_d_strength facts holding a word.
"""

import itertools

import pytest
import yaml

from screener.engine.durable import CompiledRules, fact_for
from screener.ruleset import conditions
from screener.ruleset.compiler import single_code_names
from screener.ruleset.loading import load_ruleset

UNKNOWN = None

TABLES: dict[str, list[tuple[str, dict, bool | None]]] = {
    "is": [
        ("diet_pattern: vegan", {"diet_pattern": "vegan"}, True),  # a scalar is `is`
        ("diet_pattern: {is: vegan}", {"diet_pattern": "vegan"}, True),
        ("diet_pattern: {is: vegan}", {"diet_pattern": "vegetarian"}, False),
        ("diet_pattern: {is: vegan}", {"diet_pattern": "not_sure"}, False),
        ("diet_pattern: {is: vegan}", {}, UNKNOWN),
        ("diet_pattern: {is: vegan}", {"diet_pattern": None}, UNKNOWN),
        ("older_adult: true", {"older_adult": True}, True),
        ("older_adult: true", {"older_adult": False}, False),
        ("older_adult: false", {"older_adult": False}, True),
        ("older_adult: false", {"older_adult": True}, False),
        ("older_adult: false", {}, UNKNOWN),  # a derived fact from no age: never false
        ("age_years: {is: 70}", {"age_years": 70}, True),
        ("age_years: {is: 70}", {"age_years": 71}, False),
        ("triage_level: self_care", {"triage_level": "self_care"}, True),
        ("triage_level: self_care", {"triage_level": "routine"}, False),
    ],
    "is_not": [
        ("diet_pattern: {is_not: vegan}", {"diet_pattern": "vegetarian"}, True),
        ("diet_pattern: {is_not: vegan}", {"diet_pattern": "vegan"}, False),
        ("diet_pattern: {is_not: vegan}", {"diet_pattern": "not_sure"}, True),
        ("diet_pattern: {is_not: vegan}", {}, UNKNOWN),
        ("older_adult: {is_not: true}", {"older_adult": False}, True),
        ("older_adult: {is_not: true}", {"older_adult": True}, False),
        ("older_adult: {is_not: true}", {}, UNKNOWN),
        ("triage_level: {is_not: self_care}", {"triage_level": "routine"}, True),
        ("triage_level: {is_not: self_care}", {"triage_level": "self_care"}, False),
        ("age_years: {is_not: 70}", {"age_years": 69}, True),
    ],
    "in": [
        ("diet_pattern: [vegan, vegetarian]", {"diet_pattern": "vegan"}, True),  # a list
        ("diet_pattern: {in: [vegan, vegetarian]}", {"diet_pattern": "vegetarian"}, True),
        ("diet_pattern: {in: [vegan, vegetarian]}", {"diet_pattern": "omnivore"}, False),
        ("diet_pattern: {in: [vegan, vegetarian]}", {"diet_pattern": "not_sure"}, False),
        ("diet_pattern: {in: [vegan, vegetarian]}", {}, UNKNOWN),
        ("diet_pattern: {in: [vegan]}", {"diet_pattern": "vegan"}, True),
        ("triage_level: {in: [urgent, same_day]}", {"triage_level": "same_day"}, True),
        ("triage_level: {in: [urgent, same_day]}", {"triage_level": "prompt"}, False),
        ("triage_level: {in: [urgent]}", {}, UNKNOWN),
        ("screened_month: [11, 12, 1, 2, 3]", {"screened_month": 1}, True),
        ("screened_month: [11, 12, 1, 2, 3]", {"screened_month": 6}, False),
    ],
    "not_in": [
        ("diet_pattern: {not_in: [vegan, vegetarian]}", {"diet_pattern": "omnivore"}, True),
        ("diet_pattern: {not_in: [vegan, vegetarian]}", {"diet_pattern": "vegan"}, False),
        ("diet_pattern: {not_in: [vegan, vegetarian]}", {"diet_pattern": "not_sure"}, True),
        ("diet_pattern: {not_in: [vegan, vegetarian]}", {}, UNKNOWN),
        ("diet_pattern: {not_in: [vegan]}", {"diet_pattern": "vegan"}, False),
        ("triage_level: {not_in: [urgent, same_day]}", {"triage_level": "routine"}, True),
        ("triage_level: {not_in: [urgent, same_day]}", {"triage_level": "urgent"}, False),
        ("triage_level: {not_in: [urgent]}", {}, UNKNOWN),
        ("screened_month: {not_in: [6, 7, 8]}", {"screened_month": 1}, True),
        ("screened_month: {not_in: [6, 7, 8]}", {"screened_month": 7}, False),
    ],
    "has": [
        ("supplements: {has: vitamin_d}", {"supplements": ["calcium", "vitamin_d"]}, True),
        ("supplements: {has: vitamin_d}", {"supplements": ["vitamin_d"]}, True),
        ("supplements: {has: vitamin_d}", {"supplements": ["calcium"]}, False),
        ("supplements: {has: vitamin_d}", {"supplements": ["none"]}, False),
        ("supplements: {has: vitamin_d}", {"supplements": ["not_sure"]}, False),
        ("supplements: {has: vitamin_d}", {}, UNKNOWN),
        ("supplements: {has: not_sure}", {"supplements": ["not_sure"]}, True),
        ("diet_pattern: {has: vegan}", {"diet_pattern": "vegan"}, True),  # on one code
        ("diet_pattern: {has: vegan}", {"diet_pattern": "omnivore"}, False),
    ],
    "has_any": [
        ("supplements: {has_any: [vitamin_d, multivitamin]}",
         {"supplements": ["calcium", "multivitamin"]}, True),
        ("supplements: {has_any: [vitamin_d, multivitamin]}",
         {"supplements": ["vitamin_d", "multivitamin"]}, True),
        ("supplements: {has_any: [vitamin_d, multivitamin]}", {"supplements": ["calcium"]},
         False),
        ("supplements: {has_any: [vitamin_d, multivitamin]}", {"supplements": ["none"]},
         False),
        ("supplements: {has_any: [vitamin_d, multivitamin]}", {"supplements": ["not_sure"]},
         False),
        ("supplements: {has_any: [vitamin_d, multivitamin]}", {}, UNKNOWN),
        ("supplements: {has_any: [vitamin_d]}", {"supplements": ["vitamin_d"]}, True),
    ],
    "lacks": [
        ("supplements: {lacks: vitamin_d}", {"supplements": ["calcium"]}, True),
        ("supplements: {lacks: vitamin_d}", {"supplements": ["none"]}, True),
        ("supplements: {lacks: vitamin_d}", {"supplements": ["calcium", "vitamin_d"]}, False),
        ("supplements: {lacks: vitamin_d}", {"supplements": ["vitamin_d"]}, False),
        ("supplements: {lacks: vitamin_d}", {"supplements": ["not_sure"]}, UNKNOWN),
        ("supplements: {lacks: vitamin_d}", {}, UNKNOWN),
        ("diet_pattern: {lacks: vegan}", {"diet_pattern": "omnivore"}, True),  # one code
        ("diet_pattern: {lacks: vegan}", {"diet_pattern": "vegan"}, False),
        ("diet_pattern: {lacks: vegan}", {"diet_pattern": "not_sure"}, UNKNOWN),
    ],
    "lacks_all": [
        ("supplements: {lacks_all: [vitamin_d, multivitamin]}", {"supplements": ["calcium"]},
         True),
        ("supplements: {lacks_all: [vitamin_d, multivitamin]}", {"supplements": ["none"]},
         True),
        ("supplements: {lacks_all: [vitamin_d, multivitamin]}",
         {"supplements": ["calcium", "multivitamin"]}, False),
        ("supplements: {lacks_all: [vitamin_d, multivitamin]}",
         {"supplements": ["vitamin_d", "multivitamin"]}, False),
        ("supplements: {lacks_all: [vitamin_d, multivitamin]}",
         {"supplements": ["not_sure"]}, UNKNOWN),
        ("supplements: {lacks_all: [vitamin_d, multivitamin]}", {}, UNKNOWN),
    ],
    "gte": [
        ("age_years: {gte: 65}", {"age_years": 65}, True),
        ("age_years: {gte: 65}", {"age_years": 90}, True),
        ("age_years: {gte: 65}", {"age_years": 64}, False),
        ("age_years: {gte: 65}", {}, UNKNOWN),
        ("bmi: {gte: 30}", {"bmi": 30.0}, True),
        ("bmi: {gte: 30}", {"bmi": 29.9}, False),
        ("bmi: {gte: 18.5}", {"bmi": 18.5}, True),
    ],
    "gt": [
        ("age_years: {gt: 65}", {"age_years": 66}, True),
        ("age_years: {gt: 65}", {"age_years": 65}, False),
        ("age_years: {gt: 65}", {}, UNKNOWN),
        ("bmi: {gt: 29.9}", {"bmi": 30}, True),
        ("bmi: {gt: 29.9}", {"bmi": 29.9}, False),
    ],
    "lte": [
        ("age_years: {lte: 17}", {"age_years": 17}, True),
        ("age_years: {lte: 17}", {"age_years": 5}, True),
        ("age_years: {lte: 17}", {"age_years": 18}, False),
        ("age_years: {lte: 17}", {}, UNKNOWN),
        ("bmi: {lte: 18.5}", {"bmi": 18.5}, True),
        ("bmi: {lte: 18.5}", {"bmi": 18.6}, False),
    ],
    "lt": [
        ("age_years: {lt: 18}", {"age_years": 17}, True),
        ("age_years: {lt: 18}", {"age_years": 18}, False),
        ("age_years: {lt: 18}", {}, UNKNOWN),
        ("bmi: {lt: 18.5}", {"bmi": 18.4}, True),
        ("bmi: {lt: 18.5}", {"bmi": 18.5}, False),
        ("bmi: {lt: 18.5}", {"bmi": 17}, True),
    ],
    "known": [  # asks about the gap itself: never unknown
        ("nerve_symptoms_new: {known: false}", {}, True),
        ("nerve_symptoms_new: {known: false}", {"nerve_symptoms_new": "no"}, False),
        ("nerve_symptoms_new: {known: false}", {"nerve_symptoms_new": "not_sure"}, False),
        ("nerve_symptoms_new: {known: true}", {"nerve_symptoms_new": "yes"}, True),
        ("nerve_symptoms_new: {known: true}", {"nerve_symptoms_new": "not_sure"}, True),
        ("nerve_symptoms_new: {known: true}", {}, False),
        ("supplements: {known: true}", {"supplements": ["not_sure"]}, True),
        ("older_adult: {known: true}", {"older_adult": False}, True),
        ("older_adult: {known: false}", {}, True),
        ("vitamin_d_strength: {known: false}", {"vitamin_d_strength": "some"}, False),
    ],
    # Kleene logic: an `all` is false if any part is false, else unknown if any part is
    # unknown; an `any` is true if any part is true, else unknown if any part is unknown
    "all": [
        ("all: [{older_adult: true}, {diet_pattern: vegan}]",
         {"older_adult": True, "diet_pattern": "vegan"}, True),
        ("all: [{older_adult: true}, {diet_pattern: vegan}]",
         {"older_adult": True, "diet_pattern": "omnivore"}, False),
        ("all: [{older_adult: true}, {diet_pattern: vegan}]", {"older_adult": True}, UNKNOWN),
        ("all: [{older_adult: true}, {diet_pattern: vegan}]", {"older_adult": False}, False),
        ("all: [{older_adult: true}, {diet_pattern: vegan}]", {}, UNKNOWN),
        ("all: [{age_years: {gte: 65}}, {supplements: {lacks: vitamin_d}}]",
         {"age_years": 70, "supplements": ["not_sure"]}, UNKNOWN),
        ("all: [{age_years: {gte: 65}}]", {"age_years": 70}, True),
    ],
    "any": [
        ("any: [{older_adult: true}, {diet_pattern: vegan}]", {"older_adult": True}, True),
        ("any: [{older_adult: true}, {diet_pattern: vegan}]", {"diet_pattern": "vegan"}, True),
        ("any: [{older_adult: true}, {diet_pattern: vegan}]",
         {"older_adult": False, "diet_pattern": "omnivore"}, False),
        ("any: [{older_adult: true}, {diet_pattern: vegan}]", {"older_adult": False}, UNKNOWN),
        ("any: [{older_adult: true}, {diet_pattern: vegan}]", {}, UNKNOWN),
        # spec 0.1: `A or B, and C` reads as `(A or B) and C` (CA-AVOID)
        ("all: [{any: [{diet_pattern: vegan}, {supplements: {lacks: calcium}}]},"
         " {older_adult: true}]",
         {"diet_pattern": "omnivore", "supplements": ["none"], "older_adult": True}, True),
        ("all: [{any: [{diet_pattern: vegan}, {supplements: {lacks: calcium}}]},"
         " {older_adult: true}]",
         {"diet_pattern": "vegan", "older_adult": False}, False),
        ("all: [{any: [{diet_pattern: vegan}, {supplements: {lacks: calcium}}]},"
         " {older_adult: true}]",
         {"supplements": ["not_sure"], "older_adult": True}, UNKNOWN),
    ],
}

#: YAML the parser refuses, per operator (in plain words, see test_rules_errors.py)
REFUSED = {
    "is": "diet_pattern: {is: [vegan]}",
    "is_not": "diet_pattern: {is_not: {a: 1}}",
    "in": "diet_pattern: {in: vegan}",
    "not_in": "diet_pattern: {not_in: []}",
    "has": "supplements: {has: [vitamin_d]}",
    "has_any": "supplements: {has_any: vitamin_d}",
    "lacks": "supplements: {lacks: [vitamin_d]}",
    "lacks_all": "supplements: {lacks_all: []}",
    "gte": "age_years: {gte: old}",
    "gt": "age_years: {gt: true}",
    "lte": "age_years: {lte: [1]}",
    "lt": "age_years: {lt: null}",
    "known": "age_years: {known: yes please}",
    "all": "all: []",
    "any": "any: {older_adult: true}",
}

ROWS = [pytest.param(op, text, facts, expected, id=f"{op}-{n}")
        for op, rows in TABLES.items() for n, (text, facts, expected) in enumerate(rows, 1)]
AS_LISTS = single_code_names(load_ruleset())  # the shipped choice answers


def parse(text: str) -> conditions.Condition:
    return conditions.parse(yaml.safe_load(text))


def combinators(cond) -> set[type]:
    if isinstance(cond, conditions.Test):
        return set()
    parts = cond.all if isinstance(cond, conditions.All) else cond.any
    return {type(cond)}.union(*(combinators(part) for part in parts))


@pytest.fixture(scope="module")
def durable_rows():
    """Every row's condition compiled and registered on the real durable engine as one
    rule (named after the row), guarded by the row's number so it reads only its fact."""
    rules, numbers = {}, {}
    for number, param in enumerate(ROWS):
        text = param.values[1]
        numbers[param.id] = number
        compiled = conditions.compile_condition(parse(text), AS_LISTS)
        rules[param.id] = {"all": [{"m": {"$and": [{"table_row": number}, compiled]}}]}
    return CompiledRules(f"operator_tables_{next(_names)}", rules), numbers


_names = itertools.count(1)


def test_every_operator_has_a_table():
    assert set(TABLES) == set(conditions.OPERATORS) | {"all", "any"} == set(REFUSED)
    for op, rows in TABLES.items():
        values = {expected for _, _, expected in rows}
        # every test on an answer has its unknown row; only `known` is never unknown
        assert values == ({True, False} if op == "known" else {True, False, UNKNOWN}), op


@pytest.mark.parametrize("op, text, facts, expected", ROWS)
def test_operator_row(op, text, facts, expected, durable_rows, request):
    cond = parse(text)
    if op in ("all", "any"):  # the table's combinator, at the top or nested
        assert (conditions.All if op == "all" else conditions.AnyOf) in combinators(cond)
    else:  # the shorthands (a scalar, a list) parse to `is` and `in`
        assert [t.op for t in conditions.tests(cond)] == [op]

    assert conditions.evaluate(cond, facts) is expected  # the Python evaluator

    rules, numbers = durable_rows
    row_id = request.node.callspec.id
    reads = [(name, name in AS_LISTS) for name in conditions.names(cond)]
    sid = f"row-{numbers[row_id]}"
    try:
        fired = rules.fire({**fact_for(reads, facts), "table_row": numbers[row_id],
                            "sid": sid})
    finally:
        rules.delete_session(sid)
    assert fired == ([row_id] if expected is True else []), "durable disagrees"


@pytest.mark.parametrize("op", list(REFUSED))
def test_operator_refuses_a_malformed_test(op):
    with pytest.raises(ValueError):
        parse(REFUSED[op])
