"""A broken rules folder gives errors naming the file, the line, the id and the field."""

import pytest

from screener.errors import RulesError
from screener.loading import load_ruleset


def break_file(folder, name, old, new):
    path = folder / name
    text = path.read_text()
    assert old in text, f"fixture text not found in {name}: {old}"
    path.write_text(text.replace(old, new, 1))
    return path


def problems(folder):
    load_ruleset.cache_clear()
    with pytest.raises(RulesError) as info:
        load_ruleset(folder)
    return str(info.value)


def line_of(path, fragment):
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if fragment in line)


def test_unknown_code_in_condition(rules_copy):
    path = break_file(rules_copy, "vitamin_d.yaml", 'skin_covered_outdoors: "yes"}', 'skin_covered_outdoors: "yess"}')
    text = problems(rules_copy)
    assert f"{path}:" in text and "VD-COVER" in text
    assert "has no code 'yess'" in text and "did you mean 'yes'" in text


def test_unknown_name_in_condition(rules_copy):
    break_file(rules_copy, "magnesium.yaml", "greens_nuts_wholegrains: \"rarely\"", "greens_nut_wholegrains: \"rarely\"")
    text = problems(rules_copy)
    assert "MG-DIET" in text and "unknown name 'greens_nut_wholegrains'" in text
    assert "did you mean 'greens_nuts_wholegrains'" in text


def test_missing_reason_names_line(rules_copy):
    path = break_file(rules_copy, "potassium.yaml",
                      "    reason: Heavy drinking can lower potassium through the kidneys and a poorer diet.\n", "")
    text = problems(rules_copy)
    line = line_of(path, "id: K-ALCOHOL")
    assert f"{path}:{line}: K-ALCOHOL: reason: Field required" in text


def test_unknown_source(rules_copy):
    break_file(rules_copy, "hydration.yaml", "sources: [nhs-dehydration]\n    examples:\n      - {answers: {urination",
               "sources: [nhs-dehydratoin]\n    examples:\n      - {answers: {urination")
    text = problems(rules_copy)
    assert "HY-OUTPUT" in text and "source 'nhs-dehydratoin'" in text and "did you mean 'nhs-dehydration'" in text


def test_bad_operator(rules_copy):
    break_file(rules_copy, "derived.yaml", "{age_years: {gte: 65}}", "{age_years: {atleast: 65}}")
    text = problems(rules_copy)
    assert "D-OLDER-ADULT" in text and "unknown operator 'atleast'" in text


def test_invalid_yaml_names_line(rules_copy):
    path = break_file(rules_copy, "notes.yaml", "  - id: N-KIDNEY", "  - id: N-KIDNEY\n   bad: [")
    text = problems(rules_copy)
    assert str(path) in text and "not valid YAML" in text


def test_duplicate_rule_id(rules_copy):
    break_file(rules_copy, "hydration.yaml", "id: HY-ALCOHOL", "id: HY-DIABETES")
    assert "rule id already used" in problems(rules_copy)


def test_broken_question_names_question_and_field(rules_copy):
    path = break_file(rules_copy, "questions.yaml", "type: int", "type: integer")
    text = problems(rules_copy)
    assert f"{path}:" in text and "red_flags_now" not in text.split("type")[0][-40:]
    assert "type: Input should be 'int', 'choice', 'multi' or 'date'" in text


def test_missing_rules_folder(tmp_path):
    load_ruleset.cache_clear()
    with pytest.raises(RulesError, match="no ruleset.yaml"):
        load_ruleset(tmp_path)
