"""The hazard log (``rules/hazards.yaml``): clinical hazards, their risk before and after
controls on a stated 5x5 matrix, and the controls, each pointing at something real.

A control names a rule, a triage level, a test (pytest node id), a guard (a dotted
Python name) or a documentation section (file#heading). ``check_hazards`` proves that
each one exists, that every rule setting ``urgent`` or ``same_day`` is named by a hazard,
and that no hazard is left without controls or above the acceptable band, so the log
cannot go stale when the rules change: a removed rule fails ``screener rules check``
with the hazard it was controlling. No I/O beyond reading the log and the files its
controls name; nothing is printed.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError

from ..errors import RulesError
from ..ruleset.models import RuleSet
from ..ruleset.yaml_source import read_yaml
from ..types import TRIAGE_ORDER, Strict

SEVERITIES = ("minor", "significant", "considerable", "major", "catastrophic")
LIKELIHOODS = ("very_low", "low", "medium", "high", "very_high")
#: DCB0129's risk matrix: rating 1-5 by likelihood (rows) and severity (columns)
RATINGS = {"very_low": (1, 1, 2, 2, 3), "low": (1, 2, 2, 3, 4), "medium": (2, 2, 3, 3, 4),
           "high": (2, 3, 3, 4, 5), "very_high": (3, 4, 4, 5, 5)}
RATING_WORDS = {1: "acceptable", 2: "acceptable", 3: "undesirable", 4: "unacceptable",
                5: "unacceptable"}
#: triage levels a hazard must cover: every rule that sets one is a control of a hazard
COVERED_LEVELS = ("urgent", "same_day")
HAZARD_ID = r"^HAZ-[A-Z0-9][A-Z0-9-]*$"


class Matrix(Strict):
    standard: str
    severity: list[str]
    likelihood: list[str]
    acceptable_at_most: int = Field(ge=1, le=5)


class Risk(Strict):
    severity: Literal["minor", "significant", "considerable", "major", "catastrophic"]
    likelihood: Literal["very_low", "low", "medium", "high", "very_high"]

    @property
    def rating(self) -> int:
        return RATINGS[self.likelihood][SEVERITIES.index(self.severity)]


class Control(Strict):
    kind: Literal["rule", "level", "test", "guard", "doc"]
    ref: str
    how: str


class Hazard(Strict):
    id: str = Field(pattern=HAZARD_ID)
    title: str
    causes: list[str] = Field(min_length=1)
    effect: str
    harm: str
    before: Risk
    after: Risk
    controls: list[Control] = []
    #: a residual risk one band above the acceptable ("undesirable") is accepted only
    #: with the reason further reduction is not practicable here (DCB0129's wording);
    #: the safety case shows it. Never for an unacceptable rating (4-5).
    residual_accepted: str = ""
    line: int = Field(default=0, exclude=True)


class CaseText(Strict):
    """What the safety case report says besides the hazards."""

    intended_use: str
    users: list[str] = Field(min_length=1)
    not_for: list[str] = Field(min_length=1)  # what the tool is not
    limits: list[str] = Field(min_length=1)  # open issues and limits


class HazardLog(Strict):
    matrix: Matrix
    case: CaseText
    hazards: list[Hazard] = Field(min_length=1)
    file: str = Field(default="", exclude=True)


def load_log(ruleset: RuleSet) -> HazardLog | None:
    """The ruleset's hazard log (None when ruleset.yaml names none); RulesError naming the
    file, line and field when it cannot be read."""
    if not ruleset.hazard_log:
        return None
    path = Path(ruleset.folder) / ruleset.hazard_log
    raw = read_yaml(path)
    if not isinstance(raw, dict):
        raise RulesError("the hazard log must be a mapping with 'matrix' and 'hazards'",
                         file=str(path), line=1)
    hazards = raw.get("hazards")
    if isinstance(hazards, list):
        for item in hazards:
            if isinstance(item, dict):
                item["line"] = getattr(item, "line", 0)
    try:
        return HazardLog.model_validate({**raw, "file": str(path)})
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        line = _line_of(raw, first["loc"])
        raise RulesError(f"{where}: {first['msg']}", file=str(path), line=line) from None


def _line_of(raw, loc) -> int:
    node, line = raw, getattr(raw, "line", 0)
    for part in loc:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        line = getattr(node, "line", line)
    return line


def check_hazards(ruleset: RuleSet, log: HazardLog,
                  root: Path | None = None) -> Iterator[tuple[int, str, str]]:  # noqa: C901
    """(line, hazard id, message) for every problem: a control naming nothing that
    exists, a rule of a covered level that no hazard controls, a hazard without
    controls or whose residual risk is above the acceptable band."""
    # tests and documents live in the project checkout (a proposed rules folder is
    # checked against the project's tests); an installed tool without them skips these
    root = root or project_root()
    rules = ruleset.rules_by_id
    named: set[str] = set()
    if tuple(log.matrix.severity) != SEVERITIES or tuple(log.matrix.likelihood) != LIKELIHOODS:
        yield 0, "matrix", ("the matrix must list severity " + ", ".join(SEVERITIES)
                            + " and likelihood " + ", ".join(LIKELIHOODS) + " (DCB0129)")
    seen: set[str] = set()
    for hazard in log.hazards:
        if hazard.id in seen:
            yield hazard.line, hazard.id, "hazard id used twice"
        seen.add(hazard.id)
        if not hazard.controls:
            yield (hazard.line, hazard.id,
                   "no controls: name the rules, tests or guards that control it")
        above = hazard.after.rating > log.matrix.acceptable_at_most
        accepted = bool(hazard.residual_accepted.strip()) and \
            hazard.after.rating == log.matrix.acceptable_at_most + 1
        if above and not accepted:
            yield hazard.line, hazard.id, (
                f"residual risk {hazard.after.rating} ({RATING_WORDS[hazard.after.rating]}) is "
                f"above the acceptable band (at most {log.matrix.acceptable_at_most})" + (
                    "; only one band above can be accepted, with residual_accepted"
                    if hazard.after.rating > log.matrix.acceptable_at_most + 1 else
                    ": reduce it, or say in residual_accepted why it cannot be reduced here"))
        if hazard.residual_accepted.strip() and not above:
            yield hazard.line, hazard.id, "residual_accepted on a risk that is already acceptable"
        if hazard.after.rating > hazard.before.rating:
            yield hazard.line, hazard.id, "the risk after controls is higher than before"
        for control in hazard.controls:
            problem = _missing(control, rules, root)
            if problem:
                yield hazard.line, hazard.id, f"control {control.kind} '{control.ref}': {problem}"
            elif control.kind == "rule":
                named.add(control.ref)
    for rule in ruleset.rules:
        if rule.kind == "triage" and rule.level in COVERED_LEVELS and rule.id not in named:
            yield 0, rule.id, (f"sets '{rule.level}' but no hazard in the hazard log names it "
                               "as a control: add it to the hazard it controls")


def project_root() -> Path | None:
    """The checkout the shipped rules folder sits in (with tests/), or None when the
    screener is installed without its tests."""
    from ..ruleset.folder import DEFAULT_RULES_DIR

    root = Path(DEFAULT_RULES_DIR).resolve().parent
    return root if (root / "tests").is_dir() else None


def hazards_controlled_by(rule_id: str, log: HazardLog) -> list[str]:
    """The hazards a rule is a control of (what a clinician removing it weakens)."""
    return [h.id for h in log.hazards
            if any(c.kind == "rule" and c.ref == rule_id for c in h.controls)]


def _missing(control: Control, rules: dict, root: Path | None) -> str:
    """Why the thing a control names does not exist ('' when it does)."""
    ref = control.ref
    if control.kind == "rule":
        return "" if ref in rules else "no such rule in the rules folder (removed or renamed?)"
    if control.kind == "level":
        return "" if ref in TRIAGE_ORDER else f"not a triage level ({', '.join(TRIAGE_ORDER)})"
    if control.kind == "guard":
        return "" if _importable(ref) else "no such module, function or class"
    if root is None:
        return ""  # a test or a doc, outside a source checkout: nothing to look in
    if control.kind == "test":
        file, _, name = ref.partition("::")
        if not name or not (root / file).is_file():
            return "no such test file (write it as tests/test_x.py::test_name)"
        found = name.split("::")[-1] in _test_names(str(root / file))
        return "" if found else "no such test in that file"
    file, _, anchor = ref.partition("#")  # a doc
    if not (root / file).is_file():
        return "no such file"
    found = not anchor or anchor in _anchors(str(root / file))
    return "" if found else "no such heading in that file"


@lru_cache(maxsize=64)
def _test_names(path: str) -> frozenset[str]:
    text = Path(path).read_text(encoding="utf-8")
    return frozenset(re.findall(r"^\s*(?:async\s+)?def\s+(test\w*)\s*\(", text, re.MULTILINE)
                     + re.findall(r"^class\s+(Test\w*)", text, re.MULTILINE))


@lru_cache(maxsize=64)
def _anchors(path: str) -> frozenset[str]:
    """GitHub's heading slugs: lower case, punctuation dropped, spaces to hyphens."""
    text = Path(path).read_text(encoding="utf-8")
    return frozenset(slug(h) for h in re.findall(r"^#{1,6}\s+(.+?)\s*#*\s*$", text, re.MULTILINE))


def slug(heading: str) -> str:
    text = re.sub(r"[`*_]", "", heading.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def _importable(dotted: str) -> bool:
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attr in parts[cut:]:
            if not hasattr(obj, attr):
                return False
            obj = getattr(obj, attr)
        return True
    return False
