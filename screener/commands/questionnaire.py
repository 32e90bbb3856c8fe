"""screener questionnaire --fhir: export the question bank for other intake tools."""

from __future__ import annotations

DESCRIPTION = """\
Export the question bank as an HL7 FHIR R5 Questionnaire: one group per section, answer
options as codings in urn:screener:answer-codes:<question id>, and the skip logic
(shown_if) as enableWhen/enableBehavior. A condition FHIR cannot express is reported on
stderr and that item is left always enabled (shown more often, never less).
"""

EPILOG = """\
examples:
  screener questionnaire --fhir -o questionnaire.json
  screener questionnaire --fhir > questionnaire.json
"""


def add_arguments(parser) -> None:
    parser.add_argument("--fhir", action="store_true", required=True,
                        help="export as a FHIR R5 Questionnaire (the only export so far)")
    parser.add_argument("-o", "--output", metavar="FILE",
                        help="write here (private, 0600); default: stdout")
    parser.add_argument("--force", action="store_true", help="replace FILE if it exists")


def run(args) -> int:
    import sys

    from ..fsutil import write_private
    from ..loading import load_ruleset
    from ..reports.fhir import render_questionnaire

    text, problems = render_questionnaire(load_ruleset(args.rules))
    for problem in problems:
        print(f"screener: warning: {problem}", file=sys.stderr)
    if args.output is None:
        sys.stdout.write(text)
        return 0
    path = write_private(args.output, text, overwrite=args.force)
    print(f"wrote {path} (FHIR Questionnaire)", file=sys.stderr)
    return 0
