"""What the Markdown and HTML reports say: same content, person vs clinician view."""

import re

import pytest
from report_helpers import vignette_answers

from screener.reports import content, render
from screener.reports.templating import md_escape
from screener.screening import screen


@pytest.fixture(scope="module")
def results(ruleset):
    return {name: screen(vignette_answers(name), ruleset) for name in
            ("office-worker-winter", "cola-urine", "vitd-one-indicator-supplement",
             "sparse-answers", "statin-cramps")}


def test_person_view_is_plain_language(ruleset, results):
    md = render(results["office-worker-winter"], ruleset, "md", "person")
    assert "Possible low vitamin D (several signs)" in md
    assert "Possibly low calcium intake (some signs)" in md
    assert "VD-SUN" not in md and "Rules fired" not in md and "Clinician trail" not in md
    assert "Little time in daylight" in md
    assert 'You answered "On a typical day' in md


def test_clinician_view_adds_rule_ids_and_trail(ruleset, results):
    for fmt in ("md", "html"):
        out = render(results["office-worker-winter"], ruleset, fmt, "clinician")
        for expected in ("VD-SUN", "Rules fired", "Derived facts", "D-DARK-SEASON",
                         "TR-ROUTINE", "dark_season=True", "Clinician trail"):
            assert expected in out, (fmt, expected)
    held = render(results["vitd-one-indicator-supplement"], ruleset, "md", "clinician")
    assert "Factors with indicators that were not raised" in held
    assert "VD-SUPPLEMENT-ONLY" in held


def test_questions_to_ask_come_from_the_raised_factors(ruleset, results):
    result = results["office-worker-winter"]
    md = render(result, ruleset, "md", "person")
    section = md.split("## Questions to ask your clinician", 1)[1].split("\n## ", 1)[0]
    for factor in result.factors:
        for question in factor.ask:
            assert md_escape(question) in section


def test_sources_are_numbered_with_full_citations(ruleset, results):
    md = render(results["office-worker-winter"], ruleset, "md", "person")
    refs = md.split("## References", 1)[1]
    numbers = [int(n) for n in re.findall(r"^(\d+)\. ", refs, re.M)]
    assert numbers == list(range(1, len(numbers) + 1)) and numbers
    assert md_escape(ruleset.sources["endo-2011"].citation) in refs
    cited = {int(n) for n in re.findall(r"\[(\d+)\]", md.split("## References")[0])}
    assert cited == set(numbers)  # every reference is cited, every citation listed


def test_urgent_person_view_shows_the_urgent_message_first_and_alone(ruleset, results):
    result = results["cola-urine"]
    for fmt in ("md", "html"):
        out = render(result, ruleset, fmt, "person")
        assert "Get urgent medical care now" in out
        for absent in ("Possible contributing factors", "Your answers", "Notes",
                       "Questions to ask"):
            assert absent not in out, (fmt, absent)
    md = render(result, ruleset, "md", "person")
    first_heading = re.findall(r"^## (.+)$", md, re.M)[0]
    assert first_heading == "Get urgent medical care now"
    clinician = render(result, ruleset, "md", "clinician")
    assert "Your answers" in clinician and "Rules fired" in clinician


def test_unanswered_items_are_listed_by_question_text(ruleset, results):
    result = results["sparse-answers"]
    assert result.unanswered
    md = render(result, ruleset, "md", "person")
    section = md.split("## Items left unanswered", 1)[1].split("\n## ", 1)[0]
    for qid in result.unanswered:
        assert md_escape(ruleset.questions.by_id[qid].text) in section


def test_answers_are_grouped_by_section_with_labels(ruleset, results):
    md = render(results["office-worker-winter"], ruleset, "md", "person")
    answers = md.split("## Your answers", 1)[1]
    titles = re.findall(r"^### (.+)$", answers, re.M)
    assert titles == [s.title for s in ruleset.questions.sections]
    assert "- How old are you? **35 years**" in answers
    assert "**Less than 15 minutes**" in answers  # a label, not the code under_15_min
    assert "under\\_15\\_min" not in answers


def test_header_has_date_ruleset_and_version(ruleset, results):
    result = results["office-worker-winter"]
    for fmt in ("md", "html"):
        out = render(result, ruleset, fmt, "person")
        assert "2025-01-20" in out and result.ruleset.hash[:12] in out
        assert result.ruleset.version in out and content.DISCLAIMER in out


def test_respondent_id_appears_in_the_header(ruleset):
    answers = dict(vignette_answers("office-worker-winter"), respondent_id="P-042")
    out = render(screen(answers, ruleset), ruleset, "html", "person")
    assert "<th scope=\"row\">Respondent</th><td>P-042</td>" in out


def test_markdown_and_html_say_the_same_things(ruleset, results):
    """Both are laid out from one view-model: every factor, note and question appears."""
    for result in results.values():
        report = content.build(result, ruleset, "person")
        md = render(result, ruleset, "md", "person")
        html = render(result, ruleset, "html", "person")
        texts = [f.label for f in report.factors] + [n.text for n in report.notes] + report.ask
        for text in texts:
            assert md_escape(text) in md
            assert text.replace('"', "&#34;").replace("'", "&#39;") in html


def test_markdown_escapes_markup():
    assert md_escape("a*b_c [x]") == "a\\*b\\_c \\[x\\]"
