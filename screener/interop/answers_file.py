"""Reading one answers file, in whichever form it comes: an answers object in JSON, or a
FHIR QuestionnaireResponse (alone or in a Bundle) that an SDC form renderer filled in.

Everything read goes through ``reading`` (regular files only, size and shape limits),
then ``answers.validate_answers``. An error names the file and the line, points to
``screener batch`` when a table of many records was given, and carries any red flag
the rejected input shows (``red_flags``): the CLI says it loudly.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from ..answers import ValidatedAnswers, validate_answers
from ..errors import AnswersError, ScreenerError
from ..i18n import _
from ..ruleset.models import RuleSet


def load_answers_file(path: str | Path, ruleset: RuleSet, today: dt.date | None = None
                      ) -> ValidatedAnswers:
    """Read and validate an answers JSON file (``-`` reads standard input) through
    ``reading`` (regular files only, size and shape limits); errors name the file and
    the line, and carry any red flag the rejected answers report."""
    from ..reading import UnreadableInput, read_stream, read_text

    source = "<stdin>" if str(path) == "-" else str(path)
    try:
        if source == "<stdin>":
            import sys

            text = read_stream(sys.stdin.buffer)
        else:
            text = read_text(path)
    except UnreadableInput as exc:
        raise with_red_flags(exc, exc.seen, ruleset) from None
    return parse_answers_text(text, ruleset, source, today)


def _many_records(text: str, source: str, problem: str) -> str | None:
    """When a file of many records was given where one answers object belongs (a CSV
    export, JSON Lines), the message that points to ``screener batch``."""
    name = source if source != "<stdin>" else "FILE"
    first = text.lstrip().split("\n", 1)[0]
    suffix = Path(source).suffix.lower()
    if "Extra data" in problem and first.startswith("{") or suffix == ".jsonl":
        kind, example = _("JSON Lines (one record a line)"), "results.jsonl"
    elif suffix in (".csv", ".tsv") or ("," in first and first[:1] not in "{[\""):
        kind, example = _("a CSV table (one record a row)"), "results.csv"
    else:
        return None
    return _("this looks like {kind}, but screen reads one answers object in JSON (see "
             "`screener schema answers`). To screen many records use: screener batch {name} "
             "-o {example}").format(kind=kind, name=name, example=example)


def parse_answers_text(text: str, ruleset: RuleSet, source: str,
                       today: dt.date | None = None) -> ValidatedAnswers:
    """Parse JSON text (under reading's limits) and validate it; a syntax error names
    the line and column.

    A FHIR QuestionnaireResponse (or a Bundle holding one) is read as the answers it
    gives (interop.fhir_response), told apart by its ``resourceType``. Whichever stage
    refuses the input, the error carries the red flags of its raw values."""
    from ..reading import UnreadableInput, parse_json

    try:
        raw = parse_json(text, source)
    except UnreadableInput as exc:
        many = _many_records(text, source, exc.message)
        if many:  # a CSV or JSON Lines file: point to batch (red flags still searched)
            exc = UnreadableInput(many, seen=exc.seen, file=source)
        raise with_red_flags(exc, exc.seen, ruleset) from None
    try:
        if isinstance(raw, dict) and "resourceType" in raw:
            from .fhir_response import answers_from_fhir

            answers = answers_from_fhir(raw, ruleset, source)  # no key lines to point to
            return validate_answers(answers, ruleset, source=source, today=today)
        return validate_answers(raw, ruleset, source=source, text=text, today=today)
    except AnswersError as error:  # whichever stage refused: the raw values' red flags
        raise with_raw_red_flags(error, raw, ruleset) from None


def with_raw_red_flags(error: AnswersError, raw: Any, ruleset: RuleSet) -> AnswersError:
    """The error, also carrying the red flags of the parsed input as given (a FHIR
    response: every value answered on any item, ``fhir_response.loose``), found whatever
    stage refused it and however far its reading got."""
    from ..red_flags import red_flags_in

    if isinstance(raw, dict) and "resourceType" in raw:
        from .fhir_response import loose

        raw = loose(raw, ruleset)
    error.red_flags = list(dict.fromkeys(error.red_flags + red_flags_in(raw, ruleset)))
    return error


def with_red_flags(exc: ScreenerError, seen: Any, ruleset: RuleSet) -> ScreenerError:
    """The error, carrying any red flag in what was read of input that could not be
    parsed (every copy of a repeated key, or the text): the CLI says it loudly."""
    from ..red_flags import scanner

    scan = scanner(ruleset)
    if isinstance(seen, dict):
        exc.red_flags = scan.in_mapping(seen)
    elif isinstance(seen, str):
        exc.red_flags = scan.in_text(seen)
    return exc
