"""Walk the question bank with a person, through an Asker. No printing, no files.

Section by section in bank order, skipping questions whose ``shown_if`` is definitely
false; red flags come first and any urgent triage rule that becomes true stops the
questionnaire at once (the urgent rules are read from the ruleset, not hard-coded).
The person can go back, confirms unusual combinations once (``rules/consistency.yaml``)
and sees a review screen where any answer can be changed before the result.

``run_questionnaire`` returns a ``QuestionnaireEnd`` (complete or urgent) with the raw answers;
Ctrl-C (KeyboardInterrupt) and end of input (EOFError) propagate to the caller. After
every accepted answer ``on_save(state)`` lets the caller keep a draft and
``on_answer(question, value, answers)`` lets a demo show what each answer changes.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from ..answers import is_shown
from ..i18n import N_, _
from ..red_flags import urgent_codes
from ..ruleset import conditions
from ..ruleset.consistency import load_checks, triggered
from ..ruleset.models import NONE, NOT_SURE, Question, RuleSet
from . import units
from .asker import BACK, Asker, Option, Prompt, red_flags_win

SECONDS_PER_QUESTION = 8  # measured roughly on ourselves: a select takes 5-10 s
REVIEW = "review"


class _Done:
    def __repr__(self) -> str:
        return "DONE"


DONE = _Done()  # the review screen's "show my result"


@dataclass
class State:
    """Where a questionnaire stands: saved as the draft after every answer."""

    answers: dict[str, Any] = field(default_factory=dict)
    position: str | None = None  # next question id; None: the review screen
    confirmed: set[str] = field(default_factory=set)
    started: bool = False  # False: start at the first question


@dataclass(frozen=True)
class QuestionnaireEnd:
    """How a questionnaire ended: every question asked (complete), or stopped at an
    urgent answer (urgent, with the rules that fired); the raw answers either way."""

    status: Literal["complete", "urgent"]
    answers: dict[str, Any]
    urgent_rules: tuple[str, ...] = ()


def run_questionnaire(ruleset: RuleSet, asker: Asker, *, state: State | None = None,
                      on_answer: Callable[[Question, Any, dict], None] | None = None,
                      on_save: Callable[[State], None] | None = None,
                      today: dt.date | None = None, review: bool = True) -> QuestionnaireEnd:
    """Ask the questions (or continue ``state``) and say how the questionnaire ended."""
    flow = _Flow(ruleset, asker, state or State(), on_answer, on_save,
                 today or dt.date.today(), review)
    return flow.run()


def urgent_rules_true(ruleset: RuleSet, answers: dict) -> list[str]:
    """Ids of urgent triage rules whose condition is already definitely true, risk read
    the ordinary way (an urgent rule that would only assume its risk gives same day).
    Derived facts are read too (v3: thiamine_risk, urine_drop)."""
    facts = with_derived_facts(ruleset, answers)
    return [r.id for r in ruleset.rules if r.kind == "triage" and r.level == "urgent"
            and conditions.evaluate(r.ordinary_when, facts) is True]


def with_derived_facts(ruleset: RuleSet, answers: dict) -> dict:
    """The answers so far and the derived facts they already settle: true when one of
    its rules is true, false when all are false, else left out (unknown, spec 0.1).
    Factor facts and computed inputs are not known yet: what reads them stays unknown,
    so an urgent rule is never true too early."""
    facts = dict(answers)
    derived = [r for r in ruleset.rules if r.kind == "derived"]
    changed = True
    while changed:  # a fact can read another (heavy_alcohol in thiamine_risk)
        changed = False
        for name in dict.fromkeys(r.concludes for r in derived):
            if name in facts:
                continue
            values = [conditions.evaluate(r.when, facts) for r in derived if r.concludes == name]
            if True in values or all(v is False for v in values):
                facts[name] = True in values
                changed = True
    return facts


def prompt_for(q: Question, *, default: Any = None, today: dt.date, can_back: bool = False,
               progress: str = "", red_flags: Any = ()) -> Prompt:
    """The screen for one question of the bank (shared with the demo). ``red_flags``:
    this question's codes that an urgent rule tests (``red_flags.urgent_codes``); ticked
    with "None of these" they win instead of being refused."""
    options: tuple[Option, ...] = ()
    if q.type in ("choice", "multi"):
        options = tuple(Option(o.code, o.label) for o in q.options)
        if q.allows_not_sure:
            options += (Option(NOT_SURE, _("Not sure")),)
    if q.type == "date" and default is None:
        default = today.isoformat()
    hint = units.hint(q.unit) if q.type == "int" else ""
    if q.type == "int" and q.optional:
        hint = ", ".join(filter(None, [hint, _("Enter alone to skip")]))
    if q.type == "date":
        hint = _("YYYY-MM-DD; Enter keeps the date shown")
    return Prompt(kind=q.type, text=q.text, key=q.id, help=q.help, options=options,
                  default=default, exclusive=(NONE, NOT_SURE) if q.type == "multi" else (),
                  red_flags=tuple(o.value for o in options if o.value in red_flags),
                  parse=_parser(q, today), can_back=can_back, progress=progress, hint=hint)


def _filled_in(q: Question) -> bool:
    """A question the terminal does not ask: the screening date (today, or --date)."""
    return q.type == "date" and q.default == "today"


#: names of the number questions in error messages ("Age must be between ...")
NUMBER_NAMES = (N_("Age"), N_("Height"), N_("Weight"))


def _parser(q: Question, today: dt.date):
    if q.type == "date":
        return lambda text: units.parse_date(text, today)
    if q.type != "int":
        return None
    name = _(q.id.split("_")[0].capitalize())  # Age, Height, Weight
    low, high = q.min, q.max
    assert low is not None and high is not None  # an int question has both (its model says)

    def parse(text: str):
        if not text.strip():
            if q.optional:
                return None
            raise ValueError(_("{name} is needed: please type a number.").format(name=name))
        value, shown = units.parse_number(text, unit=q.unit, minimum=low, maximum=high,
                                          name=name)
        return units.Measured(value, shown) if shown else value
    return parse


class _Flow:
    def __init__(self, ruleset, asker, state, on_answer, on_save, today, review):
        self.ruleset, self.asker, self.state = ruleset, asker, state
        self.on_answer, self.on_save, self.today, self.review = on_answer, on_save, today, review
        self.questions = list(ruleset.questions)
        self.index = {q.id: i for i, q in enumerate(self.questions)}
        self.sections = {s.id: s for s in ruleset.questions.sections}
        self.checks = load_checks(ruleset)
        self.history: list[int] = []  # indices asked before, for "back"
        self.last_section: str | None = None
        self.seen: set[str] = set(state.answers)
        self.red_flags = urgent_codes(ruleset)  # question -> codes an urgent rule tests

    # -------------------------------------------------------------------- walking
    def run(self) -> QuestionnaireEnd:
        state = self.state
        if not state.started:
            i = 0
            state.started = True
        elif state.position is None:
            i = len(self.questions)
        else:
            i = self.index.get(state.position, 0)
        # coming back to a draft: "back" should reach what was answered before
        self.history = [j for j in range(i) if self.questions[j].id in state.answers]
        self.seen |= {self.questions[j].id for j in range(i)}
        urgent = urgent_rules_true(self.ruleset, state.answers)
        if urgent:
            return QuestionnaireEnd("urgent", dict(state.answers), tuple(urgent))
        gaps_only = False  # after a change on the review screen: only newly shown items
        while True:
            i = self._next_shown(i, gaps_only)
            if i >= len(self.questions):
                self._save(None)
                if not self.review:
                    break
                choice = self._review()
                if choice is DONE:
                    break
                if choice is BACK:
                    i, gaps_only = self._back(i), False
                    continue
                i, gaps_only = self.index[choice], True
                self.seen.discard(choice)
            q = self.questions[i]
            self._save(q.id)
            prompt = self._prompt(q, i)
            value = self.asker.ask(prompt)
            if value is BACK:
                i = self._back(i)
                continue
            value, kept = red_flags_win(value, prompt)  # whatever the asker let through
            if kept:
                self.asker.message(kept)
            if isinstance(value, units.Measured):
                self.asker.message(_("Recorded: {value}.").format(value=value.shown))
                value = value.value
            if not self._accept(q, value):
                continue  # the person did not confirm an unusual combination: ask again
            self.seen.add(q.id)
            self.history.append(i)
            urgent = urgent_rules_true(self.ruleset, state.answers)
            if urgent:
                self._save(self._id_at(i + 1))
                return QuestionnaireEnd("urgent", dict(state.answers), tuple(urgent))
            i += 1
        return QuestionnaireEnd("complete", self._shown_answers())

    def _next_shown(self, i: int, gaps_only: bool) -> int:
        answers = self.state.answers
        while i < len(self.questions):
            q = self.questions[i]
            if not is_shown(q, answers):
                answers.pop(q.id, None)  # hidden by a later change: the answer no longer applies
            elif _filled_in(q):
                # the screening date is not a question for a person: the screening
                # date is today, or the date a clinician gave (--date)
                if q.id not in self.seen or answers.get(q.id) != self.today.isoformat():
                    answers[q.id] = self.today.isoformat()
                    self.seen.add(q.id)
                    if self.on_answer is not None:  # the demo logs what the date changes
                        self.on_answer(q, answers[q.id], dict(answers))
            elif not (gaps_only and q.id in self.seen):
                return i
            i += 1
        return i

    def _back(self, i: int) -> int:
        if not self.history:
            self.asker.message(_("This is the first question: there is nothing before it."))
            return min(i, self._next_shown(0, False))
        return self.history.pop()

    def _id_at(self, i: int) -> str | None:
        return self.questions[i].id if i < len(self.questions) else None

    def _accept(self, q: Question, value: Any) -> bool:
        answers = self.state.answers
        previous = answers.get(q.id)
        if value is None:
            answers.pop(q.id, None)
        else:
            answers[q.id] = value
        for check in triggered(self.checks, answers, q.id, self.state.confirmed):
            sure = self.asker.ask(Prompt(kind="confirm", text=" ".join(check.ask.split()),
                                         key=f"confirm:{check.id}", default=True))
            if not sure:
                if previous is None:
                    answers.pop(q.id, None)
                else:
                    answers[q.id] = previous
                return False
            self.state.confirmed.add(check.id)
        if self.on_answer is not None:
            self.on_answer(q, value, dict(answers))
        return True

    def _save(self, position: str | None) -> None:
        self.state.position = position
        if self.on_save is not None and self.state.answers:  # nothing to keep before that
            self.on_save(self.state)

    def _shown_answers(self) -> dict[str, Any]:
        answers = self.state.answers
        return {q.id: answers[q.id] for q in self.questions
                if q.id in answers and is_shown(q, answers)}

    # ------------------------------------------------------------------- screens
    def _prompt(self, q: Question, i: int) -> Prompt:
        if q.section != self.last_section:
            section = self.sections[q.section]
            self.asker.section(section.title, section.intro)
            self.last_section = q.section
        return prompt_for(q, default=self.state.answers.get(q.id), today=self.today,
                          can_back=bool(self.history), progress=self._progress(q, i),
                          red_flags=self.red_flags.get(q.id, ()))

    def _progress(self, q: Question, i: int) -> str:
        """'Diet · question 12 of up to 40 · about 4 min left'.

        The total counts the questions asked so far and every later one that can still
        be shown (a skip condition that is not yet decided counts as shown), so it never
        grows as answers come in; "up to" says when some may still be skipped. The time
        is that count at SECONDS_PER_QUESTION each, always an estimate ("about").
        """
        answers = self.state.answers
        before = sum(1 for p in self.questions[:i] if not _filled_in(p)
                     and is_shown(p, answers))
        ahead = [p for p in self.questions[i:] if not _filled_in(p) and is_shown(p, answers)]
        maybe = any(p.shown_if is not None and conditions.evaluate(p.shown_if, answers) is None
                    for p in ahead)
        total = before + len(ahead)
        count = (_("question {position} of up to {total}") if maybe
                 else _("question {position} of {total}")).format(position=before + 1,
                                                                   total=total)
        if len(ahead) <= 1:
            time_left = _("last question")
        else:
            minutes = max(1, math.ceil(len(ahead) * SECONDS_PER_QUESTION / 60))
            time_left = _("about {minutes} min left").format(minutes=minutes)
        return _("{section} · {count} · {time_left}").format(
            section=self.sections[q.section].title, count=count, time_left=time_left)

    def _review(self) -> Any:
        answers = self.state.answers
        self.asker.section(_("Review your answers"),
                           _("Check your answers. Choose one to change it, or show your "
                             "result."))
        self.last_section = None
        options = [Option(DONE, _("Everything is right: show my result"))]
        for q in self.questions:
            if is_shown(q, answers) and not _filled_in(q):
                shown = (q.describe_answer(answers[q.id]) if q.id in answers
                         else _("(not answered)"))
                options.append(Option(q.id, f"{q.text}  ->  {shown}"))
        return self.asker.ask(Prompt(kind="choice", text=_("Is everything right?"), key=REVIEW,
                                     options=tuple(options), default=DONE, can_back=True))
