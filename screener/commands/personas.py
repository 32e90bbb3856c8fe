"""screener personas: list the sample patients, or check them against the engine."""

from __future__ import annotations

DESCRIPTION = """\
List the sample patients (invented people in the personas/ folder, used by demos,
`explain --persona` and `whatif --persona`) with the result a clinician expects.
With --check, screen each one and compare with its expected triage, factors and
strengths (exit 1 if any differs).
"""

EPILOG = """\
examples:
  screener personas
  screener personas --check
  screener personas --personas my-cases/ --check
  screener personas --format json
"""


def add_arguments(parser) -> None:
    parser.add_argument("--personas", metavar="DIR", default=None,
                        help="sample patients folder (default: the shipped personas/ folder)")
    parser.add_argument("--check", action="store_true",
                        help="screen every persona and compare with its expected result")
    parser.add_argument("--format", choices=["text", "json"], default="text")


def run(args) -> int:
    import json
    import sys
    from typing import Any  # here, not at the top: `screener --help` imports this module

    from ..personas import check_expectation, load_personas, persona_answers
    from ..ruleset.loading import load_ruleset
    from ..screening import screen

    ruleset = load_ruleset(args.rules)
    personas = load_personas(args.personas, ruleset)
    rows: list[dict[str, Any]] = []  # one JSON object a persona
    failed = 0
    for p in personas.values():
        row: dict[str, Any] = {"id": p.id, "name": p.name, "story": p.story,
                               "expect": p.expect.model_dump()}
        if args.check:
            row["differences"] = check_expectation(p, screen(persona_answers(p, ruleset), ruleset))
            failed += bool(row["differences"])
        rows.append(row)
    from ..safety import ensure_safe_text

    if args.format == "json":
        # guarded as a person reads it (é, not \u00e9), written as before
        ensure_safe_text(json.dumps(rows, indent=2, ensure_ascii=False), "the personas list")
        text = json.dumps(rows, indent=2) + "\n"
    else:
        lines = []
        for row in rows:
            factors = ", ".join(f"{k} ({v})" for k, v in row["expect"]["factors"].items())
            status = ""
            if args.check:
                status = "ok    " if not row["differences"] else "DIFFERS "
            lines.append(f"{status}{row['id']:<24} {row['expect']['triage']:<9} "
                         f"{factors or 'no factors'}\n{'':>{len(status)}}  {row['name']}: "
                         f"{row['story']}\n")
            lines += [f"    - {diff}\n" for diff in row.get("differences", [])]
        if args.check:
            lines.append(f"\n{len(rows) - failed} of {len(rows)} personas match their "
                         "expected result\n")
        text = "".join(lines)
    sys.stdout.write(ensure_safe_text(text, "the personas list"))  # the one place it writes
    return 1 if failed else 0
