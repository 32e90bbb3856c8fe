"""Reading answers-like JSON (answers files, drafts, batch records) without trusting it.

One function reads a file, one parses the text; screen, report, explain, whatif, resume
and batch all go through them, so every door has the same locks:

- only a regular file is read (a FIFO would block for ever, ``/dev/zero`` never ends, a
  folder is a mistake), opened without blocking and checked before reading;
  ``read_bytes`` is that check for every file another person may have written: answers
  and drafts here, and the YAML of rules, translation and persona folders
  (``yaml_source.read_yaml``, with its own limit and its alias and text checks);
- at most ``MAX_BYTES``: a full answers file is about 2 KB, so anything near the limit
  is not answers, and reading it whole could exhaust memory;
- UTF-8 text (or UTF-16 with its BOM, as Windows saves "Unicode text"), an error
  naming the line of the first bad byte otherwise;
- a key given twice is an error (JSON parsers silently keep the last copy, which could
  hide a red flag given in the first); the error keeps every copy (``seen``) so the
  caller can still report a red flag in any of them;
- numbers of at most ``MAX_DIGITS`` digits, nesting at most ``MAX_DEPTH`` deep (answers
  are two levels deep), no NaN or Infinity.

Every failure is an AnswersError (one paragraph, exit 2) that says why.
"""

from __future__ import annotations

import codecs
import json
import os
import re
import stat
from pathlib import Path
from typing import Any

from .errors import AnswersError, shown
from .i18n import N_, _

MAX_BYTES = 1_000_000
MAX_DEPTH = 16
MAX_DIGITS = 30
TOO_DEEP = N_("nested too deeply: answers are at most {limit} levels deep")


class UnreadableInput(AnswersError):
    """Input that could not be read or parsed; ``seen`` is what was read of it (the
    text, or for a repeated key a mapping holding every copy), for a red-flag search."""

    def __init__(self, message: str, *, seen: Any = None, **where):
        super().__init__(message, **where)
        self.seen = seen


# What is read, named in its errors ("no such answers file"): marked here, translated
# where an error says it. TRANSLATORS: these names are used with their article ("el
# archivo de respuestas"): the messages around them have none.
ANSWERS_FILE = N_("answers file")
ANSWERS_INPUT = N_("answers input")


def read_text(path: str | Path, what: str = ANSWERS_FILE) -> str:
    """The text of a regular file of at most MAX_BYTES (UTF-8, a BOM allowed)."""
    return decode(read_bytes(path, what), str(path), what)


#: why an answers file cannot be larger (the words of the size error)
ANSWERS_SIZE = N_("(a complete set of answers is about 2 KB), so this is not answers")


_PIECE = 64 * 1024  # bytes read at a time (read_bytes)


def read_bytes(path: str | Path, what: str = ANSWERS_FILE, *, limit: int = MAX_BYTES,
               usual: str = ANSWERS_SIZE, fix: str | None = None) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes: the one way in for a file
    someone else may have written. Opened without blocking and checked before a byte is
    read, so a FIFO, a device (``/dev/zero``) or a folder is an AnswersError saying what
    it is, never a hang; a larger file is an UnreadableInput holding its first ``limit``
    bytes (``usual`` says why the limit; ``fix`` what to do instead of a special file)."""
    path = Path(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise AnswersError(_("no such {what}").format(what=_(what)), file=str(path)) from None
    except OSError as exc:
        raise AnswersError(_("cannot read the {what}: {reason}").format(
            what=_(what), reason=exc.strerror or exc), file=str(path)) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = (_("is a folder") if stat.S_ISDIR(info.st_mode) else
                    _("is a named pipe (FIFO)") if stat.S_ISFIFO(info.st_mode) else
                    _("is a device") if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode)
                    else _("is not a regular file"))
            remedy = _(fix) if fix else _("name the {what}").format(what=_(what))
            raise AnswersError(_("{kind}, not a file: only regular files are read (a pipe or a "
                                 "device could block or never end); {remedy}").format(
                                     kind=kind, remedy=remedy), file=str(path))
        if info.st_size > limit:  # its start is still searched for a red flag
            raise _too_big(path, what, info.st_size, os.read(fd, limit), limit, usual)
        chunks, size = [], 0
        while size <= limit:  # the file may grow while it is read
            # in pieces of at most _PIECE: one buffer of ``limit`` bytes, freed at once,
            # makes glibc raise its mmap threshold for good, and durable's large state
            # tables then come from the heap, zeroed page by page (+40 MB resident)
            chunk = os.read(fd, min(limit + 1 - size, _PIECE))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise AnswersError(_("cannot read the {what}: {reason}").format(
            what=_(what), reason=exc.strerror or exc), file=str(path)) from None
    finally:
        os.close(fd)
    raw = b"".join(chunks)
    if len(raw) > limit:
        raise _too_big(path, what, None, raw[:limit], limit, usual)
    return raw


def read_stream(stream, source: str = "<stdin>", what: str = ANSWERS_INPUT) -> str:
    """The text of a binary stream (standard input), with the same limit."""
    return decode(stream.read(MAX_BYTES + 1), source, what)


def decode(raw: bytes, source: str, what: str) -> str:
    if len(raw) > MAX_BYTES:
        raise _too_big(source, what, None, raw[:MAX_BYTES])
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:  # what Windows Notepad and Excel call "Unicode text": its BOM says so
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            pass  # not UTF-16 after all: reported as not UTF-8 below
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise UnreadableInput(
            _("not UTF-8 text: byte 0x{byte} on line {line} cannot be read (save the file as "
              "UTF-8)").format(byte=f"{raw[exc.start]:02x}", line=line), file=source, line=line,
            seen=raw.decode("utf-8", "replace")) from None


def _too_big(source, what: str, size: int | None, head: bytes, limit: int = MAX_BYTES,
             usual: str = ANSWERS_SIZE) -> UnreadableInput:
    """The error for input over the limit; ``seen`` is the text of its first ``limit``
    bytes (searched for a red flag as broken JSON is, never parsed)."""
    size_text = " " + _("({size} bytes)").format(size=f"{size:,}") if size is not None else ""
    if _(what) == what:  # English, or a name without a translation: its own article
        for_what = ("for an " if what[:1] in "aeiou" else "for a ") + what
    else:
        for_what = _("for {what}").format(what=_(what))
    return UnreadableInput(_("too large{size} {for_what}: the limit is {limit} bytes {usual}, "
                             "and reading it whole could exhaust memory").format(
                                 size=size_text, for_what=for_what, limit=f"{limit:,}",
                                 usual=_(usual)),
                           file=str(source), seen=head.decode("utf-8", "replace"))


# ------------------------------------------------------------------------- parsing

class _Repeated(ValueError):
    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


class _TooLong(ValueError):
    pass


def _unique(pairs: list[tuple[str, Any]]) -> dict:
    result = dict(pairs)
    if len(result) < len(pairs):  # rare: find the key given twice
        seen: set = set()
        for key, _ in pairs:
            if key in seen:
                raise _Repeated(key)
            seen.add(key)
    return result


def _every_copy(pairs: list[tuple[str, Any]]) -> dict:
    """A mapping in which a repeated key holds the values of all its copies, in one
    list (``["chest_pain"]`` and ``["none"]`` give ``["chest_pain", "none"]``)."""
    result: dict = {}
    for key, value in pairs:
        result.setdefault(key, []).append(value)
    return {k: (v[0] if len(v) == 1 else
                [x for item in v for x in (item if isinstance(item, list) else [item])])
            for k, v in result.items()}


def _number(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise _TooLong(text)
    return int(text)


def _float(text: str) -> float:
    if len(text) > MAX_DIGITS + 10:
        raise _TooLong(text)
    return float(text)


def _constant(name: str):
    raise ValueError(_("{name} is not a number an answer can have").format(name=name))


def parse_json(text: str, source: str | None = None) -> Any:
    """Parse JSON text under the rules above; UnreadableInput says what is wrong."""
    where = {"file": source}
    try:
        data = json.loads(text, object_pairs_hook=_unique, parse_int=_number,
                          parse_float=_float, parse_constant=_constant)
    except _Repeated as exc:
        raise UnreadableInput(
            _("'{key}' is given twice: each question id may appear once (a reader would "
              "silently keep only the last copy); keep the right one").format(
                  key=shown(exc.key)),
            field=exc.key, line=_second_line(text, exc.key), seen=_lenient(text), **where
        ) from None
    except _TooLong as exc:
        raise UnreadableInput(_("a number has {count} characters: the limit is {limit} "
                                "digits ({number})").format(
                                    count=len(str(exc)), limit=MAX_DIGITS,
                                    number=shown(exc, 20)), seen=text, **where) from None
    except RecursionError:
        raise UnreadableInput(_(TOO_DEEP).format(limit=MAX_DEPTH), seen=text,
                              **where) from None
    except json.JSONDecodeError as exc:
        raise UnreadableInput(_("not valid JSON: {reason} (column {column})").format(
                                  reason=exc.msg, column=exc.colno),
                              line=exc.lineno if source else None, seen=text,
                              **where) from None
    except ValueError as exc:  # e.g. a number the interpreter refuses to convert
        raise UnreadableInput(_("not valid JSON: {reason}").format(reason=shown(exc)),
                              seen=text, **where) from None
    # no deeper than the number of brackets: most answers need no walk at all
    if text.count("[") + text.count("{") > MAX_DEPTH and _depth_over(data, MAX_DEPTH):
        raise UnreadableInput(_(TOO_DEEP).format(limit=MAX_DEPTH), seen=text, **where)
    return data


def _lenient(text: str) -> Any:
    """The JSON with every copy of a repeated key kept (for the red-flag search)."""
    try:
        return json.loads(text, object_pairs_hook=_every_copy, parse_int=_number,
                          parse_float=_float)
    except (ValueError, RecursionError):
        return text


def _depth_over(data: Any, limit: int) -> bool:
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, (dict, list)):
            if depth > limit:
                return True
            items = value.values() if isinstance(value, dict) else value
            stack.extend((item, depth + 1) for item in items)
    return False


def _second_line(text: str, key: str) -> int | None:
    matches = list(re.finditer(r'"' + re.escape(json.dumps(key)[1:-1]) + r'"\s*:', text))
    if len(matches) < 2:
        return None
    return text.count("\n", 0, matches[1].start()) + 1


def load_json(path: str | Path, what: str = "answers file") -> Any:
    """Read and parse a JSON file (``-``: standard input)."""
    if str(path) == "-":
        import sys

        return parse_json(read_stream(sys.stdin.buffer), "<stdin>")
    return parse_json(read_text(path, what), str(path))
