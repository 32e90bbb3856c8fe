"""The interactive questionnaire driven through real questionary prompts.

Keys go into a prompt_toolkit pipe input (no terminal needed) and the screen goes to a
DummyOutput; the real engine screens the answers. Before each prompt, the driver types
the keys for that prompt from a script keyed by question id, the way a person would:
option numbers for choices, arrows and Space for checkboxes, text for numbers.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import stat

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from screener.interop.answers_file import load_answers_file
from screener.terminal.asker import BACK
from screener.terminal.drafts import Draft, DraftStore
from screener.terminal.flow import DONE, run_questionnaire
from screener.terminal.menus import TerminalAsker
from screener.terminal.session import session

pytestmark = pytest.mark.timeout(60)

TODAY = dt.date(2025, 1, 15)
DOWN, ENTER, SPACE, CLEAR, CTRL_C = "\x1b[B", "\r", " ", "\x15", "\x03"


class Keys(str):
    """Raw keys to type, instead of an answer to translate."""


class Seq(list):
    """Answers given in turn when a question is asked more than once."""


#: an older person indoors most of the time: a routine result (possible low vitamin D)
ROUTINE = {
    "red_flags_now": ["none"], "age_years": 70, "sex_at_birth": "female",
    "pregnancy": "neither",  # v3: asked from 10, over 60 too
    "height_cm": 165,
    "weight_kg": 60, "unintended_weight_loss": "no", "hemisphere": "north",
    "latitude_band": "far", "outdoor_daylight": "under_15_min", "housebound": "yes",
    "skin_covered_outdoors": "no", "skin_tone": "fair", "diet_pattern": "omnivore",
    "oily_fish_per_week": "none", "dairy_per_day": "two", "avoids_dairy": "no",
    "fortified_foods": "no", "fruit_veg_per_day": "two_to_four",
    "greens_nuts_wholegrains": "some_days", "alcohol_per_week": "none",
    "weight_control": ["none"],
    "fluids_per_day": "6_to_8", "urine_colour": "pale", "urination_under_4_per_day": "no",
    "thirsty_often": "no", "heavy_sweating": "no", "hot_weather_now": "no",
    "vomiting_diarrhoea": "none",
    "medicines": ["none"], "supplements": ["none"], "conditions": ["none"],
    "muscle_cramps": "none", "muscle_twitching": "none", "tingling": "none",
    "muscle_weakness": "none", "bone_pain": "no", "fatigue": "no",
    "dizzy_on_standing": "no", "constipation": "no", "palpitations": "no",
    "acute_changes": ["none"],
}


def keys_for(prompt, answer) -> str:
    """The keys a person types to give ``answer`` on ``prompt``."""
    if isinstance(answer, Keys):
        return str(answer)
    if answer is BACK:
        return "<" + ENTER  # on menus too: the Enter after < is what goes back
    values = [o.value for o in prompt.options]
    if prompt.kind == "confirm":
        return "y" if answer else "n"
    if prompt.kind == "choice" and prompt.key == "review":
        return DOWN * values.index(answer) + ENTER
    if prompt.kind == "choice":
        return str(values.index(answer) + 1) + ENTER  # the option number (shortcut)
    if prompt.kind == "multi":
        keys, at = "", 0
        for index in sorted(values.index(a) for a in answer):
            keys += DOWN * (index - at) + SPACE
            at = index
        return keys + ENTER
    return CLEAR + ("" if answer is None else str(answer)) + ENTER


class PipeAsker(TerminalAsker):
    """The real terminal asker; before each prompt it types the scripted keys.

    ``script`` maps a prompt key (question id) to an answer, or to a ``Seq`` of
    answers used in turn (for a question asked twice; the last one repeats). Unscripted confirmations say no,
    the review screen says "show my result", date prompts keep today."""

    def __init__(self, pipe, script: dict):
        super().__init__(stdout=io.StringIO())
        self.pipe = pipe
        self.script = {k: list(v) if isinstance(v, Seq) else [v] for k, v in script.items()}
        self.asked: list[str] = []

    def ask(self, prompt):
        self.asked.append(prompt.key)
        queue = self.script.get(prompt.key)
        if queue:
            answer = queue.pop(0) if len(queue) > 1 else queue[0]
        elif prompt.key == "review":
            answer = DONE
        elif prompt.key == "save-report":
            answer = "no-report"
        elif prompt.kind in ("confirm", "date", "text"):
            answer = Keys(ENTER) if prompt.kind != "confirm" else False
        else:
            raise AssertionError(f"no scripted answer for {prompt.key}")
        self.pipe.send_text(keys_for(prompt, answer))
        return super().ask(prompt)

    @property
    def printed(self) -> str:
        return self.stdout.getvalue()


@pytest.fixture
def drive(ruleset, tmp_path, monkeypatch):
    """drive(script, **session kwargs) -> (outcome, result, asker, store)."""
    monkeypatch.setenv("SCREENER_HOME", str(tmp_path / "home"))

    def run(script, **kwargs):
        store = DraftStore()
        with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
            asker = PipeAsker(pipe, script)
            outcome, result = session(ruleset, asker, store=store, today=TODAY,
                                      folder=tmp_path, **kwargs)
        return outcome, result, asker, store
    return run


def expected(answers: dict) -> dict:
    return {**answers, "screened_on": TODAY.isoformat()}


@pytest.mark.slow  # a whole questionnaire typed through prompt_toolkit (6-25 s each here)
def test_full_run_to_routine_result(drive, tmp_path, ruleset, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # progress lines on one line each (they wrap at 80)
    script = {**ROUTINE, "save-answers": True, "answers-path": Keys(ENTER),
              "save-report": "md", "report-path": Keys(ENTER)}
    outcome, result, asker, store = drive(script)
    assert outcome.status == "complete"
    assert outcome.answers == {k: v for k, v in expected(ROUTINE).items()}
    assert "ppi_duration" not in asker.asked and "heat_symptoms_now" not in asker.asked  # skip logic
    assert result.triage == "routine"
    assert [f.id for f in result.factors] == ["vitamin_d", "calcium_intake"]
    # the result screen: triage first, then the factor with its reason
    printed = asker.printed
    assert "RESULT: DISCUSS WITH A CLINICIAN AT A ROUTINE APPOINTMENT" in printed
    assert printed.index("RESULT:") < printed.index("Possible low vitamin D")
    # progress: a question number that goes up by one, a total that can only shrink
    # (questions that may still be shown are counted), an honest "about" for the time
    progress = re.findall(r"^(.+) · question (\d+) of (up to )?(\d+) · (.+)$", printed, re.M)
    assert progress[0][:2] == ("Urgent check", "1") and progress[0][2] == "up to "
    assert [int(p[1]) for p in progress] == list(range(1, len(progress) + 1))
    totals = [int(p[3]) for p in progress]
    assert totals == sorted(totals, reverse=True) and totals[-1] == len(progress)
    assert progress[-1][2:] == ("", str(len(progress)), "last question")
    assert all(re.fullmatch(r"about \d+ min left", p[4]) for p in progress[:-1])
    assert "Diet · question" in printed and "under a minute" not in printed
    # the answers file was saved privately and screens to the same answers
    saved = tmp_path / f"screening-answers-{TODAY.isoformat()}.json"
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert load_answers_file(saved, ruleset).values == result.answers
    report = tmp_path / f"screening-report-{TODAY.isoformat()}.md"
    assert stat.S_IMODE(report.stat().st_mode) == 0o600
    assert "Possible low vitamin D" in report.read_text()
    assert not store.path.exists()  # the draft is gone once the result is shown


def test_red_flag_stops_at_once(drive):
    outcome, result, asker, _ = drive({"red_flags_now": ["seizure", "fainting"]})
    assert outcome.status == "urgent"
    assert outcome.urgent_rules == ("TR-URGENT-RED-FLAG",)
    assert asker.asked == ["red_flags_now", "save-answers", "save-report"]  # nothing else was asked
    assert result.triage == "urgent"
    assert "GET URGENT MEDICAL CARE NOW" in asker.printed
    assert "Possible" not in asker.printed


@pytest.mark.slow  # a whole questionnaire typed through prompt_toolkit (6-25 s each here)
def test_late_red_flag_stops_before_the_review(drive):
    script = {**ROUTINE, "palpitations": "with_chest_pain_or_fainting"}
    outcome, result, asker, _ = drive(script)
    assert outcome.status == "urgent" and result.triage == "urgent"
    assert "review" not in asker.asked
    assert [e.rule for e in result.triggered_by] == ["TR-URGENT-PALPITATIONS"]


@pytest.mark.slow  # a whole questionnaire typed through prompt_toolkit (6-25 s each here)
def test_back_navigation_changes_an_earlier_answer(drive):
    # age 70, then Back from the sex question, age 40 instead: pregnancy is now asked
    script = {**ROUTINE, "age_years": Seq([70, 40]), "sex_at_birth": Seq([BACK, "female"]),
              "pregnancy": "neither"}
    outcome, result, asker, _ = drive(script)
    assert asker.asked[:5] == ["red_flags_now", "age_years", "sex_at_birth", "age_years",
                               "sex_at_birth"]
    assert outcome.answers["age_years"] == 40
    assert outcome.answers["pregnancy"] == "neither"
    assert result.answers["age_years"] == 40


@pytest.mark.slow  # a whole questionnaire typed through prompt_toolkit (6-25 s each here)
def test_back_keeps_the_answer_preselected(drive, ruleset):
    # Back from urine colour, then Enter alone on fluids: the earlier answer is kept
    script = {**ROUTINE, "urine_colour": Seq([BACK, "pale"]),
              "fluids_per_day": Seq(["over_8", Keys(ENTER)])}
    outcome, _, _, _ = drive(script)
    assert outcome.answers["fluids_per_day"] == "over_8"


@pytest.mark.slow  # a whole questionnaire typed through prompt_toolkit (6-25 s each here)
def test_validation_reasks_with_the_reason(drive):
    script = {**ROUTINE,
              "age_years": Keys("abc" + ENTER + CLEAR + "200" + ENTER + CLEAR + "45" + ENTER),
              "height_cm": "5'7\"", "weight_kg": "154 lb", "pregnancy": "neither"}
    outcome, _, asker, _ = drive(script)
    assert outcome.answers["age_years"] == 45
    assert outcome.answers["height_cm"] == 170 and outcome.answers["weight_kg"] == 70
    assert "Recorded: 5 ft 7 in = 170 cm." in asker.printed
    assert "Recorded: 154 lb = 70 kg." in asker.printed


@pytest.mark.slow  # a whole questionnaire typed through prompt_toolkit (6-25 s each here)
def test_review_and_change(drive, ruleset):
    # on the review screen change "housebound" to no, then show the result
    script = {**ROUTINE, "review": Seq(["housebound", DONE]), "housebound": Seq(["yes", "no"]),
              "outdoor_daylight": "over_60_min", "latitude_band": "tropics",
              "confirm:indoors-but-long-daylight": True}
    outcome, result, asker, _ = drive(script)
    assert asker.asked.count("review") == 2
    assert asker.asked.count("housebound") == 2
    assert outcome.answers["housebound"] == "no"
    assert result.answers["housebound"] == "no"
    assert "VD-SUN" not in result.fired_rules  # the housebound indicator is gone


@pytest.mark.slow  # a whole questionnaire typed through prompt_toolkit (6-25 s each here)
def test_review_change_asks_newly_shown_questions(drive):
    # changing medicines on the review screen to include PPIs brings up ppi_duration
    script = {**ROUTINE, "review": Seq(["medicines", DONE]),
              "medicines": Seq([["none"], ["ppi"]]), "ppi_duration": "over_12_months"}
    outcome, _, asker, _ = drive(script)
    assert outcome.answers["medicines"] == ["ppi"]
    assert outcome.answers["ppi_duration"] == "over_12_months"
    after_change = asker.asked[asker.asked.index("review"):]
    assert after_change[:3] == ["review", "medicines", "ppi_duration"]


@pytest.mark.slow  # a whole questionnaire typed through prompt_toolkit (6-25 s each here)
def test_unusual_combination_is_confirmed_once(drive):
    # much fluid and little urine: "no, that is wrong" re-asks, then a plain answer
    script = {**ROUTINE, "fluids_per_day": "over_8", "urination_under_4_per_day": Seq(["yes", "no"]),
              "confirm:much-fluid-little-urine": False}
    outcome, _, asker, _ = drive(script)
    assert asker.asked.count("confirm:much-fluid-little-urine") == 1
    assert asker.asked.count("urination_under_4_per_day") == 2
    assert outcome.answers["urination_under_4_per_day"] == "no"


@pytest.mark.slow  # a whole questionnaire typed through prompt_toolkit (6-25 s each here)
def test_none_clears_the_other_ticks(drive):
    # tick Seizure, then None of these: only "none" remains, so no urgent stop
    red = Keys(DOWN + SPACE + DOWN * 9 + SPACE + ENTER)
    outcome, _, _, _ = drive({**ROUTINE, "red_flags_now": red})
    assert outcome.status == "complete"
    assert outcome.answers["red_flags_now"] == ["none"]


@pytest.mark.slow  # a whole questionnaire typed through prompt_toolkit (6-25 s each here)
def test_help_key_shows_the_help(drive, ruleset):
    # "?" shows the help, then the same question comes back: "2" is "No"
    outcome, _, asker, _ = drive({**ROUTINE, "bone_pain": Keys("?" + "2" + ENTER)})
    assert outcome.answers["bone_pain"] == "no"
    assert "Help: " + ruleset.questions.by_id["bone_pain"].help in " ".join(asker.printed.split())


@pytest.mark.slow  # a whole questionnaire typed through prompt_toolkit (6-25 s each here)
def test_enter_after_help_on_a_menu_records_nothing(drive, ruleset):
    """People type ? then Enter (as on typed questions): that Enter must not record the
    highlighted option ("Yes", the first). The menu stays open and "2" then picks "No"."""
    from screener.terminal.flow import prompt_for

    none = keys_for(prompt_for(ruleset.questions.by_id["medicines"], today=TODAY), ["none"])
    outcome, _, asker, _ = drive({**ROUTINE, "bone_pain": Keys("?" + ENTER + "2" + ENTER),
                                  "medicines": Keys("?" + ENTER + none)})
    assert outcome.answers["bone_pain"] == "no"
    assert outcome.answers["medicines"] == ["none"]
    assert asker.asked.count("bone_pain") == 1 and asker.asked.count("medicines") == 1
    assert "Help: " + ruleset.questions.by_id["bone_pain"].help in " ".join(asker.printed.split())
    assert "an Enter right after ? is ignored" in " ".join(asker.printed.split())  # on screen


#: a real terminal's reply to prompt_toolkit's cursor-position request (ESC[6n); it
#: arrives as a key event, often between two keys the person typed
CPR_REPLY = "\x1b[5;1R"


@pytest.mark.slow  # a whole questionnaire typed through prompt_toolkit
def test_terminal_replies_between_help_or_back_and_enter_choose_nothing(drive, ruleset):
    """Issue 21.1: with the terminal's cursor-position reply between "?" (or "<") and
    Enter, "? Enter" recorded the highlighted option and "< Enter" at the pregnancy
    question recorded "Pregnant": answers nobody chose. The reply is not a key press."""
    outcome, _, asker, _ = drive({
        **ROUTINE,
        "bone_pain": Keys("?" + CPR_REPLY + ENTER + "2" + ENTER),
        "pregnancy": Seq([Keys("<" + CPR_REPLY + ENTER), "neither"]),
        "sex_at_birth": Seq(["female", "female"])})
    assert outcome.answers["bone_pain"] == "no"
    assert outcome.answers["pregnancy"] == "neither"
    assert asker.asked.count("pregnancy") == 2  # "<" went back to sex at birth, then on
    assert asker.asked.count("sex_at_birth") == 2


@pytest.mark.parametrize("key", ["bone_pain", "medicines", "review"])
def test_question_still_pending_after_help_and_enter(ruleset, key):
    """Only "?" and Enter typed, then the keyboard ends: no answer comes back at all."""
    from screener.terminal.asker import Option, Prompt
    from screener.terminal.flow import prompt_for

    if key == "review":  # a menu with a preselected default: Enter would pick it
        prompt = Prompt(kind="choice", text="Is everything right?", key="review",
                        help="Choose an answer to change it.", default="done",
                        options=(Option("done", "Show my result"), Option("x", "Change x")))
    else:
        prompt = prompt_for(ruleset.questions.by_id[key], today=TODAY)
    assert prompt.help
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        asker = TerminalAsker(stdout=io.StringIO())
        pipe.send_text("?" + ENTER)
        pipe.close()
        with pytest.raises(EOFError):
            asker.ask(prompt)
    assert "Help: " in asker.stdout.getvalue()


# ------------------------------------------------------------------ drafts and resume

@pytest.mark.slow  # a whole questionnaire typed through prompt_toolkit (6-25 s each here)
def test_ctrl_c_keeps_a_private_draft_and_resume_gives_the_same_result(drive, ruleset):
    interrupted = {**ROUTINE, "skin_tone": Keys(CTRL_C)}
    with pytest.raises(KeyboardInterrupt):
        drive(interrupted)
    store = DraftStore()
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    draft = store.load()
    assert draft.position == "skin_tone"
    assert draft.answers["housebound"] == "yes" and "skin_tone" not in draft.answers
    assert draft.ruleset_hash == ruleset.content_hash
    # resume answers only from where it stopped
    _, resumed, asker, _ = drive(ROUTINE, resume=True)
    assert asker.asked[0] == "skin_tone"
    _, uninterrupted, _, _ = drive(ROUTINE, fresh=True)
    assert resumed.model_dump() == uninterrupted.model_dump()


@pytest.mark.slow  # a whole questionnaire typed through prompt_toolkit (6-25 s each here)
def test_run_offers_to_continue_a_draft(drive):
    with pytest.raises(KeyboardInterrupt):
        drive({**ROUTINE, "diet_pattern": Keys(CTRL_C)})
    _, _, asker, _ = drive({**ROUTINE, "continue-draft": True})
    assert asker.asked[:2] == ["continue-draft", "diet_pattern"]


def test_resume_without_draft_is_an_error(drive):
    from screener.errors import ScreenerError
    with pytest.raises(ScreenerError, match="no unfinished screening"):
        drive({}, resume=True)


def test_draft_is_written_atomically(tmp_path, monkeypatch):
    store = DraftStore(tmp_path)
    store.save(Draft(ruleset_hash="h", answers={"age_years": 40}, position="sex_at_birth"))
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600

    def crash(*_args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        store.save(Draft(ruleset_hash="h", answers={"age_years": 41}, position="height_cm"))
    monkeypatch.undo()
    assert store.load().answers == {"age_years": 40}  # the old draft, whole
    assert [p.name for p in tmp_path.iterdir()] == ["draft.json"]  # no temp file left


def test_library_flow_hooks(ruleset):
    """The flow calls on_answer after each accepted answer (for the demo)."""
    from screener.terminal.asker import ScriptedAsker

    seen = []
    outcome = run_questionnaire(ruleset, ScriptedAsker(dict(ROUTINE)), today=TODAY,
                                on_answer=lambda q, v, answers: seen.append((q.id, v, len(answers))))
    assert outcome.status == "complete"
    assert seen[0] == ("red_flags_now", ["none"], 1)
    bank_order = [q.id for q in ruleset.questions if q.id in outcome.answers]
    assert [s[0] for s in seen] == bank_order  # every answer, the date too, in bank order
    assert seen[-1][2] == len(outcome.answers)


@pytest.mark.slow  # a whole questionnaire typed through prompt_toolkit (6-25 s each here)
def test_saving_does_not_overwrite_without_confirmation(drive, tmp_path):
    target = tmp_path / f"screening-answers-{TODAY.isoformat()}.json"
    target.write_text("keep me")
    other = tmp_path / "mine.json"
    script = {**ROUTINE, "save-answers": True,
              "answers-path": Seq([Keys(ENTER), Keys(CLEAR + str(other) + ENTER)]),
              "answers-overwrite": False}
    drive(script)
    assert target.read_text() == "keep me"
    assert json.loads(other.read_text())["age_years"] == 70


# ------------------------------------------------------------ first-run polish (issue 12)

def _ask_multi(keys: str, prompt):
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        asker = TerminalAsker(stdout=io.StringIO())
        pipe.send_text(keys)
        return asker.ask(prompt), asker.stdout.getvalue()


@pytest.mark.parametrize("keys, picked", [
    # a long list: a typed number ticks with Space or Enter (tests/test_menu_numbers.py)
    ("3" + SPACE + ENTER, [3]),
    ("1" + "6" + SPACE + ENTER, [16]),
    ("1" + ENTER + ENTER, [1]),      # Enter ticks the number; the next Enter confirms
    ("2" + SPACE + "1" + "4" + SPACE + ENTER, [2, 14]),
    ("3" + SPACE + "3" + SPACE + "5" + SPACE + ENTER, [5]),  # a number again unticks it
    ("2" + SPACE + "17" + SPACE + ENTER, [17]),  # 17 is "None of these": it clears the others
])
def test_numbers_tick_on_a_multi_select(ruleset, keys, picked):
    from screener.terminal.flow import prompt_for

    medicines = ruleset.questions.by_id["medicines"]
    prompt = prompt_for(medicines, today=TODAY)
    values = [o.value for o in prompt.options]
    assert len(values) == 18 and values[16] == "none"
    answer, printed = _ask_multi(keys, prompt)
    assert answer == [values[n - 1] for n in sorted(picked)]
    if len(picked) > 1:  # the ticked answers are repeated in words
        labels = [prompt.options[n - 1].label for n in sorted(picked)]
        assert "Ticked: " + "; ".join(labels) in " ".join(printed.split())  # lines wrap


def test_review_lines_wrap_instead_of_being_cut(monkeypatch):
    from screener.terminal.menus import wrap_label as _wrap

    monkeypatch.setenv("COLUMNS", "60")
    label = ("Do you regularly take any of these medicines?  ->  Stomach-acid tablets "
             "taken most days for more than a year (such as omeprazole or lansoprazole)")
    wrapped = _wrap(label, 3)
    lines = wrapped.split("\n")
    assert len(lines) > 1 and all(len(line) <= 59 for line in lines)
    assert wrapped.split() == label.split()  # every word kept, none cut
    assert all(line.startswith("   ") for line in lines[1:])
    assert _wrap("short", 3) == "short"


@pytest.mark.slow  # a whole questionnaire typed through prompt_toolkit (6-25 s each here)
def test_nobody_is_asked_the_date(drive):
    outcome, result, asker, _ = drive(dict(ROUTINE))
    assert "screened_on" not in asker.asked
    assert outcome.answers["screened_on"] == TODAY.isoformat()  # today, or --date
    questions = asker.printed.split("Your result")[0]
    assert "Date of this screening" not in questions and "today's date" not in questions


def test_report_menu_names_formats_in_words(drive):
    from screener.answers import validate_answers
    from screener.screening import screen
    from screener.terminal.asker import ScriptedAsker
    from screener.terminal.session import offer_saves

    asker = ScriptedAsker({"save-answers": False, "save-report": "no-report"})
    from screener.ruleset.loading import load_ruleset
    ruleset = load_ruleset()
    validated = validate_answers(ROUTINE, ruleset, today=TODAY)
    offer_saves(ruleset, asker, validated.values, screen(validated, ruleset), view="person",
                today=TODAY, folder=None)
    menu = next(p for p in asker.shown if p.key == "save-report")
    labels = [o.label for o in menu.options]
    assert "Markdown (.md)" in labels and "PDF (.pdf)" in labels
    assert not any(label in ("MD", "HTML", "PDF", "FHIR") for label in labels)


@pytest.mark.parametrize("saved", [["old_code"], ["chest_pain", "none"], None])
def test_resume_asks_the_urgent_check_first_when_its_answer_did_not_survive(drive, saved):
    """A draft whose urgent answer no longer fits (the questions changed, or the file was
    edited) or is missing goes on from the urgent check, not from the saved position:
    a red flag is never passed over on resume (found by a red-team run: a saved chest
    pain ended as 'see a clinician within days')."""
    answers = {"age_years": 70}
    if saved is not None:
        answers["red_flags_now"] = saved
    DraftStore().save(Draft(ruleset_hash="changed", answers=answers, position="sex_at_birth"))
    outcome, result, asker, _ = drive({"red_flags_now": ["chest_pain"]}, resume=True)
    assert asker.asked[0] == "red_flags_now"
    assert outcome.status == "urgent" and result.triage == "urgent"


@pytest.mark.parametrize("text", [
    '{"ruleset_hash": "x", "answers": {"red_flags_now": ["chest_pain"], "age_years": 50, '
    '"red_flags_now": ["none"]}, "position": "sex_at_birth"}',  # a repeated key
    '{"ruleset_hash": "x", "answers": {"red_flags_now": ["chest_pain"]}, "bogus": 1}',
])
def test_a_draft_that_cannot_be_read_still_says_its_red_flag(drive, text):
    from screener.errors import AnswersError

    store = DraftStore()
    store.path.write_text(text)
    with pytest.raises(AnswersError, match="cannot be read") as error:
        drive({}, resume=True)
    assert error.value.red_flags == ["red_flags_now=chest_pain"]


def test_resume_does_not_go_back_for_a_later_question_skipped_on_purpose(ruleset):
    """Only the urgent check (the first section) is asked again when unanswered; a later
    question left unanswered (urine_colour can make the result urgent too) does not send
    the person back over their answers, unless its saved answer no longer fits."""
    from screener.terminal.session import _resume_at

    answers = {"red_flags_now": ["none"], "age_years": 70}
    draft = Draft(ruleset_hash="h", answers=answers, position="palpitations")
    assert _resume_at(draft, dict(answers), ruleset) == "palpitations"
    assert _resume_at(draft, {"age_years": 70}, ruleset) == "red_flags_now"
    tampered = Draft(ruleset_hash="h", answers={**answers, "urine_colour": "purple"},
                     position="palpitations")
    assert _resume_at(tampered, dict(answers), ruleset) == "urine_colour"
