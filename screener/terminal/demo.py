"""Play a sample patient through the real questionnaire, for clinicians and demos.

The demo does not copy the question flow: it calls ``run_questionnaire`` (the same code
as ``screener run``) with a ``DemoAsker`` that draws each question screen and fills in
the persona's answer. After every accepted answer the flow calls ``on_answer``; the
demo then re-screens the answers so far (the real engine, ~1 ms) and logs the rules that
started or stopped firing, so the audience sees which answer raised which factor.

Nothing is saved: no draft (``on_save`` is not given), no save offers. The asker writes
to the stream it is given (like the other askers); the library itself prints nothing.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TextIO

from ..i18n import _
from ..personas import Persona
from ..result import Result
from ..ruleset.models import Question, RuleSet
from .asker import Prompt
from .flow import DONE, REVIEW, QuestionnaireEnd, run_questionnaire

DEFAULT_SPEED = 1.5  # seconds a screen stays up in --auto: time to read a question


class DemoQuit(Exception):
    """The presenter typed q (or closed the input) at a pause."""


# -------------------------------------------------------------------------- styling

@dataclass(frozen=True)
class Style:
    """ANSI emphasis, or nothing at all (plain mode, NO_COLOR, not a terminal)."""

    on: bool

    def _wrap(self, code: str, text: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.on else text

    def bold(self, text: str) -> str:
        return self._wrap("1", text)

    def dim(self, text: str) -> str:
        return self._wrap("2", text)

    def added(self, text: str) -> str:
        return self._wrap("32", text)

    def removed(self, text: str) -> str:
        return self._wrap("33", text)


def style_for(stream: TextIO, plain: bool) -> Style:
    from .console import escapes_allowed

    return Style(on=not plain and escapes_allowed(stream))


# ---------------------------------------------------------------------------- pacing

class Pacer:
    """Waits between screens: Enter to advance (q quits), or a fixed pause (--auto)."""

    def __init__(self, *, auto: bool, speed: float, stdin: TextIO | None = None,
                 stdout: TextIO | None = None, sleep: Callable[[float], None] = time.sleep):
        self.auto, self.speed, self.sleep = auto, speed, sleep
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout

    def wait(self, style: Style) -> None:
        if self.auto:
            if self.speed > 0:
                self.sleep(self.speed)
            return
        self.stdout.write(style.dim("   " + _("(Enter: next, q: quit)") + " "))
        self.stdout.flush()
        line = self.stdin.readline()
        if not line or line.strip().lower() in ("q", "quit"):
            raise DemoQuit


# ----------------------------------------------------------------------- the asker

class DemoAsker:
    """Draws each question screen of the real flow and answers it from the persona.

    A question gets the persona's answer; the review screen gets "show my result";
    a consistency check is confirmed (the persona's answers are what they are); any
    other prompt gets its default. Int and date answers given as text go through the
    prompt's own parser, like typed answers.
    """

    def __init__(self, answers: dict[str, Any], pacer: Pacer, *, stdout: TextIO | None = None,
                 style: Style = Style(False)):
        self.answers = answers
        self.pacer = pacer
        self.stdout = stdout or sys.stdout
        self.style = style
        self.screens = 0

    def _print(self, text: str = "") -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()

    def section(self, title: str, intro: str) -> None:
        self._print()
        self._print(self.style.bold(f"== {title} =="))
        if intro:
            self._print(intro)

    def message(self, text: str) -> None:
        self._print(text)

    def pause(self) -> None:
        self.pacer.wait(self.style)

    def answer_for(self, prompt: Prompt) -> Any:
        if prompt.key == REVIEW:
            return DONE
        if prompt.key.startswith("confirm:"):
            return True
        value = self.answers.get(prompt.key, prompt.default)
        if isinstance(value, str) and prompt.kind in ("int", "date") and prompt.parse:
            value = prompt.parse(value)
        return value

    def ask(self, prompt: Prompt) -> Any:
        if self.screens:
            self.pause()  # the previous screen and its log stay up until now
        self.screens += 1
        value = self.answer_for(prompt)
        self._print()
        if prompt.progress:
            self._print(self.style.dim(f"[{prompt.progress}]"))
        self._print(self.style.bold(prompt.text))
        if prompt.key == REVIEW:  # 40 lines of answers would hide the log: one line
            self._print(f"  (x) {prompt.options[0].label}")
            return value
        chosen = value if isinstance(value, list) else [value]
        for option in prompt.options:
            if prompt.kind == "multi":
                mark = "[x]" if option.value in chosen else "[ ]"
            else:
                mark = "(x)" if option.value in chosen else "( )"
            line = f"  {mark} {option.label}"
            self._print(self.style.bold(line) if option.value in chosen else line)
        if prompt.kind == "confirm":
            self._print("  > " + (_("Yes") if value else _("No")))
        elif not prompt.options:
            self._print("  > " + (_("(skipped)") if value is None else str(value)))
        return value


# --------------------------------------------------------------------- running log

def rule_effect(rule) -> str:
    """What a fired rule adds, in a few words: 'vitamin_d indicator', 'triage urgent'."""
    # ids and codes stay as they are (the clinician view shows the same ids)
    effects = {
        "derived": lambda r: _("fact {fact}").format(fact=r.concludes),
        "indicator": lambda r: _("{factor} indicator").format(factor=r.factor),
        "exception": lambda r: _("holds back {factor}").format(factor=r.factor),
        "symptom": lambda r: _("{factor} symptom (supports, never raises)").format(
            factor=r.factor),
        "triage": lambda r: _("triage {level}").format(level=r.level),
        "note": lambda r: _("note"),
    }
    return effects[rule.kind](rule)


@dataclass
class Log:
    """Re-screens the answers so far after each answer and reports what changed."""

    ruleset: RuleSet
    today: dt.date
    fired: list[str] = field(default_factory=list)
    factors: dict[str, str] = field(default_factory=dict)
    triage: str | None = None

    def update(self, answers: dict) -> list[tuple[str, str]]:
        """(kind, text) lines: '+' a rule fired, '-' a rule no longer fires,
        '=' a factor or the triage level changed."""
        from ..screening import screen

        result = screen(answers, self.ruleset, today=self.today)
        by_id = self.ruleset.rules_by_id
        lines = []
        for rid in result.fired_rules:
            if rid not in self.fired:
                lines.append(("+", f"{rid} {by_id[rid].title} -> {rule_effect(by_id[rid])}"))
        for rid in self.fired:
            if rid not in result.fired_rules:
                lines.append(("-", _("{rule} {title} (no longer applies)").format(
                    rule=rid, title=by_id[rid].title)))
        factors: dict[str, str] = {f.id: f.strength for f in result.factors}
        for fid, strength in factors.items():
            if self.factors.get(fid) != strength:
                lines.append(("=", _("factor {factor}: {strength}").format(
                    factor=fid, strength=strength)))
        for fid in self.factors:
            if fid not in factors:
                lines.append(("=", _("factor {factor}: no longer raised").format(factor=fid)))
        if result.triage != self.triage:
            lines.append(("=", _("triage so far: {level}").format(level=result.triage)))
        self.fired, self.factors, self.triage = list(result.fired_rules), factors, result.triage
        return lines


# -------------------------------------------------------------------------- the demo

@dataclass(frozen=True)
class DemoRun:
    end: QuestionnaireEnd  # complete, or stopped at an urgent answer
    result: Result
    log: list[tuple[str, str]]  # every log line, in order


def persona_today(persona: Persona) -> dt.date:
    """The persona's screening day, so the date screen and the season match its story."""
    day = persona.answers.get("screened_on")
    return dt.date.fromisoformat(day) if isinstance(day, str) else dt.date.today()


def play(persona: Persona, ruleset: RuleSet, asker: DemoAsker) -> DemoRun:
    """Run the real questionnaire with the persona's answers; return how it ended,
    the final result and the log. DemoQuit propagates if the presenter stops."""
    from ..screening import screen

    today = persona_today(persona)
    log = Log(ruleset, today)
    lines: list[tuple[str, str]] = []
    paint = {"+": asker.style.added, "-": asker.style.removed, "=": asker.style.bold}

    def on_answer(question: Question, value: Any, answers: dict) -> None:
        for kind, text in log.update(answers):
            lines.append((kind, text))
            asker.message(paint[kind](f"   {kind} {text}"))

    end = run_questionnaire(ruleset, asker, on_answer=on_answer, today=today)
    result = screen(end.answers, ruleset, today=today)
    asker.pause()
    return DemoRun(end, result, lines)


__all__ = ["DEFAULT_SPEED", "DemoAsker", "DemoQuit", "DemoRun", "Log", "Pacer", "Style",
           "persona_today", "play", "rule_effect", "style_for"]
