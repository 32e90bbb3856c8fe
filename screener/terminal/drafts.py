"""The unfinished questionnaire, saved after every answer so nothing is lost.

One draft file in the user's data folder (``fsutil.data_dir()``), written with
``fsutil.write_private`` (0600, atomic: a crash leaves the old draft or the new one,
never half of one). It holds the answers so far, where the person was, the checks
they already confirmed and the hash of the rules they were answering.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from ..errors import AnswersError, ScreenerError
from ..fsutil import data_dir, write_private

FILE_NAME = "draft.json"
LOCK_NAME = "draft.lock"
DRAFT_VERSION = 1


class Draft(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    draft_version: int = DRAFT_VERSION
    ruleset_hash: str
    answers: dict[str, Any] = {}
    position: str | None = None  # id of the next question to ask; None: the review screen
    confirmed: list[str] = []  # consistency checks already confirmed
    saved_at: str = ""
    language: str | None = None  # the language it was answered in: resume keeps it


class DraftStore:
    """Reads and writes the draft file (a folder can be given, for tests)."""

    def __init__(self, folder: str | Path | None = None):
        self._folder = Path(folder) if folder else None

    @property
    def path(self) -> Path:
        return (self._folder or data_dir()) / FILE_NAME

    def save(self, draft: Draft) -> Path:
        draft = draft.model_copy(update={"saved_at": dt.datetime.now().isoformat(timespec="seconds")})
        data = draft.model_dump_json(indent=2) + "\n"
        with _interrupt_after():
            return write_private(self.path, data)

    def load(self) -> Draft | None:
        """The saved draft, or None when there is none."""
        from ..reading import UnreadableInput, load_json

        path = self.path
        if not os.path.lexists(path):
            return None
        try:  # the same locks as an answers file: regular, small, UTF-8, no repeated key
            return Draft.model_validate(load_json(path, "unfinished screening"))
        except (AnswersError, ValidationError) as exc:
            why = exc.message if isinstance(exc, AnswersError) else "its content is not a draft"
            error = UnreadableInput(f"the saved unfinished screening cannot be read ({why}); "
                                    "start again with `screener run --fresh`", file=str(path),
                                    seen=getattr(exc, "seen", None))
            if error.seen is None and not isinstance(exc, AnswersError):
                error.seen = path.read_text(errors="replace")  # small: it was read whole
            raise error from None

    @contextmanager
    def locked(self):
        """Hold the draft for one session: a second session at the same time (another
        terminal) gets a clear error instead of silently overwriting, or deleting, the
        first one's answers. The lock is ``draft.lock`` (flock), freed when the session
        ends, even by a crash."""
        import fcntl

        path = self.path.with_name(LOCK_NAME)
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW
                         | getattr(os, "O_CLOEXEC", 0), 0o600)
        except OSError as exc:
            raise ScreenerError(f"cannot lock the saved unfinished screening: "
                                f"{exc.strerror or exc}", file=str(path)) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise ScreenerError(
                "another screening is open right now (in another terminal or window), and "
                "only one at a time can keep its answers: finish or stop that one first, "
                "then run this command again") from None
        try:
            yield
        finally:
            os.close(fd)  # frees the lock

    def discard(self) -> None:
        try:
            self.path.unlink()
        except FileNotFoundError:
            pass
        except OSError as exc:  # e.g. a folder where the draft should be
            raise AnswersError(f"cannot remove the saved unfinished screening: "
                               f"{exc.strerror or exc}; remove it yourself",
                               file=str(self.path)) from None


@contextmanager
def _interrupt_after():
    """Hold a Ctrl-C (SIGINT) that arrives during the block until it ends.

    Drafts are saved between prompts, when the terminal turns Ctrl-C into a signal: one
    arriving mid-write would abandon the new draft (the write is atomic, so the old one
    survives, one answer behind) and could leave a temporary file. Here the signal is
    only noted, then raised again once the draft is on disk. (A signal mask would not
    do: it is per thread, and prompt_toolkit's worker threads would take the signal.)
    """
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread receives Python signal handlers
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, _frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if caught:
            signal.raise_signal(signal.SIGINT)  # handled as usual: KeyboardInterrupt
