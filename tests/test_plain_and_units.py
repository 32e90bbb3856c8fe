"""Plain (screen-reader) mode with typed lines, and typed units of height and weight."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from screener.terminal.asker import PlainAsker
from screener.terminal.drafts import DraftStore
from screener.terminal.session import session
from screener.terminal.units import parse_date, parse_length, parse_mass, parse_number

pytestmark = pytest.mark.timeout(60)
TODAY = dt.date(2025, 1, 15)


def plain_session(ruleset, tmp_path, lines: list[str]):
    out = io.StringIO()
    asker = PlainAsker(stdin=io.StringIO("".join(line + "\n" for line in lines)), stdout=out)
    store = DraftStore(tmp_path)
    try:
        outcome, result = session(ruleset, asker, store=store, today=TODAY, folder=tmp_path)
    except EOFError:
        outcome = result = None
    return outcome, result, out.getvalue(), store


def test_plain_mode_numbers_help_back_and_reasons(ruleset, tmp_path):
    lines = ["11,12",  # "None of these" and "Not sure": refused with the reason (a red
             #           flag with "None of these" wins instead: test_hostile_leftovers)
             "11",     # None of these
             "?",      # help on age
             "200",    # out of range: re-asked with the reason
             "<",      # back to the red flags
             "",       # Enter keeps the answer shown ([11])
             "70"]     # then the input ends: EOF keeps the draft
    outcome, _, out, store = plain_session(ruleset, tmp_path, lines)
    assert outcome is None
    assert "  11. None of these" in out  # numbered options, no arrow menus
    assert "Sorry: 'None of these' cannot be combined with other answers." in out
    assert "Help: Your age in whole years." in out
    assert "Sorry: Age must be between 0 and 120 (you typed 200)." in out
    assert "\x1b" not in out  # no colour or cursor codes at all
    draft = store.load()
    assert draft.answers == {"red_flags_now": ["none"], "age_years": 70}
    assert draft.position == "sex_at_birth"


def test_plain_mode_urgent_stop(ruleset, tmp_path):
    outcome, result, out, _ = plain_session(ruleset, tmp_path, ["2", "n", "1"])  # red flag, no save, no report
    assert outcome.status == "urgent" and result.triage == "urgent"
    assert "RESULT: GET URGENT MEDICAL CARE NOW" in out
    assert "How old are you?" not in out


@pytest.mark.parametrize("typed, cm", [
    ("170", 170), ("170 cm", 170), ("1.70 m", 170), ("5'7\"", 170), ("5' 7", 170),
    ("5 ft 7", 170), ("5ft 7in", 170), ("6 feet", 183), ("67 in", 170), ("5’7”", 170),
])
def test_heights(typed, cm):
    assert parse_number(typed, unit="cm", minimum=50, maximum=250, name="Height")[0] == cm


@pytest.mark.parametrize("typed, kg", [
    ("70", 70), ("70 kg", 70), ("154 lb", 70), ("154lbs", 70), ("11 st 4", 72),
    ("11st 4lb", 72), ("11 stone", 70),
])
def test_weights(typed, kg):
    assert parse_number(typed, unit="kg", minimum=20, maximum=350, name="Weight")[0] == kg


@pytest.mark.parametrize("typed, reason", [
    ("tall", "Height must be a number of centimetres"),
    ("5'13\"", "13 inches is 12 or more"),
    ("1'2\"", "Height must be between 50 and 250 cm (1 ft 2 in = 36 cm)."),
])
def test_height_reasons(typed, reason):
    with pytest.raises(ValueError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        parse_number(typed, unit="cm", minimum=50, maximum=250, name="Height")


def test_conversion_is_shown_back():
    assert parse_length("5'7\"")[1] == "5 ft 7 in = 170 cm"
    assert parse_mass("154 lb")[1] == "154 lb = 70 kg"
    assert parse_length("170")[1] == ""


def test_dates():
    assert parse_date("", TODAY) == "2025-01-15"
    assert parse_date("2024-12-01", TODAY) == "2024-12-01"
    with pytest.raises(ValueError, match="future"):
        parse_date("2025-02-01", TODAY)
    with pytest.raises(ValueError, match="not a real date"):
        parse_date("2024-02-30", TODAY)
