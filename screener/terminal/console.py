"""What the terminal can take: its character set and whether it wants escape codes.

The urgent advice must reach the person whatever the terminal: on a stdout that only
encodes ASCII or Latin-1 (``LANG=C``, ``PYTHONIOENCODING=ascii``, an old serial
console) a character it cannot encode is written as its closest ASCII letter (``ó`` ->
``o``, ``—`` -> ``-``) or ``?``, never a UnicodeEncodeError. A dumb terminal
(``TERM=dumb``), ``NO_COLOR`` or output that is not a terminal gets no escape codes.
Imports only the standard library: the CLI calls this before ``--help``.
"""

from __future__ import annotations

import codecs
import os
import sys
import unicodedata

ERRORS = "screener-ascii-fallback"

#: characters NFKD leaves non-ASCII that have a plain ASCII spelling
_ASCII = {
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"',
    "\u00ab": '"', "\u00bb": '"', "\u2026": "...", "\u2022": "*", "\u00b7": "*",
    "\u2264": "<=", "\u2265": ">=", "\u00d7": "x", "\u2192": "->", "\u00b0": " deg",
    "\u00b5": "u", "\u03bc": "u", "\u00a1": "!", "\u00bf": "?", "\u00df": "ss",
    "\u00e6": "ae", "\u00c6": "AE", "\u00f8": "o", "\u00d8": "O", "\u2501": "=",
    "\u2500": "-", "\u2502": "|",
}


def _nearest_ascii(char: str) -> str:
    if char in _ASCII:
        return _ASCII[char]
    parts = unicodedata.normalize("NFKD", char)
    base = "".join(c for c in parts if ord(c) < 128)
    marks_only = all(ord(c) < 128 or unicodedata.combining(c) for c in parts)
    return base if base and marks_only else "?"


def _fallback(exc: UnicodeError):
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    text = exc.object[exc.start:exc.end]
    return "".join(_nearest_ascii(c) for c in text), exc.end


codecs.register_error(ERRORS, _fallback)


def degrade_unencodable(*streams) -> None:
    """Make ``streams`` (default: stdout and stderr) write what their encoding cannot
    hold as near ASCII instead of raising. A UTF-8 stream is left as it is."""
    for stream in streams or (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("_", "-")
        if encoding in ("utf-8", "utf8") or not hasattr(stream, "reconfigure"):
            continue
        try:
            stream.reconfigure(errors=ERRORS)
        except (AttributeError, LookupError, OSError, ValueError):
            pass


def dumb_terminal(environ=None) -> bool:
    """TERM=dumb (Emacs shell buffers, some screen readers, CI): no escape codes at all,
    so no cursor-moving menus either."""
    environ = os.environ if environ is None else environ
    return environ.get("TERM", "").strip().lower() == "dumb"


def escapes_allowed(stream=None, environ=None) -> bool:
    """Colour and other escape codes: only on a terminal that is not dumb and without
    NO_COLOR (https://no-color.org: set to anything non-empty)."""
    environ = os.environ if environ is None else environ
    stream = sys.stdout if stream is None else stream
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError, OSError):
        tty = False
    return tty and not environ.get("NO_COLOR") and not dumb_terminal(environ)
