"""The check of a translation (``screener rules check``): every English text of the
rules and of the consistency checks has its translation in ``rules/locales/<lang>.yaml``
with the same placeholders, and no translation is left for an id, code or field that no
longer exists.

Apart from locales.py, which lays translations over the rules: the consistency checks
read their translated question through locales.py, and this check reads them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from .consistency import FILE_NAME, load_checks
from .locales import LOCALES_DIR, PARTS, PLACEHOLDER_RE, Locale


def _english_texts(ruleset) -> Iterator[tuple[str, str, str, str, int, str]]:
    """(section of the locale file, id, field, file, line, English text) of every text
    that needs a translation."""
    questions_file = next((q.file for q in ruleset.questions), "questions.yaml")
    for section in ruleset.questions.sections:
        yield "sections", section.id, "title", questions_file, 0, section.title
        if section.intro:
            yield "sections", section.id, "intro", questions_file, 0, section.intro
    for q in ruleset.questions:
        yield "questions", q.id, "text", q.file, q.line, q.text
        if q.help:
            yield "questions", q.id, "help", q.file, q.line, q.help
        if q.unit:
            yield "questions", q.id, "unit", q.file, q.line, q.unit
        for option in q.options:
            yield "questions", q.id, f"options.{option.code}", q.file, q.line, option.label
    for f in ruleset.factors.values():
        for name in ("label", "summary"):
            yield "factors", f.id, name, f.file, f.line, getattr(f, name)
        for n, text in enumerate(f.ask):
            yield "factors", f.id, f"ask.{n}", f.file, f.line, text
    manifest = str(Path(ruleset.folder) / "ruleset.yaml")
    for level, detail in ruleset.triage.items():
        yield "triage", level, "title", manifest, 0, detail.title
        yield "triage", level, "message", manifest, 0, detail.message
    for rule in ruleset.rules:
        yield "rules", rule.id, "title", rule.file, rule.line, rule.title
        yield "rules", rule.id, "reason", rule.file, rule.line, rule.reason
        if rule.text:
            yield "rules", rule.id, "text", rule.file, rule.line, rule.text
        for n, part in enumerate(rule.parts):
            yield "rules", rule.id, f"parts.{n}", rule.file, rule.line, part.text
    for check in load_checks(ruleset):
        yield "consistency", check.id, "ask", str(Path(ruleset.folder) / FILE_NAME), \
            check.line, check.ask


def _translated(locale: Locale, part: str, ident: str, name: str) -> str | None:
    entry = getattr(locale, part).get(ident)
    if entry is None:
        return None
    if name.startswith("options."):
        return entry.options.get(name.split(".", 1)[1]) or None
    if name.startswith(("ask.", "parts.")):
        field, n = name.split(".", 1)
        texts = getattr(entry, field)
        return texts[int(n)] if int(n) < len(texts) else None
    return getattr(entry, name) or None


def missing_and_stale(ruleset, locale: Locale) -> list[tuple[str, int, str, str]]:
    """(file, line, id, message) for every English text without its translation, every
    translation whose English placeholders differ, and every translated id, code or
    field that the rules no longer have."""
    found: list[tuple[str, int, str, str]] = []
    lang = locale.language.code
    wanted: dict[tuple[str, str], set[str]] = {}
    for part, ident, name, file, line, english in _english_texts(ruleset):
        wanted.setdefault((part, ident), set()).add(name)
        text = _translated(locale, part, ident, name)
        if text is None:
            found.append((file, line, ident, f"{name}: not translated in "
                                             f"{LOCALES_DIR}/{Path(locale.file).name}"))
        elif set(PLACEHOLDER_RE.findall(text)) != set(PLACEHOLDER_RE.findall(english)):
            found.append((file, line, ident, f"{name}: the {lang} translation must keep the "
                          f"placeholders {sorted(set(PLACEHOLDER_RE.findall(english)))}"))
    for part in PARTS:
        for ident, entry in getattr(locale, part).items():
            where = (locale.file, locale.line_of(part, ident), ident)
            names = wanted.get((part, ident))
            if names is None:
                found.append((*where, f"{part}: translates '{ident}', which the rules no "
                              "longer have; remove it or fix the id"))
                continue
            for name, value in entry.model_dump().items():
                if name == "options":
                    extra = [c for c in value if f"options.{c}" not in names]
                    for code in extra:
                        found.append((*where, f"options: translates code '{code}', which "
                                      f"question '{ident}' does not have"))
                elif (name, part) in (("ask", "factors"), ("parts", "rules")):
                    count = len([n for n in names if n.startswith(name + ".")])
                    if value and len(value) != count:
                        found.append((*where, f"{name}: {len(value)} texts translated, the "
                                      f"English has {count}"))
                elif value and name not in names:
                    found.append((*where, f"{name}: translated, but the English has no "
                                  "such text"))
    return found
