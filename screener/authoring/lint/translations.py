"""The translation check: each rules/locales/<lang>.yaml translates every text, keeps
its placeholders, and translates nothing the rules no longer have."""

from __future__ import annotations

from ...errors import RulesError
from ...ruleset.locale_checks import missing_and_stale
from ...ruleset.locales import available, load_locale, locales_folder
from .context import Context, Finding, finding


def translation(ctx: Context):
    """Every text of the rules has its translation in each rules/locales/<lang>.yaml, and
    no translation is left for an id, code or text that no longer exists."""

    for lang in available(ctx.folder)[1:]:
        try:
            locale = load_locale.__wrapped__(str(ctx.folder), lang)  # always re-read
        except RulesError as exc:
            path = str(locales_folder(ctx.folder) / f"{lang}.yaml")
            for text in exc.problems or [str(exc) if exc.file else f"{path}: {exc}"]:
                yield Finding(check="translation", text=text)
            continue
        for file, line, ident, message in missing_and_stale(ctx.ruleset, locale):
            yield finding("translation", file, line, ident, message)
