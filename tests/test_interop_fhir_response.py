"""FHIR in: a QuestionnaireResponse to our Questionnaire (R4 or R5), filled in the way an
SDC form filler does it, screens exactly like the answers file it came from."""

import json
import subprocess
import sys

import pytest
from conftest import FIXED_DAY, ROOT
from report_helpers import vignette_answers

from screener.authoring.generate import answer_sets
from screener.errors import AnswersError
from screener.interop import fhir_questionnaire as fq
from screener.interop.answers_file import parse_answers_text
from screener.reports import render
from screener.screening import screen

VIGNETTES = sorted(p.stem for p in (ROOT / "tests" / "vignettes").glob("*.json"))[:40]


def fill_in(questionnaire: dict, answers: dict) -> dict:
    """What a form filler returns: the Questionnaire's groups and question items (no
    display items), each answer copied from the chosen answerOption or typed in."""
    def items(source):
        out = []
        for item in source:
            if item["type"] == "display":
                continue
            if item["type"] == "group":
                children = items(item["item"])
                if children:
                    out.append({"linkId": item["linkId"], "text": item["text"], "item": children})
                continue
            value = answers.get(item["linkId"])
            if value is None:
                continue
            if "answerOption" in item:
                options = {o["valueCoding"]["code"]: o["valueCoding"] for o in item["answerOption"]}
                answer = [{"valueCoding": options[code]}
                          for code in (value if isinstance(value, list) else [value])]
            elif item["type"] == "integer":
                answer = [{"valueInteger": value}]
            else:
                answer = [{"valueDate": value}]
            out.append({"linkId": item["linkId"], "text": item["text"], "answer": answer})
        return out

    return {"resourceType": "QuestionnaireResponse", "status": "completed",
            "questionnaire": f"{questionnaire['url']}|{questionnaire['version']}",
            "item": items(questionnaire["item"])}


def _same(a, b):
    return json.loads(a.to_json()) == json.loads(b.to_json())


@pytest.mark.parametrize("version", ["R4", "R5"])
def test_round_trip_equals_screening_the_answers_file(ruleset, version):
    questionnaire, _ = fq.questionnaire(ruleset, version)
    samples = [vignette_answers(v) for v in VIGNETTES] + answer_sets(ruleset, 40, seed=9)
    for answers in samples:
        response = fill_in(questionnaire, answers)
        fq.validate(response, version)  # a valid resource of that version
        direct = parse_answers_text(json.dumps(answers), ruleset, "a.json", FIXED_DAY)
        via_fhir = parse_answers_text(json.dumps(response), ruleset, "r.json", FIXED_DAY)
        assert via_fhir.values == direct.values
        assert _same(screen(via_fhir, ruleset), screen(direct, ruleset))


def test_a_bundle_holding_the_response_and_our_own_report(ruleset):
    answers = dict(vignette_answers("cola-urine"), respondent_id="R-77")
    result = screen(answers, ruleset)
    report = render(result, ruleset, "fhir", "person")  # Bundle: response + assessment
    again = parse_answers_text(report, ruleset, "b.json")
    assert again.respondent_id == "R-77"
    assert _same(screen(again, ruleset), result)
    questionnaire, _ = fq.questionnaire(ruleset)
    transaction = {"resourceType": "Bundle", "type": "transaction", "entry": [
        {"resource": {"resourceType": "Patient", "id": "p1"}},
        {"resource": fill_in(questionnaire, vignette_answers("cola-urine"))}]}
    assert parse_answers_text(json.dumps(transaction), ruleset, "t.json").values == \
        parse_answers_text(json.dumps(vignette_answers("cola-urine")), ruleset, "a.json").values


def test_authored_gives_the_screening_date(ruleset):
    questionnaire, _ = fq.questionnaire(ruleset)
    answers = {k: v for k, v in vignette_answers("office-worker-winter").items() if k != "screened_on"}
    response = dict(fill_in(questionnaire, answers), authored="2025-02-03T10:11:12+01:00")
    assert parse_answers_text(json.dumps(response), ruleset, "r.json").values["screened_on"] == "2025-02-03"


@pytest.mark.parametrize("change,message", [
    (lambda r: r.update(questionnaire="urn:screener:questionnaire:other|1"),
     "answers urn:screener:questionnaire:other, not this screener's"),
    (lambda r: r.update(questionnaire="http://loinc.org/q/44249-1",
                        item=[{"linkId": "/44250-9", "answer": [{"valueString": "x"}]}]),
     "answers another questionnaire .*none of its items \\(/44250-9\\)"),
    (lambda r: r["item"][0]["item"].append({"linkId": "red_flag_now", "answer": [{"valueString": "x"}]}),
     "'red_flag_now' \\(did you mean 'red_flags_now'\\?\\)"),
    (lambda r: r["item"][1]["item"][0]["answer"][0].update(valueCoding={"system": "http://snomed.info/sct", "code": "1"}),
     "from http://snomed.info/sct, not from this screener's answer codes"),
    (lambda r: r.update(status="entered-in-error"), "entered-in-error"),
])
def test_responses_that_are_not_ours_are_refused(ruleset, change, message):
    questionnaire, _ = fq.questionnaire(ruleset)
    response = fill_in(questionnaire, dict(vignette_answers("office-worker-winter"),
                                           sex_at_birth="female"))
    change(response)
    with pytest.raises(AnswersError, match=message):
        parse_answers_text(json.dumps(response), ruleset, "r.json")


def test_bundles_without_exactly_one_response_are_refused(ruleset):
    questionnaire, _ = fq.questionnaire(ruleset)
    response = fill_in(questionnaire, vignette_answers("cola-urine"))
    for entries, message in [([{"resource": {"resourceType": "Patient"}}], "holds no Questionnaire"
                               "Response \\(it holds: Patient\\)"),
                             ([{"resource": response}] * 2, "holds 2 QuestionnaireResponses")]:
        with pytest.raises(AnswersError, match=message):
            parse_answers_text(json.dumps({"resourceType": "Bundle", "entry": entries}), ruleset, "b.json")


def run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "screener", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=120)


@pytest.mark.slow  # starts the command in a child process
def test_cli_screen_and_report_a_response(tmp_path, ruleset):
    questionnaire = tmp_path / "q.json"
    assert run("questionnaire", "--fhir", "-o", str(questionnaire)).returncode == 0
    answers = vignette_answers("office-worker-winter")
    response = tmp_path / "response.json"
    response.write_text(json.dumps(fill_in(json.loads(questionnaire.read_text()), answers)))
    plain = tmp_path / "answers.json"
    plain.write_text(json.dumps(answers))
    assert run("screen", str(response), "--format", "json").stdout == \
        run("screen", str(plain), "--format", "json").stdout
    out = tmp_path / "s.fhir.json"
    proc = run("report", str(response), "-o", str(out), "--patient-ref", "Patient/8841",
               "--fhir-version", "R5")
    assert proc.returncode == 0, proc.stderr
    qr, ra = (e["resource"] for e in json.loads(out.read_text())["entry"])
    assert qr["subject"] == ra["subject"] == {"reference": "Patient/8841"}
    proc = run("report", str(response), "-o", str(tmp_path / "x.fhir.json"), "--patient-ref", "8841")
    assert proc.returncode == 2 and "Patient/ID" in proc.stderr
    proc = run("report", str(response), "--format", "md", "--patient-ref", "Patient/1")
    assert proc.returncode == 2 and "go with the fhir format" in proc.stderr


@pytest.mark.slow  # starts the command in a child process
def test_a_red_flag_ticked_with_none_is_refused_and_shouted(tmp_path, ruleset):
    """The issue's renderer case: chest_pain and none ticked together."""
    questionnaire, _ = fq.questionnaire(ruleset)
    response = fill_in(questionnaire, {"red_flags_now": ["chest_pain", "none"], "age_years": 40})
    path = tmp_path / "r.json"
    path.write_text(json.dumps(response))
    proc = run("screen", str(path))
    assert proc.returncode == 2
    assert "'none' cannot be combined" in proc.stderr
    assert "URGENT: these answers report a red flag (red_flags_now=chest_pain)" in proc.stderr


def test_a_refused_response_is_still_searched_for_red_flags(ruleset):
    questionnaire, _ = fq.questionnaire(ruleset)
    response = fill_in(questionnaire, {"red_flags_now": ["fainting"], "age_years": 40})
    response["item"][0]["item"].append({"linkId": "extra", "answer": [{"valueString": "x"}]})
    with pytest.raises(AnswersError, match="'extra'") as caught:
        parse_answers_text(json.dumps(response), ruleset, "r.json")
    assert caught.value.red_flags == ["red_flags_now=fainting"]


def test_a_coding_without_a_code_is_refused_and_its_label_still_scanned(ruleset):
    questionnaire, _ = fq.questionnaire(ruleset)
    response = fill_in(questionnaire, {"red_flags_now": ["fainting"], "age_years": 40})
    response["item"][0]["item"][0]["answer"] = [{"valueCoding": {"display": "Chest pain"}}]
    with pytest.raises(AnswersError, match="red_flags_now: an answer coding without a code") as caught:
        parse_answers_text(json.dumps(response), ruleset, "r.json")
    assert caught.value.red_flags == ["red_flags_now=chest_pain"]
