"""The unfinished questionnaire, saved after every answer so nothing is lost.

One draft file in the user's data folder (``files.data_dir()``), written with
``files.write_private`` (0600, atomic: a crash leaves the old draft or the new one,
never half of one). It holds the answers so far, where the person was, the checks
they already confirmed and the hash of the rules they were answering.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import threading
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from ..errors import AnswersError, ScreenerError, printable
from ..files import data_dir, write_private
from ..i18n import N_

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

    def save(self, draft: Draft) -> Path | None:
        """Where the draft was written (None: a store that could not keep it)."""
        now = dt.datetime.now().isoformat(timespec="seconds")
        draft = draft.model_copy(update={"saved_at": now})
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
        try:
            fd = self._open_lock()
        except OSError as exc:
            raise ScreenerError(f"cannot lock the saved unfinished screening: "
                                f"{exc.strerror or exc}",
                                file=str(getattr(exc, "filename", None) or "")) from None
        with self._holding(fd):
            yield

    def _open_lock(self) -> int:
        return os.open(self.path.with_name(LOCK_NAME), os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW
                       | getattr(os, "O_CLOEXEC", 0), 0o600)

    @contextmanager
    def _holding(self, fd: int):
        import fcntl

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

    def has_draft(self) -> bool:
        """Whether a draft is on disk (False when the data folder cannot be made)."""
        try:
            return self.path.exists()
        except OSError:
            return False

    def discard(self) -> None:
        try:
            self.path.unlink()
        except FileNotFoundError:
            pass
        except OSError as exc:  # e.g. a folder where the draft should be
            raise AnswersError(f"cannot remove the saved unfinished screening: "
                               f"{exc.strerror or exc}; remove it yourself",
                               file=str(self.path)) from None


CANNOT_SAVE = N_("Your answers cannot be saved as you go ({reason}), so stopping now "
                 "would lose them; the screening goes on.")


class BestEffortDraftStore(DraftStore):
    """The draft of a person at the terminal: a data folder that cannot be made or
    written (read-only home, full disk, a file where the folder should be) never stops
    the screening, above all not before the urgent check. Nothing is said before the
    first answer is saved (the urgent check is asked first); then ``say`` gets one line,
    once, and the screening goes on without drafts."""

    def __init__(self, folder: str | Path | None = None, say: Callable[[str], None] = print):
        super().__init__(folder)
        self.say = say
        self.unusable: str | None = None  # why drafts cannot be kept, once known
        self._told = False

    def _give_up(self, exc: OSError) -> None:
        if self.unusable is None:
            where = getattr(exc, "filename", None)
            reason = exc.strerror or str(exc)
            self.unusable = f"{printable(where)}: {reason}" if where else printable(reason)

    def load(self) -> Draft | None:
        try:
            self.path  # noqa: B018  (makes the data folder)
        except OSError as exc:
            self._give_up(exc)
            return None  # no folder, so no draft to continue
        return super().load()

    @contextmanager
    def locked(self):
        try:
            fd = self._open_lock() if self.unusable is None else None
        except OSError as exc:  # the folder cannot be written: nothing to protect either
            self._give_up(exc)
            fd = None
        if fd is None:
            yield
            return
        with self._holding(fd):
            yield

    def save(self, draft: Draft) -> Path | None:
        if self.unusable is None:
            try:
                return super().save(draft)
            except OSError as exc:  # OutputError is one too
                self._give_up(exc)
        if not self._told:
            self._told = True
            from ..i18n import _

            self.say(_(CANNOT_SAVE).format(reason=self.unusable))
        return None

    def discard(self) -> None:
        try:
            path = self.path
        except OSError as exc:  # no data folder: no draft to remove
            self._give_up(exc)
            return
        if self.unusable is None or os.path.lexists(path):
            super().discard()


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
