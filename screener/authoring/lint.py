"""Lint a rules folder: content problems that load fine but are still wrong.

The loader (loading.py) already rejects broken structure, unknown names and codes,
unknown sources and duplicate rule ids; ``lint_folder`` reports those first, in the
same ``file:line: id: message`` form, then runs every check in ``CHECKS`` over the
loaded RuleSet and the raw YAML (for line numbers). Each check is one small function
that yields findings; adding a check is adding one function with ``@check``.
The library prints nothing: ``screener rules check`` prints the findings.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from functools import cached_property
from itertools import product
from pathlib import Path
from typing import Callable, Iterator

from ..ruleset import compiler, conditions, facts
from .. import safety
from ..ruleset.conditions import All, AnyOf, Test
from ..errors import AnswersError, RulesError, shown
from ..ruleset.cross_checks import known_names
from ..ruleset.loading import collect_ruleset
from ..ruleset.locale_checks import missing_and_stale
from ..ruleset.models import NONE, NOT_SURE, Rule, RuleSet
from ..ruleset.problems import Problem
from ..spelling import suggest
from ..types import Frozen
from ..ruleset.yaml_source import read_bytes, read_yaml
from ..ruleset.yaml_spelling import as_yaml

#: placeholder words that are not a reason or a citation
PLACEHOLDERS = {"", "todo", "tbd", "xxx", "?", "-", "...", "none", "n/a", "fixme"}
MAX_TERMS = 512  # conditions with more alternatives than this are not searched


class Finding(Frozen):
    """One problem: ``check`` names the lint class, ``text`` is the printed line."""

    check: str
    text: str

    def __str__(self) -> str:
        return self.text


def finding(check_name: str, file: str, line: int, ident: str, message: str) -> Finding:
    """A lint finding printed exactly as the loader's problems are (problems.Problem)."""
    return Finding(check=check_name,
                   text=str(Problem(check_name, str(file), line or 0, ident, message)))


@dataclass
class Context:
    """What the checks read: the loaded rules, the raw YAML and shared analyses."""

    ruleset: RuleSet
    folder: Path
    raw: dict[str, object] = field(default_factory=dict)  # file path -> parsed YAML

    def raw_of(self, file: str):
        if file not in self.raw:
            try:
                self.raw[file] = read_yaml(Path(file))
            except RulesError:
                self.raw[file] = {}
        return self.raw[file]

    @cached_property
    def names(self) -> dict[str, dict]:
        return known_names(self.ruleset)

    @cached_property
    def never_fire(self) -> dict[str, str]:
        """rule id -> why its condition can never be true."""
        found = {}
        for rule in self.ruleset.rules:
            why = impossible(rule.when, self)
            if why:
                found[rule.id] = why
        return found

    def bounds(self, name: str) -> tuple[float, float, bool] | None:
        """(lowest, highest, whole numbers only) a number can take, when known."""
        rs = self.ruleset
        q = rs.questions.by_id.get(name)
        if q is not None and q.type == "int":
            return q.min, q.max, True
        return facts.number_bounds(name, rs)

    def read_names(self) -> Iterator[tuple[str, str, int, str]]:
        """(name, file, line, who reads it) for every rule condition and shown_if."""
        for rule in self.ruleset.rules:
            for cond in rule.conditions_written:
                for name in conditions.names(cond):
                    yield name, rule.file, rule.line, rule.id
        for q in self.ruleset.questions:
            for cond in (q.shown_if, q.counted_if):
                if cond is not None:
                    for name in conditions.names(cond):
                        yield name, q.file, q.line, q.id


CHECKS: dict[str, Callable[[Context], Iterator[Finding]]] = {}


def check(name: str):
    """Register a lint check under the name shown in rules/README.md."""
    def register(fn):
        CHECKS[name] = fn
        return fn
    return register


def lint_folder(folder: str | Path | None = None) -> list[Finding]:
    """Every problem in a rules folder (the loader's and the checks'), by file and line."""
    ruleset, problems = collect_ruleset(folder)
    findings = [Finding(check=p.code, text=str(p)) for p in problems]
    if ruleset is not None:
        findings += lint_ruleset(ruleset)
    return sorted(findings, key=lambda f: _sort_key(f.text))  # stable: file, then line


def lint_ruleset(ruleset: RuleSet) -> list[Finding]:
    ctx = Context(ruleset=ruleset, folder=Path(ruleset.folder))
    return [f for fn in CHECKS.values() for f in fn(ctx)]


def _sort_key(text: str):
    file, _, rest = text.partition(":")
    line = rest.split(":", 1)[0]
    return (file, int(line) if line.isdigit() else 0)


# ------------------------------------------------------------ satisfiability search

def _terms(cond) -> list[list[Test]] | None:
    """The condition as alternatives of conjunctions (None when too many)."""
    if isinstance(cond, Test):
        return [[cond]]
    parts = [_terms(c) for c in (cond.all if isinstance(cond, All) else cond.any)]
    if any(p is None for p in parts):
        return None
    if isinstance(cond, AnyOf):
        terms = [t for p in parts for t in p]
    else:
        size = math.prod(len(p) for p in parts)
        if size > MAX_TERMS:
            return None
        terms = [[t for chunk in combo for t in chunk] for combo in product(*parts)]
    return terms if len(terms) <= MAX_TERMS else None


def impossible(cond, ctx: Context) -> str | None:
    """Why ``cond`` can never be true, or None if some answers can make it true."""
    terms = _terms(cond)
    if terms is None:
        return None
    reasons = [_conflict(term, ctx) for term in terms]
    return None if any(r is None for r in reasons) else reasons[0]


def _conflict(term: list[Test], ctx: Context) -> str | None:
    by_name: dict[str, list[Test]] = {}
    for test in term:
        by_name.setdefault(test.name, []).append(test)
    for name, tests in by_name.items():
        info = ctx.names.get(name)
        if info is None:
            continue  # unknown names are the loader's problem
        words = " and ".join(conditions.describe(t, _quote) for t in tests)
        if info["kind"] == "multi":
            why = _multi_conflict(tests)
        elif info["kind"] == "number":
            why = _number_conflict(tests, ctx.bounds(name))
        elif info["codes"] is not None:
            why = _code_conflict(tests, info["codes"])
        else:
            why = None
        if why:
            return f"{words}: {why}"
    return None


def _quote(name, value) -> str:
    return as_yaml(value)  # as the author wrote it: 'yes', 65, true


def _code_conflict(tests: list[Test], codes: list) -> str | None:
    allowed = set(codes)
    for t in tests:
        known = [v for v in t.values() if v in codes]
        if t.op in ("is", "in") and known:  # a test of unknown codes only: the loader says so
            allowed &= set(known)
        elif t.op in ("is_not", "not_in"):
            allowed -= set(t.values())
    return None if allowed else "no answer can be all of these"


def _number_conflict(tests: list[Test], bounds) -> str | None:
    lo, hi, whole = bounds or (-math.inf, math.inf, False)
    lo_strict = hi_strict = False
    equal, excluded = None, set()
    is_number = lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)  # noqa: E731
    for t in tests:
        if t.op in ("is", "in"):
            values = {v for v in t.values() if is_number(v)}
            if not values:
                return "it is a number, so it never equals " + ", ".join(map(_quote_value, t.values()))
            equal = values if equal is None else equal & values
        elif t.op in ("is_not", "not_in"):
            excluded |= set(t.values())
        elif t.op in ("gt", "gte") and (t.value > lo or (t.value == lo and t.op == "gt")):
            lo, lo_strict = t.value, t.op == "gt"
        elif t.op in ("lt", "lte") and (t.value < hi or (t.value == hi and t.op == "lt")):
            hi, hi_strict = t.value, t.op == "lt"
    if whole:
        lo = math.floor(lo) + 1 if lo_strict and lo == math.floor(lo) else math.ceil(lo)
        hi = math.ceil(hi) - 1 if hi_strict and hi == math.ceil(hi) else math.floor(hi)
        lo_strict = hi_strict = False
    within = lambda v: (v > lo if lo_strict else v >= lo) and (v < hi if hi_strict else v <= hi)  # noqa: E731
    limits = "" if bounds is None else f" (it ranges from {bounds[0]} to {bounds[1]})"
    if equal is not None:
        if not any(within(v) and v not in excluded for v in equal):
            return "no number fits all of these" + limits
        return None
    if lo > hi or (lo == hi and (lo_strict or hi_strict or lo in excluded)):
        return "no number fits all of these" + limits
    return None


def _quote_value(value) -> str:
    return f"'{value}'"


def _multi_conflict(tests: list[Test]) -> str | None:
    has, lacks, any_of = set(), set(), []
    for t in tests:
        if t.op == "has":
            has.add(t.value)
        elif t.op == "has_any":
            any_of.append(set(t.value))
        else:
            lacks |= set(t.values())
    if has & lacks:
        return "an answer cannot both include and lack " + ", ".join(map(_quote_value, sorted(has & lacks, key=str)))
    for group in any_of:
        if group <= lacks:
            return "every code it could include is excluded"
    for alone in (NONE, NOT_SURE):
        if alone in has and len(has) > 1:
            return f"'{alone}' is never chosen together with another code"
    return None


# ------------------------------------------------------------------------- checks

@check("never-fires")
def never_fires(ctx: Context):
    """Rules (and skip logic) whose condition no answers can make true."""
    for rule in ctx.ruleset.rules:
        if rule.id in ctx.never_fire:
            yield finding("never-fires", rule.file, rule.line, rule.id,
                          f"can never fire: {ctx.never_fire[rule.id]}")
    for q in ctx.ruleset.questions:
        why = q.shown_if is not None and impossible(q.shown_if, ctx)
        if why:
            yield finding("never-fires", q.file, q.line, q.id,
                          f"shown_if can never be true, so the question is never asked: {why}")


@check("rule-loop")
def rule_loop(ctx: Context):
    """Rules that read each other in a circle have no layer and cannot run."""
    try:
        compiler.rule_layers(ctx.ruleset)
    except RulesError as exc:
        ident = exc.message.rsplit(" -> ", 1)[-1]
        yield finding("rule-loop", exc.file or "", exc.line or 0, ident, exc.message)


@check("never-concluded")
def never_concluded(ctx: Context):
    """Facts read by a rule that no rule (or the program) ever concludes."""
    rs = ctx.ruleset
    made = compiler.producers(rs)
    inputs = set(rs.questions.by_id) | set(rs.computed)
    for name, file, line, who in ctx.read_names():
        if name in inputs or name not in ctx.names:
            continue
        producers = [r for r in made.get(name, []) if r.kind in ("derived", "indicator", "triage")]
        if not producers:
            yield finding("never-concluded", file, line, who,
                          f"reads '{name}', but no rule concludes it (a factor needs an indicator rule)")
        elif all(r.id in ctx.never_fire for r in producers):
            ids = ", ".join(r.id for r in producers)
            yield finding("never-concluded", file, line, who,
                          f"reads '{name}', but every rule concluding it can never fire ({ids})")
    # computed inputs: each declared one must be computed by the program (facts.COMPUTED),
    # from the answers and as the kind it is declared with
    manifest = ctx.raw_of(str(ctx.folder / "ruleset.yaml"))
    lines = getattr((manifest or {}).get("computed", {}), "key_lines", {})
    path = str(ctx.folder / "ruleset.yaml")
    for name, declared in rs.computed.items():
        program = facts.COMPUTED.get(name)
        if program is None:
            yield finding("never-concluded", path, lines.get(name, 0), name,
                          "computed input declared here, but the program does not compute it"
                          f"{suggest(name, facts.COMPUTED)}; it computes: "
                          f"{', '.join(sorted(facts.COMPUTED))}")
        elif (tuple(declared.uses), declared.kind) != (program.uses, program.kind):
            yield finding("never-concluded", path, lines.get(name, 0), name,
                          f"computed input declared here as a {declared.kind} from "
                          f"[{', '.join(declared.uses)}], but the program computes a "
                          f"{program.kind} from [{', '.join(program.uses)}]")


@check("duplicate-ids")
def duplicate_ids(ctx: Context):
    """Ids that clash: differ only in case, or a fact name that is already taken."""
    rs = ctx.ruleset
    groups = {
        "rule": [(r.id, r.file, r.line) for r in rs.rules],
        "question": [(q.id, q.file, q.line) for q in rs.questions],
        "factor": [(f.id, f.file, f.line) for f in rs.factors.values()],
    }
    for kind, items in groups.items():
        first: dict[str, str] = {}
        for ident, file, line in items:
            other = first.setdefault(ident.lower(), ident)
            if other != ident:
                yield finding("duplicate-ids", file, line, ident,
                              f"{kind} id differs from '{other}' only in upper/lower case")
    taken = set(rs.computed) | set(facts.factor_fact_names(rs.factors))
    for rule in rs.rules:
        if rule.kind == "derived" and rule.concludes in taken:
            what = "a computed input" if rule.concludes in rs.computed else "a factor fact"
            yield finding("duplicate-ids", rule.file, rule.line, rule.id,
                          f"concludes '{rule.concludes}', which is already {what}")
        seen: dict[str, int] = {}
        for n, example in enumerate(rule.examples, 1):
            key = repr(sorted(example.answers.items())) + example.expect
            if key in seen:
                yield finding("duplicate-ids", rule.file, rule.line, rule.id,
                              f"example {n} repeats example {seen[key]}")
            seen.setdefault(key, n)


@check("no-reason")
def no_reason(ctx: Context):
    """Every rule says why, in words a person can read."""
    for rule in ctx.ruleset.rules:
        if _placeholder(rule.reason) or len(rule.reason.split()) < 3:
            yield finding("no-reason", rule.file, rule.line, rule.id,
                          "reason: missing or too short; write one plain sentence saying "
                          "why these answers matter")
        if _placeholder(rule.title):
            yield finding("no-reason", rule.file, rule.line, rule.id, "title: missing")


def _placeholder(text: str | None) -> bool:
    return (text or "").strip().lower() in PLACEHOLDERS


@check("source-citation")
def source_citation(ctx: Context):
    """Every source has a real citation and is cited by something."""
    rs = ctx.ruleset
    path = str(ctx.folder / _sources_file(ctx))
    raw = ctx.raw_of(path) or {}
    lines = {item.get("id"): getattr(item, "line", 0) for item in raw.get("sources", [])
             if isinstance(item, dict)}
    cited = {s for r in rs.rules for s in r.sources} | {s for f in rs.factors.values() for s in f.sources}
    for sid, source in rs.sources.items():
        if _placeholder(source.citation) or len(source.citation.split()) < 3:
            yield finding("source-citation", path, lines.get(sid, 0), sid,
                          "citation: missing or too short; give authors, title, publisher "
                          "and year so a reviewer can find it")
        if sid not in cited:
            yield finding("source-citation", path, lines.get(sid, 0), sid,
                          "no rule or factor cites this source")


@check("source-url")
def source_url(ctx: Context):
    """A source's url is a plain https: address: reports make it a live link, and a
    javascript:, data: or http: one would run code or travel unencrypted."""
    rs = ctx.ruleset
    path = str(ctx.folder / _sources_file(ctx))
    raw = ctx.raw_of(path) or {}
    lines = {item.get("id"): getattr(item, "line", 0) for item in raw.get("sources", [])
             if isinstance(item, dict)}
    for sid, source in rs.sources.items():
        if source.url and not safety.safe_url(source.url):
            yield finding("source-url", path, lines.get(sid, 0), sid,
                          f"url: '{shown(source.url)}' is not an https: address; only "
                          "https:// links are allowed (reports drop any other)")


def _sources_file(ctx: Context) -> str:
    manifest = ctx.raw_of(str(ctx.folder / "ruleset.yaml")) or {}
    return (manifest.get("files") or {}).get("sources", "sources.yaml")


@check("unused-question")
def unused_question(ctx: Context):
    """A question that no rule, skip logic or computed input reads is asked for nothing."""
    rs = ctx.ruleset
    used = {name for name, *_ in ctx.read_names()}
    used |= {name for c in rs.computed.values() for name in c.uses}
    for q in rs.questions:
        if q.id not in used:
            yield finding("unused-question", q.file, q.line, q.id,
                          "no rule, shown_if or computed input uses this question")


@check("dose-text")
def dose_text(ctx: Context):
    """No text in the rules folder may look like a dose or a diagnosis (spec principles
    1 and 2)."""
    for path in sorted(ctx.folder.rglob("*.y*ml")):
        raw = ctx.raw_of(str(path))
        try:  # through the loader's locks: a FIFO named x.yml is never waited on
            lines = read_bytes(path).decode("utf-8", "replace").splitlines()
        except RulesError:
            continue  # refused by read_yaml too: nothing of it was read
        for text, line, ident, field in _strings(raw, 1, "", ()):
            found = safety.find_unsafe_text(text)
            if found:
                yield finding("dose-text", str(path), _line_with(lines, found, line),
                              ident, f"{'.'.join(field) or 'text'}: looks like a dose or a "
                              f"diagnosis ('{found}'): the screener never states amounts, "
                              "doses or diagnoses (spec principles 1 and 2)")


def _strings(node, line: int, ident: str, field: tuple):
    """(string, line, nearest id, field) for every string value in parsed YAML; the field
    is the path of keys from the nearest item with an id (``reason``, ``options[2].label``)
    or from the top of the file (``questions.fluids.help`` in a translation)."""
    if isinstance(node, dict):
        if isinstance(node.get("id"), str):
            ident, field = node["id"], ()
        for key, value in node.items():
            yield from _strings(value, getattr(node, "key_lines", {}).get(key, line), ident,
                                field + (str(key),))
    elif isinstance(node, list):
        for n, item in enumerate(node):
            yield from _strings(item, getattr(item, "line", line), ident,
                                field[:-1] + (f"{field[-1]}[{n}]",) if field else (f"[{n}]",))
    elif isinstance(node, str):
        yield node, line, ident, field


def _line_with(lines: list[str], fragment: str, start: int) -> int:
    """The line (from ``start``) where a fragment is written; ``start`` if it spans lines."""
    for n in range(max(start, 1), min(start + 40, len(lines)) + 1):
        if fragment.lower() in lines[n - 1].lower():
            return n
    return start


@check("bad-example")
def bad_example(ctx: Context):
    """A rule's examples must be valid answers, or they prove nothing."""
    from ..answers import validate_answers

    for rule in ctx.ruleset.rules:
        raw_examples = _raw_rule(ctx, rule).get("examples") or []
        for n, example in enumerate(rule.examples, 1):
            line = getattr(raw_examples[n - 1], "line", rule.line) if n <= len(raw_examples) else rule.line
            try:
                validate_answers(example.answers, ctx.ruleset, today=dt.date(2025, 1, 15))
            except AnswersError as exc:
                for problem in exc.problems or [exc.message]:
                    yield finding("bad-example", rule.file, line, rule.id,
                                  f"example {n}: {problem}")


def _raw_rule(ctx: Context, rule: Rule) -> dict:
    raw = ctx.raw_of(rule.file) or {}
    for item in raw.get("rules", []) if isinstance(raw, dict) else []:
        if isinstance(item, dict) and item.get("id") == rule.id and getattr(item, "line", 0) == rule.line:
            return item
    return {}


@check("translation")
def translation(ctx: Context):
    """Every text of the rules has its translation in each rules/locales/<lang>.yaml, and
    no translation is left for an id, code or text that no longer exists."""
    from ..ruleset.locales import available, load_locale, locales_folder

    for lang in available(ctx.folder)[1:]:
        try:
            locale = load_locale.__wrapped__(str(ctx.folder), lang)  # always re-read
        except RulesError as exc:
            path = str(locales_folder(ctx.folder) / f"{lang}.yaml")
            for text in exc.problems or [str(exc) if exc.file else f"{path}: {exc}"]:
                yield Finding(check="translation", text=text)
            continue
        for file, line, ident, message in missing_and_stale(ctx.ruleset, locale):
            yield finding("translation", file, line, ident, message)


@check("hazard-log")
def hazard_log(ctx: Context):
    """The hazard log (rules/hazards.yaml) names only rules, tests, guards and sections
    that exist, every rule setting urgent or same_day controls a hazard, and no hazard is
    left without controls or above the acceptable band (authoring/hazards.py)."""
    from .hazards import check_hazards, load_log

    try:
        log = load_log(ctx.ruleset)
    except RulesError as exc:
        yield finding("hazard-log", exc.file or ctx.ruleset.hazard_log, exc.line or 0,
                      "hazards", exc.message)
        return
    if log is None:
        return
    rules = ctx.ruleset.rules_by_id
    for line, ident, message in check_hazards(ctx.ruleset, log):
        rule = rules.get(ident)
        if rule is not None and not line:  # a rule no hazard names: said at the rule
            yield finding("hazard-log", rule.file, rule.line, ident, message)
        else:
            yield finding("hazard-log", log.file, line, ident, message)
