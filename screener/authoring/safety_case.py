"""The clinical safety case report of a ruleset, from its hazard log (``hazards.yaml``).

``build`` gathers what the report says: the ruleset's version and hash, the intended
use and what the tool is not (from the log's ``case`` block), the hazard table with the
risk before and after controls, each control with its evidence, the clinical change
log of this version (``CHANGELOG.md``), and the open issues and limits. With test
results (``run_tests``: the controls that are tests, run by pytest), each test control
shows whether it passed, and the report the day it was run. Markdown and HTML come
from templates in ``screener/templates/``, PDF from reportlab; every format passes the
dose and diagnosis guard like any other output.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..ruleset.models import RuleSet
from ..safety import ensure_safe_text
from .hazards import RATING_WORDS, HazardLog

FORMATS = {".md": "md", ".html": "html", ".pdf": "pdf"}


@dataclass
class ControlView:
    kind: str
    ref: str
    how: str
    evidence: str  # "passed", "failed", "not run", or what the control is


@dataclass
class HazardView:
    id: str
    title: str
    causes: list[str]
    effect: str
    harm: str
    before: str  # "4 (unacceptable): major, medium"
    after: str
    before_rating: int
    after_rating: int
    controls: list[ControlView]
    accepted: str = ""  # why a residual one band above acceptable is accepted


@dataclass
class SafetyCase:
    title: str
    ruleset: str  # "screener-nutrition 3.0.0"
    hash: str
    standard: str
    acceptable_at_most: int
    intended_use: str
    users: list[str]
    not_for: list[str]
    hazards: list[HazardView]
    changes: str  # the change log section of this version, as written
    limits: list[str]
    tests_run_on: str = ""  # the day the named tests were run ("" = not run)
    tests_failed: list[str] = field(default_factory=list)


def build(ruleset: RuleSet, log: HazardLog, results: dict[str, bool] | None = None,
          today: dt.date | None = None) -> SafetyCase:
    def risk(r) -> str:
        likelihood = r.likelihood.replace("_", " ")
        return f"{r.rating} ({RATING_WORDS[r.rating]}): {r.severity}, {likelihood}"

    hazards = []
    for h in log.hazards:
        controls = [ControlView(c.kind, c.ref, " ".join(c.how.split()), _evidence(c, results))
                    for c in h.controls]
        hazards.append(HazardView(h.id, h.title, list(h.causes), h.effect, h.harm,
                                  risk(h.before), risk(h.after), h.before.rating,
                                  h.after.rating, controls,
                                  " ".join(h.residual_accepted.split())))
    case = log.case
    return SafetyCase(
        title="Clinical safety case", ruleset=f"{ruleset.name} {ruleset.version}",
        hash=ruleset.content_hash[:12], standard=log.matrix.standard,
        acceptable_at_most=log.matrix.acceptable_at_most,
        intended_use=" ".join(case.intended_use.split()), users=list(case.users),
        not_for=list(case.not_for), hazards=hazards,
        changes=change_log_section(Path(ruleset.folder), ruleset.version),
        limits=list(case.limits),
        tests_run_on=(today or dt.date.today()).isoformat() if results is not None else "",
        tests_failed=sorted(node for node, ok in (results or {}).items() if not ok))


def _evidence(control, results: dict[str, bool] | None) -> str:
    if control.kind != "test":
        return {"rule": "rule in the shipped ruleset", "level": "triage level",
                "guard": "code guard", "doc": "documentation section"}[control.kind]
    if results is None:
        return "test (not run for this report)"
    if control.ref not in results:
        return "test NOT RUN"
    return "test passed" if results[control.ref] else "test FAILED"


def change_log_section(folder: Path, version: str) -> str:
    """The ``## <version>`` section of the folder's CHANGELOG.md ('' when none)."""
    path = folder / "CHANGELOG.md"
    if not path.is_file():
        return ""
    text = path.read_text(encoding="utf-8")
    match = re.search(rf"^## .*?{re.escape(version)}.*?$(.*?)(?=^## |\Z)", text,
                      re.MULTILINE | re.DOTALL)
    return match.group(1).strip() if match else ""


def run_tests(log: HazardLog, root: Path) -> dict[str, bool]:
    """Run every test a control names (one pytest run); node id -> passed. A node id
    passes when every case of it passed (parametrized tests included)."""
    import xml.etree.ElementTree as ET

    nodes = sorted({c.ref for h in log.hazards for c in h.controls if c.kind == "test"})
    if not nodes:
        return {}
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "junit.xml"
        subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                        "--slow", f"--junitxml={report}", *nodes], cwd=root,
                       capture_output=True, check=False)
        outcome: dict[str, bool] = {}
        if report.is_file():
            for case in ET.parse(report).getroot().iter("testcase"):
                module = case.get("classname", "").replace(".", "/") + ".py"
                name = case.get("name", "").split("[", 1)[0]
                node = f"{module}::{name}"
                failed = any(child.tag in ("failure", "error", "skipped") for child in case)
                outcome[node] = outcome.get(node, True) and not failed
    return {node: outcome.get(node, False) for node in nodes}


def render(case: SafetyCase, fmt: str) -> str | bytes:
    """The report as Markdown, HTML (text) or PDF (bytes), guarded like every output."""
    from ..reports.templating import render_template

    if fmt == "pdf":
        ensure_safe_text(render_template("safety_case.md.j2", html=False, c=case),
                         "the safety case")
        return _pdf(case)
    name = "safety_case.html.j2" if fmt == "html" else "safety_case.md.j2"
    return ensure_safe_text(render_template(name, html=fmt == "html", c=case),
                            "the safety case")


def _pdf(case: SafetyCase) -> bytes:
    import io
    from xml.sax.saxutils import escape

    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from ..reports.pdf import _register_fonts, _styles

    _register_fonts()
    s = _styles()

    def p(text: str, style: str = "body", bullet: str | None = None):
        return Paragraph(escape(text), s[style], bulletText=bullet)

    story = [p(f"{case.title}: {case.ruleset} (sha256 {case.hash})", "h1"),
             p(f"Standard: {case.standard}. Acceptable residual risk: rating "
               f"{case.acceptable_at_most} or lower.", "small")]
    if case.tests_run_on:
        story.append(p(f"Named tests run on {case.tests_run_on}: "
                       + ("all passed." if not case.tests_failed
                          else "FAILED: " + ", ".join(case.tests_failed)), "small"))
    story += [p("Intended use", "h2"), p(case.intended_use), p("Users", "h3")]
    story += [p(u, "bullet", "•") for u in case.users]
    story.append(p("What the tool is not", "h3"))
    story += [p(u, "bullet", "•") for u in case.not_for]
    story.append(p("Hazard log", "h2"))
    rows = [[Paragraph(escape(x), s["small"]) for x in ("Hazard", "Before", "After", "Controls")]]
    rows += [[Paragraph(escape(f"{h.id}: {h.title}"), s["small"]),
              Paragraph(str(h.before_rating), s["small"]),
              Paragraph(str(h.after_rating), s["small"]),
              Paragraph(str(len(h.controls)), s["small"])] for h in case.hazards]
    table = Table(rows, colWidths=[300, 50, 50, 60], repeatRows=1)
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LINEBELOW", (0, 0), (-1, -1), 0.4, "#c8c8c8")]))
    story += [table, Spacer(1, 8)]
    for h in case.hazards:
        story += [p(f"{h.id}: {h.title}", "h3"), p("Causes: " + "; ".join(h.causes)),
                  p(f"Effect: {h.effect}"), p(f"Possible harm: {h.harm}"),
                  p(f"Risk before controls: {h.before}. After: {h.after}.")]
        if h.accepted:
            story.append(p(f"Residual risk accepted above the band: {h.accepted}"))
        story += [p(f"[{c.kind}] {c.ref}: {c.how} ({c.evidence})", "sub", "–")
                  for c in h.controls]
    if case.changes:
        story.append(p("Clinical changes in this version", "h2"))
        story += [p(line.lstrip("-*0123456789. ").strip(), "small")
                  for line in case.changes.splitlines() if line.strip()]
    story.append(p("Open issues and limits", "h2"))
    story += [p(x, "bullet", "•") for x in case.limits]
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, title=case.title, invariant=1,
                      leftMargin=40, rightMargin=40, topMargin=40, bottomMargin=40).build(story)
    return out.getvalue()
