"""Health data does not linger: once the result is shown, the draft (the unfinished
screening kept for `screener resume`) is removed, whatever happens at the save prompts.
Ctrl-C before the result still keeps it for resume."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
import test_interactive
from test_interactive import CTRL_C, ROUTINE, Keys

from screener.terminal.drafts import DraftStore
from screener.terminal.session import StoppedAfterResult

pytestmark = pytest.mark.timeout(120)
RED_FLAG = {"red_flags_now": ["seizure"]}
#: the fixture that types a questionnaire, found by pytest under this name; bound as a value,
#: not imported, since the tests take a parameter of the same name (an import would be shadowed)
drive = test_interactive.drive


@pytest.mark.parametrize("stop_at", ["save-answers", "save-report"])
def test_ctrl_c_at_a_save_prompt_keeps_no_draft(drive, stop_at):
    """The urgent result (the shortest way to a result) then Ctrl-C at a save prompt:
    before, the whole draft stayed and the next run offered to resume a finished
    screening."""
    with pytest.raises(StoppedAfterResult):
        drive({**RED_FLAG, stop_at: Keys(CTRL_C)})
    assert not DraftStore().path.exists()
    _, _, asker, _ = drive(RED_FLAG)  # the next run starts afresh: nothing to continue
    assert asker.asked[0] == "red_flags_now"


def test_the_draft_is_gone_while_the_save_prompts_are_open(drive, monkeypatch):
    """Already removed when the first save prompt shows (a closed terminal or a killed
    process there leaves nothing behind either)."""
    from screener.terminal import session as session_module

    seen = []
    real = session_module.offer_saves

    def offer_saves(*args, **kwargs):
        seen.append(DraftStore().path.exists())
        return real(*args, **kwargs)

    monkeypatch.setattr(session_module, "offer_saves", offer_saves)
    drive(RED_FLAG)
    assert seen == [False]


def test_ctrl_c_before_the_result_still_keeps_the_draft(drive):
    with pytest.raises(KeyboardInterrupt) as caught:
        drive({**ROUTINE, "sex_at_birth": Keys(CTRL_C)})
    assert not isinstance(caught.value, StoppedAfterResult)
    draft = DraftStore().load()
    assert draft.position == "sex_at_birth" and draft.answers["age_years"] == 70


# ----------------------------------------------------------------------- in a pty

pexpect = pytest.importorskip("pexpect")
SCREENER = Path(sys.executable).with_name("screener")


def spawn(home: Path, *args: str):
    env = dict(os.environ, SCREENER_HOME=str(home), TERM="xterm-256color", NO_COLOR="1",
               PROMPT_TOOLKIT_NO_CPR="1")
    return pexpect.spawn(str(SCREENER), list(args), env=env, encoding="utf-8", timeout=60,
                         dimensions=(50, 200))


@pytest.mark.slow  # a pseudo-terminal
@pytest.mark.parametrize("plain", [False, True])
def test_ctrl_c_at_save_in_a_terminal_removes_the_draft_and_says_so(tmp_path, plain):
    home = tmp_path / "home"
    child = spawn(home, "run", *(["--plain"] if plain else []))
    if plain:
        child.expect("Answer: ")
        child.sendline("2")  # seizure (option 2 of the urgent check)
    else:
        child.expect("None of these")
        child.send("\x1b[B \r")  # down to "A seizure", tick, confirm
    child.expect("GET URGENT MEDICAL CARE NOW")
    child.expect(r"Save your answers to a file")
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    said = " ".join(child.before.split())
    assert "Stopped. Your result was shown, so the saved answers were removed" in said
    assert "screener resume" not in said
    assert not (home / "draft.json").exists()  # removed once the result showed

    child = spawn(home, "resume")  # nothing to resume
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 2 and "no unfinished screening to resume" in child.before
