"""Random *valid* answer sets that follow the question bank and its skip logic.

Shared by the property tests, the benchmarks and batch test data, so every one of
them exercises the same space of answers a real person could give.
"""

from __future__ import annotations

import datetime as dt
import random

from ..answers import is_shown
from ..red_flags import urgent_codes
from ..ruleset.models import NONE, NOT_SURE, RuleSet


def random_answers(ruleset: RuleSet, rng: random.Random, *, skip_rate: float = 0.1,
                   not_sure_rate: float = 0.05, red_flag_rate: float = 0.1) -> dict:
    """One answers mapping as a person could give it (valid by construction).

    Each answer that would trigger urgent triage is allowed with ``red_flag_rate``.
    """
    answers: dict = {}
    urgent = urgent_codes(ruleset)
    for q in ruleset.questions:  # bank order: skip logic only looks backwards
        if not is_shown(q, answers):
            continue
        if rng.random() < skip_rate and q.id != "red_flags_now":
            continue
        if q.allows_not_sure and rng.random() < not_sure_rate:
            answers[q.id] = [NOT_SURE] if q.type == "multi" else NOT_SURE
            continue
        if q.type == "int":
            answers[q.id] = rng.randint(q.min, q.max) if q.id != "age_years" or rng.random() < 0.2 \
                else rng.randint(18, 95)
        elif q.type == "date":
            day = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(731))
            answers[q.id] = day.isoformat()
        else:
            codes = [o.code for o in q.options if o.code != NONE or q.type == "choice"]
            if q.id in urgent and rng.random() >= red_flag_rate:
                codes = [c for c in codes if c not in urgent[q.id]]
            if q.type == "choice":
                answers[q.id] = rng.choice(codes)
            else:
                picked = rng.sample(codes, rng.randint(0, min(3, len(codes))))
                answers[q.id] = picked or [NONE]
    return answers


def answer_sets(ruleset: RuleSet, count: int, seed: int = 0, **kwargs) -> list[dict]:
    rng = random.Random(seed)
    return [random_answers(ruleset, rng, **kwargs) for _ in range(count)]
