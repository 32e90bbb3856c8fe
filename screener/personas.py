"""Sample patients (``personas/*.yaml``): invented people with full answers and the result
a clinician expects, for demos, explain/whatif examples and tests.

Each file is one persona. Loading checks the file's shape (pydantic), that the answers
are valid for the question bank, that every shown question is answered (a demo must not
stop on a gap) and that the expected factors exist. Problems name file, line and field,
like a broken rules file, and are reported all together.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, ValidationError

from .answers import ValidatedAnswers, validate_answers
from .errors import AnswersError, RulesError
from .files import shipped_folder
from .i18n import _, ngettext
from .ruleset.models import Id, RuleSet
from .ruleset.problems import Problems
from .ruleset.yaml_source import line_of, read_yaml
from .spelling import suggest
from .types import FactorStrength, Strict, TriageLevelId

#: The shipped sample patients: a sibling folder of the package, like rules/.
DEFAULT_PERSONAS_DIR = shipped_folder("personas")


def _iso(value: Any) -> Any:
    # YAML reads 2025-01-20 as a date; answers files carry ISO strings.
    return value.isoformat() if isinstance(value, dt.date) else value


def _iso_dates(values: Any) -> Any:
    return {k: _iso(v) for k, v in values.items()} if isinstance(values, dict) else values


class Expectation(Strict):
    triage: TriageLevelId
    factors: dict[str, FactorStrength]  # factor id -> strength; {} for none
    held_back: list[str] = []  # factors whose indicators fired but an exception held
    notes: list[str] = []  # note ids that must be among the result's notes


Story = Annotated[str, Field(min_length=1, max_length=160, pattern=r"^[^\n]*$")]  # one line


class PersonaText(Strict):
    """A persona's texts in another language (the name is invented: it stays)."""

    story: Story


class Persona(Strict):
    id: Id
    name: str = Field(min_length=1, max_length=60)  # invented; never a real person
    story: Story
    answers: Annotated[dict[str, Any], BeforeValidator(_iso_dates)]
    expect: Expectation
    #: language code (as in rules/locales/) -> the texts in that language; a language
    #: without them shows the English story
    translations: dict[str, PersonaText] = {}
    file: str = Field(default="", exclude=True)

    def story_in(self, lang: str | None) -> str:
        text = self.translations.get(lang or "")
        return text.story if text else self.story


def load_personas(folder: str | Path | None, ruleset: RuleSet) -> dict[str, Persona]:
    """Every persona in the folder (file name order), checked against the ruleset."""
    folder = Path(folder) if folder else DEFAULT_PERSONAS_DIR
    if not folder.is_dir():
        raise RulesError(_("no personas folder {folder}: pass --personas with a folder of "
                           "persona YAML files (the shipped ones live in personas/)").format(
                               folder=folder))
    problems = Problems()
    personas: dict[str, Persona] = {}
    for path in sorted(folder.glob("*.yaml")):
        try:  # the locks of every YAML file: a regular file, size, aliases, control chars
            raw = read_yaml(path, "persona file")
        except RulesError as exc:
            problems.add_error(exc)
            continue
        persona = _check(raw, str(path), ruleset, problems)
        if persona is None:
            continue
        if persona.id in personas:
            problems.add(str(path), line_of(raw, ("id",)), persona.id,
                         f"persona id already used in {personas[persona.id].file}")
        personas[persona.id] = persona
    if not personas and not problems.items:
        problems.add(str(folder), 0, "", "no persona files (*.yaml) found")
    if problems.items:
        count = len(problems.items)
        # the problems themselves are for whoever writes persona files, like the rules'
        # (English: `screener rules` takes no --lang); the heading is for whoever ran this
        raise RulesError(ngettext("{count} problem in the personas folder {folder}",
                                  "{count} problems in the personas folder {folder}",
                                  count).format(count=count, folder=folder),
                         problems=problems.items)
    return personas


def _check(raw: Any, path: str, ruleset: RuleSet, problems: Problems) -> Persona | None:
    if not isinstance(raw, dict):
        problems.add(path, 1, "", "a persona file is a mapping with id, name, story, "
                                  "answers and expect")
        return None
    ident = str(raw.get("id", "?"))
    try:
        persona = Persona(**raw, file=path)
    except ValidationError as exc:
        problems.add_validation(path, raw, ident, exc, model=Persona)
        return None
    _check_texts(persona, raw, path, ident, problems)
    answers = raw["answers"]
    try:
        checked = validate_answers(persona.answers, ruleset)
    except AnswersError as exc:
        for message in exc.problems:
            field = _field_of(message, answers)
            problems.add(path, line_of(raw, ("answers", field)), ident, "answers." + message)
        return None
    from .screening import unanswered  # screening imports the engine lazily: fine here

    missing, _ = unanswered(checked, ruleset)
    if "screened_on" in ruleset.questions.by_id and "screened_on" not in answers:
        missing.append("screened_on")  # else the season (and the result) changes daily
    for qid in missing:
        problems.add(path, line_of(raw, ("answers",)), ident,
                     f"answers: '{qid}' is shown but not answered (a persona answers everything)")
    for warning in checked.warnings:
        problems.add(path, line_of(raw, ("answers",)), ident, f"answers: {warning}")
    for fid in [*persona.expect.factors, *persona.expect.held_back]:
        if fid not in ruleset.factors:
            problems.add(path, line_of(raw, ("expect",)), ident,
                         f"expect: no factor '{fid}'{suggest(fid, ruleset.factors)}")
    note_ids = {r.id for r in ruleset.rules if r.text}
    for nid in persona.expect.notes:
        if nid not in note_ids:
            problems.add(path, line_of(raw, ("expect", "notes")), ident,
                         f"expect.notes: no note rule '{nid}'{suggest(nid, note_ids)}")
    return persona


def _check_texts(persona: Persona, raw: dict, path: str, ident: str,
                 problems: Problems) -> None:
    """The output guard over every text a persona shows (name, story, translated
    stories): a persona that says how much to take, or states a diagnosis, is refused
    when it is loaded, so no command can print it (spec principles 1 and 2)."""
    from .safety import find_unsafe_text

    texts: list[tuple[tuple[str, ...], str]] = [(("name",), persona.name),
                                                (("story",), persona.story)]
    texts += [(("translations", lang, "story"), text.story)
              for lang, text in persona.translations.items()]
    for loc, text in texts:
        found = find_unsafe_text(text)
        if found:
            problems.add(path, line_of(raw, loc), ident,
                         f"{'.'.join(loc)}: looks like a dose or a diagnosis ('{found}'): "
                         "a persona never states amounts, doses or diagnoses (spec principles "
                         "1 and 2)", code="dose-text")


def _field_of(message: str, answers: dict) -> str:
    """The answer key a validation message is about: it starts with the question id,
    or quotes an unknown one."""
    first = message.split(":", 1)[0].split(" ", 1)[0]
    if first in answers:
        return first
    quoted = re.search(r"'([^']+)'", message)
    return quoted.group(1) if quoted else ""


def persona_answers(persona: Persona, ruleset: RuleSet) -> ValidatedAnswers:
    return validate_answers(persona.answers, ruleset)


def check_expectation(persona: Persona, result) -> list[str]:
    """Differences between a persona's expected and actual result, in words ([] = match)."""
    expect, found = persona.expect, []
    actual = {f.id: f.strength for f in result.factors}
    if result.triage != expect.triage:
        found.append(f"triage is {result.triage}, expected {expect.triage}")
    if actual != expect.factors:
        found.append(f"factors are {actual or 'none'}, expected {expect.factors or 'none'}")
    held = [h.id for h in result.held_back]
    if sorted(held) != sorted(expect.held_back):
        found.append(f"held back {held or 'none'}, expected {expect.held_back or 'none'}")
    missing = set(expect.notes) - {n.id for n in result.notes}
    if missing:
        found.append(f"notes missing: {', '.join(sorted(missing))}")
    return found


__all__ = ["DEFAULT_PERSONAS_DIR", "Persona", "Expectation", "load_personas",
           "persona_answers", "check_expectation"]
