"""Did-you-mean: the closest spelling of a name the person typed among the names that
exist. Standard library only, so any module (the CLI's start-up included) can use it."""

from __future__ import annotations

import difflib


def suggest(word: str, choices) -> str:
    """' (did you mean 'x'?)' for the closest choice: a name that starts with the word
    first (age -> age_years), else the closest spelling; '' when nothing is close."""
    word, choices = str(word), [str(c) for c in choices]
    if len(word) > 100:  # no name is this long; comparing would cost time and memory
        return ""
    starts = [c for c in choices if c.startswith(word) and word]
    close = starts or difflib.get_close_matches(word, choices, n=1, cutoff=0.65)
    return f" (did you mean '{close[0]}'?)" if close else ""
