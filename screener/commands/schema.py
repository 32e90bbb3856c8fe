"""screener schema answers|result: publish the JSON Schemas of the two contracts."""

from __future__ import annotations

DESCRIPTION = """\
Print a JSON Schema: `answers` describes the answers file (built from the question
bank, so it lists every question id and code), `result` describes the JSON result of
`screener screen --format json`.
"""

EPILOG = """\
examples:
  screener schema answers > answers.schema.json
  screener schema result | python3 -m json.tool | less
"""


def add_arguments(parser) -> None:
    parser.add_argument("which", choices=["answers", "result"], help="which schema to print")


def run(args) -> int:
    import json
    import sys

    if args.which == "answers":
        from ..answers import answers_model
        from ..ruleset.loading import load_ruleset

        schema = answers_model(load_ruleset(args.rules)).model_json_schema()
        schema["title"] = "Screener answers"
    else:
        from ..result import Result

        schema = Result.model_json_schema()
        schema["title"] = "Screener result"
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    from ..safety import ensure_safe_text

    text = json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
    sys.stdout.write(ensure_safe_text(text, f"the {args.which} schema"))
    return 0
