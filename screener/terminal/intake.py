"""Intake mode: one shared clinic terminal, one person after another.

For each person: the operator types a respondent id (never a name), the person answers
the real questionnaire, and three private files (0600, never overwritten) go into the
clinic folder: ``ID-answers.json`` (with ``respondent_id``), ``ID-result.json`` and
``ID-report.EXT`` (clinician view). The person sees their result; Enter clears the
screen (and the scrollback) before the next person.

Nothing of one person reaches the next: no draft is kept (``on_save`` is not given),
each person gets a new asker and a new questionnaire state, and everything about a
person lives in the locals of ``_one_person``, gone when it returns.

The library prints nothing: all text goes through the asker and the ``clear`` callback.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..answers import RESPONDENT_ID, check_respondent_id
from ..errors import OutputError
from ..i18n import N_, _
from ..ruleset.models import RuleSet
from .asker import Asker, Prompt

#: ANSI: cursor home, clear the screen, clear the scrollback (xterm, VTE, iTerm, tmux)
CLEAR_SCREEN = "\x1b[H\x1b[2J\x1b[3J"
#: the one word that ends the session at the id prompt (besides Ctrl-D on an empty
#: field): typed in full, so a stray "q" (a habit from pagers, or the person pressing
#: keys after reading their result) never ends the clinic's session
QUIT_WORD = "quit"
#: what the staff type at the last prompt to see the clinician summary (never shown to
#: the person unless asked for: the same screen, the clinic's words)
SUMMARY_KEY = "s"
REPORT_FORMATS = ("md", "html", "pdf")

ID_HELP = N_("Type the id the clinic uses for this person: 1 to 64 letters, digits, '.', "
             "'_' or '-'. Never type a name: the id is written into the files. To end the "
             "session, type quit (or press Ctrl-D on the empty field).")


class _Quit:
    def __repr__(self) -> str:
        return "QUIT"


QUIT = _Quit()


@dataclass(frozen=True)
class Saved:
    respondent_id: str
    triage: str
    files: tuple[Path, ...]


def file_names(stem: str, report_ext: str) -> tuple[str, str, str]:
    return f"{stem}-answers.json", f"{stem}-result.json", f"{stem}-report{report_ext}"


def free_stem(folder: Path, respondent_id: str, report_ext: str) -> str:
    """``ID``, or ``ID-2``, ``ID-3``... : the first stem with none of its files present."""
    stem, n = respondent_id, 1
    while any((folder / name).exists() for name in file_names(stem, report_ext)):
        n += 1
        stem = f"{respondent_id}-{n}"
    return stem


def parse_respondent_id(text: str):
    text = text.strip()
    if text.lower() == QUIT_WORD:
        return QUIT
    if text.lower() == "q":  # it used to end the session: neither that nor an id
        raise ValueError(_("'q' does not end the session and is not taken as an id: to end "
                           "the session, type quit."))
    try:
        return check_respondent_id(text)
    except ValueError as exc:  # re-asked with the reason and the way out
        raise ValueError(f"{exc}. " + _("To end the session, type quit.")) from None


def ask_respondent_id(asker: Asker, folder: Path, report_ext: str):
    """(respondent id, file stem), or QUIT."""
    while True:
        rid = asker.ask(Prompt(
            kind="text", key="respondent-id", parse=parse_respondent_id, help=_(ID_HELP),
            text=_("Respondent id (an id, never a name), or type quit to end the session:"),
            hint=_("letters, digits, . _ -"), retype=True))
        if rid is QUIT:
            return QUIT
        stem = free_stem(folder, rid, report_ext)
        if stem == rid:
            return rid, stem
        if asker.ask(Prompt(kind="confirm", key="respondent-suffix", default=True,
                            text=_("Files for {rid} already exist in this folder. Save this "
                                   "screening as {stem}? (no: type another id)").format(
                                       rid=rid, stem=stem))):
            return rid, stem


def run_intake(ruleset: RuleSet, new_asker: Callable[[], Asker], folder: Path, *,
               report_format: str = "md", clear: Callable[[], None],
               today: Callable[[], dt.date] = dt.date.today,
               report_lang: str | None = None) -> int:
    """Screen people one after another until the operator quits; return how many
    screenings were saved. Ctrl-C during a screening abandons it (nothing saved).

    The person reads ``ruleset``'s language; the clinician's saved report is written in
    ``report_lang`` (default: the same), from the same answers and decisions."""
    from ..reports import get_format

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)  # personal data: owner only
    report_ext = get_format(report_format).EXTENSION
    count = 0
    while True:
        clear()
        try:
            saved = _one_person(ruleset, new_asker(), folder, report_format, report_ext,
                                today(), report_lang)
        except _Stop as stop:
            count += stop.saved
            break
        count += saved
        gc.collect()  # drop the last person's objects now, not at some later point
    clear()
    return count


class _Stop(Exception):
    """The operator quit: quit, Ctrl-D or Ctrl-C at the id prompt, or the input closed."""

    def __init__(self, saved: int = 0):
        super().__init__()
        self.saved = saved


def _one_person(ruleset: RuleSet, asker: Asker, folder: Path, report_format: str,
                report_ext: str, today: dt.date, report_lang: str | None = None) -> int:
    from .flow import run_questionnaire

    asker.section(_("Clinic intake"), _("A new screening. The clinic staff types the id "
                                        "first."))
    try:
        picked = ask_respondent_id(asker, folder, report_ext)
    except (EOFError, KeyboardInterrupt):
        raise _Stop from None
    if picked is QUIT:
        raise _Stop
    rid, stem = picked
    asker.message(_("Screening {rid}. Please hand the keyboard to the person.").format(rid=rid))
    from ..reports.content import review_notice

    if review_notice(ruleset):
        asker.message(review_notice(ruleset))
    try:
        end = run_questionnaire(ruleset, asker, today=today)  # no on_save: no draft
    except (EOFError, KeyboardInterrupt):
        asker.message("\n" + _("Screening stopped: nothing was saved for this person."))
        _wait_for_enter(asker, saved=0)
        return 0
    # Show the result first: an urgent message must reach the person even if saving fails.
    from ..screening import screen

    result = screen({RESPONDENT_ID: rid, **end.answers}, ruleset, today=today)
    asker.section(_("Your result"), "")
    if end.status == "urgent":
        asker.message(_("The questionnaire stopped here because of your answer."))
    try:
        from .session import show_result

        show_result(ruleset, asker, result, "person")
    except (KeyboardInterrupt, EOFError):
        pass  # Ctrl-C at "Show the details?": the screening is still saved for the clinic
    try:
        save_screening(ruleset, result, folder, stem, report_format,
                       report_lang=report_lang)
    except OutputError as exc:  # e.g. the folder became read-only: tell the operator
        asker.message("\n" + _("The screening could not be saved for the clinic: {reason}")
                      .format(reason=exc))
        _wait_for_enter(asker, saved=0)
        return 0
    asker.message("\n" + _("Your answers and result were saved for the clinic under {rid}.")
                  .format(rid=rid))
    _wait_for_enter(asker, saved=1,
                    summary=lambda: clinician_summary_text(ruleset, result, report_lang))
    return 1


def render_person_view(result, ruleset: RuleSet) -> str:
    from ..reports import render

    return render(result, ruleset, "text", "person").rstrip()


def in_report_language(ruleset: RuleSet, result, report_lang: str | None):
    """(ruleset, result) in the clinician's language ``report_lang`` (default: the
    person's), from the same answers and decisions."""
    from ..ruleset.loading import load_ruleset
    from ..screening import in_language

    report_lang = report_lang or ruleset.language
    if report_lang == ruleset.language:
        return ruleset, result
    report_rules = load_ruleset(ruleset.folder, report_lang)
    return report_rules, in_language(result, report_rules)


def clinician_summary_text(ruleset: RuleSet, result, report_lang: str | None = None) -> str:
    """The clinician summary at the terminal's width, in the clinician's language."""
    from ..i18n import language
    from ..reports import render
    from .wrapping import text_width

    report_rules, report_result = in_report_language(ruleset, result, report_lang)
    with language(report_rules.language):
        return render(report_result, report_rules, "text", "clinician", width=text_width(),
                      part="first").rstrip()


def save_screening(ruleset: RuleSet, result, folder: Path, stem: str,
                   report_format: str, *, report_lang: str | None = None) -> Saved:
    """Write the three files (0600, never overwriting): the answers and the JSON result
    (codes, the same in every language) and the clinician report in ``report_lang``."""
    from ..files import write_private
    from ..i18n import language
    from ..reports import get_format, render

    answers_json = json.dumps({RESPONDENT_ID: result.respondent_id, **result.answers},
                              indent=2, ensure_ascii=False) + "\n"
    report_rules, report_result = in_report_language(ruleset, result, report_lang)
    with language(report_rules.language):
        report = render(report_result, report_rules, report_format, "clinician")
    outputs = (answers_json, render(result, ruleset, "json", "clinician"), report)
    names = file_names(stem, get_format(report_format).EXTENSION)
    files = tuple(write_private(folder / name, data, overwrite=False)
                  for name, data in zip(names, outputs, strict=True))
    return Saved(result.respondent_id, result.triage, files)


def _wait_for_enter(asker: Asker, *, saved: int,
                    summary: Callable[[], str] | None = None) -> None:
    """The last prompt for this person. With ``summary``, the staff may type
    SUMMARY_KEY to show the clinician summary (once), then Enter clears the screen."""
    text = _("Press Enter when you have finished reading. The screen will then be cleared "
             "for the next person.")
    if summary is not None:
        text += " " + _("Staff: type {key} to show the clinician summary first.").format(
            key=SUMMARY_KEY)
    try:
        typed = asker.ask(Prompt(kind="text", key="intake-done", parse=lambda text: text,
                                 text=text))
        if summary is not None and (typed or "").strip().lower() == SUMMARY_KEY:
            asker.message("\n" + summary())
            _wait_for_enter(asker, saved=saved)
    except KeyboardInterrupt:
        pass  # Ctrl-C here means "done": clear the screen all the same
    except EOFError:
        raise _Stop(saved) from None


__all__ = ["CLEAR_SCREEN", "QUIT", "REPORT_FORMATS", "SUMMARY_KEY", "Saved",
           "ask_respondent_id", "clinician_summary_text", "file_names", "free_stem",
           "in_report_language", "parse_respondent_id", "run_intake", "save_screening"]
