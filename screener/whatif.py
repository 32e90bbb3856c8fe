"""What if one answer were different? Re-screen with changed answers and describe the
difference: factors added or removed, strength and indicator changes, triage and notes.

Changes are written ``question=code`` (multi items: ``medicines=diuretic,ppi``;
numbers as digits; an empty value clears the answer). They go through the same
validation as an answers file, so a wrong code gets the same message and suggestion.
"""

from __future__ import annotations

from typing import Any

from .answers import ValidatedAnswers, validate_answers
from .errors import AnswersError, shown
from .result import Result
from .ruleset.models import RuleSet
from .screening import screen
from .spelling import suggest
from .types import TRIAGE_ORDER, Frozen, TriageLevelId

SOURCE = "--set"


class AnswerChange(Frozen):
    question: str
    before: Any  # None: was unanswered
    after: Any  # None: now unanswered


class RuleRef(Frozen):
    rule: str
    title: str


class FactorChange(Frozen):
    id: str
    label: str
    before: str  # some, several or not_raised
    after: str
    indicators_added: list[RuleRef]
    indicators_removed: list[RuleRef]


class NoteChange(Frozen):
    id: str
    text: str


class WhatIf(Frozen):
    changes: list[AnswerChange]
    triage_before: TriageLevelId
    triage_after: TriageLevelId
    factors: list[FactorChange]  # only factors that changed, in ruleset order
    notes_added: list[NoteChange]
    notes_removed: list[NoteChange]
    warnings: list[str]  # e.g. an answer dropped by skip logic

    @property
    def triage_changed(self) -> bool:
        return self.triage_before != self.triage_after

    @property
    def unchanged(self) -> bool:
        return not (self.triage_changed or self.factors or self.notes_added or self.notes_removed)

    def to_json(self) -> str:
        return self.model_dump_json(indent=2) + "\n"


# ------------------------------------------------------------------------- parsing

def parse_sets(items: list[str], ruleset: RuleSet) -> dict[str, Any]:
    """``["question=code", ...]`` -> {question: value}; value None clears the answer."""
    from .i18n import _, ngettext

    questions = ruleset.questions.by_id
    changes: dict[str, Any] = {}
    problems = []
    for item in items:
        name, sep, text = item.partition("=")
        name, text = name.strip(), text.strip()
        if not sep or not name:
            problems.append(_("'{item}': write question=code, e.g. supplements=vitamin_d").format(
                item=shown(item)))
            continue
        q = questions.get(name)
        if q is None:
            problems.append(_("'{name}' is not a question id").format(name=shown(name))
                            + suggest(name, questions))
            continue
        if name in changes:
            problems.append(_("'{name}' is set twice").format(name=name))
            continue
        if text == "":
            changes[name] = None
        elif q.type == "multi":
            changes[name] = [c.strip() for c in text.split(",") if c.strip()]
        elif q.type == "int":
            try:
                changes[name] = int(text)
            except ValueError:
                problems.append(_("{name}: '{text}' is not a whole number (expected {min} to "
                                  "{max})").format(name=name, text=shown(text), min=q.min,
                                                   max=q.max))
        else:
            changes[name] = text
    if problems:
        count = len(problems)
        raise AnswersError(ngettext("{count} invalid change", "{count} invalid changes",
                                    count).format(count=count), file=SOURCE, problems=problems)
    return changes


# ------------------------------------------------------------------------ compare

def apply_changes(answers: ValidatedAnswers, changes: dict[str, Any], ruleset: RuleSet
                  ) -> ValidatedAnswers:
    """The answers with the changes applied, validated like an answers file."""
    values = {k: v for k, v in answers.values.items()}
    for name, value in changes.items():
        if value is None:
            values.pop(name, None)
        else:
            values[name] = value
    if answers.respondent_id:
        values["respondent_id"] = answers.respondent_id
    try:
        return validate_answers(values, ruleset)
    except AnswersError as exc:  # the original answers were valid: the problem is a --set
        raise AnswersError(exc.message, file=SOURCE, field=exc.field,
                           problems=exc.problems) from None


def compare(before: Result, after: Result, ruleset: RuleSet) -> tuple[list, list, list]:
    """(factor changes, notes added, notes removed) between two results."""
    old = {f.id: f for f in before.factors}
    new = {f.id: f for f in after.factors}

    def indicators(result: Result, fid: str) -> dict[str, str]:
        found = {ev.rule: ev.title for f in result.factors if f.id == fid for ev in f.indicators}
        found.update({ev.rule: ev.title for h in result.held_back if h.id == fid
                      for ev in h.indicators})
        return found

    factors = []
    for fid, factor in ruleset.factors.items():
        was = old[fid].strength if fid in old else "not_raised"
        now = new[fid].strength if fid in new else "not_raised"
        ind_old, ind_new = indicators(before, fid), indicators(after, fid)
        added = [RuleRef(rule=r, title=t) for r, t in ind_new.items() if r not in ind_old]
        removed = [RuleRef(rule=r, title=t) for r, t in ind_old.items() if r not in ind_new]
        if was != now or added or removed:
            factors.append(FactorChange(id=fid, label=factor.label, before=was, after=now,
                                        indicators_added=added, indicators_removed=removed))
    notes_old = {n.id: n.text for n in before.notes}
    notes_new = {n.id: n.text for n in after.notes}
    notes_added = [NoteChange(id=i, text=t) for i, t in notes_new.items() if i not in notes_old]
    notes_removed = [NoteChange(id=i, text=t) for i, t in notes_old.items()
                     if i not in notes_new]
    return factors, notes_added, notes_removed


def whatif(answers: ValidatedAnswers, changes: dict[str, Any], ruleset: RuleSet) -> WhatIf:
    """Screen the answers as they are and with the changes; describe the difference."""
    changed = apply_changes(answers, changes, ruleset)
    before, after = screen(answers, ruleset), screen(changed, ruleset)
    factors, notes_added, notes_removed = compare(before, after, ruleset)
    answer_changes = [
        AnswerChange(question=q, before=answers.values.get(q), after=changed.values.get(q))
        for q in ruleset.questions.by_id
        if answers.values.get(q) != changed.values.get(q)]
    new_warnings = [w for w in changed.warnings if w not in answers.warnings]
    for name, value in changes.items():  # (an answer skip logic dropped has its warning)
        if answers.values.get(name) == value:
            new_warnings.append(f"{name} was already {_show(value)}: nothing changed there")
    return WhatIf(changes=answer_changes, triage_before=before.triage,
                  triage_after=after.triage, factors=factors, notes_added=notes_added,
                  notes_removed=notes_removed, warnings=new_warnings)


# --------------------------------------------------------------------------- words

def _show(value: Any) -> str:
    if value is None:
        return "unanswered"
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


def render_text(diff: WhatIf, ruleset: RuleSet) -> str:
    import textwrap

    questions = ruleset.questions.by_id
    from .i18n import _

    out = [_("WHAT IF")]
    for c in diff.changes:
        q = questions[c.question]
        after = (_("unanswered") if c.after is None
                 else f"{_show(c.after)} ({q.describe_answer(c.after)})")
        out.append(f"  {c.question}: {_show(c.before)} -> {after}")
    if not diff.changes:
        out.append("  " + _("(no answer changed)"))
    out.append("")
    titles = {lvl: ruleset.triage[lvl].title for lvl in TRIAGE_ORDER}
    if diff.triage_changed:
        out.append(_("Triage changes: {before} -> {after} ({title})").format(
            before=diff.triage_before, after=diff.triage_after, title=titles[diff.triage_after]))
    else:
        out.append(_("Triage stays {level} ({title})").format(
            level=diff.triage_after, title=titles[diff.triage_after]))
    if diff.factors:
        out += ["", _("Factors:")]
    for f in diff.factors:
        if f.before == f.after == "not_raised":  # held back before and after
            head = "  = " + _("{factor}: still not raised (held back)").format(
                factor=f.id.replace('_', ' '))
        elif f.before == "not_raised":
            head = "  + " + _("{label}: now raised ({after})").format(label=f.label, after=f.after)
        elif f.after == "not_raised":
            head = "  - " + _("{label}: no longer raised (was {before})").format(
                label=f.label, before=f.before)
        elif f.before != f.after:
            head = "  ~ " + _("{label}: strength {before} -> {after}").format(
                label=f.label, before=f.before, after=f.after)
        else:
            head = "  = " + _("{label}: still {after}, for different reasons").format(
                label=f.label, after=f.after)
        out.append(head)
        out += ["      " + _("now also:") + f" [{r.rule}] {r.title}" for r in f.indicators_added]
        out += ["      " + _("no longer:") + f" [{r.rule}] {r.title}"
                for r in f.indicators_removed]
    if not diff.factors:
        out += ["", _("Factors: no change")]
    for sign, title, notes in (("+", _("Notes added:"), diff.notes_added),
                               ("-", _("Notes removed:"), diff.notes_removed)):
        if notes:
            out += ["", title]
            for n in notes:
                out.append(textwrap.fill(f"{sign} [{n.id}] {' '.join(n.text.split())}", 88,
                                         initial_indent="  ", subsequent_indent="      "))
    if diff.warnings:
        out += ["", _("Warnings:")] + [f"  - {w}" for w in diff.warnings]
    return "\n".join(out) + "\n"


def render(diff: WhatIf, ruleset: RuleSet, fmt: str = "text") -> str:
    """Text or JSON, checked for dose-like text before anyone sees it."""
    from .safety import ensure_safe_text

    text = diff.to_json() if fmt == "json" else render_text(diff, ruleset)
    return ensure_safe_text(text, f"the whatif {fmt} output")


__all__ = ["WhatIf", "FactorChange", "AnswerChange", "parse_sets", "apply_changes", "whatif",
           "compare", "render", "render_text"]
