"""screener explain ANSWERS.json: the reasoning chain of one screening, and near misses."""

from __future__ import annotations

from . import _answers_input, add_lang_argument

DESCRIPTION = """\
Show why the screening came out as it did, as a tree from the conclusion down to the
answers: triage -> the rule that set it -> factors -> indicators -> derived facts ->
answers, each rule with its id, plain-language reason and sources; then the factors an
exception held back and the notes. NEAR MISSES lists the rules that one more answer
(to a question left unanswered or answered "not sure") would have fired, found by
re-running the real screening with each possible answer.
"""

EPILOG = """\
examples:
  screener explain answers.json
  screener explain --persona office-worker-winter
  screener explain answers.json --format json > reasoning.json
  screener explain answers.json --no-near-misses
"""


def add_arguments(parser) -> None:
    _answers_input.add_arguments(parser)
    add_lang_argument(parser, what="the text output (json is the same in every language)")
    parser.add_argument("--format", choices=["text", "json"], default="text",
                        help="text: an indented tree (default); json: the same, for programs")
    parser.add_argument("--no-near-misses", dest="near_misses", action="store_false",
                        help="skip the near-miss search (it re-screens once per possible answer)")


def run(args) -> int:
    import sys

    from ..explain import explain, render

    ruleset, answers = _answers_input.ruleset_and_answers(args)
    explanation = explain(answers, ruleset, search=args.near_misses)
    sys.stdout.write(render(explanation, ruleset, args.format))
    return 0
