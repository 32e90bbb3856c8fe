"""Small types shared by every layer, defined once: the frozen model bases, the id
pattern and the triage level and factor strength vocabularies. Imports nothing from screener."""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict


class Frozen(BaseModel):
    """An immutable value (loaded content, a result, an explanation). The schema is built
    on first use, not at import, so `screener --help` stays fast."""

    model_config = ConfigDict(frozen=True, defer_build=True)


class Strict(Frozen):
    """What a person writes (rules, translations, personas, checks): an unknown key is an
    error, so a misspelt one is never silently ignored."""

    model_config = ConfigDict(extra="forbid")


#: Every id and code in the rules: rule ids, question ids, answer codes, sources. The
#: durable engine relies on its alphabet (durable.rule_id_of, conditions._any_item).
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]*$"

#: The triage levels, most urgent first (spec section 5).
TriageLevelId = Literal["urgent", "same_day", "prompt", "routine", "self_care"]
TRIAGE_ORDER: tuple[str, ...] = get_args(TriageLevelId)

#: How strongly a raised factor is indicated (spec section 4).
FactorStrength = Literal["some", "several"]
