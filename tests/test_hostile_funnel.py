"""A red flag is never lost, whatever the input: the regression corpus of the reading
funnel (decode, normalise, parse, map to answers; the raw red-flag scan whatever those
stages decide).

Each case is written as a person or an EHR would hand it over and run through the real
command line (``screener.cli.main``, in this process) and the real engine. The only
acceptable outcomes are a result, or exit 2 with one paragraph (no traceback) that
names the field, and, when the input holds a red flag anywhere, the URGENT line naming
it.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from conftest import FIXED_DAY, ROOT

from screener.cli import main
from screener.interop import fhir_questionnaire as fq

EXAMPLE = {k: v for k, v in json.loads((ROOT / "examples" / "answers.json").read_text()).items()
           if k != "respondent_id"}
URGENT = "screener: URGENT: these answers report a red flag ({}) but could not be screened"
CHEST = {"system": "urn:screener:answer-codes:red_flags_now", "code": "chest_pain",
         "display": "Chest pain"}
NONE = {"system": "urn:screener:answer-codes:red_flags_now", "code": "none",
        "display": "None of these"}


# ----------------------------------------------------------------------------- helpers

@pytest.fixture(scope="module")
def response():
    """A factory of fresh copies of a complete response with no red flag: item[0] is the
    urgent section (item[0].item[0] red_flags_now), item[1].item[0] is age_years."""
    from test_interop_fhir_response import fill_in  # what a form filler returns

    from screener.ruleset.loading import load_ruleset

    filled = fill_in(fq.questionnaire(load_ruleset())[0], EXAMPLE)
    assert filled["item"][0]["item"][0]["linkId"] == "red_flags_now"
    assert filled["item"][1]["item"][0]["linkId"] == "age_years"
    return lambda: copy.deepcopy(filled)


def _run(capsys, tmp_path: Path, data, *args: str, command: str = "screen"):
    path = tmp_path / "input.json"
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    extra = ("--format", "md") if command == "report" else ()
    code = main([command, str(path), *extra, *args])
    out, err = capsys.readouterr()
    return code, out, err


def _refused(code: int, out: str, err: str, *, says: str, flags: tuple[str, ...] = ()):
    """Exit 2, nothing on stdout, one error paragraph saying ``says``, and the URGENT
    line naming exactly ``flags`` (none: no URGENT line)."""
    assert (code, out) == (2, ""), (code, out, err)
    assert "Traceback" not in err
    first, *rest = err.rstrip("\n").split("\n")
    assert first.startswith("screener: error: ")
    assert says in err, err
    urgent = [line for line in rest if line.startswith("screener: URGENT")]
    assert all(line.startswith("  - ") for line in rest if line not in urgent), err
    if flags:
        assert urgent == [URGENT.format(", ".join(flags)) + ": get urgent medical care now "
                          "(call your local emergency number or go to an emergency "
                          "department)"], err
    else:
        assert urgent == [], err


def test_the_base_response_screens(capsys, tmp_path, response):
    """The corpus's starting point is a response that screens (so each refusal below
    is the hostile change's doing)."""
    code, out, err = _run(capsys, tmp_path, response())
    assert code == 0, err
    assert out.startswith("RESULT: DISCUSS WITH A CLINICIAN AT A ROUTINE APPOINTMENT")


# ------------------------------------------------- FHIR: conflicts and answers hidden

def test_fhir_a_linkid_answered_twice_is_refused_naming_the_red_flag(capsys, tmp_path, response):
    """Chest pain then 'none': a reader keeping the last copy screened routine."""
    qr = response()
    qr["item"][0]["item"].insert(0, {"linkId": "red_flags_now", "answer": [{"valueCoding": CHEST}]})
    _refused(*_run(capsys, tmp_path, qr), flags=("red_flags_now=chest_pain",),
             says="the linkId 'red_flags_now' is given twice (QuestionnaireResponse.item[0]"
                  ".item[0] and QuestionnaireResponse.item[0].item[1])")


def test_fhir_a_linkid_answered_twice_is_refused_by_report_too(capsys, tmp_path, response):
    qr = response()
    qr["item"][0]["item"].append({"linkId": "red_flags_now", "answer": [{"valueCoding": CHEST}]})
    _refused(*_run(capsys, tmp_path, qr, command="report"), flags=("red_flags_now=chest_pain",),
             says="is given twice")


def test_fhir_two_values_in_one_answer_are_refused(capsys, tmp_path, response):
    """'none' coded and chest pain typed in the same answer: the coding alone was read."""
    qr = response()
    qr["item"][0]["item"][0]["answer"] = [{"valueCoding": NONE, "valueString": "chest pain"}]
    _refused(*_run(capsys, tmp_path, qr), flags=("red_flags_now=chest_pain",),
             says="an answer with 2 values (valueCoding, valueString)")


def test_fhir_item_that_is_not_a_list_is_refused(capsys, tmp_path, response):
    """It read as 'nothing answered' and screened."""
    qr = response()
    qr["item"] = {"linkId": "red_flags_now", "answer": [{"valueCoding": CHEST}]}
    _refused(*_run(capsys, tmp_path, qr), flags=("red_flags_now=chest_pain",),
             says="QuestionnaireResponse.item: must be a list of items (FHIR repeats it), "
                  "not an object")


def test_fhir_answer_that_is_not_a_list_is_refused(capsys, tmp_path, response):
    qr = response()
    qr["item"][0]["item"][0]["answer"] = {"valueCoding": CHEST}
    _refused(*_run(capsys, tmp_path, qr), flags=("red_flags_now=chest_pain",),
             says="QuestionnaireResponse.item[0].item[0].answer: must be a list of answers")


@pytest.mark.parametrize("link_id,kind", [("red_flags_now-help", "display"),
                                          ("red_flags_now-urgent", "display"),
                                          ("section-urgent-intro", "display")])
def test_fhir_a_red_flag_answered_on_a_display_item_is_named(capsys, tmp_path, response,
                                                               link_id, kind):
    qr = response()
    qr["item"][0]["item"].append({"linkId": link_id, "answer": [{"valueCoding": CHEST}]})
    _refused(*_run(capsys, tmp_path, qr), flags=("red_flags_now=chest_pain",),
             says=f"'{link_id}' is a {kind} item of the Questionnaire: it carries no answer")


def test_fhir_a_red_flag_answered_on_a_group_item_is_named(capsys, tmp_path, response):
    qr = response()
    qr["item"][0]["answer"] = [{"valueString": "chest pain"}]
    _refused(*_run(capsys, tmp_path, qr), flags=("red_flags_now=chest_pain",),
             says="QuestionnaireResponse.item[0].answer: 'section-urgent' is a group item")


# --------------------------------------------------- FHIR: wrong kinds, one paragraph

AGE = "QuestionnaireResponse.item[1].item[0]"


@pytest.mark.parametrize("answer,says", [
    (5, f"{AGE}.answer: must be a list of answers (FHIR repeats it), not a number (5)"),
    ([{"valueDecimal": "abc"}],
     f"age_years: must be a number, not a string (\"abc\") (at {AGE}.answer[0].valueDecimal)"),
    ([{"valueDecimal": [1]}], f"age_years: must be a number, not a list (at {AGE}.answer[0]"
                              ".valueDecimal)"),
    ([{"valueDecimal": True}], f"age_years: must be a number, not true/false (true) (at {AGE}"
                               ".answer[0].valueDecimal)"),  # read as age 1 before
], ids=["answer-5", "decimal-abc", "decimal-list", "decimal-true"])
def test_fhir_an_answer_of_the_wrong_kind_is_one_paragraph(capsys, tmp_path, response,
                                                            answer, says):
    qr = response()
    qr["item"][1]["item"][0]["answer"] = answer
    _refused(*_run(capsys, tmp_path, qr), says=says)


def test_fhir_a_subject_that_is_not_a_reference_is_one_paragraph(capsys, tmp_path, response):
    qr = dict(response(), subject="Patient/1")
    _refused(*_run(capsys, tmp_path, qr),
             says="QuestionnaireResponse.subject: must be a Reference such as "
                  "{\"reference\": \"Patient/1\"} (a JSON object), not a string (\"Patient/1\")")


def test_fhir_a_bundle_whose_entry_is_not_a_list_is_one_paragraph(capsys, tmp_path):
    _refused(*_run(capsys, tmp_path, {"resourceType": "Bundle", "type": "collection", "entry": 5}),
             says="Bundle.entry: must be a list of entries (FHIR repeats it), not a number (5)")


def test_fhir_a_display_in_another_language_is_scanned(capsys, tmp_path, response):
    """A coding without our code, its Spanish display the only sign of chest pain."""
    qr = response()
    qr["item"][0]["item"][0]["answer"] = [{"valueCoding": {"display": "Dolor en el pecho"}}]
    _refused(*_run(capsys, tmp_path, qr), flags=("red_flags_now=chest_pain",),
             says="red_flags_now: an answer coding without a code (Dolor en el pecho)")


# ------------------------------------------------------- normalisation and nesting

@pytest.mark.parametrize("written", ["ｓｅｉｚｕｒｅ", "𝐬𝐞𝐢𝐳𝐮𝐫𝐞", "Ｓｅｉｚｕｒｅ\u200b"],
                         ids=["fullwidth", "mathematical-bold", "fullwidth-capital-invisible"])
def test_unicode_forms_of_a_red_flag_are_named(capsys, tmp_path, written):
    _refused(*_run(capsys, tmp_path, dict(EXAMPLE, red_flags_now=[written])),
             flags=("red_flags_now=seizure",), says="is not a code")


def test_a_fullwidth_red_flag_in_broken_json_is_named(capsys, tmp_path):
    """Text that cannot be parsed is searched as text: folded the same way."""
    _refused(*_run(capsys, tmp_path, '{"red_flags_now": ["ｓｅｉｚｕｒｅ"], "age_years": 40'),
             flags=("red_flags_now=seizure",), says="not valid JSON")


def test_a_fullwidth_red_flag_in_a_fhir_string_is_named(capsys, tmp_path, response):
    qr = response()
    qr["item"][0]["item"][0]["answer"] = [{"valueString": "ｃｈｅｓｔ ｐａｉｎ"}]
    _refused(*_run(capsys, tmp_path, qr), flags=("red_flags_now=chest_pain",),
             says="is not a code")


@pytest.mark.parametrize("value", [[["seizure"]], {"seizure": True}, [{"code": "seizure"}]],
                         ids=["list-in-list", "ticked-object", "object-in-list"])
def test_a_red_flag_one_level_deeper_is_named(capsys, tmp_path, value):
    _refused(*_run(capsys, tmp_path, dict(EXAMPLE, red_flags_now=value)),
             flags=("red_flags_now=seizure",), says="red_flags_now")


def test_a_record_nested_under_a_group_key_is_scanned(capsys, tmp_path):
    _refused(*_run(capsys, tmp_path, {"urgent": {"red_flags_now": ["seizure"]}, "age_years": 40}),
             flags=("red_flags_now=seizure",), says="unknown question id 'urgent'")


def test_a_list_of_records_is_scanned(capsys, tmp_path):
    """Refused before validation reads any answer (a list where one record belongs)."""
    _refused(*_run(capsys, tmp_path, [dict(EXAMPLE, red_flags_now=["chest_pain"])]),
             flags=("red_flags_now=chest_pain",), says="this is a list")


def test_a_spanish_label_is_named_in_a_screening_in_english(capsys, tmp_path, monkeypatch):
    from screener import red_flags

    monkeypatch.setattr(red_flags, "_scanners", {})  # built from the English ruleset
    _refused(*_run(capsys, tmp_path, dict(EXAMPLE, red_flags_now=["Dolor en el pecho"]),
                   "--lang", "en"),
             flags=("red_flags_now=chest_pain",), says="'Dolor en el pecho' is not a code")


def test_an_english_label_is_named_in_a_screening_in_spanish(capsys, tmp_path, monkeypatch):
    """The scan built from the Spanish ruleset (no scan of this process built before it)
    still knows the English labels."""
    from screener import red_flags

    monkeypatch.setattr(red_flags, "_scanners", {})
    code, out, err = _run(capsys, tmp_path, dict(
        EXAMPLE, muscle_weakness="Very weak, or getting worse"), "--lang", "es")
    assert (code, out) == (2, "") and "Traceback" not in err
    assert "URGENT" in err and "(muscle_weakness=severe_or_worsening)" in err


def test_batch_names_a_fullwidth_red_flag_in_a_refused_record(capsys, tmp_path):
    """The same normaliser serves batch: the refused record is named urgent."""
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"respondent_id": "P1", "age_years": 40,
                                  "red_flags_now": ["𝐬𝐞𝐢𝐳𝐮𝐫𝐞"]}, ensure_ascii=False) + "\n",
                      encoding="utf-8")
    code = main(["batch", str(source), "-o", str(tmp_path / "out.csv"), "--today",
                 FIXED_DAY.isoformat()])
    err = capsys.readouterr().err
    assert code == 0 and "Traceback" not in err
    assert "URGENT" in err and "red_flags_now=seizure" in err
