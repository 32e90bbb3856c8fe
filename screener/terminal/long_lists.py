"""Long menus and checkboxes: typed option numbers and the cues for options out of sight.

On a list of LONG_LIST options or more, an option number can have two digits, so a
number typed there is collected digit by digit (``TypedNumber``), shown under the list,
and used only with Space or Enter: a pause between "1" and "4" can never split 14 into
1 and 4, nor join them. A list cut by the terminal's height says how many options are
above and below it. Like toolkit.py, this reaches into questionary's inner workings
(tests/test_toolkit_contract.py keeps what it relies on checked).
"""

from __future__ import annotations

from collections.abc import Callable

from ..i18n import _
from .asker import Prompt
from .toolkit import inquirer_control, screen_width

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


def add_number_keys(question, count: int) -> TypedNumber:
    """Digits on a long menu or checkbox collect a number (moving the highlight to the
    option it names) instead of choosing: what the number does happens on Space or Enter
    (the caller's). Backspace takes back a digit; any other key (an arrow) forgets it,
    so Space then acts on the highlighted option."""
    from prompt_toolkit.keys import Keys

    bindings = question.application.key_bindings
    control = inquirer_control(question)
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
    control = inquirer_control(question)

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
    control = inquirer_control(question)
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
    control = inquirer_control(question)
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
