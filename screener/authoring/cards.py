"""Rule cards and the dependency graph, as text for reviewers. Pure: returns strings.

A card shows one rule as a clinician reads it: conditions in words with the answer
labels, what it concludes, the reason, the full citations and its examples. The graph
shows what feeds what: answers -> facts -> indicators -> factors -> triage and notes,
in the engine's layers (compiler.rule_layers).
"""

from __future__ import annotations

import textwrap

from ..errors import RulesError
from ..ruleset import compiler, conditions, risk_reading
from ..ruleset.models import Rule, RuleSet, Source
from ..spelling import suggest

WIDTH = 88


def _label(ruleset: RuleSet):
    """A condition value in words: the option label with its code, or the value."""
    questions = ruleset.questions.by_id

    def label(name, value) -> str:
        q = questions.get(name)
        if q is not None and (q.options or value == "not_sure"):
            return f'"{q.label(value)}" ({value})'
        if q is not None and q.unit:
            return q.label(value)
        return "true" if value is True else "false" if value is False else str(value)
    return label


def _wrap(text: str, indent: str = "  ", hang: str = "") -> str:
    return textwrap.fill(" ".join(text.split()), WIDTH, initial_indent=indent,
                         subsequent_indent=indent + hang)


def conclusion(rule: Rule, ruleset: RuleSet) -> str:
    """What the rule does when it fires, in words."""
    factor = ruleset.factors.get(rule.factor or "")
    fname = f"{rule.factor} ({factor.label})" if factor else str(rule.factor)
    if rule.kind == "derived":
        return f"makes the fact '{rule.concludes}' true"
    if rule.kind == "indicator":
        return f"counts as one indicator of {fname}"
    if rule.kind == "exception":
        return f"holds back {fname} (the factor is not raised) and shows a note"
    if rule.kind == "symptom":
        return f"lists the symptoms as consistent with {fname}; never raises it"
    if rule.kind == "triage":
        level = ruleset.triage.get(rule.level) if rule.level else None
        text = f"triage level {rule.level}: {level.title if level else ''}"
        return text + ("; no factor is raised" if rule.blocks_factors else "")
    return "shows a note"


def rule_card(rule_id: str, ruleset: RuleSet) -> str:
    rule = ruleset.rules_by_id.get(rule_id)
    if rule is None:
        raise RulesError(f"no rule '{rule_id}'{suggest(rule_id, ruleset.rules_by_id)}; "
                         "`screener rules graph` lists every rule")
    layer = compiler.rule_layers(ruleset)[rule.id]
    label = _label(ruleset)
    lines = [f"{rule.id}: {rule.title}",
             f"  kind: {rule.kind} · layer {layer} · {rule.file}:{rule.line}",
             "", "When:", conditions.describe(rule.when, label, "  ")]
    if rule.risk is not None:
        cap = risk_reading.effective_level(rule, ruleset, assumed=True)
        lines += ["", "With risk (a risk item left unanswered or 'not sure' counts as "
                  f"present; then the level is at most {cap}):",
                  conditions.describe(rule.risk, label, "  ")]
    lines += ["", "Then:", "  " + conclusion(rule, ruleset)]
    if rule.text:
        lines += ["", "Note shown to the person:", _wrap(rule.text)]
        for part in rule.parts:
            when = " ".join(conditions.describe(part.when, label).split())
            lines += [f"  and, when {when}:", _wrap(part.text)]
    lines += ["", "Reason:", _wrap(rule.reason), "", "Sources:"]
    for sid in rule.sources:
        source = ruleset.sources.get(sid)
        lines.append(_wrap(f"[{sid}] {_citation(source)}", hang="  "))
        if source and source.url:
            lines.append(f"    {source.url}")
    lines += ["", "Examples:"]
    for n, example in enumerate(rule.examples, 1):
        answers = ", ".join(f"{k}={_show(v)}" for k, v in example.answers.items())
        says = f"  ({example.says})" if example.says else ""
        lines.append(_wrap(f"{n}. {example.expect.upper()} when {answers}{says}", hang="   "))
    return "\n".join(lines) + "\n"


def _citation(source: Source | None) -> str:
    return source.citation if source else "(not in sources.yaml)"


def _show(value) -> str:
    return "[" + ", ".join(map(str, value)) + "]" if isinstance(value, list) else str(value)


def factor_card(factor_id: str, ruleset: RuleSet) -> str:
    factor = ruleset.factors.get(factor_id)
    if factor is None:
        raise RulesError(f"no factor '{factor_id}'{suggest(factor_id, ruleset.factors)}; "
                         f"factors: {', '.join(ruleset.factors)}")
    rules = [r for r in ruleset.rules if r.factor == factor_id]
    lines = [f"FACTOR {factor.id}: {factor.label}", f"  {factor.file}:{factor.line}", "",
             "Summary:", _wrap(factor.summary), "", "Ask a clinician:"]
    lines += [_wrap(f"- {q}") for q in factor.ask]
    lines += ["", "Sources:"]
    for sid in factor.sources:
        source = ruleset.sources.get(sid)
        lines.append(_wrap(f"[{sid}] {_citation(source)}", hang="  "))
    lines += ["", f"Raised when at least one indicator fires and no exception holds; strength "
              f"is 'several' from {ruleset.several_at} indicators.", "", "Rules:"]
    lines += [f"  {r.id:<22} {r.kind:<10} {r.title}" for r in rules]
    cards = [rule_card(r.id, ruleset) for r in rules]
    return "\n".join(lines) + "\n\n" + "\n".join(cards)


def all_cards(ruleset: RuleSet) -> str:
    return "\n".join(rule_card(r.id, ruleset) for r in ruleset.rules)


# -------------------------------------------------------------------------- graph

def edges(ruleset: RuleSet) -> list[tuple[str, str]]:
    """(from, to) node ids: ``answer:``, ``input:``, ``fact:``, ``rule:``, ``factor:``,
    ``triage:`` and ``note:`` prefixes say what each node is."""
    questions = ruleset.questions.by_id
    found: list[tuple[str, str]] = []
    for name, computed in ruleset.computed.items():
        found += [(f"answer:{q}", f"input:{name}") for q in computed.uses]
    for rule in ruleset.rules:
        for name in dict.fromkeys(n for c in rule.conditions_written for n in conditions.names(c)):
            found += [(src, f"rule:{rule.id}") for src in _sources_of(name, ruleset, questions)]
        target = {"derived": f"fact:{rule.concludes}", "indicator": f"factor:{rule.factor}",
                  "exception": f"factor:{rule.factor}", "symptom": f"factor:{rule.factor}",
                  "triage": f"triage:{rule.level}", "note": f"note:{rule.id}"}[rule.kind]
        found.append((f"rule:{rule.id}", target))
        if rule.kind == "exception" and rule.text:
            found.append((f"rule:{rule.id}", f"note:{rule.id}"))
    return list(dict.fromkeys(found))


def _sources_of(name: str, ruleset: RuleSet, questions) -> list[str]:
    if name in questions:
        return [f"answer:{name}"]
    if name in ruleset.computed:
        return [f"input:{name}"]
    if any(r.kind == "derived" and r.concludes == name for r in ruleset.rules):
        return [f"fact:{name}"]
    for fid in ruleset.factors:  # <factor>_count, _indicators, _strength, _raised
        if name.startswith(fid + "_"):
            return [f"factor:{fid}"]
    return [f"factor:{fid}" for fid in ruleset.factors]  # factor_count, factors_raised


def graph_text(ruleset: RuleSet) -> str:
    """Rules layer by layer, each as `what it reads -> what it concludes`."""
    layers = compiler.rule_layers(ruleset)
    found = edges(ruleset)
    lines = ["answers -> facts -> indicators -> factors -> triage and notes",
             "(a rule of layer N reads only answers and what layers below N conclude)"]
    for layer in sorted(set(layers.values())):
        lines += ["", f"layer {layer}:"]
        for rule in (r for r in ruleset.rules if layers[r.id] == layer):
            node = f"rule:{rule.id}"
            reads = ", ".join(_short(a) for a, b in found if b == node)
            makes = ", ".join(_short(b) for a, b in found if a == node)
            lines.append(f"  {rule.id} [{rule.kind}]: {reads} -> {makes}")
    inputs = [(name, c.uses) for name, c in ruleset.computed.items()]
    lines += ["", "computed inputs:"] + [f"  {', '.join(u) or '(all questions)'} -> {n}"
                                          for n, u in inputs]
    return "\n".join(lines) + "\n"


def _short(node: str) -> str:
    kind, _, name = node.partition(":")
    return {"answer": name, "input": f"{name} (computed)", "fact": f"fact {name}",
            "factor": f"factor {name}", "triage": f"TRIAGE {name}", "note": "NOTE"}.get(kind, node)


def _node_id(node: str) -> str:
    return node.replace(":", "_").replace("-", "_")


def graph_mermaid(ruleset: RuleSet) -> str:
    shapes = {"answer": '["{}"]', "input": '[/"{}"/]', "fact": '("{}")', "rule": '["{}"]',
              "factor": '{{{{"{}"}}}}', "triage": '[["{}"]]', "note": '>"{}"]'}
    lines = ["flowchart LR"]
    nodes = list(dict.fromkeys(n for edge in edges(ruleset) for n in edge))
    for node in nodes:
        kind, _, name = node.partition(":")
        text = f"note {name}" if kind == "note" else name
        lines.append(f"  {_node_id(node)}{shapes[kind].format(text)}")
    lines += [f"  {_node_id(a)} --> {_node_id(b)}" for a, b in edges(ruleset)]
    return "\n".join(lines) + "\n"


def graph_dot(ruleset: RuleSet) -> str:
    shapes = {"answer": "box", "input": "parallelogram", "fact": "ellipse", "rule": "box",
              "factor": "hexagon", "triage": "doubleoctagon", "note": "note"}
    lines = ["digraph screener {", "  rankdir=LR;"]
    nodes = list(dict.fromkeys(n for edge in edges(ruleset) for n in edge))
    for node in nodes:
        kind, _, name = node.partition(":")
        style = ', style=rounded' if kind == "rule" else ""
        lines.append(f'  "{node}" [label="{name}", shape={shapes[kind]}{style}];')
    lines += [f'  "{a}" -> "{b}";' for a, b in edges(ruleset)]
    return "\n".join(lines) + "\n}\n"


#: --format name -> renderer
GRAPH_FORMATS = {"text": graph_text, "mermaid": graph_mermaid, "dot": graph_dot}
