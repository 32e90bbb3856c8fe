"""XLSForm: the question bank as a form for ODK Central, KoboToolbox and other XLSForm
tools, and what ODK Central export columns mean.

The form has the three standard sheets:

- ``survey``: one group per section, named ``<section>_section`` so it can never clash
  with a question id (the section ``medicines`` holds the question ``medicines``),
  opened by the section intro as a note; ``select_one``/``select_multiple`` for choice
  and multi questions (list name = question id), ``integer`` with a ``constraint`` for
  the range, ``date`` (the screening date defaults to ``today()``); help as ``hint``;
  skip logic as ``relevant`` (``skip_logic.XLSFORM``: shown unless definitely false);
  ``none``/``not_sure`` stand alone (a constraint); the urgent check is required; after
  a question with urgent answers, a note with the urgent advice shows when one is chosen;
- ``choices``: every answer code with its label (``not_sure`` included where allowed);
- ``settings``: title, form id and version (the ruleset's).

``sheets`` builds the rows (plain data, no I/O); ``to_xlsx`` writes them with openpyxl
(imported only then); ``dump`` gives a readable text form for golden files and reviews.

An ODK Central CSV export of the form starts with ``SubmissionDate``, names question
columns by their group path (``about_you_section-age_years``), writes select_multiple
answers as space-separated codes and ends with ``meta-instanceID``, ``KEY`` and the
bookkeeping columns in ``BOOKKEEPING``.
"""

from __future__ import annotations

import csv
import io

from ..i18n import _
from .skip_logic import XLSFORM, shown_if

SURVEY = ["type", "name", "label", "hint", "required", "relevant", "constraint",
          "constraint_message", "default"]
CHOICES = ["list_name", "name", "label"]
SETTINGS = ["form_title", "form_id", "version"]
URGENT_CHECK = "red_flags_now"
EXCLUSIVE = ("none", "not_sure")
TYPES = {"choice": "select_one", "multi": "select_multiple", "int": "integer", "date": "date"}
#: ODK Central's own columns in a CSV export
BOOKKEEPING = {"SubmissionDate", "SubmitterID", "SubmitterName", "AttachmentsPresent",
               "AttachmentsExpected", "Status", "ReviewState", "DeviceID", "Edits",
               "FormVersion", "KEY", "meta-instanceID", "meta-instanceName", "meta-audit",
               "instanceID", "start", "end", "today", "deviceid", "username", "phonenumber",
               "email", "audit", "simserial", "subscriberid"}
SUBMISSION_DATE = "SubmissionDate"
INSTANCE_IDS = ("KEY", "meta-instanceID", "instanceID")


def group_name(section) -> str:
    return f"{section.id}_section"


def intro_name(section) -> str:
    return f"{section.id}_intro"


def urgent_name(question) -> str:
    return f"{question.id}_urgent"


def note_names(ruleset) -> set[str]:
    """Names of the form's notes (no answers: ignored when reading an export)."""
    from ..red_flags import urgent_codes

    urgent = urgent_codes(ruleset)
    return ({intro_name(s) for s in ruleset.questions.sections if s.intro}
            | {urgent_name(q) for q in ruleset.questions if urgent.get(q.id)})


def _constraint(question) -> tuple[str, str]:
    if question.type == "int":
        unit = f" ({question.unit})" if question.unit else ""
        return (f". >= {question.min} and . <= {question.max}",
                _("A whole number from {minimum} to {maximum}").format(
                    minimum=question.min, maximum=question.max) + f"{unit}.")
    exclusive = [c for c in question.codes if c in EXCLUSIVE]
    if question.type == "multi" and exclusive:
        rule = " and ".join(f"not(selected(., '{c}') and count-selected(.) > 1)"
                            for c in exclusive)
        labels = _(" and ").join(f"'{question.label(c)}'" for c in exclusive)
        return rule, _("{labels} cannot be chosen with other answers.").format(labels=labels)
    return "", ""


def sheets(ruleset) -> tuple[dict[str, list[list[str]]], list[str]]:
    """{sheet name: rows, header first} and the skip-logic problems."""
    from ..red_flags import urgent_codes
    from .fhir_questionnaire import urgent_advice

    questions = ruleset.questions.by_id
    urgent = urgent_codes(ruleset)
    problems: list[str] = []
    survey, choices = [SURVEY], [CHOICES]

    def row(**cells) -> list[str]:
        return [cells.get(column, "") for column in SURVEY]

    for section in ruleset.questions.sections:
        survey.append(row(type="begin_group", name=group_name(section), label=section.title))
        if section.intro:
            survey.append(row(type="note", name=intro_name(section), label=section.intro))
        for q in section.questions:
            kind = TYPES[q.type] + (f" {q.id}" if q.type in ("choice", "multi") else "")
            constraint, message = _constraint(q)
            survey.append(row(type=kind, name=q.id, label=q.text, hint=q.help,
                              required="yes" if q.id == URGENT_CHECK else "",
                              relevant=shown_if(q, questions, XLSFORM, problems),
                              constraint=constraint, constraint_message=message,
                              default="today()" if q.default == "today" else ""))
            choices += [[q.id, code, q.label(code)] for code in q.codes]
            if urgent.get(q.id):
                survey.append(row(type="note", name=urgent_name(q), label=urgent_advice(ruleset),
                                  relevant=XLSFORM.answered_any(q, urgent[q.id])))
        survey.append(row(type="end_group", name=group_name(section)))
    names = [r[1] for r in survey[1:] if r[0] != "end_group"]
    clashes = sorted({n for n in names if names.count(n) > 1})
    if clashes:
        raise ValueError(f"XLSForm names would clash: {', '.join(clashes)}")
    settings = [SETTINGS, ["Nutrition screening questionnaire",
                           ruleset.name.replace("-", "_"), ruleset.version]]
    return {"survey": survey, "choices": choices, "settings": settings}, problems


def dump(book: dict[str, list[list[str]]]) -> str:
    """A readable text form of the sheets (CSV under a '## sheet' line each)."""
    out = io.StringIO()
    for name, rows in book.items():
        out.write(f"## {name}\n")
        csv.writer(out, lineterminator="\n").writerows(rows)
        out.write("\n")
    return out.getvalue()


def to_xlsx(book: dict[str, list[list[str]]]) -> bytes:
    """The sheets as an .xlsx workbook (openpyxl, imported only here)."""
    try:
        from openpyxl import Workbook
    except ImportError:  # a dependency: only an install older than the XLSForm export lacks it
        from ..errors import ScreenerError

        raise ScreenerError("writing the XLSForm needs openpyxl, which this installation "
                            "lacks: reinstall screener (pip install -e . or uv sync), or "
                            "pip install openpyxl") from None
    workbook = Workbook()
    workbook.remove(workbook.worksheets[0])  # the empty sheet a new workbook starts with
    for name, rows in book.items():
        sheet = workbook.create_sheet(name)
        for values in rows:
            sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def language_name(ruleset) -> str:
    """XLSForm's name for a language: 'English (en)', 'Spanish (es)'."""
    name = ruleset.translation.name if ruleset.translation else "English"
    return f"{name} ({ruleset.language})"


#: sheet -> the columns that hold words (each gets a '::Language (xx)' twin)
TRANSLATED = {"survey": ("label", "hint", "constraint_message"), "choices": ("label",)}


def add_translations(book: dict, primary, others) -> dict:
    """The sheets with a ``label::Spanish (es)`` (hint, constraint message) column per
    other language, and ``default_language`` naming the plain columns' language. The
    other languages' sheets are built from the same rules, so their rows line up."""
    from ..i18n import language

    for other in others:
        with language(other.language):
            theirs, _problems = sheets(other)
        suffix = f"::{language_name(other)}"
        for sheet, columns in TRANSLATED.items():
            rows, their_rows = book[sheet], theirs[sheet]
            header = rows[0]
            at = [header.index(c) for c in columns]
            key = header.index("name")
            # a row without its twin would lose its translation: refused (ValueError)
            for n, (row, their) in enumerate(zip(rows, their_rows, strict=True)):
                if n and row[key] != their[key]:
                    raise ValueError(f"{sheet} row {n + 1}: '{row[key]}' has no counterpart "
                                     f"in {language_name(other)}")
                # new lists: the header row is the module's SURVEY / CHOICES constant
                rows[n] = row + ([c + suffix for c in columns] if n == 0
                                 else [their[i] for i in at])
    settings = book["settings"]
    settings[0] = settings[0] + ["default_language"]
    settings[1] = settings[1] + [language_name(primary)]
    return book


def render_xlsx(ruleset, translations=()) -> tuple[bytes, list[str]]:
    from ..safety import ensure_safe_text

    book, problems = sheets(ruleset)
    if translations:
        add_translations(book, ruleset, translations)
    ensure_safe_text(dump(book), "the XLSForm")
    return to_xlsx(book), problems


def render(ruleset, args) -> tuple[bytes, list[str]]:
    """For `screener questionnaire --xlsform`: every language of the rules in one form."""
    return render_xlsx(ruleset, getattr(args, "translations", ()))


# ------------------------------------------------------------------ export columns

def looks_like(header: list[str]) -> bool:
    """An ODK Central export: Central always writes SubmissionDate, KEY and
    meta-instanceID (a hyphen alone is not enough: 'age-years' is a typo in a plain file)."""
    return any(c in (SUBMISSION_DATE, "KEY", "meta-instanceID") for c in header)
