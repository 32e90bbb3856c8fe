"""Find red flags in a record that was rejected, however it is written.

A rejected record never reaches the rules, so its red flags would be lost; this scan
reads the raw record as tolerantly as it can instead (a false alarm costs a look, a
missed red flag can cost a life). The urgent answers are read from the rules
(``generate.urgent_codes``: answers that make an urgent triage rule fire on their own),
never listed here.

Columns or keys are found however they are spelled: ``red_flags_now``, ``Red flags
now``, an ODK group path (``urgent-red_flags_now``, ``urgent/red_flags_now``), a REDCap
checkbox column (``red_flags_now___chest_pain`` = 1) or an ODK split select column
(``urgent-red_flags_now/chest_pain`` = 1). Values are found whatever the separator
(``;`` ``,`` ``|`` or spaces), case, hyphens or spaces inside a code (``Chest pain``),
or the option's label instead of its code. A JSON line that cannot be parsed is searched
as text (the question id and the code as words).
"""

from __future__ import annotations

import json
import re
from typing import Any

#: cell values that mean "ticked" in a checkbox or split-select column
TICKED = {"1", "checked", "yes", "true", "x", "y"}
_PARTS = re.compile(r"[;,|]")
_SPACES = re.compile(r"\s+")
_NAME_SEPARATORS = re.compile(r"[-/.:]")


def _norm(text: str) -> str:
    """``Chest pain`` / ``chest-pain`` / `` CHEST_PAIN `` -> ``chest_pain``."""
    return re.sub(r"[\s\-]+", "_", str(text).strip().lower()).strip("_")


class Scanner:
    """The urgent answers of one ruleset, ready to be looked for in raw records."""

    def __init__(self, ruleset):
        from ..generate import urgent_codes

        self.urgent: dict[str, set] = urgent_codes(ruleset)
        questions = ruleset.questions.by_id
        #: question -> {normalised code or label: code}
        self.words: dict[str, dict[str, str]] = {}
        for name, codes in self.urgent.items():
            words = {_norm(c): c for c in codes}
            if name in questions:
                words.update({_norm(questions[name].label(c)): c for c in codes})
            self.words[name] = words

    # ------------------------------------------------------------------- columns

    def _question(self, name: str) -> str | None:
        """The urgent question a column name means, with any group path removed."""
        key = _norm(name)
        if key in self.urgent:
            return key
        tail = _NAME_SEPARATORS.split(str(name).strip().lower())[-1]
        tail = _norm(tail)
        return tail if tail in self.urgent else None

    def _column(self, name: str) -> tuple[str | None, str | None, bool]:
        """(question, code, True) for a checkbox or split-select column (code None when
        that option is not urgent), (question, None, False) for a column holding
        answers, (None, None, False) when it is not an urgent question."""
        text = str(name).strip()
        for separator in ("___", "/"):
            if separator in text:
                head, code = text.rsplit(separator, 1)
                question = self._question(head)
                if question is not None:
                    return question, self.words[question].get(_norm(code)), True
        return self._question(text), None, False

    # -------------------------------------------------------------------- values

    def _codes_in(self, question: str, value: Any) -> list[str]:
        words = self.words[question]
        found = []
        values = value if isinstance(value, list) else [value]
        for item in values:
            if isinstance(item, bool) or not isinstance(item, (str, int, float)):
                continue
            for part in _PARTS.split(str(item)):
                if not part.strip():
                    continue
                candidates = [part] + _SPACES.split(part.strip())
                for candidate in candidates:
                    code = words.get(_norm(candidate))
                    if code is not None:
                        found.append(code)
        return found

    def in_mapping(self, mapping: dict) -> list[str]:
        """``question=code`` for every urgent answer in a record given as a mapping of
        column (or key) to value, in the rules' question order, each once."""
        found: dict[str, list[str]] = {name: [] for name in self.urgent}
        for key, value in mapping.items():
            question, code, option_column = self._column(key)
            if question is None:
                continue
            if not option_column:
                found[question] += self._codes_in(question, value)
            elif code is not None and _ticked(value):
                found[question].append(code)
        return [f"{name}={code}" for name, codes in found.items()
                for code in dict.fromkeys(codes)]

    def in_text(self, text: str) -> list[str]:
        """Urgent answers named in text that is not a record (broken JSON): the question
        id and the code both present as words."""
        text = str(text).lower()
        found = []
        for name, codes in self.urgent.items():
            if _word(name).search(text):
                found += [f"{name}={code}" for code in sorted(codes) if _word(code).search(text)]
        return found


def _ticked(value: Any) -> bool:
    if isinstance(value, str):
        return _norm(value) in TICKED
    return value is True or (isinstance(value, (int, float)) and value == 1)


def _word(code: str) -> re.Pattern:
    """A code as a whole word, '_' also matching spaces or hyphens."""
    body = r"[\s_\-]+".join(re.escape(part) for part in code.split("_"))
    return re.compile(rf"(?<![a-z0-9_]){body}(?![a-z0-9_])")


_scanners: dict[str, Scanner] = {}


def scanner(ruleset) -> Scanner:
    """The Scanner of a ruleset, built once per process."""
    if ruleset.content_hash not in _scanners:
        _scanners[ruleset.content_hash] = Scanner(ruleset)
    return _scanners[ruleset.content_hash]


def red_flags_in(raw: Any, ruleset, *, header: tuple[str, ...] | None = None) -> list[str]:
    """``question=code`` for every urgent answer in a rejected record: CSV cells with
    their ``header``, a JSON line's text, or an already parsed mapping."""
    scan = scanner(ruleset)
    if header is not None:
        return scan.in_mapping(dict(zip(header, raw)))
    if isinstance(raw, dict):
        return scan.in_mapping(raw)
    try:
        loaded = json.loads(raw)
    except (TypeError, ValueError):
        return scan.in_text(raw)
    return scan.in_mapping(loaded) if isinstance(loaded, dict) else scan.in_text(raw)
