"""screener screen ANSWERS.json: one answers file in, the explained result out."""

from __future__ import annotations

from . import add_answers_and_view_arguments, add_lang_argument, choose_language

DESCRIPTION = """\
Screen one answers file and print the result: the triage level first, then each
possible contributing factor with the answers and rules behind it, the notes, and
what to ask a clinician. The answers file is a JSON object mapping question ids to
answers (see `screener schema answers`); missing items count as unanswered. A FHIR
QuestionnaireResponse to this screener's Questionnaire (R4 or R5, e.g. from an SDC form
filler), or a Bundle holding one, is read as the answers it gives.
"""

EPILOG = """\
examples:
  screener screen answers.json
  screener screen answers.json --view clinician
  screener screen answers.json --format json > result.json
  cat answers.json | screener screen -
  screener screen answers.json --lang es          el resultado en español
  screener screen questionnaire-response.json    a FHIR QuestionnaireResponse
"""


def add_arguments(parser) -> None:
    add_answers_and_view_arguments(parser)
    parser.add_argument("--format", choices=["text", "json"], default="text",
                        help="text for people (default) or json, the machine contract")
    add_lang_argument(parser, what="the text result (json is the same in every language)")


def run(args) -> int:
    import sys

    from ..interop.answers_file import load_answers_file
    from ..reports import render
    from ..ruleset.loading import load_ruleset
    from ..screening import screen

    ruleset = load_ruleset(args.rules, choose_language(args))
    result = screen(load_answers_file(args.answers, ruleset), ruleset)
    if args.format == "text" and sys.stdout.isatty() and sys.stdin.isatty():
        # a person at a terminal: the first screen, the details on request (as `run`)
        from ..terminal.asker import PlainAsker
        from ..terminal.menus import TerminalAsker
        from ..terminal.session import show_result

        asker = TerminalAsker() if args.answers != "-" else PlainAsker()
        try:
            show_result(ruleset, asker, result, args.view)
        except (KeyboardInterrupt, EOFError):
            return 130
        return 0
    sys.stdout.write(render(result, ruleset, args.format, args.view))  # files and pipes
    return 0
