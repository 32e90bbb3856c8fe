"""HL7 FHIR (R5) exports: the screening as a Bundle, the question bank as a Questionnaire.

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

EXTENSION = ".fhir.json"
BINARY = False

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:screener")
ANSWER_SYSTEM = "urn:screener:answer-codes"
FACTOR_SYSTEM = "urn:screener:factor"
STRENGTH_SYSTEM = "urn:screener:factor-strength"
TRIAGE_SYSTEM = "urn:screener:triage"
RESPONDENT_SYSTEM = "urn:screener:respondent-id"
STRENGTH_DISPLAY = {"some": "Some risk indicators (1-2)", "several": "Several risk indicators (3 or more)"}
ITEM_TYPES = {"choice": "coding", "multi": "coding", "int": "integer", "date": "date"}
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"

#: required FHIR R5 value sets this module uses; fhir.resources does not check them
STATUS_CODES = {
    "Bundle.type": {"document", "message", "transaction", "transaction-response", "batch",
                    "batch-response", "history", "searchset", "collection",
                    "subscription-notification"},
    "QuestionnaireResponse.status": {"in-progress", "completed", "amended",
                                     "entered-in-error", "stopped"},
    "RiskAssessment.status": {"registered", "preliminary", "final", "amended", "corrected",
                              "cancelled", "entered-in-error", "unknown"},
    "Questionnaire.status": {"draft", "active", "retired", "unknown"},
    "Questionnaire.item.type": {"group", "display", "question", "boolean", "decimal",
                                "integer", "date", "dateTime", "time", "string", "text",
                                "url", "coding", "attachment", "reference", "quantity"},
    "Questionnaire.item.enableWhen.operator": {"exists", "=", "!=", ">", "<", ">=", "<="},
    "Questionnaire.item.enableBehavior": {"all", "any"},
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


def _subject(result) -> dict:
    if result.respondent_id:
        return {"identifier": {"system": RESPONDENT_SYSTEM, "value": result.respondent_id}}
    return {"display": "Anonymous respondent"}


def questionnaire_response(result, ruleset, ident: str) -> dict:
    groups = []
    for section in ruleset.questions.sections:
        items = [{"linkId": q.id, "text": q.text, "answer": _answers(q, result.answers[q.id])}
                 for q in section.questions if q.id in result.answers]
        if items:
            groups.append({"linkId": f"section-{section.id}", "text": section.title,
                           "item": items})
    resource = {"resourceType": "QuestionnaireResponse", "id": ident,
                "questionnaire": f"{questionnaire_url(ruleset)}|{ruleset.version}",
                "status": "completed"}
    if result.respondent_id:
        resource["subject"] = _subject(result)
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


def risk_assessment(result, ident: str, basis: str) -> dict:
    from .content import DISCLAIMER, completeness_line, held_back_label, stamp

    t = result.triage_detail
    notes = [{"text": f"Triage ({t.level}): {t.title}. {' '.join(t.message.split())}"},
             {"text": completeness_line(result, clinician=True)}]
    notes += [{"text": f"{held_back_label(h.id)}: indicators "
                       f"{', '.join(e.rule for e in h.indicators)}; held back by "
                       f"{', '.join(f'{e.rule} ({e.title})' for e in h.because)}."}
              for h in result.held_back]
    notes += [{"text": f"{n.id}: {' '.join(n.text.split())}"} for n in result.notes]
    notes.append({"text": DISCLAIMER})
    resource = {
        "resourceType": "RiskAssessment", "id": ident, "status": "final",
        "method": {"coding": [{"system": "urn:screener:ruleset",
                               "code": f"{result.ruleset.name}|{result.ruleset.version}",
                               "display": stamp(result)}],
                   "text": f"Rule-based nutrition screening, ruleset sha256 {result.ruleset.hash}"},
        "code": {"coding": [{"system": TRIAGE_SYSTEM, "code": t.level, "display": t.title}],
                 "text": "Nutrition screening: possible contributing factors"},
        "subject": _subject(result),
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


def bundle(result, ruleset) -> dict:
    key = hashlib.sha256(result.to_json().encode("utf-8")).hexdigest()
    ids = {kind: str(uuid.uuid5(NAMESPACE, f"{key}:{kind}"))
           for kind in ("bundle", "response", "assessment")}
    qr = questionnaire_response(result, ruleset, ids["response"])
    ra = risk_assessment(result, ids["assessment"], f"urn:uuid:{ids['response']}")
    return {
        "resourceType": "Bundle", "id": ids["bundle"],
        "identifier": {"system": "urn:ietf:rfc:3986", "value": f"urn:uuid:{ids['bundle']}"},
        "type": "collection",
        "entry": [{"fullUrl": f"urn:uuid:{ids['response']}", "resource": qr},
                  {"fullUrl": f"urn:uuid:{ids['assessment']}", "resource": ra}],
    }


def validate(resource: dict) -> None:
    """Check a resource with fhir.resources (structure, types, cardinality)."""
    from fhir.resources import get_fhir_model_class

    get_fhir_model_class(resource["resourceType"]).model_validate(resource)


def _dump(resource: dict) -> str:
    return json.dumps(resource, indent=2, ensure_ascii=False) + "\n"


def render(result, ruleset, view: str) -> str:
    """The same complete Bundle for both views: a receiving system wants everything."""
    resource = bundle(result, ruleset)
    validate(resource)
    return _dump(resource)


# ----------------------------------------------------------------- the Questionnaire

class Unmappable(ValueError):
    """A shown_if condition that FHIR enableWhen cannot express."""


def _enable_value(question, value) -> dict:
    if question.type == "int":
        return {"answerInteger": value}
    if question.type == "date":
        return {"answerDate": value}
    return {"answerCoding": {"system": answer_system(question.id), "code": value}}


#: our operator -> (FHIR operator, how several values combine)
_OPERATORS = {"is": ("=", None), "is_not": ("!=", None), "in": ("=", "any"),
              "not_in": ("!=", "all"), "has": ("=", None), "has_any": ("=", "any"),
              "gte": (">=", None), "gt": (">", None), "lte": ("<=", None), "lt": ("<", None)}


def _test_to_fhir(test, questions) -> tuple[list[dict], str | None]:
    question = questions.get(test.name)
    if question is None:
        raise Unmappable(f"'{test.name}' is not a question (enableWhen can only test answers)")
    if test.op not in _OPERATORS:
        raise Unmappable(f"the operator '{test.op}' has no enableWhen equivalent")
    operator, combine = _OPERATORS[test.op]
    parts = [{"question": question.id, "operator": operator, **_enable_value(question, v)}
             for v in test.values()]
    return parts, (combine if len(parts) > 1 else None)


def enable_when(cond, questions) -> tuple[list[dict], str | None]:
    """enableWhen entries and enableBehavior for a condition, or raise Unmappable.

    FHIR has one flat list with one behaviour (all/any), so a condition maps when it is
    a single test, or an all/any of tests whose own combination agrees.
    """
    from ..conditions import All, AnyOf, Test

    if isinstance(cond, Test):
        return _test_to_fhir(cond, questions)
    behaviour = "all" if isinstance(cond, All) else "any"
    entries: list[dict] = []
    for part in cond.all if isinstance(cond, All) else cond.any:
        if isinstance(part, (All, AnyOf)):
            raise Unmappable("nested all/any conditions cannot be written as one enableWhen list")
        parts, combine = _test_to_fhir(part, questions)
        if combine and combine != behaviour:
            raise Unmappable(f"'{part.name} {part.op}' combines its values with '{combine}' "
                             f"inside '{behaviour}'")
        entries += parts
    return entries, (behaviour if len(entries) > 1 else None)


def _item(question, questions, problems: list[str]) -> dict:
    item = {"linkId": question.id, "text": question.text, "type": ITEM_TYPES[question.type]}
    if question.type == "int":
        item["extension"] = [{"url": MIN_VALUE, "valueInteger": question.min},
                             {"url": MAX_VALUE, "valueInteger": question.max}]
    if question.shown_if is not None:
        try:
            entries, behaviour = enable_when(question.shown_if, questions)
            item["enableWhen"] = entries
            if behaviour:
                item["enableBehavior"] = behaviour
        except Unmappable as exc:
            problems.append(f"{question.id}: shown_if not exported, the item is always "
                            f"enabled: {exc}")
    if question.type == "multi":
        item["repeats"] = True
    if question.type in ("choice", "multi"):
        item["answerConstraint"] = "optionsOnly"
        item["answerOption"] = [{"valueCoding": _coding(question, c)} for c in question.codes]
    if question.help:
        item["item"] = [{"linkId": f"{question.id}-help", "text": question.help,
                         "type": "display"}]
    return item


def questionnaire(ruleset) -> tuple[dict, list[str]]:
    """The question bank as a FHIR Questionnaire, and the problems met mapping skip logic.

    Note the one difference in meaning: the screener shows an item whose shown_if reads
    an unanswered question (unknown is not "no"); a FHIR renderer hides it.
    """
    questions = ruleset.questions.by_id
    problems: list[str] = []
    groups = [{"linkId": f"section-{s.id}", "text": s.title, "type": "group",
               "item": [_item(q, questions, problems) for q in s.questions]}
              for s in ruleset.questions.sections]
    name = "".join(part.capitalize() for part in ruleset.name.replace("_", "-").split("-"))
    resource = {
        "resourceType": "Questionnaire", "id": ruleset.name,
        "url": questionnaire_url(ruleset), "version": ruleset.version,
        "name": name or "Screener", "title": "Nutrition screening questionnaire",
        "status": "active", "subjectType": ["Patient"],
        "description": ("Rule-based nutrition screening: possible contributing factors to "
                        "discuss with a clinician. Not a diagnosis, and never an amount to take."),
        "item": groups,
    }
    return resource, problems


def render_questionnaire(ruleset, translations=()) -> tuple[str, list[str]]:
    """The Questionnaire in ``ruleset``'s language, with the texts of each RuleSet in
    ``translations`` (the same rules in other languages) as FHIR translation extensions."""
    from ..fhir_translations import add_translations
    from ..safety import ensure_safe_text

    resource, problems = questionnaire(ruleset)
    if translations:
        add_translations(resource, ruleset, translations)
    validate(resource)
    return ensure_safe_text(_dump(resource), "the FHIR Questionnaire"), problems
