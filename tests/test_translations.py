"""Translations as data: rules/locales/<lang>.yaml laid over the rules, and checked.

A text without its translation, a translation of an id that no longer exists, or a lost
placeholder is a `screener rules check` finding naming the file, the id and the field.
"""

import json
import subprocess
import sys

import pytest
from test_rules_errors import break_file, line_of

from screener.ruleset.loading import DEFAULT_RULES_DIR, load_ruleset
from screener.ruleset.locale_checks import missing_and_stale
from screener.ruleset.locales import available, load_locale
from screener.screening import screen

ES = "locales/es.yaml"


def check(folder):
    proc = subprocess.run([sys.executable, "-m", "screener", "rules", "check", "--rules",
                           str(folder)], capture_output=True, text=True)
    return proc.returncode, proc.stdout + proc.stderr


def test_shipped_languages_and_every_text_translated():
    assert available(DEFAULT_RULES_DIR) == ["en", "es"]
    en = load_ruleset()
    assert missing_and_stale(en, load_locale(str(DEFAULT_RULES_DIR), "es")) == []


def test_spanish_is_marked_as_awaiting_review_in_the_data():
    locale = load_locale(str(DEFAULT_RULES_DIR), "es")
    assert locale.reviewed is False and locale.language.native == "Español"
    assert load_ruleset(lang="es").translation.reviewed is False


@pytest.mark.slow  # `rules check` in a child process
def test_removing_one_translation_fails_the_check_naming_file_id_and_field(rules_copy):
    break_file(rules_copy, ES, "    title: Piel cubierta al aire libre\n", "")
    code, out = check(rules_copy)
    assert code == 1
    path = rules_copy / "vitamin_d.yaml"
    assert (f"{path}:{line_of(path, 'id: VD-COVER')}: VD-COVER: title: not translated in "
            "locales/es.yaml") in out


@pytest.mark.slow  # `rules check` in a child process
def test_a_missing_option_label_is_named_by_its_code(rules_copy):
    break_file(rules_copy, ES, "      dark_brown_black: Morena oscura o negra\n", "")
    code, out = check(rules_copy)
    assert code == 1 and "skin_tone: options.dark_brown_black: not translated" in out


@pytest.mark.slow  # `rules check` in a child process
def test_translation_of_an_id_that_no_longer_exists_is_reported(rules_copy):
    path = break_file(rules_copy, ES, "  N-LITHIUM:\n", "  N-LITIO:\n")
    code, out = check(rules_copy)
    assert code == 1
    assert f"{path}:{line_of(path, 'N-LITIO:')}: N-LITIO: rules: translates 'N-LITIO', " in out
    assert "N-LITHIUM: text: not translated" in out  # and the real one is now missing


@pytest.mark.slow  # `rules check` in a child process
def test_a_translation_of_a_code_the_question_lacks_is_reported(rules_copy):
    break_file(rules_copy, ES, "      seizure: Una convulsión (un ataque)\n",
               "      seizure: Una convulsión (un ataque)\n      seizures: Convulsiones\n")
    code, out = check(rules_copy)
    assert code == 1 and "options: translates code 'seizures'" in out


@pytest.mark.slow  # `rules check` in a child process
def test_a_lost_placeholder_is_reported(rules_copy):
    break_file(rules_copy, ES, "por ellas: {unanswered}", "por ellas.")
    code, out = check(rules_copy)
    assert code == 1 and "N-UNANSWERED: text: the es translation must keep the placeholders" in out


@pytest.mark.slow  # `rules check` in a child process
def test_a_misspelt_field_in_the_locale_file_is_located(rules_copy):
    path = break_file(rules_copy, ES, "    reason: Calambres de vez en cuando o más a menudo.",
                      "    reasn: Calambres de vez en cuando o más a menudo.")
    code, out = check(rules_copy)
    assert code == 1
    assert (f"{path}:{line_of(path, 'reasn:')}: rules.D-CRAMPS: unknown key 'reasn' "
            "(did you mean 'reason'?)") in out


@pytest.mark.slow  # `rules check` in a child process
def test_dose_text_in_a_translation_is_a_finding(rules_copy):
    break_file(rules_copy, ES, "Beba con regularidad a lo largo del día",
               "Tome 400 UI al día y beba con regularidad a lo largo del día")
    code, out = check(rules_copy)
    assert code == 1 and "locales/es.yaml" in out and "'400 UI'" in out


def test_overlay_keeps_ids_codes_and_hash_and_changes_only_texts():
    en, es = load_ruleset(), load_ruleset(lang="es")
    assert es.content_hash == en.content_hash and es.language == "es"
    assert [r.id for r in es.rules] == [r.id for r in en.rules]
    assert [r.when for r in es.rules] == [r.when for r in en.rules]
    assert [q.codes for q in es.questions] == [q.codes for q in en.questions]
    assert es.questions.by_id["age_years"].text == "¿Cuántos años tiene?"
    assert es.rules_by_id["VD-SUN"].title == "Poco tiempo a la luz del día"
    assert en.rules_by_id["VD-SUN"].title == "Little time in daylight"  # English untouched
    assert es.triage["urgent"].title.startswith("Busque atención médica urgente")


def test_translations_do_not_change_the_ruleset_hash(rules_copy):
    before = load_ruleset(rules_copy).content_hash
    break_file(rules_copy, ES, "Beba con regularidad", "Beba a menudo")
    load_ruleset.cache_clear()
    assert load_ruleset(rules_copy).content_hash == before


def test_a_screening_in_spanish_decides_exactly_as_in_english():
    answers = json.loads((DEFAULT_RULES_DIR.parent / "examples" / "answers.json").read_text())
    en = screen(answers, load_ruleset())
    es = screen(answers, load_ruleset(lang="es"))
    assert es.fired_rules == en.fired_rules and es.triage == en.triage
    assert [f.id for f in es.factors] == [f.id for f in en.factors]
    assert es.factors[0].label == "Posible vitamina D baja"
    assert es.answers == en.answers  # codes, never labels


def test_unknown_language_is_a_clear_error():
    from screener.errors import RulesError

    with pytest.raises(RulesError, match="no translation for 'fr'.*languages: en, es"):
        load_ruleset(lang="fr")
