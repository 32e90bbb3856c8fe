"""What a summary report says, decided once for every document format.

``build(result, ruleset, view)`` turns a ``Result`` into a small view-model of plain
strings and lists. The text, Markdown, HTML and PDF formats only lay it out, so they can
never disagree about what the person or clinician is told. No I/O, no markup here.

Person view: plain language. Clinician view: adds rule ids, facts used and the full
trail (triage decision, derived facts, factors held back, every fired rule). An urgent
result shows the person the urgent message and why, alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..i18n import N_, _

TITLE = N_("Nutrition screening summary")

DISCLAIMER = N_(
    "This is a screening, not a diagnosis. It lists possible contributing factors to "
    "discuss with a clinician (a doctor, nurse, pharmacist or dietitian), who can judge "
    "whether any test is appropriate. It does not recommend any supplement or amount.")

STRENGTH_WORDS = {"some": N_("some signs"), "several": N_("several signs")}
NO_FACTORS = N_("No possible contributing factors were found by this screening.")
NO_FACTORS_INCOMPLETE = N_("No possible contributing factors were found in the answers "
                           "given, but too few questions were answered to rule them out.")
#: One line on every translated document while its translation is not reviewed.
REVIEW_NOTICE = N_("This translation has not yet been reviewed by a clinician: if anything "
                   "is unclear, ask for the English version.")


def no_factors_text(result) -> str:
    return _(NO_FACTORS if result.complete else NO_FACTORS_INCOMPLETE)


def review_notice(ruleset) -> str:
    """The one-line notice of an unreviewed translation ('' in English or once reviewed)."""
    translation = getattr(ruleset, "translation", None)
    return _(REVIEW_NOTICE) if translation is not None and not translation.reviewed else ""


#: Levels whose reasons are shown right under the triage: each says what to do, and soon.
EXPLAINED_LEVELS = ("urgent", "same_day", "prompt")
INCOMPLETE = N_("Incomplete screening: too few answers to rule the factors out "
                "({missing} of {counted} questions unanswered or answered \"not sure\").")
COMPLETE = N_("Complete screening: {missing} of {counted} questions unanswered or answered "
              "\"not sure\".")


URGENT_STOP = N_("Stopped at an urgent answer; {missing} questions not asked.")


def completeness_line(result, clinician: bool) -> str:
    """Said next to the triage: always when incomplete (spec 5), for the clinician also
    when complete. Empty for a person's complete screening. An urgent result with
    questions left is a screening stopped at its urgent answer, not a 'complete' one."""
    numbers = result.completeness.model_dump()
    if result.triage == "urgent" and numbers["missing"]:
        return _(URGENT_STOP).format(**numbers) if clinician else ""
    if not result.complete:
        return _(INCOMPLETE).format(**numbers)
    return _(COMPLETE).format(**numbers) if clinician else ""


def held_back_label(factor_id: str) -> str:
    """'potassium: not raised'. Never the factor's own 'Possible low ...' label: a held-back
    factor (kidney disease and potassium) must not read like a suggestion."""
    return _("{factor}: not raised").format(factor=factor_id.replace('_', ' '))


@dataclass
class AnswerLine:
    question: str  # the question text
    answer: str  # the human label of the answer
    id: str = ""  # question id (shown in the clinician view)


@dataclass
class Reason:
    """One fired rule, in words: the trail behind a factor, triage or note."""

    rule: str
    title: str
    reason: str
    answers: list[AnswerLine]
    facts: str  # "dark_season=True" (clinician view only)
    refs: list[int]  # numbers in the references list
    sources: list[str]  # the source ids behind refs (the clinician's plain text cites these)
    #: "Assumed risk: medicines not answered" (spec 0.1; clinician view), or ""
    assumed: str = ""


@dataclass
class FactorView:
    number: int
    id: str
    label: str
    strength: str  # "several signs"
    summary: str
    reasons: list[Reason]
    symptoms: list[str]
    ask: list[str]
    refs: list[int]


@dataclass
class NoteView:
    id: str
    text: str
    refs: list[int]


@dataclass
class HeldBackView:
    id: str
    label: str
    indicators: list[str]
    because: list[Reason]


@dataclass
class Reference:
    number: int
    id: str
    citation: str
    url: str


@dataclass
class AnswerSection:
    title: str
    answers: list[AnswerLine]


@dataclass
class Report:
    title: str
    view: str
    clinician: bool
    lang: str  # the language of the document (html lang attribute)
    review_notice: str  # one line while the translation awaits clinical review
    level: str  # urgent | same_day | prompt | routine | self_care
    header: list[tuple[str, str]]
    triage_title: str
    triage_message: str
    completeness: str  # next to the triage: "Incomplete screening: ..." or ""
    first_notes: list[NoteView]  # spec 6: directly under the triage message, every view
    triage_why: list[Reason]  # shown under the triage for urgent, same_day and prompt
    urgent_only: bool  # person view of an urgent result: nothing else is shown
    factors: list[FactorView]
    no_factors: str
    notes: list[NoteView]
    unanswered: list[str]
    ask: list[str]
    answer_sections: list[AnswerSection]
    references: list[Reference]
    disclaimer: str
    stamp: str
    # clinician trail
    triage_decision: list[Reason] = field(default_factory=list)
    held_back: list[HeldBackView] = field(default_factory=list)
    derived: list[Reason] = field(default_factory=list)
    fired_rules: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    not_sure_ids: list[str] = field(default_factory=list)
    unanswered_ids: list[str] = field(default_factory=list)


class _Citations:
    """Numbers sources in order of first citation, as a document's reference list."""

    def __init__(self, ruleset):
        self.ruleset = ruleset
        self.numbers: dict[str, int] = {}

    def cite(self, ids) -> list[int]:
        out = []
        for sid in ids:
            if sid not in self.numbers:
                self.numbers[sid] = len(self.numbers) + 1
            if self.numbers[sid] not in out:
                out.append(self.numbers[sid])
        return out

    def references(self) -> list[Reference]:
        from ..safety import safe_url

        refs = []
        for sid, number in self.numbers.items():
            source = self.ruleset.sources.get(sid)
            refs.append(Reference(number=number, id=sid,
                                  citation=source.citation if source else sid,
                                  url=source.url if source and safe_url(source.url) else ""))
        return refs


def answer_lines(answers: dict, ruleset) -> list[AnswerLine]:
    questions = ruleset.questions.by_id
    return [AnswerLine(questions[q].text, questions[q].describe_answer(v), q)
            for q, v in answers.items() if q in questions]


ASSUMED = N_("Assumed risk: {items}")


def _asked(answers: dict, ruleset) -> dict:
    """The answers a person gave, without those filled in for them (the date of the
    screening defaults to today and is never asked): the evidence says "You answered",
    and nobody answered those. The clinician view still shows the facts they gave
    (month=1), and every report its date."""
    questions = ruleset.questions.by_id
    return {q: v for q, v in answers.items()
            if q not in questions or questions[q].default is None}


def _reason(ev, ruleset, cite: _Citations) -> Reason:
    facts = ", ".join(f"{k}={v}" for k, v in ev.facts.items())
    from ..ruleset.risk_reading import assumed_words

    assumed = assumed_words(ev.assumed_risk)
    return Reason(rule=ev.rule, title=ev.title, reason=" ".join(ev.reason.split()),
                  answers=answer_lines(_asked(ev.answers, ruleset), ruleset), facts=facts,
                  refs=cite.cite(ev.sources), sources=list(ev.sources),
                  assumed=_(ASSUMED).format(items=assumed) if assumed else "")


def _answer_based(rule_id: str, ruleset) -> bool:
    """A routine rule set by an answer (frequent twitching, great thirst), not by the
    factors (listed below it anyway) or the completeness (said next to the triage):
    its reason is shown under a routine level too, or "the reasons are listed below"
    would list nothing."""
    from ..ruleset import conditions
    from ..ruleset.facts import factor_fact_names

    rule = ruleset.rules_by_id.get(rule_id)
    if rule is None:
        return False
    summary = set(factor_fact_names(ruleset.factors)) | set(ruleset.computed)
    return not set(conditions.names(rule.when)) & summary


def header(result, ruleset=None) -> list[tuple[str, str]]:
    rows = []
    if result.respondent_id:
        rows.append((_("Respondent"), result.respondent_id))
    rows.append((_("Date screened"), result.screened_on or _("not given")))
    rows.append((_("Ruleset"), f"{result.ruleset.name} {result.ruleset.version} "
                               f"(sha256 {result.ruleset.hash[:12]})"))
    translation = getattr(ruleset, "translation", None)
    if translation is not None:
        rows.append((_("Translation"), translation_stamp(translation)))
    rows.append((_("Screener version"), result.tool_version))
    return rows


def translation_stamp(translation) -> str:
    """'es (sha256 1a2b3c4d5e6f), not yet reviewed by a clinician'."""
    status = (_("reviewed by {who}").format(who=translation.reviewed_by)
              if translation.reviewed and translation.reviewed_by
              else _("reviewed") if translation.reviewed
              else _("not yet reviewed by a clinician"))
    return f"{translation.code} (sha256 {translation.hash[:12]}), {status}"


def stamp(result) -> str:
    return (_("Ruleset {name} {version} ({hash}), screener {tool}").format(
                name=result.ruleset.name, version=result.ruleset.version,
                hash=result.ruleset.hash[:12], tool=result.tool_version)
            + (_(", screened on {date}").format(date=result.screened_on)
               if result.screened_on else ""))


def build(result, ruleset, view: str) -> Report:
    clinician = view == "clinician"
    cite = _Citations(ruleset)
    t = result.triage_detail
    urgent_only = result.triage == "urgent" and not clinician
    why = ([_reason(ev, ruleset, cite) for ev in result.triggered_by
            if result.triage in EXPLAINED_LEVELS or _answer_based(ev.rule, ruleset)])
    report = Report(
        title=_(TITLE), view=view, clinician=clinician, lang=ruleset.language,
        review_notice=review_notice(ruleset), level=result.triage,
        header=header(result, ruleset), triage_title=t.title,
        triage_message=" ".join(t.message.split()),
        completeness=completeness_line(result, clinician),
        first_notes=[NoteView(n.id, " ".join(n.text.split()), cite.cite(n.evidence.sources))
                     for n in result.notes if n.first],
        triage_why=why, urgent_only=urgent_only, factors=[], no_factors="", notes=[],
        unanswered=[], ask=[], answer_sections=[], references=[],
        disclaimer=_(DISCLAIMER), stamp=stamp(result))
    if urgent_only:
        report.references = cite.references()
        return report

    for number, f in enumerate(result.factors, 1):
        reasons = [_reason(ev, ruleset, cite) for ev in f.indicators]
        report.factors.append(FactorView(
            number=number, id=f.id, label=f.label, strength=_(STRENGTH_WORDS[f.strength]),
            summary=" ".join(f.summary.split()), reasons=reasons,
            symptoms=[s.label for s in f.consistent_symptoms], ask=list(f.ask),
            refs=cite.cite(f.sources)))
    # self care's own title and message already say that nothing was found: once is enough
    if not result.factors and result.triage not in ("urgent", "self_care"):
        report.no_factors = no_factors_text(result)
    report.notes = [NoteView(n.id, " ".join(n.text.split()), cite.cite(n.evidence.sources))
                    for n in result.notes if not n.first]
    questions = ruleset.questions.by_id
    report.unanswered = ([questions[q].text for q in result.unanswered if q in questions]
                         + [_("{question} (answered: not sure)").format(question=questions[q].text)
                            for q in result.not_sure if q in questions])
    report.ask = list(dict.fromkeys(q for f in result.factors for q in f.ask))
    for section in ruleset.questions.sections:
        lines = answer_lines({q.id: result.answers[q.id] for q in section.questions
                              if q.id in result.answers}, ruleset)
        if lines:
            report.answer_sections.append(AnswerSection(section.title, lines))
    if clinician:
        if result.triage not in EXPLAINED_LEVELS:
            report.triage_decision = [_reason(ev, ruleset, cite) for ev in result.triggered_by]
        report.held_back = [
            HeldBackView(h.id, held_back_label(h.id), [e.rule for e in h.indicators],
                         [_reason(ev, ruleset, cite) for ev in h.because])
            for h in result.held_back]
        report.derived = [_reason(ev, ruleset, cite) for ev in result.derived_facts]
        report.fired_rules = list(result.fired_rules)
        report.warnings = list(result.warnings)
        report.unanswered_ids = list(result.unanswered)
        report.not_sure_ids = list(result.not_sure)
    report.references = cite.references()
    return report
