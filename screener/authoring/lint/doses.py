"""The dose-text check: no text of the rules folder (translations and the hazard log
included) may look like a dose or a diagnosis; the output guard (safety.py) decides what
does."""

from __future__ import annotations

from ... import safety
from ...errors import RulesError
from ...ruleset.yaml_source import read_bytes
from .context import Context, finding


def dose_text(ctx: Context):
    """No text in the rules folder may look like a dose or a diagnosis (spec principles
    1 and 2)."""
    for path in sorted(ctx.folder.rglob("*.y*ml")):
        raw = ctx.raw_of(str(path))
        try:  # through the loader's locks: a FIFO named x.yml is never waited on
            lines = read_bytes(path).decode("utf-8", "replace").splitlines()
        except RulesError:
            continue  # refused by read_yaml too: nothing of it was read
        for text, line, ident, field in _strings(raw, 1, "", ()):
            found = safety.find_unsafe_text(text)
            if found:
                yield finding("dose-text", str(path), _line_with(lines, found, line),
                              ident, f"{'.'.join(field) or 'text'}: looks like a dose or a "
                              f"diagnosis ('{found}'): the screener never states amounts, "
                              "doses or diagnoses (spec principles 1 and 2)")


def _strings(node, line: int, ident: str, field: tuple):
    """(string, line, nearest id, field) for every string value in parsed YAML; the field
    is the path of keys from the nearest item with an id (``reason``, ``options[2].label``)
    or from the top of the file (``questions.fluids.help`` in a translation)."""
    if isinstance(node, dict):
        if isinstance(node.get("id"), str):
            ident, field = node["id"], ()
        for key, value in node.items():
            yield from _strings(value, getattr(node, "key_lines", {}).get(key, line), ident,
                                field + (str(key),))
    elif isinstance(node, list):
        for n, item in enumerate(node):
            yield from _strings(item, getattr(item, "line", line), ident,
                                field[:-1] + (f"{field[-1]}[{n}]",) if field else (f"[{n}]",))
    elif isinstance(node, str):
        yield node, line, ident, field


def _line_with(lines: list[str], fragment: str, start: int) -> int:
    """The line (from ``start``) where a fragment is written; ``start`` if it spans lines."""
    for n in range(max(start, 1), min(start + 40, len(lines)) + 1):
        if fragment.lower() in lines[n - 1].lower():
            return n
    return start
