"""The dosing guard (clinical spec principle 2).

No text the screener shows may look like a dose or an amount to take. Rule content is
checked when it is written (``screener rules check``) and every rendered output is
checked again before it leaves the program: a match is a bug, so we refuse to print.
"""

from __future__ import annotations

import re

from .errors import SafetyError

#: The spec's pattern, verbatim: an amount with a unit, or the words dose/dosage/dosing.
DOSE_RE = re.compile(
    r"\d+(\.\d+)?\s*(mg|mcg|µg|ug|iu|units?|mmol|g)\b|\b(dose|dosage|dosing)\b",
    re.IGNORECASE,
)


def find_dose_text(text: str) -> str | None:
    """The first dose-like fragment in ``text``, or None."""
    match = DOSE_RE.search(text)
    return match.group(0) if match else None


def ensure_no_dose(text: str, where: str = "output") -> str:
    """Return ``text`` unchanged, or raise SafetyError if it contains dose-like text."""
    found = find_dose_text(text)
    if found:
        raise SafetyError(
            f"refusing to show {where}: it contains dose-like text '{found}'. This is a "
            "bug in the rules or templates; please report it.")
    return text
