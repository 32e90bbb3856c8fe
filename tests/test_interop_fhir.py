"""The question bank as a FHIR Questionnaire, R4 (default) and R5, validated with
fhir.resources (R4B models for R4) and checked against each version's value sets."""

import json

import pytest
from report_helpers import CASES, vignette_answers

from screener.interop import fhir_questionnaire as fq
from screener.red_flags import urgent_codes
from screener.reports import render
from screener.ruleset import conditions
from screener.screening import screen


@pytest.fixture(scope="module", params=["R4", "R5"])
def exported(request, ruleset):
    text, problems = fq.render_questionnaire(ruleset, request.param)
    data = json.loads(text)
    fq.validate(data, request.param)
    return request.param, data, problems


def _questions(data):
    return {i["linkId"]: i for i in fq.walk(data["item"])}


def test_questionnaire_validates_and_covers_the_bank(ruleset, exported):
    version, data, problems = exported
    assert problems == []
    fq.check_codes(data, version)
    items = _questions(data)
    assert [i for i in items if i in ruleset.questions.by_id] == [q.id for q in ruleset.questions]
    for q in ruleset.questions:
        item = items[q.id]
        if q.type in ("choice", "multi"):
            assert [o["valueCoding"]["code"] for o in item["answerOption"]] == q.codes
            assert item["type"] == ("choice" if version == "R4" else "coding")
            assert ("answerConstraint" in item) == (version == "R5")
        assert item.get("repeats", False) == (q.type == "multi")
    assert items["red_flags_now"]["required"] is True


def test_r4_has_no_r5_only_elements(ruleset):
    data, _ = fq.questionnaire(ruleset, "R4")
    text = json.dumps(data)
    assert '"coding"' not in text.replace('"coding": [', "") and "answerConstraint" not in text
    r5, _ = fq.questionnaire(ruleset, "R5")
    with pytest.raises(ValueError, match="not valid FHIR R4.*type coding"):
        fq.check_codes(r5, "R4")
    with pytest.raises(Exception, match="answerConstraint"):
        fq.validate(r5, "R4")  # the R4B models refuse the R5-only element


def test_none_and_not_sure_are_exclusive(ruleset, exported):
    _, data, _ = exported
    items = _questions(data)
    for q in ruleset.questions:
        if q.type != "multi":
            continue
        exclusive = [o["valueCoding"]["code"] for o in items[q.id]["answerOption"]
                     if {"url": fq.OPTION_EXCLUSIVE, "valueBoolean": True} in o.get("extension", [])]
        assert exclusive == [c for c in q.codes if c in ("none", "not_sure")]
        assert "none" in exclusive and "not_sure" in exclusive


def test_help_is_an_item_control_help_item(ruleset, exported):
    _, data, _ = exported
    items = _questions(data)
    for q in ruleset.questions:
        if q.help:
            (child,) = items[q.id]["item"]
            assert child["type"] == "display" and child["text"] == q.help
            control = child["extension"][0]
            assert control["url"] == fq.ITEM_CONTROL
            assert control["valueCodeableConcept"]["coding"][0]["code"] == "help"


def test_urgent_answers_show_the_urgent_advice(ruleset, exported):
    _, data, _ = exported
    items = _questions(data)
    for qid, codes in urgent_codes(ruleset).items():
        advice = items[f"{qid}-urgent"]
        assert advice["type"] == "display" and "emergency" in advice["text"]
        assert {e["answerCoding"]["code"] for e in advice["enableWhen"]} == codes
        assert all(e["question"] == qid and e["operator"] == "=" for e in advice["enableWhen"])
        assert advice.get("enableBehavior", "any") == "any"


def test_options_show_as_check_boxes_and_radio_buttons(ruleset, exported):
    _, data, _ = exported
    items = _questions(data)
    for q in ruleset.questions:
        controls = [e["valueCodeableConcept"]["coding"][0]["code"]
                    for e in items[q.id].get("extension", []) if e["url"] == fq.ITEM_CONTROL]
        want = {"multi": ["check-box"], "choice": ["radio-button"]}.get(q.type, [])
        assert controls == want, q.id


def test_screening_date_starts_as_today(exported):
    _, data, _ = exported
    (ext,) = _questions(data)["screened_on"]["extension"]
    assert ext["url"] == fq.INITIAL_EXPRESSION
    assert ext["valueExpression"]["expression"] == "today()"


def test_response_codes_are_options_of_the_questionnaire(ruleset, exported):
    _, data, _ = exported
    options = {i["linkId"]: {(o["valueCoding"]["system"], o["valueCoding"]["code"])
                             for o in i.get("answerOption", [])} for i in fq.walk(data["item"])}
    for name in CASES:
        bundle = json.loads(render(screen(vignette_answers(name), ruleset), ruleset, "fhir", "person"))
        qr = bundle["entry"][0]["resource"]
        assert qr["questionnaire"] == f"{data['url']}|{data['version']}"
        for item in fq.walk(qr["item"]):
            for answer in item.get("answer", []):
                if "valueCoding" in answer:
                    c = answer["valueCoding"]
                    assert (c["system"], c["code"]) in options[item["linkId"]]


def test_skip_logic_becomes_enable_when(exported):
    _, data, _ = exported
    items = _questions(data)
    pregnancy = items["pregnancy"]
    assert pregnancy["enableBehavior"] == "all"
    assert pregnancy["enableWhen"] == [
        {"question": "sex_at_birth", "operator": "!=",
         "answerCoding": {"system": "urn:screener:answer-codes:sex_at_birth", "code": "male"}},
        {"question": "age_years", "operator": ">=", "answerInteger": 10}]  # v3: from 10
    assert items["ppi_duration"]["enableWhen"] == [
        {"question": "medicines", "operator": "=",
         "answerCoding": {"system": "urn:screener:answer-codes:medicines", "code": "ppi"}}]
    assert "enableBehavior" not in items["ppi_duration"]


def test_questions_map_and_unmappable_conditions_are_reported(ruleset):
    q = ruleset.questions.by_id
    mapped, behaviour = fq.enable_when(conditions.parse({"sex_at_birth": ["female", "intersex"]}), q)
    assert behaviour == "any" and [e["answerCoding"]["code"] for e in mapped] == ["female", "intersex"]
    mapped, behaviour = fq.enable_when(conditions.parse(
        {"any": [{"age_years": {"gt": 70}}, {"medicines": {"has_any": ["ppi", "diuretic"]}}]}), q)
    assert behaviour == "any" and len(mapped) == 3
    for raw, why in [
        ({"all": [{"age_years": {"gte": 18}}, {"any": [{"fatigue": "yes"}, {"bone_pain": "yes"}]}]},
         "nested"),
        ({"all": [{"age_years": {"gte": 18}}, {"sex_at_birth": ["female", "intersex"]}]}, "combines"),
        ({"older_adult": True}, "not a question"),
        ({"medicines": {"lacks": "ppi"}}, "no enableWhen equivalent"),
    ]:
        with pytest.raises(fq.Unmappable, match=why):
            fq.enable_when(conditions.parse(raw), q)
    bent = q["ppi_duration"].model_copy(update={"shown_if": conditions.parse({"older_adult": True})})
    problems = []
    item = fq._item(bent, q, "R4", problems)
    assert "enableWhen" not in item
    assert problems and problems[0].startswith("ppi_duration: shown_if not exported")
