"""Problems found while loading a folder of YAML (rules, personas, translations), each
with its file, line, id, a sentence for the person who wrote it and a stable check code;
collected so that one run reports them all.

The codes are the load checks of ``screener rules check``, in the style of the lint
checks (``authoring/lint/``), and are documented in rules/README.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import RulesError, shown

#: code -> what it finds. The codes are stable: tests and scripts may rely on them.
LOAD_CHECKS = {
    "yaml-syntax": "a file that is not valid YAML (or not UTF-8 text)",
    "duplicate-key": "a key written twice in one mapping (YAML would keep only the second)",
    "missing-file": "a file named in ruleset.yaml that is not in the folder",
    "unreadable-file": "a file that is not a regular file (a FIFO, a device, a folder), is "
                       "larger than 1 MB, or cannot be opened",
    "yaml-limits": "anchors and aliases that expand a file beyond 100,000 values or refer to "
                   "themselves, or lists and mappings nested over 50 deep",
    "control-character": "a text with a control character a terminal would obey (ESC, other "
                         "C0 and C1 codes, a carriage return, a bidirectional override)",
    "line-break": "a line break in a one-line text: an id, title, label, name or option label",
    "not-a-mapping": "a file, rule, question, source or factor that is not `key: value` lines",
    "unknown-key": "a key the item does not have, such as `reson` (with did-you-mean)",
    "missing-key": "a key the item needs, such as a rule without `reason`",
    "bad-choice": ("a value that is not one of the allowed words (`kind`, `type`, `level`, "
                   "`expect`...)"),
    "bad-id": "an id or code with characters other than letters, digits, `-` and `_`",
    "wrong-type": "text, a number, `true`/`false`, a list or a mapping where another is needed",
    "wrong-length": "an empty list that needs an item (`sources`, `examples`), a text too long",
    "bad-combination": "keys that do not go together: a derived rule without `concludes`, "
                       "an int question without `min` and `max`, options on a date question",
    "bad-condition": "a condition that cannot be read: an unknown operator, `gte` without a number",
    "bad-value": "any other value the loader refuses",
    "missing-triage-level": "a triage level without its wording in ruleset.yaml",
    "id-used-twice": "a rule, question, factor or source id defined twice",
    "unknown-name": "a condition reading a name that is no question, computed input or fact",
    "unknown-code": "a condition testing an answer code the question does not have",
    "wrong-operator": ("an operator that does not fit the answer (`gte` on a choice, `has` on "
                       "one value)"),
    "unknown-source": "a rule or factor citing a source that is not in sources.yaml",
    "unknown-factor": "a rule counting towards a factor that no file defines",
    "concludes-question": "a derived rule concluding a name that is a question id",
}


@dataclass(frozen=True)
class Problem:
    """One problem, printed as ``file:line: id: message``."""

    code: str
    file: str
    line: int
    ident: str
    message: str

    def __str__(self) -> str:
        # a file name found in a folder (not typed) is input too: shown, never obeyed
        file = shown(self.file, 4096)
        where = f"{file}:{self.line}" if self.line else file
        return f"{where}: {self.ident + ': ' if self.ident else ''}{self.message}"


class Problems:
    """Collects problems; raises them all at once."""

    def __init__(self):
        self.found: list[Problem] = []

    @property
    def items(self) -> list[str]:
        """The problems as printed lines."""
        return [str(p) for p in self.found]

    def add(self, file: str, line: int, ident: str, message: str, code: str = "bad-value"):
        problem = Problem(code, str(file), line or 0, ident, message)
        if problem not in self.found:  # a name used four times in one rule is one mistake
            self.found.append(problem)

    def add_error(self, error: RulesError) -> None:
        """A whole-file error (unreadable YAML) as one problem, with its code."""
        self.add(error.file or "", error.line or 0, "", error.message,
                 getattr(error, "code", "bad-value"))

    def add_validation(self, file: str, raw: Any, ident: str, error, prefix: tuple = (),
                       model=None):
        """Every error of a pydantic ValidationError, in plain words (ruleset.messages).

        ``raw`` is the parsed YAML that was validated (``prefix`` leads from it to the
        validated part) and gives the line; ``model`` the class, for did-you-mean."""
        from .messages import explain_all
        from .yaml_source import line_of

        for err, code, sentence in explain_all(error.errors(), model):
            self.add(file, line_of(raw, prefix + tuple(err["loc"])), ident, sentence, code)

    def raise_if_any(self, folder: Path):
        if self.found:
            count = len(self.found)
            raise RulesError(
                f"{count} problem{'s' if count > 1 else ''} in the rules folder {folder}",
                problems=self.items)
