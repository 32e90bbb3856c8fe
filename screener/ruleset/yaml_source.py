"""Read a YAML file of the rules folder, remembering where each mapping and key was
written, so that an error can name the line a person has to fix.

Every YAML file the screener reads (rules, translations, the hazard log, personas)
comes through ``read_yaml``, and none of them is trusted: a clinician's proposed rules
or a shared folder of sample patients is input like an answers file. So each one gets
the locks of the answers files (``reading.read_bytes``: a regular file only, never a
FIFO or a device, and a size limit), and, before any value is built from it:

- anchors and aliases (``&a``, ``*a``) may not expand it beyond ``MAX_VALUES`` values,
  nor refer to themselves, nor nest it deeper than ``MAX_DEPTH`` (a "billion laughs"
  file of 1 KB expands to a billion values: every later step would hang on it);
- no text may hold a control character (ESC, CSI and OSC sequences, other C0 and C1
  codes, a carriage return, a line or paragraph separator, a bidirectional override):
  a terminal would obey it, and a reviewer reading the file does not see it;
- a one-line text (``ONE_LINE_KEYS``: ids, titles, labels, names...) may not break its
  line: a title with a line break would start a new line, or a heading, in a report.

A refused file is a YamlError naming the file, the line and the field. Refusing at load,
rather than escaping on output, keeps the rule: what a reviewer reads in the file is
what every output shows, and one check here covers every command and every format.

Inside ``yaml_cache.parse_once()`` (a lint) a file is parsed once (see yaml_cache.py).
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import ScalarNode, SequenceNode

from .. import reading
from ..errors import AnswersError, RulesError, shown
from .yaml_cache import parsed

#: bytes a YAML file may have: the largest shipped one (the Spanish texts) is about 110 KB
MAX_BYTES = 1_000_000
#: values (texts, numbers, lists, mappings) in one file once its aliases are expanded:
#: the largest shipped file has about 5,300
MAX_VALUES = 100_000
#: lists and mappings inside each other: the shipped files go 16 deep
MAX_DEPTH = 50
#: keys whose text is one line: shown as titles, headings, list items or table cells
#: (and every value of an ``options`` mapping: the option labels of a translation)
ONE_LINE_KEYS = frozenset({
    "id", "title", "label", "name", "native", "code", "version", "citation", "url",
    "unit", "kind", "type", "level", "factor", "concludes", "ref", "reviewed_by",
    "translated_from", "story"})
#: bidirectional embeddings, overrides and isolates ("Trojan Source"): the marks LRM,
#: RLM and ALM, and the joiners some scripts need, are allowed
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


class LineDict(dict):
    """A YAML mapping that remembers its own line and the line of each key."""

    line = 0
    key_lines: dict


class YamlError(RulesError):
    """A file that could not be read; ``code`` is its check code (see problems.py)."""

    def __init__(self, code: str, message: str, *, file: str, line: int | None = None):
        super().__init__(message, file=file, line=line)
        self.code = code


_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's when built


class _Loader(_SafeLoader):
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


class _Refused(Exception):
    """A file over the limits or with a forbidden character (becomes a YamlError)."""

    def __init__(self, code: str, message: str, line: int | None = None):
        super().__init__(message)
        self.code, self.message, self.line = code, message, line


def _get_single_data(loader):
    """The document, checked (``check_nodes``) before a value is built from it."""
    node = loader.get_single_node()
    if node is None:
        return None
    check_nodes(node)
    return loader.construct_document(node)


_Loader.get_single_data = _get_single_data


def read_bytes(path: Path, what: str = "rules file") -> bytes:
    """The bytes of a YAML file (or any file of a rules or personas folder), through the
    answers files' funnel (``reading.read_bytes``) with its own size limit; YamlError
    naming the file otherwise."""
    path = Path(path)
    try:
        return reading.read_bytes(
            path, what, limit=MAX_BYTES, usual="(the largest shipped one is about 110 KB)",
            fix="replace it with a regular file, or take it out of the folder")
    except AnswersError as exc:
        if not path.exists():
            raise YamlError("missing-file", "file not found", file=str(path)) from None
        raise YamlError("unreadable-file", exc.message, file=str(path)) from None


def read_yaml(path: Path, what: str = "rules file") -> Any:
    """The parsed file, its mappings as LineDicts; YamlError when it cannot be read or is
    refused (see the module's docstring). Each call returns a value of its own: a caller
    may change it (the hazard log's loader does) without another caller seeing it."""
    path = Path(path)
    data = read_bytes(path, what)
    return parsed(data, lambda: _parse(data, path, what))


def _parse(data: bytes, path: Path, what: str) -> Any:
    """The file's bytes parsed and checked; YamlError naming the file otherwise."""
    try:
        text = reading.decode(data, str(path), what)
    except AnswersError as exc:  # not UTF-8: the line of the first bad byte
        raise YamlError("yaml-syntax", exc.message, file=str(path), line=exc.line) from None
    try:
        return yaml.load(text, Loader=_Loader)
    except _Refused as exc:
        raise YamlError(exc.code, exc.message, file=str(path), line=exc.line) from None
    except RecursionError:  # the pure-Python parser, without libyaml
        raise YamlError("yaml-limits", f"nested too deeply: at most {MAX_DEPTH} lists and "
                        "mappings inside each other", file=str(path)) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        code = "duplicate-key" if isinstance(exc, _DuplicateKey) else "yaml-syntax"
        raise YamlError(code, f"not valid YAML: {shown(exc.problem or exc, 200)}",
                        file=str(path), line=line) from None
    except yaml.YAMLError as exc:  # e.g. a character YAML does not allow, without a mark
        raise YamlError("yaml-syntax", f"not valid YAML: {shown(exc, 200)}",
                        file=str(path)) from None


def check_nodes(root) -> None:
    """_Refused when the document, read as nodes (an alias is the node of its anchor,
    not a copy), expands beyond MAX_VALUES values or MAX_DEPTH levels, refers to itself,
    or holds a text with a control character or a one-line text with a line break.
    Each node is visited once, so the check takes the time of the file as written."""
    if isinstance(root, ScalarNode):
        _check_text(root, "the file", "")
        return
    done: dict[int, tuple[int, int]] = {}  # id(list or mapping) -> (values, depth)
    open_nodes: set[int] = set()  # being expanded: meeting one again is a loop
    stack: list = [(root, "", "", None)]  # (node, its key, its parent's key, on leaving:
    while stack:                          # [its scalars + 1, its lists and mappings...])
        node, key, parent, inside = stack.pop()
        ident = id(node)
        if inside is not None:  # leaving: every list and mapping in it is done
            values, depth = inside[0], 0
            for child in inside[1:]:
                child_values, child_depth = done[id(child)]
                values += child_values
                depth = max(depth, child_depth)
            open_nodes.discard(ident)
            done[ident] = (values, depth + 1)
            if values > MAX_VALUES:
                raise _Refused("yaml-limits", _expanded(key), _line(node))
            if depth + 1 > MAX_DEPTH:
                raise _Refused("yaml-limits", f"{_field(key)}nested too deeply: at most "
                               f"{MAX_DEPTH} lists and mappings inside each other",
                               _line(node))
            continue
        if ident in done:
            continue
        if ident in open_nodes:
            raise _Refused("yaml-limits", f"{_field(key)}an alias refers to the list or "
                           "mapping it is in: the value would never end; write it out",
                           _line(node))
        open_nodes.add(ident)
        inside = [1]
        stack.append((node, key, parent, inside))
        later: list = []  # lists and mappings in it, expanded in the order they are written: a
        if isinstance(node, SequenceNode):  # node is first met where its anchor is
            for item in node.value:  # the items of a list have the key of the list
                _visit(item, key, parent, inside, later)
        else:
            for key_node, value_node in node.value:
                _visit(key_node, "", key, inside, later)  # a key: "" (a key is one line)
                name = str(key_node.value) if isinstance(key_node, ScalarNode) else key
                _visit(value_node, name, key, inside, later)
        stack.extend(reversed(later))


def _visit(child, key: str, parent: str, inside: list, later: list) -> None:
    """A scalar is checked and counted at once; a list or mapping is expanded later."""
    if isinstance(child, ScalarNode):
        inside[0] += 1
        if not child.value.isprintable():
            _check_text(child, key, parent)
    else:
        inside.append(child)
        later.append((child, key, parent, None))


def _line(node) -> int:
    return node.start_mark.line + 1


def _field(key: str) -> str:
    return f"{shown(key, 40)}: " if key else ""


def _expanded(key: str) -> str:
    return (f"{_field(key)}anchors and aliases (&name, *name) expand this to more than "
            f"{MAX_VALUES:,} values (a 'billion laughs' file: every step after reading "
            "would hang on it); write the values out instead of repeating aliases")


def _check_text(node, key: str, parent: str) -> None:
    """A text (a key when ``key`` is "") with no control character, and on one line
    where it must be."""
    text = node.value
    if text.isprintable():  # the common case: no control, format or separator character
        return
    one_line = not key or key in ONE_LINE_KEYS or parent == "options"
    for offset, char in enumerate(text):
        if char == "\n" and one_line:
            what = (f"options: {shown(key, 40)}: an option's label" if parent == "options"
                    else f"{shown(key, 40)}: this text" if key else "a key")
            raise _Refused("line-break", f"{what} must be one line, but it breaks its line: "
                           "in a report the rest would start a new line, or a heading; "
                           "write it on one line", _line(node))
        if char in "\n\t" or (unicodedata.category(char) not in ("Cc", "Zl", "Zp")
                               and char not in _BIDI):
            continue
        name = _CONTROL_NAMES.get(char) or unicodedata.name(char, f"U+{ord(char):04X}")
        raise _Refused("control-character",
                       f"{_field(key) or 'a key: '}the text holds {shown(char)} ({name}) "
                       f"at character {offset + 1}: a terminal obeys such characters (to "
                       "move the cursor, change colours, rename the window, hide text), and "
                       "a reviewer reading the file does not see them; take it out",
                       _line(node))


_CONTROL_NAMES = {"\x1b": "ESC, which starts a terminal escape sequence",
                  "\x9b": "CSI, a terminal control sequence",
                  "\x9d": "OSC, a terminal command", "\r": "carriage return",
                  "\x07": "BEL", "\x08": "backspace", "\x7f": "DEL",
                  "\x00": "NUL", "\x0b": "vertical tab", "\x0c": "form feed",
                  "\x85": "NEL, a line break"}


def key_line(mapping: dict, key: Any) -> int:
    """The line where a key of a parsed mapping was written (the mapping's line when the
    key is not in it; 0 for a mapping that is not a LineDict)."""
    line = getattr(mapping, "line", 0)
    return getattr(mapping, "key_lines", {}).get(key, line)


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
