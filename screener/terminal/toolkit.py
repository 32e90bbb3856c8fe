"""The only module that reaches into questionary's and prompt_toolkit's inner workings.

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


#: from this many options an option number can have two digits: a number typed on such a
#: list is collected, shown under the list, and only used with Space or Enter, so a pause
#: between "1" and "4" can never split 14 into 1 and 4 (nor join 1 and 4 into 14)
LONG_LIST = 10


class TypedNumber:
    """The option number being typed on a long list, digit by digit."""

    def __init__(self, count: int):
        self.count = count
        self.digits = ""

    @property
    def number(self) -> int | None:
        """The option the digits name, or None (nothing typed, or no such option)."""
        if self.digits and 1 <= int(self.digits) <= self.count:
            return int(self.digits)
        return None

    def add(self, digit: str) -> None:
        if len(self.digits) < len(str(self.count)):  # "01" names option 1 too
            self.digits += digit

    def take(self) -> int | None:
        """The number (None when it names no option), forgotten once taken."""
        number, self.digits = self.number, ""
        return number

    def status(self, action: str) -> str:
        """What the line under the list says while a number is typed."""
        if self.number is None:
            return _("No option {typed} (1 to {count}): Backspace to correct").format(
                typed=self.digits, count=self.count)
        return _("Go to {number}: {action}").format(number=self.number, action=action)


def _inquirer_control(question):
    from questionary.prompts.common import InquirerControl

    app = question.application
    return next(c for c in app.layout.find_all_controls() if isinstance(c, InquirerControl))


def add_number_keys(question, count: int) -> TypedNumber:
    """Digits on a long menu or checkbox collect a number (moving the highlight to the
    option it names) instead of choosing: what the number does happens on Space or Enter
    (the caller's). Backspace takes back a digit; any other key (an arrow) forgets it,
    so Space then acts on the highlighted option."""
    from prompt_toolkit.keys import Keys

    bindings = question.application.key_bindings
    control = _inquirer_control(question)
    typed = TypedNumber(count)

    def forgetting(handler):
        def run(event):
            typed.digits = ""
            return handler(event)
        return run

    for binding in bindings.bindings:
        binding.handler = forgetting(binding.handler)

    def point() -> None:
        if typed.number is not None:
            control.pointed_at = typed.number - 1

    def digit(event):
        typed.add(event.data)
        point()

    for key in "0123456789":
        bindings.add(key, eager=True)(digit)

    @bindings.add(Keys.Backspace, eager=True)
    def _backspace(_event):
        typed.digits = typed.digits[:-1]
        point()

    return typed


def add_choice_number_keys(question, count: int) -> tuple[TypedNumber, Callable[[], bool]]:
    """Option numbers on a long menu: "1", "4", Enter chooses option 14, whatever the
    pause between the keys. Returns the typed number and the function to call on Enter
    (True: the Enter was used up, a number naming no option was dropped)."""
    typed = add_number_keys(question, count)
    control = _inquirer_control(question)

    def before_enter() -> bool:
        if not typed.digits:
            return False
        number = typed.take()
        if number is None:
            return True  # "41" of 17 options chooses nothing, not the highlighted one
        control.pointed_at = number - 1
        return False  # questionary's Enter chooses the option pointed at

    return typed, before_enter


def add_tick_keys(question, prompt: Prompt) -> tuple[TypedNumber | None, Callable[[], bool]]:
    """Space and the option numbers tick and untick in a checkbox; returns the number
    being typed (None on a short list) and the function to call on Enter (True: the
    Enter ticked a typed number and does not confirm the answer yet).

    Ticking an exclusive answer ("None of these") clears the others, and ticking any
    other answer clears the exclusive ones. On a short list (fewer than LONG_LIST
    options) a digit is a whole number and ticks at once. On a long list the digits are
    collected ("Go to 14" under the list) and Space or Enter ticks the option they name:
    "1", "4" then Space ticks 14 however long the pause; "4" alone ticks nothing until
    Space or Enter."""
    app = question.application
    control = _inquirer_control(question)
    count = len(prompt.options)

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

    if count < LONG_LIST:
        def tick_at_once(event):
            number = int(event.data)
            if 1 <= number <= count:
                control.pointed_at = number - 1
                toggle(prompt.options[number - 1].value)

        for key in "0123456789":
            app.key_bindings.add(key, eager=True)(tick_at_once)

        @app.key_bindings.add(" ", eager=True)  # added last, so it wins over questionary's
        def space(_event):
            toggle(control.get_pointed_at().value)

        return None, lambda: False

    typed = add_number_keys(question, count)

    def tick_typed() -> None:
        number = typed.take()
        if number is not None:
            control.pointed_at = number - 1
            toggle(prompt.options[number - 1].value)

    @app.key_bindings.add(" ", eager=True)
    def space_long(_event):
        if typed.digits:
            tick_typed()
        else:
            toggle(control.get_pointed_at().value)

    def before_enter() -> bool:
        if not typed.digits:
            return False
        tick_typed()
        return True  # the Enter ticked the number; the next Enter confirms

    return typed, before_enter


def add_list_cues(question, typed: TypedNumber | None, action: Callable[[], str]) -> None:
    """A line under the list when part of it is out of sight ("↓ 3 more below",
    "↑ 2 more above") or a number is being typed ("Go to 14: Space or Enter ticks it").

    The line is there only when needed: while the list and its question do not fit the
    terminal's height, or while digits are typed. It is drawn after the list, from the
    list window's own record of the lines it showed. ``action`` says what Space or Enter
    does with the typed number. Arrows fall back to ^ and v on a terminal whose character
    set has none."""
    from prompt_toolkit.filters import Condition, IsDone
    from prompt_toolkit.layout import ConditionalContainer, HSplit, ScrollOffsets, Window
    from prompt_toolkit.layout.controls import FormattedTextControl
    from questionary import Separator

    app = question.application
    control = _inquirer_control(question)
    root = app.layout.container
    if not isinstance(root, HSplit):
        return
    listing = next(w for w in app.layout.find_all_windows() if w.content is control)
    index = next(i for i, child in enumerate(root.children)
                 if listing in list(child.get_children()) + [child])
    # the pointed option's wrapped lines in sight too, not only its first line
    listing.scroll_offsets = ScrollOffsets(top=0, bottom=2)

    def arrows() -> tuple[str, str]:
        try:
            "↑↓".encode(app.output.encoding())
            return "↑", "↓"
        except (UnicodeError, LookupError):
            return "^", "v"

    def does_not_fit() -> bool:
        size = app.output.get_size()
        heights = [child.preferred_height(size.columns, size.rows).preferred
                   for child in root.children[: index + 1]]
        return sum(heights) > size.rows

    def out_of_sight() -> tuple[int, int]:
        """Options whose first line is above, and below, the lines the list showed."""
        info = listing.render_info
        if info is None or not info.displayed_lines:
            return 0, 0
        first, last = min(info.displayed_lines), max(info.displayed_lines)
        above = below = line = 0
        for choice in control.choices:
            title = choice.title if isinstance(choice.title, str) else "".join(
                text for _style, text, *_rest in choice.title)
            if not isinstance(choice, Separator):
                above += line < first
                below += line > last
            line += title.count("\n") + 1
        return above, below

    def text() -> str:
        above, below = out_of_sight()
        up, down = arrows()
        parts = [typed.status(action())] if typed is not None and typed.digits else []
        if above:
            parts.append(_("{arrow} {count} more above").format(arrow=up, count=above))
        if below:
            parts.append(_("{arrow} {count} more below").format(arrow=down, count=below))
        width = screen_width() - 1
        while len(parts) > 1 and len("   ".join(parts)) > width:
            parts.pop(-2 if len(parts) > 2 else -1)  # the least needed: "above", then "below"
        return "   ".join(parts)

    needed = Condition(lambda: bool(typed is not None and typed.digits) or does_not_fit())
    line = ConditionalContainer(
        Window(FormattedTextControl(lambda: [("class:instruction", text())]), height=1),
        filter=needed & ~IsDone())
    root.children.insert(index + 1, line)


def fit_the_answer_echo(question, message: str, labels: dict[Any, str], ticks: bool) -> None:
    """After the answer, questionary prints the question with the chosen option's label
    after it (one ticked option, or the menu's choice) on one line that prompt_toolkit
    cuts at the right edge (at 60 columns "Water tablets such as furosemide, bumetanide,"
    lost its end). The chosen option's label is swapped, once answered, for the plain
    label wrapped at words after the question's last line. ``ticks``: a checkbox (the
    ticked option is echoed when it is the only one), else a menu (the one pointed at)."""
    control = _inquirer_control(question)
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
