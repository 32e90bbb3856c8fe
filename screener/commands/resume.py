"""screener resume: continue the unfinished screening where it stopped."""

from __future__ import annotations

from . import run as _run

DESCRIPTION = """\
Continue the unfinished screening saved by `screener run` (after Ctrl-C or a closed
terminal), at the question where it stopped. Your earlier answers are kept; you can
go back to change them and review them all before the result.
"""

EPILOG = """\
examples:
  screener resume
  screener resume --plain
"""


def add_arguments(parser) -> None:
    _run.add_arguments(parser, fresh=False)


def run(args) -> int:
    return _run.run(args, resume=True)
