"""How questions reach a person: the Asker protocol and its implementations.

The question flow (flow.py) decides *what* to ask; an Asker decides *how*.
Swapping the asker gives the arrow-key terminal (questionary), a screen-reader friendly
plain mode (numbered options, typed answers), or a scripted one for tests and the demo.

Every ``ask`` returns the answer, or the ``BACK`` sentinel when the person asked to go
back. Help is handled inside the asker (``?``); Ctrl-C raises KeyboardInterrupt and
end of input raises EOFError, for one handler at the top.

questionary (prompt_toolkit, ~280 ms to import) is imported only when a
TerminalAsker is created, so ``--help`` never pays for it.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any, Callable, Protocol, TextIO

from ..i18n import _
from ..i18n import current as current_language


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
    parse: Callable[[str], Any] | None = None
    can_back: bool = False
    progress: str = ""
    hint: str = ""  # how to type the answer, e.g. "cm, or feet and inches like 5'7\""


class Asker(Protocol):
    def section(self, title: str, intro: str) -> None: ...
    def message(self, text: str) -> None: ...
    def ask(self, prompt: Prompt) -> Any: ...


def exclusive_error(values: list, prompt: Prompt) -> str | None:
    """The reason a multi answer is not allowed, or None."""
    if not values:
        return _("Choose at least one answer (or 'None of these').")
    for value in prompt.exclusive:
        if value in values and len(values) > 1:
            label = next((o.label for o in prompt.options if o.value == value), value)
            return _("'{label}' cannot be combined with other answers.").format(label=label)
    return None


# ------------------------------------------------------------------- plain (typed)

class PlainAsker:
    """Numbered options and typed answers on plain lines: no arrow-key menus, no
    colour, no cursor movement. Works with screen readers and dumb terminals."""

    def __init__(self, stdin: TextIO | None = None, stdout: TextIO | None = None):
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout

    def _print(self, text: str = "") -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()

    def _read(self, label: str) -> str:
        self.stdout.write(label)
        self.stdout.flush()
        line = self.stdin.readline()
        if not line:
            raise EOFError
        return line.strip()

    def section(self, title: str, intro: str) -> None:
        self._print()
        self._print(f"== {title} ==")
        if intro:
            self._print(intro)

    def message(self, text: str) -> None:
        self._print(text)

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
        for part in parts:
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


# ------------------------------------------------------------ terminal (questionary)

class TerminalAsker:
    """Arrow-key menus and checkboxes with questionary. Choice items also accept the
    option number; ``?`` shows the help, ``<`` (or the Back item) goes back."""

    def __init__(self, stdout: TextIO | None = None):
        import questionary  # noqa: F401  (the slow import, on the interactive path only)

        self.stdout = stdout or sys.stdout

    def _print(self, text: str = "") -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()

    def section(self, title: str, intro: str) -> None:
        self._print()
        self._print(f"━━ {title} ━━")
        if intro:
            self._print(intro)

    def message(self, text: str) -> None:
        self._print(text)

    def ask(self, prompt: Prompt) -> Any:
        if prompt.progress:
            self._print(f"\n{prompt.progress}")
        while True:
            value = getattr(self, "_ask_" + prompt.kind)(prompt)
            if value is _HELP:
                self._print(_("Help:") + " " + (prompt.help or _("no help for this question.")))
                continue
            return value

    def _show_help(self, prompt: Prompt) -> None:
        """Help for ``?`` on a menu, printed above the menu that stays open."""
        self._print(_("Help:") + " " + prompt.help)
        self._print(_("(Nothing is chosen yet: pick your answer below; "
                      "an Enter right after ? is ignored.)"))

    # one method a kind: a registry by name, no if/elif chain
    def _ask_choice(self, prompt: Prompt) -> Any:
        import questionary

        shortcuts = len(prompt.options) + 2 <= 36  # questionary has 36 shortcut keys
        indent = 6 if shortcuts else 3  # " » 1) " before the label
        choices = [questionary.Choice(_wrap(o.label, indent), value=o.value)
                   for o in prompt.options]
        extra = []
        if prompt.help:
            extra.append(questionary.Choice(_("? Show help for this question"), value=_HELP))
        if prompt.can_back:
            extra.append(questionary.Choice(_("< Go back to the previous question"),
                                            value=BACK))
        default = next((c for c in choices if c.value == prompt.default), None)
        shortcuts = len(choices) + len(extra) <= 36  # questionary has 36 shortcut keys
        keys = (_("type the number or use the arrow keys") if shortcuts
                else _("use the arrow keys"))
        question = questionary.select(
            prompt.text, choices=choices + ([questionary.Separator()] + extra if extra else []),
            default=default, use_shortcuts=shortcuts, use_jk_keys=False,
            instruction="(" + _("{keys}, then Enter").format(keys=keys) + ")")
        _bind_help_back(question, prompt, self._show_help)
        return question.unsafe_ask()

    def _ask_multi(self, prompt: Prompt) -> Any:
        import questionary

        defaults = prompt.default or []
        width = len(str(len(prompt.options)))
        choices = [questionary.Choice(_wrap(f"{n:>{width}}. {o.label}", 7 + width),
                                      value=o.value,
                                      checked=o.value in defaults)
                   for n, o in enumerate(prompt.options, 1)]
        hints = [_("Space or the number ticks"), _("Enter confirms")]
        if prompt.help:
            hints.append(_("? help"))
        if prompt.can_back:
            hints.append(_("< Enter: back"))
        question = questionary.checkbox(
            prompt.text, choices=choices, instruction="(" + ", ".join(hints) + ")",
            validate=lambda values: exclusive_error(values, prompt) or True)
        flush = _tick_keys(question, prompt)
        _bind_help_back(question, prompt, self._show_help, before_enter=flush)
        values = question.unsafe_ask()
        if values is not BACK and len(values) > 1:  # questionary only says "done (N selections)"
            labels = {o.value: o.label for o in prompt.options}
            ticked = "  " + _("Ticked:") + " " + "; ".join(labels.get(v, str(v)) for v in values)
            self._print(_wrap(ticked, 4))
        return values

    def _ask_text(self, prompt: Prompt) -> Any:
        import questionary

        def check(text: str):
            if text.strip().lower() in HELP_WORDS + BACK_WORDS:
                return True
            try:
                prompt.parse(text)
            except ValueError as exc:
                return str(exc)
            return True

        hints = [prompt.hint] if prompt.hint else []
        if prompt.help:
            hints.append(_("? for help"))
        if prompt.can_back:
            hints.append(_("< to go back"))
        default = "" if prompt.default is None else str(prompt.default)
        raw = questionary.text(prompt.text, default=default, validate=check,
                               instruction=f"({', '.join(hints)})" if hints else None
                               ).unsafe_ask()
        lowered = raw.strip().lower()
        if lowered in HELP_WORDS:
            return _HELP
        if lowered in BACK_WORDS:
            return BACK if prompt.can_back else _HELP
        return prompt.parse(raw)

    _ask_int = _ask_text
    _ask_date = _ask_text

    def _ask_confirm(self, prompt: Prompt) -> Any:
        import questionary

        default = True if prompt.default is None else bool(prompt.default)
        if current_language() != "en":
            # questionary's confirm only knows the keys y and n: a two-item menu instead
            # (y and n answer too, and the language's own letters: s / n in Spanish)
            choices = [questionary.Choice(_("Yes"), value=True),
                       questionary.Choice(_("No"), value=False)]
            question = questionary.select(
                prompt.text, choices=choices, default=choices[0 if default else 1],
                use_shortcuts=True, use_jk_keys=False,
                instruction="(" + _("{keys}, then Enter").format(
                    keys=_("type the number or use the arrow keys")) + ")")
            bindings = question.application.key_bindings
            for letters, value in (({"y", _("y")}, True), ({"n", _("n")}, False)):
                for letter in letters:
                    bindings.add(letter, eager=True)(
                        lambda event, value=value: event.app.exit(result=value))
            return question.unsafe_ask()
        return questionary.confirm(prompt.text, default=default).unsafe_ask()


def _bind_help_back(question, prompt: Prompt, show_help: Callable[[Prompt], None],
                    before_enter: Callable[[], None] | None = None) -> None:
    """Add ``?`` (help) and ``<`` + Enter (back) to a questionary menu.

    ``?`` prints the help above the menu, which stays open as it was (pointer and ticks
    kept), and the Enter typed right after ``?`` is ignored: people used to ``?`` + Enter
    on typed questions must not record the highlighted option, an answer they never chose.
    ``<`` goes back only with the Enter that follows, as on typed questions: going back at
    the ``<`` itself let that habitual Enter confirm the previous question at once.
    """
    from prompt_toolkit.application import run_in_terminal
    from prompt_toolkit.keys import Keys

    if not (prompt.help or prompt.can_back or before_enter):
        return
    bindings = question.application.key_bindings
    enter = [b for b in bindings.bindings if b.keys == (Keys.ControlM,)][-1].handler
    if prompt.help:
        @bindings.add("?", eager=True)
        def _help(_event):
            run_in_terminal(lambda: show_help(prompt))
    if prompt.can_back:
        @bindings.add("<", eager=True)
        def _back(_event):
            run_in_terminal(lambda: print(_("(press Enter to go back to the previous question)")))

    @bindings.add(Keys.ControlM, eager=True)  # added last, so it wins over questionary's
    def _enter(event):
        previous = event.previous_key_sequence
        last = previous[-1].key if previous else None
        if last == "?" and prompt.help:
            return  # the Enter of "? Enter": help was shown, nothing is chosen
        if last == "<" and prompt.can_back:
            event.app.exit(result=BACK)
            return
        if before_enter is not None:
            before_enter()
        enter(event)


def _tick_keys(question, prompt: Prompt) -> Callable[[], None]:
    """Space and the option numbers tick and untick in a checkbox; returns the function
    that ticks a number still being typed (called on Enter).

    Ticking an exclusive answer ("None of these") clears the others, and ticking any
    other answer clears the exclusive ones. A number ticks its option as soon as no
    longer number can start with it ("3" of 9 options at once; "1" of 16 waits for a
    second digit, Enter, or a short pause: "1", "6" ticks 16).
    """
    import asyncio

    from questionary.prompts.common import InquirerControl

    app = question.application
    control = next(c for c in app.layout.find_all_controls() if isinstance(c, InquirerControl))
    count = len(prompt.options)
    pending: list[str] = []  # digits typed so far
    timer: list = []

    def toggle(value) -> None:
        selected = control.selected_options
        if value in selected:
            selected.remove(value)
            return
        if value in prompt.exclusive:
            selected.clear()
        else:
            for other in prompt.exclusive:
                if other in selected:
                    selected.remove(other)
        selected.append(value)

    def flush() -> None:
        for handle in timer:
            handle.cancel()
        timer.clear()
        if pending:
            number = int("".join(pending))
            pending.clear()
            if 1 <= number <= count:
                toggle(prompt.options[number - 1].value)
                app.invalidate()

    @app.key_bindings.add(" ", eager=True)  # added last, so it wins over questionary's own
    def space(_event):
        flush()
        toggle(control.get_pointed_at().value)

    def digit(event):
        typed = "".join(pending) + event.data
        if pending and 1 <= int(typed) <= count:  # the second digit of "16"
            pending.clear()
            for handle in timer:
                handle.cancel()
            timer.clear()
        else:
            flush()  # a number typed before this digit ticks now
            typed = event.data
            if not 1 <= int(typed) <= count:
                return
        control.pointed_at = int(typed) - 1
        if int(typed) * 10 > count:  # nothing longer can start with it
            toggle(prompt.options[int(typed) - 1].value)
        else:
            pending.extend(typed)
            timer.append(asyncio.get_running_loop().call_later(1.0, flush))

    for key in "0123456789":
        app.key_bindings.add(key, eager=True)(digit)
    return flush


def _wrap(label: str, indent: int) -> str:
    """A long menu line wrapped to the terminal width (prompt_toolkit would cut it),
    continuation lines indented under the label's first character."""
    import shutil
    import textwrap

    width = shutil.get_terminal_size((100, 24)).columns - 1
    if indent + len(label) <= width:
        return label
    lines = textwrap.wrap(label, max(20, width - indent), break_long_words=False,
                          break_on_hyphens=False)
    return ("\n" + " " * indent).join(lines)
