"""screener report ANSWERS.json: a summary to bring to a clinician, in a chosen format."""

from __future__ import annotations

from ..i18n import _
from . import add_answers_and_view_arguments, add_lang_argument, choose_language, write_output

DESCRIPTION = """\
Screen one answers file and write a summary report: Markdown, a self-contained HTML
page, a printable PDF, the JSON result, or an HL7 FHIR Bundle (QuestionnaireResponse
and RiskAssessment; R4 by default, --fhir-version R5). The format is guessed from the
-o extension (.md .html .pdf .json, .fhir.json) when --format is not given. Files are
written privately (mode 0600) and an existing file is never replaced without --force.
"""

EPILOG = """\
examples:
  screener report answers.json -o summary.pdf
  screener report answers.json -o summary.pdf --paper letter
  screener report answers.json -o summary.html --view clinician
  screener report answers.json --format md            Markdown on stdout
  screener report answers.json -o intake.fhir.json    FHIR Bundle (or --format fhir)
  screener report answers.json -o resumen.pdf --lang es   a Spanish PDF
  screener report answers.json -o summary.html --lang en --view clinician
                                      English for the clinician, whatever the answers' language
  screener report answers.json -o intake.fhir.json --patient-ref Patient/8841
"""

FORMAT_NAMES = ("md", "html", "pdf", "json", "fhir")
#: output suffix -> format, longest first (".fhir.json" before ".json")
SUFFIXES = {".fhir.json": "fhir", ".markdown": "md", ".md": "md", ".html": "html",
            ".htm": "html", ".pdf": "pdf", ".json": "json"}


def add_arguments(parser) -> None:
    add_answers_and_view_arguments(parser)
    parser.add_argument("-o", "--output", metavar="FILE",
                        help="write here (private, 0600); without it text formats go to stdout")
    parser.add_argument("--format", metavar="FORMAT",
                        help=f"one of: {', '.join(FORMAT_NAMES)} (default: from the -o extension)")
    parser.add_argument("--paper", choices=["a4", "letter"], default="a4",
                        help="PDF page size (default a4)")
    parser.add_argument("--fhir-version", choices=["R4", "R5"], default="R4",
                        help="fhir format: the FHIR release the Bundle is validated against "
                             "(default R4, what most EHRs and FHIR servers run)")
    parser.add_argument("--patient-ref", metavar="Patient/ID",
                        help="fhir format: the subject as a reference to this patient in the "
                             "receiving system, instead of the anonymous respondent identifier")
    parser.add_argument("--force", action="store_true", help="replace FILE if it exists")
    add_lang_argument(parser, what="the report (json and fhir are the same in every "
                                   "language)")


def choose_format(fmt: str | None, output: str | None) -> str:
    from ..errors import ScreenerError

    if fmt is None:
        if output is None:
            raise ScreenerError(_("say which format with --format ({formats}) or give -o FILE "
                                  "with one of the extensions {extensions}").format(
                                      formats=", ".join(FORMAT_NAMES),
                                      extensions=", ".join(SUFFIXES)))
        lower = output.lower()
        fmt = next((name for suffix, name in SUFFIXES.items() if lower.endswith(suffix)), None)
        if fmt is None:
            raise ScreenerError(_("cannot tell the format from '{output}': use --format "
                                  "({formats}) or one of the extensions {extensions}").format(
                                      output=output, formats=", ".join(FORMAT_NAMES),
                                      extensions=", ".join(SUFFIXES)))
    if fmt not in FORMAT_NAMES:
        raise ScreenerError(_("unknown format '{name}'; choose one of: {formats}").format(
            name=fmt, formats=", ".join(FORMAT_NAMES)))
    return fmt


def run(args) -> int:
    from ..errors import ScreenerError
    from ..files import refuse_writing_over_inputs
    from ..interop.answers_file import load_answers_file
    from ..reports import get_format, render
    from ..ruleset.loading import load_ruleset
    from ..screening import screen

    fmt = choose_format(args.format, args.output)
    module = get_format(fmt)
    if fmt != "fhir" and (args.patient_ref or args.fhir_version != "R4"):
        raise ScreenerError(_("--fhir-version and --patient-ref go with the fhir format"))
    if args.patient_ref:
        from ..reports.fhir import check_patient_ref

        try:
            check_patient_ref(args.patient_ref)
        except ValueError as exc:
            raise ScreenerError(str(exc), field="--patient-ref") from None
    if args.output is None and module.BINARY:
        raise ScreenerError(_("the {format} format is binary: write it to a file with -o "
                              "FILE").format(format=fmt))
    refuse_writing_over_inputs(args.output, [args.answers])
    ruleset = load_ruleset(args.rules, choose_language(args))
    result = screen(load_answers_file(args.answers, ruleset), ruleset)
    options = {"paper": args.paper} if fmt == "pdf" else {}
    if fmt == "fhir":
        options = {"fhir_version": args.fhir_version, "patient_ref": args.patient_ref}
    output = render(result, ruleset, fmt, args.view, **options)
    # JSON and FHIR carry the whole result whatever the view (README, "Reports")
    what = fmt if fmt in ("json", "fhir") else f"{fmt}, {args.view} view"
    return write_output(output, args.output, force=args.force, what=what)
