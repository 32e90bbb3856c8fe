"""Did-you-mean: the closest spelling of a name the person typed among the names that
exist. Standard library only, so any module (the CLI's start-up included) can use it."""

from __future__ import annotations

import difflib


def closest(word: str, choices) -> str | None:
    """The choice the person most likely meant: a name that starts with the word first
    (age -> age_years), else the closest spelling; None when nothing is close."""
    word, choices = str(word), [str(c) for c in choices]
    if len(word) > 100:  # no name is this long; comparing would cost time and memory
        return None
    starts = [c for c in choices if c.startswith(word) and word]
    close = starts or difflib.get_close_matches(word, choices, n=1, cutoff=0.65)
    return close[0] if close else None


def suggest(word: str, choices) -> str:
    """' (did you mean 'x'?)' for the closest choice; '' when nothing is close."""
    from .i18n import _  # (stdlib only, and no catalogue is opened in English)

    close = closest(word, choices)
    return " " + _("(did you mean '{name}'?)").format(name=close) if close else ""


#: characters a person does not see: soft hyphen, zero-width spaces and joiners, word
#: joiners, the byte-order mark (they would split a word the person wrote whole)
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u200e\u200f\u2060\u2061"
                                    "\u2062\u2063\u2064\ufeff"))


def as_seen(text: str) -> str:
    """NFKC with the invisible characters dropped: the text as a person reads it (the
    output guard and ``fold`` share it)."""
    import unicodedata

    return unicodedata.normalize("NFKC", text.translate(_INVISIBLE))


def fold(text: str) -> str:
    """Text as a person reads it, for matching what they wrote against a code or label:
    NFKC (fullwidth and mathematical letters and digits, ``ｓｅｉｚｕｒｅ`` and
    ``𝐬𝐞𝐢𝐳𝐮𝐫𝐞``, become ``seizure``), invisible characters dropped, case folded and
    accents removed (``Convulsión`` reads as ``convulsion``). Cyrillic or Greek
    look-alike letters are not folded (NFKC keeps them): a word spelt with one is only a
    near-miss."""
    text = str(text)
    if text.isascii():
        return text.lower()
    import unicodedata

    text = as_seen(text).casefold()
    return "".join(c for c in unicodedata.normalize("NFD", text)
                   if not unicodedata.combining(c))
