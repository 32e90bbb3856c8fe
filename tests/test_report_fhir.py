"""FHIR Bundle exports (R4 and R5) validated with fhir.resources; codes checked against the value sets
(fhir.resources checks structure and types, not required value sets)."""

import json

import pytest
from report_helpers import CASES, vignette_answers

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
    for _, data in bundles.values():
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
        for prediction, factor in zip(predictions, result.factors, strict=True):
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


@pytest.mark.parametrize("version", ["R4", "R5"])
def test_bundle_validates_in_both_versions(ruleset, bundles, version):
    result, data = bundles["cola-urine"]
    text = render(result, ruleset, "fhir", "person", fhir_version=version)
    assert json.loads(text) == data  # the same resources; only the validating models differ
    from fhir.resources.R4B.bundle import Bundle as R4Bundle

    R4Bundle.model_validate(json.loads(text))


def test_patient_ref_makes_the_subject_a_reference(ruleset, bundles):
    result, data = bundles["office-worker-winter"]
    text = render(result, ruleset, "fhir", "person", patient_ref="Patient/8841")
    qr, ra = (e["resource"] for e in _validated(text)["entry"])
    assert qr["subject"] == ra["subject"] == {"reference": "Patient/8841"}
    assert qr["id"] != data["entry"][0]["resource"]["id"]  # another document, other ids
    with pytest.raises(ValueError, match="Patient/ID"):
        render(result, ruleset, "fhir", "person", patient_ref="8841")


def test_first_notes_follow_the_triage_note(ruleset):
    """Spec 6 (v3): the heat advice is read first, right under the triage, in every
    format: in the RiskAssessment, the note after the triage note."""
    answers = vignette_answers("v3-outdoor-worker-heat-exhaustion")
    result = screen(answers, ruleset)
    assert [n.id for n in result.notes if n.first] == ["N-HEAT"]
    bundle = json.loads(render(result, ruleset, "fhir", "clinician"))
    assessment = next(e["resource"] for e in bundle["entry"]
                      if e["resource"]["resourceType"] == "RiskAssessment")
    texts = [n["text"] for n in assessment["note"]]
    assert texts[0].startswith("Triage (same_day)") and texts[1].startswith("N-HEAT: ")
    assert "30 minutes" in texts[1]
