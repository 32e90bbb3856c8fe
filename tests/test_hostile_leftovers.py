"""Leftovers of "a red flag is never lost, whatever the input" (hostile input).

1. "None of these" typed or ticked together with a red flag at a question an urgent
   rule tests: the red flag wins, in one line, and the urgent result follows; at an
   ordinary multi question the answer is asked again with the reason.
2. A local batch worker killed mid-run: one paragraph, finished records kept, --resume
   finishes byte-identical.
3. A full disk while writing: one paragraph naming the file, data kept.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from screener.terminal.asker import PlainAsker
from screener.terminal.flow import prompt_for, run_questionnaire
from screener.terminal.menus import TerminalAsker

pytestmark = pytest.mark.timeout(120)

TODAY = dt.date(2025, 1, 15)


def _number(ruleset, question: str, code: str) -> int:
    prompt = prompt_for(ruleset.questions.by_id[question], today=TODAY)
    return [o.value for o in prompt.options].index(code) + 1


def _plain(lines):
    out = io.StringIO()
    return PlainAsker(stdin=io.StringIO("".join(line + "\n" for line in lines)), stdout=out), out


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("typed", ["{none},{seizure}", "{seizure} {none}", "none, seizure",
                                   "NONE seizure"])
def test_plain_none_with_a_red_flag_keeps_the_red_flag_and_stops(ruleset, typed):
    numbers = {c: _number(ruleset, "red_flags_now", c) for c in ("none", "seizure")}
    asker, out = _plain([typed.format(**numbers)])
    end = run_questionnaire(ruleset, asker, today=TODAY)
    assert end.status == "urgent"
    assert end.answers["red_flags_now"] == ["seizure"]
    printed = _flat(out.getvalue())
    seizure = next(o.label for o in ruleset.questions.by_id["red_flags_now"].options
                   if o.code == "seizure")
    assert f"You chose 'None of these' and '{seizure}': '{seizure}' is kept." in printed
    assert "Sorry" not in printed


def test_plain_not_sure_and_none_with_two_red_flags(ruleset):
    picks = [_number(ruleset, "red_flags_now", c)
             for c in ("none", "not_sure", "seizure", "chest_pain")]
    asker, out = _plain([",".join(map(str, picks))])
    end = run_questionnaire(ruleset, asker, today=TODAY)
    assert end.status == "urgent"
    assert end.answers["red_flags_now"] == ["seizure", "chest_pain"]
    assert "are kept." in _flat(out.getvalue())


def test_plain_ordinary_multi_reasks_with_the_reason(ruleset):
    medicines = ruleset.questions.by_id["medicines"]
    prompt = prompt_for(medicines, today=TODAY, red_flags=())
    none = _number(ruleset, "medicines", "none")
    asker, out = _plain([f"1,{none}", str(none)])
    assert asker.ask(prompt) == ["none"]
    assert "'None of these' cannot be combined with other answers." in _flat(out.getvalue())


def test_checkbox_select_all_at_the_urgent_check_keeps_every_red_flag(ruleset):
    # questionary's "a" ticks every item, "None of these" and "Not sure" included: it
    # used to be refused at Enter; the red flags now win
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        asker = TerminalAsker(stdout=io.StringIO())
        pipe.send_text("a\r")
        end = run_questionnaire(ruleset, asker, today=TODAY)
    flags = [o.code for o in ruleset.questions.by_id["red_flags_now"].options
             if o.code not in ("none", "not_sure")]
    assert end.status == "urgent"
    assert end.answers["red_flags_now"] == flags
    assert "You chose 'None of these', 'Not sure' and " in _flat(asker.stdout.getvalue())


def test_checkbox_red_flag_preselected_with_none_is_not_refused(ruleset):
    # a draft (or anything else) that gives both as the default: Enter keeps the red flag
    prompt = prompt_for(ruleset.questions.by_id["red_flags_now"], today=TODAY,
                        default=["seizure", "none"],
                        red_flags=("seizure", "chest_pain"))
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        asker = TerminalAsker(stdout=io.StringIO())
        pipe.send_text("\r")
        answer = asker.ask(prompt)
    from screener.terminal.asker import red_flags_win

    kept, line = red_flags_win(answer, prompt)
    assert kept == ["seizure"]
    assert line.endswith("is kept.")


# ------------------------------------------------------ 2. a killed local batch worker

def _dies_on_a_later_chunk(task, chunk):
    """process_chunk, except that the worker given the second chunk kills itself (as
    kill -9 would) once the first chunk's result is checkpointed: picklable by name, so
    the spawned workers run it."""
    import os
    import signal
    import time
    from pathlib import Path

    from screener.batch.worker import process_chunk

    if chunk[0][0] > 3:
        checkpoint = Path(os.environ["HOSTILE_CHECKPOINT"])
        deadline = time.monotonic() + 60
        while not checkpoint.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(os.getpid(), signal.SIGKILL)
    return process_chunk(task, chunk)


def _batch_input(tmp_path, ruleset, count=20):
    from screener.authoring.generate import answer_sets
    from screener.batch import write_input

    sets = answer_sets(ruleset, count, seed=7)
    for i, answers in enumerate(sets):
        answers["respondent_id"] = f"R{i:05d}"
    return write_input(tmp_path / "in.csv", sets, ruleset)


@pytest.mark.slow  # a child process
def test_a_killed_local_worker_ends_in_one_paragraph_and_resume_is_byte_identical(
        tmp_path, ruleset, monkeypatch):
    from screener.batch import executors, paths_for, run_batch
    from screener.errors import BatchError

    source = _batch_input(tmp_path, ruleset)
    out = tmp_path / "out.csv"
    monkeypatch.setenv("HOSTILE_CHECKPOINT", str(paths_for(out)[1]))
    with monkeypatch.context() as patch:
        patch.setattr(executors, "process_chunk", _dies_on_a_later_chunk)
        with pytest.raises(BatchError) as caught:
            run_batch(source, out, workers=2, chunk_size=5, today=TODAY)
    message = str(caught.value)
    assert "a local worker process stopped" in message
    assert "Finished records are kept: run the same command with --resume" in message
    assert "\n" not in message and "Traceback" not in message
    assert paths_for(out)[1].exists() and not out.exists()

    summary = run_batch(source, out, workers=2, chunk_size=5, today=TODAY, resume=True)
    assert summary.resumed_at >= 5
    fresh = tmp_path / "fresh.csv"
    run_batch(source, fresh, workers=1, chunk_size=5, today=TODAY)
    assert out.read_bytes() == fresh.read_bytes()
    assert (tmp_path / "out.errors.csv").read_bytes() == \
        (tmp_path / "fresh.errors.csv").read_bytes()


# ------------------------------------------------------------------ 3. a full disk

def _enospc(*_args, **_kwargs):
    import errno

    raise OSError(errno.ENOSPC, "No space left on device")


def test_a_full_disk_while_saving_a_file_names_it_and_keeps_the_old_one(tmp_path, monkeypatch):
    import os

    from screener.errors import OutputError
    from screener.files import write_private

    target = tmp_path / "answers.json"
    target.write_text("old answers")
    monkeypatch.setattr(os, "fsync", _enospc)
    with pytest.raises(OutputError) as caught:
        write_private(target, "new answers")
    assert str(target) in str(caught.value) and "the disk is full" in str(caught.value)
    monkeypatch.undo()
    assert target.read_text() == "old answers"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["answers.json"]  # no temporary left


class _Filling:
    """A partial file's handle on a disk that fills after ``budget`` writes (shared by
    the output and the errors file): every later write raises ENOSPC."""

    budget = 0

    def __init__(self, handle):
        self.handle = handle

    def write(self, text):
        if _Filling.budget <= 0:
            _enospc()
        _Filling.budget -= 1
        return self.handle.write(text)

    def __getattr__(self, name):
        return getattr(self.handle, name)


def test_a_full_disk_during_batch_is_one_paragraph_and_resume_is_byte_identical(
        tmp_path, ruleset, monkeypatch):
    from screener.batch import checkpoint, paths_for, run_batch
    from screener.errors import ScreenerError

    source = _batch_input(tmp_path, ruleset)
    out = tmp_path / "out.csv"
    real_open = checkpoint._open_private
    with monkeypatch.context() as patch:
        _Filling.budget = 2 + 2 * 2  # the headers, then two chunks
        patch.setattr(checkpoint, "_open_private",
                      lambda path, truncate_to: _Filling(real_open(path, truncate_to)))
        with pytest.raises(ScreenerError) as caught:
            run_batch(source, out, workers=1, chunk_size=5, today=TODAY)
    message = str(caught.value)
    assert str(paths_for(out)[0]) in message  # the partial file, named
    assert "the disk is full" in message
    assert "finished records are kept" in message and "--resume" in message
    assert paths_for(out)[1].exists() and not out.exists()

    summary = run_batch(source, out, workers=1, chunk_size=5, today=TODAY, resume=True)
    assert summary.resumed_at == 10
    fresh = tmp_path / "fresh.csv"
    run_batch(source, fresh, workers=1, chunk_size=5, today=TODAY)
    assert out.read_bytes() == fresh.read_bytes()


def test_a_full_disk_writing_the_checkpoint_is_resumable(tmp_path, ruleset, monkeypatch):
    from screener.batch import checkpoint, run_batch
    from screener.errors import ScreenerError

    source = _batch_input(tmp_path, ruleset)
    out = tmp_path / "out.csv"
    real_save = checkpoint.write_private
    calls = []

    def fills(path, data, **kwargs):
        calls.append(path)
        if len(calls) == 3:
            import os

            os_fsync = os.fsync
            try:
                os.fsync = _enospc
                return real_save(path, data, **kwargs)
            finally:
                os.fsync = os_fsync
        return real_save(path, data, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(checkpoint, "write_private", fills)
        with pytest.raises(ScreenerError) as caught:
            run_batch(source, out, workers=1, chunk_size=5, today=TODAY)
    assert "the disk is full" in str(caught.value) and "--resume" in str(caught.value)
    run_batch(source, out, workers=1, chunk_size=5, today=TODAY, resume=True)
    fresh = tmp_path / "fresh.csv"
    run_batch(source, fresh, workers=1, chunk_size=5, today=TODAY)
    assert out.read_bytes() == fresh.read_bytes()
