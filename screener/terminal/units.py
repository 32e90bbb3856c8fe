"""Typed answers in the units people actually use, converted to the bank's units.

A height may be typed ``170``, ``170 cm``, ``1.70 m``, ``5'7"`` or ``5 ft 7``; a weight
``70``, ``70 kg``, ``154 lb`` or ``11 st 4``. Each parser returns ``(value, shown)``:
the number in the question's unit and, when a conversion happened, the words to show
back ("5 ft 7 in = 170 cm"). Problems raise ValueError with the reason for the person.
Parsers are registered by the question's ``unit`` (a registry, not an if/elif chain).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import NamedTuple

from ..i18n import N_, _

CM_PER_INCH = 2.54
KG_PER_LB = 0.45359237
LB_PER_STONE = 14

class Measured(NamedTuple):
    """A typed answer converted from another unit, with the words to show back."""

    value: int
    shown: str


_NUMBER = r"(\d+(?:[.,]\d+)?)"


def _num(text: str) -> float:
    return float(text.replace(",", "."))


def _whole(text: str, what: str) -> tuple[float, str]:
    text = text.strip()
    if not re.fullmatch(r"-?\d+(?:[.,]\d+)?", text):
        raise ValueError(_("{what} must be a number, for example 42.").format(what=what))
    return _num(text), ""


def parse_length(text: str) -> tuple[float, str]:
    """Centimetres from cm, m, or feet and inches."""
    t = text.strip().lower().replace("”", '"').replace("’", "'").replace("″", '"')
    if m := re.fullmatch(_NUMBER + r"\s*(?:cm|centimet(?:re|er)s?|centímetros?)?", t):
        return _num(m[1]), ""
    if m := re.fullmatch(_NUMBER + r"\s*(?:m|met(?:re|er)s?|metros?)", t):
        cm = _num(m[1]) * 100
        return cm, f"{m[1]} m = {round(cm)} cm"
    feet = r"(\d+)\s*(?:'|ft|feet|foot)"
    inches = r"(?:(\d+(?:[.,]\d+)?)\s*(?:\"|''|in|inch|inches)?)?"
    if m := re.fullmatch(feet + r"\s*" + inches, t):
        ft, inch = int(m[1]), _num(m[2]) if m[2] else 0.0
        if inch >= 12:
            raise ValueError(_("{inches} inches is 12 or more: write it as feet and inches, "
                               "for example 5'7\".").format(inches=m[2]))
        cm = (ft * 12 + inch) * CM_PER_INCH
        shown_in = f" {m[2]} in" if m[2] else ""
        return cm, f"{ft} ft{shown_in} = {round(cm)} cm"
    if m := re.fullmatch(_NUMBER + r"\s*(?:\"|in|inch|inches)", t):
        cm = _num(m[1]) * CM_PER_INCH
        return cm, f"{m[1]} in = {round(cm)} cm"
    raise ValueError(_("Height must be a number of centimetres (such as 170) or feet and "
                       "inches (such as 5'7\" or 5 ft 7)."))


def parse_mass(text: str) -> tuple[float, str]:
    """Kilograms from kg, lb, or stones and pounds."""
    t = text.strip().lower()
    if m := re.fullmatch(_NUMBER + r"\s*(?:kg|kgs|kilos?|kilograms?)?", t):
        return _num(m[1]), ""
    if m := re.fullmatch(_NUMBER + r"\s*(?:lb|lbs|pounds?)", t):
        kg = _num(m[1]) * KG_PER_LB
        return kg, f"{m[1]} lb = {round(kg)} kg"
    stone = r"(\d+)\s*(?:st|stone|stones)"
    pounds = r"(?:(\d+(?:[.,]\d+)?)\s*(?:lb|lbs|pounds?)?)?"
    if m := re.fullmatch(stone + r"\s*" + pounds, t):
        st, lb = int(m[1]), _num(m[2]) if m[2] else 0.0
        kg = (st * LB_PER_STONE + lb) * KG_PER_LB
        shown_lb = f" {m[2]} lb" if m[2] else ""
        return kg, f"{st} st{shown_lb} = {round(kg)} kg"
    raise ValueError(_("Weight must be a number of kilograms (such as 70), pounds (such as "
                       "154 lb) or stones and pounds (such as 11 st 4)."))


#: question unit -> parser of typed text (anything else: a plain number)
PARSERS: dict[str, Callable[[str], tuple[float, str]]] = {
    "cm": parse_length,
    "kg": parse_mass,
}


#: question unit -> how an answer may be typed (shown next to the question)
HINTS: dict[str, str] = {
    "cm": N_("cm, or feet and inches like 5'7\""),
    "kg": N_("kg, or lb like 154 lb, or stones like 11 st 4"),
}


def hint(unit: str) -> str:
    """How an answer in ``unit`` may be typed, in the current language ('' if plain)."""
    return _(HINTS[unit]) if unit in HINTS else ""


def parse_number(text: str, *, unit: str, minimum: int, maximum: int, name: str
                 ) -> tuple[int, str]:
    """A whole number in ``unit`` within [minimum, maximum]; ValueError with the reason."""
    parser = PARSERS.get(unit, lambda t: _whole(t, name))
    value, shown = parser(text)
    rounded = round(value)
    if not minimum <= rounded <= maximum:
        unit_words = f" {unit}" if unit and unit not in ("years", _("years")) else ""
        given = f" ({shown})" if shown else " (" + _("you typed {text}").format(
            text=text.strip()) + ")"
        raise ValueError(_("{name} must be between {minimum} and {maximum}").format(
            name=name, minimum=minimum, maximum=maximum) + f"{unit_words}{given}.")
    return rounded, shown


def parse_date(text: str, today: dt.date) -> str:
    """An ISO date (YYYY-MM-DD), not in the future; ``today`` is accepted as a word."""
    t = text.strip().lower()
    if t in ("", "today", _("today")):
        return today.isoformat()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", t):
        raise ValueError(_("Write the date as YYYY-MM-DD, for example {example}, or type "
                           "today.").format(example=today.isoformat()))
    try:
        day = dt.date.fromisoformat(t)
    except ValueError:
        raise ValueError(_("{date} is not a real date.").format(date=t)) from None
    if day > today:
        raise ValueError(_("The date cannot be in the future."))
    return day.isoformat()
