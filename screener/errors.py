"""Errors addressed to the person who can fix them.

Every error carries the file, line and field when they are known, and renders as one
paragraph (no traceback) for the command line.
"""

from __future__ import annotations

import unicodedata

#: longest echo of a value from input (the rest is counted, not shown)
SHOWN_CHARS = 80


def shown(value, limit: int = SHOWN_CHARS) -> str:
    """A value from input made safe to echo in an error, on a terminal or in a file.

    Input is never trusted to be short or printable: it is cut to ``limit`` characters
    (saying how many more there were) and every control, format or undecodable
    character is written as an escape (``\\x1b``, ``\\u202e``), so a terminal escape
    sequence, a bidirectional override or a stray byte is shown, never obeyed.
    """
    text = str(value)
    more = len(text) - limit
    if more > 0:
        text = text[:limit]
    out = "".join(_escape(c) if unicodedata.category(c) in _UNSAFE else c for c in text)
    return out + (f"... ({more:,} more characters)" if more > 0 else "")


_UNSAFE = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def printable(text) -> str:
    """A whole message made safe to print: like ``shown`` (every control, format or
    undecodable character written as an escape) but not cut, and keeping its line
    breaks. Idempotent, so text that went through ``shown`` is printed unchanged."""
    return "".join(_escape(c) if c not in "\n\t" and unicodedata.category(c) in _UNSAFE
                   else c for c in str(text))


def _escape(char: str) -> str:
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (read with surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


class ScreenerError(Exception):
    """Base class: anything the CLI reports as a clean one-paragraph error."""

    exit_code = 2

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None,
                 field: str | None = None, problems: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.field = field
        self.problems = problems or []
        #: urgent answers (``question=code``) found in input that was refused: the CLI
        #: says them loudly, since a refused answer never reaches the rules
        self.red_flags: list[str] = []

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file + (f":{self.line}" if self.line else "") + ": "
        text = where + self.message
        if self.problems:
            text += "\n" + "\n".join("  - " + p for p in self.problems)
        return text


class RulesError(ScreenerError):
    """A file in the rules folder is invalid."""


class AnswersError(ScreenerError):
    """An answers file or record is invalid."""


class OutputError(ScreenerError, OSError):
    """An output file cannot be written (also an OSError, for callers that expect one)."""


class DiskFullError(OutputError):
    """The disk (or the quota) was full while writing a file. What was written before is
    kept; a batch run adds whether --resume can continue (``advise``)."""

    def advise(self, kept: bool) -> DiskFullError:
        self.message += ("; finished records are kept: free some space, then run the same "
                         "command with --resume to continue" if kept else "; no record was "
                         "saved: free some space, then run the command again")
        return self


def is_disk_full(exc: BaseException) -> bool:
    """An OSError saying the disk or the user's quota is full."""
    import errno

    return isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1))


class OutputExistsError(OutputError, FileExistsError):
    """The output file exists and replacing it was not allowed (no --force)."""


class BatchError(ScreenerError):
    """A batch run cannot start or go on (bad file, stale checkpoint...)."""


class EngineError(ScreenerError):
    """The rule engine raised or reported an error while screening."""

    exit_code = 3


class SafetyError(ScreenerError):
    """Output text matched the dose pattern: refuse to show it."""

    exit_code = 3
