"""screener questionnaire: export the question bank as a form for other tools."""

from __future__ import annotations

from ..i18n import _
from . import add_lang_argument, choose_language, languages, write_output

DESCRIPTION = """\
Export the question bank as a form another tool can collect answers with, generated from
rules/questions.yaml (one source of truth: question ids and answer codes are the same as
in an answers file).

  --fhir     an HL7 FHIR Questionnaire (R4 by default, --fhir-version R5): one group per
             section, skip logic as enableWhen, 'none'/'not_sure' exclusive
             (optionExclusive), help as itemControl help, urgent advice shown when a red
             flag is chosen. Renders in SDC form fillers such as LHC-Forms.
  --redcap   a REDCap data dictionary (CSV) to upload in Designer: one instrument per
             section, radio and checkbox fields with 'code, label' choices, branching
             logic, integer and date validation, @NONEOFTHEABOVE on 'none'/'not_sure'.
  --xlsform  an XLSForm (.xlsx: survey, choices and settings sheets) for ODK Central,
             KoboToolbox or any XLSForm tool: relevance from the skip logic,
             constraints for ranges and for 'none'/'not_sure' standing alone.

Skip logic keeps the screener's meaning: a question is hidden only when its condition
is definitely false (a question it depends on that is still blank shows it).

A skip-logic condition a format cannot express is reported on stderr and that item is
left always shown (shown more often, never less).

Languages: the texts are in --lang. The FHIR Questionnaire carries every other language
of the rules with the FHIR translation extension, and the XLSForm has a label and hint
column per language (label::Spanish (es)); the REDCap dictionary is in --lang.
"""

EPILOG = """\
examples:
  screener questionnaire --fhir -o questionnaire.json          FHIR R4
  screener questionnaire --fhir --fhir-version R5 > questionnaire.json
  screener questionnaire --redcap -o dictionary.csv            upload in REDCap
  screener questionnaire --xlsform -o form.xlsx                upload to ODK Central
  screener questionnaire --redcap --lang es -o diccionario.csv  the dictionary in Spanish

Collected answers come back with `screener batch EXPORT.csv` (REDCap and ODK Central
exports are recognised) or `screener screen response.json` (a FHIR QuestionnaireResponse).
"""

#: --flag -> (what it writes, module in screener.interop with render(ruleset, args)
#: -> (data, problems), binary, help). Add a format by adding a module and a line here.
FORMATS = {
    "fhir": ("FHIR Questionnaire", "fhir_questionnaire", False,
             "an HL7 FHIR Questionnaire (JSON)"),
    "redcap": ("REDCap data dictionary", "redcap", False,
               "a REDCap data dictionary (CSV) to upload in Designer"),
    "xlsform": ("XLSForm", "xlsform", True,
                "an XLSForm (.xlsx) for ODK Central, KoboToolbox, ..."),
}


def add_arguments(parser) -> None:
    kind = parser.add_mutually_exclusive_group(required=True)
    for flag, (*_others, help_text) in FORMATS.items():
        kind.add_argument(f"--{flag}", dest="kind", action="store_const", const=flag,
                          help=help_text)
    parser.add_argument("--fhir-version", choices=["R4", "R5"], default="R4",
                        help="FHIR release of the Questionnaire (default R4, what most EHRs "
                             "and FHIR servers run)")
    parser.add_argument("-o", "--output", metavar="FILE",
                        help="write here (private, 0600); default: stdout (not for --xlsform)")
    parser.add_argument("--force", action="store_true", help="replace FILE if it exists")
    add_lang_argument(parser, what="the exported texts (the others are included as "
                                   "translations)")


def run(args) -> int:
    import importlib
    import sys

    from ..errors import ScreenerError
    from ..ruleset.loading import load_ruleset

    what, module_name, binary, _help = FORMATS[args.kind]
    if args.fhir_version != "R4" and args.kind != "fhir":
        raise ScreenerError(_("--fhir-version goes with --fhir"), field="--fhir-version")
    if binary and args.output is None:
        raise ScreenerError(_("the {what} is a binary file: write it with -o FILE").format(
            what=what))
    lang = choose_language(args)
    ruleset = load_ruleset(args.rules, lang)
    # the same rules in every other language, for the formats that carry several
    args.translations = [load_ruleset(args.rules, other) for other in languages(args.rules)
                         if other != lang]
    module = importlib.import_module(f"..interop.{module_name}", __package__)
    data, problems = module.render(ruleset, args)
    if args.kind == "fhir":
        what = f"FHIR {args.fhir_version} Questionnaire"
    from ..errors import printable

    for problem in problems:
        print(f"screener: warning: {printable(problem)}", file=sys.stderr)
    return write_output(data, args.output, force=args.force, what=what)
