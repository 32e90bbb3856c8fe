"""Batch CSV records from a plain file, a REDCap export or an ODK Central export.

The header is read once into a *plan*: what each column means. Each row is then turned
into an answers mapping with that plan (validated afterwards like any answers file).

=========  =================================================================================
source     columns
=========  =================================================================================
plain      question ids and ``respondent_id``; multi answers separated by ``;``
redcap     ``record_id`` (or whatever the first column, REDCap's record id field, is
           called) as the respondent id; a checkbox question as one 0/1 column per
           option, ``<question>___<code>``, folded into a list; REDCap's bookkeeping
           columns ignored (``redcap_event_name``, ``redcap_repeat_*``,
           ``redcap_data_access_group``, ``redcap_survey_identifier``, ``*_timestamp``,
           ``*_complete``) and so are the descriptive fields of our dictionary
odk        group paths removed (``about_you_section-age_years`` is ``age_years``); multi
           answers separated by spaces (or split 0/1 columns ``<path>/<code>``);
           ``KEY`` (else ``meta-instanceID``) as the respondent id, as given
           (``uuid:...``); ``SubmissionDate``'s date as ``screened_on`` when a record has
           none; Central's bookkeeping columns and our form's notes ignored
=========  =================================================================================

Every unknown column is named in one error, with did-you-mean suggestions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..answers import RESPONDENT_ID
from ..errors import AnswersError, ScreenerError, shown
from ..ruleset.models import RuleSet
from ..spelling import suggest
from . import redcap, xlsform

SOURCES = ("plain", "redcap", "odk")
DESCRIPTIONS = {"plain": "a plain CSV (question id columns)",
                "redcap": "a REDCap export (record_id, checkbox columns ___code)",
                "odk": "an ODK Central export (SubmissionDate, group-path columns, KEY)"}


class ColumnsError(ScreenerError):
    """The header of a batch CSV cannot be read as the chosen source."""


@dataclass(frozen=True)
class Column:
    """What one CSV column means. ``kind``: answer (of ``question``), option (``code`` of
    the multi ``question``, 0/1), respondent_id, submission_date, ignore."""

    kind: str
    question: str = ""
    code: str = ""


IGNORE = Column("ignore")


def detect(header: list[str]) -> str:
    """The source a header most likely comes from (REDCap before ODK before plain)."""
    if redcap.looks_like(header):
        return "redcap"
    if xlsform.looks_like(header):
        return "odk"
    return "plain"


def _odk_question(column: str, questions) -> str | None:
    """The question id at the end of an ODK group path (longest known tail first)."""
    parts = column.split("-")
    for start in range(len(parts)):
        name = "-".join(parts[start:])
        if name in questions:
            return name
    return None


def _column(name: str, source: str, ruleset: RuleSet, notes: set[str]) -> Column | None:
    questions = ruleset.questions.by_id
    if source == "plain":
        if name == RESPONDENT_ID:
            return Column("respondent_id")
        return Column("answer", name) if name in questions else None
    if source == "redcap":
        if name == redcap.RECORD_ID:
            return Column("respondent_id")
        if redcap.is_bookkeeping(name) or name in notes:
            return IGNORE
        if redcap.CHECKBOX in name:
            qid, code = name.rsplit(redcap.CHECKBOX, 1)
            q = questions.get(qid)
            if q is not None and q.type == "multi" and code in q.codes:
                return Column("option", qid, code)
            return None
        return Column("answer", name) if name in questions else None
    # odk
    if name in xlsform.INSTANCE_IDS:
        return Column("respondent_id")
    if name == xlsform.SUBMISSION_DATE:
        return Column("submission_date")
    if name in xlsform.BOOKKEEPING:
        return IGNORE
    path, _, code = name.rpartition("/")
    if path:  # a split select_multiple column: <path>/<code>
        owner = _odk_question(path, questions)
        q = questions.get(owner) if owner else None
        if q is not None and q.type == "multi" and code in q.codes:
            return Column("option", q.id, code)
        return None
    odk_id = _odk_question(name, questions)
    if odk_id is not None:
        return Column("answer", odk_id)
    tail = name.rsplit("-", 1)[-1]
    if tail == RESPONDENT_ID:
        return Column("respondent_id")
    if tail in notes or name in notes:
        return IGNORE
    return None


def plan(header: list[str], source: str, ruleset: RuleSet, file: str) -> tuple[Column, ...]:
    """What each column means; ColumnsError naming every unknown column at once."""
    if source not in SOURCES:
        raise ColumnsError(f"unknown source '{source}'; choose one of: {', '.join(SOURCES)}")
    notes = (xlsform.note_names(ruleset) if source == "odk"
             else {r["Variable / Field Name"] for r in redcap.dictionary_rows(ruleset)[0]
                   if r["Field Type"] == "descriptive"} if source == "redcap" else set())
    found = [_column(name, source, ruleset, notes) for name in header]
    if source == "redcap" and header and found[0] is None:
        found[0] = Column("respondent_id")  # REDCap writes the record id field first,
        # whatever the project named it (participant_id, study_id, ...)
    unknown = [name for name, col in zip(header, found, strict=True) if col is None]
    if unknown:
        known = _known_names(source, ruleset)
        named = ", ".join(f"'{n}'{suggest(n, known) or suggest(_bare(n, source), known)}"
                          for n in unknown)
        what = {"plain": "question ids (see `screener schema answers`) and respondent_id",
                "redcap": "the fields of `screener questionnaire --redcap` (checkbox "
                          "columns <question>___<code>), record_id and REDCap's own columns",
                "odk": "the questions of `screener questionnaire --xlsform` (under their "
                       "group path), SubmissionDate, KEY and ODK Central's own columns"}[source]
        plural = "s" if len(unknown) > 1 else ""
        raise ColumnsError(f"unknown column{plural} {named} (reading it as "
                           f"{DESCRIPTIONS[source]}): columns are {what}{_hint(header, source)}",
                           file=file, line=1, field=unknown[0])
    columns = [col for col in found if col is not None]  # all of them: none is unknown
    ids = [i for i, col in enumerate(columns) if col.kind == "respondent_id"]
    if source == "odk" and len(ids) > 1:  # KEY first, then meta-instanceID
        keep = min(ids, key=lambda i: xlsform.INSTANCE_IDS.index(header[i])
                   if header[i] in xlsform.INSTANCE_IDS else -1)
        columns = [IGNORE if i in ids and i != keep else col for i, col in enumerate(columns)]
    answered = [col.question for col in columns if col.kind == "answer"]
    twice = sorted({q for q in answered if answered.count(q) > 1})
    if twice:
        raise ColumnsError(f"question '{twice[0]}' has more than one column: keep one",
                           file=file, line=1, field=twice[0])
    return tuple(columns)


def _hint(header: list[str], source: str) -> str:
    """A word on the commonest mistakes: the wrong --from, labels instead of codes."""
    detected = detect(header)
    if detected != source and detected != "plain":
        return f"; the columns look like {DESCRIPTIONS[detected]}: use --from {detected}"
    if any("(choice=" in c or c in ("Record ID", "Complete?") for c in header):
        return ("; this looks like a REDCap export with labels: export 'CSV / Microsoft "
                "Excel (raw data)' instead")
    if any(c in ("Submission Date", "Submitter Name") or " " in c for c in header):
        return "; column names hold spaces, so these look like labels: export codes, not labels"
    if source != "odk" and any("-" in c or "/" in c for c in header):
        return ("; columns named with a group path (group-question) come from ODK: use "
                "--from odk")
    return ""


def _bare(name: str, source: str) -> str:
    if source == "odk":
        return name.rsplit("-", 1)[-1]
    return name


def _known_names(source: str, ruleset: RuleSet) -> list[str]:
    names = list(ruleset.questions.by_id)
    if source == "redcap":
        names += [f"{q.id}{redcap.CHECKBOX}{c}" for q in ruleset.questions
                  if q.type == "multi" for c in q.codes] + [redcap.RECORD_ID]
    else:
        names.append(RESPONDENT_ID)
    return names


_TRUE = {"1", "checked", "true", "yes"}
_FALSE = {"0", "unchecked", "false", "no"}


def answers(cells: list[str], columns: tuple[Column, ...], source: str, ruleset: RuleSet,
            number: int) -> dict:
    """One row as an answers mapping: empty cell = unanswered, whole numbers parsed,
    multi answers split (``;`` plain and REDCap, spaces ODK), option columns folded."""
    if len(cells) != len(columns):
        raise AnswersError(f"row {number} has {len(cells)} cells but the header has "
                           f"{len(columns)} columns")
    questions = ruleset.questions.by_id
    out: dict[str, Any] = {}
    ticked: dict[str, list[str]] = {}
    joined: dict[str, str] = {}  # a multi question's text column, as written
    submitted = None
    for col, cell in zip(columns, cells, strict=True):  # as many: checked above
        text = cell.strip()
        if col.kind == "option":
            flag = text.lower()
            if flag in _TRUE:
                ticked.setdefault(col.question, []).append(col.code)
            elif flag and flag not in _FALSE:
                raise AnswersError(f"row {number}, column {col.question}{_sep(source)}"
                                   f"{col.code}: '{shown(text)}' is not 0 or 1",
                                   field=col.question)
            continue
        if not text or col.kind == "ignore":
            continue
        if col.kind == "respondent_id":
            out[RESPONDENT_ID] = text
        elif col.kind == "submission_date":
            submitted = text
        else:
            q = questions[col.question]
            if q.type == "int":
                if not _WHOLE.fullmatch(text):  # int() takes '4_0' and Arabic-Indic digits
                    raise AnswersError(f"row {number}, column {q.id}: '{shown(text)}' is not a "
                                       "whole number written with the digits 0-9", field=q.id)
                out[q.id] = int(text)
            elif q.type == "multi":
                joined[q.id] = text
                parts = text.split() if source == "odk" else text.split(";")
                out[q.id] = [item.strip() for item in parts if item.strip()]
            else:
                out[q.id] = text
    both = twice_given(columns)
    for qid, codes in ticked.items():
        if qid not in both:
            out[qid] = codes
    for qid in both:  # two copies of one answer: never one copy over the other
        codes = ticked.get(qid, [])
        if sorted(set(out.get(qid, []))) != sorted(set(codes)):  # blank = unanswered
            raise AnswersError(
                f"row {number}: question {qid} is given twice and the copies disagree: "
                f"column {qid} says '{shown(joined.get(qid, '')) or '(blank)'}', its "
                f"{'checkbox' if source == 'redcap' else 'split'} columns "
                f"{qid}{_sep(source)}<code> tick "
                f"{', '.join(codes) if codes else 'nothing'}; keep one copy", field=qid)
    if submitted and "screened_on" in questions and "screened_on" not in out:
        match = re.match(r"\d{4}-\d{2}-\d{2}", submitted)
        if match:
            out["screened_on"] = match.group(0)
    return out


def _split_questions(columns: tuple[Column, ...]) -> list[str]:
    """The multi questions given as option columns (REDCap checkbox, ODK split)."""
    return list(dict.fromkeys(col.question for col in columns if col.kind == "option"))


def twice_given(columns: tuple[Column, ...]) -> list[str]:
    """The multi questions a header gives twice: a text column (REDCap) or joined column
    (ODK) beside option columns. ``answers`` compares the two copies in every record."""
    answered = {col.question for col in columns if col.kind == "answer"}
    return [q for q in _split_questions(columns) if q in answered]


_WHOLE = re.compile(r"[+-]?[0-9]{1,18}", re.ASCII)


def _sep(source: str) -> str:
    return "/" if source == "odk" else redcap.CHECKBOX
