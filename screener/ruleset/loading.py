"""Load a rules folder (YAML) into a checked ``RuleSet``.

Errors are addressed to the clinician who edits the files: each names the file, the
line, the rule or question id and the field, in plain words with a did-you-mean where
one fits, and carries a check code (``problems.LOAD_CHECKS``). One run reports every
problem: an item that fails is left out, the others are still loaded and
cross-checked, and the names of the items left out are spared by the cross-checks (a
rule reading a broken question is not reported as reading an unknown name).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from . import conditions, facts, risk_reading
from ..errors import RulesError
from .models import (
    Computed, Factor, Question, QuestionBank, RiskReading, Rule, RuleSet, Section, Source,
    TriageLevel,
    TRIAGE_ORDER,
)
from .problems import Problem, Problems
from .folder import content_hash, rules_folder
from .folder import DEFAULT_RULES_DIR  # noqa: F401  (its users import it from here)
from ..spelling import closest, suggest
from .messages import keys_of, unknown_key
from .yaml_source import read_bytes, read_yaml
from .yaml_spelling import as_yaml, plain

#: ``{ticked:ITEM:code,code}`` in a note (screening.TICKED fills it; not imported from
#: there: screening imports this module)
_TICKED = re.compile(r"\{ticked:([A-Za-z0-9_]+):([A-Za-z0-9_,-]+)\}")

#: the keys each file may have at its top
MANIFEST_KEYS = ("name", "version", "several_at", "files", "computed", "risk_reading",
                 "triage")
FILES_KEYS = ("questions", "sources", "rules", "hazards")


# ------------------------------------------------------------------------- loading

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
    folder = rules_folder(folder)
    problems = Problems()
    ruleset = _build(folder, problems)
    problems.raise_if_any(folder)
    return ruleset


def collect_ruleset(folder: str | Path | None = None) -> tuple[RuleSet | None, list[Problem]]:
    """Like ``load_ruleset`` but returns the problems instead of raising them, so that
    ``screener rules check`` can report them and lint the content further.

    The RuleSet is None when the structure is broken; it is returned alongside the
    problems when only cross-checks (unknown names, codes, sources) failed.
    A folder without ruleset.yaml still raises: it is not a rules folder at all.
    """
    folder = rules_folder(folder)
    problems = Problems()
    ruleset = _build(folder, problems)
    return ruleset, problems.found


@dataclass
class Unloaded:
    """What could not be loaded, so that the cross-checks do not report it a second
    time: its own problem says what to fix."""

    ids: set[str] = field(default_factory=set)  # items that failed; names they conclude
    factors: set[str] = field(default_factory=set)  # their facts (<id>_count...) are unknown
    any_name: bool = False  # a questions or rules file was unreadable: any name may be there
    any_source: bool = False
    any_factor: bool = False

    def spares_name(self, name: str) -> bool:
        return (self.any_name or name in self.ids
                or any(name.startswith(fid + "_") for fid in self.factors))

    def spares_value(self, value: Any) -> bool:
        """A rule id tested in `<factor>_indicators` whose rule failed to load."""
        return isinstance(value, str) and value in self.ids


class _Reader:
    """Reads the files of one rules folder into models, recording every problem and
    what failed, and going on with the rest."""

    def __init__(self, folder: Path, problems: Problems):
        self.folder, self.problems, self.unloaded = folder, problems, Unloaded()

    def path(self, name: str) -> str:
        return str(self.folder / name)

    def read(self, name: str, *spare: str) -> Any:
        """The parsed file, or UNREADABLE with its problem recorded.

        The ids and concluded names still legible in the text of an unreadable file are
        spared by the cross-checks; when there are none (a missing file), everything
        ``spare`` names is ("any_name", "any_source", "any_factor")."""
        try:
            return read_yaml(self.folder / name)
        except RulesError as exc:
            self.problems.add_error(exc)
            written = _names_written(self.folder / name)
            self.unloaded.ids |= written
            self.unloaded.factors |= written  # a factor's id: its facts are spared too
            for flag in spare if not written else ():
                setattr(self.unloaded, flag, True)
            return UNREADABLE

    def is_mapping(self, raw: Any, path: str, ident: str, expected: str, line: int = 1) -> bool:
        if isinstance(raw, dict):
            return True
        found = "an empty file" if raw is None and line == 1 else as_yaml(raw)
        self.problems.add(path, getattr(raw, "line", 0) or line, ident,
                          f"{expected}, not {found}", "not-a-mapping")
        return False

    def only_keys(self, raw: dict, keys, path: str, ident: str = "", where: str = "") -> None:
        for key in raw:
            if key not in keys:
                self.problems.add(path, raw.key_lines.get(key, raw.line), ident,
                                  f"{where + ': ' if where else ''}{unknown_key(key, list(keys))}",
                                  "unknown-key")

    def model(self, model, raw: Any, path: str, ident: str, what: str, *, at_line: int = 0,
              values: dict | None = None, **place):
        """``raw`` (or ``values`` read from it) validated as ``model``, with the fields the
        loader fills in (``place``: file, line...); None with its problems recorded.
        ``at_line``: where a value that is not a mapping was written."""
        if not self.is_mapping(raw, path, ident, f"{what} must be a mapping (key: value lines)",
                               at_line):
            return None
        written = [key for key in place if key in raw]  # the author cannot set these
        for key in written:
            keys = [k for k in keys_of(model) if k not in place]
            self.problems.add(path, raw.key_lines.get(key, raw.line), ident,
                              unknown_key(key, keys), "unknown-key")
        if written:
            return None
        try:
            return model.model_validate({**(raw if values is None else values), **place})
        except ValidationError as exc:
            self.problems.add_validation(path, raw, ident, exc, model=model)
            return None


UNREADABLE = object()  # what _Reader.read returns for a file that cannot be read


def _names_written(path: Path) -> set[str]:
    """The words after `id:` and `concludes:` in a file YAML cannot read: the names it
    would define, so that no rule reading them is reported as reading an unknown name."""
    try:  # the same locks as read_yaml: a FIFO is refused there, and never waited on here
        text = read_bytes(path).decode("utf-8", errors="replace")
    except RulesError:
        return set()
    return set(re.findall(r"^[\s-]*(?:id|concludes):\s*[\"']?([A-Za-z0-9][\w-]*)", text, re.M))


def _ident(raw: Any, default: str = "?") -> str:
    value = raw.get("id") if isinstance(raw, dict) else None
    return value if isinstance(value, str) else default


def _build(folder: Path, problems: Problems) -> RuleSet | None:
    """Read every file, collecting problems; None when any item failed to load (the
    cross-checks still run on the rest, so that one run reports everything)."""
    reader = _Reader(folder, problems)
    manifest = reader.read("ruleset.yaml")
    mpath = reader.path("ruleset.yaml")
    if manifest is UNREADABLE:
        return None  # it says which files to read: nothing more can be checked
    if not reader.is_mapping(manifest, mpath, "", "expected a mapping with 'files', "
                             "'computed' and 'triage'"):
        return None
    reader.only_keys(manifest, MANIFEST_KEYS, mpath)
    files = _files(reader, manifest, mpath)

    bank = _load_questions(reader, files["questions"])
    sources = _load_sources(reader, files["sources"])
    triage = _load_triage(reader, manifest, mpath)
    computed = _load_computed(reader, manifest, mpath)
    risk = (reader.model(RiskReading, manifest["risk_reading"], mpath, "risk_reading",
                         "the risk reading", at_line=manifest.key_lines.get("risk_reading", 0))
            if "risk_reading" in manifest else RiskReading())
    factors: dict[str, Factor] = {}
    rules: list[Rule] = []
    for name in files["rules"]:
        _load_rule_file(reader, name, factors, rules)

    try:
        several_at = int(manifest.get("several_at", 3))
    except (TypeError, ValueError):
        problems.add(mpath, manifest.key_lines.get("several_at", 0), "",
                     f"several_at must be a whole number, not {as_yaml(manifest['several_at'])}",
                     "wrong-type")
        several_at = 3
    try:  # it reads every *.yaml file of the folder, named in ruleset.yaml or not
        stamp = content_hash(folder)
    except RulesError as exc:  # a FIFO, a device or a huge file: said once, by its name
        if not any(p.file == exc.file for p in problems.found):
            problems.add_error(exc)
        stamp = ""
    broken = len(problems.found)
    ruleset = RuleSet(
        name=str(manifest.get("name", folder.name)), version=str(manifest.get("version", "0")),
        several_at=several_at, folder=str(folder), content_hash=stamp,
        questions=bank, sources=sources, triage=triage, factors=factors, rules=rules,
        computed=computed, risk_reading=risk or RiskReading(),
        hazard_log=files["hazards"])
    cross_check(ruleset, problems, reader.unloaded)
    risk_reading.attach(ruleset)
    return None if broken else ruleset


def _files(reader: _Reader, manifest: dict, path: str) -> dict:
    """The `files:` of ruleset.yaml, with the defaults for what it leaves out."""
    # hazards: the hazard log (authoring/hazards.py), optional: "" = none
    files = {"questions": "questions.yaml", "sources": "sources.yaml", "rules": [],
             "hazards": ""}
    raw = manifest.get("files", {})
    if not reader.is_mapping(raw, path, "", "files must be a mapping (key: value lines)",
                             manifest.key_lines.get("files", 0)):
        reader.unloaded.any_name = reader.unloaded.any_factor = True
        return files
    reader.only_keys(raw, FILES_KEYS, path, "", "files")
    for key, default in files.items():
        value = raw.get(key, default)
        names = value if key == "rules" else [value]
        if not isinstance(value, type(default)) or not all(isinstance(n, str) for n in names):
            what = "a list of file names" if key == "rules" else "a file name"
            reader.problems.add(path, raw.key_lines.get(key, raw.line), "",
                                f"files.{key} must be {what}, not {as_yaml(value)}", "wrong-type")
            reader.unloaded.any_name = reader.unloaded.any_factor = True
            reader.unloaded.any_source |= key == "sources"
            continue
        files[key] = value
    return files


def _load_questions(reader: _Reader, name: str) -> QuestionBank:
    """Every question that loads, section by section; the others are left out."""
    path, raw = reader.path(name), reader.read(name, "any_name")
    lost = reader.unloaded
    if raw is UNREADABLE:
        return QuestionBank(sections=[])
    if not reader.is_mapping(raw, path, "", "expected a mapping with 'sections'"):
        lost.any_name = True
        return QuestionBank(sections=[])
    reader.only_keys(raw, ("sections",), path)
    sections, seen = [], {}
    raw_sections = raw.get("sections")
    if not isinstance(raw_sections, list):
        if "sections" not in raw:
            reader.problems.add(path, raw.line, "", "missing key 'sections'", "missing-key")
        else:
            reader.problems.add(path, raw.key_lines["sections"], "",
                                f"sections must be a list, not {as_yaml(raw_sections)}",
                                "wrong-type")
        lost.any_name = True
        return QuestionBank(sections=[])
    for s_raw in raw_sections:
        sid = _ident(s_raw, "")
        questions = []
        q_raws = s_raw.get("questions") if isinstance(s_raw, dict) else None
        for q_raw in q_raws if isinstance(q_raws, list) else []:
            qid = _ident(q_raw)
            question = reader.model(Question, q_raw, path, qid, "a question",
                                    at_line=getattr(s_raw, "line", 0), file=path,
                                    line=getattr(q_raw, "line", 0), section=sid)
            if question is None:
                lost.ids.add(qid)
                lost.any_name |= qid == "?"
                continue
            if question.id in seen:
                reader.problems.add(path, question.line, question.id,
                                    f"question id already used at {path}:{seen[question.id]}",
                                    "id-used-twice")
            seen.setdefault(question.id, question.line)
            questions.append(question)
        values = {**s_raw, "questions": questions} if isinstance(q_raws, list) else None
        section = reader.model(Section, s_raw, path, sid or "?", "a section", values=values,
                               at_line=raw.key_lines.get("sections", 0))
        if section is None:
            lost.any_name |= not isinstance(q_raws, list)
            lost.ids.update(q.id for q in questions)
            continue
        sections.append(section)
    return QuestionBank(sections=sections)


def _load_sources(reader: _Reader, name: str) -> dict[str, Source]:
    path, raw = reader.path(name), reader.read(name, "any_source")
    if raw is UNREADABLE:
        return {}
    if not reader.is_mapping(raw or {}, path, "", "expected a mapping with 'sources'"):
        reader.unloaded.any_source = True
        return {}
    raw = raw or {}
    reader.only_keys(raw, ("sources",), path)
    sources: dict[str, Source] = {}
    for item in _list_at(reader, raw, "sources", path):
        source = reader.model(Source, item, path, _ident(item), "a source",
                              at_line=raw.key_lines.get("sources", 0))
        if source is None:
            reader.unloaded.ids.add(_ident(item))
            reader.unloaded.any_source |= _ident(item) == "?"
            continue
        if source.id in sources:
            reader.problems.add(path, item.line, source.id, "source id defined twice",
                                "id-used-twice")
        sources[source.id] = source
    return sources


def _list_at(reader: _Reader, raw: dict, key: str, path: str) -> list:
    """raw[key] when it is a list (or absent: []); else the problem, and []."""
    value = raw.get(key, [])
    if isinstance(value, list):
        return value
    reader.problems.add(path, raw.key_lines.get(key, raw.line), "",
                        f"{key} must be a list, not {as_yaml(value)}", "wrong-type")
    return []


def _load_triage(reader: _Reader, manifest: dict, path: str) -> dict[str, TriageLevel]:
    raw = manifest.get("triage", {})
    if not reader.is_mapping(raw, path, "", "triage must be a mapping of levels",
                             manifest.key_lines.get("triage", 0)):
        return {}
    reader.only_keys(raw, TRIAGE_ORDER, path, "", "triage")
    misspelt = {closest(key, TRIAGE_ORDER) for key in raw if key not in TRIAGE_ORDER}
    triage = {}
    for level in TRIAGE_ORDER:
        if level in raw:
            found = reader.model(TriageLevel, raw[level], path, level, "a triage level",
                                 at_line=raw.key_lines.get(level, 0), id=level)
            if found is not None:
                triage[level] = found
        elif level not in misspelt:  # a misspelt level is reported once, as its key
            reader.problems.add(path, manifest.key_lines.get("triage", manifest.line), "",
                                f"triage: level '{level}' is missing", "missing-triage-level")
    return triage


def _load_computed(reader: _Reader, manifest: dict, path: str) -> dict[str, Computed]:
    raw = manifest.get("computed", {})
    if not reader.is_mapping(raw, path, "", "computed must be a mapping of inputs",
                             manifest.key_lines.get("computed", 0)):
        reader.unloaded.any_name = True
        return {}
    computed = {}
    for name, item in raw.items():
        found = reader.model(Computed, item, path, str(name), "a computed input",
                             at_line=raw.key_lines.get(name, 0))
        if found is None:
            reader.unloaded.ids.add(str(name))
        else:
            computed[str(name)] = found
    return computed


def _load_rule_file(reader: _Reader, name: str, factors: dict, rules: list) -> None:
    """The factor (if any) and every rule that loads; the others are left out."""
    path, lost = reader.path(name), reader.unloaded
    raw = reader.read(name, "any_name", "any_factor")
    if raw is UNREADABLE:
        return
    raw = raw or {}  # an empty file has no rules
    if not reader.is_mapping(raw, path, "", "expected a mapping with 'rules' (and maybe 'factor')"):
        lost.any_name = lost.any_factor = True
        return
    reader.only_keys(raw, ("factor", "rules"), path)
    if raw.get("factor") is not None:
        fid = _ident(raw["factor"], "factor")
        factor = reader.model(Factor, raw["factor"], path, fid, "the factor",
                              at_line=raw.key_lines.get("factor", 0),
                              file=path, line=getattr(raw["factor"], "line", 0))
        if factor is None:
            lost.factors.add(fid)
            lost.ids.add(fid)
            lost.any_factor |= fid == "factor"
        else:
            if factor.id in factors:
                reader.problems.add(path, factor.line, factor.id, "factor id defined twice",
                                    "id-used-twice")
            factors[factor.id] = factor
    for item in _list_at(reader, raw, "rules", path):
        rule = reader.model(Rule, item, path, _ident(item), "a rule",
                            at_line=raw.key_lines.get("rules", 0), file=path,
                            line=getattr(item, "line", 0))
        if rule is not None:
            rules.append(rule)
            continue
        lost.ids.add(_ident(item))
        concludes = item.get("concludes") if isinstance(item, dict) else None
        if isinstance(concludes, str):
            lost.ids.add(concludes)


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
    names[facts.TRIAGE_FIRED] = {"kind": "multi",
                                 "codes": [r.id for r in ruleset.rules if r.kind == "triage"]}
    names[facts.TRIAGE_ASSUMED] = {"kind": "bool", "codes": [True, False]}
    return names


def check_condition(cond, names: dict, report) -> None:
    """Report unknown names, codes that do not exist, and operators that do not fit:
    ``report(message)`` for each."""
    for _code, message in condition_problems(cond, names):
        report(message)


def condition_problems(cond, names: dict, unloaded: Unloaded | None = None):
    """(code, message) for each unknown name, code that does not exist and operator that
    does not fit; names and codes of items that failed to load are spared."""
    unloaded = unloaded or Unloaded()
    for test in conditions.tests(cond):
        info = names.get(test.name)
        if info is None:
            if not unloaded.spares_name(test.name):
                yield "unknown-name", f"unknown name '{test.name}'{suggest(test.name, names)}"
            continue
        kind, codes = info["kind"], info["codes"]
        if test.op == "known":  # asks whether there is a value at all: fits any name
            continue
        if test.op in conditions.MULTI_OPERATORS and kind != "multi":
            yield ("wrong-operator",
                   f"'{test.op}' is for multi-answer items; '{test.name}' holds one value")
        if test.op not in conditions.MULTI_OPERATORS and kind == "multi":
            yield "wrong-operator", f"'{test.name}' holds a list: use has, has_any, lacks or lacks_all"
        if test.op in conditions.NUMBER_OPERATORS and kind != "number":
            yield "wrong-operator", f"'{test.op}' compares numbers; '{test.name}' is not a number"
        if codes is not None:
            for value in test.values():
                if value not in codes and not unloaded.spares_value(value):
                    yield "unknown-code", (
                        f"'{test.name}' has no code {as_yaml(value)}{suggest(value, codes)}; "
                        f"codes: {', '.join(map(plain, codes))}")


def cross_check(ruleset: RuleSet, problems: Problems, unloaded: Unloaded | None = None) -> None:
    """Names, codes, sources and factors that the loaded items refer to must exist."""
    unloaded = unloaded or Unloaded()
    names = known_names(ruleset)

    def check(cond, file, line, ident, where):
        for code, message in condition_problems(cond, names, unloaded):
            problems.add(file, line, ident, f"{where}: {message}", code)

    def check_sources(item):
        for sid in item.sources:
            if sid not in ruleset.sources and not (unloaded.any_source or sid in unloaded.ids):
                problems.add(item.file, item.line, item.id, f"source '{sid}' is not in "
                             f"sources.yaml{suggest(sid, ruleset.sources)}", "unknown-source")

    manifest = str(Path(ruleset.folder) / "ruleset.yaml")
    for item in ruleset.risk_reading.items:
        if item not in ruleset.questions.by_id and not unloaded.spares_name(item):
            problems.add(manifest, 0, "risk_reading", f"items: '{item}' is not a question"
                         f"{suggest(item, ruleset.questions.by_id)}", "unknown-name")
    for q in ruleset.questions:
        if q.shown_if is not None:
            check(q.shown_if, q.file, q.line, q.id, "shown_if")
        if q.counted_if is not None:
            check(q.counted_if, q.file, q.line, q.id, "counted_if")
        for code in q.used_when_hidden:
            if code not in q.codes:
                problems.add(q.file, q.line, q.id, f"used_when_hidden: '{q.id}' has no code "
                             f"{as_yaml(code)}{suggest(code, q.codes)}", "unknown-code")
    for factor in ruleset.factors.values():
        check_sources(factor)
    seen: dict[str, Rule] = {}
    for rule in ruleset.rules:
        if rule.id in seen:
            problems.add(rule.file, rule.line, rule.id, f"rule id already used at "
                         f"{seen[rule.id].file}:{seen[rule.id].line}", "id-used-twice")
        seen.setdefault(rule.id, rule)
        check(rule.when, rule.file, rule.line, rule.id, "when")
        for where, text in [("text", rule.text or "")] + [
                (f"parts {n}", part.text) for n, part in enumerate(rule.parts, 1)]:
            for item, codes in _TICKED.findall(text):
                question = ruleset.questions.by_id.get(item)
                if question is None:
                    problems.add(rule.file, rule.line, rule.id, f"{where}: {{ticked:...}} names "
                                 f"'{item}', which is not a question"
                                 f"{suggest(item, ruleset.questions.by_id)}", "unknown-name")
                    continue
                for code in codes.split(","):
                    if code not in question.codes:
                        problems.add(rule.file, rule.line, rule.id, f"{where}: {{ticked:...}}: "
                                     f"'{item}' has no code '{code}'{suggest(code, question.codes)}",
                                     "unknown-code")
        if rule.risk is not None:
            check(rule.risk, rule.file, rule.line, rule.id, "risk")
        for number, part in enumerate(rule.parts, 1):
            check(part.when, rule.file, rule.line, rule.id, f"parts {number}")
        check_sources(rule)
        if (rule.factor and rule.factor not in ruleset.factors
                and not (unloaded.any_factor or rule.factor in unloaded.factors)):
            problems.add(rule.file, rule.line, rule.id, f"factor '{rule.factor}' is not "
                         f"defined{suggest(rule.factor, ruleset.factors)}", "unknown-factor")
        if rule.kind == "derived" and rule.concludes in ruleset.questions.by_id:
            problems.add(rule.file, rule.line, rule.id,
                         f"concludes '{rule.concludes}', which is a question id", "concludes-question")
