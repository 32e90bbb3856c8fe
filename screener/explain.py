"""The reasoning behind one screening, as a tree, plus its near misses.

The tree reads from the conclusion down to the answers: triage -> the rule that set it
-> the factors it counted -> their indicators -> derived facts -> answers. Every rule
node carries its id, reason and sources (the evidence trail of ``Result``), so a
clinician can check each step (FDA CDS guidance: the basis must be reviewable).

Near misses are the rules that did not fire but would with ONE more answer: for every
question left unanswered (or answered "not sure"), each of its codes (or, for numbers,
the thresholds the rules test) is tried by re-running the real screening. Re-screening
is exact (derived facts such as older_adult, exceptions and chained rules all apply)
and costs a few milliseconds a try. BMI is computed from two answers, so a single
missing height or weight is tried only at the question's bounds and thresholds.
"""

from __future__ import annotations

from typing import Any, Literal

from .answers import ValidatedAnswers, is_shown, validate_answers
from .completeness import unanswered
from .errors import AnswersError
from .evidence import derived_rule
from .i18n import _
from .result import Evidence, Result
from .ruleset import conditions
from .ruleset.facts import FACTOR_COUNT, FACTORS_RAISED, answers_used, factor_of_fact
from .ruleset.models import NOT_SURE, Question, RuleSet
from .screening import screen
from .types import Frozen

NodeKind = Literal["triage", "rule", "factor", "held_back", "fact", "computed", "answer",
                   "symptom", "see_above"]
#: Rules worth reporting as near misses (derived facts and symptoms are steps, not findings).
NEAR_MISS_KINDS = ("indicator", "triage", "note", "exception")


class Node(Frozen):
    kind: NodeKind
    id: str  # rule id, factor id, fact name or question id
    text: str  # title, label, or "question = answer"
    rule_kind: str | None = None  # for rule nodes: indicator, triage, note...
    rule: str | None = None  # for derived facts: the rule that concluded them
    reason: str = ""
    sources: list[str] = []
    value: Any = None
    children: list[Node] = []


class NearMiss(Frozen):
    rule: str
    rule_kind: str
    title: str
    about: str | None  # factor id (indicator, exception) or triage level
    question: str
    answer: Any
    answer_label: str
    triage_would_be: str  # the triage level with that one extra answer
    factor_would_be: str | None  # the rule's factor then: some, several or not_raised


class Explanation(Frozen):
    triage: str
    factors: dict[str, str]  # raised factor id -> strength
    tree: Node
    notes: list[Node]
    held_back: list[Node]
    near_misses: list[NearMiss]
    unanswered: list[str]
    not_sure: list[str]
    tries: int  # how many extra screenings the near-miss search ran

    def to_json(self) -> str:
        return self.model_dump_json(indent=2) + "\n"


# --------------------------------------------------------------------------- the tree

class _TreeBuilder:
    def __init__(self, result: Result, ruleset: RuleSet):
        self.result, self.ruleset = result, ruleset
        self.questions = ruleset.questions.by_id
        self.derived = {ev.rule: ev for ev in result.derived_facts}
        self.shown: set[str] = set()  # factors and facts already expanded once

    def answer(self, qid: str, value: Any) -> Node:
        code, label = _code_text(value), self.questions[qid].describe_answer(value)
        text = f"{qid} = {code}" + (f" ({label})" if label != code else "")
        return Node(kind="answer", id=qid, value=value, text=text)

    def rule(self, ev: Evidence, kind: str) -> Node:
        text = ev.title
        if ev.assumed_risk:  # spec 0.1: the trail names what the rule assumed
            from .ruleset.risk_reading import assumed_words

            text += " (" + _("assumed risk: {items}").format(
                items=assumed_words(ev.assumed_risk)) + ")"
        return Node(kind="rule", id=ev.rule, text=text, rule_kind=kind, reason=ev.reason,
                    sources=list(ev.sources), children=self._children(ev))

    def _children(self, ev: Evidence, skip: str = "") -> list[Node]:
        """Facts first, then the answers not already shown under one of those facts."""
        facts = [self.fact(n, v) for n, v in ev.facts.items() if n != skip]
        below = {a.id for f in facts for a in _walk(f) if a.kind == "answer"}
        for name in ev.facts:  # a factor's answers sit under that factor (maybe shown above)
            fid = factor_of_fact(name, self.ruleset.factors)
            below |= {q for f in self.result.factors if f.id == fid
                      for i in f.indicators for q in i.answers}
        return facts + [self.answer(q, v) for q, v in ev.answers.items() if q not in below]

    def fact(self, name: str, value: Any) -> Node:
        rule = derived_rule(name, self.ruleset)
        if rule is not None and rule.id in self.derived:
            ev = self.derived[rule.id]
            return Node(kind="fact", id=name, value=value, text=f"{name} = {_code_text(value)}",
                        rule_kind="derived", rule=rule.id, reason=ev.reason,
                        sources=list(ev.sources), children=self._children(ev, skip=name))
        computed = self.ruleset.computed.get(name)
        if computed is not None:
            return Node(kind="computed", id=name, value=value, reason=computed.meaning,
                        text=f"{name} = {_code_text(value)}",
                        children=[self.answer(q, self.result.answers[q])
                                  for q in answers_used(name) if q in self.result.answers])
        factor = factor_of_fact(name, self.ruleset.factors)
        if factor is not None and any(f.id == factor for f in self.result.factors):
            return self.factor(factor)
        if name in (FACTOR_COUNT, FACTORS_RAISED):
            return Node(kind="fact", id=name, value=value, text=f"{name} = {_code_text(value)}",
                        children=[self.factor(f.id) for f in self.result.factors])
        return Node(kind="fact", id=name, value=value, text=f"{name} = {_code_text(value)}")

    def factor(self, fid: str) -> Node:
        found = next(f for f in self.result.factors if f.id == fid)
        text = f"{found.label} ({found.strength})"
        if fid in self.shown:  # CA-VITD reads the vitamin D factor: expand it once only
            return Node(kind="see_above", id=fid, text=text)
        self.shown.add(fid)
        children = [self.rule(ev, "indicator") for ev in found.indicators]
        children += [Node(kind="symptom", id=s.question, value=s.answer,
                          text=_("consistent symptom: {label}").format(label=s.label))
                     for s in found.consistent_symptoms]
        return Node(kind="factor", id=fid, text=text, reason=found.summary,
                    sources=list(found.sources), children=children)

    def tree(self) -> Node:
        r = self.result
        rules = [self.rule(ev, "triage") for ev in r.triggered_by]
        # factors not reached through the triage rule (urgent/prompt) still belong in the tree
        rules += [self.factor(f.id) for f in r.factors if f.id not in self.shown]
        return Node(kind="triage", id=r.triage, text=r.triage_detail.title,
                    reason=r.triage_detail.message, children=rules)

    def held_back(self) -> list[Node]:
        # never the factor's "Possible low ..." label: held back means not suggested
        return [Node(kind="held_back", id=h.id,
                     text=_("not raised (indicators fired; held back by the rules below)"),
                     children=[self.rule(ev, "indicator") for ev in h.indicators]
                     + [self.rule(ev, "exception") for ev in h.because])
                for h in self.result.held_back]

    def notes(self) -> list[Node]:
        return [self.rule(n.evidence, self.ruleset.rules_by_id[n.id].kind).model_copy(
                    update={"reason": n.text}) for n in self.result.notes]


def _walk(node: Node):
    yield node
    for child in node.children:
        yield from _walk(child)


def _code_text(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(map(str, value)) + "]"
    return str(value).lower() if isinstance(value, bool) else str(value)


# ----------------------------------------------------------------------- near misses

def candidate_values(q: Question, ruleset: RuleSet) -> list[Any]:
    """The single answers worth trying for ``q``: every code (not ``not_sure``), or for a
    number the values just at each threshold the rules test on it, and its bounds."""
    if q.type == "date":
        return []  # screened_on always has a value (it defaults to today)
    if q.type == "choice":
        return [c for c in q.codes if c != NOT_SURE]
    if q.type == "multi":
        return [[c] for c in q.codes if c != NOT_SURE]
    values: set[int] = set()  # bounds alone (a height of 50 cm...) would be noise
    readers = [r.when for r in ruleset.rules] + [q2.shown_if for q2 in ruleset.questions
                                                 if q2.shown_if is not None]
    for cond in readers:
        for test in conditions.tests(cond):
            if test.name != q.id or test.op not in (*conditions.NUMBER_OPERATORS, "is"):
                continue
            v = test.value
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                continue
            values.update({int(v), int(v) + 1, int(v) - 1})
    low, high = q.min, q.max
    assert low is not None and high is not None  # an int question has both (its model says)
    return sorted(v for v in values if low <= v <= high)


def near_misses(answers: ValidatedAnswers, result: Result, ruleset: RuleSet
                ) -> tuple[list[NearMiss], int]:
    """Rules one more answer would fire, by re-running the real screening per try."""
    fired = set(result.fired_rules)
    _, unsure = unanswered(answers, ruleset)
    values = answers.values
    missing = [q.id for q in ruleset.questions if q.id not in values and is_shown(q, values)]
    found: list[NearMiss] = []
    tries = 0
    for qid in missing + unsure:  # optional items (height, weight) included
        q = ruleset.questions.by_id[qid]
        for value in candidate_values(q, ruleset):
            trial = dict(answers.values)
            trial[qid] = value
            try:
                checked = validate_answers(trial, ruleset)
            except AnswersError:
                continue
            if qid not in checked.values:  # skip logic hid it: not a possible answer
                continue
            tries += 1
            other = screen(checked, ruleset)
            strengths = {f.id: f.strength for f in other.factors}
            for rule_id in other.fired_rules:
                rule = ruleset.rules_by_id[rule_id]
                if rule_id in fired or rule.kind not in NEAR_MISS_KINDS:
                    continue
                if rule.kind == "triage" and rule.level in ("routine", "self_care"):
                    continue  # these follow from factors: shown as triage_would_be
                found.append(NearMiss(
                    rule=rule_id, rule_kind=rule.kind, title=rule.title,
                    about=rule.factor or rule.level, question=qid, answer=value,
                    answer_label=q.describe_answer(value), triage_would_be=other.triage,
                    factor_would_be=strengths.get(rule.factor, "not_raised")
                    if rule.factor else None))
    order = {r.id: i for i, r in enumerate(ruleset.rules)}
    found.sort(key=lambda m: order[m.rule])  # stable: question order within a rule
    return found, tries


# ------------------------------------------------------------------------- entry point

def explain(answers: ValidatedAnswers, ruleset: RuleSet, *, search: bool = True) -> Explanation:
    """The reasoning tree of one screening and (unless ``search`` is off) its near misses."""
    result = screen(answers, ruleset)
    builder = _TreeBuilder(result, ruleset)
    tree = builder.tree()
    misses, tries = near_misses(answers, result, ruleset) if search else ([], 0)
    return Explanation(triage=result.triage, tree=tree,
                       factors={f.id: f.strength for f in result.factors}, notes=builder.notes(),
                       held_back=builder.held_back(), near_misses=misses,
                       unanswered=result.unanswered, not_sure=result.not_sure, tries=tries)


# ------------------------------------------------------------------------------ text

_TAGS = {"triage": "TRIAGE", "factor": "FACTOR", "held_back": "HELD BACK", "fact": "FACT",
         "computed": "COMPUTED", "answer": "answer", "symptom": "", "see_above": "FACTOR"}


def _head(node: Node) -> str:
    if node.kind == "rule":
        return f"[{node.id}] {node.text}"
    if node.kind == "triage":
        return f"TRIAGE {node.id}: {node.text}"
    if node.kind == "see_above":
        return f"FACTOR {node.text} " + _("(shown above)")
    if node.kind in ("factor", "held_back"):
        return f"{_TAGS[node.kind]} {node.id}: {node.text}"
    tag = _TAGS[node.kind]
    head = f"{tag} {node.text}" if tag else node.text
    if node.rule:
        head += f" [{node.rule}]"
    return head


def _lines(node: Node, prefix: str, last: bool, root: bool, out: list[str], width: int) -> None:
    import textwrap

    branch = "" if root else ("└─ " if last else "├─ ")
    out.append(prefix + branch + _head(node))
    inner = prefix + ("" if root else ("   " if last else "│  "))
    bar = inner + ("│  " if node.children else "   ")
    if node.reason and node.kind not in ("triage",):
        for line in textwrap.wrap(" ".join(node.reason.split()), max(30, width - len(bar))):
            out.append(bar + line)
    if node.sources:
        out.append(bar + _("sources:") + " " + ", ".join(node.sources))
    for i, child in enumerate(node.children):
        _lines(child, inner, i == len(node.children) - 1, False, out, width)


def tree_lines(node: Node, width: int = 88) -> list[str]:
    out: list[str] = []
    _lines(node, "", True, True, out, width)
    return out


def render_text(expl: Explanation, ruleset: RuleSet) -> str:
    out = [_("REASONING (from the conclusion down to the answers)"), ""]
    out += tree_lines(expl.tree)
    for title, nodes in ((_("FACTORS HELD BACK"), expl.held_back), (_("NOTES"), expl.notes)):
        if nodes:
            out += ["", title]
            for node in nodes:
                out += tree_lines(node)
    out += ["", _("NEAR MISSES (one more answer would have fired these rules)")]
    if not expl.near_misses:
        left = len(expl.unanswered) + len(expl.not_sure)
        out.append("  " + (_("none: every question was answered") if not left
                           else _("none among the {left} unanswered or not-sure items").format(
                               left=left)))
    now = {fid: expl.factors.get(fid, "not_raised") for fid in ruleset.factors}
    last = None
    for miss in expl.near_misses:
        if miss.rule != last:
            about = f" ({miss.about})" if miss.about else ""
            out.append(f"  [{miss.rule}] {miss.title}{about}")
            last = miss.rule
        effects = []
        if miss.about in now and miss.factor_would_be != now[miss.about]:
            effects.append(f"{miss.about}: {now[miss.about]} -> {miss.factor_would_be}")
        if miss.triage_would_be != expl.triage:
            effects.append(f"triage: {expl.triage} -> {miss.triage_would_be}")
        label = _code_text(miss.answer)
        label += f" ({miss.answer_label})" if miss.answer_label != label else ""
        out.append("     " + _("if") + f" {miss.question} = {label}"
                   + (f"   => {'; '.join(effects)}" if effects else ""))
    if expl.unanswered or expl.not_sure:
        out += ["", _("Unanswered:") + " " + (", ".join(expl.unanswered) or _("none")),
                _("Not sure:") + " " + (", ".join(expl.not_sure) or _("none"))]
    return "\n".join(out) + "\n"


def render(expl: Explanation, ruleset: RuleSet, fmt: str = "text") -> str:
    """Text or JSON, checked for dose-like text before anyone sees it."""
    from .safety import ensure_safe_text

    text = expl.to_json() if fmt == "json" else render_text(expl, ruleset)
    return ensure_safe_text(text, f"the explain {fmt} output")


__all__ = ["Node", "NearMiss", "Explanation", "explain", "near_misses", "candidate_values",
           "render", "render_text"]
