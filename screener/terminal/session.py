"""One interactive screening session: draft -> questionnaire -> result -> save offers.

Everything the person sees goes through the Asker (so the same session runs in the
terminal, in plain mode and under a script); this module never prints.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import AnswersError, ScreenerError
from ..files import write_private
from ..i18n import N_, _, ngettext
from ..ruleset.models import RuleSet
from .asker import Asker, Option, Prompt
from .drafts import Draft, DraftStore
from .flow import QuestionnaireEnd, State, run_questionnaire

if TYPE_CHECKING:  # the result models are not needed before the first question
    from ..result import Result

RESUME_HINT = N_("Your answers so far are saved. Continue with: screener resume "
                 "(or start over with: screener run --fresh)")
REMOVED_HINT = N_("Your result was shown, so the saved answers were removed: only the "
                  "files you chose to save are kept.")


def session(ruleset: RuleSet, asker: Asker, *, store: DraftStore, resume: bool = False,
            fresh: bool = False, view: str = "person", today: dt.date | None = None,
            folder: Path | None = None) -> tuple[QuestionnaireEnd, Result]:
    """Run (or resume) a screening and show the result. KeyboardInterrupt before the
    result propagates with the draft kept; once the result is shown the draft is
    removed, and an interrupt at a save prompt is ``StoppedAfterResult``."""
    with store.locked():  # one session at a time owns the draft
        return _session(ruleset, asker, store=store, resume=resume, fresh=fresh, view=view,
                        today=today or dt.date.today(), folder=folder)


def _session(ruleset, asker, *, store, resume, fresh, view, today, folder):
    _say_review_notice(ruleset, asker)
    state = _starting_state(ruleset, asker, store, resume=resume, fresh=fresh)

    def save(st: State) -> None:
        store.save(Draft(ruleset_hash=ruleset.content_hash, answers=st.answers,
                         position=st.position, confirmed=sorted(st.confirmed),
                         language=ruleset.language))

    end = run_questionnaire(ruleset, asker, state=state, on_save=save, today=today)
    # imported only now, so the first question appears sooner
    from ..screening import screen

    result = screen(end.answers, ruleset, today=today)
    if end.status == "urgent":
        asker.message("\n" + _("The questionnaire stopped here because of your answer."))
    asker.section(_("Your result"), "")
    show_result(ruleset, asker, result, view)
    # The result is shown: the screening is over, and health data must not linger in a
    # draft. Only what the person now chooses to save is kept (Ctrl-C or a closed
    # terminal at a save prompt keeps nothing; before the result it keeps the draft).
    store.discard()
    try:
        offer_saves(ruleset, asker, result.answers, result, view=view, today=today,
                    folder=folder or Path.cwd())
    except (KeyboardInterrupt, EOFError) as exc:
        raise StoppedAfterResult from exc
    return end, result


MORE_HINT = N_("The reasons, the questions to ask a clinician and the notes are in the "
               "details, and in any report you save.")


#: lines kept free under a result that is shown whole: its heading and the next prompt
SCREEN_ROOM = 4


def show_result(ruleset: RuleSet, asker: Asker, result: Result, view: str) -> None:
    """The result as a person first sees it: one screen (the level, what to do and by
    when, why, the factors one line each; see ``reports.text.first_screen``), then the
    details on request, through a pager at a terminal. Everything is laid out at the
    terminal's width. The saved report and ``screener screen`` to a file hold it all."""
    from ..reports import render
    from .wrapping import terminal_rows, text_width

    width = text_width()
    full = render(result, ruleset, "text", view, width=width).rstrip()
    if full.count("\n") + 1 + SCREEN_ROOM <= terminal_rows():  # it all fits: no question
        asker.message(full)
        return
    first = render(result, ruleset, "text", view, width=width, part="first").rstrip()
    asker.message(first)
    asker.message("\n" + _(MORE_HINT))
    if asker.ask(Prompt(kind="confirm", key="show-details", default=False,
                        text=_("Show the details?"))):
        page = getattr(asker, "page", None)
        if page is None:
            asker.message(full)
        else:
            page(full)


class StoppedAfterResult(KeyboardInterrupt):
    """Ctrl-C (or the end of input) at a save prompt, once the result was shown: the
    draft is already removed, so the person is told that nothing more was kept."""


def _say_review_notice(ruleset: RuleSet, asker: Asker) -> None:
    """One line before the first question while the translation awaits clinical review."""
    from ..reports.content import review_notice

    notice = review_notice(ruleset)
    if notice:
        asker.message(notice)


def _starting_state(ruleset, asker, store: DraftStore, *, resume: bool, fresh: bool) -> State:
    if fresh:
        store.discard()
        return State()
    try:
        draft = store.load()
    except AnswersError as exc:
        raise with_draft_red_flags(exc, ruleset) from None
    if draft is None:
        if resume:
            raise ScreenerError("there is no unfinished screening to resume; start one "
                                "with: screener run")
        return State()
    if not resume:
        count = len(draft.answers)
        keep = asker.ask(Prompt(
            kind="confirm", key="continue-draft", default=True,
            text=ngettext("You have an unfinished screening ({count} answer, saved {saved}). "
                          "Continue it?",
                          "You have an unfinished screening ({count} answers, saved {saved}). "
                          "Continue it?", count).format(
                              count=count, saved=draft.saved_at.replace('T', ' '))))
        if not keep:
            store.discard()
            return State()
    answers = _still_valid(draft, ruleset, asker)
    asker.message(ngettext("Continuing your screening ({count} answer kept).",
                           "Continuing your screening ({count} answers kept).",
                           len(answers)).format(count=len(answers)))
    return State(answers=answers, position=_resume_at(draft, answers, ruleset),
                 confirmed=set(draft.confirmed), started=True)


def with_draft_red_flags(exc: ScreenerError, ruleset: RuleSet) -> ScreenerError:
    """The error of a draft that cannot be read, carrying any red flag in what was read
    of it (the CLI says it loudly): a tampered draft must not hide a chest pain."""
    from ..interop.answers_file import with_red_flags

    seen = getattr(exc, "seen", None)
    if isinstance(seen, dict) and isinstance(seen.get("answers"), dict):
        seen = seen["answers"]  # a draft keeps the answers under "answers"
    return with_red_flags(exc, seen, ruleset)


def _resume_at(draft: Draft, kept: dict, ruleset: RuleSet) -> str | None:
    """Where a resumed screening goes on: the saved position, or an earlier question
    when one must be asked again: an answer that no longer fits (the message promised
    it), or an unanswered question of the urgent check (the first section, asked
    before anything else: never passed over because the draft was edited or the
    questions changed). A later question left unanswered on purpose is not asked again."""
    from ..red_flags import urgent_codes

    first_section = ruleset.questions.sections[0].id
    again = {qid for qid in draft.answers if qid not in kept}
    again |= {qid for qid in urgent_codes(ruleset) if qid not in kept
              and qid in ruleset.questions.by_id
              and ruleset.questions.by_id[qid].section == first_section}
    order = [q.id for q in ruleset.questions]
    saved = order.index(draft.position) if draft.position in order else len(order)
    earlier = [i for i, qid in enumerate(order) if qid in again and i < saved]
    return order[earlier[0]] if earlier else draft.position


def _still_valid(draft: Draft, ruleset: RuleSet, asker: Asker) -> dict:
    """Answers of the draft that the current question bank accepts, checked one by one
    before anything is asked (a draft file may have been edited or damaged: a bad value
    must not surface only after the last question). The others are asked again."""
    from ..answers import validate_answers

    kept = {}
    for key, value in draft.answers.items():
        try:
            validate_answers({key: value}, ruleset)
        except AnswersError:
            continue
        kept[key] = value
    dropped = len(draft.answers) - len(kept)
    if draft.ruleset_hash != ruleset.content_hash:
        asker.message(_("The questions have changed since this screening was saved; {dropped} "
                        "answer(s) no longer fit and will be asked again.").format(dropped=dropped)
                      if dropped else _("The questions have changed since this screening was "
                                        "saved."))
    elif dropped:  # the same questions, but the draft was edited or damaged
        asker.message(f"{dropped} saved answer(s) cannot be used and will be asked again.")
    return kept


# ----------------------------------------------------------------- after the result

NO_REPORT = "no-report"


def offer_saves(ruleset: RuleSet, asker: Asker, answers: dict, result: Result, *,
                view: str, today: dt.date, folder: Path) -> list[Path]:
    """Offer to save the answers file and, where extra formats exist, a report."""
    from ..reports import FORMATS, LABELS, get_format, render

    saved = []
    if asker.ask(Prompt(kind="confirm", key="save-answers", default=False,
                        text=_("Save your answers to a file (to screen again or show a "
                               "clinician)?"))):
        data = json.dumps(answers, indent=2, ensure_ascii=False) + "\n"
        path = _save_file(asker, folder / f"screening-answers-{today.isoformat()}.json", data,
                          "answers")
        if path:
            saved.append(path)
            asker.message(_("Saved your answers to {path} (readable only by you). "
                            "Screen them again with: screener screen {path}").format(path=path))
    extra = [name for name in FORMATS if name not in ("text", "json")]
    if extra:
        # a string, not None: questionary returns the title for a choice whose value is None
        options = ((Option(NO_REPORT, _("No report")),)
                   + tuple(Option(n, _(LABELS.get(n, n))) for n in extra))
        fmt = asker.ask(Prompt(kind="choice", key="save-report", options=options,
                               default=NO_REPORT, text=_("Save a report of this result?")))
        if fmt and fmt != NO_REPORT:
            module = get_format(fmt)
            output = render(result, ruleset, fmt, view)
            path = _save_file(asker, folder / f"screening-report-{today.isoformat()}"
                              f"{module.EXTENSION}", output, "report")
            if path:
                saved.append(path)
                asker.message(_("Saved the report to {path} (readable only by you).").format(
                    path=path))
    return saved


FILE_PROMPTS = {"answers": N_("File name for the answers:"),
                "report": N_("File name for the report:")}


def _save_file(asker: Asker, default: Path, data, what: str) -> Path | None:
    def parse(text: str) -> str:
        if not text.strip():
            raise ValueError(_("Type a file name."))
        return text.strip()

    while True:
        name = asker.ask(Prompt(kind="text", key=f"{what}-path", default=str(default),
                                text=_(FILE_PROMPTS[what]), parse=parse))
        path = Path(name).expanduser()
        if path.exists() and not asker.ask(Prompt(
                kind="confirm", key=f"{what}-overwrite", default=False,
                text=_("{path} already exists. Replace it?").format(path=path))):
            continue
        try:
            return write_private(path, data, overwrite=True)
        except OSError as exc:
            asker.message(_("Could not save {path}: {reason}").format(
                path=path, reason=exc.strerror or exc))
            if not asker.ask(Prompt(kind="confirm", key=f"{what}-retry", default=True,
                                    text=_("Try another file name?"))):
                return None
