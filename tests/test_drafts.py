"""A Ctrl-C that arrives while the draft is being written (between prompts the terminal
sends it as SIGINT) must neither lose the new draft nor leave a temporary file."""

from __future__ import annotations

import json
import os
import signal
import threading

from screener import files
from screener.terminal.drafts import Draft, DraftStore


def test_ctrl_c_during_the_draft_write_keeps_the_new_draft(tmp_path, monkeypatch):
    store = DraftStore(tmp_path)
    store.save(Draft(ruleset_hash="h", answers={"age_years": 70}, position="sex_at_birth"))
    real_fsync = os.fsync

    def fsync_with_ctrl_c(fd):  # the signal lands in the middle of the write
        os.kill(os.getpid(), signal.SIGINT)
        real_fsync(fd)

    monkeypatch.setattr(files.os, "fsync", fsync_with_ctrl_c)
    handler = signal.signal(signal.SIGINT, signal.default_int_handler)  # Ctrl-C as usual
    # another thread, as prompt_toolkit's workers in a real session: any thread may
    # receive the signal, so holding it must not depend on which one does
    done = threading.Event()
    worker = threading.Thread(target=done.wait)
    worker.start()
    interrupted = False
    try:
        store.save(Draft(ruleset_hash="h", answers={"age_years": 70, "sex_at_birth": "male"},
                         position="height_cm"))
    except KeyboardInterrupt:
        interrupted = True  # still delivered, once the draft is on disk
    finally:
        done.set()
        worker.join()
        signal.signal(signal.SIGINT, handler)
    assert interrupted
    saved = json.loads(store.path.read_text())
    assert saved["answers"] == {"age_years": 70, "sex_at_birth": "male"}
    assert saved["position"] == "height_cm"
    assert [p.name for p in tmp_path.iterdir()] == ["draft.json"]  # no temporary file left
    assert store.path.stat().st_mode & 0o777 == 0o600
