"""The files a batch run reads and writes: their format (told from the extension), the
names kept beside the output while a run goes (partial output, checkpoint, default
errors file), and the checks made before any record is read, so that a mistyped name
or an unwritable folder fails at once, cleanly, not after screening every record."""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import BatchError, OutputError
from ..files import exists_message
from ..i18n import N_, _

FORMAT_BY_SUFFIX = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}

#: the files of a run, as its errors name them (``{the_what}`` in a translation; the
#: English messages say "the {what}")
_NAMES = {"input": N_("the input"), "output": N_("the output"), "errors": N_("the errors"),
          "errors file": N_("the errors file"), "summary": N_("the summary"),
          "partial output": N_("the partial output"),
          "partial errors file": N_("the partial errors file"),
          "checkpoint": N_("the checkpoint")}


def _the(what: str) -> str:
    return _(_NAMES[what]) if what in _NAMES else "the " + what


def format_of(path: str | Path, what: str) -> str:
    """``csv`` or ``jsonl``, told from the name of the ``what`` (input, output, errors)."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMAT_BY_SUFFIX:
        raise BatchError(_("cannot tell the {what} format from '{suffix}': name it "
                           "{suffixes}").format(what=what, the_what=_the(what),
                                                suffix=suffix or _("no extension"),
                                                suffixes=_(" or ").join(FORMAT_BY_SUFFIX)),
                         file=str(path))
    return FORMAT_BY_SUFFIX[suffix]


def paths_for(output: Path) -> tuple[Path, Path]:
    """(partial output, checkpoint) kept next to the output while a run is going."""
    return partial_of(output), output.with_name(output.name + ".checkpoint.json")


def partial_of(path: Path) -> Path:
    """Where the output or errors file is written until the run ends."""
    return path.with_name(path.name + ".partial")


def default_errors_path(output: Path) -> Path:
    return output.with_name(output.stem + ".errors" + output.suffix)


def check_input(path: Path) -> None:
    """The input is a readable file (checked before anything else reads or creates)."""
    if path.is_dir():
        raise BatchError(_("is a folder: name the CSV or JSONL file to screen"),
                         file=str(path))
    if not path.exists():
        raise BatchError(_("no such input file"), file=str(path))
    if not path.is_file():  # a FIFO would block, a device never end
        raise BatchError(_("is not a regular file (a pipe or a device): only files are read; "
                           "name the CSV or JSONL file to screen"), file=str(path))
    try:
        open(path, "rb").close()
    except OSError as exc:
        raise BatchError(_("cannot read the input: {reason}").format(reason=exc.strerror),
                         file=str(path)) from None


def check_destination(path: Path, what: str) -> None:
    """A file can be written at ``path``: checked before the run, so that a mistyped
    folder fails at once, cleanly, not after screening every record."""
    folder = path.parent
    if not folder.is_dir():
        message = (_("cannot write the {what}: the folder {folder} is not a folder")
                   if folder.exists() else
                   _("cannot write the {what}: the folder {folder} does not exist"))
        raise OutputError(message.format(what=what, the_what=_the(what), folder=folder),
                          file=str(path))
    if path.is_dir():
        raise OutputError(_("cannot write the {what}: this is a folder; name a file").format(
            what=what, the_what=_the(what)), file=str(path))
    import tempfile

    try:  # permissions, a read-only file system...: found now, not after the run
        tempfile.TemporaryFile(dir=folder).close()
    except OSError as exc:
        raise OutputError(_("cannot write the {what}: the folder {folder} is not writable "
                            "({reason})").format(what=what, the_what=_the(what), folder=folder,
                                                 reason=exc.strerror or exc),
                          file=str(path)) from None


def check_distinct(paths: dict[str, Path]) -> None:
    """No two of the files a run reads or writes may be the same file (writing the
    errors over the output would destroy the results): names are compared with symlinks
    and '..' resolved, and files that exist by device and inode (hard links)."""
    from ..files import file_keys

    seen: dict = {}
    for what, path in paths.items():
        for key in file_keys(path):
            if key in seen and seen[key] != what:
                raise BatchError(_("the {what} and the {other} are the same file: choose "
                                   "another name").format(
                                       what=what, other=seen[key], the_what=_the(what),
                                       the_other=_the(seen[key])), file=str(path))
            seen[key] = what


def clear_for_fresh_start(destinations: dict[str, Path], partials: tuple[Path, ...],
                          force: bool) -> None:
    """A run that resumes nothing may replace existing files only with ``force``; partial
    files left without a checkpoint hold nothing that can be resumed and are removed."""
    for target in destinations.values():  # a dangling symlink counts as existing
        if os.path.lexists(target) and not force:
            raise BatchError(exists_message(target))
    for leftover in partials:
        if leftover.is_dir() and not leftover.is_symlink():
            raise OutputError(_("cannot write: a folder is in the way"), file=str(leftover))
        if os.path.lexists(leftover):
            if not force:
                raise BatchError(_("already exists with no checkpoint beside it (a run stopped "
                                   "before saving anything, or a file put there): nothing can "
                                   "be resumed from it; remove it or use --force"),
                                 file=str(leftover))
            leftover.unlink()  # removes a planted symlink itself, never its target
