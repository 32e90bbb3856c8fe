"""screener demo PERSONA: play a sample patient through the real questionnaire."""

from __future__ import annotations

from ..i18n import _
from . import add_lang_argument, choose_language

DESCRIPTION = """\
Play a sample patient (see `screener personas`) through the real questionnaire: each
question screen appears with the persona's answer filled in, and a running log shows
the rules that fire (+), stop firing (-) and the factors and triage level so far (=)
as each answer lands. A red flag stops the questionnaire like a real run. It ends on
the result in the clinician view (rule ids, sources, trail). Press Enter to advance,
or use --auto. Nothing is saved: no unfinished screening, no files.
"""

EPILOG = """\
examples:
  screener demo --list
  screener demo office-worker-winter            Enter to advance, q to stop
  screener demo hands-locked --auto             unattended, a screen every 1.5 s
  screener demo vegan-lactose --auto --speed 0.5
  screener demo older-adult-diuretic --plain    no colour (screen readers, projectors)
"""


def add_arguments(parser) -> None:
    parser.add_argument("persona", nargs="?", metavar="PERSONA",
                        help="id of the sample patient to play (see --list)")
    parser.add_argument("--list", action="store_true", help="list the sample patients")
    parser.add_argument("--auto", action="store_true",
                        help="advance on its own at a readable pace (no Enter needed)")
    parser.add_argument("--speed", type=float, metavar="SECONDS", default=None,
                        help="seconds each screen stays up with --auto (default 1.5)")
    parser.add_argument("--plain", action="store_true",
                        help="no colour or emphasis codes (also when NO_COLOR is set)")
    parser.add_argument("--personas", metavar="DIR", default=None,
                        help="sample patients folder (default: the shipped personas/ folder)")
    add_lang_argument(parser, what="the questions, the log and the result")


def run(args) -> int:
    import sys
    from typing import TextIO, cast

    from ..errors import ScreenerError
    from ..personas import load_personas
    from ..ruleset.loading import load_ruleset
    from ..spelling import suggest

    if args.speed is not None and not 0 <= args.speed < 3600:  # also refuses nan and inf
        raise ScreenerError(_("--speed is a number of seconds between answers, from 0 (no "
                              "pause) to under an hour"))
    lang = choose_language(args)
    ruleset = load_ruleset(args.rules, lang)
    personas = load_personas(args.personas, ruleset)
    from ..safety import GuardedWriter

    # every line the demo writes; a TextIO by delegation (GuardedWriter.__getattr__)
    out = cast(TextIO, GuardedWriter(sys.stdout, "the demo output"))
    if args.list or not args.persona:
        for p in personas.values():
            out.write(f"{p.id:<24} {p.expect.triage:<9} {p.name}: {p.story_in(lang)}\n")
        if not args.list:
            out.write("\nChoose one: screener demo PERSONA (add --auto to run unattended)\n")
        return 0
    persona = personas.get(args.persona)
    if persona is None:
        raise ScreenerError(_("no sample patient '{name}'").format(name=args.persona)
                            + suggest(args.persona, personas) + "; "
                            + _("see: screener demo --list"))
    from ..reports import render
    from ..terminal.demo import DEFAULT_SPEED, DemoAsker, DemoQuit, Pacer, play, style_for

    style = style_for(out, args.plain)
    speed = DEFAULT_SPEED if args.speed is None else args.speed
    asker = DemoAsker(persona.answers, Pacer(auto=args.auto, speed=speed), stdout=out,
                      style=style)

    out.write(style.bold(_("Demo: {name} ({id}), an invented patient").format(
                  name=persona.name, id=persona.id)) + "\n"
              f"{persona.story_in(lang)}\n"
              + _("Log: + a rule fires, - a rule no longer applies, = factor or triage so far")
              + "\n" + _("(until the end, questions not reached yet count as unanswered)")
              + "\n")
    try:
        demo = play(persona, ruleset, asker)
    except (DemoQuit, KeyboardInterrupt):
        out.write("\n" + _("Demo stopped. Nothing was saved.") + "\n")
        return 0
    if demo.end.status == "urgent":
        out.write("\n" + _("The questionnaire stopped at an urgent sign ({rules}), as a real "
                            "run does.").format(rules=", ".join(demo.end.urgent_rules)) + "\n")
    out.write("\n" + style.bold(_("== Result: clinician view ==")) + "\n")
    out.write(render(demo.result, ruleset, "text", "clinician").rstrip() + "\n")
    return 0
