"""Other languages inside a FHIR Questionnaire: the standard translation extension.

FHIR carries one language in each text and the others beside it, on the primitive's
extension (``_text``, ``_display``), with
``http://hl7.org/fhir/StructureDefinition/translation`` (``lang`` + ``content``); the
same in R4 and R5. ``add_translations`` walks a Questionnaire made from one language of
the rules and adds every other language of the same rules, found by linkId (the
exporter says what each linkId reads, so the linkIds are known in one module) and
answer code, so any exporter gets them with one call. Pure dict work: no FHIR library,
no I/O.
"""

from __future__ import annotations

from collections.abc import Callable

TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"


def translation(lang: str, text: str) -> dict:
    return {"url": TRANSLATION, "extension": [{"url": "lang", "valueCode": lang},
                                              {"url": "content", "valueString": text}]}


def _add(holder: dict, key: str, lang: str, text: str) -> None:
    if not text or holder.get(key) == text:
        return  # nothing to say, or the same words (a code, a number)
    extension = holder.setdefault(f"_{key}", {}).setdefault("extension", [])
    extension.append(translation(lang, text))


def add_translations(resource: dict, primary, others,
                     texts_of: Callable[..., dict[str, str]]) -> dict:
    """``resource`` (a Questionnaire made from ``primary``) with ``language`` set and the
    texts of each RuleSet in ``others`` added as translations: ``texts_of(ruleset)``
    gives linkId -> text. Changes and returns it."""
    from ..i18n import language

    resource["language"] = primary.language
    for other in others:
        texts = texts_of(other)
        with language(other.language):  # the program's words too ("Not sure")
            _translate(resource.get("item", []), other.language, texts, other.questions.by_id)
    return resource


def _translate(items: list[dict], lang: str, texts: dict[str, str], by_id: dict) -> None:
    """Add ``lang``'s text to each item (by linkId) and answer option (by code), nested
    items included."""
    for item in items:
        _add(item, "text", lang, texts.get(item["linkId"], ""))
        question = by_id.get(item["linkId"])
        for option in item.get("answerOption", []):
            coding = option.get("valueCoding")
            if coding and question is not None:
                _add(coding, "display", lang, question.label(coding["code"]))
        _translate(item.get("item", []), lang, texts, by_id)
