"""FHIR R5 exports validated with fhir.resources; codes checked against the value sets
(fhir.resources checks structure and types, not required value sets)."""

import json

import pytest

from report_helpers import CASES, vignette_answers
from screener import conditions
from screener.reports import fhir, render
from screener.screening import screen


def _validated(text: str) -> dict:
    data = json.loads(text)
    from fhir.resources.bundle import Bundle

    Bundle.model_validate(data)
    for entry in data["entry"]:
        fhir.validate(entry["resource"])
    return data


@pytest.fixture(scope="module")
def bundles(ruleset):
    out = {}
    for name in CASES:
        answers = dict(vignette_answers(name), respondent_id=f"R-{name[:8]}")
        result = screen(answers, ruleset)
        out[name] = (result, _validated(render(result, ruleset, "fhir", "person")))
    return out


def test_bundle_is_a_collection_with_response_and_assessment(bundles):
    for result, data in bundles.values():
        assert data["resourceType"] == "Bundle" and data["type"] == "collection"
        assert data["type"] in fhir.STATUS_CODES["Bundle.type"]
        kinds = [e["resource"]["resourceType"] for e in data["entry"]]
        assert kinds == ["QuestionnaireResponse", "RiskAssessment"]
        for entry in data["entry"]:
            assert entry["fullUrl"] == f"urn:uuid:{entry['resource']['id']}"


def test_questionnaire_response_answers(ruleset, bundles):
    result, data = bundles["office-worker-winter"]
    qr = data["entry"][0]["resource"]
    assert qr["status"] in fhir.STATUS_CODES["QuestionnaireResponse.status"]
    assert qr["status"] == "completed" and qr["authored"] == result.screened_on
    assert qr["subject"]["identifier"]["value"] == result.respondent_id
    items = {i["linkId"]: i for g in qr["item"] for i in g["item"]}
    assert list(items) == list(result.answers)  # linkId = question id, bank order
    assert items["age_years"]["answer"] == [{"valueInteger": 35}]
    assert items["screened_on"]["answer"] == [{"valueDate": "2025-01-20"}]
    coding = items["outdoor_daylight"]["answer"][0]["valueCoding"]
    assert coding == {"system": "urn:screener:answer-codes:outdoor_daylight",
                      "code": "under_15_min", "display": "Less than 15 minutes"}
    assert [g["linkId"] for g in qr["item"]] == [f"section-{s.id}" for s in ruleset.questions.sections]


def test_multi_answers_are_one_coding_each(ruleset):
    answers = dict(vignette_answers("office-worker-winter"), medicines=["ppi", "statin"],
                   ppi_duration="over_12_months")
    data = _validated(render(screen(answers, ruleset), ruleset, "fhir", "person"))
    items = {i["linkId"]: i for g in data["entry"][0]["resource"]["item"] for i in g["item"]}
    assert [a["valueCoding"]["code"] for a in items["medicines"]["answer"]] == ["ppi", "statin"]


def test_risk_assessment(bundles):
    for name, (result, data) in bundles.items():
        qr, ra = (e["resource"] for e in data["entry"])
        assert ra["status"] in fhir.STATUS_CODES["RiskAssessment.status"]
        assert ra["basis"][0]["reference"] == data["entry"][0]["fullUrl"]
        assert ra["code"]["coding"][0] == {"system": fhir.TRIAGE_SYSTEM, "code": result.triage,
                                           "display": result.triage_detail.title}
        assert ra["note"][0]["text"].startswith(f"Triage ({CASES[name]}):")
        predictions = ra.get("prediction", [])
        assert len(predictions) == len(result.factors)
        for prediction, factor in zip(predictions, result.factors):
            assert prediction["outcome"]["coding"][0]["code"] == factor.id
            risk = prediction["qualitativeRisk"]["coding"][0]
            assert risk["system"] == fhir.STRENGTH_SYSTEM and risk["code"] == factor.strength
            for indicator in factor.indicators:
                assert indicator.rule in prediction["rationale"]


def test_anonymous_subject(ruleset):
    data = _validated(render(screen(vignette_answers("cola-urine"), ruleset), ruleset, "fhir",
                             "person"))
    qr, ra = (e["resource"] for e in data["entry"])
    assert "subject" not in qr and ra["subject"] == {"display": "Anonymous respondent"}


def test_ids_are_deterministic_and_differ_between_people(ruleset, bundles):
    result, data = bundles["office-worker-winter"]
    assert render(result, ruleset, "fhir", "person") == render(result, ruleset, "fhir", "clinician")
    other = screen(vignette_answers("cola-urine"), ruleset)
    ids = {e["resource"]["id"] for e in data["entry"]}
    other_ids = {e["resource"]["id"] for e in json.loads(render(other, ruleset, "fhir", "person"))["entry"]}
    assert not ids & other_ids


# ----------------------------------------------------------------- Questionnaire

@pytest.fixture(scope="module")
def questionnaire(ruleset):
    text, problems = fhir.render_questionnaire(ruleset)
    data = json.loads(text)
    fhir.validate(data)
    return data, problems


def _items(data):
    for group in data["item"]:
        yield from group["item"]


def test_questionnaire_validates_and_covers_the_bank(ruleset, questionnaire):
    data, problems = questionnaire
    assert problems == []
    assert data["status"] in fhir.STATUS_CODES["Questionnaire.status"]
    items = {i["linkId"]: i for i in _items(data)}
    assert list(items) == [q.id for q in ruleset.questions]
    for q in ruleset.questions:
        item = items[q.id]
        assert item["type"] in fhir.STATUS_CODES["Questionnaire.item.type"]
        if q.type in ("choice", "multi"):
            assert [o["valueCoding"]["code"] for o in item["answerOption"]] == q.codes
        assert item.get("repeats", False) == (q.type == "multi")


def test_response_codes_are_options_of_the_questionnaire(questionnaire, bundles):
    data, _ = questionnaire
    options = {i["linkId"]: {(o["valueCoding"]["system"], o["valueCoding"]["code"])
                             for o in i.get("answerOption", [])} for i in _items(data)}
    for _, bundle in bundles.values():
        qr = bundle["entry"][0]["resource"]
        assert qr["questionnaire"] == f"{data['url']}|{data['version']}"
        for group in qr["item"]:
            for item in group["item"]:
                for answer in item["answer"]:
                    if "valueCoding" in answer:
                        c = answer["valueCoding"]
                        assert (c["system"], c["code"]) in options[item["linkId"]]


def test_skip_logic_becomes_enable_when(questionnaire):
    data, _ = questionnaire
    items = {i["linkId"]: i for i in _items(data)}
    pregnancy = items["pregnancy"]
    assert pregnancy["enableBehavior"] == "all"
    assert pregnancy["enableWhen"] == [
        {"question": "sex_at_birth", "operator": "!=",
         "answerCoding": {"system": "urn:screener:answer-codes:sex_at_birth", "code": "male"}},
        {"question": "age_years", "operator": ">=", "answerInteger": 12},
        {"question": "age_years", "operator": "<=", "answerInteger": 60}]
    assert items["ppi_duration"]["enableWhen"] == [
        {"question": "medicines", "operator": "=",
         "answerCoding": {"system": "urn:screener:answer-codes:medicines", "code": "ppi"}}]
    assert "enableBehavior" not in items["ppi_duration"]
    for item in items.values():
        for ew in item.get("enableWhen", []):
            assert ew["operator"] in fhir.STATUS_CODES["Questionnaire.item.enableWhen.operator"]


def test_questions_map_and_unmappable_conditions_are_reported(ruleset):
    q = ruleset.questions.by_id
    mapped, behaviour = fhir.enable_when(conditions.parse({"sex_at_birth": ["female", "intersex"]}), q)
    assert behaviour == "any" and [e["answerCoding"]["code"] for e in mapped] == ["female", "intersex"]
    mapped, behaviour = fhir.enable_when(conditions.parse(
        {"any": [{"age_years": {"gt": 70}}, {"medicines": {"has_any": ["ppi", "diuretic"]}}]}), q)
    assert behaviour == "any" and len(mapped) == 3
    for raw, why in [
        ({"all": [{"age_years": {"gte": 18}}, {"any": [{"fatigue": "yes"}, {"bone_pain": "yes"}]}]},
         "nested"),
        ({"all": [{"age_years": {"gte": 18}}, {"sex_at_birth": ["female", "intersex"]}]}, "combines"),
        ({"older_adult": True}, "not a question"),
        ({"medicines": {"lacks": "ppi"}}, "no enableWhen equivalent"),
    ]:
        with pytest.raises(fhir.Unmappable, match=why):
            fhir.enable_when(conditions.parse(raw), q)
    bent = q["ppi_duration"].model_copy(update={"shown_if": conditions.parse({"older_adult": True})})
    problems = []
    item = fhir._item(bent, q, problems)
    assert "enableWhen" not in item
    assert problems and problems[0].startswith("ppi_duration: shown_if not exported")
