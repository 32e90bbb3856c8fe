"""The clinician summary (issue 21, item 3): third person, a header with the respondent's
age, sex, BMI, pregnancy, medicines, conditions and supplements, the level and the rules
that set it, a factor table, held-back factors and why, red flags, unanswered questions
and what to check; first in every clinician view, one printed page for a typical case,
and on demand for the staff at the end of an intake."""

from __future__ import annotations

import io
import re

import pytest
from conftest import ROOT

from screener.personas import load_personas
from screener.reports import render
from screener.reports.clinician import build_summary
from screener.reports.content import build
from screener.screening import screen

YOU = re.compile(r"\b(you|your|yours|yourself)\b", re.IGNORECASE)


@pytest.fixture(scope="module")
def personas(ruleset):
    return load_personas(ROOT / "personas", ruleset)


def _screened(ruleset, personas, persona_id, **extra):
    return screen({**personas[persona_id].answers, **extra}, ruleset)


def _summary(ruleset, result):
    return build_summary(result, ruleset, build(result, ruleset, "clinician"))


def _quoted(summary) -> list[str]:
    """The person's own words the summary quotes: the questions each factor suggests
    asking, the question texts and the answer labels (which may say 'I')."""
    return ([*summary.check, *(value for _, value in summary.header)]
            + [w for q in summary.unanswered + summary.red_flags for w in (q.text, q.answer)]
            + [a for f in summary.factors for a in f.answers])


@pytest.mark.parametrize("fmt", ["text", "md", "html"])
def test_the_summary_speaks_about_the_respondent_never_to_them(ruleset, personas, fmt):
    import html as html_module

    for persona_id in personas:
        result = _screened(ruleset, personas, persona_id, respondent_id="P-7")
        summary = _summary(ruleset, result)
        out = render(result, ruleset, fmt, "clinician", **({"part": "first"} if fmt == "text"
                                                             else {}))
        if fmt == "md":  # the summary alone: up to the rule before the detail
            out = out.split("\n---\n")[0].replace("\\", "")
        elif fmt == "html":  # up to the end of its section
            out = html_module.unescape(out.split("</section>")[0])
        own = " ".join(out.split())
        for quoted in sorted(_quoted(summary), key=len, reverse=True):
            own = own.replace(" ".join(quoted.split()), "")
        assert YOU.findall(own) == [], (persona_id, fmt, YOU.findall(own))
        assert summary.action and not YOU.search(summary.action + summary.overview)


def test_the_header_names_the_respondent_and_shows_the_bmi(ruleset, personas):
    result = _screened(ruleset, personas, "older-adult-diuretic", respondent_id="A-17")
    header = dict(_summary(ruleset, result).header)
    assert list(header) == ["Respondent", "Screening date", "Age", "Sex at birth", "BMI",
                            "Pregnancy", "Medicines", "Conditions", "Supplements"]
    answers = result.answers
    assert header["Respondent"] == "A-17" and header["Screening date"] == result.screened_on
    expected_bmi = round(answers["weight_kg"] / (answers["height_cm"] / 100) ** 2, 1)
    assert header["BMI"].startswith(f"{expected_bmi} (")
    questions = ruleset.questions.by_id
    for question_id, label in (("age_years", "Age"), ("sex_at_birth", "Sex at birth"),
                               ("medicines", "Medicines"), ("supplements", "Supplements")):
        assert header[label] == questions[question_id].describe_answer(answers[question_id])
    assert "pregnancy" not in answers and header["Pregnancy"] == "not asked"  # a man
    md = render(result, ruleset, "md", "clinician")
    assert f"**BMI:** {expected_bmi}" in md


def test_without_a_height_the_bmi_is_said_to_be_missing(ruleset, personas):
    answers = {k: v for k, v in personas["office-worker-winter"].answers.items()
               if k != "height_cm"}
    header = dict(_summary(ruleset, screen(answers, ruleset)).header)
    assert header["BMI"].startswith("not computed") and "Respondent" not in header


def test_the_level_factors_and_held_back_factors_with_their_reasons(ruleset, personas):
    result = _screened(ruleset, personas, "older-adult-diuretic")
    assert result.held_back  # the persona's calcium intake, held back by age alone
    summary = _summary(ruleset, result)
    assert [x.rule for x in summary.set_by] == [ev.rule for ev in result.triggered_by]
    assert [(f.id, f.indicators) for f in summary.factors] == [
        (f.id, [ev.rule for ev in f.indicators]) for f in result.factors]
    md = render(result, ruleset, "md", "clinician")
    head = md.split("About this screening")[0]
    for held in result.held_back:
        line = next(line for line in head.splitlines() if f"`{held.id}`" in line)
        assert line.startswith("- Held back:")
        for indicator in held.indicators:
            assert indicator.rule in line
        for exception in held.because:  # the reason: the rule that held it back
            assert f"`{exception.rule}` {exception.title}" in line
    for factor in result.factors:
        row = next(line for line in head.splitlines() if f"`{factor.id}` |" in line)
        assert all(source in row for source in factor.sources)  # the sources column
        for ev in factor.indicators:
            assert f"`{ev.rule}`" in row
            assert all(f"{q.replace('_', chr(92) + '_')}:" in row for q in ev.answers
                       if q in ruleset.questions.by_id and q != "screened_on")
    assert "**Red flags asked:** `red_flags_now` None of these" in head
    assert "**Unanswered:** none." in head


def test_unanswered_questions_are_listed(ruleset, personas):
    answers = dict(personas["office-worker-winter"].answers)
    del answers["fatigue"]
    summary = _summary(ruleset, screen(answers, ruleset))
    assert [q.id for q in summary.unanswered] == ["fatigue"]
    assert summary.unanswered[0].answer == "not answered"


def test_an_urgent_stop_calls_the_questions_after_it_not_asked(ruleset):
    """Stopped at its urgent answer, the rest of the questionnaire was never asked: the
    summary must not say the respondent left it unanswered."""
    summary = _summary(ruleset, screen({"red_flags_now": ["chest_pain"]}, ruleset))
    header = dict(summary.header)
    assert header["Age"] == header["Medicines"] == "not asked"
    assert [q.answer for q in summary.red_flags if q.id != "red_flags_now"] == ["not asked"] * 3
    assert summary.unanswered == []
    assert "not asked" in summary.no_unanswered
    assert "not answered" not in render(screen({"red_flags_now": ["chest_pain"]}, ruleset),
                                        ruleset, "md", "clinician").split("---")[0]


def test_routine_without_factors_suggests_going_over_what_is_open(ruleset):
    """Too few answers (TR-ROUTINE-INCOMPLETE) is routine with no factor: the action
    must not point to 'the factors below'."""
    summary = _summary(ruleset, screen({}, ruleset))
    assert summary.level == "routine" and summary.factors == []
    assert "factors below" not in summary.action and "questions left open" in summary.action


def test_the_summary_comes_first_in_the_clinician_view_only(ruleset, personas):
    result = _screened(ruleset, personas, "office-worker-winter")
    for fmt in ("text", "md", "html"):
        clinician = render(result, ruleset, fmt, "clinician")
        person = render(result, ruleset, fmt, "person")
        first_detail = clinician.index("About this screening" if fmt != "text"
                                       else "RESULT:")
        assert 0 <= clinician.lower().index("clinician summary") < first_detail
        assert "clinician summary" not in person.lower()
    # the first screen at a terminal is the summary
    first = render(result, ruleset, "text", "clinician", part="first")
    assert first.startswith("CLINICIAN SUMMARY") and "RESULT:" not in first


@pytest.mark.parametrize("persona_id, most_pages", [
    ("office-worker-winter", 1), ("vegan-lactose", 1), ("long-ppi-twitching", 1),
    ("older-adult-diuretic", 2)])
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_the_pdf_summary_fits_its_page(ruleset, personas, persona_id, most_pages, paper):
    """The PDF starts the detail on a new page, so the page it starts on counts the
    summary's pages: one for a typical case (one or two factors)."""
    from pypdf import PdfReader

    result = _screened(ruleset, personas, persona_id, respondent_id="P-1")
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(
        render(result, ruleset, "pdf", "clinician", paper=paper))).pages]
    summary_pages = next(i for i, text in enumerate(pages) if "About this screening" in text)
    assert 1 <= summary_pages <= most_pages
    assert "Clinician summary" in pages[0] and "What to check" in " ".join(pages[:summary_pages])


def test_a_spanish_clinician_report_has_the_summary(personas):
    from screener.i18n import language
    from screener.ruleset.loading import load_ruleset

    ruleset = load_ruleset(None, "es")
    result = screen(dict(personas["office-worker-winter"].answers), ruleset)
    with language("es"):
        md = render(result, ruleset, "md", "clinician")
    assert "vitamin_d" in md.split("##")[1]  # the summary's factor table, first


# ------------------------------------------------------------------ intake, on demand

def _intake(ruleset, tmp_path, after_result: list[str]) -> str:
    from test_intake import FIRST, TODAY, typed_lines

    from screener.terminal.asker import PlainAsker
    from screener.terminal.intake import run_intake

    lines = ["P-0001", *typed_lines(ruleset, FIRST), *after_result, "quit"]
    stdin, out = io.StringIO("\n".join(lines) + "\n"), io.StringIO()
    count = run_intake(ruleset, lambda: PlainAsker(stdin=stdin, stdout=out),
                       tmp_path / "clinic", clear=lambda: out.write("<CLEAR>"),
                       today=lambda: TODAY)
    assert count == 1
    return out.getvalue()


def test_intake_shows_the_staff_the_summary_only_on_demand(ruleset, tmp_path, monkeypatch):
    monkeypatch.setenv("SCREENER_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("LINES", "500")  # the person's result fits: shown whole
    plain = _intake(ruleset, tmp_path / "a", [""])
    assert "CLINICIAN SUMMARY" not in plain and "type s to show the clinician summary" in plain

    asked = _intake(ruleset, tmp_path / "b", ["s", ""])
    person_screen = asked.split("<CLEAR>")[1]
    before, after = person_screen.split("type s to show the clinician summary", 1)
    assert "CLINICIAN SUMMARY" not in before  # the person saw their result, not the summary
    assert "CLINICIAN SUMMARY" in after and "Respondent: P-0001" in after
    assert "Age: 87 years" in after and "BMI:" in after
    assert after.count("Press Enter when you have finished reading") == 1  # asked again
