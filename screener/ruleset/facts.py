"""The names rules read besides answers, and how the program computes them.

Three sorts of fact (cross_checks.known_names lists them all for the condition checks):

- **Computed inputs**: arithmetic the rule language does not do (BMI, the month).
  A rules folder declares the ones it reads in ruleset.yaml (``computed``, with their
  meaning in words); ``COMPUTED`` below says, for each the program computes, from which
  answers, of what kind and in what range (``screening.COMPUTE`` computes them). Screening
  fills them in before any rule runs; lint reports a declared input the program does not
  compute, or computes otherwise.
- **Derived facts**: concluded by the rules themselves (kind ``derived``). They start
  *unknown* (absent), never false: screening makes one true when its rule fires and
  false only once every rule concluding it is definitely false (spec 0.1), so with age
  unanswered ``older_adult`` stays unknown and no rule testing it, true or false, fires.
- **Factor facts**: what the factor rules found, per factor (``vitamin_d_count``...)
  and in total, rewritten by screening after each layer so that chained indicators
  (CA-VITD), triage and notes can read them; and the triage level decided so far.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from .models import RuleSet

# ------------------------------------------------------------------- factor facts

#: The facts kept for each factor, named ``<factor>_<part>`` (``vitamin_d_strength``):
#: how many of its indicators fired, which, "some" or "several", raised or not.
COUNT, INDICATORS, STRENGTH, RAISED = "count", "indicators", "strength", "raised"
FACTOR_PARTS = (COUNT, INDICATORS, STRENGTH, RAISED)
STRENGTHS = ("some", "several")  # spec 4: several from RuleSet.several_at indicators
#: Totals over the factors, and the level the triage rules decided so far (notes such
#: as N-CRAMPS-COMMON are shown only beside self care).
FACTOR_COUNT, FACTORS_RAISED, TRIAGE_LEVEL = "factor_count", "factors_raised", "triage_level"
#: The triage rules that fired so far (notes such as N-ACUTE-RISK show when one did), and
#: whether the level so far was set only by rules that fired through the worse reading
#: of their risk (spec 0.1: N-ASSUMED-RISK).
TRIAGE_FIRED, TRIAGE_ASSUMED = "triage_fired", "triage_assumed"


def factor_fact(factor: str, part: str) -> str:
    """'vitamin_d_count' for ('vitamin_d', COUNT): the one place the names are built."""
    return f"{factor}_{part}"


def factor_facts(factor: str) -> tuple[str, str, str, str]:
    """The names of one factor's facts, in FACTOR_PARTS order."""
    count, listed, strength, raised = (factor_fact(factor, part) for part in FACTOR_PARTS)
    return count, listed, strength, raised


def factor_fact_names(factors) -> list[str]:
    """Every factor fact of these factor ids, and the totals."""
    return [name for fid in factors for name in factor_facts(fid)] + [FACTOR_COUNT,
                                                                    FACTORS_RAISED]


def factor_of_fact(name: str, factors) -> str | None:
    """'vitamin_d' for 'vitamin_d_strength' (any part), when it is one of ``factors``."""
    factor, _, part = name.rpartition("_")
    return factor if part in FACTOR_PARTS and factor in factors else None


# ---------------------------------------------------------------- computed inputs

Bounds = tuple[float, float, bool]  # (lowest, highest, whole numbers only)


@dataclass(frozen=True)
class ComputedInput:
    """An input the program computes (its value comes from ``screening.COMPUTE``)."""

    uses: tuple[str, ...]  # the answers the evidence trail shows behind it
    kind: Literal["number", "bool"]  # what conditions may test it against
    bounds: Callable[[RuleSet], Bounds] | None = None  # for numbers (lint's range checks)


#: The inputs the program computes, by name. How each is computed belongs to screening
#: (``screening.COMPUTE``, which a test keeps in step with this table).
COMPUTED: dict[str, ComputedInput] = {
    "bmi": ComputedInput(("height_cm", "weight_kg"), "number", lambda rs: (0, math.inf, False)),
    "screened_month": ComputedInput(("screened_on",), "number", lambda rs: (1, 12, True)),
    # it reads every shown question: too many to show behind it, so it names none
    "unanswered_count": ComputedInput((), "number",
                                      lambda rs: (0, len(rs.questions.by_id), True)),
    # shown behind it: the two answers that alone make a screening incomplete
    "complete": ComputedInput(("age_years", "medicines", "red_flags_now"), "bool"),
}


def answers_used(name: str) -> tuple[str, ...]:
    """The answers behind a computed input (none for a name the program does not compute)."""
    found = COMPUTED.get(name)
    return found.uses if found else ()


def number_bounds(name: str, ruleset: RuleSet) -> Bounds | None:
    """The range of a number the program computes (a computed input or a count), if any:
    lint proves with it that a test such as ``vitamin_d_count: {gte: 20}`` never holds."""
    computed = COMPUTED.get(name)
    if computed is not None:
        return computed.bounds(ruleset) if computed.bounds else None
    if name == FACTOR_COUNT:
        return 0, len(ruleset.factors), True
    factor = factor_of_fact(name, ruleset.factors)
    if factor is not None and name == factor_fact(factor, COUNT):
        indicators = sum(1 for r in ruleset.rules if r.kind == "indicator" and r.factor == factor)
        return 0, indicators, True
    return None
