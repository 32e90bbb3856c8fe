"""`screener rules check`: each lint class shown with a deliberately broken rules folder.

Every finding is one line `file:line: id: message`; the shipped rules have none.
"""

import pytest
from test_rules_errors import break_file, line_of

from screener.authoring.lint import CHECKS, lint_folder
from screener.ruleset.loading import DEFAULT_RULES_DIR


def lint(folder, check=None):
    found = lint_folder(folder)
    return [f.text for f in found if check is None or f.check == check]


def test_shipped_rules_have_no_findings():
    assert lint_folder(DEFAULT_RULES_DIR) == []


def test_every_check_is_documented():
    readme = (DEFAULT_RULES_DIR / "README.md").read_text()
    assert [name for name in CHECKS if f"`{name}`" not in readme] == []


# ------------------------------------------------------- found by the loader, shown by lint

def test_unknown_code_is_a_finding_with_file_line_and_suggestion(rules_copy):
    path = break_file(rules_copy, "vitamin_d.yaml", 'skin_covered_outdoors: "yes"}', 'skin_covered_outdoors: "yess"}')
    found = lint(rules_copy, "unknown-code")
    line = line_of(path, "id: VD-COVER")
    assert found == [f"{path}:{line}: VD-COVER: when: 'skin_covered_outdoors' has no code 'yess' "
                     "(did you mean 'yes'?); codes: yes, no, not_sure"]


def test_unknown_question_id_is_a_finding(rules_copy):
    break_file(rules_copy, "magnesium.yaml", 'greens_nuts_wholegrains: "rarely"', 'greens_nut_wholegrains: "rarely"')
    [text] = lint(rules_copy, "unknown-name")
    assert "MG-DIET: when: unknown name 'greens_nut_wholegrains' (did you mean 'greens_nuts_wholegrains'?)" in text


def test_structural_error_is_a_finding_not_a_crash(rules_copy):
    path = break_file(rules_copy, "potassium.yaml",
                      "    reason: It can lower potassium through the kidneys and a poorer diet.\n", "")
    assert lint(rules_copy) == [f"{path}:{line_of(path, 'id: K-ALCOHOL')}: K-ALCOHOL: missing key 'reason'"]


def test_invalid_yaml_is_a_finding(rules_copy):
    path = break_file(rules_copy, "notes.yaml", "  - id: N-KIDNEY", "  - id: N-KIDNEY\n   bad: [")
    [text] = lint(rules_copy)
    assert text.startswith(f"{path}:") and "not valid YAML" in text


# ----------------------------------------------------------------------- never-fires

@pytest.mark.quick_sample(3)  # each lints a whole rules folder
@pytest.mark.parametrize("old, new, fragment", [
    ("when: {skin_covered_outdoors: \"yes\"}",
     "when: {all: [{skin_covered_outdoors: \"yes\"}, {skin_covered_outdoors: \"no\"}]}",
     "no answer can be all of these"),
    ("when: {skin_covered_outdoors: \"yes\"}",
     "when: {all: [{age_years: {gte: 65}}, {age_years: {lt: 40}}]}",
     "age_years is at least 65 and age_years is less than 40: no number fits"),
    ("when: {skin_covered_outdoors: \"yes\"}",
     "when: {age_years: {gt: 120}}",
     "no number fits all of these (it ranges from 0 to 120)"),
    ("when: {skin_covered_outdoors: \"yes\"}",
     "when: {age_years: \"old\"}",
     "it is a number, so it never equals 'old'"),
    ("when: {skin_covered_outdoors: \"yes\"}",
     "when: {all: [{conditions: {has: \"diabetes\"}}, {conditions: {lacks_all: [\"diabetes\", \"liver_disease\"]}}]}",
     "cannot both include and lack 'diabetes'"),
    ("when: {skin_covered_outdoors: \"yes\"}",
     "when: {all: [{conditions: {has: \"none\"}}, {conditions: {has: \"diabetes\"}}]}",
     "'none' is never chosen together with another code"),
    ("when: {skin_covered_outdoors: \"yes\"}",
     "when: {vitamin_d_count: {gte: 20}}",
     "(it ranges from 0 to 11)"),
])
def test_rule_that_can_never_fire(rules_copy, old, new, fragment):
    path = break_file(rules_copy, "vitamin_d.yaml", old, new)
    [text] = lint(rules_copy, "never-fires")
    assert text.startswith(f"{path}:{line_of(path, 'id: VD-COVER')}: VD-COVER: can never fire: ")
    assert fragment in text


def test_any_fires_if_one_branch_can(rules_copy):
    break_file(rules_copy, "vitamin_d.yaml", "when: {skin_covered_outdoors: \"yes\"}",
               "when: {any: [{age_years: {gt: 200}}, {skin_covered_outdoors: \"yes\"}]}")
    assert lint(rules_copy, "never-fires") == []


def test_skip_logic_that_is_never_true(rules_copy):
    # v3 (spec 2.2): pregnancy is shown if sex_at_birth is not male and (age >= 10 or age
    # unanswered), with no upper age: an unanswered age always shows it, so the
    # contradiction is put in the sex part
    path = break_file(rules_copy, "questions.yaml", '- sex_at_birth: {is_not: "male"}',
                      '- sex_at_birth: {is_not: "male"}\n            - sex_at_birth: "male"')
    [found] = lint(rules_copy, "never-fires")
    assert found.startswith(f"{path}:{line_of(path, 'id: pregnancy')}: pregnancy: shown_if can never "
                            "be true, so the question is never asked: sex_at_birth is not 'male' and "
                            "sex_at_birth is 'male': no answer can be all of these")


# ------------------------------------------------------------------------ rule-loop

def test_rules_reading_each_other_in_a_circle(rules_copy):
    path = break_file(rules_copy, "derived.yaml", "when: {age_years: {gte: 65}}", "when: {obese: true}")
    break_file(rules_copy, "derived.yaml", "when: {bmi: {gte: 30}}", "when: {older_adult: true}")
    [text] = lint(rules_copy, "rule-loop")
    assert text == (f"{path}:{line_of(path, 'id: D-OLDER-ADULT')}: D-OLDER-ADULT: rules depend on "
                    "each other in a circle: D-OLDER-ADULT -> D-OBESE -> D-OLDER-ADULT")


# ------------------------------------------------------------------ never-concluded

def test_fact_whose_only_rule_never_fires(rules_copy):
    derived = break_file(rules_copy, "derived.yaml", "when: {age_years: {gte: 65}}",
                         "when: {all: [{age_years: {gte: 65}}, {age_years: {lt: 18}}]}")
    found = lint(rules_copy, "never-concluded")
    vd = rules_copy / "vitamin_d.yaml"
    assert (f"{vd}:{line_of(vd, 'id: VD-AGE')}: VD-AGE: reads 'older_adult', but every rule "
            "concluding it can never fire (D-OLDER-ADULT)") in found
    assert any("N-OLDER-HYDRATION" in f for f in found)
    assert any(f.startswith(f"{derived}:") for f in lint(rules_copy, "never-fires"))


def test_computed_input_the_program_does_not_compute(rules_copy):
    path = break_file(rules_copy, "ruleset.yaml", "  unanswered_count:",
                      "  waist_ratio:\n    meaning: Waist to hip ratio.\n    uses: [height_cm]\n"
                      "  unanswered_count:")
    [text] = lint(rules_copy, "never-concluded")
    assert text.startswith(f"{path}:{line_of(path, 'waist_ratio:')}: waist_ratio: computed input "
                           "declared here, but the program does not compute it")
    assert "it computes: bmi, complete, screened_month, unanswered_count" in text


# --------------------------------------------------------------------- duplicate-ids

def test_duplicate_rule_id(rules_copy):
    path = break_file(rules_copy, "hydration.yaml", "id: HY-ALCOHOL", "id: HY-DIABETES")
    [text] = lint(rules_copy, "id-used-twice")
    assert text.startswith(f"{path}:") and "HY-DIABETES: rule id already used at" in text


def test_ids_differing_only_in_case_and_taken_fact_names(rules_copy):
    break_file(rules_copy, "vitamin_d.yaml", "id: VD-COVER", "id: vd-sun")
    break_file(rules_copy, "derived.yaml", "concludes: heavy_alcohol", "concludes: factor_count")
    found = lint(rules_copy, "duplicate-ids")
    assert any("vd-sun: rule id differs from 'VD-SUN' only in upper/lower case" in f for f in found)
    assert any("D-HEAVY-ALCOHOL: concludes 'factor_count', which is already a factor fact" in f
               for f in found)


# ------------------------------------------------------------- no-reason / no source

def test_rule_without_reason_or_source(rules_copy):
    path = break_file(rules_copy, "potassium.yaml",
                      "reason: It can lower potassium through the kidneys and a poorer diet.",
                      'reason: "TODO"')
    break_file(rules_copy, "potassium.yaml", "sources: [mayo-k, ods-k]", "sources: []")
    found = lint(rules_copy)
    assert f"{path}:{line_of(path, 'sources: []')}: K-ALCOHOL: sources: must list at least one item" in found
    break_file(rules_copy, "potassium.yaml", "sources: []", "sources: [mayo-k]")
    line = line_of(path, "id: K-ALCOHOL")
    assert lint(rules_copy) == [f"{path}:{line}: K-ALCOHOL: reason: missing or too short; write one "
                                "plain sentence saying why these answers matter"]


# ------------------------------------------------------------------ source-citation

def test_source_without_citation_and_uncited_source(rules_copy):
    path = break_file(rules_copy, "sources.yaml", 'citation: "NHS. Dehydration. London: NHS England (NHS website)."',
                      'citation: "TODO"')
    path.write_text(path.read_text() + '\n  - id: orphan-2020\n    citation: "Somebody A. A paper. 2020."\n')
    found = lint(rules_copy, "source-citation")
    assert found == [
        f"{path}:{line_of(path, 'id: nhs-dehydration')}: nhs-dehydration: citation: missing or too "
        "short; give authors, title, publisher and year so a reviewer can find it",
        f"{path}:{line_of(path, 'id: orphan-2020')}: orphan-2020: no rule or factor cites this source"]


def test_rule_citing_a_source_that_does_not_exist(rules_copy):
    break_file(rules_copy, "potassium.yaml", "sources: [mayo-k, ods-k]", "sources: [mayo-kk]")
    [text] = lint(rules_copy, "unknown-source")
    assert "K-ALCOHOL: source 'mayo-kk' is not in sources.yaml (did you mean 'mayo-k'?)" in text


# ------------------------------------------------------------------ unused-question

def test_question_no_rule_uses(rules_copy):
    path = break_file(rules_copy, "questions.yaml", "      - id: sex_at_birth",
                      "      - id: shoe_size\n        type: int\n        text: \"Your shoe size?\"\n"
                      "        min: 20\n        max: 50\n\n      - id: sex_at_birth")
    assert lint(rules_copy, "unused-question") == [
        f"{path}:{line_of(path, 'id: shoe_size')}: shoe_size: no rule, "
        "shown_if or computed input uses this question"]
    # a new question also needs its translations
    assert f"{path}:{line_of(path, 'id: shoe_size')}: shoe_size: text: not translated in " \
        "locales/es.yaml" in lint(rules_copy, "translation")


# ------------------------------------------------------------------------ dose-text

def test_dose_text_in_a_rule_and_in_a_question(rules_copy):
    rule = break_file(rules_copy, "potassium.yaml",
                      "reason: It can lower potassium through the kidneys and a poorer diet.",
                      "reason: Heavy drinking can lower potassium; take 20 mmol a day.")
    questions = break_file(rules_copy, "questions.yaml", 'text: "How old are you?"',
                           'text: "How old are you? (this decides your dose)"')
    assert lint(rules_copy) == [
        f"{rule}:{line_of(rule, '20 mmol')}: K-ALCOHOL: reason: looks like a dose or a diagnosis "
        "('20 mmol'): the screener never states amounts, doses or diagnoses (spec principles "
        "1 and 2)",
        f"{questions}:{line_of(questions, 'your dose')}: age_years: text: looks like a dose or a "
        "diagnosis ('dose'): the screener never states amounts, doses or diagnoses (spec "
        "principles 1 and 2)"]


# ---------------------------------------------------------------------- bad-example

def test_example_with_invalid_answers(rules_copy):
    path = break_file(rules_copy, "potassium.yaml", '{answers: {heavy_sweating: "regularly"}, expect: fires}',
                      '{answers: {heavy_sweating: "regulary"}, expect: fires}')
    [text] = lint(rules_copy, "bad-example")
    assert text.startswith(f"{path}:{line_of(path, 'regulary')}: K-SWEAT: example 1: heavy_sweating")
    assert "did you mean 'regularly'" in text


def test_findings_spell_values_as_yaml(rules_copy):
    """`true`, as the author wrote it, not Python's `True`."""
    path = break_file(rules_copy, "potassium.yaml", "when: {heavy_alcohol: true}",
                      "when: {all: [{heavy_alcohol: true}, {heavy_alcohol: false}]}")
    assert lint(rules_copy, "never-fires") == [
        f"{path}:{line_of(path, 'id: K-ALCOHOL')}: K-ALCOHOL: can never fire: heavy_alcohol is "
        "true and heavy_alcohol is false: no answer can be all of these"]
