"""Command line: turns arguments into library calls. Nothing clinical happens here.

Each subcommand lives in ``screener/commands/<name>.py`` with ``add_arguments(parser)``
and ``run(args) -> int``; those modules import only argparse at the top, so ``--help``
and ``--version`` stay fast (no pydantic, durable or questionary).
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys

from . import __version__

#: subcommand -> one-line help. Order is the order shown in --help.
COMMANDS: dict[str, str] = {
    "run": "ask the questions in the terminal and show the result (the default)",
    "resume": "continue an unfinished screening where it stopped",
    "screen": "screen an answers file and print the explained result",
    "schema": "print the JSON Schema of the answers file or of the result",
    "explain": "show the reasoning tree of a screening and its near misses",
    "whatif": "re-screen with changed answers and show what differs",
    "personas": "list the sample patients, or check them against the engine",
    "demo": "play a sample patient through the questionnaire, with the rules firing",
    "intake": "a shared clinic terminal: one person after another, files per respondent id",
    "report": "write a summary report (md, html, pdf, json, fhir) for a clinician",
    "questionnaire": ("export the question bank as a form: FHIR Questionnaire, REDCap, "
                      "XLSForm (ODK)"),
    "rules": "check, test, show and graph the rules (tools for rule authors and reviewers)",
    "batch": "screen a CSV or JSONL file of many records (in parallel, resumable)",
}

#: commands that screen: the rule engine is checked before they ask or read anything
SCREENS = {"run", "resume", "screen", "explain", "whatif", "demo", "intake", "report", "batch"}


def needs_engine(args) -> bool:
    if args.command == "personas":
        return bool(args.check)
    if args.command == "rules":
        return args.action == "test"
    return args.command in SCREENS


DESCRIPTION = """\
Nutrition screening questionnaire. It maps answers about diet, sun, fluids, medicines,
conditions and symptoms to POSSIBLE contributing factors (low vitamin D, magnesium,
potassium, calcium intake, dehydration) and says what to ask a clinician. It never
gives a diagnosis or says how much of anything to take. Red-flag symptoms stop the
screening with urgent advice.
"""

EPILOG = """\
examples:
  screener screen answers.json                 explained result for a person
  screener screen answers.json --view clinician   with rule ids, sources and trail
  screener screen answers.json --format json   the machine-readable result
  screener schema answers                      what an answers file may contain

exit status: 0 done, 1 findings (checks), 2 bad input, 3 internal safety/engine error.
Everything runs on this machine; nothing is sent anywhere.
"""


class _Parser(argparse.ArgumentParser):
    """argparse with did-you-mean for a mistyped command, action or choice."""

    def error(self, message):
        from .i18n import _

        # the message is already in the person's language: find the mistyped word
        # after the translated "invalid choice: "
        lead = _("invalid choice: %(value)r (choose from %(choices)s)").split("%(value)r")[0]
        match = re.search(re.escape(lead) + r"'([^']*)'", message)
        if match:
            from .spelling import suggest

            choices = [c for a in self._actions if a.choices for c in a.choices]
            hint = suggest(match.group(1), choices)
            message = message.replace(match.group(0), match.group(0) + hint, 1)
        from .errors import printable

        super().error(printable(message))  # an argument is echoed: never its escapes


def _unrecognized(parser: argparse.ArgumentParser, args, extras: list[str]) -> None:
    """The usage error for arguments no parser took, from the command's own parser and
    with did-you-mean for options (``--veiw`` -> ``--view``)."""
    from .spelling import suggest

    target = parser
    for name in (getattr(args, "command", None), getattr(args, "action", None)):
        sub = next((a for a in target._actions
                    if isinstance(a, argparse._SubParsersAction)), None)
        if sub is None or name not in sub.choices:
            break
        target = sub.choices[name]
    options = [o for a in target._actions for o in a.option_strings if o.startswith("--")]
    hints = [f"{x}{suggest(x.split('=')[0], options)}" if x.startswith("-") else x
             for x in extras]
    from .i18n import _

    target.error(_("unrecognized arguments: %s") % " ".join(hints))


def _apply_global_lang(parser: argparse.ArgumentParser, args) -> None:
    """``screener --lang es COMMAND``: the language given before the command, for a
    command that takes --lang and was not given its own after it."""
    lang = vars(args).pop("global_lang", None)
    if lang is None:
        return
    if not hasattr(args, "lang"):
        takes = [name for name, sub in _subparsers(parser).choices.items()
                 if any(a.dest == "lang" for a in sub._actions)]
        from .i18n import _

        parser.error(_("--lang is for the commands that show or write text for people "
                       "({commands}); '{command}' does not take it").format(
                           commands=", ".join(takes), command=args.command))
    if args.lang is None:
        args.lang = lang


def _subparsers(parser: argparse.ArgumentParser) -> argparse._SubParsersAction:
    return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="screener", description=DESCRIPTION, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"screener {__version__}")
    from .commands import languages

    # Before the command (`screener --lang es run`) as well as after it. Its own dest:
    # a subcommand's --lang default (None) would overwrite a shared one.
    parser.add_argument(
        "--lang", metavar="LANG", dest="global_lang", default=None,
        help=f"language of what people read: {', '.join(languages())} (default: from "
             "LC_ALL or LANG when it is one of these, else en); for the commands that take "
             "--lang, given before or after the command (after it wins)")
    common = _Parser(add_help=False)
    common.add_argument(
        "--rules", metavar="DIR", default=None,
        help="rules folder to use (default: the shipped rules/ folder)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, help_text in COMMANDS.items():
        module = importlib.import_module(f".commands.{name.replace('-', '_')}", __package__)
        cmd = sub.add_parser(
            name, help=help_text, parents=[common],
            description=getattr(module, "DESCRIPTION", help_text),
            epilog=getattr(module, "EPILOG", None),
            formatter_class=argparse.RawDescriptionHelpFormatter)
        module.add_arguments(cmd)
        cmd.set_defaults(_module=module)
    return parser


def _language_asked(argv: list[str]) -> str:
    """The language of the usage errors, known before the arguments are parsed: the last
    ``--lang`` on the line (after the command wins, as for the command itself), else
    LC_ALL / LC_MESSAGES / LANG. One argparse cannot use yet (``--lang xx``) is English
    here; the command refuses it in its own words once parsed. ``--help`` is English:
    the help texts are written in English only, and help opens no catalogue (it stays
    fast)."""
    from . import i18n
    from .commands import languages

    supported = languages()
    asked = None
    for i, word in enumerate(argv):
        if word == "--":
            break
        if word in ("-h", "--help"):
            return i18n.SOURCE
        if word == "--lang" and i + 1 < len(argv):
            asked = argv[i + 1]
        elif word.startswith("--lang="):
            asked = word.split("=", 1)[1]
    if asked is None:
        return i18n.from_environment(supported)
    asked = i18n.base_code(asked)
    return asked if asked in supported else i18n.SOURCE


def main(argv: list[str] | None = None) -> int:
    from . import i18n
    from .commands._argparse_words import speak_through_catalogue

    argv = sys.argv[1:] if argv is None else list(argv)
    speak_through_catalogue()
    # the whole run in the language asked for, and the language before it afterwards
    # (main is called many times in one process by the tests and by intake)
    with i18n.language(_language_asked(argv)):
        return _main(argv)


def _main(argv: list[str]) -> int:
    from .terminal.console import degrade_unencodable

    # an ASCII or Latin-1 terminal gets near-ASCII text, never a UnicodeEncodeError:
    # the urgent advice is printed whatever the terminal can show
    degrade_unencodable()
    parser = build_parser()
    args, extras = parser.parse_known_args(argv)
    if extras:
        _unrecognized(parser, args, extras)
    if args.command is None:
        global_lang = args.global_lang
        args = parser.parse_args(["run"])  # no command: the questionnaire
        args.global_lang = global_lang
    _apply_global_lang(parser, args)
    from .errors import BatchError, ScreenerError, printable
    from .i18n import _

    try:
        if needs_engine(args):
            from .engine.check import require_engine

            # a broken durable-rules build: one paragraph, before any question
            require_engine(getattr(args, "rule_engine", None))
        return args._module.run(args)
    except ScreenerError as exc:
        print(_("%(prog)s: error: %(message)s\n") % {"prog": "screener",
                                                     "message": printable(exc)},
              end="", file=sys.stderr)
        flags = [printable(flag) for flag in exc.red_flags]
        if flags and isinstance(exc, BatchError):  # many people: those to check
            print("screener: " + _("URGENT: nothing was screened, but these records report "
                                   "a red flag; check these people now:") + "\n"
                  + "\n".join(f"  {flag}" for flag in flags), file=sys.stderr)
        elif flags:
            print("screener: " + _("URGENT: these answers report a red flag ({flags}) but "
                                   "could not be screened: get urgent medical care now (call "
                                   "your local emergency number or go to an emergency "
                                   "department)").format(flags=", ".join(flags)),
                  file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("\nscreener: " + _("interrupted"), file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
