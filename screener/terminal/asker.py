"""How questions reach a person: the Asker protocol and its implementations.

The question flow (flow.py) decides *what* to ask; an Asker decides *how*.
Swapping the asker gives the arrow-key terminal (questionary), a screen-reader friendly
plain mode (numbered options, typed answers), or a scripted one for tests and the demo.

Every ``ask`` returns the answer, or the ``BACK`` sentinel when the person asked to go
back. Help is handled inside the asker (``?``); Ctrl-C raises KeyboardInterrupt and
end of input raises EOFError, for one handler at the top.

The arrow-key TerminalAsker lives in menus.py: questionary (prompt_toolkit, ~280 ms
to import) is imported only when one is created, so ``--help`` never pays for it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, TextIO

from ..i18n import _


class _Sentinel:
    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return self.name


#: returned by ``Asker.ask`` when the person wants the previous question again
BACK = _Sentinel("BACK")
_HELP = _Sentinel("HELP")

BACK_WORDS = ("<", "b", "back")
HELP_WORDS = ("?", "h", "help")


@dataclass(frozen=True)
class Option:
    value: Any
    label: str


@dataclass(frozen=True)
class Prompt:
    """One question screen, independent of how it is drawn.

    kind: ``choice`` (one option), ``multi`` (several), ``int`` and ``date`` (typed,
    checked by ``parse``), ``confirm`` (yes/no).
    ``parse`` turns typed text into the value or raises ValueError with the reason
    shown to the person, who is then asked again.
    """

    kind: str
    text: str
    key: str = ""  # question id (or a name for flow prompts such as "review")
    help: str = ""
    options: tuple[Option, ...] = ()
    default: Any = None
    exclusive: tuple = ()  # multi: values that stand alone ("none", "not_sure")
    red_flags: tuple = ()  # multi: values an urgent rule tests; ticked with an exclusive
    #                        one they win (see ``red_flags_win``), never refused
    parse: Callable[[str], Any] | None = None
    can_back: bool = False
    progress: str = ""
    hint: str = ""  # how to type the answer, e.g. "cm, or feet and inches like 5'7\""
    retype: bool = False  # typed: a rejected answer is cleared, to be typed again whole (an id)


class Asker(Protocol):
    def section(self, title: str, intro: str) -> None: ...
    def message(self, text: str) -> None: ...
    def ask(self, prompt: Prompt) -> Any: ...


def exclusive_error(values: list, prompt: Prompt) -> str | None:
    """The reason a multi answer is not allowed, or None."""
    if not values:
        return _("Choose at least one answer (or 'None of these').")
    if any(value in prompt.red_flags for value in values):
        return None  # a red flag is never refused: it wins (red_flags_win)
    for value in prompt.exclusive:
        if value in values and len(values) > 1:
            label = next((o.label for o in prompt.options if o.value == value), value)
            return _("'{label}' cannot be combined with other answers.").format(label=label)
    return None


def red_flags_win(values: Any, prompt: Prompt) -> tuple[Any, str | None]:
    """A multi answer with a red flag and an exclusive answer ("None of these", "Not
    sure") ticked together: the red flag wins, the exclusive answers are dropped. Returns
    the answer to keep and the one line that tells the person so (None when nothing
    was dropped). A red flag is never lost, whatever the input."""
    if (prompt.kind != "multi" or not isinstance(values, list)
            or not any(v in prompt.red_flags for v in values)):
        return values, None
    dropped = [v for v in values if v in prompt.exclusive]
    if not dropped:
        return values, None
    kept = [v for v in values if v not in prompt.exclusive]
    labels = {o.value: o.label for o in prompt.options}

    def quoted(chosen: list) -> str:
        return ", ".join(f"'{labels.get(v, v)}'" for v in chosen)

    line = (_("You chose {dropped} and {kept}: {kept} is kept.") if len(kept) == 1
            else _("You chose {dropped} and {kept}: {kept} are kept."))
    return kept, line.format(dropped=quoted(dropped), kept=quoted(kept))


class LineAsker:
    """What the plain and the arrow-key askers share: sections and messages printed as
    lines to ``stdout`` (a section title between ``rule`` marks)."""

    rule = "=="

    def __init__(self, stdout: TextIO | None = None):
        self.stdout = stdout or sys.stdout

    def _print(self, text: str = "") -> None:
        from .wrapping import wrap

        self.stdout.write(wrap(text) + "\n")  # at words, to the terminal's width
        self.stdout.flush()

    def section(self, title: str, intro: str) -> None:
        self._print()
        self._print(f"{self.rule} {title} {self.rule}")
        if intro:
            self._print(intro)

    def message(self, text: str) -> None:
        self._print(text)


# ------------------------------------------------------------------- plain (typed)

class PlainAsker(LineAsker):
    """Numbered options and typed answers on plain lines: no arrow-key menus, no
    colour, no cursor movement. Works with screen readers and dumb terminals."""

    def __init__(self, stdin: TextIO | None = None, stdout: TextIO | None = None):
        super().__init__(stdout)
        self.stdin = stdin or sys.stdin

    def _read(self, label: str) -> str:
        self.stdout.write(label)
        self.stdout.flush()
        line = self.stdin.readline()
        if not line:
            raise EOFError
        return line.strip()

    def ask(self, prompt: Prompt) -> Any:
        self._print()
        if prompt.progress:
            self._print(f"[{prompt.progress}]")
        self._print(prompt.text)
        hints = [prompt.hint] if prompt.hint else []
        if prompt.help:
            hints.append(_("type ? for help"))
        if prompt.can_back:
            hints.append(_("type < to go back"))
        for n, option in enumerate(prompt.options, 1):
            self._print(f"  {n}. {option.label}")
        if prompt.kind == "multi":
            hints.insert(0, _("type the numbers of every answer that applies, separated by "
                              "commas"))
        elif prompt.kind == "choice":
            hints.insert(0, _("type the number of your answer"))
        elif prompt.kind == "confirm":
            hints.insert(0, _("type y for yes or n for no"))
        if hints:
            self._print("(" + "; ".join(hints) + ")")
        while True:
            default = _default_text(prompt)
            raw = self._read(_("Answer") + (f" [{default}]" if default else "") + ": ")
            if raw == "" and default:
                raw = default
            lowered = raw.lower()
            if lowered in HELP_WORDS and prompt.help:
                self._print(_("Help:") + " " + prompt.help)
                continue
            if lowered in BACK_WORDS and prompt.can_back:
                return BACK
            try:
                return _parse_typed(prompt, raw)
            except ValueError as exc:
                self._print(_("Sorry:") + f" {exc}")


def _default_text(prompt: Prompt) -> str:
    if prompt.default is None:
        return ""
    if prompt.kind == "confirm":
        return _("y") if prompt.default else _("n")
    if prompt.kind == "choice":
        for n, option in enumerate(prompt.options, 1):
            if option.value == prompt.default:
                return str(n)
        return ""
    if prompt.kind == "multi":
        picked = [str(n) for n, o in enumerate(prompt.options, 1) if o.value in prompt.default]
        return ",".join(picked)
    return str(prompt.default)


def _parse_typed(prompt: Prompt, raw: str) -> Any:
    """Typed text -> value for any prompt kind (used by the plain asker)."""
    if prompt.kind == "confirm":
        if raw.lower() in ("y", "yes", _("y"), _("yes")):
            return True
        if raw.lower() in ("n", "no", _("n"), _("no")):
            return False
        raise ValueError(_("please type y or n."))
    if prompt.kind in ("choice", "multi"):
        count = len(prompt.options)
        parts = [p for p in raw.replace(",", " ").split() if p]
        if not parts:
            raise ValueError(_("please type a number."))
        numbers = []
        codes = {str(o.value).lower(): n for n, o in enumerate(prompt.options, 1)}
        for part in parts:
            if part.lower() in codes:  # an option's code typed instead of its number
                part = str(codes[part.lower()])
            if not part.isdigit() or not 1 <= int(part) <= count:
                raise ValueError(_("'{typed}' is not one of the numbers 1 to {count}.").format(
                    typed=part, count=count))
            numbers.append(int(part))
        values = [prompt.options[n - 1].value for n in dict.fromkeys(numbers)]
        if prompt.kind == "choice":
            if len(values) > 1:
                raise ValueError(_("choose only one answer."))
            return values[0]
        reason = exclusive_error(values, prompt)
        if reason:
            raise ValueError(reason)
        return values
    return prompt.parse(raw) if prompt.parse else raw


# -------------------------------------------------------------- scripted (tests, demo)

@dataclass
class ScriptedAsker:
    """Answers from a script: ``{question id: value}`` or a list of values (``BACK``
    allowed), consumed in order. Records every prompt shown, for tests and the demo."""

    answers: dict | list
    confirm_default: bool = True
    shown: list[Prompt] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)

    def section(self, title: str, intro: str) -> None:
        self.sections.append(title)

    def message(self, text: str) -> None:
        self.messages.append(text)

    def ask(self, prompt: Prompt) -> Any:
        self.shown.append(prompt)
        if isinstance(self.answers, list):
            if not self.answers:
                raise EOFError(f"the script has no answer for {prompt.key or prompt.text}")
            value = self.answers.pop(0)
        elif prompt.key in self.answers:
            value = self.answers[prompt.key]
        elif prompt.kind == "confirm":
            value = self.confirm_default
        else:
            value = prompt.default
        if isinstance(value, str) and prompt.kind in ("int", "date") and prompt.parse:
            value = prompt.parse(value)
        return value
