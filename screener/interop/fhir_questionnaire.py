"""The question bank as an HL7 FHIR Questionnaire, for R4 (what most EHRs and FHIR
servers run, the default) or R5.

- one ``group`` per section (``linkId`` = ``section-<id>``) opening with its intro as a
  ``display`` item; one item per question (``linkId`` = question id);
- answer options as codings in ``urn:screener:answer-codes:<question id>`` (``not_sure``
  included where allowed); a multi question ``repeats``, and its ``none`` and
  ``not_sure`` options carry ``questionnaire-optionExclusive``, so a renderer such as
  LHC-Forms clears the other ticks;
- R4 item type ``choice`` (R4 has no ``coding`` type and no ``answerConstraint``); R5
  ``coding`` with ``answerConstraint: optionsOnly``;
- help as a child ``display`` item with ``questionnaire-itemControl`` = ``help``;
  answer options shown as ``check-box`` (multi) or ``radio-button`` (choice), every
  option in view as on paper;
- number ranges as ``minValue``/``maxValue``; the screening date starts as today
  (SDC ``initialExpression``); the urgent check is ``required``;
- after every question with an urgent answer, a ``display`` item with the urgent advice,
  enabled when one of those answers is chosen (a form cannot stop like the terminal
  questionnaire does, so it says what to do at once);
- skip logic (``shown_if``) as ``enableWhen``/``enableBehavior``. A condition FHIR cannot
  express is reported and that item is left always enabled (shown more often, never
  less). One difference in meaning remains: the screener shows an item whose shown_if
  reads an unanswered question (unknown is not "no"); a FHIR renderer hides it.

Every resource is validated with fhir.resources (the R4B models for R4) and its codes are
checked against the required value sets of that version, which the library does not do.
"""

from __future__ import annotations

import json
from typing import Any

from ..reports.fhir import answer_system, questionnaire_url

VERSIONS = ("R4", "R5")
DEFAULT_VERSION = "R4"

EXT = "http://hl7.org/fhir/StructureDefinition/"
MIN_VALUE = EXT + "minValue"
MAX_VALUE = EXT + "maxValue"
OPTION_EXCLUSIVE = EXT + "questionnaire-optionExclusive"
ITEM_CONTROL = EXT + "questionnaire-itemControl"
ITEM_CONTROL_SYSTEM = "http://hl7.org/fhir/questionnaire-item-control"
INITIAL_EXPRESSION = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-initialExpression"
EXCLUSIVE_CODES = ("none", "not_sure")
URGENT_CHECK = "red_flags_now"

#: our question type -> FHIR item type, per version
ITEM_TYPES = {
    "R4": {"choice": "choice", "multi": "choice", "int": "integer", "date": "date"},
    "R5": {"choice": "coding", "multi": "coding", "int": "integer", "date": "date"},
}

#: the required value sets this module writes codes from (fhir.resources does not check)
VALUE_SETS = {
    "R4": {
        "Questionnaire.status": {"draft", "active", "retired", "unknown"},
        "Questionnaire.item.type": {"group", "display", "boolean", "decimal", "integer",
                                    "date", "dateTime", "time", "string", "text", "url",
                                    "choice", "open-choice", "attachment", "reference",
                                    "quantity"},
        "Questionnaire.item.enableWhen.operator": {"exists", "=", "!=", ">", "<", ">=", "<="},
        "Questionnaire.item.enableBehavior": {"all", "any"},
    },
    "R5": {
        "Questionnaire.status": {"draft", "active", "retired", "unknown"},
        "Questionnaire.item.type": {"group", "display", "question", "boolean", "decimal",
                                    "integer", "date", "dateTime", "time", "string", "text",
                                    "url", "coding", "attachment", "reference", "quantity"},
        "Questionnaire.item.enableWhen.operator": {"exists", "=", "!=", ">", "<", ">=", "<="},
        "Questionnaire.item.enableBehavior": {"all", "any"},
        "Questionnaire.item.answerConstraint": {"optionsOnly", "optionsOrType",
                                                "optionsOrString"},
    },
}


class Unmappable(ValueError):
    """A shown_if condition that FHIR enableWhen cannot express."""


def check_version(version: str) -> str:
    if version not in VERSIONS:
        raise ValueError(f"unknown FHIR version '{version}'; choose one of: {', '.join(VERSIONS)}")
    return version


# ----------------------------------------------------------------------- skip logic

def _coding(question, code) -> dict:
    return {"system": answer_system(question.id), "code": code, "display": question.label(code)}


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
    from ..ruleset.conditions import All, AnyOf, Test

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


# ---------------------------------------------------------------------------- items

def _item_control(code: str) -> dict:
    return {"url": ITEM_CONTROL, "valueCodeableConcept": {
        "coding": [{"system": ITEM_CONTROL_SYSTEM, "code": code}]}}


def _display(link_id: str, text: str, control: str | None = None) -> dict:
    item: dict[str, Any] = {"linkId": link_id, "text": text, "type": "display"}
    if control:
        item["extension"] = [_item_control(control)]
    return item


def _option(question, code) -> dict:
    option: dict[str, Any] = {"valueCoding": _coding(question, code)}
    if question.type == "multi" and code in EXCLUSIVE_CODES:
        option["extension"] = [{"url": OPTION_EXCLUSIVE, "valueBoolean": True}]
    return option


def _item(question, questions, version: str, problems: list[str]) -> dict:
    item = {"linkId": question.id, "text": question.text,
            "type": ITEM_TYPES[version][question.type]}
    extensions = []
    if question.type == "int":
        extensions += [{"url": MIN_VALUE, "valueInteger": question.min},
                       {"url": MAX_VALUE, "valueInteger": question.max}]
    if question.type in ("choice", "multi"):  # every option in view, as on paper
        extensions.append(_item_control("check-box" if question.type == "multi"
                                        else "radio-button"))
    if question.default == "today":
        extensions.append({"url": INITIAL_EXPRESSION, "valueExpression": {
            "language": "text/fhirpath", "expression": "today()"}})
    if extensions:
        item["extension"] = extensions
    if question.shown_if is not None:
        try:
            from .skip_logic import for_forms

            entries, behaviour = enable_when(for_forms(question.shown_if), questions)
            item["enableWhen"] = entries
            if behaviour:
                item["enableBehavior"] = behaviour
        except Unmappable as exc:
            problems.append(f"{question.id}: shown_if not exported, the item is always "
                            f"enabled: {exc}")
    if question.id == URGENT_CHECK:
        item["required"] = True
    if question.type == "multi":
        item["repeats"] = True
    if question.type in ("choice", "multi"):
        if version == "R5":
            item["answerConstraint"] = "optionsOnly"
        item["answerOption"] = [_option(question, c) for c in question.codes]
    if question.help:
        item["item"] = [_display(f"{question.id}-help", question.help, "help")]
    return item


def urgent_advice(ruleset) -> str:
    level = ruleset.triage["urgent"]
    return f"{level.title}. {' '.join(level.message.split())}"


def _urgent_item(question, codes: set, advice: str) -> dict:
    item = _display(f"{question.id}-urgent", advice)
    item["enableWhen"] = [{"question": question.id, "operator": "=",
                           "answerCoding": {"system": answer_system(question.id), "code": c}}
                          for c in question.codes if c in codes]
    if len(item["enableWhen"]) > 1:
        item["enableBehavior"] = "any"
    return item


def _section(section, ruleset, version, urgent, problems) -> dict:
    questions = ruleset.questions.by_id
    items = [_display(f"section-{section.id}-intro", section.intro)] if section.intro else []
    for question in section.questions:
        items.append(_item(question, questions, version, problems))
        if urgent.get(question.id):
            items.append(_urgent_item(question, urgent[question.id], urgent_advice(ruleset)))
    return {"linkId": f"section-{section.id}", "text": section.title, "type": "group",
            "item": items}


def texts_by_link_id(ruleset) -> dict[str, str]:
    """linkId -> text, for everything a Questionnaire item of ``ruleset`` can say (the
    linkIds ``questionnaire`` gives): what fhir_translations adds in other languages."""
    advice = urgent_advice(ruleset)
    texts = {}
    for section in ruleset.questions.sections:
        texts[f"section-{section.id}"] = section.title
        texts[f"section-{section.id}-intro"] = section.intro
        for q in section.questions:
            texts[q.id] = q.text
            texts[f"{q.id}-help"] = q.help
            texts[f"{q.id}-urgent"] = advice
    return texts


def questionnaire(ruleset, version: str = DEFAULT_VERSION) -> tuple[dict, list[str]]:
    """The question bank as a FHIR Questionnaire, and the problems met mapping skip logic."""
    from ..red_flags import urgent_codes

    check_version(version)
    problems: list[str] = []
    urgent = urgent_codes(ruleset)
    groups = [_section(s, ruleset, version, urgent, problems) for s in ruleset.questions.sections]
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


def walk(items):
    """Every item of a Questionnaire or response, depth first."""
    for item in items:
        yield item
        yield from walk(item.get("item", []))


def check_codes(resource: dict, version: str) -> None:
    """Raise ValueError when a coded element is outside its required value set."""
    sets = VALUE_SETS[version]
    bad = []
    if resource["status"] not in sets["Questionnaire.status"]:
        bad.append(f"status {resource['status']}")
    for item in walk(resource["item"]):
        if item["type"] not in sets["Questionnaire.item.type"]:
            bad.append(f"{item['linkId']}: type {item['type']}")
        for ew in item.get("enableWhen", []):
            if ew["operator"] not in sets["Questionnaire.item.enableWhen.operator"]:
                bad.append(f"{item['linkId']}: operator {ew['operator']}")
        if "enableBehavior" in item and \
                item["enableBehavior"] not in sets["Questionnaire.item.enableBehavior"]:
            bad.append(f"{item['linkId']}: enableBehavior {item['enableBehavior']}")
        if "answerConstraint" in item and \
                item["answerConstraint"] not in sets.get("Questionnaire.item.answerConstraint", ()):
            bad.append(f"{item['linkId']}: answerConstraint is not {version}")
    if bad:
        raise ValueError(f"not valid FHIR {version}: " + "; ".join(bad))


def validate(resource: dict, version: str = DEFAULT_VERSION) -> None:
    """Structure, types and cardinality with fhir.resources (R4B models for R4)."""
    if version == "R4":
        from fhir.resources.R4B import get_fhir_model_class
    else:
        from fhir.resources import get_fhir_model_class
    get_fhir_model_class(resource["resourceType"]).model_validate(resource)


def render_questionnaire(ruleset, version: str = DEFAULT_VERSION,
                         translations=()) -> tuple[str, list[str]]:
    """The Questionnaire as JSON text, validated, and the skip-logic problems. Its texts
    are in ``ruleset``'s language; each RuleSet in ``translations`` (the same rules in
    another language) is added with the FHIR translation extension."""
    from ..safety import ensure_safe_text
    from .fhir_translations import add_translations

    resource, problems = questionnaire(ruleset, version)
    if translations:
        add_translations(resource, ruleset, translations, texts_by_link_id)
    check_codes(resource, version)
    validate(resource, version)
    text = json.dumps(resource, indent=2, ensure_ascii=False) + "\n"
    return ensure_safe_text(text, "the FHIR Questionnaire"), problems


def render(ruleset, args) -> tuple[str, list[str]]:
    """For `screener questionnaire --fhir`."""
    return render_questionnaire(ruleset, args.fhir_version,
                                getattr(args, "translations", ()))
