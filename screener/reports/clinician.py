"""The clinician summary: one page for the staff who see the person next.

``build_summary(result, ruleset, report)`` turns a ``Result`` and the clinician view's
``content.Report`` (whose trails, sources and unanswered lists it reuses) into plain
strings in the third person: a header (respondent, date, age, sex, BMI, pregnancy,
medicines, conditions, supplements), the level and the rules that set it, a factor
table, the factors held back and why, the red-flag questions and their answers, the
unanswered questions, and what to check. No I/O, no markup: the text, Markdown, HTML
and PDF formats lay it out, above the full clinician detail.

Its own sentences speak about the respondent, never to them. The person's own words
(question texts, the questions each factor suggests asking) are quoted as such.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..i18n import N_, _, ngettext

TITLE = N_("Clinician summary")

#: What the staff are asked to arrange, one line a triage level (third person: the
#: rules' own triage messages speak to the person).
ACTION = {
    "urgent": N_("Suggest emergency care now: the respondent reported an urgent warning "
                 "sign."),
    "same_day": N_("Suggest the respondent is seen or advised by a clinician today."),
    "prompt": N_("Suggest an appointment with a clinician within the next few days."),
    "routine": N_("Suggest discussing the factors below at a routine appointment."),
    "self_care": N_("No follow-up is suggested by this screening; review if the "
                    "respondent reports new or worse symptoms."),
}
#: routine with no factor: too few answers to rule them out (TR-ROUTINE-INCOMPLETE)
NO_FACTORS_ROUTINE = N_("Suggest a routine appointment to go over the questions left open.")

#: the header's answers, in order: question id -> its label in the header
HEADER_ITEMS = (
    ("age_years", N_("Age")),
    ("sex_at_birth", N_("Sex at birth")),
    ("pregnancy", N_("Pregnancy")),
    ("medicines", N_("Medicines")),
    ("conditions", N_("Conditions")),
    ("supplements", N_("Supplements")),
)


@dataclass
class SetBy:
    rule: str
    title: str
    assumed: str = ""  # "Assumed risk: medicines not answered", or ""


@dataclass
class FactorRow:
    id: str
    label: str
    strength: str  # "several signs"
    indicators: list[str]  # rule ids
    answers: list[str]  # "outdoor_daylight: Less than 15 minutes"
    sources: list[str]  # source ids


@dataclass
class HeldBackRow:
    id: str
    label: str  # "potassium: not raised"
    indicators: list[str]  # rule ids that fired
    because: list[SetBy]  # the exceptions that held it back


@dataclass
class AnswerItem:
    id: str  # question id
    text: str  # the question, as the respondent read it
    answer: str  # the answer's label, or "not answered" / "not asked"


@dataclass
class Summary:
    title: str
    header: list[tuple[str, str]]
    level: str
    level_title: str
    action: str
    set_by: list[SetBy]
    completeness: str
    overview: str  # "The respondent reports 2 possible contributing factors."
    factors: list[FactorRow]
    held_back: list[HeldBackRow]
    red_flags: list[AnswerItem]
    unanswered: list[AnswerItem]
    #: said when ``unanswered`` is empty: "none", or that the rest was never asked
    no_unanswered: str
    check: list[str]  # the questions each factor suggests asking (the person's words)
    notes: list[SetBy] = field(default_factory=list)  # note rules that fired (id, title)


def bmi(result, ruleset) -> float | None:
    """The ``bmi`` fact as screening computes it (screening.COMPUTE), from the answers."""
    from ..answers import ValidatedAnswers
    from ..screening import COMPUTE

    return COMPUTE["bmi"](ValidatedAnswers(values=result.answers), ruleset)


def stopped_early(result) -> bool:
    """An urgent answer ended the questionnaire: the questions left were never asked
    (content.completeness_line says how many), so none of them was 'not answered'."""
    return result.triage == "urgent" and bool(result.completeness.missing)


def _answer_text(result, ruleset, question_id: str) -> str:
    question = ruleset.questions.by_id.get(question_id)
    if question is None:
        return _("not asked")
    if question_id in result.answers:
        return question.describe_answer(result.answers[question_id])
    if question_id in result.unanswered and not stopped_early(result):
        return _("not answered")
    return _("not asked")  # hidden by the skip logic (pregnancy for a male respondent)


def _bmi_text(result, ruleset) -> str:
    value = bmi(result, ruleset)
    if value is None:
        return (_("not computed (height and weight not asked)") if stopped_early(result)
                else _("not computed (height or weight not answered)"))
    return _("{bmi} (height {height} cm, weight {weight} kg)").format(
        bmi=value, height=result.answers["height_cm"], weight=result.answers["weight_kg"])


def header(result, ruleset) -> list[tuple[str, str]]:
    rows = []
    if result.respondent_id:
        rows.append((_("Respondent"), result.respondent_id))
    rows.append((_("Screening date"), result.screened_on or _("not given")))
    for question_id, label in HEADER_ITEMS[:2]:
        rows.append((_(label), _answer_text(result, ruleset, question_id)))
    rows.append((_("BMI"), _bmi_text(result, ruleset)))
    for question_id, label in HEADER_ITEMS[2:]:
        rows.append((_(label), _answer_text(result, ruleset, question_id)))
    return rows


def _answers_behind(reasons) -> list[str]:
    """Every answer behind a factor's indicators, once each: 'question_id: label'."""
    return list(dict.fromkeys(f"{a.id}: {a.answer}" for x in reasons for a in x.answers))


def _overview(result) -> str:
    count = len(result.factors)
    if result.triage == "urgent" and not count:
        return _("The screening stopped at an urgent answer.")
    if not count:
        return (_("The respondent's answers raise no possible contributing factor.")
                if result.complete else
                _("The respondent's answers raise no possible contributing factor, but too "
                  "few questions were answered to rule them out."))
    return ngettext("The respondent reports answers that raise {count} possible "
                    "contributing factor.",
                    "The respondent reports answers that raise {count} possible "
                    "contributing factors.", count).format(count=count)


def _action(result) -> str:
    """The untranslated action line for the result's level."""
    if result.triage == "routine" and not result.factors:
        return NO_FACTORS_ROUTINE
    return ACTION.get(result.triage, ACTION["routine"])


def build_summary(result, ruleset, report) -> Summary:
    """The summary of ``result``; ``report`` is ``content.build(result, ruleset,
    "clinician")``, whose factor trails and held-back reasons are reused."""
    from ..red_flags import urgent_codes

    questions = ruleset.questions.by_id
    red_flag_ids = [q for q in questions if q in urgent_codes(ruleset)]
    return Summary(
        title=_(TITLE),
        header=header(result, ruleset),
        level=result.triage,
        level_title=result.triage_detail.title,
        action=_(_action(result)),
        # every triage rule that fired: under the triage (urgent to prompt) or in the trail
        set_by=[SetBy(x.rule, x.title, x.assumed)
                for x in report.triage_decision or report.triage_why],
        completeness=report.completeness,
        overview=_overview(result),
        factors=[FactorRow(id=f.id, label=f.label, strength=f.strength,
                           indicators=[x.rule for x in f.reasons],
                           answers=_answers_behind(f.reasons),
                           # the factor's own sources, then its indicators'
                           sources=list(dict.fromkeys(
                               [*factor.sources, *(s for x in f.reasons for s in x.sources)])))
                 for f, factor in zip(report.factors, result.factors, strict=True)],
        held_back=[HeldBackRow(h.id, h.label, list(h.indicators),
                               [SetBy(x.rule, x.title) for x in h.because])
                   for h in report.held_back],
        red_flags=[AnswerItem(q, questions[q].text, _answer_text(result, ruleset, q))
                   for q in red_flag_ids],
        unanswered=([] if stopped_early(result) else
                    [AnswerItem(q, questions[q].text, _("not answered"))
                     for q in result.unanswered if q in questions])
                   + [AnswerItem(q, questions[q].text, _("not sure"))
                      for q in result.not_sure if q in questions],
        no_unanswered=(_("none; the questions after the urgent answer were not asked")
                       if stopped_early(result) else _("none")),
        check=list(report.ask),
        notes=[SetBy(n.id, n.evidence.title) for n in result.notes])


# ------------------------------------------------ lines the plain formats share
# (text and PDF: the Markdown and HTML templates mark ids up as code)

def rules_text(items: list[SetBy]) -> str:
    """'[TR-ROUTINE] At least one possible factor; ...' (an assumed risk in brackets)."""
    return "; ".join(f"[{x.rule}] {x.title}" + (f" ({x.assumed})" if x.assumed else "")
                     for x in items)


def red_flags_text(s: Summary) -> str:
    return "; ".join(f"{q.id} {q.answer}" for q in s.red_flags)


def unanswered_text(s: Summary) -> str:
    return "; ".join(f"{q.text} [{q.id}] ({q.answer})" for q in s.unanswered) \
        or s.no_unanswered


def summary_for(result, ruleset, report) -> Summary | None:
    """The summary for a clinician view's report, None for the person's."""
    return build_summary(result, ruleset, report) if report.clinician else None
