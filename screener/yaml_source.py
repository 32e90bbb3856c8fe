"""Read a YAML file of the rules folder, remembering where each mapping and key was
written, so that an error can name the line a person has to fix."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from .errors import RulesError


class LineDict(dict):
    """A YAML mapping that remembers its own line and the line of each key."""

    line = 0
    key_lines: dict


class YamlError(RulesError):
    """A file that could not be read; ``code`` is its check code (see problems.py)."""

    def __init__(self, code: str, message: str, *, file: str, line: int | None = None):
        super().__init__(message, file=file, line=line)
        self.code = code


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """SafeLoader reading YAML 1.2 booleans: `yes`, `no`, `on`, `off` stay strings
    (they are answer codes here), only `true`/`false` are booleans. The libyaml parser
    when present: it reads the rules ~5x faster, which the first prompt waits for."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


class _DuplicateKey(yaml.MarkedYAMLError):
    """A key written twice in one mapping: YAML would silently keep the second."""


def _construct_mapping(loader, node, deep=False):
    mapping = LineDict()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in mapping:
            raise _DuplicateKey(
                "while reading a mapping", node.start_mark,
                f"the key '{key}' appears twice", key_node.start_mark)
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = key_node.start_mark.line + 1
    return mapping


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_yaml(path: Path) -> Any:
    """The parsed file, its mappings as LineDicts; YamlError when it cannot be read."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise YamlError("missing-file", "file not found", file=str(path)) from None
    except UnicodeDecodeError as exc:
        raise YamlError("yaml-syntax", f"not UTF-8 text (byte {exc.start + 1}): save the "
                        "file as UTF-8", file=str(path)) from None
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        code = "duplicate-key" if isinstance(exc, _DuplicateKey) else "yaml-syntax"
        raise YamlError(code, f"not valid YAML: {exc.problem or exc}",
                        file=str(path), line=line) from None


def line_of(raw: Any, loc: tuple) -> int:
    """The line of the deepest mapping (or key) along a location (keys and list indexes)."""
    line = getattr(raw, "line", 0)
    node = raw
    for part in loc:
        if isinstance(node, dict) and part in node:
            line = getattr(node, "key_lines", {}).get(part, line)
            node = node[part]
            line = getattr(node, "line", line)
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
            line = getattr(node, "line", line)
        else:
            break
    return line
