"""Reading the files of one rules folder into models: every problem recorded with its
file, line and id, what failed remembered (``Unloaded``), and the rest read on.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import RulesError
from .cross_checks import Unloaded
from .messages import keys_of, unknown_key
from .problems import Problems
from .yaml_source import key_line, read_bytes, read_yaml
from .yaml_spelling import as_yaml


class Reader:
    """Reads the files of one rules folder into models, recording every problem and
    what failed, and going on with the rest."""

    def __init__(self, folder: Path, problems: Problems):
        self.folder, self.problems, self.unloaded = folder, problems, Unloaded()

    def path(self, name: str) -> str:
        return str(self.folder / name)

    def read(self, name: str, *spare: str) -> Any:
        """The parsed file, or UNREADABLE with its problem recorded.

        The ids and concluded names still legible in the text of an unreadable file are
        spared by the cross-checks; when there are none (a missing file), everything
        ``spare`` names is ("any_name", "any_source", "any_factor")."""
        try:
            return read_yaml(self.folder / name)
        except RulesError as exc:
            self.problems.add_error(exc)
            written = _names_written(self.folder / name)
            self.unloaded.ids |= written
            self.unloaded.factors |= written  # a factor's id: its facts are spared too
            for flag in spare if not written else ():
                setattr(self.unloaded, flag, True)
            return UNREADABLE

    def is_mapping(self, raw: Any, path: str, ident: str, expected: str, line: int = 1) -> bool:
        if isinstance(raw, dict):
            return True
        found = "an empty file" if raw is None and line == 1 else as_yaml(raw)
        self.problems.add(path, getattr(raw, "line", 0) or line, ident,
                          f"{expected}, not {found}", "not-a-mapping")
        return False

    def only_keys(self, raw: dict, keys, path: str, ident: str = "", where: str = "") -> None:
        for key in raw:
            if key not in keys:
                self.problems.add(path, key_line(raw, key), ident,
                                  f"{where + ': ' if where else ''}{unknown_key(key, list(keys))}",
                                  "unknown-key")

    def model(self, model, raw: Any, path: str, ident: str, what: str, *, at_line: int = 0,
              values: dict | None = None, **place):
        """``raw`` (or ``values`` read from it) validated as ``model``, with the fields the
        loader fills in (``place``: file, line...); None with its problems recorded.
        ``at_line``: where a value that is not a mapping was written."""
        if not self.is_mapping(raw, path, ident, f"{what} must be a mapping (key: value lines)",
                               at_line):
            return None
        written = [key for key in place if key in raw]  # the author cannot set these
        for key in written:
            keys = [k for k in keys_of(model) if k not in place]
            self.problems.add(path, key_line(raw, key), ident,
                              unknown_key(key, keys), "unknown-key")
        if written:
            return None
        try:
            return model.model_validate({**(raw if values is None else values), **place})
        except ValidationError as exc:
            self.problems.add_validation(path, raw, ident, exc, model=model)
            return None

    def list_at(self, raw: dict, key: str, path: str) -> list:
        """raw[key] when it is a list (or absent: []); else the problem, and []."""
        value = raw.get(key, [])
        if isinstance(value, list):
            return value
        self.problems.add(path, key_line(raw, key), "",
                          f"{key} must be a list, not {as_yaml(value)}", "wrong-type")
        return []


UNREADABLE = object()  # what Reader.read returns for a file that cannot be read


def _names_written(path: Path) -> set[str]:
    """The words after `id:` and `concludes:` in a file YAML cannot read: the names it
    would define, so that no rule reading them is reported as reading an unknown name."""
    try:  # the same locks as read_yaml: a FIFO is refused there, and never waited on here
        text = read_bytes(path).decode("utf-8", errors="replace")
    except RulesError:
        return set()
    return set(re.findall(r"^[\s-]*(?:id|concludes):\s*[\"']?([A-Za-z0-9][\w-]*)", text, re.M))


def ident(raw: Any, default: str = "?") -> str:
    value = raw.get("id") if isinstance(raw, dict) else None
    return value if isinstance(value, str) else default
