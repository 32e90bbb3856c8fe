"""Translations of the rules' texts: ``rules/locales/<lang>.yaml`` laid over a RuleSet.

English is the language the rules are written in. A locale file holds, for one other
language, the texts a person or clinician reads, keyed by the same ids as the English:

    language: {code: es, name: Spanish, native: Español}
    reviewed: false              # until a bilingual clinician signs it off
    sections:  {<section id>: {title, intro}}
    questions: {<question id>: {text, help, unit, options: {<code>: label}}}
    factors:   {<factor id>: {label, summary, ask: [...]}}
    triage:    {<level>: {title, message}}
    rules:     {<rule id>: {title, reason, text, parts: [...]}}
    consistency: {<check id>: {ask}}   # rules/consistency.yaml

``localize(ruleset, locale)`` returns the same RuleSet with those texts in place, so the
rest of the program never asks which language it speaks. A text without a translation
stays English; ``locale_checks.missing_and_stale`` lists those gaps and the translations
of ids that no longer exist, for ``screener rules check``. Adding a language is adding a
file here (and a gettext catalogue for the program's own words, see screener/i18n.py):
no code.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path

from pydantic import Field, ValidationError

from ..errors import RulesError
from ..types import Strict

SOURCE_LANGUAGE = "en"
LOCALES_DIR = "locales"
LANG_RE = re.compile(r"^[a-z]{2,3}$")
PLACEHOLDER_RE = re.compile(r"\{[a-z_]+(?::[A-Za-z0-9_,:-]+)?\}")
PARTS = ("sections", "questions", "factors", "triage", "rules", "consistency")


class LanguageInfo(Strict):
    code: str
    name: str  # in English: "Spanish" (export headers such as XLSForm's label::Spanish (es))
    native: str = ""  # in the language itself: "Español"


class SectionText(Strict):
    title: str = ""
    intro: str = ""


class QuestionText(Strict):
    text: str = ""
    help: str = ""
    unit: str = ""
    options: dict[str, str] = {}


class FactorText(Strict):
    label: str = ""
    summary: str = ""
    ask: list[str] = []


class TriageText(Strict):
    title: str = ""
    message: str = ""


class RuleText(Strict):
    title: str = ""
    reason: str = ""
    text: str = ""
    parts: list[str] = []  # a note's parts, in the English order (their text only)


class ConsistencyText(Strict):
    ask: str = ""


class Locale(Strict):
    """One locale file, as written (texts may be missing: the check reports them)."""

    language: LanguageInfo
    reviewed: bool = False
    reviewed_by: str = ""
    translated_from: str = ""
    sections: dict[str, SectionText] = {}
    questions: dict[str, QuestionText] = {}
    factors: dict[str, FactorText] = {}
    triage: dict[str, TriageText] = {}
    rules: dict[str, RuleText] = {}
    consistency: dict[str, ConsistencyText] = {}
    file: str = Field(default="", exclude=True)
    hash: str = Field(default="", exclude=True)
    lines: dict[str, int] = Field(default={}, exclude=True)  # "rules/VD-SUN" -> line

    def line_of(self, part: str, ident: str) -> int:
        return self.lines.get(f"{part}/{ident}", 0)


# ------------------------------------------------------------------------ discovery

def locales_folder(rules_folder: str | Path) -> Path:
    return Path(rules_folder) / LOCALES_DIR


def available(rules_folder: str | Path) -> list[str]:
    """Languages a rules folder speaks: English, then one per locale file, sorted.
    Only a directory listing: cheap enough for ``--help``."""
    folder = locales_folder(rules_folder)
    found = sorted(p.stem for p in folder.glob("*.yaml") if LANG_RE.match(p.stem)) \
        if folder.is_dir() else []
    return [SOURCE_LANGUAGE] + [lang for lang in found if lang != SOURCE_LANGUAGE]


@lru_cache(maxsize=8)
def load_locale(rules_folder: str, lang: str) -> Locale:
    """Read and check the structure of ``<rules>/locales/<lang>.yaml``; errors name the
    file, line and field."""
    from .problems import Problems
    from .yaml_source import read_yaml

    path = locales_folder(rules_folder) / f"{lang}.yaml"
    if not path.is_file():
        raise RulesError(f"no translation for '{lang}' in {path.parent}; languages: "
                         f"{', '.join(available(rules_folder))}")
    raw = read_yaml(path)
    if not isinstance(raw, dict):
        raise RulesError("expected a mapping with 'language' and the translated texts",
                         file=str(path), line=1)
    problems = Problems()
    try:
        locale = Locale(**raw)
    except ValidationError as exc:
        problems.add_validation(str(path), raw, "", exc, model=Locale)
        problems.raise_if_any(path.parent)
    if locale.language.code != lang:
        raise RulesError(f"language.code is '{locale.language.code}' but the file is named "
                         f"{path.name}: they must agree", file=str(path),
                         line=getattr(raw.get("language"), "line", 1))
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    lines = {f"{part}/{ident}": line for part in PARTS
             for ident, line in getattr(raw.get(part), "key_lines", {}).items()}
    return locale.model_copy(update={"file": str(path), "hash": digest, "lines": lines})


# -------------------------------------------------------------------------- overlay

def localize(ruleset, locale: Locale):
    """The ruleset with the locale's texts laid over the English ones (any text the
    locale lacks stays English). Ids, codes, conditions and the content hash are
    untouched, so the engine and every cache see the same rules."""
    from .models import Translation

    sections = []
    for section in ruleset.questions.sections:
        st = locale.sections.get(section.id, SectionText())
        questions = [_question(q, locale.questions.get(q.id)) for q in section.questions]
        sections.append(section.model_copy(update={
            "title": st.title or section.title, "intro": st.intro or section.intro,
            "questions": questions}))
    factors = {}
    for fid, factor in ruleset.factors.items():
        ft = locale.factors.get(fid, FactorText())
        ask = ft.ask if len(ft.ask) == len(factor.ask) else factor.ask
        factors[fid] = factor.model_copy(update={
            "label": ft.label or factor.label, "summary": ft.summary or factor.summary,
            "ask": list(ask)})
    triage = {}
    for level, detail in ruleset.triage.items():
        tt = locale.triage.get(level, TriageText())
        triage[level] = detail.model_copy(update={
            "title": tt.title or detail.title, "message": tt.message or detail.message})
    rules = []
    for rule in ruleset.rules:
        rt = locale.rules.get(rule.id, RuleText())
        parts = rule.parts
        if rt.parts and len(rt.parts) == len(parts):
            parts = [part.model_copy(update={"text": text or part.text})
                     for part, text in zip(parts, rt.parts, strict=True)]
        rules.append(rule.model_copy(update={
            "title": rt.title or rule.title, "reason": rt.reason or rule.reason,
            "text": (rt.text or rule.text) if rule.text else rule.text, "parts": parts}))
    bank = ruleset.questions.model_copy(update={"sections": sections})
    bank.__dict__.pop("by_id", None)  # a cached_property of the English copy
    translation = Translation(
        code=locale.language.code, name=locale.language.name,
        native=locale.language.native, reviewed=locale.reviewed,
        reviewed_by=locale.reviewed_by, hash=locale.hash)
    localized = ruleset.model_copy(update={
        "questions": bank, "factors": factors, "triage": triage, "rules": rules,
        "language": locale.language.code, "translation": translation})
    localized.__dict__.pop("rules_by_id", None)
    return localized


def _question(question, qt: QuestionText | None):
    if qt is None:
        return question
    options = [o.model_copy(update={"label": qt.options.get(o.code) or o.label})
               for o in question.options]
    return question.model_copy(update={
        "text": qt.text or question.text, "help": qt.help or question.help,
        "unit": qt.unit or question.unit, "options": options})
