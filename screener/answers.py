"""Validate an answers object against the question bank.

The answers file is a JSON object mapping question ids to answers (multi items are
lists, ``screened_on`` an ISO date defaulting to today). The pydantic model is built
from the question bank itself, so the JSON Schema (``screener schema answers``) and the
validation can never disagree. Errors name the field, what was given and what is
allowed; for files, the line too.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictInt,
    ValidationError,
    create_model,
)
from pydantic_core import ErrorDetails

from .errors import AnswersError, shown
from .i18n import N_, _, ngettext
from .ruleset import conditions
from .ruleset.models import NONE, NOT_SURE, Question, RuleSet
from .spelling import suggest
from .types import Frozen

RESPONDENT_ID = "respondent_id"
#: an ODK instance id (``uuid:`` + a UUID) is kept as given, so records can be traced back
RESPONDENT_ID_PATTERN = r"^(uuid:)?[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
RESPONDENT_ID_RULE = N_("a respondent id is 1 to 64 letters, digits, '.', '_' or '-', starting "
                      "with a letter or digit (a leading '-' would be a formula in a "
                      "spreadsheet; no spaces; an ODK 'uuid:...' instance id is accepted as "
                      "is), never a name, and must not look like an amount (a number followed "
                      "by a unit such as IU or mg)")


def check_respondent_id(value: str) -> str:
    """The id unchanged, or ValueError: it is printed on every output, and output that
    looks like a dose is refused, so an id such as '400IU' would hide the result."""
    from .safety import DOSE_RE

    if not re.fullmatch(RESPONDENT_ID_PATTERN, value) or DOSE_RE.search(value):
        raise ValueError(_(RESPONDENT_ID_RULE))
    return value


class ValidatedAnswers(Frozen):
    """Answers that passed validation, with skip logic applied."""

    values: dict[str, Any]  # question id -> code, list of codes, int, or ISO date string
    respondent_id: str | None = None
    warnings: list[str] = []


# ------------------------------------------------------------------ the pydantic model

#: a screening date sets the season, so one from the future or from long ago (a typo, a
#: placeholder such as 9999-12-31) would quietly change the result: refused
EARLIEST_DATE = dt.date(1900, 1, 1)
#: a day ahead is allowed: the person may be a time zone ahead of this machine's clock
FUTURE_MARGIN = dt.timedelta(days=1)


def check_date_range(day: dt.date, today: dt.date | None = None) -> dt.date:
    """``day`` unchanged, or ValueError saying why a screening cannot be on that day."""
    today = today or dt.date.today()
    if day > today + FUTURE_MARGIN:
        raise ValueError(_("the date is in the future (today is {today}); give the day the "
                           "answers were given").format(today=today.isoformat()))
    if day < EARLIEST_DATE:
        raise ValueError(_("the date is before {earliest}; give the day the answers were "
                           "given").format(earliest=EARLIEST_DATE.isoformat()))
    return day


def _iso_date(value: Any) -> Any:
    if isinstance(value, dt.date):
        return check_date_range(value)
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError(_("not an ISO date"))
    return check_date_range(dt.date.fromisoformat(value))


def _exclusive_codes(values: list[str]) -> list[str]:
    if len(set(values)) != len(values):
        raise ValueError(_("a code is listed twice"))
    for code in (NONE, NOT_SURE):
        if code in values and len(values) > 1:
            raise ValueError(_("'{code}' cannot be combined with other codes").format(code=code))
    return values


def _field(q: Question):
    kind: Any  # a type built at run time from the question, for pydantic (not for mypy)
    if q.type == "int":
        kind = Annotated[StrictInt, Field(ge=q.min, le=q.max)]
    elif q.type == "date":
        kind = Annotated[dt.date, BeforeValidator(_iso_date)]
    elif q.type == "choice":
        kind = Literal[tuple(q.codes)]
    else:
        # the codes are known only at run time: a type for pydantic that mypy cannot read
        kind = Annotated[list[Literal[tuple(q.codes)]],  # type: ignore[misc]
                         Field(min_length=1), AfterValidator(_exclusive_codes)]
    return (kind | None, Field(default=None, title=q.text, description=q.help or None))


_models: dict[str, type[BaseModel]] = {}


def answers_model(ruleset: RuleSet) -> type[BaseModel]:
    """The pydantic model of an answers object for this question bank (cached)."""
    if ruleset.content_hash not in _models:
        fields = {q.id: _field(q) for q in ruleset.questions}
        fields[RESPONDENT_ID] = (
            Annotated[str, AfterValidator(check_respondent_id)] | None,
            Field(default=None, description="An id for the person screened (never a name)."))
        _models[ruleset.content_hash] = create_model(
            "Answers", __config__=ConfigDict(extra="forbid"), **fields)
    return _models[ruleset.content_hash]


# ----------------------------------------------------------------------- validation

def allowed(q: Question) -> str:
    """What a question accepts, in words, for error messages."""
    if q.type == "int":
        return (_("a whole number from {min} to {max}").format(min=q.min, max=q.max)
                + (f" ({q.unit})" if q.unit else ""))
    if q.type == "date":
        return _("a date written YYYY-MM-DD, from {earliest} to today (it sets the "
                 "season)").format(earliest=EARLIEST_DATE.isoformat())
    codes = ", ".join(q.codes)
    if q.type == "multi":
        return _("a list of one or more of: {codes} ('none' and 'not_sure' stand "
                 "alone)").format(codes=codes)
    return _("one of: {codes}").format(codes=codes)


def _message(err: ErrorDetails, ruleset: RuleSet) -> tuple[str, str]:
    loc = err["loc"]
    field = str(loc[0]) if loc else ""
    given = err.get("input")
    if err["type"] == "extra_forbidden":
        known = ruleset.questions.by_id
        return field, (_("unknown question id '{id}'").format(id=shown(field))
                       + suggest(field, known))
    if field == RESPONDENT_ID:
        return field, f"respondent_id: {_(RESPONDENT_ID_RULE)}"
    q = ruleset.questions.by_id.get(field)
    if q is None:
        return field, err["msg"]
    echo = (shown(json.dumps(given, default=str)) if not isinstance(given, dict)
            else _("an object"))
    item = (" " + _("(item {number})").format(number=loc[1] + 1)
            if len(loc) > 1 and isinstance(loc[1], int) else "")
    detail = ""
    if err["type"] in ("value_error", "assertion_error"):
        detail = err["msg"].removeprefix("Value error, ") + "; "
    if q.type == "multi" and isinstance(given, str) and len(loc) == 1:
        # a single code where a list belongs: say so, with the list written out
        codes = [c.strip() for c in given.replace(";", ",").split(",") if c.strip()]
        unknown = [c for c in codes if c not in q.codes]
        fix = json.dumps(codes) if codes and not unknown else None
        detail = ((_("a list is needed, even for one answer") if len(codes) == 1
                   else _("a list is needed"))
                  + (": " + _("write {fix}").format(fix=fix) if fix else "") + "; ")
        if unknown:
            detail += (_("'{code}' is not a code").format(code=unknown[0])
                       + suggest(unknown[0], q.codes) + "; ")
        return field, f"{field}: {detail}" + _("got {given}; expected {allowed}").format(
            given=json.dumps(given), allowed=allowed(q))
    if q.type in ("choice", "multi") and isinstance(given, str) and len(loc) <= 2:
        detail += (_("'{code}' is not a code").format(code=shown(given))
                   + suggest(given, q.codes) + "; ")
        echo = ""
    got = _("got {given}; ").format(given=echo) if echo else ""
    return field, f"{field}{item}: {detail}{got}" + _("expected {allowed}").format(
        allowed=allowed(q))


MAX_PROBLEMS = 20  # problems listed in one error (the count says how many there are)


def validate_answers(raw: Any, ruleset: RuleSet, *, source: str | None = None,
                     text: str | None = None, today: dt.date | None = None) -> ValidatedAnswers:
    """Validate an answers mapping; raise AnswersError listing every problem."""
    if not isinstance(raw, dict):
        many = ("; " + _("this is a list: to screen many records, write one object a line "
                         "(JSON Lines) and use: screener batch FILE.jsonl -o results.csv")
                if isinstance(raw, list) else "")
        raise AnswersError(_("the answers must be a JSON object mapping question ids to "
                             "answers") + many, file=source, line=1)
    try:
        model = answers_model(ruleset).model_validate(raw)
    except ValidationError as exc:
        problems, first_line, fields = [], None, []
        errors = exc.errors()
        for err in errors[:MAX_PROBLEMS]:  # thousands of bad keys: the first ones say enough
            field, message = _message(err, ruleset)
            line = _line_of_key(text, field) if text else None
            first_line = first_line or line
            fields.append(field)
            problems.append((_("line {line}: ").format(line=line) if line and source else "")
                            + message)
        count = len(errors)
        if count > MAX_PROBLEMS:
            problems.append(_("... and {count} more").format(count=f"{count - MAX_PROBLEMS:,}"))
        error = AnswersError(
            (ngettext("{count} invalid answer in {source}", "{count} invalid answers in {source}",
                      count) if source else
             ngettext("{count} invalid answer", "{count} invalid answers", count)
             ).format(count=count, source=source),
            file=source, line=first_line, field=fields[0] if fields else None,
            problems=problems)
        from .red_flags import red_flags_in

        error.red_flags = red_flags_in(raw, ruleset)  # red flags win, even in bad answers
        raise error from None
    dumped = model.model_dump()
    values = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in dumped.items()
              if v is not None and k != RESPONDENT_ID}
    if "screened_on" in ruleset.questions.by_id and "screened_on" not in values:
        day = today or dt.date.today()
        values["screened_on"] = day.isoformat() if isinstance(day, dt.date) else day
    values, warnings = apply_skip_logic(values, ruleset)
    ordered = {q.id: values[q.id] for q in ruleset.questions if q.id in values}
    return ValidatedAnswers(values=ordered, respondent_id=dumped[RESPONDENT_ID],
                            warnings=warnings)


def apply_skip_logic(values: dict, ruleset: RuleSet) -> tuple[dict, list[str]]:
    """Drop answers to questions that would not have been shown (definitely false)."""
    values, warnings = dict(values), []
    kept: set[str] = set()
    changed = True
    conditional = [q for q in ruleset.questions if q.shown_if is not None]
    while changed:  # dropping one answer can hide another (e.g. a chain of shown_if)
        changed = False
        for q in conditional:
            if q.id in values and conditions.evaluate(q.shown_if, values) is False:
                if values[q.id] in q.used_when_hidden:  # spec 0.1: never ignored
                    if q.id not in kept:
                        kept.add(q.id)
                        warnings.append(
                            f'Your answer "{q.label(values[q.id])}" to "{q.text}" was used '
                            "although that question is only asked when "
                            f"{_why_hidden(q.shown_if, values, ruleset)}: please check this "
                            f"answer with the person. [{q.id}]")
                    continue
                warnings.append(f'Your answer to "{q.text}" was not used: that question is '
                                f"only asked when {_why_hidden(q.shown_if, values, ruleset)}. "
                                f"[{q.id}]")
                del values[q.id]
                changed = True
    return values, warnings


def _why_hidden(cond, values: dict, ruleset: RuleSet, nested: bool = False) -> str:
    """The part of a question's ``shown_if`` that the answers make false, in words a person
    reads: question texts and answer labels, not ids and codes ("What was your sex at
    birth?" is not answered "Male")."""
    if isinstance(cond, conditions.Test):
        return _test_in_words(cond, ruleset)
    if isinstance(cond, conditions.All):
        parts = [p for p in cond.all if conditions.evaluate(p, values) is False] or cond.all
        word = " and "
    else:  # every alternative is false
        parts, word = cond.any, " or "
    text = word.join(_why_hidden(p, values, ruleset, nested=len(parts) > 1) for p in parts)
    return f"({text})" if nested and len(parts) > 1 else text


def _test_in_words(test, ruleset: RuleSet) -> str:
    q = ruleset.questions.by_id.get(test.name)
    name = f'"{q.text}"' if q else test.name

    def label(value) -> str:
        return f'"{q.label(value)}"' if q and q.options else (q.label(value) if q else str(value))

    values = [label(v) for v in test.values()]
    either = " or ".join(values)
    if test.op == "known":
        return f"{name} is {'answered' if test.value else 'not answered'}"
    words = {
        "is": f"is answered {either}",
        "in": f"is answered {either}",
        "is_not": f"is not answered {either}",
        "not_in": f"is not answered {either}",
        "has": f"has {either} among its answers",
        "has_any": f"has {either} among its answers",
        "lacks": f"does not have {either} among its answers",
        "lacks_all": f"has none of {', '.join(values)} among its answers",
        "gte": f"is answered {either} or more",
        "gt": f"is answered more than {either}",
        "lte": f"is answered {either} or less",
        "lt": f"is answered less than {either}",
    }
    return f"{name} {words.get(test.op, conditions.OPERATORS.get(test.op, test.op) + ' ' + either)}"


def is_shown(q: Question, values: dict) -> bool:
    return q.shown_if is None or conditions.evaluate(q.shown_if, values) is not False


def _line_of_key(text: str | None, key: str) -> int | None:
    if not text or not key:
        return None
    match = re.search(r'"' + re.escape(key) + r'"\s*:', text)
    return text.count("\n", 0, match.start()) + 1 if match else None
