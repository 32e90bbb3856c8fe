"""Sample patients (personas/*.yaml): valid, complete, covering the spec, and each one
reaching the result worked out by hand from the clinical spec (real engine)."""

import shutil

import pytest
from conftest import ROOT

from screener.answers import validate_answers
from screener.cli import main
from screener.errors import RulesError
from screener.personas import DEFAULT_PERSONAS_DIR, load_personas, persona_answers
from screener.ruleset.models import TRIAGE_ORDER
from screener.screening import screen, unanswered

PERSONA_FILES = sorted(DEFAULT_PERSONAS_DIR.glob("*.yaml"))


@pytest.fixture(scope="module")
def personas(ruleset):
    return load_personas(None, ruleset)


def test_shipped_folder_is_a_sibling_of_the_package():
    assert DEFAULT_PERSONAS_DIR.name == "personas" and len(PERSONA_FILES) >= 8


@pytest.mark.parametrize("path", PERSONA_FILES, ids=lambda p: p.stem)
def test_persona_reaches_expected_result(ruleset, personas, path):
    persona = personas[path.stem]  # file name = id, so a reader finds the file
    answers = validate_answers(persona.answers, ruleset)
    assert answers.warnings == []
    missing, unsure = unanswered(answers, ruleset)
    assert missing == [] and unsure == [], "a persona answers every shown question"
    assert "screened_on" in persona.answers, "a fixed date keeps the season stable"
    result = screen(answers, ruleset)
    assert result.triage == persona.expect.triage, persona.story
    assert {f.id: f.strength for f in result.factors} == persona.expect.factors, persona.story
    assert sorted(h.id for h in result.held_back) == sorted(persona.expect.held_back)
    assert set(persona.expect.notes) <= {n.id for n in result.notes}


def test_personas_cover_every_factor_triage_level_and_two_red_flags(ruleset, personas):
    expects = [p.expect for p in personas.values()]
    assert {e.triage for e in expects} == set(TRIAGE_ORDER)
    assert {f for e in expects for f in e.factors} == set(ruleset.factors)
    assert {"several"} <= {s for e in expects for s in e.factors.values()}
    flags = {code for p in personas.values() for code in p.answers["red_flags_now"]} - {"none"}
    assert len(flags) >= 2


def test_names_are_short_and_stories_one_line(personas):
    for p in personas.values():
        assert "\n" not in p.story and len(p.name.split()) == 2


def test_every_story_is_in_every_shipped_language(personas):
    """A demo in Spanish tells the story in Spanish: every language of rules/locales/
    has each persona's story (a third language adds its stories to the same files)."""
    from screener.ruleset import locales

    languages = set(locales.available(ROOT / "rules")) - {"en"}
    assert "es" in languages
    for p in personas.values():
        assert set(p.translations) == languages, p.id
        for lang in languages:
            assert p.story_in(lang) != p.story, (p.id, lang)
    some = next(iter(personas.values()))
    assert some.story_in("en") == some.story_in(None) == some.story  # English: the story


# -------------------------------------------------------------------- broken files

@pytest.fixture
def personas_copy(tmp_path):
    target = tmp_path / "personas"
    shutil.copytree(DEFAULT_PERSONAS_DIR, target)
    return target


def _problems(folder, ruleset):
    with pytest.raises(RulesError) as info:
        load_personas(folder, ruleset)
    return str(info.value)


def _line(path, text):
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_bad_answer_code_names_file_line_and_field(ruleset, personas_copy):
    path = personas_copy / "healthy-adult.yaml"
    path.write_text(path.read_text().replace("skin_tone: medium", "skin_tone: medum"))
    message = _problems(personas_copy, ruleset)
    assert f"{path}:{_line(path, 'skin_tone')}: healthy-adult: answers.skin_tone" in message
    assert "did you mean 'medium'" in message


def test_missing_field_and_unknown_factor(ruleset, personas_copy):
    path = personas_copy / "vegan-lactose.yaml"
    text = (path.read_text().replace("story:", "storey:", 1)
            .replace("vitamin_d: some", "vitamin_dee: some"))
    path.write_text(text)
    message = _problems(personas_copy, ruleset)
    assert (f"{path}:{_line(path, 'storey')}: vegan-lactose: unknown key 'storey' "
            "(did you mean 'story'?)") in message
    # one mistake, one problem: the missing 'story' is the misspelt 'storey'
    assert message.startswith("1 problem in the personas folder") and "missing key" not in message
    # the shape error stops that file before the answers and factor checks


def test_unknown_factor_and_unanswered_question(ruleset, personas_copy):
    path = personas_copy / "vegan-lactose.yaml"
    lines = [line for line in path.read_text().splitlines() if "fatigue:" not in line]
    path.write_text("\n".join(lines).replace("vitamin_d: some", "vitamin_dee: some") + "\n")
    message = _problems(personas_copy, ruleset)
    assert "'fatigue' is shown but not answered" in message
    assert "expect: no factor 'vitamin_dee' (did you mean 'vitamin_d'?)" in message


def test_duplicate_id_and_not_yaml(ruleset, personas_copy):
    (personas_copy / "copy.yaml").write_text((personas_copy / "healthy-adult.yaml").read_text())
    (personas_copy / "broken.yaml").write_text("id: [unclosed\n")
    with pytest.raises(RulesError) as info:
        load_personas(personas_copy, ruleset)
    assert "broken.yaml:" in str(info.value) and "not valid YAML" in str(info.value)
    (personas_copy / "broken.yaml").unlink()
    assert "persona id already used" in _problems(personas_copy, ruleset)


def test_missing_folder_is_a_clear_error(ruleset, tmp_path):
    assert "no personas folder" in _problems(tmp_path / "nope", ruleset)


# ------------------------------------------------------------------------ command

def test_personas_check_passes(capsys):
    assert main(["personas", "--check"]) == 0
    out = capsys.readouterr().out
    assert f"{len(PERSONA_FILES)} of {len(PERSONA_FILES)} personas match" in out


def test_personas_check_fails_on_a_wrong_expectation(capsys, personas_copy):
    path = personas_copy / "healthy-adult.yaml"
    path.write_text(path.read_text().replace("triage: self_care", "triage: routine"))
    assert main(["personas", "--personas", str(personas_copy), "--check"]) == 1
    out = capsys.readouterr().out
    assert "DIFFERS healthy-adult" in out and "triage is self_care, expected routine" in out


def test_personas_bad_folder_exits_2(capsys, tmp_path):
    assert main(["personas", "--personas", str(tmp_path / "nope")]) == 2
    assert "no personas folder" in capsys.readouterr().err


def test_persona_answers_are_what_screen_gets(ruleset, personas):
    p = personas["office-worker-winter"]
    assert persona_answers(p, ruleset).values["screened_on"] == "2025-01-20"
