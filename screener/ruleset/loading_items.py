"""Building a RuleSet from a rules folder's files, item by item: the manifest
(ruleset.yaml), the questions, sources, triage levels, computed inputs and rule files.
An item that fails is left out with its problem recorded; the rest still load and are
cross-checked (cross_checks.py), so that one run reports everything.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import RulesError
from ..spelling import closest
from . import risk_reading
from .cross_checks import cross_check
from .folder import content_hash
from .loading_reader import UNREADABLE, Reader, ident
from .models import (
    TRIAGE_ORDER,
    Computed,
    Factor,
    Question,
    QuestionBank,
    RiskReading,
    Rule,
    RuleSet,
    Section,
    Source,
    TriageLevel,
)
from .problems import Problems
from .yaml_source import LineDict
from .yaml_spelling import as_yaml

#: the keys each file may have at its top
MANIFEST_KEYS = ("name", "version", "several_at", "files", "computed", "risk_reading",
                 "triage")
FILES_KEYS = ("questions", "sources", "rules", "hazards")


def build(folder: Path, problems: Problems) -> RuleSet | None:
    """Read every file, collecting problems; None when any item failed to load (the
    cross-checks still run on the rest, so that one run reports everything)."""
    reader = Reader(folder, problems)
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


def _files(reader: Reader, manifest: LineDict, path: str) -> dict:
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


def _load_questions(reader: Reader, name: str) -> QuestionBank:
    """Every question that loads, section by section; the others are left out."""
    path, raw = reader.path(name), reader.read(name, "any_name")
    lost = reader.unloaded
    if raw is UNREADABLE:
        return QuestionBank(sections=[])
    if not reader.is_mapping(raw, path, "", "expected a mapping with 'sections'"):
        lost.any_name = True
        return QuestionBank(sections=[])
    reader.only_keys(raw, ("sections",), path)
    sections: list[Section] = []
    seen: dict[str, int] = {}
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
        sid = ident(s_raw, "")
        questions = []
        q_raws = s_raw.get("questions") if isinstance(s_raw, dict) else None
        for q_raw in q_raws if isinstance(q_raws, list) else []:
            qid = ident(q_raw)
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


def _load_sources(reader: Reader, name: str) -> dict[str, Source]:
    path, raw = reader.path(name), reader.read(name, "any_source")
    if raw is UNREADABLE:
        return {}
    if not reader.is_mapping(raw or {}, path, "", "expected a mapping with 'sources'"):
        reader.unloaded.any_source = True
        return {}
    raw = raw or LineDict()  # (no key_lines: the loop below does not run for it)
    reader.only_keys(raw, ("sources",), path)
    sources: dict[str, Source] = {}
    for item in reader.list_at(raw, "sources", path):
        source = reader.model(Source, item, path, ident(item), "a source",
                              at_line=raw.key_lines.get("sources", 0))
        if source is None:
            reader.unloaded.ids.add(ident(item))
            reader.unloaded.any_source |= ident(item) == "?"
            continue
        if source.id in sources:
            reader.problems.add(path, item.line, source.id, "source id defined twice",
                                "id-used-twice")
        sources[source.id] = source
    return sources


def _load_triage(reader: Reader, manifest: LineDict, path: str) -> dict[str, TriageLevel]:
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


def _load_computed(reader: Reader, manifest: LineDict, path: str) -> dict[str, Computed]:
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


def _load_rule_file(reader: Reader, name: str, factors: dict, rules: list) -> None:
    """The factor (if any) and every rule that loads; the others are left out."""
    path, lost = reader.path(name), reader.unloaded
    raw = reader.read(name, "any_name", "any_factor")
    if raw is UNREADABLE:
        return
    raw = raw or LineDict()  # an empty file has no rules (nor key_lines: none are read)
    if not reader.is_mapping(raw, path, "", "expected a mapping with 'rules' (and maybe 'factor')"):
        lost.any_name = lost.any_factor = True
        return
    reader.only_keys(raw, ("factor", "rules"), path)
    if raw.get("factor") is not None:
        fid = ident(raw["factor"], "factor")
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
    for item in reader.list_at(raw, "rules", path):
        rule = reader.model(Rule, item, path, ident(item), "a rule",
                            at_line=raw.key_lines.get("rules", 0), file=path,
                            line=getattr(item, "line", 0))
        if rule is not None:
            rules.append(rule)
            continue
        lost.ids.add(ident(item))
        concludes = item.get("concludes") if isinstance(item, dict) else None
        if isinstance(concludes, str):
            lost.ids.add(concludes)
