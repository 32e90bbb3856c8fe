"""pydantic's validation errors in the words of the person who wrote the YAML.

pydantic says "Input should be 'derived', 'indicator', ..." and "Extra inputs are not
permitted"; a rule author reads "kind must be one of: derived, indicator, ... (did you
mean 'indicator'?)" and "unknown key 'reson' (did you mean 'reason'?)". Each sentence
comes with a stable check code (listed in ``problems.LOAD_CHECKS`` and rules/README.md),
so a test, a script or a reviewer can tell problems apart without parsing the words.
"""

from __future__ import annotations

import re
import types
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from ..spelling import closest, suggest
from .conditions import Condition
from .models import ID_PATTERN
from .yaml_spelling import as_yaml, plain

#: pydantic error type -> what the value must be, in words (code "wrong-type")
KINDS = {
    "string_type": "text", "int_type": "a whole number", "int_parsing": "a whole number",
    "int_from_float": "a whole number", "float_type": "a number", "float_parsing": "a number",
    "bool_type": "true or false", "bool_parsing": "true or false", "list_type": "a list",
    "dict_type": "a mapping (key: value lines)", "model_type": "a mapping (key: value lines)",
    "model_attributes_type": "a mapping (key: value lines)", "date_type": "a date (YYYY-MM-DD)",
    "date_parsing": "a date (YYYY-MM-DD)", "date_from_datetime_parsing": "a date (YYYY-MM-DD)",
    "none_required": "empty",
}


def explain_all(errors: list[dict], model: type[BaseModel] | None = None) -> list[tuple]:
    """(error, code, sentence) for each error, leaving out a missing key that the
    did-you-mean of an unknown key already names: `reson` written for `reason` is one
    mistake, so it is one problem."""
    named = set()
    for error in errors:
        loc = tuple(error["loc"])
        if error["type"] == "extra_forbidden" and model is not None:
            meant = closest(loc[-1], keys_of(_annotation_at(model, loc[:-1])))
            named.add(loc[:-1] + (meant,))
    return [(error, *explain(error, model)) for error in errors
            if not (error["type"] == "missing" and tuple(error["loc"]) in named)]


def explain(error: dict, model: type[BaseModel] | None = None) -> tuple[str, str]:
    """(code, sentence) for one entry of ``ValidationError.errors()`` raised by ``model``.

    The model, when given, supplies the keys and choices for did-you-mean; without it
    the sentence is the same, less the suggestion.
    """
    loc = tuple(error["loc"])
    kind, value, ctx = error["type"], error.get("input"), error.get("ctx") or {}
    field = field_path(loc)
    at = _annotation_at(model, loc) if model else None
    if kind == "missing":
        return "missing-key", _under(field_path(loc[:-1]), f"missing key '{loc[-1]}'")
    if kind == "extra_forbidden":
        keys = keys_of(_annotation_at(model, loc[:-1])) if model else []
        return "unknown-key", _under(field_path(loc[:-1]), unknown_key(loc[-1], keys))
    if kind in ("literal_error", "enum"):
        choices = _choices(at) or re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        listed = ", ".join(map(plain, choices[:-1])) + f" or {plain(choices[-1])}" \
            if len(choices) > 1 else ", ".join(map(plain, choices))
        hint = suggest(value, choices) if isinstance(value, str) else ""
        return "bad-choice", (f"{field or 'the value'} must be one of: {listed}, not "
                              f"{as_yaml(value)}{hint}")
    if kind == "string_pattern_mismatch" and ctx.get("pattern") == ID_PATTERN:
        return "bad-id", (f"{field or 'the id'}: {as_yaml(value)} is not an id: use letters, "
                          "digits, '-' and '_', starting with a letter or a digit")
    if kind in KINDS:
        return "wrong-type", f"{field or 'the value'} must be {KINDS[kind]}, not {as_yaml(value)}"
    if kind in ("too_short", "string_too_short", "too_long", "string_too_long"):
        return "wrong-length", _under(field, _length(kind, ctx))
    if kind in ("value_error", "assertion_error"):
        message = str(error["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
        return _value_error_code(at, loc), _under(field, message)
    return "bad-value", _under(field, f"{error['msg']} (found {as_yaml(value)})")


def unknown_key(key: Any, keys: list[str]) -> str:
    """"unknown key 'reson' (did you mean 'reason'?)", else the keys that exist."""
    hint = suggest(key, keys) if isinstance(key, str) else ""
    listed = f"; the keys here are: {', '.join(keys)}" if keys and not hint else ""
    return f"unknown key {as_yaml(key)}{hint}{listed}"


def field_path(loc: tuple) -> str:
    """The keys along a location, dotted (`examples.expect`, `computed.bmi.kind`).

    List positions are left out: the line number already points at the item, and the
    value is named in the sentence; pydantic's internal steps (`function-...`) too."""
    return ".".join(str(p) for p in loc if isinstance(p, str)
                    and not p.startswith(("function-", "tagged-union")))


def _under(field: str, sentence: str) -> str:
    return f"{field}: {sentence}" if field else sentence


def _length(kind: str, ctx: dict) -> str:
    if kind == "too_short":
        least = ctx.get("min_length", 1)
        return "must list at least one item" if least == 1 else f"must list at least {least} items"
    if kind == "too_long":
        return f"must list at most {ctx.get('max_length')} items"
    if kind == "string_too_short":
        return "must not be empty" if ctx.get("min_length", 1) == 1 \
            else f"must be at least {ctx.get('min_length')} characters long"
    return f"must be at most {ctx.get('max_length')} characters long"


def _value_error_code(annotation: Any, loc: tuple) -> str:
    """A model's own check (a derived rule without `concludes`) finds a bad combination
    of keys; a check on a condition field (`when`, `shown_if`) is the condition parser's."""
    if not loc or _is_model(annotation):
        return "bad-combination"
    # unwrapped: an optional condition (`shown_if`, `risk`: ConditionField | None) is
    # Annotated inside the Optional
    if set(_alternatives(_unwrap(annotation))) == set(get_args(Condition)):
        return "bad-condition"
    return "bad-value"


# ------------------------------------------------- reading the model along a location

def _annotation_at(model: Any, loc: tuple) -> Any:
    """The type declared at ``loc`` inside ``model`` (None when the path leaves it)."""
    annotation = model
    for part in loc:
        annotation = _step(annotation, part)
        if annotation is None:
            return None
    return annotation


def _step(annotation: Any, part: Any) -> Any:
    annotation = _unwrap(annotation)
    if _is_model(annotation) and isinstance(part, str):
        field = annotation.model_fields.get(part)
        return field.annotation if field else None
    origin, args = get_origin(annotation), get_args(annotation)
    if origin in (list, tuple, set) and isinstance(part, int) and args:
        return args[0]
    if origin is dict and len(args) == 2:
        return args[1]
    return None


def _unwrap(annotation: Any) -> Any:
    """`Annotated[X, ...]` -> X; `X | None` -> X."""
    while True:
        if get_origin(annotation) is Annotated:
            annotation = get_args(annotation)[0]
            continue
        alternatives = _alternatives(annotation)
        if len(alternatives) == 1 and alternatives[0] is not annotation:
            annotation = alternatives[0]
            continue
        return annotation


def _alternatives(annotation: Any) -> list:
    if get_origin(annotation) in (Union, types.UnionType):
        return [a for a in get_args(annotation) if a is not type(None)]
    return [annotation]


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def keys_of(annotation: Any) -> list[str]:
    """The keys a person may write in a model (not those the loader fills in)."""
    annotation = _unwrap(annotation)
    if not _is_model(annotation):
        return []
    return [name for name, f in annotation.model_fields.items() if not f.exclude]


def _choices(annotation: Any) -> list:
    annotation = _unwrap(annotation)
    return list(get_args(annotation)) if get_origin(annotation) is Literal else []
