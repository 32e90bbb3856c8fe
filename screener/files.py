"""Private, atomic file writes. Screening data is personal: every file the screener
writes is readable by its owner only (0600) and appears whole or not at all."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from .errors import DiskFullError, OutputError, OutputExistsError, is_disk_full
from .i18n import N_, _


def shipped_folder(name: str) -> Path:
    """A data folder shipped with the project (rules, personas): beside the package in
    a source checkout or editable install, else under <prefix>/share/screener/ where a
    regular `pip install` puts it (see [tool.setuptools.data-files])."""
    beside = Path(__file__).resolve().parent.parent / name
    installed = Path(sys.prefix) / "share" / "screener" / name
    return beside if beside.is_dir() or not installed.is_dir() else installed


def data_dir() -> Path:
    """The user's data folder (drafts): $SCREENER_HOME, else $XDG_DATA_HOME/screener,
    else ~/.local/share/screener; created private (0700)."""
    if os.environ.get("SCREENER_HOME"):
        folder = Path(os.environ["SCREENER_HOME"])
    else:
        base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
        folder = Path(base) / "screener"
    make_private_folders(folder)
    return folder


def make_private_folders(folder: Path) -> None:
    """Create ``folder`` and every missing parent with mode 0700, whatever the umask
    (``mkdir(parents=True, mode=...)`` gives the parents the umask's mode: 0777 under
    ``umask 000``, so the folder names of a screening would be readable by all).
    Folders that already exist are left as they are. OSError when one cannot be made."""
    missing = []
    for path in (folder, *folder.parents):
        if path.is_dir():
            break
        missing.append(path)
    for path in reversed(missing):
        try:
            path.mkdir(mode=0o700)
        except FileExistsError:
            if not path.is_dir():  # a file where a folder belongs: say that, not EEXIST
                import errno

                raise NotADirectoryError(errno.ENOTDIR, _("a file is where this folder belongs"),
                                         str(path)) from None
            continue  # made meanwhile by another process: not ours to change
        os.chmod(path, 0o700)  # mkdir's mode is masked by the umask


def write_private(path: str | Path, data: str | bytes, *, overwrite: bool = True) -> Path:
    """Write ``data`` to ``path`` atomically with mode 0600.

    The data goes to a temporary file in the same folder, is flushed to disk, then
    renamed over the target, so a crash never leaves a half-written file. With
    ``overwrite=False`` an existing file is never replaced (OutputExistsError, which is
    also a FileExistsError). Other failures raise OutputError naming the file.
    """
    path = Path(path)
    if not path.parent.is_dir():  # a mistyped folder is an error, not a new folder tree
        raise OutputError(_("cannot write {path}: the folder {folder} does not exist").format(
            path=path, folder=path.parent))
    if not overwrite and os.path.lexists(path):  # a dangling symlink is not a free name
        raise OutputExistsError(_(_EXISTS).format(path=path))
    try:
        return _write(path, data, overwrite)
    except OSError as exc:
        if isinstance(exc, FileExistsError):
            raise OutputExistsError(_(_EXISTS).format(path=path)) from None
        if is_disk_full(exc):  # the temporary file is removed, an old file left whole
            raise DiskFullError(_("cannot write {path}: the disk is full (nothing was written; "
                                  "free some space and try again)").format(path=path)) from None
        raise OutputError(_("cannot write {path}: {reason}").format(
            path=path, reason=exc.strerror or exc)) from None


def file_keys(path: str | Path) -> list:
    """What names the file at ``path``: its name with symlinks and '..' resolved, and,
    when it exists, its device and inode (a hard link has another name)."""
    keys: list = [os.path.realpath(path)]  # never raises, even on a symlink loop
    try:
        info = os.stat(path)
        keys.append((info.st_dev, info.st_ino))
    except OSError:
        pass
    return keys


def refuse_writing_over_inputs(output: str | Path | None, inputs) -> None:
    """An output may never be a file the command reads (``--force`` replaces an old
    output, never the answers or rules it was made from): OutputError, before any work."""
    if output is None or str(output) == "-":
        return
    written = set(file_keys(output))
    for source in inputs:
        if source is not None and str(source) != "-" and written & set(file_keys(source)):
            same = "" if str(source) == str(output) else f" ({source})"
            raise OutputError(_("this is a file the command reads{same}, so it is never "
                                "written over, even with --force; choose another file name "
                                "(nothing was written)").format(same=same), file=str(output))


_EXISTS = N_("{path} already exists: use --force to replace it, or choose another file name")


def exists_message(path) -> str:
    """The one wording, in every command, for an output file that is already there."""
    return _(_EXISTS).format(path=path)


def _write(path: Path, data: str | bytes, overwrite: bool) -> Path:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    import tempfile  # (and shutil with it) only when writing: --help reads shipped_folder

    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(raw)
            handle.flush()
            os.fsync(handle.fileno())
        if not overwrite and os.path.lexists(path):  # lost a race with another writer
            raise FileExistsError(path)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return path
