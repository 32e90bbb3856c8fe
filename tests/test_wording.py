"""What a person reads says each thing once, and only what their answers support
(issue 21, wording): a reason does not repeat its title, the chest-pain red flag names
the heart, nobody "answered" the date, a healthy result says "no factors" once and
speaks of symptoms only when some were reported, the potassium question does not ask
about vomiting nobody reported, and the Spanish date is a label."""

from __future__ import annotations

import json
import re

import pytest
from conftest import ROOT
from report_helpers import vignette_answers

from screener.reports import render
from screener.ruleset.loading import load_ruleset
from screener.screening import screen

#: words a title or reason may start with that say nothing (articles, "any")
ARTICLES = {"a", "an", "the", "any", "un", "una", "unos", "unas", "el", "la", "los", "las"}


def opening(text: str, count: int) -> list[str]:
    words = re.findall(r"\w+", text.lower())
    while words and words[0] in ARTICLES:
        words = words[1:]
    return words[:count]


@pytest.fixture(scope="module")
def spanish():
    return load_ruleset(lang="es")


def test_no_reason_repeats_its_title(ruleset, spanish):
    """Reports show "title: reason"; a reason that opens with its title's words reads
    "Dizziness on standing...: Dizziness on standing...". """
    repeats = [f"{rules.language} {rule.id}: {rule.title!r}"
               for rules in (ruleset, spanish) for rule in rules.rules
               if rule.reason and opening(rule.reason, 3) == opening(rule.title, 3)]
    assert repeats == []


def test_the_chest_pain_red_flag_names_the_heart(ruleset, spanish):
    english = ruleset.rules_by_id["TR-URGENT-RED-FLAG"].reason
    assert "chest pain" in english.lower() and "heart" in english
    assert "corazón" in spanish.rules_by_id["TR-URGENT-RED-FLAG"].reason


@pytest.mark.parametrize("fmt", ["text", "md"])
def test_nobody_answered_the_date_of_the_screening(ruleset, fmt):
    """The date defaults to today and is never asked: the evidence of the winter rule
    must not say the person answered it (the report still carries its date)."""
    result = screen(vignette_answers("office-worker-winter"), ruleset)
    shown = render(result, ruleset, fmt, "person")
    assert "Winter far from the equator" in shown
    assert "Date of this screening" not in shown.split("Your answers")[0]
    assert "2025-01-20" in shown


def healthy(**changes):
    return {**vignette_answers("healthy-adult"), **changes}


def test_a_healthy_result_says_no_factors_once_and_no_symptoms(ruleset):
    result = screen(healthy(), ruleset)
    assert result.triage == "self_care"
    for view in ("person", "clinician"):
        text = render(result, ruleset, "text", view)
        said = re.findall(r"found none of the factors|No possible contributing factors", text)
        assert len(said) == 1, text
    # (the clinician view shows the self-care rule's reason, which speaks of symptoms)
    person = render(result, ruleset, "text", "person")
    assert "symptom" not in person.split("This is a screening")[0].lower()


def test_symptoms_persisting_is_said_when_symptoms_were_reported(ruleset):
    result = screen(healthy(fatigue="yes"), ruleset)
    assert result.triage == "self_care"
    assert "N-SYMPTOMS-PERSIST" in [note.id for note in result.notes]
    assert "symptoms you mentioned" in render(result, ruleset, "text", "person")


def test_the_potassium_question_asks_about_vomiting_only_when_reported(ruleset):
    """Older adult on a water tablet, no vomiting: nothing asks about recent vomiting."""
    answers = json.loads((ROOT / "examples" / "answers.json").read_text())
    assert answers["vomiting_diarrhoea"] == "none"
    text = render(screen(answers, ruleset), ruleset, "text", "person")
    assert "Possible low potassium" in text
    assert "vomiting" not in text.lower()


def test_the_spanish_date_is_a_label_not_a_question(spanish):
    assert "?" not in spanish.questions.by_id["screened_on"].text
    assert spanish.questions.by_id["screened_on"].text == "Fecha de este cuestionario"


def test_no_spanish_text_says_menos_del_que():
    texts = [(ROOT / "rules" / "locales" / "es.yaml").read_text(encoding="utf-8"),
             (ROOT / "screener" / "locale" / "es" / "LC_MESSAGES" / "screener.po")
             .read_text(encoding="utf-8")]
    assert not any("menos del que" in text for text in texts)
