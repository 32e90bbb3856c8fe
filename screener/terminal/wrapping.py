"""The one place that knows the terminal's width and wraps text to it, at words.

Results, messages, progress lines, section titles and prompts all go through ``wrap``
so nothing is cut mid-word, in any language, whatever the terminal's width (prompt_toolkit
and the terminal itself would break a long line at the last column, mid-word).
"""

from __future__ import annotations

import shutil
import textwrap

#: the widest a result is laid out, however wide the terminal (lines stay readable)
MAX_WIDTH = 100
#: a terminal too narrow to lay anything out sensibly is treated as this wide
MIN_WIDTH = 20


#: prompt_toolkit outputs with no terminal behind them: their size says nothing
NO_TERMINAL = ("DummyOutput", "PlainTextOutput")


def terminal_columns() -> int:
    """Columns of the terminal: prompt_toolkit's output size when a prompt session is
    running (the same terminal it draws on), else the size of stdout (COLUMNS wins)."""
    columns = 0
    try:
        from prompt_toolkit.application import get_app_session

        output = get_app_session().output
        if type(output).__name__ not in NO_TERMINAL:
            columns = output.get_size().columns
    except Exception:  # noqa: BLE001 (no prompt_toolkit, or no terminal behind it)
        columns = 0
    if columns <= 0:
        columns = shutil.get_terminal_size((80, 24)).columns
    return columns


def terminal_rows() -> int:
    """Lines of the terminal (as ``terminal_columns``; 24 when nothing says)."""
    rows = 0
    try:
        from prompt_toolkit.application import get_app_session

        output = get_app_session().output
        if type(output).__name__ not in NO_TERMINAL:
            rows = output.get_size().rows
    except Exception:  # noqa: BLE001
        rows = 0
    return rows if rows > 0 else shutil.get_terminal_size((80, 24)).lines


def text_width(cap: int | None = MAX_WIDTH) -> int:
    """The width to wrap text at: one column short of the terminal's (writing the last
    column makes some terminals wrap early), capped at ``cap``."""
    width = max(MIN_WIDTH, terminal_columns() - 1)
    return min(width, cap) if cap else width


def wrap(text: str, width: int | None = None, indent: str = "") -> str:
    """Each line of ``text`` wrapped at words to ``width`` (the terminal's by default).

    A line's own leading spaces (and a list bullet such as "* ", "- " or "1. ") are kept
    and its continuation lines indented under its first word. Words are never cut: a
    word longer than the line (a file path) stays whole on a line of its own."""
    width = width or text_width(cap=None)
    out = []
    for line in text.split("\n"):
        if len(indent) + len(line) <= width:
            out.append(indent + line)
            continue
        stripped = line.lstrip(" ")
        lead = indent + line[: len(line) - len(stripped)]
        bullet = ""
        for mark in ("* ", "- ", "• "):
            if stripped.startswith(mark):
                bullet = mark
        if not bullet:
            head = stripped.split(" ", 1)[0]
            if head[:-1].isdigit() and head.endswith(".") and " " in stripped:
                bullet = head + " "
        out.extend(textwrap.wrap(stripped, width, initial_indent=lead,
                                 subsequent_indent=lead + " " * len(bullet),
                                 break_long_words=False, break_on_hyphens=False)
                   or [lead])
    return "\n".join(out)
