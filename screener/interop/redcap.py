"""REDCap: the question bank as a data dictionary, and what REDCap export columns mean.

The data dictionary (Designer > Data Dictionary > upload) imports as is:

- ``record_id`` first (REDCap's record id field), then one instrument per section
  (``Form Name`` = section id), opened by the section title as ``Section Header`` and
  the section intro as a descriptive field ``<section>_intro``;
- a choice question is a ``radio`` field, a multi question a ``checkbox`` field, with
  choices ``code, label | code, label`` (``not_sure`` included where allowed); a
  checkbox's ``none`` and ``not_sure`` are exclusive (``@NONEOFTHEABOVE``);
- a whole number is ``text`` validated as ``integer`` with its range, a date ``text``
  validated as ``date_ymd`` (the screening date starts as ``@TODAY``);
- skip logic as branching logic (``skip_logic.REDCAP``: shown unless definitely false);
- help as the field note; the urgent check is required; after a question with urgent
  answers, a descriptive field with the urgent advice shows when one is chosen.

A "CSV (raw data)" export of such a project has ``record_id``, bookkeeping columns
(``redcap_event_name``, ``redcap_repeat_instrument``, ``redcap_repeat_instance``,
``redcap_data_access_group``, ``redcap_survey_identifier``, ``<form>_timestamp``,
``<form>_complete``), raw codes for radio fields and one 0/1 column per checkbox option
(``red_flags_now___chest_pain``): ``column`` below says what each one means.
"""

from __future__ import annotations

import csv
import io
import re

from ..i18n import _
from .skip_logic import REDCAP, shown_if

HEADER = ["Variable / Field Name", "Form Name", "Section Header", "Field Type", "Field Label",
          "Choices, Calculations, OR Slider Labels", "Field Note",
          "Text Validation Type OR Show Slider Number", "Text Validation Min",
          "Text Validation Max", "Identifier?", "Branching Logic (Show field only if...)",
          "Required Field?", "Custom Alignment", "Question Number (surveys only)",
          "Matrix Group Name", "Matrix Ranking?", "Field Annotation"]
RECORD_ID = "record_id"
URGENT_CHECK = "red_flags_now"
EXCLUSIVE = ("none", "not_sure")
NAME = re.compile(r"^[a-z][a-z0-9_]*$")
#: REDCap's own columns in a record export (exact names)
BOOKKEEPING = {"redcap_event_name", "redcap_repeat_instrument", "redcap_repeat_instance",
               "redcap_data_access_group", "redcap_survey_identifier"}
BOOKKEEPING_SUFFIXES = ("_complete", "_timestamp")
CHECKBOX = "___"


class DictionaryError(ValueError):
    """The question bank cannot be written as a REDCap data dictionary."""


def _choices(question) -> str:
    for code in question.codes:
        if "|" in question.label(code):
            raise DictionaryError(f"{question.id}: the label of '{code}' contains '|', which "
                                  "REDCap reads as a choice separator")
    return " | ".join(f"{code}, {question.label(code)}" for code in question.codes)


def _row(**cells) -> dict:
    return {column: cells.get(key, "") for column, key in zip(HEADER, (
        "name", "form", "section", "type", "label", "choices", "note", "validation", "min",
        "max", "identifier", "branching", "required", "align", "number", "matrix",
        "ranking", "annotation"), strict=True)}


def _field(question, questions, form: str, problems: list[str]) -> dict:
    cells = {"name": question.id, "form": form, "label": question.text, "note": question.help,
             "branching": shown_if(question, questions, REDCAP, problems)}
    if question.type in ("choice", "multi"):
        cells.update(type="radio" if question.type == "choice" else "checkbox",
                     choices=_choices(question))
        exclusive = [c for c in question.codes if c in EXCLUSIVE]
        if question.type == "multi" and exclusive:
            cells["annotation"] = f"@NONEOFTHEABOVE='{','.join(exclusive)}'"
    elif question.type == "int":
        cells.update(type="text", validation="integer", min=str(question.min),
                     max=str(question.max))
        if question.unit:
            cells["note"] = f"In {question.unit}. {question.help}".strip()
    else:
        cells.update(type="text", validation="date_ymd")
        if question.default == "today":
            cells["annotation"] = "@TODAY"
    if question.id == URGENT_CHECK:
        cells["required"] = "y"
    return _row(**cells)


def dictionary_rows(ruleset) -> tuple[list[dict], list[str]]:
    """The data dictionary as rows (column name -> cell), and skip-logic problems."""
    from ..red_flags import urgent_codes
    from .fhir_questionnaire import urgent_advice

    questions = ruleset.questions.by_id
    urgent = urgent_codes(ruleset)
    problems: list[str] = []
    rows: list[dict] = []
    for index, section in enumerate(ruleset.questions.sections):
        form = section.id
        fields = []
        if index == 0:
            fields.append(_row(name=RECORD_ID, form=form, type="text", label=_("Record ID"),
                               note=_("The respondent id: never a name.")))
        if section.intro:
            fields.append(_row(name=f"{section.id}_intro", form=form, type="descriptive",
                               label=section.intro))
        for question in section.questions:
            fields.append(_field(question, questions, form, problems))
            if urgent.get(question.id):
                fields.append(_row(name=f"{question.id}_urgent", form=form, type="descriptive",
                                   label=urgent_advice(ruleset),
                                   branching=REDCAP.answered_any(question, urgent[question.id])))
        fields[0]["Section Header"] = section.title
        rows += fields
    _check_names(rows, ruleset)
    return rows, problems


def _check_names(rows: list[dict], ruleset) -> None:
    names = [r["Variable / Field Name"] for r in rows]
    forms = {r["Form Name"] for r in rows}
    bad = [n for n in names + sorted(forms) if not NAME.match(n)]
    if bad:
        raise DictionaryError(f"REDCap names are lowercase letters, digits and '_' starting with "
                              f"a letter: {', '.join(bad)}")
    clashes = sorted({n for n in names if names.count(n) > 1}
                     | {n for n in names for f in forms if n == f"{f}_complete"})
    if clashes:
        raise DictionaryError(f"REDCap field names would clash: {', '.join(clashes)}")


def render_dictionary(ruleset) -> tuple[str, list[str]]:
    """The data dictionary as CSV text, and the skip-logic problems."""
    from ..safety import ensure_safe_text

    rows, problems = dictionary_rows(ruleset)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=HEADER, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return ensure_safe_text(buffer.getvalue(), "the REDCap data dictionary"), problems


def render(ruleset, args) -> tuple[str, list[str]]:
    """For `screener questionnaire --redcap`."""
    return render_dictionary(ruleset)


# ------------------------------------------------------------------ export columns

def is_bookkeeping(column: str) -> bool:
    return column in BOOKKEEPING or column.endswith(BOOKKEEPING_SUFFIXES)


def looks_like(header: list[str]) -> bool:
    """A REDCap raw export: record_id, redcap_* columns, checkbox or *_complete columns."""
    return any(c == RECORD_ID or c.startswith("redcap_") or CHECKBOX in c
               or c.endswith("_complete") for c in header)
