"""A FHIR QuestionnaireResponse read back as an answers mapping.

Accepted: a QuestionnaireResponse (R4 or R5: the parts read here are the same) or a
Bundle holding exactly one, told apart by ``resourceType``. It must answer this
screener's Questionnaire (``screener questionnaire --fhir``): ``linkId`` = question
id, codes from ``urn:screener:answer-codes:<question id>``, numbers as
``valueInteger``, dates as ``valueDate``. Groups, help, intro and urgent-advice items
are walked through; answers nested under an answer are read too. A response whose
``questionnaire`` is another screener Questionnaire, or whose items are not our
questions, is refused with an error saying so. The subject's identifier in
``urn:screener:respondent-id`` becomes ``respondent_id``; ``authored`` gives
``screened_on`` when the response does not answer it.

Only the shape is read here; the values are validated afterwards like any answers file.
"""

from __future__ import annotations

from typing import Any

from ..errors import AnswersError
from ..spelling import suggest
from ..reports.fhir import ANSWER_SYSTEM, RESPONDENT_SYSTEM, questionnaire_url

RESPONSE = "QuestionnaireResponse"
#: linkId endings of items that carry no answer (fhir_questionnaire writes them)
DISPLAY_SUFFIXES = ("-help", "-urgent", "-intro")


def is_fhir(raw: Any) -> bool:
    return isinstance(raw, dict) and "resourceType" in raw


def _response(raw: dict, source: str | None) -> dict:
    kind = raw.get("resourceType")
    if kind == RESPONSE:
        return raw
    if kind == "Bundle":
        entries = raw.get("entry") if isinstance(raw.get("entry"), list) else []
        resources = [e.get("resource") for e in entries if isinstance(e, dict)]
        found = [r for r in resources if isinstance(r, dict) and r.get("resourceType") == RESPONSE]
        if len(found) == 1:
            return found[0]
        if not found:
            kinds = sorted({str(r.get("resourceType")) for r in resources if isinstance(r, dict)})
            held = f" (it holds: {', '.join(kinds)})" if kinds else " (it is empty)"
            raise AnswersError(f"the FHIR Bundle holds no QuestionnaireResponse{held}",
                               file=source)
        raise AnswersError(f"the FHIR Bundle holds {len(found)} QuestionnaireResponses: "
                           "screen one at a time (save each as its own file)", file=source)
    raise AnswersError(f"a FHIR {kind} is not an answers file: give a QuestionnaireResponse "
                       "to this screener's Questionnaire (`screener questionnaire --fhir`), or "
                       "a Bundle holding one", file=source)


def _items(items: Any):
    """Every item, depth first, also those nested under answers."""
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        yield item
        yield from _items(item.get("item"))
        for answer in item.get("answer") or []:
            if isinstance(answer, dict):
                yield from _items(answer.get("item"))


def _value(question, answer: dict, source: str | None):
    if "valueCoding" in answer:
        coding = answer["valueCoding"] if isinstance(answer["valueCoding"], dict) else {}
        system = coding.get("system")
        if system not in (None, f"{ANSWER_SYSTEM}:{question.id}"):
            raise AnswersError(f"{question.id}: the code '{coding.get('code')}' is from "
                               f"{system}, not from this screener's answer codes "
                               f"({ANSWER_SYSTEM}:{question.id})", file=source,
                               field=question.id)
        if not isinstance(coding.get("code"), str) or not coding["code"]:
            raise AnswersError(f"{question.id}: an answer coding without a code "
                               f"({coding.get('display') or 'no display either'})",
                               file=source, field=question.id)
        return coding["code"]
    for key in ("valueInteger", "valueDate", "valueString"):
        if key in answer:
            return answer[key]
    if "valueDecimal" in answer and float(answer["valueDecimal"]).is_integer():
        return int(answer["valueDecimal"])
    kinds = ", ".join(k for k in answer if k.startswith("value")) or "no value"
    raise AnswersError(f"{question.id}: an answer with {kinds} (expected a coding, an integer "
                       "or a date)", file=source, field=question.id)


def answers_from_fhir(raw: dict, ruleset, source: str | None = None) -> dict:
    """The answers mapping a QuestionnaireResponse (or a Bundle holding one) gives.

    A refused response is still searched for red flags (``error.red_flags``)."""
    try:
        return _answers(raw, ruleset, source)
    except AnswersError as error:
        from ..red_flags import red_flags_in

        error.red_flags = red_flags_in(_loose(raw), ruleset)
        raise


def _loose(raw: Any) -> dict:
    """Every coded or text answer of every response in ``raw`` by linkId, read without
    any check (for the red-flag scan of a refused response)."""
    found: dict[str, list] = {}
    resources = [raw] + [e.get("resource") for e in raw.get("entry") or []
                         if isinstance(e, dict)] if isinstance(raw, dict) else []
    for resource in resources:
        if not isinstance(resource, dict):
            continue
        for item in _items(resource.get("item")):
            for answer in item.get("answer") or []:
                if not isinstance(answer, dict):
                    continue
                coding = answer.get("valueCoding")
                values = ([coding.get("code"), coding.get("display")] if isinstance(coding, dict)
                          else [answer.get("valueString")])
                found.setdefault(str(item.get("linkId", "")), []).extend(
                    v for v in values if isinstance(v, str))
    return found


def _answers(raw: dict, ruleset, source: str | None) -> dict:
    response = _response(raw, source)
    ours = questionnaire_url(ruleset)
    canonical = str(response.get("questionnaire") or "").split("|")[0]
    if canonical.startswith("urn:screener:questionnaire:") and canonical != ours:
        raise AnswersError(f"this QuestionnaireResponse answers {canonical}, not this "
                           f"screener's Questionnaire {ours}", file=source)
    if response.get("status") == "entered-in-error":
        raise AnswersError("this QuestionnaireResponse is marked entered-in-error: it is not "
                           "screened", file=source)
    questions = ruleset.questions.by_id
    answers: dict[str, Any] = {}
    unknown: list[str] = []
    for item in _items(response.get("item")):
        link = str(item.get("linkId", ""))
        if link in questions:
            question = questions[link]
            values = [_value(question, a, source) for a in item.get("answer") or []
                      if isinstance(a, dict)]
            if values:
                answers[link] = values if question.type == "multi" or len(values) > 1 \
                    else values[0]
        elif not (link.startswith("section-") or link.endswith(DISPLAY_SUFFIXES)) \
                and (item.get("answer") or not item.get("item")):
            unknown.append(link)
    if unknown:
        if len(unknown) == len(list(_items(response.get("item")))) or not answers:
            raise AnswersError(f"this QuestionnaireResponse answers another questionnaire "
                               f"({canonical or 'not named'}): none of its items "
                               f"({', '.join(unknown[:5])}{', ...' if len(unknown) > 5 else ''}) "
                               f"is a question of this screener; export ours with "
                               f"`screener questionnaire --fhir`", file=source)
        named = ", ".join(f"'{u}'{suggest(u, questions)}" for u in unknown)
        raise AnswersError(f"items that are not questions of this screener: {named}",
                           file=source, field=unknown[0])
    identifier = (response.get("subject") or {}).get("identifier") or {}
    if isinstance(identifier, dict) and identifier.get("system") == RESPONDENT_SYSTEM \
            and identifier.get("value"):
        answers["respondent_id"] = identifier["value"]
    authored = response.get("authored")
    if "screened_on" in questions and "screened_on" not in answers and isinstance(authored, str):
        answers["screened_on"] = authored[:10]
    return answers
