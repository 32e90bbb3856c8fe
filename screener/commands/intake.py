"""screener intake --out FOLDER: a shared clinic terminal, one person after another."""

from __future__ import annotations

from ..i18n import _
from . import add_lang_argument, choose_language, languages

DESCRIPTION = """\
For a shared clinic terminal. For each person: the staff types a respondent id (an
id, never a name), the person answers the questionnaire, and three private files
(readable by this account only) are written to the folder: ID-answers.json,
ID-result.json and ID-report.md|html|pdf (clinician view). Existing files are never
replaced: a repeated id gets a suffix (ID-2) or another id. The person sees their
result; Enter clears the screen and its scrollback, and nothing of that person is
kept (no unfinished screening is saved) before the next one. To end the session,
type quit at the id prompt (or press Ctrl-D or Ctrl-C there); q alone does not end
it. Ctrl-C during a screening abandons it without saving.
"""

EPILOG = """\
examples:
  screener intake --out ~/clinic/screenings
  screener intake --out /srv/intake --format pdf
  screener intake --out intake/ --plain         numbered options, typed answers
  screener intake --out intake/ --lang es --report-lang en
                              the person answers in Spanish; the clinic's report is English
"""


def add_arguments(parser) -> None:
    parser.add_argument("--out", metavar="FOLDER", required=True,
                        help="folder for the answers, results and reports (created, 0700)")
    parser.add_argument("--format", choices=["md", "html", "pdf"], default="md",
                        help="report format (default: md)")
    from . import iso_date

    parser.add_argument("--date", metavar="YYYY-MM-DD", type=iso_date, default=None,
                        help="screening date for everyone in this session (default: the "
                             "day each screening happens; nobody is asked for it)")
    parser.add_argument("--plain", action="store_true",
                        help="screen-reader friendly: numbered options, typed answers, "
                             "no arrow-key menus or colour")
    add_lang_argument(parser, what="the screens the person reads")
    parser.add_argument("--report-lang", metavar="LANG", default=None,
                        help="language of the clinician's saved report: "
                             f"{', '.join(languages())} (default: the same as --lang). "
                             "The answers and result files are codes in every language")


def run(args) -> int:
    import os
    import sys
    from pathlib import Path

    from ..errors import ScreenerError, printable

    if not sys.stdin.isatty():
        raise ScreenerError(_("intake mode is for a terminal that people type into; standard "
                              "input is not a terminal. For answers files use: screener "
                              "screen ANSWERS.json"))
    folder = Path(args.out).expanduser()
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise ScreenerError(_("cannot use the folder {folder}: {reason}").format(
            folder=folder, reason=exc.strerror or exc)) from None
    if not os.access(folder, os.W_OK):
        raise ScreenerError(_("cannot write to the folder {folder}").format(folder=folder))
    from ..terminal.console import dumb_terminal

    if dumb_terminal() or not sys.stdout.isatty():
        args.plain = True  # the arrow-key menus draw with escape codes
    if args.plain:
        os.environ["NO_COLOR"] = "1"
    from ..i18n import base_code
    from ..ruleset.loading import load_ruleset
    from ..terminal.asker import PlainAsker
    from ..terminal.intake import CLEAR_SCREEN, run_intake
    from ..terminal.menus import TerminalAsker

    report_lang = None if args.report_lang is None else base_code(args.report_lang)
    if report_lang is not None and report_lang not in languages(args.rules):
        raise ScreenerError(_("unknown language '{lang}' for --report-lang; choose one of: "
                              "{languages}").format(lang=report_lang,
                                                    languages=", ".join(languages(args.rules))))
    lang = choose_language(args)
    ruleset = load_ruleset(args.rules, lang)
    if report_lang is not None:
        load_ruleset(args.rules, report_lang)  # a broken translation fails now, not later

    def clear() -> None:
        # not on a dumb terminal (NO_COLOR asks for no colour, not for no clearing)
        sys.stdout.write(CLEAR_SCREEN if sys.stdout.isatty() and not dumb_terminal()
                         else "\n" * 3)
        sys.stdout.flush()

    count = run_intake(ruleset, PlainAsker if args.plain else TerminalAsker, folder,
                       report_format=args.format, clear=clear, report_lang=report_lang,
                       **({"today": lambda: args.date} if args.date else {}))
    from ..i18n import ngettext

    print(ngettext("Intake ended: {count} screening saved in {folder}.",
                   "Intake ended: {count} screenings saved in {folder}.", count).format(
                       count=count, folder=printable(folder)))
    return 0
