"""Where a command's answers come from: a file, stdin (-) or a sample patient
(--persona ID). Shared by explain and whatif; imports stay inside the functions."""

from __future__ import annotations

from ..i18n import _


def add_arguments(parser) -> None:
    parser.add_argument("answers", metavar="ANSWERS.json", nargs="?",
                        help="answers file (JSON object of question id -> answer), or - for stdin")
    parser.add_argument("--persona", metavar="ID",
                        help="use a sample patient's answers instead of a file "
                             "(see `screener personas`)")
    parser.add_argument("--personas", metavar="DIR", default=None,
                        help="sample patients folder (default: the shipped personas/ folder)")


def load(args, ruleset):
    """The validated answers the arguments point at; AnswersError when unusable."""
    from ..errors import AnswersError
    from ..interop.answers_file import load_answers_file

    if (args.answers is None) == (args.persona is None):
        raise AnswersError(_("give either an answers file (or - for stdin) or --persona ID"))
    if args.persona is not None:
        from ..personas import load_personas, persona_answers
        from ..spelling import suggest

        personas = load_personas(args.personas, ruleset)
        if args.persona not in personas:
            raise AnswersError(_("no persona '{name}'").format(name=args.persona)
                               + suggest(args.persona, personas) + "; "
                               + _("personas: {names}").format(names=", ".join(personas)))
        return persona_answers(personas[args.persona], ruleset)
    return load_answers_file(args.answers, ruleset)


def ruleset_and_answers(args):
    """The ruleset in the command's language and the answers, for a command whose
    ``--format json`` is for programs: ids, codes and the rules' own (English) texts."""
    from .. import i18n
    from ..ruleset.loading import load_ruleset
    from . import choose_language

    lang = choose_language(args)
    if args.format == "json":
        lang = i18n.set_language("en")
    ruleset = load_ruleset(args.rules, lang)
    return ruleset, load(args, ruleset)
