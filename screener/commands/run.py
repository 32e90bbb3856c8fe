"""screener run: the interactive questionnaire in a terminal (the default command)."""

from __future__ import annotations

from ..i18n import _
from . import add_lang_argument, choose_language

DESCRIPTION = """\
Ask the screening questions in the terminal and show the explained result. The
urgent check comes first; any red flag stops at once with the urgent advice. You can
go back (< or the Back item), get help on any question (?), and review and change
every answer before the result. After each answer the unfinished screening is saved
privately, so Ctrl-C or a closed terminal loses nothing: continue with
`screener resume`. Once the result is shown, those saved answers are removed: only
the files you choose to save are kept.
"""

EPILOG = """\
examples:
  screener                      same as screener run
  screener run --plain          numbered options and typed answers (screen readers)
  screener run --fresh          discard an unfinished screening and start over
  screener run --view clinician   result with rule ids, sources and the full trail
  screener run --date 2025-01-20  answers given on an earlier day (sets the season)
  screener run --lang es        las preguntas y el resultado en español

Not at a terminal? Write the answers to a file and use: screener screen ANSWERS.json
"""


def add_arguments(parser, *, fresh: bool = True) -> None:
    from . import iso_date

    if fresh:
        parser.add_argument("--fresh", action="store_true",
                            help="discard any unfinished screening and start over")
    parser.add_argument("--plain", action="store_true",
                        help="screen-reader friendly: numbered options, typed answers, "
                             "no arrow-key menus or colour")
    parser.add_argument("--no-color", action="store_true",
                        help="no colour (also when the NO_COLOR variable is set)")
    parser.add_argument("--view", choices=["person", "clinician"], default="person",
                        help="how the result is shown (default: person)")
    parser.add_argument("--date", metavar="YYYY-MM-DD", type=iso_date, default=None,
                        help="screening date, for a clinician entering answers given on "
                             "an earlier day (default: today; it sets the season, and "
                             "nobody is asked for it)")
    add_lang_argument(parser, what="the questions and the result (an unfinished screening "
                                   "keeps its own unless --lang is given)")


def run(args, *, resume: bool = False) -> int:
    import os
    import sys

    from ..errors import ScreenerError

    if not sys.stdin.isatty():
        raise ScreenerError(
            _("standard input is not a terminal, so the questions cannot be asked here. Write "
              "the answers to a JSON file (see `screener schema answers`) and run: screener "
              "screen ANSWERS.json"))
    from ..terminal.console import dumb_terminal

    if dumb_terminal() or not sys.stdout.isatty():
        # TERM=dumb or output to a file: the arrow-key menus draw with escape codes, so
        # numbered options and typed answers instead, with no codes at all
        args.plain = True
    if args.no_color or args.plain:
        os.environ["NO_COLOR"] = "1"  # prompt_toolkit reads it: no colour anywhere
    from ..terminal.drafts import BestEffortDraftStore

    # a data folder that cannot be made or written never stops the screening: it is
    # said in one line once the urgent check is answered, and the questions go on
    store = BestEffortDraftStore(say=lambda line: print(line, file=sys.stderr))
    try:
        draft = None if getattr(args, "fresh", False) else store.load()
    except ScreenerError as exc:  # before the language is known: English rules' names
        from ..ruleset.loading import load_ruleset
        from ..terminal.session import with_draft_red_flags

        raise with_draft_red_flags(exc, load_ruleset(args.rules)) from None
    lang = choose_language(args, fallback=draft.language if draft else None)
    from ..ruleset.loading import load_ruleset
    from ..terminal.asker import PlainAsker
    from ..terminal.menus import TerminalAsker
    from ..terminal.session import REMOVED_HINT, RESUME_HINT, StoppedAfterResult, session

    asker = PlainAsker() if args.plain else TerminalAsker()
    store.say = asker.message
    ruleset = load_ruleset(args.rules, lang)
    try:
        session(ruleset, asker, store=store, resume=resume,
                fresh=getattr(args, "fresh", False), view=args.view, today=args.date)
    except StoppedAfterResult:  # at a save prompt: the draft is already removed
        print("\n" + _("Stopped.") + " " + _(REMOVED_HINT), file=sys.stderr)
        return 130
    except (KeyboardInterrupt, EOFError):
        saved = store.has_draft()
        print("\n" + _("Stopped.") + " " + (_(RESUME_HINT) if saved
                                               else _("Nothing was saved yet.")),
              file=sys.stderr)
        return 130
    return 0
