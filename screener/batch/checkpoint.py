"""Resume state: the partial files a run writes and the checkpoint saying how far they go.

The output is written to ``OUTPUT.partial`` (and ``ERRORS.partial``), both private
(0600). After every chunk both are flushed to disk and a checkpoint
``OUTPUT.checkpoint.json`` records how many input records are done and the byte length
and sha256 of each partial file. ``--resume`` checks that the input, the ruleset and the
options are unchanged and that the partial files are what the checkpoint says, cuts them
back to the checkpointed lengths, and the run skips the records already done.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import stat
from contextlib import contextmanager
from pathlib import Path

from ..errors import AnswersError, BatchError, DiskFullError, OutputError, is_disk_full
from ..files import write_private
from ..i18n import N_, _
from .paths import paths_for
from .summary import Summary

#: 2: errors file has the "urgent" column; 3: read_as; 4: sha256 and rows checked
CHECKPOINT_VERSION = 4


class PartialFile:
    """A partial file being written (see _open_private) and the sha256 of all of it,
    kept in the checkpoint so that --resume can tell the file is the one it left."""

    def __init__(self, path: Path, saved: dict | None):
        self.path = path
        self.handle = _open_private(path, saved["bytes"] if saved else None)
        # resumed: the digest verify_partials took of the checked bytes, continued
        self.digest = saved["digest"].copy() if saved else hashlib.sha256()

    def write(self, text: str) -> None:
        with self._full_disk_said():
            self.handle.write(text)
        self.digest.update(text.encode("utf-8"))

    def sync(self) -> None:
        with self._full_disk_said():
            self.handle.flush()
            os.fsync(self.handle.fileno())

    def state(self) -> dict:
        with self._full_disk_said():
            return {"bytes": self.handle.tell(), "sha256": self.digest.hexdigest()}

    def close(self, *, quietly: bool = False) -> None:
        """Close the file; ``quietly`` after a fault: the file is closed even when its
        last bytes cannot be written (they are past the checkpoint, cut on --resume)."""
        try:
            with self._full_disk_said():
                self.handle.close()
        except OSError:
            if not quietly:
                raise

    @contextmanager
    def _full_disk_said(self):
        try:
            yield
        except OSError as exc:
            if is_disk_full(exc):
                raise DiskFullError(_("cannot write: the disk is full"),
                                    file=str(self.path)) from None
            raise


def _open_private(path: Path, truncate_to: int | None):
    """Open a partial file 0600: new, or cut back to a checkpointed length to resume.

    Never through a symlink (O_NOFOLLOW), and a new one never over an existing file
    (O_EXCL): a link planted at OUTPUT.partial cannot make the run overwrite its target.
    """
    flags = os.O_WRONLY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
    if truncate_to is None:
        flags |= os.O_CREAT | os.O_EXCL
    try:
        fd = os.open(path, flags, 0o600)
    except OSError as exc:
        why = exc.strerror
        if path.is_symlink():
            why = _("it is a symbolic link, and the run never writes through one")
        elif isinstance(exc, FileExistsError):
            why = _("it already exists (remove it, or use --force)")
        elif isinstance(exc, FileNotFoundError):
            why = _("it is missing, so the run cannot be resumed: start over with --force")
        raise OutputError(_("cannot write: {reason}").format(reason=why),
                          file=str(path)) from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OutputError(_("cannot write: not a regular file"), file=str(path))
    os.fchmod(fd, 0o600)
    if truncate_to is not None:
        if os.fstat(fd).st_size < truncate_to:  # cut short or recreated since the checkpoint
            os.close(fd)
            raise _cut_short(path)
        os.ftruncate(fd, truncate_to)
        os.lseek(fd, truncate_to, os.SEEK_SET)
    return os.fdopen(fd, "w", encoding="utf-8", newline="")


def input_fingerprint(path: Path) -> dict:
    """What tells the input file has changed since the checkpoint: kept in its options."""
    info = path.stat()
    return {"input": str(path.resolve()), "size": info.st_size, "mtime_ns": info.st_mtime_ns}


def save_checkpoint(path: Path, options: dict, out: PartialFile, err: PartialFile, done: int,
                    today: str, summary: Summary) -> None:
    """Flush the partial files to disk first, so a checkpoint never claims more."""
    out.sync()
    err.sync()
    data = {**options, "today": today, "records_done": done, "partial_output": out.state(),
            "partial_errors": err.state(), "counts": summary.counts()}
    write_private(path, json.dumps(data, indent=1))


def load_checkpoint(path: Path, options: dict) -> dict:
    """The checkpoint of the run to resume, refused unless made with the same ``options``
    (input, rules, output names, chunk size...) and whole (its counts add up)."""
    from ..reading import load_json

    try:
        state = load_json(path, CHECKPOINT)
    except AnswersError as exc:
        raise BatchError(_("cannot read the checkpoint: {reason}").format(reason=exc.message),
                         file=str(path)) from None
    if not isinstance(state, dict):
        raise _tampered(path, _("it is not a checkpoint"))
    for key, value in options.items():
        if state.get(key) != value:
            what = {"size": _("the input file changed"), "mtime_ns": _("the input file changed"),
                    "ruleset_hash": _("the rules changed")}.get(
                        key, _("'{key}' differs").format(key=key))
            raise BatchError(_("cannot resume: {what} since the interrupted run; use --force "
                               "to start again").format(what=what), file=str(path))
    try:
        counts, done = state["counts"], state["records_done"]
        numbers = [done, counts["screened"], counts["errors"], state["partial_output"]["bytes"],
                   state["partial_errors"]["bytes"], *counts["by_triage"].values(),
                   *counts["by_factor"].values()]
        Summary().add(counts)  # the counts have the shape the summary needs
        dt.date.fromisoformat(state["today"])
        if not all(isinstance(state[n]["sha256"], str) for n in ("partial_output",
                                                                    "partial_errors")):
            raise TypeError
    except (KeyError, TypeError, ValueError, AttributeError):
        raise _tampered(path, _("it is incomplete or damaged")) from None
    if not all(type(n) is int and n >= 0 for n in numbers):
        raise _tampered(path, _("a count in it is not a whole number"))
    if done != counts["screened"] + counts["errors"] \
            or sum(counts["by_triage"].values()) != counts["screened"]:
        raise _tampered(path, _("its counts do not add up ({done} records done, {screened} "
                                "screened + {errors} errors)").format(
                                    done=f"{done:,}", screened=f"{counts['screened']:,}",
                                    errors=f"{counts['errors']:,}"))
    return state


def verify_partials(state: dict, partials: dict[str, tuple[Path, str]], path: Path) -> None:
    """The partial files hold what the checkpoint says was written: the same sha256 and
    the same number of rows (screened records in the output, rejected ones in the
    errors). A checkpoint edited to skip records, or partial files changed since, is
    refused. Keeps each file's digest in ``state`` (as ``digest``) to continue it.

    Each file is read once, in pieces of _PIECE bytes, hashed and counted as it goes:
    a resume at 90 % of 100,000 records held the whole output decoded (165 MB at the
    peak, 46 MB for a fresh run). What is held at once is a piece and, for CSV, the
    longest row being parsed."""
    rows = {"partial_output": state["counts"]["screened"],
            "partial_errors": state["counts"]["errors"]}
    for name, (partial, fmt) in partials.items():
        saved = state[name]
        try:
            fd = os.open(partial, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
        except OSError as exc:
            raise BatchError(_("cannot resume: {name} cannot be read ({reason}); start over "
                               "with --force").format(name=partial.name, reason=exc.strerror),
                             file=str(partial)) from None
        with os.fdopen(fd, "rb", buffering=0) as handle:
            prefix = _HashedPrefix(handle, saved["bytes"])
            found, failure = None, None
            try:
                found = _count_rows(prefix, fmt)
            except csv.Error as exc:  # said only if the bytes are the ones checkpointed
                failure = exc
            prefix.drain()  # hashed to the end, however far the counting got
        if prefix.size < saved["bytes"]:
            raise _cut_short(partial)
        if prefix.digest.hexdigest() != saved["sha256"]:
            raise _tampered(path, _("{name} is not what the interrupted run wrote").format(
                name=partial.name))
        if failure is not None:
            raise failure
        if found != rows[name]:
            raise _tampered(path, _("it says {rows} rows were written to {name}, which holds "
                                    "{found}").format(rows=f"{rows[name]:,}", name=partial.name,
                                                      found=f"{found:,}"))
        saved["digest"] = prefix.digest


#: bytes read at a time (verify_partials). Small on purpose: a buffer of 1 MB or more,
#: freed, makes glibc raise its mmap threshold for good (see reading._PIECE), and a piece
#: decoded to 4-byte characters must stay under the 128 KiB threshold as well
_PIECE = 16 * 1024


class _HashedPrefix(io.RawIOBase):
    """The first ``limit`` bytes of an unbuffered binary file, read in pieces of at most
    _PIECE bytes and hashed as they are read: ``size`` bytes so far, their ``digest``."""

    def __init__(self, handle, limit: int):
        super().__init__()
        self._handle, self._left = handle, limit
        self.size, self.digest = 0, hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        with memoryview(buffer) as view, view.cast("B") as flat:
            want = min(len(flat), self._left, _PIECE)
            got = self._handle.readinto(flat[:want]) if want else 0
            got = got or 0
            self.digest.update(flat[:got])
        self.size += got
        self._left -= got
        return got

    def drain(self) -> None:
        """Read (and hash) what is left of the prefix."""
        piece = bytearray(_PIECE)
        while self.readinto(piece):
            pass


def _count_rows(prefix: io.RawIOBase, fmt: str) -> int:
    """The rows in ``prefix`` as the whole text decoded (UTF-8, bad bytes replaced) would
    give them, read piece by piece."""
    if fmt == "jsonl":
        # rows end with "\n" only: str.splitlines() would also cut at U+2028, NEL and
        # the like, which JSON leaves unescaped inside a string (an echoed raw value).
        # A row counts if anything but white space is on its line: kept as a flag
        # across pieces, so a line as long as the file is never held. (TextIOWrapper reads
        # a raw stream too, by read() when it has no read1(); typeshed asks for a buffered
        # one, which would only read ahead of the counting.)
        text = io.TextIOWrapper(prefix,  # type: ignore[type-var]
                                encoding="utf-8", errors="replace", newline="\n")
        count, pending = 0, False
        for piece in iter(lambda: text.read(_PIECE), ""):
            lines = piece.split("\n")
            for line in lines[:-1]:
                count += pending or bool(line.strip())
                pending = False
            pending = pending or bool(lines[-1].strip())
        return count + pending
    # lines as io.StringIO(text, newline="") cut them (at "\n", "\r" or "\r\n"), the
    # reader joining those of a quoted value that holds a line separator
    text = io.TextIOWrapper(prefix,  # type: ignore[type-var]  # a raw stream, as above
                            encoding="utf-8", errors="replace", newline="")
    return max(sum(1 for cells in csv.reader(text) if cells) - 1, 0)


#: the checkpoint, as a reading error names it ("no such checkpoint")
CHECKPOINT = N_("checkpoint")


def _cut_short(partial: Path) -> OutputError:
    return OutputError(_("is shorter than its checkpoint says, so finished records were lost: "
                         "start over with --force"), file=str(partial))


def _tampered(path: Path, why: str) -> BatchError:
    return BatchError(_("cannot resume: the checkpoint does not match the partial files "
                        "({why}); it was changed or damaged, so finished records cannot be "
                        "trusted: start over with --force").format(why=why), file=str(path))


def checkpoint_done(output: Path) -> int:
    """Records an interrupted run into ``output`` finished (0 without a readable
    checkpoint): where a --resume run's progress starts. run_batch checks the rest."""
    from ..reading import load_json

    try:
        return int(load_json(paths_for(output)[1], CHECKPOINT)["records_done"])
    except (AnswersError, ValueError, KeyError, TypeError):
        return 0
