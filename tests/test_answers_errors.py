"""Bad answers are rejected with a message naming the field, the line and what is allowed."""

import json
from pathlib import Path

import pytest

from screener.answers import validate_answers
from screener.errors import AnswersError
from screener.interop.answers_file import load_answers_file


def problems_of(exc_info):
    return "\n".join([str(exc_info.value)])


@pytest.mark.parametrize("answers, expected", [
    ({"age_yeras": 40}, ["unknown question id 'age_yeras'", "did you mean 'age_years'"]),
    ({"outdoor_daylight": "under_15"}, ["outdoor_daylight", "'under_15' is not a code",
                                        "did you mean 'under_15_min'", "under_15_min"]),
    ({"age_years": 130}, ["age_years", "130", "from 0 to 120"]),
    ({"age_years": "forty"}, ["age_years", "whole number from 0 to 120"]),
    ({"age_years": True}, ["age_years", "whole number"]),
    ({"age_years": "not_sure"}, ["age_years"]),
    ({"medicines": "diuretic"}, ["medicines", "a list of one or more of"]),
    ({"medicines": ["diuretic", "none"]}, ["medicines", "'none' cannot be combined"]),
    ({"medicines": ["diuretic", "diuretic"]}, ["medicines", "listed twice"]),
    ({"medicines": []}, ["medicines"]),
    ({"medicines": ["aspirin"]}, ["medicines (item 1)", "'aspirin' is not a code"]),
    ({"screened_on": "15/06/2025"}, ["screened_on", "YYYY-MM-DD"]),
    ({"screened_on": "2025-02-30"}, ["screened_on", "YYYY-MM-DD"]),
    ({"respondent_id": "Jane Smith"}, ["respondent_id", "never a name"]),
    ({"respondent_id": "400IU"}, ["respondent_id", "must not look like an amount"]),
])
def test_bad_answer_is_named(ruleset, answers, expected):
    with pytest.raises(AnswersError) as info:
        validate_answers(answers, ruleset)
    text = problems_of(info)
    for fragment in expected:
        assert fragment in text


def test_every_problem_is_listed_with_its_line(ruleset, write_json):
    path = write_json({"age_years": 40, "sex_at_birth": "unknown", "height_cm": 20})
    with pytest.raises(AnswersError) as info:
        load_answers_file(path, ruleset)
    err = info.value
    assert err.file == str(path) and err.line == 3
    text = str(err)
    assert "2 invalid answers" in text
    assert "line 3: sex_at_birth" in text and "line 4: height_cm" in text


def test_not_json_names_line(ruleset, tmp_path):
    path = tmp_path / "a.json"
    path.write_text('{\n  "age_years": 40,\n  oops\n}')
    with pytest.raises(AnswersError) as info:
        load_answers_file(path, ruleset)
    assert info.value.line == 3 and "not valid JSON" in str(info.value)


def test_not_an_object(ruleset):
    with pytest.raises(AnswersError, match="JSON object"):
        validate_answers(["age_years", 40], ruleset)


def test_missing_file(ruleset, tmp_path):
    with pytest.raises(AnswersError, match="no such answers file"):
        load_answers_file(tmp_path / "nope.json", ruleset)


def test_not_sure_accepted_where_allowed(ruleset):
    ok = validate_answers({"sex_at_birth": "not_sure", "medicines": ["not_sure"]}, ruleset)
    assert ok.values["medicines"] == ["not_sure"]


def test_skipped_question_is_dropped_with_warning(ruleset):
    ok = validate_answers({"sex_at_birth": "male", "age_years": 40, "pregnancy": "neither",
                           "medicines": ["none"], "ppi_duration": "over_12_months"}, ruleset)
    assert "pregnancy" not in ok.values and "ppi_duration" not in ok.values
    assert any(w.startswith('Your answer to "Are you pregnant or breastfeeding?" was not used')
               for w in ok.warnings)


def test_the_skip_logic_warning_is_in_plain_words(ruleset):
    """Question texts and answer labels, not ids, codes or operators; the id in brackets
    at the end for clinicians."""
    ok = validate_answers({"hot_weather_now": "no", "heat_symptoms_now": ["headache"],
                           "medicines": ["none"], "ppi_duration": "over_12_months"}, ruleset)
    heat, ppi = ok.warnings
    assert heat == ('Your answer to "Right now, in this heat, do you have any of these?" was '
                    'not used: that question is only asked when "Is it unusually hot where '
                    'you are this week?" is answered "Yes". [heat_symptoms_now]')
    assert ppi.startswith('Your answer to "How long have you been taking stomach-acid '
                          'tablets?" was not used: that question is only asked when "Do you '
                          'take any of these medicines?" has "Stomach-acid tablets')
    assert ppi.endswith('among its answers. [ppi_duration]')
    # of a condition with parts, only the part the answers make false, nested in brackets
    ok = validate_answers({"sex_at_birth": "male", "age_years": 8, "pregnancy": "neither"},
                          ruleset)
    assert ok.warnings == [
        'Your answer to "Are you pregnant or breastfeeding?" was not used: that question is '
        'only asked when "What was your sex at birth?" is not answered "Male" and ("How old '
        'are you?" is answered 10 years or more or "How old are you?" is not answered). '
        '[pregnancy]']


@pytest.mark.parametrize("answer", ["pregnant", "breastfeeding"])
def test_a_hidden_pregnancy_answer_is_used_and_flagged(ruleset, answer):
    """Spec 0.1 (v3): 'pregnant' or 'breastfeeding' is never ignored; where the skip
    logic hides it (a man, under 10) it is used, with a warning to check it, and it is
    neither counted nor listed as unanswered."""
    from screener.screening import screen

    answers = {"sex_at_birth": "male", "age_years": 40, "pregnancy": answer}
    ok = validate_answers(answers, ruleset)
    assert ok.values["pregnancy"] == answer
    label = ruleset.questions.by_id["pregnancy"].label(answer)
    assert any(w.startswith(f'Your answer "{label}" to "Are you pregnant or breastfeeding?" '
                            "was used") and "check" in w and w.endswith("[pregnancy]")
               for w in ok.warnings)
    result = screen(answers, ruleset)
    assert "N-PREGNANCY" in {n.id for n in result.notes}
    assert "pregnancy" not in result.unanswered


def test_screened_on_defaults_to_today(ruleset):
    import datetime as dt

    ok = validate_answers({}, ruleset, today=dt.date(2025, 1, 2))
    assert ok.values == {"screened_on": "2025-01-02"}


def test_answers_schema_lists_codes(ruleset):
    from screener.answers import answers_model

    schema = answers_model(ruleset).model_json_schema()
    assert schema["additionalProperties"] is False
    text = json.dumps(schema)
    assert "under_15_min" in text and "not_sure" in text


# ---------------------------------------------------------- issue 12: clearer messages

def _screen(*args, stdin=None):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "screener", *args], input=stdin,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.slow  # starts the command in a child process
@pytest.mark.parametrize("given, says", [
    ('"diuretic"', 'a list is needed, even for one answer: write ["diuretic"]'),
    ('"diuretic;statin"', 'a list is needed: write ["diuretic", "statin"]'),
    ('"diuretc"', "a list is needed, even for one answer; 'diuretc' is not a code "
                  "(did you mean 'diuretic'?)"),
])
def test_a_multi_answer_given_as_a_string_says_a_list_is_needed(given, says):
    proc = _screen("screen", "-", stdin='{"medicines": ' + given + "}")
    assert proc.returncode == 2 and says in proc.stderr, proc.stderr
    assert "'diuretic' is not a code" not in proc.stderr  # the old, wrong reason


@pytest.mark.slow  # starts the command in a child process
def test_a_many_records_file_given_to_screen_points_to_batch(tmp_path):
    csv_file = tmp_path / "survey.csv"
    csv_file.write_text("respondent_id,age_years\nP1,70\n")
    proc = _screen("screen", str(csv_file))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert f"screener batch {csv_file} -o results.csv" in proc.stderr
    jsonl = tmp_path / "survey.jsonl"
    jsonl.write_text('{"age_years": 70}\n{"age_years": 71}\n')
    proc = _screen("screen", str(jsonl))
    assert proc.returncode == 2 and f"screener batch {jsonl} -o results.jsonl" in proc.stderr
    proc = _screen("screen", "-", stdin='[{"age_years": 70}]')
    assert proc.returncode == 2 and "screener batch" in proc.stderr


@pytest.mark.slow  # starts the command in a child process
@pytest.mark.parametrize("args, says", [
    (["scren", "x.json"], "invalid choice: 'scren' (did you mean 'screen'?)"),
    (["screen", "x.json", "--veiw", "clinician"], "--veiw (did you mean '--view'?)"),
    (["rules", "chek"], "invalid choice: 'chek' (did you mean 'check'?)"),
    (["batch", "in.csv", "-o", "out.csv", "--wokrers", "2"], "(did you mean '--workers'?)"),
])
def test_did_you_mean_for_commands_and_options(args, says):
    proc = _screen(*args)
    assert proc.returncode == 2 and says in proc.stderr, proc.stderr


@pytest.mark.slow  # starts the command in a child process
def test_one_already_exists_wording_for_every_command(tmp_path):
    import json as _json

    answers = tmp_path / "a.json"
    answers.write_text(_json.dumps({"age_years": 70}))
    source = tmp_path / "in.jsonl"
    source.write_text('{"age_years": 70}\n')
    taken = tmp_path / "taken.out"
    messages = []
    for args in (["report", str(answers), "-o", str(taken.with_suffix(".md"))],
                 ["batch", str(source), "-o", str(taken.with_suffix(".csv"))],
                 ["batch", str(source), "-o", str(tmp_path / "new.csv"), "--summary",
                  str(taken.with_suffix(".json"))],
                 ["rules", "compile", "-o", str(taken.with_suffix(".txt"))],
                 ["questionnaire", "--fhir", "-o", str(taken.with_suffix(".fhir"))]):
        target = next(Path(a) for a in args if a.startswith(str(taken.with_suffix(""))))
        target.write_text("keep me")
        proc = _screen(*args)
        assert proc.returncode == 2, (args, proc.stderr)
        assert target.read_text() == "keep me"
        messages.append(proc.stderr.strip().replace(str(target), "FILE"))
    assert set(messages) == {"screener: error: FILE already exists: use --force to replace "
                             "it, or choose another file name"}, messages
