"""screener whatif ANSWERS.json --set question=code: how the result changes."""

from __future__ import annotations

from . import _answers_input, add_lang_argument

DESCRIPTION = """\
Screen the answers as they are and again with one or more answers changed, and say
what differs: factors raised or no longer raised, strength changes and the indicators
behind them, the triage level, and notes added or removed. Changed answers are checked
like an answers file.
"""

EPILOG = """\
examples:
  screener whatif answers.json --set supplements=vitamin_d
  screener whatif --persona older-adult-diuretic --set medicines=none
  screener whatif answers.json --set medicines=diuretic,ppi --set ppi_duration=over_12_months
  screener whatif answers.json --set age_years=70 --format json
  screener whatif answers.json --set urine_colour=          (empty: clear the answer)

exit status: 0 done, 2 a bad --set (unknown question, wrong code, not a number).
"""


def add_arguments(parser) -> None:
    _answers_input.add_arguments(parser)
    add_lang_argument(parser, what="the text output (json is the same in every language)")
    parser.add_argument("--set", dest="sets", metavar="QUESTION=CODE", action="append",
                        required=True,
                        help="an answer to change (repeatable); multi items take codes "
                             "separated by commas; an empty value clears the answer")
    parser.add_argument("--format", choices=["text", "json"], default="text",
                        help="text in plain words (default) or json")


def run(args) -> int:
    import sys

    from ..whatif import parse_sets, render, whatif

    ruleset, answers = _answers_input.ruleset_and_answers(args)
    diff = whatif(answers, parse_sets(args.sets, ruleset), ruleset)
    sys.stdout.write(render(diff, ruleset, args.format))
    return 0
