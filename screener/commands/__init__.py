"""One module per subcommand (see screener/cli.py). Keep top-level imports light."""


def iso_date(text: str):
    """argparse type for options such as --today: a date written YYYY-MM-DD (argparse
    turns the error into a one-line usage error with exit status 2)."""
    import argparse
    import datetime as dt
    import re

    try:
        day = dt.date.fromisoformat(text) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else None
    except ValueError:
        day = None
    from ..i18n import _

    if day is None:
        raise argparse.ArgumentTypeError(
            _("'{text}' is not a date written YYYY-MM-DD").format(text=text))
    from ..answers import check_date_range  # (pydantic: only once a date is given)

    try:
        return check_date_range(day)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"'{text}': {exc}") from None


def add_answers_and_view_arguments(parser) -> None:
    """The answers file and the view, as screen and report take them."""
    parser.add_argument("answers", metavar="ANSWERS.json",
                        help="answers file (JSON object of question id -> answer, or a FHIR "
                             "QuestionnaireResponse or a Bundle holding one), or - for stdin")
    parser.add_argument("--view", choices=["person", "clinician"], default="person",
                        help="person: plain language (default); clinician: adds rule ids, "
                             "sources and the full evidence trail")


def write_output(data, output: str | None, *, force: bool, what: str) -> int:
    """Write a command's output to ``output`` (private, atomic, never over an existing
    file without ``force``) and say so on stderr, or print it when there is no file."""
    import sys

    from ..errors import printable
    from ..files import write_private
    from ..i18n import _

    if output is None:
        sys.stdout.write(data)
        return 0
    path = write_private(output, data, overwrite=force)
    print(_("wrote {path} ({what})").format(path=printable(path), what=what), file=sys.stderr)
    return 0


# ------------------------------------------------------------------------ languages

def languages(rules: str | None = None) -> list[str]:
    """The languages a rules folder speaks (English first): a directory listing, cheap
    enough for --help. A new rules/locales/<lang>.yaml adds one, with no code."""
    import re
    from pathlib import Path

    from ..files import shipped_folder

    folder = (Path(rules) if rules else shipped_folder("rules")) / "locales"
    found = sorted(p.stem for p in folder.glob("*.yaml")
                   if re.fullmatch(r"[a-z]{2,3}", p.stem)) if folder.is_dir() else []
    return ["en"] + [lang for lang in found if lang != "en"]


def add_lang_argument(parser, *, what: str = "the questions and the result") -> None:
    parser.add_argument(
        "--lang", metavar="LANG", default=None,
        help=f"language of {what}: {', '.join(languages())} (default: from LC_ALL or LANG "
             "when it is one of these, else en). Files of answers and JSON stay codes")


def choose_language(args, fallback: str | None = None) -> str:
    """The language a command speaks: --lang, else ``fallback`` (a draft's language),
    else LC_ALL / LC_MESSAGES / LANG when supported, else English. Sets it for the
    program's own words (i18n) and returns it for the rules' texts (load_ruleset)."""
    from .. import i18n
    from ..errors import ScreenerError
    from ..i18n import _

    supported = languages(getattr(args, "rules", None))
    lang = getattr(args, "lang", None)
    if lang is not None:
        lang = i18n.base_code(lang)  # es_ES.UTF-8, es-MX and ES all mean es
        if lang not in supported:
            raise ScreenerError(_("unknown language '{lang}' for --lang; choose one of: "
                                  "{languages}").format(lang=lang,
                                                        languages=", ".join(supported)))
    else:
        lang = fallback if fallback in supported else i18n.from_environment(supported)
        if lang != "en":
            lang = _usable_or_english(getattr(args, "rules", None), lang)
    return i18n.set_language(lang)


def _usable_or_english(rules: str | None, lang: str) -> str:
    """A language nobody asked for by name (the locale, a draft) whose translation is
    broken must not stop the screener: warn and speak English. An explicit --lang with
    a broken translation is an error instead (it is raised when the rules load)."""
    import sys

    from ..errors import RulesError
    from ..files import shipped_folder
    from ..ruleset.locales import load_locale

    try:
        load_locale(str(rules or shipped_folder("rules")), lang)
    except RulesError as exc:
        from ..errors import printable
        from ..i18n import _

        print("screener: " + _("warning: the '{lang}' translation cannot be used, so this "
                               "runs in English: {problem}").format(
                                   lang=lang, problem=printable(exc)), file=sys.stderr)
        return "en"
    return lang
