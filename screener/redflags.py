"""Red flags in answers that were rejected: red flags always win, even over bad input.

A rejected answers file or batch record never reaches the rules, yet it may report an
urgent sign (chest pain, a seizure...). ``found_in`` reads what was given as tolerantly
as it can: a false alarm costs a look, a missed red flag can cost a life. The urgent
codes are read from the rules (``generate.urgent_codes``), never listed here.
"""

from __future__ import annotations

import re
from typing import Any

_SPLIT = re.compile(r"[;,|]")


def found_in(seen: Any, urgent: dict[str, set]) -> list[str]:
    """``question=code`` for every urgent code in ``seen``: a mapping of answers (a
    repeated key may hold a list of its copies), or text that could not be parsed, in
    which the question id and the code are searched as words."""
    found: list[str] = []
    if isinstance(seen, dict):
        answers = {_code(str(k)): v for k, v in seen.items()}
        for name, codes in urgent.items():
            for item in dict.fromkeys(_items(answers.get(name))):
                if item in codes:
                    found.append(f"{name}={item}")
        return found
    if not isinstance(seen, str):
        return found
    text = seen.lower()
    for name, codes in urgent.items():
        if _word(name).search(text):
            found.extend(f"{name}={code}" for code in sorted(codes) if _word(code).search(text))
    return found


def urgent_note(found: list[str]) -> str:
    """The line put first in an error about input that reports a red flag."""
    return (f"URGENT: these answers report a red flag ({', '.join(found)}): whatever else "
            "is wrong with them, this person needs urgent medical help now")


def _code(text: str) -> str:
    return re.sub(r"[\s\-]+", "_", text.strip().lower())


def _items(value: Any) -> list[str]:
    """An answer as codes, whatever its shape: a list (nested lists too, as when a key
    was repeated), a ';'/','-separated string, a scalar; case, spaces and hyphens are
    forgiven (``Chest pain`` is chest_pain)."""
    codes, stack = [], [value]
    while stack:
        item = stack.pop(0)
        if isinstance(item, list):
            stack[:0] = item
        elif isinstance(item, (str, int, float)) and not isinstance(item, bool):
            codes.extend(_code(part) for part in _SPLIT.split(str(item)) if part.strip())
    return codes


def _word(code: str) -> re.Pattern:
    """A code as a whole word, '_' also matching spaces or hyphens."""
    body = r"[\s_\-]+".join(re.escape(part) for part in code.split("_"))
    return re.compile(rf"(?<![a-z0-9_]){body}(?![a-z0-9_])")
