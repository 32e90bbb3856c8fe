"""Did-you-mean: the closest spelling of a name the person typed among the names that
exist. Standard library only, so any module (the CLI's start-up included) can use it."""

from __future__ import annotations

import difflib


def closest(word: str, choices) -> str | None:
    """The choice the person most likely meant: a name that starts with the word first
    (age -> age_years), else the closest spelling; None when nothing is close."""
    word, choices = str(word), [str(c) for c in choices]
    if len(word) > 100:  # no name is this long; comparing would cost time and memory
        return None
    starts = [c for c in choices if c.startswith(word) and word]
    close = starts or difflib.get_close_matches(word, choices, n=1, cutoff=0.65)
    return close[0] if close else None


def suggest(word: str, choices) -> str:
    """' (did you mean 'x'?)' for the closest choice; '' when nothing is close."""
    close = closest(word, choices)
    return f" (did you mean '{close}'?)" if close else ""
