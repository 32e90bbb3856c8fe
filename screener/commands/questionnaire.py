"""screener questionnaire --fhir: export the question bank for other intake tools."""

from __future__ import annotations

from . import add_lang_argument, choose_language

DESCRIPTION = """\
Export the question bank as an HL7 FHIR R5 Questionnaire: one group per section, answer
options as codings in urn:screener:answer-codes:<question id>, and the skip logic
(shown_if) as enableWhen/enableBehavior. A condition FHIR cannot express is reported on
stderr and that item is left always enabled (shown more often, never less). Texts are
in --lang; every other language of the rules rides along as the FHIR translation
extension (on text and on each answer's display).
"""

EPILOG = """\
examples:
  screener questionnaire --fhir -o questionnaire.json
  screener questionnaire --fhir > questionnaire.json
  screener questionnaire --fhir --lang es -o cuestionario.json   Spanish first, English as translation
"""


def add_arguments(parser) -> None:
    parser.add_argument("--fhir", action="store_true", required=True,
                        help="export as a FHIR R5 Questionnaire (the only export so far)")
    parser.add_argument("-o", "--output", metavar="FILE",
                        help="write here (private, 0600); default: stdout")
    parser.add_argument("--force", action="store_true", help="replace FILE if it exists")
    add_lang_argument(parser, what="the exported texts (the others are included as "
                                   "translations)")


def run(args) -> int:
    import sys

    from ..fsutil import write_private
    from ..loading import load_ruleset
    from ..reports.fhir import render_questionnaire

    from . import languages

    lang = choose_language(args)
    others = [load_ruleset(args.rules, other) for other in languages(args.rules)
              if other != lang]
    text, problems = render_questionnaire(load_ruleset(args.rules, lang), others)
    for problem in problems:
        print(f"screener: warning: {problem}", file=sys.stderr)
    if args.output is None:
        sys.stdout.write(text)
        return 0
    path = write_private(args.output, text, overwrite=args.force)
    print(f"wrote {path} (FHIR Questionnaire)", file=sys.stderr)
    return 0
