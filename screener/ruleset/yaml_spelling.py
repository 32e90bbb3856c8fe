"""Values spelt as YAML writes them, for messages to the people who write the YAML:
`true`, `false` and `null`, not Python's `True`, `False` and `None`; `[a, b]` and
`{gte: 65}` for lists and mappings. Strings are echoed through ``errors.shown``, so a
control character in a file is shown, never obeyed."""

from __future__ import annotations

import datetime as dt

from ..errors import shown

#: longest echo of a value in a message; the rest is cut to "..."
LIMIT = 60


def as_yaml(value, limit: int = LIMIT) -> str:
    """The value as it would be written in a YAML file; strings in single quotes."""
    text = _spell(value, quote=True)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def plain(value) -> str:
    """A scalar as a YAML plain word (`yes`, `true`, `65`), for lists of allowed values."""
    return _spell(value, quote=False)


def _spell(value, quote: bool) -> str:
    if value is True or value is False:
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, str):
        text = shown(value, LIMIT)
        return "'" + text.replace("'", "''") + "'" if quote else text
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        pairs = (f"{_spell(k, False)}: {_spell(v, True)}" for k, v in value.items())
        return "{" + ", ".join(pairs) + "}"
    if isinstance(value, (list, tuple, set)):
        return "[" + ", ".join(_spell(v, True) for v in value) + "]"
    return shown(value, LIMIT)
