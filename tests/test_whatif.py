"""screener whatif: re-screen with changed answers and describe the difference
(real engine), plus parsing and validation of --set."""

import json
import subprocess
import sys

import pytest
from conftest import ROOT

from screener.answers import validate_answers
from screener.cli import main
from screener.errors import AnswersError
from screener.personas import load_personas
from screener.whatif import parse_sets, render, whatif


@pytest.fixture(scope="module")
def personas(ruleset):
    return load_personas(None, ruleset)


def diff_for(ruleset, personas, pid, *sets):
    answers = validate_answers(personas[pid].answers, ruleset)
    return whatif(answers, parse_sets(list(sets), ruleset), ruleset)


def factor_changes(diff):
    return {f.id: (f.before, f.after) for f in diff.factors}


def test_vitamin_d_supplement_for_the_office_worker(ruleset, personas):
    diff = diff_for(ruleset, personas, "office-worker-winter", "supplements=vitamin_d")
    assert [(c.question, c.before, c.after) for c in diff.changes] == [
        ("supplements", ["none"], ["vitamin_d"])]
    # v3 (spec 4, VD-SUPPLEMENT-ONLY; table 0.2): with the supplement, VD-DIET stops and
    # the indicators left (VD-SUN, VD-SEASON) are all exposure, so vitamin D is held back,
    # however many fired; CA-VITD goes with it. Nothing else is raised: self care, and
    # the self-care drink advice (N-DRINK-REGULARLY) comes with it; so does, first, the
    # note that her tiredness still needs a clinician if it persists (N-SYMPTOMS-PERSIST).
    assert factor_changes(diff) == {"vitamin_d": ("several", "not_raised"),
                                    "calcium_intake": ("some", "not_raised")}
    vitd = diff.factors[0]
    assert [r.rule for r in vitd.indicators_removed] == ["VD-DIET"] and not vitd.indicators_added
    assert (diff.triage_before, diff.triage_after) == ("routine", "self_care")
    assert [n.id for n in diff.notes_added] == ["N-SYMPTOMS-PERSIST", "N-SUPPLEMENTS",
                                                "VD-SUPPLEMENT-ONLY", "N-DRINK-REGULARLY"] \
        and not diff.notes_removed
    text = render(diff, ruleset)
    assert "- Possible low vitamin D: no longer raised (was several)" in text
    assert "- Possibly low calcium intake: no longer raised (was some)" in text
    assert "no longer: [VD-DIET]" in text and "Triage changes: routine -> self_care" in text


def test_stopping_the_diuretic(ruleset, personas):
    diff = diff_for(ruleset, personas, "older-adult-diuretic", "medicines=none")
    assert factor_changes(diff) == {"magnesium": ("some", "not_raised"),
                                    "potassium": ("some", "not_raised"),
                                    "dehydration": ("some", "some")}
    hydration = diff.factors[-1]
    assert [r.rule for r in hydration.indicators_removed] == ["HY-DIURETIC"]
    assert "still some, for different reasons" in render(diff, ruleset)
    assert [n.id for n in diff.notes_removed] == ["N-DIURETIC-KIND", "N-DIURETIC-CRAMPS"]


def test_triage_change_to_urgent(ruleset, personas):
    diff = diff_for(ruleset, personas, "healthy-adult", "urine_colour=brown")
    assert (diff.triage_before, diff.triage_after) == ("self_care", "urgent")
    assert diff.triage_changed and not diff.factors
    assert "Triage changes: self_care -> urgent (Get urgent medical care now)" in render(diff, ruleset)


def test_multi_and_int_values_raise_a_factor(ruleset, personas):
    diff = diff_for(ruleset, personas, "healthy-adult", "medicines=diuretic,ppi",
                    "ppi_duration=over_12_months", "age_years=70")
    assert factor_changes(diff)["magnesium"] == ("not_raised", "some")
    added = {r.rule for f in diff.factors for r in f.indicators_added}
    assert {"MG-PPI", "MG-DIURETIC", "K-DIURETIC", "VD-AGE", "HY-DIURETIC"} <= added
    assert diff.triage_after == "routine"
    assert "N-OLDER-HYDRATION" in {n.id for n in diff.notes_added}


def test_clearing_an_answer(ruleset, personas):
    diff = diff_for(ruleset, personas, "healthy-adult", "fatigue=")
    assert [(c.question, c.after) for c in diff.changes] == [("fatigue", None)]
    assert [n.id for n in diff.notes_added] == ["N-UNANSWERED"]


def test_skip_logic_drops_a_hidden_answer_with_a_warning(ruleset, personas):
    # v3 (spec 0.1): a pregnancy answer 'pregnant' is never ignored. Where the skip logic
    # hides it (sex_at_birth male) it is kept and used, with a warning to check it: the
    # pregnancy rules still apply, so nothing changes but the warning
    diff = diff_for(ruleset, personas, "pregnant-vomiting", "sex_at_birth=male")
    assert [(c.question, c.before, c.after) for c in diff.changes] == [
        ("sex_at_birth", "female", "male")]
    assert (diff.triage_before, diff.triage_after) == ("prompt", "prompt")
    assert not diff.notes_removed and not diff.factors
    [warning] = diff.warnings
    assert warning == ('Your answer "Pregnant" to "Are you pregnant or breastfeeding?" was '
                       'used although that question is only asked when "What was your sex at '
                       'birth?" is not answered "Male": please check this answer with the '
                       'person. [pregnancy]')
    # any other hidden answer is still dropped with a warning ('neither' for a man):
    # the pregnancy rules then no longer apply
    diff = diff_for(ruleset, personas, "pregnant-vomiting", "sex_at_birth=male", "pregnancy=neither")
    assert ("pregnancy", "pregnant", None) in [(c.question, c.before, c.after) for c in diff.changes]
    assert (diff.triage_before, diff.triage_after) == ("prompt", "routine")
    assert "N-PREGNANCY" in {n.id for n in diff.notes_removed}
    assert 'Your answer to "Are you pregnant or breastfeeding?" was not used: that question ' \
        'is only asked when "What was your sex at birth?" is not answered "Male". ' \
        '[pregnancy]' in diff.warnings


def test_setting_the_same_value_changes_nothing(ruleset, personas):
    diff = diff_for(ruleset, personas, "healthy-adult", "fatigue=no")
    assert diff.unchanged and diff.changes == []
    assert diff.warnings == ["fatigue was already no: nothing changed there"]


@pytest.mark.parametrize("sets, message", [
    (["supplements"], "'supplements': write question=code"),
    (["=vitamin_d"], "write question=code"),
    (["suplements=vitamin_d"], "'suplements' is not a question id (did you mean 'supplements'?)"),
    (["age_years=old"], "age_years: 'old' is not a whole number (expected 0 to 120)"),
    (["fatigue=yes", "fatigue=no"], "'fatigue' is set twice"),
])
def test_parse_errors(ruleset, sets, message):
    with pytest.raises(AnswersError) as info:
        parse_sets(sets, ruleset)
    assert message in str(info.value) and str(info.value).startswith("--set: ")


@pytest.mark.parametrize("sets, message", [
    (["supplements=vitamin_dd"], "'vitamin_dd' is not a code (did you mean 'vitamin_d'?)"),
    (["age_years=300"], "age_years: got 300; expected a whole number from 0 to 120"),
    (["medicines=none,ppi"], "'none' cannot be combined with other codes"),
    (["fatigue=maybe"], "fatigue: 'maybe' is not a code"),
])
def test_values_are_validated_like_answers(ruleset, personas, sets, message):
    with pytest.raises(AnswersError) as info:
        diff_for(ruleset, personas, "healthy-adult", *sets)
    assert message in str(info.value) and str(info.value).startswith("--set: 1 invalid answer\n")


# ------------------------------------------------------------------------- command

def test_whatif_json(capsys):
    assert main(["whatif", "--persona", "office-worker-winter", "--set", "supplements=vitamin_d",
                 "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    # v3 (spec 4, VD-SUPPLEMENT-ONLY): exposure indicators alone are held back beside the
    # supplement, so nothing is left raised: self care
    assert (data["triage_before"], data["triage_after"]) == ("routine", "self_care")
    assert {f["id"]: f["after"] for f in data["factors"]} == {"vitamin_d": "not_raised",
                                                              "calcium_intake": "not_raised"}


def test_whatif_file(capsys, write_json, personas):
    path = write_json(personas["marathon-runner-heat"].answers)
    assert main(["whatif", str(path), "--set", "heavy_sweating=no"]) == 0
    out = capsys.readouterr().out
    # potassium was held back (sweating alone) and stays so: never "now raised"
    assert "= potassium: still not raised (held back)" in out
    assert "Possible low potassium" not in out
    assert "~ Possible dehydration: strength several -> some" in out


def test_whatif_needs_set(capsys):
    with pytest.raises(SystemExit) as info:
        main(["whatif", "--persona", "healthy-adult"])
    assert info.value.code == 2 and "--set" in capsys.readouterr().err


@pytest.mark.slow  # starts the command in a child process
def test_whatif_bad_set_exit_2_without_traceback():
    proc = subprocess.run([sys.executable, "-m", "screener", "whatif", "--persona", "healthy-adult",
                           "--set", "supplements=vitamin_dd"],
                          capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.startswith("screener: error: --set: 1 invalid answer\n")
    assert "did you mean 'vitamin_d'" in proc.stderr and "Traceback" not in proc.stderr


def test_a_huge_or_hostile_set_is_echoed_short_and_escaped(ruleset):
    """A red-team run: a 5,000-digit --set value was echoed whole (5,059 characters)."""
    from screener.errors import AnswersError

    with pytest.raises(AnswersError) as error:
        parse_sets(["age_years=" + "9" * 5000, "\x1b[2J=1", "y" * 500], ruleset)
    text = str(error.value)
    assert len(text) < 600 and "\x1b" not in text and "(4,920 more characters)" in text
