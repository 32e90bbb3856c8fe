"""Load a rules folder (YAML) into a checked ``RuleSet``.

Errors are addressed to the clinician who edits the files: each names the file, the
line, the rule or question id and the field, with a did-you-mean where one fits.
All problems in a folder are collected and reported together.
"""

from __future__ import annotations

import difflib
import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from . import conditions, facts
from .errors import RulesError
from .fsutil import shipped_folder
from .models import (
    Factor, QuestionBank, Rule, RuleSet, Source, TriageLevel, TRIAGE_ORDER,
)

DEFAULT_RULES_DIR = shipped_folder("rules")


# ----------------------------------------------------------- YAML that keeps lines

class LineDict(dict):
    """A YAML mapping that remembers its own line and the line of each key."""

    line = 0
    key_lines: dict


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """SafeLoader reading YAML 1.2 booleans: `yes`, `no`, `on`, `off` stay strings
    (they are answer codes here), only `true`/`false` are booleans. The libyaml parser
    when present: it reads the rules ~5x faster, which the first prompt waits for."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    __import__("re").compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


def _construct_mapping(loader, node, deep=False):
    mapping = LineDict()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in mapping:
            raise yaml.MarkedYAMLError(
                "while reading a mapping", node.start_mark,
                f"the key '{key}' appears twice", key_node.start_mark)
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = key_node.start_mark.line + 1
    return mapping


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RulesError("file not found", file=str(path)) from None
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise RulesError(f"not valid YAML: {exc.problem or exc}", file=str(path), line=line) from None


def line_of(raw: Any, loc: tuple) -> int:
    """The line of the deepest mapping (or key) along a pydantic error location."""
    line = getattr(raw, "line", 0)
    node = raw
    for part in loc:
        if isinstance(node, dict) and part in node:
            line = getattr(node, "key_lines", {}).get(part, line)
            node = node[part]
            line = getattr(node, "line", line)
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
            line = getattr(node, "line", line)
        else:
            break
    return line


def _loc_text(loc: tuple) -> str:
    return ".".join(str(p) for p in loc if not str(p).startswith(("function-", "tagged-union")))


class Problems:
    """Collects `file:line: id: message` problems; raises them all at once."""

    def __init__(self):
        self.items: list[str] = []

    def add(self, file: str, line: int, ident: str, message: str):
        where = f"{file}:{line}" if line else file
        self.items.append(f"{where}: {ident + ': ' if ident else ''}{message}")

    def add_validation(self, file: str, raw: Any, ident: str, error: ValidationError, prefix=()):
        for err in error.errors():
            loc = prefix + tuple(err["loc"])
            msg = err["msg"].removeprefix("Value error, ")
            field = _loc_text(tuple(err["loc"]))
            self.add(file, line_of(raw, loc), ident, f"{field}: {msg}" if field else msg)

    def raise_if_any(self, folder: Path):
        if self.items:
            count = len(self.items)
            raise RulesError(
                f"{count} problem{'s' if count > 1 else ''} in the rules folder {folder}",
                problems=self.items)


def suggest(word: str, choices) -> str:
    """' (did you mean 'x'?)' for the closest choice: a name that starts with the word
    first (age -> age_years), else the closest spelling; '' when nothing is close."""
    word, choices = str(word), [str(c) for c in choices]
    if len(word) > 100:  # no name is this long; comparing would cost time and memory
        return ""
    starts = [c for c in choices if c.startswith(word) and word]
    close = starts or difflib.get_close_matches(word, choices, n=1, cutoff=0.65)
    return f" (did you mean '{close[0]}'?)" if close else ""


# ------------------------------------------------------------------------- loading

def content_hash(folder: Path) -> str:
    """sha256 over every YAML file in the rules folder: the stamp on every result.

    Only the content counts: editing the clinicians' README does not change the stamp,
    and neither do the translations in locales/ (they change no decision; a translated
    document names its translation's own hash, see locales.py).
    """
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*.yaml")):
        rel = path.relative_to(folder).as_posix()
        if any(part.startswith(".") for part in rel.split("/")) or rel.startswith("locales/"):
            continue
        digest.update(rel.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _rules_folder(folder: str | Path | None) -> Path:
    folder = Path(folder) if folder else DEFAULT_RULES_DIR
    if not (folder / "ruleset.yaml").is_file():
        raise RulesError(
            f"no ruleset.yaml in {folder}: pass --rules with a folder that has one "
            "(the shipped rules live in the project's rules/ folder)")
    return folder


def load_ruleset(folder: str | Path | None = None, lang: str | None = None) -> RuleSet:
    """Load and cross-check a rules folder (default: the shipped ``rules/``), with its
    texts in ``lang`` (``rules/locales/<lang>.yaml``; None or "en": as written)."""
    if lang and lang != "en":
        return _load_localized(str(folder) if folder else None, lang)
    return _load_source(folder)


def _clear_caches() -> None:
    _load_source.cache_clear()
    _load_localized.cache_clear()


load_ruleset.cache_clear = _clear_caches  # tests edit a folder and load it again


@lru_cache(maxsize=8)
def _load_localized(folder: str | None, lang: str) -> RuleSet:
    from .locales import load_locale, localize

    ruleset = _load_source(folder)
    return localize(ruleset, load_locale(ruleset.folder, lang))


@lru_cache(maxsize=8)
def _load_source(folder: str | Path | None = None) -> RuleSet:
    folder = _rules_folder(folder)
    problems = Problems()
    ruleset = _build(folder, problems)
    problems.raise_if_any(folder)
    return ruleset


def collect_ruleset(folder: str | Path | None = None) -> tuple[RuleSet | None, list[str]]:
    """Like ``load_ruleset`` but returns the problems instead of raising them, so that
    ``screener rules check`` can report them and lint the content further.

    The RuleSet is None when the structure is broken; it is returned alongside the
    problems when only cross-checks (unknown names, codes, sources) failed.
    A folder without ruleset.yaml still raises: it is not a rules folder at all.
    """
    folder = _rules_folder(folder)
    problems = Problems()
    try:
        ruleset = _build(folder, problems)
    except RulesError as exc:  # unreadable YAML stops the load at that file
        return None, problems.items + (exc.problems or [str(exc)])
    return ruleset, problems.items


def _build(folder: Path, problems: Problems) -> RuleSet | None:
    """Read every file, collecting problems; None when the structure is broken."""
    manifest = read_yaml(folder / "ruleset.yaml")
    if not isinstance(manifest, dict):
        problems.add(str(folder / "ruleset.yaml"), 1, "", "expected a mapping")
        return None
    rel = lambda name: str(folder / name)  # noqa: E731

    files = manifest.get("files", {})
    questions_raw = read_yaml(folder / files.get("questions", "questions.yaml"))
    bank = _load_questions(questions_raw, rel(files.get("questions", "questions.yaml")), problems)
    sources_file = files.get("sources", "sources.yaml")
    sources = _load_sources(read_yaml(folder / sources_file), rel(sources_file), problems)

    triage = {}
    for level in TRIAGE_ORDER:
        raw = manifest.get("triage", {}).get(level)
        if raw is None:
            problems.add(rel("ruleset.yaml"), manifest.line, "", f"triage: level '{level}' is missing")
            continue
        try:
            triage[level] = TriageLevel(id=level, **raw)
        except ValidationError as exc:
            problems.add_validation(rel("ruleset.yaml"), manifest, level, exc, ("triage", level))

    factors: dict[str, Factor] = {}
    rules: list[Rule] = []
    for name in files.get("rules", []):
        path = rel(name)
        raw = read_yaml(folder / name) or {}
        if not isinstance(raw, dict):
            problems.add(path, 1, "", "expected a mapping with 'rules' (and maybe 'factor')")
            continue
        if raw.get("factor"):
            try:
                factor = Factor(**raw["factor"], file=path, line=raw["factor"].line)
                if factor.id in factors:
                    problems.add(path, factor.line, factor.id, "factor id defined twice")
                factors[factor.id] = factor
            except ValidationError as exc:
                problems.add_validation(path, raw, "factor", exc, ("factor",))
        for item in raw.get("rules", []):
            ident = item.get("id", "?") if isinstance(item, dict) else "?"
            try:
                rules.append(Rule(**item, file=path, line=getattr(item, "line", 0)))
            except (ValidationError, TypeError) as exc:
                if isinstance(exc, TypeError):
                    problems.add(path, getattr(item, "line", 0), ident, "a rule must be a mapping")
                else:
                    problems.add_validation(path, item, ident, exc)

    computed = dict(manifest.get("computed", {}))
    try:
        ruleset = RuleSet(
            name=str(manifest.get("name", folder.name)), version=str(manifest.get("version", "0")),
            several_at=int(manifest.get("several_at", 3)), folder=str(folder),
            content_hash=content_hash(folder), questions=bank or QuestionBank(sections=[]),
            sources=sources, triage=triage, factors=factors, rules=rules, computed=computed)
    except ValidationError as exc:
        problems.add_validation(rel("ruleset.yaml"), manifest, "", exc)
        return None
    if problems.items:  # structure first: cross-checks need whole objects
        return None
    cross_check(ruleset, problems)
    return ruleset


def _load_questions(raw, path: str, problems: Problems) -> QuestionBank | None:
    try:
        bank = QuestionBank(**raw)
    except (ValidationError, TypeError) as exc:
        if isinstance(exc, TypeError):
            problems.add(path, 1, "", "expected a mapping with 'sections'")
            return None
        for err in exc.errors():
            loc = tuple(err["loc"])
            ident = _question_id_at(raw, loc)
            msg = err["msg"].removeprefix("Value error, ")
            problems.add(path, line_of(raw, loc), ident, f"{_field_after_question(loc)}: {msg}")
        return None
    # remember where each question was written, and its section
    sections = []
    for s_raw, section in zip(raw["sections"], bank.sections):
        questions = [
            q.model_copy(update={"file": path, "line": q_raw.line, "section": section.id})
            for q_raw, q in zip(s_raw["questions"], section.questions)
        ]
        sections.append(section.model_copy(update={"questions": questions}))
    ids = [q.id for s in sections for q in s.questions]
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        problems.add(path, 0, dup, "question id used twice")
    return QuestionBank(sections=sections)


def _question_id_at(raw, loc) -> str:
    try:
        return raw["sections"][loc[1]]["questions"][loc[3]]["id"]
    except (KeyError, IndexError, TypeError):
        return ""


def _field_after_question(loc) -> str:
    return _loc_text(loc[4:]) if len(loc) > 4 else _loc_text(loc)


def _load_sources(raw, path: str, problems: Problems) -> dict[str, Source]:
    sources = {}
    for item in (raw or {}).get("sources", []):
        try:
            source = Source(**item)
        except ValidationError as exc:
            problems.add_validation(path, item, item.get("id", "?"), exc)
            continue
        if source.id in sources:
            problems.add(path, item.line, source.id, "source id defined twice")
        sources[source.id] = source
    return sources


# -------------------------------------------------------------------- cross-checks

def known_names(ruleset: RuleSet) -> dict[str, dict]:
    """Every name a condition may read: {name: {"kind": ..., "codes": [...] | None}}."""
    names: dict[str, dict] = {}
    for q in ruleset.questions:
        kind = {"int": "number", "date": "date", "choice": "code", "multi": "multi"}[q.type]
        names[q.id] = {"kind": kind, "codes": q.codes if q.type in ("choice", "multi") else None}
    for name, declared in ruleset.computed.items():
        # the program's kind where it computes the input (lint reports a mismatch)
        kind = facts.COMPUTED[name].kind if name in facts.COMPUTED else declared.kind
        names[name] = ({"kind": "bool", "codes": [True, False]} if kind == "bool"
                       else {"kind": "number", "codes": None})
    for rule in ruleset.rules:
        if rule.kind == "derived":
            names[rule.concludes] = {"kind": "bool", "codes": [True, False]}
    ids = list(ruleset.factors)
    for fid in ids:
        indicators = [r.id for r in ruleset.rules if r.kind == "indicator" and r.factor == fid]
        count, listed, strength, raised = facts.factor_facts(fid)
        names[count] = {"kind": "number", "codes": None}
        names[listed] = {"kind": "multi", "codes": indicators}
        names[strength] = {"kind": "code", "codes": list(facts.STRENGTHS)}
        names[raised] = {"kind": "bool", "codes": [True, False]}
    names[facts.FACTOR_COUNT] = {"kind": "number", "codes": None}
    names[facts.FACTORS_RAISED] = {"kind": "multi", "codes": ids}
    names[facts.TRIAGE_LEVEL] = {"kind": "code", "codes": list(TRIAGE_ORDER)}
    return names


def check_condition(cond, names: dict, report) -> None:
    """Report unknown names, codes that do not exist, and operators that do not fit."""
    for test in conditions.tests(cond):
        info = names.get(test.name)
        if info is None:
            report(f"unknown name '{test.name}'{suggest(test.name, names)}")
            continue
        kind, codes = info["kind"], info["codes"]
        if test.op == "known":  # asks whether there is a value at all: fits any name
            continue
        if test.op in conditions.MULTI_OPERATORS and kind != "multi":
            report(f"'{test.op}' is for multi-answer items; '{test.name}' holds one value")
        if test.op not in conditions.MULTI_OPERATORS and kind == "multi":
            report(f"'{test.name}' holds a list: use has, has_any, lacks or lacks_all")
        if test.op in conditions.NUMBER_OPERATORS and kind != "number":
            report(f"'{test.op}' compares numbers; '{test.name}' is not a number")
        if codes is not None:
            for value in test.values():
                if value not in codes:
                    report(f"'{test.name}' has no code '{value}'{suggest(value, codes)}; "
                           f"codes: {', '.join(map(str, codes))}")


def cross_check(ruleset: RuleSet, problems: Problems) -> None:
    names = known_names(ruleset)
    seen: dict[str, Rule] = {}
    for q in ruleset.questions:
        if q.shown_if is not None:
            check_condition(q.shown_if, names,
                            lambda m, q=q: problems.add(q.file, q.line, q.id, "shown_if: " + m))
    for factor in ruleset.factors.values():
        for sid in factor.sources:
            if sid not in ruleset.sources:
                problems.add(factor.file, factor.line, factor.id,
                             f"source '{sid}' is not in sources.yaml{suggest(sid, ruleset.sources)}")
    for rule in ruleset.rules:
        report = lambda m, r=rule: problems.add(r.file, r.line, r.id, m)  # noqa: E731
        if rule.id in seen:
            report(f"rule id already used at {seen[rule.id].file}:{seen[rule.id].line}")
        seen[rule.id] = rule
        check_condition(rule.when, names, lambda m, report=report: report("when: " + m))
        for sid in rule.sources:
            if sid not in ruleset.sources:
                report(f"source '{sid}' is not in sources.yaml{suggest(sid, ruleset.sources)}")
        if rule.factor and rule.factor not in ruleset.factors:
            report(f"factor '{rule.factor}' is not defined{suggest(rule.factor, ruleset.factors)}")
        if rule.kind == "derived" and rule.concludes in ruleset.questions.by_id:
            report(f"concludes '{rule.concludes}', which is a question id")
