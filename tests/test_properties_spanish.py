"""The safety properties hold in Spanish too (real engine, generated answers).

- no output in any format or view, in either language, looks like a dose (dosis, mg, UI,
  2,5 mg) or states a diagnosis ("usted tiene una deficiencia", "está deshidratado");
- Spanish and English screenings of the same answers decide the same (triage, factors,
  rules fired) and the Spanish text names the same factors by their Spanish labels;
- red flags are urgent in Spanish and the person sees only the urgent message;
- the guard itself catches the Spanish forms it is meant to catch.
"""

import random

import pytest
from conftest import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screener import i18n
from screener.authoring.generate import random_answers
from screener.reports import FORMATS, VIEWS, get_format, render
from screener.ruleset.loading import load_ruleset
from screener.safety import find_unsafe_text
from screener.screening import screen

seeds = st.integers(min_value=0, max_value=2**32 - 1)
common = settings(max_examples=examples(150), deadline=None,
                  suppress_health_check=[HealthCheck.function_scoped_fixture])
RED_FLAGS = ["hands_feet_locked", "seizure", "chest_pain", "fainting", "confusion",
             "throat_tight_or_breathless", "cola_urine", "sudden_severe_weakness",
             "cannot_keep_fluids_down", "no_urine_8h"]


@pytest.fixture(scope="module")
def rulesets():
    return {"en": load_ruleset(), "es": load_ruleset(lang="es")}


@pytest.mark.slow  # a large property run
@common
@given(seed=seeds, lang=st.sampled_from(["en", "es"]))
def test_no_output_in_either_language_contains_a_dose_or_a_diagnosis(rulesets, seed, lang):
    ruleset = rulesets[lang]
    answers = random_answers(ruleset, random.Random(seed), red_flag_rate=0.02)
    with i18n.language(lang):
        result = screen(answers, ruleset)
        for fmt in FORMATS:
            if get_format(fmt).BINARY:  # the PDF checks its own words before layout
                continue
            for view in VIEWS:
                output = render(result, ruleset, fmt, view)
                assert find_unsafe_text(output) is None, (lang, fmt, view,
                                                          find_unsafe_text(output))


@pytest.mark.slow  # a large property run
@common
@given(seed=seeds)
def test_spanish_decides_exactly_as_english(rulesets, seed):
    answers = random_answers(rulesets["en"], random.Random(seed), red_flag_rate=0.05)
    en, es = screen(answers, rulesets["en"]), screen(answers, rulesets["es"])
    assert (es.triage, es.fired_rules, es.complete) == (en.triage, en.fired_rules, en.complete)
    assert [(f.id, f.strength) for f in es.factors] == [(f.id, f.strength) for f in en.factors]
    with i18n.language("es"):
        text = render(es, rulesets["es"], "text", "person")
    assert text.splitlines()[0].startswith("Traducción al español pendiente de revisión")
    if es.triage != "urgent":
        for factor in es.factors:
            assert rulesets["es"].factors[factor.id].label in text


@common
@given(seed=seeds, flags=st.lists(st.sampled_from(RED_FLAGS), min_size=1, max_size=3,
                                  unique=True))
def test_any_red_flag_is_urgent_in_spanish(rulesets, seed, flags):
    ruleset = rulesets["es"]
    answers = random_answers(ruleset, random.Random(seed))
    answers["red_flags_now"] = flags
    with i18n.language("es"):
        result = screen(answers, ruleset)
        person = render(result, ruleset, "text", "person")
    assert result.triage == "urgent"
    assert "RESULTADO: BUSQUE ATENCIÓN MÉDICA URGENTE AHORA" in person
    assert "Posibles factores contribuyentes" not in person


@pytest.mark.parametrize("text", [
    "Tome 400 UI al día", "1000 ui", "2,5 mg", "dos comprimidos de 500 miligramos",
    "50 microgramos", "3 gramos", "la dosis habitual", "una dosificación", "posología",
    "Usted tiene una deficiencia de vitamina D", "tiene deshidratación",
    "usted padece una carencia de magnesio", "Usted está deshidratado",
    "está deshidratada", "es deficiente en calcio", "un diagnóstico de hipopotasemia",
    "fue diagnosticada con una deficiencia"])
def test_the_guard_catches_spanish_doses_and_diagnoses(text):
    assert find_unsafe_text(text) is not None


@pytest.mark.parametrize("text", [
    "Posible falta de líquidos", "Esto no es un diagnóstico.", "vasos de un cuarto de litro",
    "Algunas de sus respuestas son factores de riesgo conocidos de un nivel bajo",
    "Tiene sed a menudo aunque ya bebe mucho.", "una pastilla para orinar",
    "De 8 a 14 bebidas"])
def test_the_guard_lets_plain_spanish_through(text):
    assert find_unsafe_text(text) is None
