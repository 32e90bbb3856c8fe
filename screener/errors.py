"""Errors addressed to the person who can fix them.

Every error carries the file, line and field when they are known, and renders as one
paragraph (no traceback) for the command line.
"""

from __future__ import annotations


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


class OutputExistsError(OutputError, FileExistsError):
    """The output file exists and replacing it was not allowed (no --force)."""


class EngineError(ScreenerError):
    """The rule engine raised or reported an error while screening."""

    exit_code = 3


class SafetyError(ScreenerError):
    """Output text matched the dose pattern: refuse to show it."""

    exit_code = 3
