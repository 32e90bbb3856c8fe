"""Find red flags in a record that was rejected, however it is written.

A rejected record never reaches the rules, so its red flags would be lost; this scan
reads the raw record as tolerantly as it can instead (a false alarm costs a look, a
missed red flag can cost a life). The urgent answers are read from the rules
(``urgent_codes``: answers that make an urgent triage rule fire on their own),
never listed here; urgent rules that need several answers together (pregnancy with
vomiting for over a day and a sign of dehydration) are evaluated on the answers read
the same tolerant way, a choice read with two codes staying unknown.

Columns or keys are found however they are spelled: ``red_flags_now``, ``Red flags
now``, an ODK group path (``urgent-red_flags_now``, ``urgent/red_flags_now``), a REDCap
checkbox column (``red_flags_now___chest_pain`` = 1) or an ODK split select column
(``urgent-red_flags_now/chest_pain`` = 1). Values are found whatever the separator
(``;`` ``,`` ``|`` or spaces), case, hyphens or spaces inside a code (``Chest pain``),
or the option's label instead of its code, in any language the rules ship (a Spanish
label is found in a screening in English), written in any Unicode form a person reads
the same (fullwidth or mathematical letters, accents or none: ``spelling.fold``), and
at any depth (``[["seizure"]]``, ``{"seizure": true}``, a record nested under a group
key). A JSON line that cannot be parsed is searched as text (the question id and the
code as words).
"""

from __future__ import annotations

import json
import re
from typing import Any

from .ruleset import conditions
from .spelling import closest, fold

#: cell values that mean "ticked" in a checkbox or split-select column
TICKED = {"1", "checked", "yes", "true", "x", "y"}
_PARTS = re.compile(r"[;,|]")
_SPACES = re.compile(r"\s+")
_NAME_SEPARATORS = re.compile(r"[-/.:]")


def urgent_codes(ruleset) -> dict[str, set]:
    """Answers that on their own make an urgent triage rule fire (read from the rules,
    not listed here): what this scan looks for, what the form exports mark as urgent,
    and what the answer generator keeps as rare as its ``red_flag_rate`` says.

    Only rules that are one test, or any of several tests, count: the parts of a
    combined rule (pregnant, with vomiting, with dark urine) are not urgent alone."""
    codes: dict[str, set] = {}
    for rule in ruleset.rules:
        if rule.kind != "triage" or rule.level != "urgent" or rule.risk is not None:
            continue
        parts = rule.when.any if isinstance(rule.when, conditions.AnyOf) else [rule.when]
        for test in parts:
            if isinstance(test, conditions.Test) and test.op in ("is", "in", "has", "has_any"):
                codes.setdefault(test.name, set()).update(test.values())
    return codes


def _norm(text: str) -> str:
    """``Chest pain`` / ``chest-pain`` / ``CHEST_PAIN`` / ``chestpain`` / ``ｃｈｅｓｔ
    ｐａｉｎ`` -> ``chestpain``: the text as a person reads it (``spelling.fold``: NFKC,
    no case, no accents), then letters and digits only, so spacing, hyphens and stray
    characters never hide a code. The one normaliser every route's scan goes through."""
    return _NOT_ALNUM.sub("", fold(text))


_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def _near(word: str, known) -> str | None:
    """The known word ``word`` is a near-miss of (``seizures``, ``chestpian``): the
    did-you-mean of the error messages (spelling.closest), so that an answer the error
    suggests is a red flag counts as one; words under 5 letters must match exactly."""
    return closest(word, known) if len(word) >= 5 else None


class Scanner:
    """The urgent answers of one ruleset, ready to be looked for in raw records."""

    def __init__(self, ruleset):
        self.urgent: dict[str, set] = urgent_codes(ruleset)
        questions = ruleset.questions.by_id
        #: urgent rules that need several answers together (pregnant, vomiting for over
        #: a day and signs of dehydration): read tolerantly, then evaluated as written
        self.combined = [rule for rule in ruleset.rules
                         if rule.kind == "triage" and rule.level == "urgent"
                         and not _single_answer(rule)]
        # a rule's risk is read the worse way (runs_when): a rejected record's unknown
        # medicines count as present, as in a screening
        self.types = {name: questions[name].type for rule in self.combined
                      for name in conditions.names(rule.runs_when) if name in questions}
        #: question -> {normalised code or label: code}
        self.words: dict[str, dict[str, str]] = {}
        labels = _labels(ruleset)  # in every language the rules ship
        for name, codes in self.urgent.items():
            words = {_norm(label): c for c in codes for label in labels.get((name, c), ())}
            self.words[name] = {**words, **{_norm(c): c for c in codes}}
        for name in self.types:  # every code of these: dark_yellow counts with pregnant
            codes = questions[name].codes
            self.words[name] = {**self.words.get(name, {}),
                                **{_norm(label): c for c in codes
                                   for label in labels.get((name, c), ())},
                                **{_norm(c): c for c in codes}}
        #: normalised question id -> id, for the column names
        self.names = {_norm(name): name for name in self.words}
        #: every question id, normalised: a column named for another question is that
        #: question, never a near-miss of an urgent one (ppi_duration is not palpitations)
        self.questions = {_norm(q) for q in questions}
        #: question -> its words that name an urgent code (the near-misses that count)
        self.urgent_words = {name: [w for w, c in words.items() if c in self.urgent.get(name, ())]
                             for name, words in self.words.items()}

    # ------------------------------------------------------------------- columns

    def _question(self, name: str) -> str | None:
        """The urgent question a column name means, with any group path removed, also
        when misspelt (``red_flag_now``)."""
        keys = [_norm(name), _norm(_NAME_SEPARATORS.split(str(name).strip().lower())[-1])]
        near = [_near(key, self.names) for key in keys if key not in self.questions]
        for key in keys + near:  # exact names first
            if key in self.names:
                return self.names[key]
        return None

    def _column(self, name: str) -> tuple[str | None, str | None, bool]:
        """(question, code, True) for a checkbox or split-select column (code None when
        that option is not urgent), (question, None, False) for a column holding
        answers, (None, None, False) when it is not an urgent question."""
        text = str(name).strip()
        for separator in ("___", "/"):
            if separator in text:
                head, code = text.rsplit(separator, 1)
                question = self._question(head)
                if question is not None:
                    return question, self.words[question].get(_norm(code)), True
        return self._question(text), None, False

    # -------------------------------------------------------------------- values

    def _codes_in(self, question: str, value: Any) -> list[str]:
        found = []
        for item in _leaves(value):
            for part in _PARTS.split(str(item)):
                if part.strip():
                    found += self._codes_in_part(question, part)
        return found

    def _codes_in_part(self, question: str, part: str) -> list[str]:
        """The codes one part of a cell names: the whole part as a code or a label
        ("dark yellow"), else its words (ODK: codes and spaces). Exact names first; only
        when none, near-misses of an urgent code (``chestpain``, ``seizures``: a false
        alarm costs a look)."""
        for lookup in (self._exact, self._near_miss):
            whole = lookup(question, part)
            if whole is not None:
                return [whole]
            named = [lookup(question, word) for word in _SPACES.split(part.strip())]
            if any(named):
                return [code for code in named if code is not None]
        return []

    def _exact(self, question: str, text: str) -> str | None:
        return self.words[question].get(_norm(text))

    def _near_miss(self, question: str, text: str) -> str | None:
        near = _near(_norm(text), self.urgent_words[question])
        return self.words[question][near] if near is not None else None

    def in_mapping(self, mapping: dict) -> list[str]:
        """``question=code`` for every urgent answer in a record given as a mapping of
        column (or key) to value, in the rules' question order, each once. A mapping (or
        a list of them) under a key that is not an urgent question is read as a record
        nested in a group (``{"urgent": {"red_flags_now": ...}}``)."""
        found: dict[str, list[str]] = {name: [] for name in self.words}
        self._collect(mapping, found, 0)
        flags = [f"{name}={code}" for name, codes in found.items() if name in self.urgent
                 for code in dict.fromkeys(codes) if code in self.urgent[name]]
        return flags + [flag for flag in self._combined(found) if flag not in flags]

    def _collect(self, mapping: dict, found: dict[str, list[str]], depth: int) -> None:
        if depth > _MAX_DEPTH:
            return
        for key, value in mapping.items():
            question, code, option_column = self._column(key)
            if question is None:
                for nested in (value if isinstance(value, list) else [value]):
                    if isinstance(nested, dict):
                        self._collect(nested, found, depth + 1)
            elif not option_column:
                found[question] += self._codes_in(question, value)
            elif code is not None and _ticked(value):
                found[question].append(code)

    def _combined(self, found: dict[str, list[str]]) -> list[str]:
        """``question=code`` for the answers of each combined urgent rule that holds.
        A choice item read with two codes is left unknown (never guessed)."""
        values: dict[str, Any] = {}
        for name, kind in self.types.items():
            codes = list(dict.fromkeys(found.get(name, [])))
            if kind == "multi" and codes:
                values[name] = codes
            elif len(codes) == 1:
                values[name] = codes[0]
        flags: list[str] = []
        for rule in self.combined:
            for test in conditions.true_tests(rule.runs_when, values):
                value = values.get(test.name)
                if value is None:  # a gap read the worse way: nothing to name
                    continue
                for code in (value if isinstance(value, list) else [value]):
                    if test.op in ("has", "has_any") and code not in test.values():
                        continue  # only the ticked codes the rule asked about
                    if f"{test.name}={code}" not in flags:
                        flags.append(f"{test.name}={code}")
        return flags

    def in_text(self, text: str) -> list[str]:
        """Urgent answers named in text that is not a record (broken JSON): the question
        id and the code both present as words."""
        # as a person reads it (spelling.fold); UTF-16 read as bytes: NULs in between
        text = fold(str(text).replace("\x00", ""))
        flags = []
        for name, codes in self.urgent.items():
            if _word(name).search(text):
                flags += [f"{name}={code}" for code in sorted(codes) if _word(code).search(text)]
        named = {name: [code for code in dict.fromkeys(self.words[name].values())
                        if _word(code).search(text)]
                 for name in self.types if _word(name).search(text)}
        return flags + [flag for flag in self._combined(named) if flag not in flags]


def _single_answer(rule) -> bool:
    """An urgent rule that one answer triggers (what ``urgent_codes`` reads)."""
    if rule.risk is not None:
        return False
    parts = rule.when.any if isinstance(rule.when, conditions.AnyOf) else [rule.when]
    return all(isinstance(p, conditions.Test) and p.op in ("is", "in", "has", "has_any")
               for p in parts)


#: how deep the scan walks nested values (parsed input is at most reading.MAX_DEPTH deep)
_MAX_DEPTH = 32


def _leaves(value: Any, depth: int = 0):
    """The strings and numbers in a value, however deeply nested: a list's items, a
    mapping's values, and a mapping's keys whose value ticks them (``{"seizure": true}``
    names seizure)."""
    if depth > _MAX_DEPTH or isinstance(value, bool) or value is None:
        return
    if isinstance(value, (str, int, float)):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if _ticked(item):
                yield key
            yield from _leaves(item, depth + 1)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _leaves(item, depth + 1)


def _labels(ruleset) -> dict[tuple[str, str], list[str]]:
    """(question, code) -> the option's labels in every language the rules ship: the
    ruleset's own, English (when the ruleset is a translation) and each locale file's.
    A translation that cannot be read leaves its labels out, never the scan."""
    from .errors import ScreenerError

    labels: dict[tuple[str, str], list[str]] = {}

    def add(question: str, code: str, label: str) -> None:
        if label:
            labels.setdefault((question, code), []).append(label)

    from . import i18n
    from .ruleset.models import NOT_SURE

    for question in ruleset.questions:
        for option in question.options:
            add(question.id, option.code, option.label)
        if question.allows_not_sure:  # "Not sure" is the program's word, not the rules'
            for lang in ["en"] + i18n.catalogue_languages():
                with i18n.language(lang):
                    add(question.id, NOT_SURE, question.label(NOT_SURE))
    try:
        from .ruleset.locales import available, load_locale

        languages = available(ruleset.folder)
        if ruleset.language != languages[0]:  # the English texts the translation replaced
            from .ruleset.loading import load_ruleset

            for question in load_ruleset(ruleset.folder).questions:
                for option in question.options:
                    add(question.id, option.code, option.label)
    except (ScreenerError, OSError):
        languages = []
    for lang in languages[1:]:
        if lang == ruleset.language:
            continue
        try:
            locale = load_locale(str(ruleset.folder), lang)
        except (ScreenerError, OSError):
            continue
        for question, text in locale.questions.items():
            for code, label in text.options.items():
                add(question, code, label)
    return labels


def _ticked(value: Any) -> bool:
    if isinstance(value, str):
        text = value.strip().lower()
        if text in TICKED:
            return True
        try:  # "1.0", as spreadsheets and pandas write a ticked box
            return float(text) == 1
        except ValueError:
            return False
    return value is True or (isinstance(value, (int, float)) and value == 1)


def _word(code: str) -> re.Pattern:
    """A code as a whole word, '_' also matching spaces or hyphens."""
    body = r"[\s_\-]+".join(re.escape(part) for part in code.split("_"))
    return re.compile(rf"(?<![a-z0-9_]){body}(?![a-z0-9_])")


_scanners: dict[str, Scanner] = {}


def scanner(ruleset) -> Scanner:
    """The Scanner of a ruleset, built once per process."""
    if ruleset.content_hash not in _scanners:
        _scanners[ruleset.content_hash] = Scanner(ruleset)
    return _scanners[ruleset.content_hash]


def red_flags_in(raw: Any, ruleset, *, header: tuple[str, ...] | None = None) -> list[str]:
    """``question=code`` for every urgent answer in a rejected record: CSV cells with
    their ``header``, a JSON line's text, an already parsed mapping, or a list of them
    (what was given where one record belongs)."""
    scan = scanner(ruleset)
    if header is not None:  # a repeated column keeps every copy's cell
        cells: dict[str, str] = {}
        # a rejected row may have too few or too many cells: read those under a column
        for column, cell in zip(header, raw, strict=False):
            cells[column] = f"{cells[column]};{cell}" if column in cells else cell
        return scan.in_mapping(cells)
    if isinstance(raw, dict):
        return scan.in_mapping(raw)
    if isinstance(raw, list):
        found = [flag for item in raw if isinstance(item, dict) for flag in scan.in_mapping(item)]
        return list(dict.fromkeys(found)) or scan.in_text(json.dumps(raw, default=str))
    try:
        loaded = json.loads(raw)
    except (TypeError, ValueError):
        return scan.in_text(raw)
    return scan.in_mapping(loaded) if isinstance(loaded, dict) else scan.in_text(raw)
