"""A broken rules folder gives errors naming the file, the line, the id and the field."""

import re
from pathlib import Path

import pytest

from screener.errors import RulesError
from screener.ruleset.loading import DEFAULT_RULES_DIR, collect_ruleset, load_ruleset
from screener.ruleset.problems import LOAD_CHECKS


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
                      "    reason: It can lower potassium through the kidneys and a poorer diet.\n", "")
    text = problems(rules_copy)
    line = line_of(path, "id: K-ALCOHOL")
    assert f"{path}:{line}: K-ALCOHOL: missing key 'reason'" in text


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
    assert "age_years: type must be one of: int, choice, multi or date, not 'integer'" in text


def test_missing_rules_folder(tmp_path):
    load_ruleset.cache_clear()
    with pytest.raises(RulesError, match="no ruleset.yaml"):
        load_ruleset(tmp_path)


# ------------------------------------------- each mistake in the author's words, with its code

def found(folder):
    """Every problem of one run: (code, file name, line, id, message)."""
    load_ruleset.cache_clear()
    ruleset, problems = collect_ruleset(folder)
    return ruleset, [(p.code, Path(p.file).name, p.line, p.ident, p.message) for p in problems]


# (file, text, broken text, code, id, message, fragment of the line it points at)
MISTAKES = [
    ("potassium.yaml", "    reason: It can lower", "    reson: It can lower", "unknown-key",
     "K-ALCOHOL", "unknown key 'reson' (did you mean 'reason'?)", "reson:"),
    ("potassium.yaml", "    reason: It can lower potassium through the kidneys and a poorer "
     "diet.\n", "", "missing-key", "K-ALCOHOL", "missing key 'reason'", "id: K-ALCOHOL"),
    # v3 rule keys: a triage rule's `risk` (the "with risk" part, spec 0.1) and a note's
    # `first` and `parts` (notes worded to what was ticked, spec 6)
    ("potassium.yaml", "    title: Heavy drinking", "    title: Heavy drinking\n    frobnicate: 1",
     "unknown-key", "K-ALCOHOL", "unknown key 'frobnicate'; the keys here are: id, title, kind, "
     "when, reason, sources, examples, factor, concludes, level, text, blocks_factors, risk, "
     "first, parts", "frobnicate:"),
    ("derived.yaml", "    kind: derived\n    concludes: older_adult", "    kind: derivd\n    concludes: older_adult",
     "bad-choice", "D-OLDER-ADULT", "kind must be one of: derived, indicator, exception, symptom, "
     "triage or note, not 'derivd' (did you mean 'derived'?)", "kind: derivd"),
    ("questions.yaml", "type: int", "type: integer", "bad-choice", "age_years",
     "type must be one of: int, choice, multi or date, not 'integer'", "type: integer"),
    ("potassium.yaml", "      - {answers: {alcohol_per_week: \"none\"}, expect: silent}",
     "      - {answers: {alcohol_per_week: \"none\"}, expect: quiet}", "bad-choice", "K-ALCOHOL",
     "examples.expect must be one of: fires or silent, not 'quiet'", "expect: quiet"),
    ("potassium.yaml", "  - id: K-ALCOHOL", "  - id: K ALCOHOL", "bad-id", "K ALCOHOL",
     "id: 'K ALCOHOL' is not an id: use letters, digits, '-' and '_', starting with a letter "
     "or a digit", "id: K ALCOHOL"),
    ("potassium.yaml", "sources: [mayo-k, ods-k]", "sources: []", "wrong-length", "K-ALCOHOL",
     "sources: must list at least one item", r"sources: \[\]"),
    ("questions.yaml", "        not_sure: false\n", "        not_sure: maybe\n", "wrong-type", "age_years",
     "not_sure must be true or false, not 'maybe'", "not_sure: maybe"),
    ("potassium.yaml", "    title: Heavy drinking", "    title: [Heavy, drinking]", "wrong-type",
     "K-ALCOHOL", "title must be text, not ['Heavy', 'drinking']", r"title: \[Heavy"),
    ("derived.yaml", "    concludes: older_adult\n", "", "bad-combination", "D-OLDER-ADULT",
     "a derived rule needs 'concludes'", "id: D-OLDER-ADULT"),
    ("derived.yaml", "{age_years: {gte: 65}}", "{age_years: {atleast: 65}}", "bad-condition",
     "D-OLDER-ADULT", "when: unknown operator 'atleast' on 'age_years'; use one of: is, is_not, in, "
     "not_in, has, has_any, lacks, lacks_all, gte, gt, lte, lt, known", "atleast"),
    # v3: the fluid_limited tests of HY-FLUIDS..HY-OUTPUT are YAML anchors that
    # D-HY-INTAKE-SIGNS reuses (HY-GUT's "another dehydration indicator fired", spec 4),
    # so a mistake there is in two rules; HY-GUT's overdrinking guard is written once
    ("hydration.yaml", "overdrinking: {known: false}", "overdrinking: {known: \"no\"}", "bad-condition",
     "HY-GUT", "when: 'known' on 'overdrinking' needs true or false, got 'no'", None),
    # v3: a triage rule's `risk` is a condition like `when` (spec 0.1, "with risk")
    ("red_flags_triage.yaml", "    risk: {thiamine_risk: true}", "    risk: {thiamine_risk: {known: \"no\"}}",
     "bad-condition", "TR-URGENT-WERNICKE", "risk: 'known' on 'thiamine_risk' needs true or false, "
     "got 'no'", r"risk: \{thiamine_risk: \{known"),
    ("potassium.yaml", "when: {heavy_alcohol: true}", "when: {heavy_alcohol: \"yes\"}", "unknown-code",
     "K-ALCOHOL", "when: 'heavy_alcohol' has no code 'yes'; codes: true, false", "id: K-ALCOHOL"),
    ("potassium.yaml", "when: {heavy_alcohol: true}", "when: {heavy_alcohl: true}", "unknown-name",
     "K-ALCOHOL", "when: unknown name 'heavy_alcohl' (did you mean 'heavy_alcohol'?)", "id: K-ALCOHOL"),
    ("potassium.yaml", "when: {heavy_alcohol: true}", "when: {age_years: {has: 3}}", "wrong-operator",
     "K-ALCOHOL", "when: 'has' is for multi-answer items; 'age_years' holds one value", "id: K-ALCOHOL"),
    ("potassium.yaml", "sources: [mayo-k, ods-k]", "sources: [mayo-k, ods-kk]", "unknown-source",
     "K-ALCOHOL", "source 'ods-kk' is not in sources.yaml (did you mean 'ods-k'?)", "id: K-ALCOHOL"),
    ("potassium.yaml", "    factor: potassium\n    when: {heavy_alcohol", "    factor: potasium\n    when: "
     "{heavy_alcohol", "unknown-factor", "K-ALCOHOL", "factor 'potasium' is not defined (did you mean "
     "'potassium'?)", "id: K-ALCOHOL"),
    ("hydration.yaml", "id: HY-ALCOHOL", "id: HY-DIABETES", "id-used-twice", "HY-DIABETES",
     "rule id already used at {folder}/hydration.yaml:{line}", "id: HY-DIABETES$"),
    ("derived.yaml", "concludes: older_adult", "concludes: age_years", "concludes-question",
     "D-OLDER-ADULT", "concludes 'age_years', which is a question id", "id: D-OLDER-ADULT"),
    ("notes.yaml", "  - id: N-KIDNEY", "  - id: N-KIDNEY\n   bad: [", "yaml-syntax", "", None, None),
    ("notes.yaml", "    title: Kidney disease or dialysis", "    title: Kidney disease or dialysis\n"
     "    title: Kidneys", "duplicate-key", "", "not valid YAML: the key 'title' appears twice",
     "    title: Kidneys"),
    ("ruleset.yaml", "    - notes.yaml", "    - note.yaml", "missing-file", "", "file not found", None),
    ("ruleset.yaml", "several_at: 3", "several_a: 3", "unknown-key", "",
     "unknown key 'several_a' (did you mean 'several_at'?)", "several_a: 3"),
    ("ruleset.yaml", "  same_day:", "  same_dya:", "unknown-key", "",
     "triage: unknown key 'same_dya' (did you mean 'same_day'?)", "same_dya:"),
    ("ruleset.yaml", "  same_day:", "  today:", "missing-triage-level", "",
     "triage: level 'same_day' is missing", "triage:"),
    ("notes.yaml", "rules:\n", "rules:\n  - just a sentence\n", "not-a-mapping", "?",
     "a rule must be a mapping (key: value lines), not 'just a sentence'", "^rules:"),
]


def last_line_of(path, pattern):
    """The line matching ``pattern``; the last one when it is written twice (a repeated
    key or id)."""
    return max(n for n, line in enumerate(path.read_text().splitlines(), 1)
               if re.search(pattern, line))


@pytest.mark.quick_sample(7)  # each loads a broken rules folder
@pytest.mark.parametrize("name, old, new, code, ident, message, at", MISTAKES,
                         ids=[f"{m[3]}-{n}" for n, m in enumerate(MISTAKES)])
def test_each_mistake_in_plain_words(rules_copy, name, old, new, code, ident, message, at):
    path = break_file(rules_copy, name, old, new)
    _, problems = found(rules_copy)
    [(file, line, who, said)] = [p[1:] for p in problems if p[0] == code]
    assert (file, who) == ("note.yaml" if code == "missing-file" else path.name, ident)
    if message is not None:
        if "{folder}" in message:
            message = message.format(folder=rules_copy, line=line_of(path, "id: HY-DIABETES"))
        assert said == message
    if at is not None:
        assert line == last_line_of(path, at)
    assert all(p[0] in LOAD_CHECKS for p in problems)


def test_every_load_check_is_documented():
    readme = (DEFAULT_RULES_DIR / "README.md").read_text()
    assert [code for code in LOAD_CHECKS if f"`{code}`" not in readme] == []


def test_mistakes_in_several_files_are_all_reported_in_one_run(rules_copy):
    """Structural errors in one file do not hide the cross-checks of the others."""
    break_file(rules_copy, "potassium.yaml", "    reason: It can lower", "    reson: It can lower")
    break_file(rules_copy, "magnesium.yaml", 'greens_nuts_wholegrains: "rarely"',
               'greens_nut_wholegrains: "rarely"')
    break_file(rules_copy, "notes.yaml", "  - id: N-KIDNEY", "  - id: N-KIDNEY\n   bad: [")
    break_file(rules_copy, "questions.yaml", "type: int", "type: integer")
    break_file(rules_copy, "vitamin_d.yaml", 'skin_covered_outdoors: "yes"}', 'skin_covered_outdoors: "yess"}')
    ruleset, problems_found = found(rules_copy)
    assert ruleset is None
    assert sorted({(file, code) for code, file, *_ in problems_found}) == [
        ("magnesium.yaml", "unknown-name"), ("notes.yaml", "yaml-syntax"),
        ("potassium.yaml", "unknown-key"),
        ("questions.yaml", "bad-choice"), ("vitamin_d.yaml", "unknown-code")]
    # load_ruleset raises them all together, each on its own line
    text = problems(rules_copy)
    assert text.startswith(f"{len(problems_found)} problems in the rules folder")
    assert text.count("\n  - ") == len(problems_found) == 5


def test_a_broken_item_is_not_reported_again_where_it_is_read(rules_copy):
    """A question, derived rule or factor that fails to load is left out, and the rules
    reading it are not told 'unknown name': the one problem says what to fix."""
    break_file(rules_copy, "questions.yaml", "type: int", "type: integer")  # age_years
    break_file(rules_copy, "derived.yaml", "    kind: derived\n    concludes: heavy_alcohol",
               "    kind: derivd\n    concludes: heavy_alcohol")
    break_file(rules_copy, "potassium.yaml", "  sources: [ods-k, mayo-k]", "  sources: []")
    _, problems = found(rules_copy)
    assert [(code, file, who) for code, file, _, who, _ in problems] == [
        ("bad-choice", "questions.yaml", "age_years"),
        ("bad-choice", "derived.yaml", "D-HEAVY-ALCOHOL"),
        ("wrong-length", "potassium.yaml", "potassium")]


def test_an_unreadable_file_spares_the_names_it_may_define(rules_copy):
    break_file(rules_copy, "derived.yaml", "rules:\n", "rules:\n  - [\n")
    _, problems = found(rules_copy)
    assert [(code, file) for code, file, *_ in problems] == [("yaml-syntax", "derived.yaml")]


def test_values_are_spelt_as_yaml():
    from screener.ruleset.yaml_spelling import as_yaml, plain

    assert [as_yaml(v) for v in (True, False, None, "yes", 65, [True, "a"], {"gte": 65})] == [
        "true", "false", "null", "'yes'", "65", "[true, 'a']", "{gte: 65}"]
    assert plain(True) == "true" and plain("not_sure") == "not_sure"
    assert as_yaml("it's") == "'it''s'"  # YAML's own quoting
    assert as_yaml("\x1b[31m") == "'\\x1b[31m'"  # a terminal escape is shown, never obeyed


def test_a_misspelt_name_used_several_times_in_one_rule_is_one_problem(rules_copy):
    """D-DARK-SEASON reads screened_month four times: one misspelling, one line."""
    path = rules_copy / "derived.yaml"
    path.write_text(path.read_text().replace("screened_month:", "screened_mnth:"))
    text = problems(rules_copy)
    lines = [line for line in text.splitlines() if "unknown name 'screened_mnth'" in line]
    assert len(lines) == 1 and "D-DARK-SEASON" in lines[0], text
