"""screener rules check|test|show|graph|compile: tools for people who write and review rules."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import printable
from . import iso_date

#: the engines `rules test --engine` offers: engine.KINDS, spelt out so that --help does
#: not import the engine module (tests/test_cli.py checks they agree)
ENGINE_KINDS = ("durable", "python")

DESCRIPTION = """\
Tools for the clinicians who write and review the rules (see rules/README.md):
  check    validate every file in the rules folder and lint its content
  test     run every rule's examples and a folder of vignettes, with coverage
  show     a readable card for a rule (or a factor and its rules)
  graph    what feeds what: answers -> facts -> indicators -> factors -> triage, notes
  compile  the compiled durable-rules JSON (the golden file under tests/golden/)
Add --rules DIR to any of them to work on a proposed copy of the rules.
"""

EPILOG = """\
examples:
  screener rules check
  screener rules check --rules ~/proposed-rules
  screener rules test tests/vignettes
  screener rules test tests/vignettes --engine python
  screener rules show VD-SUN
  screener rules show --factor vitamin_d
  screener rules graph --format mermaid > rules.mmd
  screener rules compile -o tests/golden/compiled_ruleset.json --force

exit status: 0 all good, 1 findings or failing cases, 2 bad input.
"""

RULES_HELP = "rules folder to use (default: the shipped rules/ folder)"


def _check_args(parser) -> None:
    pass


def _test_args(parser) -> None:
    parser.add_argument("vignettes", metavar="FOLDER", nargs="?", default=None,
                        help="folder of vignette *.json files to run too (format: rules/README.md)")
    parser.add_argument("--today", metavar="YYYY-MM-DD", default=None, type=iso_date,
                        help="screening date for answers without screened_on (default: today)")
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="print only failing cases and the summary")
    parser.add_argument("--engine", dest="rule_engine", choices=ENGINE_KINDS, default=None,
                        help="the rule engine that runs the cases: durable (durable-rules, the "
                             "product's engine; the default, or $SCREENER_ENGINE) or python "
                             "(the condition evaluator durable is tested against). Both must "
                             "give the same results, so python is the cross-check, and the way "
                             "to keep testing rules if durable-rules stops building")


def _show_args(parser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("rule_id", metavar="RULE_ID", nargs="?", default=None,
                       help="the rule to show (default: every rule)")
    group.add_argument("--factor", metavar="ID", default=None,
                       help="show a factor and the cards of all its rules")


def _graph_args(parser) -> None:
    parser.add_argument("--format", choices=["text", "mermaid", "dot"], default="text",
                        help="text (default), mermaid (paste into a Markdown file) or dot "
                             "(Graphviz)")


def _compile_args(parser) -> None:
    parser.add_argument("-o", "--output", metavar="FILE", default=None,
                        help="write to FILE instead of printing")
    parser.add_argument("--force", action="store_true", help="replace FILE if it exists")


def _safety_case_args(parser) -> None:
    parser.add_argument("-o", "--output", metavar="FILE", default=None,
                        help="write to FILE.md, FILE.html or FILE.pdf (the format follows "
                             "the extension) instead of printing Markdown")
    parser.add_argument("--run-tests", action="store_true",
                        help="run the tests the hazard log names (pytest, from the project "
                             "folder) and show each one's pass or fail, with the date")
    parser.add_argument("--force", action="store_true", help="replace FILE if it exists")


#: action -> (one-line help, add_arguments)
ACTIONS = {
    "check": ("validate and lint the rules folder; one line per problem", _check_args),
    "test": ("run every rule's examples (and vignettes); print pass/fail and coverage", _test_args),
    "show": ("print a readable card for a rule, or for a factor with --factor", _show_args),
    "graph": ("print what feeds what, as text, Mermaid or DOT", _graph_args),
    "compile": ("print (or write) the compiled durable-rules JSON", _compile_args),
    "safety-case": ("the clinical safety case of the rules: hazards, risks, controls and "
                    "their evidence (Markdown, HTML or PDF)", _safety_case_args),
}


def add_arguments(parser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    for name, (help_text, add) in ACTIONS.items():
        action = sub.add_parser(name, help=help_text, description=help_text,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
        # also accepted after the action; SUPPRESS keeps a --rules given before it
        action.add_argument("--rules", metavar="DIR", default=argparse.SUPPRESS, help=RULES_HELP)
        add(action)


def run(args) -> int:
    return RUNNERS[args.action](args, _folder(args.rules))


def _folder(rules: str | None) -> Path:
    """The rules folder, relative to the working directory when inside it (short lines)."""
    from ..ruleset.loading import DEFAULT_RULES_DIR

    folder = Path(rules) if rules else DEFAULT_RULES_DIR
    try:
        return folder.resolve().relative_to(Path.cwd())
    except ValueError:
        return folder


def run_check(args, folder: Path) -> int:
    from ..authoring.lint import CHECKS, lint_folder
    from ..ruleset.loading import load_ruleset

    findings = lint_folder(folder)
    for item in findings:
        print(item)
    if findings:
        count = len(findings)
        print(f"{count} finding{'s' if count > 1 else ''} in {printable(folder)}",
              file=sys.stderr)
        return 1
    rs = load_ruleset(folder)
    print(f"{printable(folder)}: {rs.name} {rs.version}: {len(rs.rules)} rules, "
          f"{len(rs.questions.by_id)} questions, {len(rs.sources)} sources; "
          f"{len(CHECKS) + 1} checks, no findings")
    return 0


def run_test(args, folder: Path) -> int:

    from ..authoring.ruletest import run_all
    from ..ruleset.loading import load_ruleset

    report = run_all(load_ruleset(folder), args.vignettes, today=args.today,
                     engine=args.rule_engine)
    shown = [case for case in report.cases if not (case.passed and args.quiet)]
    for case in shown:
        print(f"{'PASS' if case.passed else 'FAIL'}  {case.name}")
        for problem in case.problems:
            print(f"      {problem}")
    print(("\n" if shown else "") + summary(report))
    return 0 if report.ok else 1


def summary(report) -> str:
    from ..ruleset.models import TRIAGE_ORDER

    cov = report.coverage
    examples = sum(1 for c in report.cases if c.kind == "example")
    vignettes = len(report.cases) - examples
    failed = len(report.failed)
    lines = [f"{len(report.cases)} cases ({examples} rule examples, {vignettes} vignettes): "
                 f"{len(report.cases) - failed} passed, {failed} failed", "coverage:"]
    rows = [("rules fired", len(cov.rules), cov.rules_missed),
            ("triage levels reached", len(TRIAGE_ORDER), cov.triage_missed),
            ("factors raised", len(cov.factors), cov.factors_missed),
            ("notes shown", len(cov.notes), cov.notes_missed)]
    for label, total, missed in rows:
        done = total - len(missed)
        percent = f" ({100 * done // total}%)" if total else ""
        lines.append(f"  {label + ':':<23}{done}/{total}{percent}")
        if missed:
            lines.append(f"    never: {', '.join(missed)}")
    lines.append("RESULT: " + ("PASS" if report.ok else "FAIL") + (
        "" if report.ok or failed else " (a rule that no case fires is untested)"))
    return "\n".join(lines)


def run_show(args, folder: Path) -> int:
    from ..authoring.cards import all_cards, factor_card, rule_card
    from ..ruleset.loading import load_ruleset

    rs = load_ruleset(folder)
    if args.factor:
        text = factor_card(args.factor, rs)
    elif args.rule_id:
        text = rule_card(args.rule_id, rs)
    else:
        text = all_cards(rs)
    sys.stdout.write(text)
    return 0


def run_graph(args, folder: Path) -> int:
    from ..authoring.cards import GRAPH_FORMATS
    from ..ruleset.loading import load_ruleset

    sys.stdout.write(GRAPH_FORMATS[args.format](load_ruleset(folder)))
    return 0


def compiled_json(ruleset) -> str:
    """The golden form: durable-rules JSON in rule order, stable and diff-friendly."""
    import json

    from ..ruleset.compiler import compile_ruleset

    return json.dumps(compile_ruleset(ruleset), indent=2, ensure_ascii=False) + "\n"


def run_compile(args, folder: Path) -> int:
    from ..files import refuse_writing_over_inputs, write_private
    from ..ruleset.loading import load_ruleset

    refuse_writing_over_inputs(args.output, [p for p in folder.rglob("*") if p.is_file()])
    text = compiled_json(load_ruleset(folder))
    if args.output is None:
        sys.stdout.write(text)
        return 0
    write_private(args.output, text, overwrite=args.force)
    print(f"wrote {printable(args.output)}", file=sys.stderr)
    return 0


def run_safety_case(args, folder: Path) -> int:
    from ..authoring.hazards import check_hazards, load_log
    from ..authoring.safety_case import FORMATS, build, render, run_tests
    from ..errors import RulesError
    from ..files import refuse_writing_over_inputs, write_private
    from ..ruleset.loading import load_ruleset

    fmt = "md"
    if args.output is not None:
        fmt = FORMATS.get(Path(args.output).suffix.lower(), "")
        if not fmt:
            raise RulesError(f"{args.output}: the safety case is written as .md, .html or "
                             ".pdf; choose one of those extensions")
        refuse_writing_over_inputs(args.output, [p for p in folder.rglob("*") if p.is_file()])
    ruleset = load_ruleset(folder)
    log = load_log(ruleset)
    if log is None:
        raise RulesError(f"{folder}/ruleset.yaml names no hazard log (files: hazards: ...): "
                         "there is no safety case to write")
    problems = list(check_hazards(ruleset, log))  # the checks of `rules check`
    if problems:
        for line, ident, message in problems:
            print(f"{log.file}:{line}: {ident}: {message}", file=sys.stderr)
        print("the hazard log has problems (above): fix them first (`screener rules check`)",
              file=sys.stderr)
        return 1
    results = None
    if args.run_tests:
        from ..authoring.hazards import project_root

        root = project_root()
        if root is None:
            raise RulesError("--run-tests needs the screener's source checkout (its tests/ "
                             "folder); this installation has none")
        print(f"running the tests the hazard log names, in {root} (a few minutes) ...",
              file=sys.stderr)
        results = run_tests(log, root)
    data = render(build(ruleset, log, results), fmt)
    if args.output is None:
        sys.stdout.write(data if isinstance(data, str) else data.decode("latin-1"))
    else:
        write_private(args.output, data, overwrite=args.force)
        print(f"wrote {printable(args.output)}", file=sys.stderr)
    return 1 if results is not None and not all(results.values()) else 0


RUNNERS = {"check": run_check, "test": run_test, "show": run_show, "graph": run_graph,
           "compile": run_compile, "safety-case": run_safety_case}
