"""The reach into questionary's and prompt_toolkit's inner workings (with long_lists.py).

questionary has no public way to add keys to a menu or to tick a checkbox option from
code, so these helpers use what it builds underneath: ``question.application`` (the
prompt_toolkit Application), its ``key_bindings`` and questionary's ``InquirerControl``
(``selected_options``, ``pointed_at``). tests/test_toolkit_contract.py checks that these
are still there, so an upgrade that moves them fails one clear test instead of the
terminal at a person's first key.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..i18n import _
from .asker import BACK, Prompt


def add_answer_letters(question, letters: dict[str, Any]) -> None:
    """Keys that answer a menu at once (y / n, and the language's own letters)."""
    bindings = question.application.key_bindings
    for letter, value in letters.items():
        bindings.add(letter, eager=True)(lambda event, value=value: event.app.exit(result=value))


def add_help_and_back(question, prompt: Prompt, show_help: Callable[[Prompt], None],
                    before_enter: Callable[[], bool] | None = None) -> None:
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
    # The key pressed before Enter, as the person typed it. Not prompt_toolkit's
    # ``previous_key_sequence``: a real terminal's reply to the cursor-position request
    # (ESC[row;colR) arrives as a key between "?" and Enter, and then "? Enter" picked
    # the highlighted option (an answer nobody chose). Every menu key clears it; the
    # terminal's replies do not pass through these bindings.
    armed: list[str] = []

    def disarming(handler):
        def run(event):
            armed.clear()
            return handler(event)
        return run

    for binding in bindings.bindings:
        binding.handler = disarming(binding.handler)
    if prompt.help:
        @bindings.add("?", eager=True)
        def _help(_event):
            armed[:] = ["?"]
            run_in_terminal(lambda: show_help(prompt))
    if prompt.can_back:
        @bindings.add("<", eager=True)
        def _back(_event):
            armed[:] = ["<"]
            run_in_terminal(lambda: print(_("(press Enter to go back to the previous question)")))

    @bindings.add(Keys.ControlM, eager=True)  # added last, so it wins over questionary's
    def _enter(event):
        last = armed[0] if armed else None
        armed.clear()
        if last == "?" and prompt.help:
            return  # the Enter of "? Enter": help was shown, nothing is chosen
        if last == "<" and prompt.can_back:
            event.app.exit(result=BACK)
            return
        if before_enter is not None and before_enter():
            return  # the Enter was used by the number typed before it
        enter(event)


def inquirer_control(question):
    from questionary.prompts.common import InquirerControl

    app = question.application
    return next(c for c in app.layout.find_all_controls() if isinstance(c, InquirerControl))


def fit_the_answer_echo(question, message: str, labels: dict[Any, str], ticks: bool) -> None:
    """After the answer, questionary prints the question with the chosen option's label
    after it (one ticked option, or the menu's choice) on one line that prompt_toolkit
    cuts at the right edge (at 60 columns "Water tablets such as furosemide, bumetanide,"
    lost its end). The chosen option's label is swapped, once answered, for the plain
    label wrapped at words after the question's last line. ``ticks``: a checkbox (the
    ticked option is echoed when it is the only one), else a menu (the one pointed at)."""
    control = inquirer_control(question)
    bindings = question.application.key_bindings

    def echo(label: str) -> str:
        from .wrapping import wrap

        width = screen_width() - 1
        lines = message.split("\n")
        used = len(lines[-1]) + (2 if len(lines) == 1 else 0) + 1  # "? " and the space
        if used + len(label) <= width:
            return label
        rest = wrap(label, width, indent="    ")
        if width - used < 20:
            return "\n" + rest
        words, first = label.split(" "), ""
        while words and used + len((first + " " + words[0]).strip()) <= width:
            first = (first + " " + words.pop(0)).strip()
        return first + ("\n" + wrap(" ".join(words), width, indent="    ") if words else "")

    def echoing(handler):
        def run(event):
            result = handler(event)
            if control.is_answered:
                chosen = control.get_selected_values() if ticks else [control.get_pointed_at()]
                if len(chosen) == 1 and chosen[0].value in labels:
                    chosen[0].title = [("", echo(labels[chosen[0].value]))]
            return result
        return run

    for binding in bindings.bindings:
        binding.handler = echoing(binding.handler)


def show_whole_validation_message(question) -> bool:
    """Let the reason a typed answer was refused take as many lines as it needs.

    prompt_toolkit's validation toolbar is one line high, so a longer reason was cut at
    the right edge (the respondent-id rule, the weight units). Its window is found by
    its control's text function (``ValidationToolbar``'s own) and given no fixed height;
    the message itself comes wrapped at words from ``wrapped_for_screen``. False when
    the toolbar was not found (the prompt still works, with the reason cut; the
    contract test fails)."""
    for window in question.application.layout.find_all_windows():
        text = getattr(window.content, "text", None)
        if getattr(text, "__qualname__", "").startswith("ValidationToolbar."):
            window.height = None  # as high as its content
            return True
    return False


def screen_width() -> int:
    """Columns of the terminal prompt_toolkit draws on (the one it wraps lines at)."""
    from .wrapping import terminal_columns

    return terminal_columns()  # the one place that knows the width


def wrapped_for_screen(text: str, indent: int = 0) -> str:
    """``text`` wrapped at words to the width of the running prompt's terminal."""
    import textwrap

    width = max(20, screen_width() - 1 - indent)
    return "\n".join(textwrap.wrap(text, width, break_long_words=True,
                                   break_on_hyphens=False)) or text


def clear_typed_text() -> None:
    """Empty the running prompt's input field (a refused answer to be typed again whole:
    a respondent id, which might be a name typed by mistake, is not left on screen)."""
    from prompt_toolkit.application import get_app

    get_app().current_buffer.reset()
