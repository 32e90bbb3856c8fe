"""The arrow-key terminal: menus and checkboxes drawn by questionary.

Choice items also accept the option number; ``?`` shows the help, ``<`` (or the Back
item) goes back. Whatever needs questionary's or prompt_toolkit's inner workings (key
bindings, the checkbox's ticks) is in toolkit.py, so a new questionary release touches
one module.
"""

from __future__ import annotations

from typing import Any, TextIO

from ..i18n import _
from ..i18n import current as current_language
from .asker import (
    _HELP,
    BACK,
    BACK_WORDS,
    HELP_WORDS,
    LineAsker,
    Prompt,
    exclusive_error,
)
from .long_lists import LONG_LIST, add_choice_number_keys, add_list_cues, add_tick_keys
from .toolkit import (
    add_answer_letters,
    add_help_and_back,
    clear_typed_text,
    fit_the_answer_echo,
    screen_width,
    show_whole_validation_message,
    wrapped_for_screen,
)


class TerminalAsker(LineAsker):
    """Arrow-key menus and checkboxes with questionary. Choice items also accept the
    option number; ``?`` shows the help, ``<`` (or the Back item) goes back."""

    rule = "━━"

    def __init__(self, stdout: TextIO | None = None):
        import questionary  # noqa: F401  (the slow import, on the interactive path only)

        super().__init__(stdout)

    def ask(self, prompt: Prompt) -> Any:
        if prompt.progress:
            self._print(f"\n{prompt.progress}")
        while True:
            value = getattr(self, "_ask_" + prompt.kind)(prompt)
            if value is _HELP:
                self._print(_("Help:") + " " + (prompt.help or _("no help for this question.")))
                continue
            return value

    def page(self, text: str) -> None:
        """Long text (a result's details) through ``less -R`` when this is a terminal
        and less is installed: it opens at the top and, once closed, the screen is as it
        was. Otherwise (or if less fails) the text is printed."""
        import shutil
        import subprocess

        isatty = getattr(self.stdout, "isatty", lambda: False)
        pager = shutil.which("less")
        if pager and isatty():
            try:
                done = subprocess.run([pager, "-R"], input=text + "\n", text=True,
                                      check=False)
                if done.returncode == 0:
                    return
            except OSError:
                pass
        self._print(text)

    def _show_help(self, prompt: Prompt) -> None:
        """Help for ``?`` on a menu, printed above the menu that stays open."""
        self._print(_("Help:") + " " + prompt.help)
        self._print(_("(Nothing is chosen yet: pick your answer below; "
                      "an Enter right after ? is ignored.)"))

    # one method a kind: a registry by name, no if/elif chain
    def _ask_choice(self, prompt: Prompt) -> Any:
        import questionary

        extra = []
        if prompt.help:
            extra.append(questionary.Choice(_("? Show help for this question"), value=_HELP))
        if prompt.can_back:
            extra.append(questionary.Choice(_("< Go back to the previous question"),
                                            value=BACK))
        # a long menu numbers its options itself: typed numbers are collected and used
        # with Enter ("1", "4" is 14); questionary's one-key shortcuts would take "1" alone
        long = len(prompt.options) >= LONG_LIST
        shortcuts = not long and len(prompt.options) + len(extra) <= 36  # 36 shortcut keys
        choices = numbered_choices(prompt, before=3) if long else [
            questionary.Choice(wrap_label(o.label, 6 if shortcuts else 3), value=o.value)
            for o in prompt.options]  # " » 1) " before the label
        default = next((c for c in choices if c.value == prompt.default), None)
        keys = (_("type the number or use the arrow keys") if shortcuts or long
                else _("use the arrow keys"))
        message, instruction = wrap_prompt(
            prompt.text, "(" + _("{keys}, then Enter").format(keys=keys) + ")", room=0)
        question = questionary.select(
            message, choices=choices + ([questionary.Separator()] + extra if extra else []),
            default=default, use_shortcuts=shortcuts, use_jk_keys=False,
            instruction=instruction or None)
        typed, before_enter = (add_choice_number_keys(question, len(prompt.options)) if long
                               else (None, None))
        add_help_and_back(question, prompt, self._show_help, before_enter=before_enter)
        add_list_cues(question, typed, lambda: _("Enter chooses it"))
        fit_the_answer_echo(question, message, {o.value: o.label for o in prompt.options},
                            ticks=False)
        return question.unsafe_ask()

    def _ask_multi(self, prompt: Prompt) -> Any:
        import questionary

        defaults = prompt.default or []
        choices = numbered_choices(prompt, before=5)  # " » ○ "
        for choice in choices:
            choice.checked = choice.value in defaults
        hints = [_("Space or the number ticks"), _("Enter confirms")]
        if len(prompt.options) >= LONG_LIST:
            hints[0] = _("type a number, then Space ticks it")
        if prompt.help:
            hints.append(_("? help"))
        if prompt.can_back:
            hints.append(_("< Enter: back"))
        message, instruction = wrap_prompt(prompt.text, "(" + ", ".join(hints) + ")", room=0)
        question = questionary.checkbox(
            message, choices=choices, instruction=instruction or None,
            validate=lambda values: exclusive_error(values, prompt) or True)
        typed, before_enter = add_tick_keys(question, prompt)
        add_help_and_back(question, prompt, self._show_help, before_enter=before_enter)
        add_list_cues(question, typed, lambda: _("Space or Enter ticks it"))
        fit_the_answer_echo(question, message, {o.value: o.label for o in prompt.options},
                            ticks=True)
        values = question.unsafe_ask()
        if values is not BACK and len(values) > 1:  # questionary only says "done (N selections)"
            labels = {o.value: o.label for o in prompt.options}
            ticked = "  " + _("Ticked:") + " " + "; ".join(labels.get(v, str(v)) for v in values)
            self._print(wrap_label(ticked, 4))
        return values

    def _ask_text(self, prompt: Prompt) -> Any:
        import questionary

        parse = prompt.parse
        assert parse is not None, "int and date prompts always come with their parser"

        def check(text: str):
            if text.strip().lower() in HELP_WORDS + BACK_WORDS:
                return True
            try:
                parse(text)
            except ValueError as exc:
                if prompt.retype:
                    clear_typed_text()
                return wrapped_for_screen(str(exc))  # whole, below the field
            return True

        hints = [prompt.hint] if prompt.hint else []
        if prompt.help:
            hints.append(_("? for help"))
        if prompt.can_back:
            hints.append(_("< to go back"))
        default = "" if prompt.default is None else str(prompt.default)
        message, instruction = wrap_prompt(prompt.text, f"({', '.join(hints)})" if hints else "")
        question = questionary.text(message, default=default, validate=check,
                                    instruction=instruction or None)
        show_whole_validation_message(question)
        raw = question.unsafe_ask()
        lowered = raw.strip().lower()
        if lowered in HELP_WORDS:
            return _HELP
        if lowered in BACK_WORDS:
            return BACK if prompt.can_back else _HELP
        return parse(raw)

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
            message, instruction = wrap_prompt(
                prompt.text, "(" + _("{keys}, then Enter").format(
                    keys=_("type the number or use the arrow keys")) + ")", room=0)
            question = questionary.select(
                message, choices=choices, default=choices[0 if default else 1],
                use_shortcuts=True, use_jk_keys=False, instruction=instruction or None)
            add_answer_letters(question, {"y": True, _("y"): True, "n": False, _("n"): False})
            return question.unsafe_ask()
        message, _instruction = wrap_prompt(prompt.text, "", room=8)  # " (y/N) " after it
        return questionary.confirm(message, default=default).unsafe_ask()


def wrap_prompt(text: str, instruction: str, room: int = 16) -> tuple[str, str]:
    """A typed question's text and instruction wrapped at words when, with ``room`` left
    to type in, they do not fit on one line (prompt_toolkit would break them mid-word);
    the instruction then starts a line of its own, indented under the text."""
    import textwrap

    width = screen_width() - 1
    if 2 + len(text) + 2 + len(instruction) + room <= width:
        return text, instruction
    lines = textwrap.wrap(text, max(20, width - 2), break_on_hyphens=False,
                          break_long_words=False)
    text = ("\n  ").join(lines)
    if instruction:
        instruction = "\n  " + "\n  ".join(
            textwrap.wrap(instruction, max(20, width - 2 - room), break_on_hyphens=False,
                          break_long_words=False))
    return text, instruction


def numbered_choices(prompt: Prompt, before: int) -> list:
    """The options as questionary choices labelled with their numbers, right-aligned
    (" 9." above "10."), long labels wrapped under their first word; ``before``: the
    columns questionary draws before a label (" » ", and "○ " in a checkbox)."""
    import questionary

    width = len(str(len(prompt.options)))
    return [questionary.Choice(wrap_label(f"{n:>{width}}. {o.label}", before + width + 2),
                               value=o.value)
            for n, o in enumerate(prompt.options, 1)]


def wrap_label(label: str, indent: int) -> str:
    """A long menu line wrapped to the terminal width (prompt_toolkit would cut it),
    continuation lines indented under the label's first character."""
    import textwrap

    width = screen_width() - 1
    if indent + len(label) <= width:
        return label
    lines = textwrap.wrap(label, max(20, width - indent), break_long_words=False,
                          break_on_hyphens=False)
    return ("\n" + " " * indent).join(lines)
