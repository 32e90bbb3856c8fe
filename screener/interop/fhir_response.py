"""A FHIR QuestionnaireResponse read back as an answers mapping.

Accepted: a QuestionnaireResponse (R4 or R5: the parts read here are the same) or a
Bundle holding exactly one, told apart by ``resourceType``. It must answer this
screener's Questionnaire (``screener questionnaire --fhir``): ``linkId`` = question
id, codes from ``urn:screener:answer-codes:<question id>``, numbers as
``valueInteger``, dates as ``valueDate``. Groups, help, intro and urgent-advice items
are walked through (they carry no answer); answers nested under an answer are read
too. A response whose ``questionnaire`` is another screener Questionnaire, or whose
items are not our questions, is refused with an error saying so. The subject's identifier in
``urn:screener:respondent-id`` becomes ``respondent_id``; ``authored`` gives
``screened_on`` when the response does not answer it.

Only the shape is read here; the values are validated afterwards like any answers file.
The shape is read strictly: a field the format makes a list (``item``, ``answer``,
``entry``) or an object (``subject``, an answer) that is something else, a value of the
wrong kind (``valueDecimal: "abc"``), two values in one answer, a ``linkId`` given twice
(a reader would keep one copy: chest pain, then "none") or an answer on a group or
display item is refused, never read as "nothing answered"; each refusal names the
field's path (``QuestionnaireResponse.item[1].answer[0].valueDecimal``). Whatever is
refused, every value answered anywhere in the input (``loose``) is searched for red
flags, so a refused response still says URGENT.
"""

from __future__ import annotations

import math
from typing import Any

from ..errors import AnswersError, shown
from ..i18n import N_, _
from ..reports.fhir import ANSWER_SYSTEM, RESPONDENT_SYSTEM, questionnaire_url
from ..spelling import suggest

RESPONSE = "QuestionnaireResponse"
#: linkId endings of items that carry no answer (fhir_questionnaire writes them)
DISPLAY_SUFFIXES = ("-help", "-urgent", "-intro")


def is_fhir(raw: Any) -> bool:
    return isinstance(raw, dict) and "resourceType" in raw


def _refuse(path: str, message: str, source: str | None, field: str | None = None):
    return AnswersError(f"{path}: {message}", file=source, field=field or path)


def _kind(value: Any) -> str:
    """What a value is, in words, with the value itself when short (for refusals)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return _("true/false ({value})").format(value=str(value).lower())
    if isinstance(value, (int, float)):
        return _("a number ({value})").format(value=shown(value, 20))
    if isinstance(value, str):
        return _("a string (\"{value}\")").format(value=shown(value, 40))
    if isinstance(value, list):
        return _("a list")
    return _("an object")


def _list(value: Any, path: str, what: str, source: str | None) -> list:
    """``value`` when it is a list (absent: empty); a refusal otherwise."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise _refuse(path, _("must be a list of {what} (FHIR repeats it), not {kind}").format(
            what=_(what), kind=_kind(value)), source)
    return value


def _object(value: Any, path: str, what: str, source: str | None) -> dict:
    if not isinstance(value, dict):
        raise _refuse(path, _("must be {what} (a JSON object), not {kind}").format(
            what=_(what), kind=_kind(value)), source)
    return value


def _response(raw: dict, source: str | None) -> tuple[dict, str]:
    """The QuestionnaireResponse and the path to it (``QuestionnaireResponse`` or
    ``Bundle.entry[N].resource``)."""
    kind = raw.get("resourceType")
    if kind == RESPONSE:
        return raw, RESPONSE
    if kind == "Bundle":
        entries = _list(raw.get("entry"), "Bundle.entry", N_("entries"), source)
        resources = []
        for n, entry in enumerate(entries):
            entry = _object(entry, f"Bundle.entry[{n}]", N_("an entry"), source)
            if "resource" in entry:
                resources.append((_object(entry["resource"], f"Bundle.entry[{n}].resource",
                                          N_("a resource"), source), f"Bundle.entry[{n}].resource"))
        found = [(r, path) for r, path in resources if r.get("resourceType") == RESPONSE]
        if len(found) == 1:
            return found[0]
        if not found:
            kinds = sorted({shown(r.get("resourceType"), 40) for r, _ in resources})
            held = (" " + _("(it holds: {kinds})").format(kinds=", ".join(kinds)) if kinds
                    else " " + _("(it is empty)"))
            raise AnswersError(_("the FHIR Bundle holds no QuestionnaireResponse") + held,
                               file=source)
        raise AnswersError(_("the FHIR Bundle holds {count} QuestionnaireResponses: screen one "
                             "at a time (save each as its own file)").format(count=len(found)),
                           file=source)
    raise AnswersError(_("a FHIR {kind} is not an answers file: give a QuestionnaireResponse "
                         "to this screener's Questionnaire (`screener questionnaire --fhir`), "
                         "or a Bundle holding one").format(kind=shown(kind, 40)), file=source)


def _items(items: Any, path: str, source: str | None):
    """(item, its path, its answers) for every item, depth first, also those nested
    under answers; a shape FHIR does not allow is refused, naming its path."""
    for n, item in enumerate(_list(items, path, N_("items"), source)):
        here = f"{path}[{n}]"
        item = _object(item, here, N_("an item"), source)
        link = item.get("linkId")
        if not isinstance(link, str) or not link:
            raise _refuse(f"{here}.linkId", _("every item needs a linkId, a non-empty string "
                                              "(the question id); got {kind}").format(
                                                  kind=_kind(link)), source)
        answers = [_object(answer, f"{here}.answer[{k}]", N_("an answer"), source)
                   for k, answer in enumerate(_list(item.get("answer"), f"{here}.answer",
                                                    N_("answers"), source))]
        yield item, here, answers
        yield from _items(item.get("item"), f"{here}.item", source)
        for k, answer in enumerate(answers):
            yield from _items(answer.get("item"), f"{here}.answer[{k}].item", source)


def _value(question, answer: dict, path: str, source: str | None):
    """The answer's value; ``path`` is the answer's (``...answer[0]``)."""
    def refuse(key: str, message: str):
        return AnswersError(f"{question.id}: {message} "
                            + _("(at {path})").format(path=f"{path}.{key}"), file=source,
                            field=question.id)

    coding = answer.get("valueCoding")
    if isinstance(coding, dict) and coding.get("system") not in (
            None, f"{ANSWER_SYSTEM}:{question.id}"):  # another code system: say so first
        raise AnswersError(f"{question.id}: " + _(
            "the code '{code}' is from {system}, not from this screener's answer codes "
            "({ours})").format(code=shown(coding.get("code"), 40),
                               system=shown(coding["system"], 80),
                               ours=f"{ANSWER_SYSTEM}:{question.id}"), file=source,
                           field=question.id)
    kinds = [k for k in answer if k.startswith("value")]
    if len(kinds) > 1:
        raise AnswersError(f"{question.id}: " + _(
            "an answer with {count} values ({kinds}): an answer holds one (at {path})").format(
                count=len(kinds), kinds=", ".join(shown(k, 30) for k in kinds), path=path),
                           file=source, field=question.id)
    if "valueCoding" in answer:
        if not isinstance(coding, dict):
            raise refuse("valueCoding", _("a coding must be an object with a system and a "
                                          "code, not {kind}").format(kind=_kind(coding)))
        if not isinstance(coding.get("code"), str) or not coding["code"]:
            display = coding.get("display")
            raise AnswersError(f"{question.id}: " + _(
                "an answer coding without a code ({display}) (at {path})").format(
                    display=shown(display, 60) if display else _("no display either"),
                    path=f"{path}.valueCoding.code"), file=source, field=question.id)
        return coding["code"]
    if "valueInteger" in answer:
        value = answer["valueInteger"]
        if isinstance(value, bool) or not isinstance(value, int):
            raise refuse("valueInteger", _("must be a whole number, not {kind}").format(
                kind=_kind(value)))
        return value
    if "valueDecimal" in answer:
        value = answer["valueDecimal"]
        if isinstance(value, bool) or not isinstance(value, (int, float)) \
                or not math.isfinite(value):
            raise refuse("valueDecimal", _("must be a number, not {kind}").format(
                kind=_kind(value)))
        if not float(value).is_integer():
            raise refuse("valueDecimal", _("{value} is not a whole number (expected a whole "
                                           "number)").format(value=shown(value, 20)))
        return int(value)
    for key in ("valueDate", "valueString"):
        if key in answer:
            if not isinstance(answer[key], str):
                raise refuse(key, _("must be a string, not {kind}").format(
                    kind=_kind(answer[key])))
            return answer[key]
    named = ", ".join(shown(k, 30) for k in kinds) or _("no value")
    raise AnswersError(f"{question.id}: " + _(
        "an answer with {named} (expected a coding, an integer or a date) (at {path})").format(
            named=named, path=path), file=source, field=question.id)


def answers_from_fhir(raw: dict, ruleset, source: str | None = None) -> dict:
    """The answers mapping a QuestionnaireResponse (or a Bundle holding one) gives.

    A refused response is still searched for red flags (``error.red_flags``), in every
    value answered anywhere in it (``loose``)."""
    try:
        return _answers(raw, ruleset, source)
    except AnswersError as error:
        from ..red_flags import red_flags_in

        error.red_flags = list(dict.fromkeys(
            error.red_flags + red_flags_in(loose(raw, ruleset), ruleset)))
        raise


#: how deep ``loose`` walks (parsed input is at most reading.MAX_DEPTH deep)
_LOOSE_DEPTH = 64


def loose(raw: Any, ruleset) -> dict:
    """Every value answered on any item of any response in ``raw``, by the question
    the item belongs to, read without any check (the red-flag scan of a response,
    whatever its reading decides): a help, urgent-advice or intro item's answers count
    for its question, a section group's for the questions of its section; every copy of
    a repeated linkId is kept; lists and objects where FHIR has none are walked too."""
    found: dict[str, list] = {}
    sections = {f"section-{s.id}": [q.id for q in s.questions]
                for s in ruleset.questions.sections}
    questions = ruleset.questions.by_id

    def keys(link: str) -> list[str]:
        if link in questions:
            return [link]
        for suffix in DISPLAY_SUFFIXES:
            base = link.removesuffix(suffix)
            if base != link and (base in questions or base in sections):
                link = base
        return sections.get(link) or [link]

    def walk(items: Any, depth: int) -> None:
        if depth > _LOOSE_DEPTH:
            return
        for item in items if isinstance(items, list) else [items]:
            if not isinstance(item, dict):
                continue
            link = item.get("linkId")
            names = keys(link if isinstance(link, str) else "")
            answers = item.get("answer")
            for answer in answers if isinstance(answers, list) else [answers]:
                if answer is None:
                    continue
                if isinstance(answer, dict):
                    walk(answer.get("item"), depth + 1)
                value = _values(answer, 0)
                for name in names:
                    found.setdefault(name, []).append(value)
            walk(item.get("item"), depth + 1)

    resources = [raw]
    if isinstance(raw, dict):
        entries = raw.get("entry")
        for entry in entries if isinstance(entries, list) else [entries]:
            if isinstance(entry, dict):
                resources.append(entry.get("resource"))
    for resource in resources:
        if isinstance(resource, dict):
            walk(resource.get("item"), 0)
    return found


def _values(answer: Any, depth: int) -> Any:
    """An answer without what names no answer: nested items (read by their own
    linkId), code systems and URLs."""
    if depth > _LOOSE_DEPTH:
        return None
    if isinstance(answer, dict):
        return {k: _values(v, depth + 1) for k, v in answer.items()
                if k not in ("item", "system", "url", "version")}
    if isinstance(answer, list):
        return [_values(v, depth + 1) for v in answer]
    return answer


def _string(response: dict, key: str, where: str, source: str | None) -> str | None:
    value = response.get(key)
    if value is not None and not isinstance(value, str):
        raise _refuse(f"{where}.{key}", _("must be a string, not {kind}").format(
            kind=_kind(value)), source)
    return value


def _answers(raw: dict, ruleset, source: str | None) -> dict:
    response, where = _response(raw, source)
    ours = questionnaire_url(ruleset)
    canonical = (_string(response, "questionnaire", where, source) or "").split("|")[0]
    if canonical.startswith("urn:screener:questionnaire:") and canonical != ours:
        raise AnswersError(_("this QuestionnaireResponse answers {theirs}, not this "
                             "screener's Questionnaire {ours}").format(
                                 theirs=shown(canonical), ours=ours), file=source)
    if _string(response, "status", where, source) == "entered-in-error":
        raise AnswersError(_("this QuestionnaireResponse is marked entered-in-error: it is not "
                             "screened"), file=source)
    authored = _string(response, "authored", where, source)
    identifier = {}
    if response.get("subject") is not None:
        subject = _object(response["subject"], f"{where}.subject", N_(
            "a Reference such as {\"reference\": \"Patient/1\"}"), source)
        if subject.get("identifier") is not None:
            identifier = _object(subject["identifier"], f"{where}.subject.identifier",
                                 N_("an Identifier with a system and a value"), source)
            for key in ("system", "value"):
                _string(identifier, key, f"{where}.subject.identifier", source)
    questions = ruleset.questions.by_id
    groups = {f"section-{section.id}" for section in ruleset.questions.sections}
    answers: dict[str, Any] = {}
    unknown: list[str] = []
    seen: dict[str, str] = {}  # linkId -> the path of its first copy
    items = list(_items(response.get("item"), f"{where}.item", source))
    for item, path, given in items:
        link = item["linkId"]
        if link in seen:
            raise AnswersError(
                _("the linkId '{link}' is given twice ({first} and {second}): each item of the "
                  "Questionnaire appears once in a response (a reader would keep one copy and "
                  "lose the other); keep the right one").format(
                      link=shown(link, 60), first=seen[link], second=path), file=source,
                field=link)
        seen[link] = path
        if link in questions:
            question = questions[link]
            values = [_value(question, a, f"{path}.answer[{k}]", source)
                      for k, a in enumerate(given)]
            if values:
                answers[link] = values if question.type == "multi" or len(values) > 1 \
                    else values[0]
        elif link.startswith("section-") or link.endswith(DISPLAY_SUFFIXES):
            if given:
                message = (_("'{link}' is a group item of the Questionnaire: it carries no "
                             "answer (only questions are answered), so this answer cannot be "
                             "screened")
                           if link in groups or not link.endswith(DISPLAY_SUFFIXES) else
                           _("'{link}' is a display item of the Questionnaire: it carries no "
                             "answer (only questions are answered), so this answer cannot be "
                             "screened"))
                raise _refuse(f"{path}.answer", message.format(link=shown(link, 60)), source,
                              field=link)
        elif given or not item.get("item"):
            unknown.append(link)
    if unknown:
        if len(unknown) == len(items) or not answers:
            raise AnswersError(_("this QuestionnaireResponse answers another questionnaire "
                                 "({name}): none of its items ({items}) is a question of this "
                                 "screener; export ours with `screener questionnaire "
                                 "--fhir`").format(
                                     name=shown(canonical) or _("not named"),
                                     items=", ".join(shown(u, 40) for u in unknown[:5])
                                     + (", ..." if len(unknown) > 5 else "")), file=source)
        named = ", ".join(f"'{shown(u, 60)}'{suggest(u, questions)}" for u in unknown)
        raise AnswersError(_("items that are not questions of this screener: {named}").format(
                               named=named),
                           file=source, field=unknown[0])
    if identifier.get("system") == RESPONDENT_SYSTEM and identifier.get("value"):
        answers["respondent_id"] = identifier["value"]
    if "screened_on" in questions and "screened_on" not in answers and authored:
        answers["screened_on"] = authored[:10]
    return answers
