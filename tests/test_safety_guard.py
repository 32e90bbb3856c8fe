"""The output guard (screener/safety.py) against the ways a dose was written past it
(issue 20, "Dose guard"), the texts it must leave alone, and its running time."""

import time

import pytest

from screener.safety import find_unsafe_text

CAUGHT = ["Take 5000 I.U. daily", "Tome 5000 U.I. al día", "2 comprimidos al día",
          "take 2 tablets", "3 capsules", "5k IU", "50\u200bIU", "5\u00ad0 mg",
          "five thousand units", "dos mil UI", "10 ml", "20 mEq", "500 milligrams",
          "250 micrograms", "2 grams", "1000 international units",
          "5 unidades internacionales", "una unidad", "\uff11\uff10\uff10\uff10 IU",
          "\U0001d7cf\U0001d7ce mg", "Vitamin D3 1000IU", "2,5 mg", "400 units",
          "a dose", "la posología"]
LEFT_ALONE = ["one tablet with many vitamins and minerals", "drink 8 glasses",
              "in the last 2 weeks", "4 times a day", "6 to 8 glasses",
              "3 to 12 months", "aged 65 or over", "within 30 minutes", "D3",
              "about a quarter of a litre", "type 2 diabetes"]


@pytest.mark.parametrize("text", CAUGHT)
def test_caught(text):
    assert find_unsafe_text(text), text


@pytest.mark.parametrize("text", LEFT_ALONE)
def test_left_alone(text):
    assert find_unsafe_text(text) is None, text


@pytest.mark.parametrize("text", ["1" * 30_000 + "x", "1," * 15_000, "one " * 10_000])
def test_linear_time_on_long_runs(text):
    start = time.perf_counter()
    find_unsafe_text(text)
    assert time.perf_counter() - start < 1.0  # a 20,000-digit run took 33 s before


def test_answers_people_give_are_left_alone():
    """A person's own weight and height are echoed in every report: not an amount."""
    for text in ["75 kg", "178 cm", "weight_kg = 75", "BMI 27.7"]:
        assert find_unsafe_text(text) is None, text
