"""The output guard (clinical spec principles 1 and 2).

No text the screener shows may look like a dose or an amount to take, or state a
diagnosis. Rule content is checked when it is written (``screener rules check``) and
every rendered output is checked again before it leaves the program: a match is a bug,
so we refuse to print rather than show it.
"""

from __future__ import annotations

import re

from .errors import SafetyError

#: The spec's pattern (an amount with a unit, or the words dose/dosage/dosing), widened
#: to the other forms of the word (doses, dosed, dosages), and the same in Spanish: a
#: decimal comma (2,5 mg), UI (unidades internacionales), the units spelt out, and
#: dosis / dosificar / posología. Also: I.U. and U.I. with dots, "international units",
#: ml and mEq, "5k IU", tablets, capsules and drops counted with digits (2 comprimidos),
#: and numbers in words before a unit (five thousand units, dos mil UI). A number is
#: matched from its first digit only and possessively, so a long run of digits costs
#: linear time (a 20,000-digit run took 33 s before); a number in words has at most
#: five words ("five thousand five hundred"), for the same reason.
_UNITS = (
    r"mg|mcg|µg|μg|ug|i\.?\s?u\.?|u\.?\s?i\.?|units?|mmol|g|ml|meq|"
    r"unidad(es)?(\s+internacionales)?|international\s+units?|"
    r"(milli|micro|mili)?grams?|(mili|micro)?gramos?|millimoles?|milimol(es)?|"
    r"mill?ilit(er|re|ro)s?"
)
_COUNTED = r"tablets?|capsules?|caps|comprimidos?|c[aá]psulas?|pastillas?|sobres?|drops|gotas"
_NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|twenty|fifty|hundred|thousand|"
    r"uno|una|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|veinte|cincuenta|cien|"
    r"ciento|quinientos|mil"
)
DOSE_RE = re.compile(
    r"(?<![\w.,])\d++(?:[.,]\d++)?\s*(?:" + _UNITS + "|" + _COUNTED + r")(?![\w])"
    r"|(?<![\w.,])\d++\s*k\s*(?:i\.?\s?u\.?|u\.?\s?i\.?|units?)(?![\w])"
    r"|\b(?:" + _NUMBER_WORDS + r")(?:[\s-]+(?:" + _NUMBER_WORDS + r")){0,4}\s+(?:" + _UNITS
    + r")(?![\w])"
    r"|\bdos(e|es|ed|age|ages|ing)\b|\bdosis\b|\bdosific\w*|\bposolog\w*",
    re.IGNORECASE,
)

#: Wording that states a diagnosis instead of a possible contributing factor.
DIAGNOSIS_RE = re.compile(
    r"\byou (have|are suffering from) (an? )?(\w+ ){0,2}(deficiency|deficiencies|"
    r"hypo\w+|dehydration)\b|\byou are (deficient|dehydrated)\b|\bdiagnosis of\b|"
    r"\bdiagnosed with (a |an )?(\w+ )?(deficiency|hypo\w+|dehydration)\b"
    # Spanish: "usted tiene una deficiencia", "tiene deshidratación", "está deshidratado"
    r"|\b(usted )?(tiene|padece|sufre( de)?) (una? )?(\w+ ){0,2}(deficiencia|carencia|"
    r"déficit|hipo\w+|deshidratación|desnutrición)\b"
    r"|\b(usted )?(está|es) (deshidratad[oa]|desnutrid[oa]|deficiente|carente)\b"
    r"|\bdiagnóstico de\b|\bdiagnosticad[oa]s? (con|de)\b",
    re.IGNORECASE,
)


def find_unsafe_text(text: str) -> str | None:
    """The first dose-like or diagnosis-like fragment in ``text``, or None. The text is
    read as a person sees it: NFKC (fullwidth and mathematical digits and letters
    folded) and invisible characters dropped."""
    from .spelling import as_seen  # invisible characters would split "50IU"

    text = as_seen(text)
    for pattern in (DOSE_RE, DIAGNOSIS_RE):
        match = pattern.search(text)
        if match:
            return match.group(0)
    return None


def ensure_safe_text(text: str, where: str = "output") -> str:
    """Return ``text`` unchanged, or raise SafetyError if it looks like a dose or a
    diagnosis."""
    found = find_unsafe_text(text)
    if found:
        raise SafetyError(
            f"refusing to show {where}: it contains '{found}', which looks like a dose or a "
            "diagnosis. This is a bug in the rules or templates; please report it.")
    return text


class GuardedWriter:
    """A text stream whose every write goes through ``ensure_safe_text`` first: for a
    command that writes its output piece by piece (the demo), the one place it writes."""

    def __init__(self, stream, where: str = "output"):
        self._stream = stream
        self._where = where

    def write(self, text: str) -> int:
        return self._stream.write(ensure_safe_text(text, self._where))

    def __getattr__(self, name):  # flush, isatty, fileno... as the stream has them
        return getattr(self._stream, name)


def safe_url(url: str) -> bool:
    """An https:// URL with a host and no spaces or control characters: the only kind a
    report shows as a link (``rules check`` flags any other source url)."""
    from urllib.parse import urlsplit

    if not url.startswith("https://") or any(c.isspace() or not c.isprintable() for c in url):
        return False
    try:
        return bool(urlsplit(url).netloc)
    except ValueError:
        return False
