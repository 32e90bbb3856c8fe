"""The program's own words in the person's language: standard gettext catalogues.

Texts that come from ``rules/`` are translated as data (``rules/locales/<lang>.yaml``,
see locales.py). Everything the code itself says (prompts, headings, errors, units)
is marked ``_("...")`` and looked up in ``screener/locale/<lang>/LC_MESSAGES/screener.mo``,
compiled from the ``.po`` beside it (scripts/translations.py extracts, updates and
compiles them with Babel). English is the source language: no catalogue, no lookup.

Cheap and lazy: importing this module reads no file; a catalogue is opened the first
time a non-English text is looked up, once per process. ``--help`` never does.

    from .i18n import _, N_
    GREETING = N_("Hello")          # marked for extraction, translated where shown
    print(_(GREETING), _("Bye"))

The language is per process (``set_language``), or for a block (``language("en")``):
intake asks a person in Spanish and writes the clinician's report in English.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

DOMAIN = "screener"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
SOURCE = "en"

_current = SOURCE
_catalogues: dict = {}


def N_(message: str) -> str:
    """Mark a text for extraction without translating it (module constants)."""
    return message


def _catalogue(lang: str):
    if lang not in _catalogues:
        import gettext as _gettext

        _catalogues[lang] = _gettext.translation(
            DOMAIN, localedir=str(LOCALE_DIR), languages=[lang], fallback=True)
    return _catalogues[lang]


def gettext(message: str) -> str:
    """``message`` in the current language (itself when untranslated or English)."""
    if _current == SOURCE or not message:
        return message
    return _catalogue(_current).gettext(message)


_ = gettext


def ngettext(singular: str, plural: str, n: int) -> str:
    if _current == SOURCE:
        return singular if n == 1 else plural
    return _catalogue(_current).ngettext(singular, plural, n)


def current() -> str:
    return _current


def set_language(lang: str | None) -> str:
    """Speak ``lang`` from now on in this process (None: English)."""
    global _current
    _current = lang or SOURCE
    return _current


@contextmanager
def language(lang: str | None):
    """Speak ``lang`` inside the block, then the language before it."""
    before = _current
    set_language(lang)
    try:
        yield
    finally:
        set_language(before)


def catalogue_languages() -> list[str]:
    """Languages with a compiled catalogue of the program's words."""
    if not LOCALE_DIR.is_dir():
        return []
    return sorted(p.name for p in LOCALE_DIR.iterdir()
                  if (p / "LC_MESSAGES" / f"{DOMAIN}.mo").is_file())


def base_code(value: str) -> str:
    """'es_ES.UTF-8', 'es-MX', 'ES' -> 'es' (the language, without region or encoding)."""
    return value.strip().split(".")[0].split("@")[0].replace("-", "_").split("_")[0].lower()


def from_environment(supported, environ=None) -> str:
    """The first supported language named by LC_ALL, LC_MESSAGES or LANG (in the order
    POSIX reads them; 'es_ES.UTF-8' -> 'es'), else English. 'C' and 'POSIX' are English."""
    environ = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if not value:
            continue
        code = base_code(value)
        # the first variable that is set decides, as in setlocale()
        return code if code in supported else SOURCE
    return SOURCE
