"""What screener/terminal/toolkit.py relies on inside questionary and prompt_toolkit.

Neither library promises these as public API. If an upgrade moves one, this file fails
with the name of what moved, before any person meets a menu that ignores their keys.
Each test drives a real questionary prompt through prompt_toolkit's pipe input.
"""

from __future__ import annotations

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.keys import Keys
from prompt_toolkit.output import DummyOutput

from screener.terminal.asker import BACK, Option, Prompt
from screener.terminal.long_lists import add_tick_keys
from screener.terminal.toolkit import add_answer_letters, add_help_and_back

questionary = pytest.importorskip("questionary")

OPTIONS = tuple(Option(code, code.title()) for code in ("a", "b", "c", "none"))
MULTI = Prompt(kind="multi", text="Pick", options=OPTIONS, exclusive=("none",),
               help="Some help.", can_back=True)


def answer(build, keys: str):
    """Run the prompt built by ``build()`` with ``keys`` typed into it."""
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        question = build()
        pipe.send_text(keys)
        return question.unsafe_ask()


def test_the_application_has_key_bindings_with_questionarys_enter():
    question = questionary.select("Pick", choices=["x", "y"])
    bindings = question.application.key_bindings
    assert [b for b in bindings.bindings if b.keys == (Keys.ControlM,)], "Enter binding moved"


def test_the_checkbox_control_exposes_ticks_and_pointer():
    from questionary.prompts.common import InquirerControl

    question = questionary.checkbox("Pick", choices=["x", "y"])
    controls = [c for c in question.application.layout.find_all_controls()
                if isinstance(c, InquirerControl)]
    assert len(controls) == 1
    control = controls[0]
    assert control.selected_options == [] and control.pointed_at == 0
    assert control.get_pointed_at().value == "x"


def test_numbers_and_space_tick_and_none_stands_alone():
    def build():
        question = questionary.checkbox("Pick", choices=[questionary.Choice(o.label, o.value)
                                                         for o in OPTIONS])
        _typed, flush = add_tick_keys(question, MULTI)
        add_help_and_back(question, MULTI, lambda prompt: None, before_enter=flush)
        return question

    assert answer(build, "1" + "3" + "\r") == ["a", "c"]
    assert answer(build, "1" + "4" + "\r") == ["none"]  # none clears the others
    assert answer(build, "\x1b[B" + " " + "\r") == ["b"]  # space ticks the pointed option
    assert answer(build, "2" + " " + "\r") == []  # a number also points: space unticks it


def test_question_mark_then_enter_chooses_nothing_and_back_needs_its_enter():
    shown = []

    def build():
        question = questionary.select("Pick", choices=["x", "y"])
        prompt = Prompt(kind="choice", text="Pick", help="Some help.", can_back=True)
        add_help_and_back(question, prompt, shown.append)
        return question

    assert answer(build, "?\r" + "\x1b[B" + "\r") == "y"  # the Enter after ? chose nothing
    assert shown and shown[0].help == "Some help."
    assert answer(build, "<\r") is BACK


def test_answer_letters_answer_at_once():
    def build():
        question = questionary.select("Sure?", choices=[questionary.Choice("Yes", True),
                                                         questionary.Choice("No", False)])
        add_answer_letters(question, {"s": True, "n": False})
        return question

    assert answer(build, "n") is False
    assert answer(build, "s") is True


def test_the_validation_toolbar_can_grow_and_the_field_be_cleared():
    """A typed answer's refusal is shown whole (prompt_toolkit's toolbar is one line
    high) and an id refused is cleared from the field."""
    from screener.terminal.toolkit import clear_typed_text, show_whole_validation_message

    def build():
        def check(text):
            if text == "ok":
                return True
            clear_typed_text()
            return "no"

        question = questionary.text("Id", validate=check)
        assert show_whole_validation_message(question), "validation toolbar moved"
        return question

    assert answer(build, "bad\r" + "ok\r") == "ok"
