"""HL7 FHIR exports of a screening (R4, the default, or R5): a Bundle. The question bank
as a Questionnaire is ``screener.interop.fhir_questionnaire``.

``render`` gives a ``Bundle`` of type ``collection`` holding

- a ``QuestionnaireResponse``: one item per answered question (``linkId`` = question
  id) inside one group per section (``linkId`` = ``section-<id>``); codes as
  ``valueCoding`` in our code systems, numbers as ``valueInteger``, dates as
  ``valueDate``;
- a ``RiskAssessment``: ``basis`` -> the response (by its ``urn:uuid`` fullUrl), one
  ``prediction`` per raised factor (``outcome`` = the factor, ``qualitativeRisk`` = its
  strength, ``rationale`` = the indicators that fired), the triage, whether the
  screening is complete, the factors held back by an exception and the notes as
  ``note`` entries.

Our code systems (URNs, so they never pretend to be an HL7 or LOINC code):

==================================  =====================================================
``urn:screener:answer-codes:<qid>`` the answer codes of question ``<qid>`` (``not_sure``
                                    included), exactly as in the answers file
``urn:screener:factor``             factor ids (``vitamin_d``, ``magnesium``, ...)
``urn:screener:factor-strength``    ``some`` (1-2 indicators), ``several`` (3 or more);
                                    deliberately not mapped to HL7 risk-probability: the
                                    screen counts risk factors, it does not estimate risk
``urn:screener:triage``             ``urgent``, ``same_day``, ``prompt``, ``routine``,
                                    ``self_care``
``urn:screener:respondent-id``      identifier system of ``respondent_id`` (never a name)
==================================  =====================================================

Ids are uuid5 values derived from the result's own JSON, so the same answers always
give byte-identical output (golden files stay stable) and nothing random leaks.
Every resource is validated with ``fhir.resources`` (pydantic v2) before it is shown;
status codes are checked against the value sets here, which that library does not do.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

EXTENSION = ".fhir.json"
VERSIONS = ("R4", "R5")
BINARY = False

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:screener")
ANSWER_SYSTEM = "urn:screener:answer-codes"
FACTOR_SYSTEM = "urn:screener:factor"
STRENGTH_SYSTEM = "urn:screener:factor-strength"
TRIAGE_SYSTEM = "urn:screener:triage"
RESPONDENT_SYSTEM = "urn:screener:respondent-id"
STRENGTH_DISPLAY = {"some": "Some risk indicators (1-2)",
                    "several": "Several risk indicators (3 or more)"}

#: required FHIR value sets this module uses (the same codes in R4 and R5); fhir.resources does
#: not check them
STATUS_CODES = {
    "Bundle.type": {"document", "message", "transaction", "transaction-response", "batch",
                    "batch-response", "history", "searchset", "collection",
                    "subscription-notification"},
    "QuestionnaireResponse.status": {"in-progress", "completed", "amended",
                                     "entered-in-error", "stopped"},
    "RiskAssessment.status": {"registered", "preliminary", "final", "amended", "corrected",
                              "cancelled", "entered-in-error", "unknown"},
}


def answer_system(question_id: str) -> str:
    return f"{ANSWER_SYSTEM}:{question_id}"


def questionnaire_url(ruleset) -> str:
    return f"urn:screener:questionnaire:{ruleset.name}"


def _coding(question, code) -> dict:
    return {"system": answer_system(question.id), "code": code, "display": question.label(code)}


def _answers(question, value) -> list[dict]:
    if question.type == "int" and value != "not_sure":
        return [{"valueInteger": value}]
    if question.type == "date":
        return [{"valueDate": value}]
    values = value if isinstance(value, list) else [value]
    return [{"valueCoding": _coding(question, v)} for v in values]


def _subject(result, patient_ref: str | None = None) -> dict:
    if patient_ref:
        return {"reference": patient_ref}
    if result.respondent_id:
        return {"identifier": {"system": RESPONDENT_SYSTEM, "value": result.respondent_id}}
    return {"display": "Anonymous respondent"}


def questionnaire_response(result, ruleset, ident: str, patient_ref: str | None = None) -> dict:
    groups = []
    for section in ruleset.questions.sections:
        items = [{"linkId": q.id, "text": q.text, "answer": _answers(q, result.answers[q.id])}
                 for q in section.questions if q.id in result.answers]
        if items:
            groups.append({"linkId": f"section-{section.id}", "text": section.title,
                           "item": items})
    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse", "id": ident,
        "questionnaire": f"{questionnaire_url(ruleset)}|{ruleset.version}",
        "status": "completed"}
    if result.respondent_id or patient_ref:
        resource["subject"] = _subject(result, patient_ref)
    if result.screened_on:
        resource["authored"] = result.screened_on
    resource["item"] = groups
    return resource


def _rationale(factor) -> str:
    text = "Risk indicators: " + "; ".join(f"{e.rule} {e.title}" for e in factor.indicators)
    if factor.consistent_symptoms:
        text += (". Consistent symptoms (do not raise the factor on their own): "
                 + "; ".join(s.label for s in factor.consistent_symptoms))
    return text + "."


def risk_assessment(result, ident: str, basis: str, patient_ref: str | None = None) -> dict:
    from .content import DISCLAIMER, completeness_line, held_back_label, stamp

    t = result.triage_detail
    notes = [{"text": f"Triage ({t.level}): {t.title}. {' '.join(t.message.split())}"}]
    # spec 6: a "first" note (heat, cancer treatment, urgent check unasked) follows the
    # triage directly
    notes += [{"text": f"{n.id}: {' '.join(n.text.split())}"} for n in result.notes if n.first]
    notes.append({"text": completeness_line(result, clinician=True)})
    notes += [{"text": f"{held_back_label(h.id)}: indicators "
                       f"{', '.join(e.rule for e in h.indicators)}; held back by "
                       f"{', '.join(f'{e.rule} ({e.title})' for e in h.because)}."}
              for h in result.held_back]
    notes += [{"text": f"{n.id}: {' '.join(n.text.split())}"} for n in result.notes
              if not n.first]
    notes.append({"text": DISCLAIMER})
    resource: dict[str, Any] = {
        "resourceType": "RiskAssessment", "id": ident, "status": "final",
        "method": {"coding": [{"system": "urn:screener:ruleset",
                               "code": f"{result.ruleset.name}|{result.ruleset.version}",
                               "display": stamp(result)}],
                   "text": f"Rule-based nutrition screening, ruleset sha256 {result.ruleset.hash}"},
        "code": {"coding": [{"system": TRIAGE_SYSTEM, "code": t.level, "display": t.title}],
                 "text": "Nutrition screening: possible contributing factors"},
        "subject": _subject(result, patient_ref),
    }
    if result.screened_on:
        resource["occurrenceDateTime"] = result.screened_on
    resource["basis"] = [{"reference": basis, "display": "Screening answers"}]
    predictions = [{
        "outcome": {"coding": [{"system": FACTOR_SYSTEM, "code": f.id, "display": f.label}],
                    "text": f.label},
        "qualitativeRisk": {"coding": [{"system": STRENGTH_SYSTEM, "code": f.strength,
                                        "display": STRENGTH_DISPLAY[f.strength]}],
                            "text": STRENGTH_DISPLAY[f.strength]},
        "rationale": _rationale(f),
    } for f in result.factors]
    if predictions:
        resource["prediction"] = predictions
    resource["note"] = notes
    return resource


def bundle(result, ruleset, patient_ref: str | None = None) -> dict:
    """The Bundle; ``patient_ref`` (``Patient/ID``) makes the subject a reference to the
    receiving system's patient instead of the anonymous respondent identifier."""
    seed = result.to_json() + (f"|{patient_ref}" if patient_ref else "")
    key = hashlib.sha256(seed.encode("utf-8")).hexdigest()
    ids = {kind: str(uuid.uuid5(NAMESPACE, f"{key}:{kind}"))
           for kind in ("bundle", "response", "assessment")}
    qr = questionnaire_response(result, ruleset, ids["response"], patient_ref)
    ra = risk_assessment(result, ids["assessment"], f"urn:uuid:{ids['response']}", patient_ref)
    return {
        "resourceType": "Bundle", "id": ids["bundle"],
        "identifier": {"system": "urn:ietf:rfc:3986", "value": f"urn:uuid:{ids['bundle']}"},
        "type": "collection",
        "entry": [{"fullUrl": f"urn:uuid:{ids['response']}", "resource": qr},
                  {"fullUrl": f"urn:uuid:{ids['assessment']}", "resource": ra}],
    }


def validate(resource: dict, version: str = "R4") -> None:
    """Check a resource with fhir.resources (structure, types, cardinality): the R4B
    models for R4, the default models for R5."""
    if version == "R4":
        from fhir.resources.R4B import get_fhir_model_class
    elif version == "R5":
        from fhir.resources import get_fhir_model_class
    else:
        raise ValueError(f"unknown FHIR version '{version}'; choose one of: {', '.join(VERSIONS)}")
    get_fhir_model_class(resource["resourceType"]).model_validate(resource)


def check_patient_ref(value: str) -> str:
    """``Patient/<FHIR id>`` unchanged, or ValueError saying what is expected."""
    import re

    if not re.fullmatch(r"Patient/[A-Za-z0-9\-.]{1,64}", value):
        raise ValueError(f"'{value}' is not a patient reference: write Patient/ID, where ID "
                         "is the patient's FHIR id (1 to 64 letters, digits, '-' or '.')")
    return value


def _dump(resource: dict) -> str:
    return json.dumps(resource, indent=2, ensure_ascii=False) + "\n"


def render(result, ruleset, view: str, fhir_version: str = "R4",
           patient_ref: str | None = None) -> str:
    """The same complete Bundle for both views: a receiving system wants everything.
    The resources read the same in R4 and R5; ``fhir_version`` picks the models that
    validate them."""
    if patient_ref is not None:
        check_patient_ref(patient_ref)
    resource = bundle(result, ruleset, patient_ref)
    validate(resource, fhir_version)
    return _dump(resource)
