"""Spanish end to end: --lang on the commands, the default from the environment, the
program's words from the gettext catalogue, machine formats the same in every language,
the review notice, and a Spanish report from the same answers as an English one."""

import json
import subprocess
import sys

import pytest
from conftest import ROOT
from report_helpers import pdf_text, vignette_answers

from screener import i18n
from screener.cli import main
from screener.reports import render
from screener.ruleset.loading import load_ruleset
from screener.screening import in_language, screen

NOTICE_ES = ("Traducción al español pendiente de revisión clínica; ante cualquier duda, pida "
             "la versión en inglés.")


@pytest.fixture
def answers_file(tmp_path):
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(vignette_answers("office-worker-winter")))
    return str(path)


def cli(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.slow  # a child process or a pseudo-terminal
def test_catalogues_are_compiled_and_complete():
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "translations.py"), "check"],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_no_message_is_marked_inside_an_f_string():
    """Python 3.12 reads an f-string's inside as code and Babel then extracts a _('...')
    there, while 3.11 does not: the catalogue would be stale on one Python only (CI on
    3.13 once failed this way). Mark the message outside the f-string."""
    import tokenize

    found = []
    for path in sorted((ROOT / "screener").rglob("*.py")):
        with path.open(encoding="utf-8") as handle:
            tokens = list(tokenize.generate_tokens(handle.readline))
        for token in tokens:  # on 3.11 an f-string is one STRING token
            text = token.string
            if token.type == tokenize.STRING and text[:2].lower() in ('f"', "f'", 'rf', 'fr') \
                    and any(mark in text for mark in ('_("', "_('", 'N_("', "N_('")):
                found.append(f"{path.relative_to(ROOT)}:{token.start[0]}")
        if sys.version_info >= (3, 12):  # FSTRING_MIDDLE tokens hold the inside
            inside = False
            for i, token in enumerate(tokens[:-2]):
                if token.type == getattr(tokenize, "FSTRING_START", -1):
                    inside = True
                elif token.type == getattr(tokenize, "FSTRING_END", -1):
                    inside = False
                elif (inside and token.string in ("_", "N_") and tokens[i + 1].string == "("
                      and tokens[i + 2].type == tokenize.STRING):
                    found.append(f"{path.relative_to(ROOT)}:{token.start[0]}")
    assert sorted(set(found)) == []


#: names a translation may use beyond its English message's, because the code passes
#: them too (batch/paths.py: "el archivo de resultados", with the article the language needs)
EXTRA_FIELDS = {"the_what", "the_other"}


def test_every_translation_fills_only_the_fields_the_code_passes():
    """A translated message naming a {field} its English does not would fail with a
    KeyError when shown: in a person's language only, where no English test sees it."""
    import re

    from babel.messages.pofile import read_po

    field = re.compile(r"\{([^{}]*)\}")
    wrong = []
    for po in sorted((ROOT / "screener" / "locale").glob("*/LC_MESSAGES/screener.po")):
        with po.open("rb") as handle:
            catalogue = read_po(handle)
        for message in catalogue:
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            texts = message.string if isinstance(message.string, tuple) else (message.string,)
            allowed = {name for text in ids for name in field.findall(text)} | EXTRA_FIELDS
            wrong += [f"{po.parent.parent.name}: {ids[0]!r} -> {text!r}" for text in texts
                      if text and set(field.findall(text)) - allowed]
    assert wrong == []


@pytest.mark.parametrize("environ,expected", [
    ({"LANG": "es_ES.UTF-8"}, "es"), ({"LANG": "es_MX"}, "es"), ({"LANG": "es"}, "es"),
    ({"LANG": "fr_FR.UTF-8"}, "en"), ({"LANG": "C.UTF-8"}, "en"), ({}, "en"),
    ({"LC_ALL": "C", "LANG": "es_ES.UTF-8"}, "en"),  # LC_ALL wins, as in setlocale
    ({"LC_ALL": "es_AR.UTF-8", "LANG": "en_GB.UTF-8"}, "es"),
    ({"LC_MESSAGES": "es_CL.UTF-8", "LANG": "en_US.UTF-8"}, "es"),
    ({"LC_ALL": "sr_RS@latin"}, "en")])
def test_default_language_from_the_environment(environ, expected):
    assert i18n.from_environment(["en", "es"], environ) == expected


def test_screen_in_spanish_says_the_translation_awaits_review(capsys, answers_file):
    code, out, _ = cli(capsys, "screen", answers_file, "--lang", "es")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == NOTICE_ES  # one line, first
    assert "RESULTADO: COMÉNTELO CON UN PROFESIONAL SANITARIO EN UNA CITA HABITUAL" in out
    assert "Posible vitamina D baja (varias señales)" in out
    assert "Preguntas para su profesional sanitario:" in out
    for english in ("Possible", "You answered", "Questions to ask", "Why:", "RESULT:"):
        assert english not in out


def test_lang_comes_from_lang_when_not_given(capsys, answers_file, monkeypatch):
    monkeypatch.setenv("LANG", "es_ES.UTF-8")
    _, out, _ = cli(capsys, "screen", answers_file)
    assert out.startswith(NOTICE_ES)
    monkeypatch.setenv("LC_ALL", "C")
    _, out, _ = cli(capsys, "screen", answers_file)
    assert out.startswith("RESULT: ")


def test_json_and_fhir_are_the_same_bytes_in_every_language(capsys, answers_file):
    outputs = {}
    for lang in ("en", "es"):
        _, outputs[lang], _ = cli(capsys, "screen", answers_file, "--format", "json", "--lang", lang)
    assert outputs["es"] == outputs["en"] and '"Possible low vitamin D"' in outputs["en"]
    en, es = load_ruleset(), load_ruleset(lang="es")
    answers = vignette_answers("office-worker-winter")
    with i18n.language("es"):
        fhir_es = render(screen(answers, es), es, "fhir", "clinician")
    assert fhir_es == render(screen(answers, en), en, "fhir", "clinician")


def test_unknown_language_is_a_usage_error(capsys, answers_file):
    code, _, err = cli(capsys, "screen", answers_file, "--lang", "fr")
    assert code == 2 and "unknown language 'fr' for --lang; choose one of: en, es" in err
    code, _, err = cli(capsys, "screen", answers_file, "--lang", "")
    assert code == 2 and "unknown language ''" in err


@pytest.mark.parametrize("spelling", ["es", "ES", "es_ES.UTF-8", "es-MX", " es "])
def test_lang_takes_a_locale_spelling(capsys, answers_file, spelling):
    code, out, _ = cli(capsys, "screen", answers_file, "--lang", spelling)
    assert code == 0 and out.startswith(NOTICE_ES)


def test_spanish_html_and_an_english_clinician_report_from_the_same_answers(
        capsys, answers_file, tmp_path):
    es_html, en_html = tmp_path / "resumen.html", tmp_path / "summary.html"
    assert cli(capsys, "report", answers_file, "-o", str(es_html), "--lang", "es")[0] == 0
    assert cli(capsys, "report", answers_file, "-o", str(en_html), "--lang", "en",
               "--view", "clinician")[0] == 0
    es, en = es_html.read_text(), en_html.read_text()
    assert '<html lang="es">' in es and "Resumen del cuestionario de nutrición" in es
    assert NOTICE_ES in es and "Sobre este cuestionario" in es and "Posible vitamina D baja" in es
    assert "Traducción" in es  # the header names the translation and its review status
    assert '<html lang="en">' in en and "Possible low vitamin D" in en
    assert "revisión" not in en and "VD-SUN" in en


def test_spanish_pdf_prints_spanish_characters(answers_file):
    es = load_ruleset(lang="es")
    result = screen(vignette_answers("office-worker-winter"), es)
    with i18n.language("es"):
        data = render(result, es, "pdf", "person")
    text = " ".join(pdf_text(data).split())
    assert "Posible vitamina D baja" in text and "Página 1" in text
    assert "¿Cuántos años tiene?" in text and "Traducción al español pendiente" in text
    for char in "áéíóúñ¿":
        assert char in text


def test_the_bundled_font_covers_spanish():
    from reportlab.pdfbase.ttfonts import TTFont

    from screener.reports.pdf import FONT_DIR

    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
        font = TTFont("check", str(FONT_DIR / name))
        covered = font.face.charToGlyph
        assert [c for c in "áéíóúñüÁÉÍÓÚÑÜ¿¡«»" if ord(c) not in covered] == []


def test_in_language_changes_words_not_decisions():
    en, es = load_ruleset(), load_ruleset(lang="es")
    result = screen(vignette_answers("office-worker-winter"), es)
    english = in_language(result, en)
    assert english.model_dump(include={"triage", "fired_rules", "answers", "complete"}) == \
        result.model_dump(include={"triage", "fired_rules", "answers", "complete"})
    assert english.factors[0].label == "Possible low vitamin D"
    assert result.factors[0].label == "Posible vitamina D baja"


def test_help_does_not_open_a_catalogue(capsys, monkeypatch):
    monkeypatch.setattr(i18n, "_catalogues", {})
    monkeypatch.setenv("LANG", "es_ES.UTF-8")
    with pytest.raises(SystemExit):
        main(["screen", "--help"])
    out = capsys.readouterr().out
    assert "--lang LANG" in out and "en, es" in out
    assert i18n._catalogues == {}


# ------------------------------------------------------------- interactive, in Spanish

@pytest.mark.slow  # a whole questionnaire typed through prompt_toolkit (6-25 s each here)
def test_a_full_interactive_run_in_spanish(tmp_path, monkeypatch):
    from prompt_toolkit.application import create_app_session
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput
    from test_interactive import ROUTINE, TODAY, PipeAsker

    from screener.terminal.drafts import DraftStore
    from screener.terminal.session import session

    monkeypatch.setenv("SCREENER_HOME", str(tmp_path / "home"))
    es = load_ruleset(lang="es")
    i18n.set_language("es")
    drafts = []
    store = DraftStore()
    original = store.save
    monkeypatch.setattr(store, "save", lambda draft: drafts.append(draft) or original(draft))
    script = dict(ROUTINE, weight_kg="9 st 6", **{"save-answers": True,
                                                  "answers-path": str(tmp_path / "r.json")})
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        asker = PipeAsker(pipe, script)
        outcome, result = session(es, asker, store=store, today=TODAY, folder=tmp_path)
    printed = " ".join(asker.printed.split())  # wrapped to the (dummy) terminal's width
    assert printed.startswith(NOTICE_ES)
    assert "━━ Comprobación urgente ━━" in printed and "━━ Su resultado ━━" in printed
    assert "Anotado: 9 st 6 lb = 60 kg." in printed
    assert "RESULTADO: COMÉNTELO CON UN PROFESIONAL SANITARIO" in printed
    assert result.triage == "routine" and result.answers["weight_kg"] == 60
    assert drafts and {d.language for d in drafts} == {"es"}  # a draft keeps its language
    saved = json.loads((tmp_path / "r.json").read_text())
    assert saved["sex_at_birth"] == "female" and saved["red_flags_now"] == ["none"]  # codes


def test_plain_mode_takes_spanish_yes_and_no():
    from screener.terminal.asker import PlainAsker, Prompt

    i18n.set_language("es")
    import io

    for typed, expected in (("s", True), ("sí", True), ("y", True), ("n", False), ("no", False)):
        asker = PlainAsker(stdin=io.StringIO(typed + "\n"), stdout=io.StringIO())
        assert asker.ask(Prompt(kind="confirm", text="¿Seguro?", default=False)) is expected
    asker = PlainAsker(stdin=io.StringIO("quizá\nn\n"), stdout=io.StringIO())
    asker.ask(Prompt(kind="confirm", text="¿Seguro?"))
    assert "Perdone: escriba s o n, por favor." in asker.stdout.getvalue()


def test_resume_keeps_the_drafts_language(tmp_path, monkeypatch):
    from types import SimpleNamespace

    from screener.commands import choose_language
    from screener.terminal.drafts import Draft, DraftStore

    monkeypatch.setenv("SCREENER_HOME", str(tmp_path))
    DraftStore().save(Draft(ruleset_hash="x", answers={"age_years": 70}, language="es"))
    draft = DraftStore().load()
    args = SimpleNamespace(lang=None, rules=None)
    assert choose_language(args, fallback=draft.language) == "es"
    args.lang = "en"  # an explicit --lang wins
    assert choose_language(args, fallback=draft.language) == "en"


def test_intake_in_spanish_saves_an_english_clinician_report(tmp_path):
    import io

    from test_intake import TODAY, typed_lines
    from test_interactive import ROUTINE

    from screener.terminal.asker import PlainAsker
    from screener.terminal.intake import run_intake

    es = load_ruleset(lang="es")
    i18n.set_language("es")
    # the answers, no to "Show the details?", Enter after reading, then quit
    lines = ["P001", *typed_lines(es, ROUTINE), "", "", "quit"]
    stdin, out = io.StringIO("\n".join(lines) + "\n"), io.StringIO()
    count = run_intake(es, lambda: PlainAsker(stdin=stdin, stdout=out), tmp_path,
                       report_format="md", clear=lambda: None, today=lambda: TODAY,
                       report_lang="en")
    assert count == 1
    screen_text = " ".join(out.getvalue().split())  # wrapped to the terminal's width
    assert "Id de la persona (un id, nunca un nombre)" in screen_text
    assert NOTICE_ES in screen_text and "RESULTADO: COMÉNTELO" in screen_text
    report = (tmp_path / "P001-report.md").read_text()
    assert report.startswith("# Nutrition screening summary (clinician view)")
    assert "Possible low vitamin D" in report and "revisión" not in report
    result = json.loads((tmp_path / "P001-result.json").read_text())
    assert result["factors"][0]["label"] == "Possible low vitamin D"  # language-neutral
    answers = json.loads((tmp_path / "P001-answers.json").read_text())
    assert answers["respondent_id"] == "P001" and answers["sex_at_birth"] == "female"
    assert i18n.current() == "es"  # the person's language is back for the next one


# ---------------------------------------------------------------------------- exports

def _items(items):
    for item in items:
        yield item
        yield from _items(item.get("item", []))


def _translations(holder, key):
    return {ext["extension"][0]["valueCode"]: ext["extension"][1]["valueString"]
            for ext in holder.get(f"_{key}", {}).get("extension", [])
            if ext["url"] == "http://hl7.org/fhir/StructureDefinition/translation"}


@pytest.mark.parametrize("lang,other", [("en", "es"), ("es", "en")])
def test_fhir_questionnaire_carries_the_other_language_as_translations(capsys, lang, other):
    code, out, _ = cli(capsys, "questionnaire", "--fhir", "--lang", lang)
    assert code == 0
    resource = json.loads(out)
    assert resource["language"] == lang
    texts = {lang: load_ruleset(lang=lang), other: load_ruleset(lang=other)}
    items = {item["linkId"]: item for item in _items(resource["item"])}
    for q in texts[lang].questions:
        item = items[q.id]
        assert item["text"] == q.text
        assert _translations(item, "text") == {other: texts[other].questions.by_id[q.id].text}
        for option in item.get("answerOption", []):
            coding = option["valueCoding"]
            with i18n.language(other):
                expected = texts[other].questions.by_id[q.id].label(coding["code"])
            # the same words in both languages ("No") need no translation
            assert _translations(coding, "display") == (
                {other: expected} if expected != coding["display"] else {})
    assert _translations(items["section-urgent"], "text")[other] == \
        texts[other].questions.sections[0].title
    assert _translations(items["age_years-help"], "text")[other] == \
        texts[other].questions.by_id["age_years"].help


def test_xlsform_has_spanish_columns_and_converts_with_pyxform(tmp_path):
    pytest.importorskip("pyxform")
    from pyxform.xls2xform import convert

    from screener.interop import xlsform

    en, es = load_ruleset(), load_ruleset(lang="es")
    data, problems = xlsform.render_xlsx(en, [es])
    assert problems == []
    book, _ = xlsform.sheets(en)
    xlsform.add_translations(book, en, [es])
    survey = [dict(zip(book["survey"][0], row, strict=True)) for row in book["survey"][1:]]
    row = next(r for r in survey if r["name"] == "age_years")
    assert row["label"] == "How old are you?"
    assert row["label::Spanish (es)"] == "¿Cuántos años tiene?"
    assert row["hint::Spanish (es)"] == es.questions.by_id["age_years"].help
    assert row["constraint_message::Spanish (es)"] == "Un número entero de 0 a 120 (años)."
    choice = next(dict(zip(book["choices"][0], c, strict=True)) for c in book["choices"][1:]
                  if c[:2] == ["sex_at_birth", "female"])
    assert choice["label::Spanish (es)"] == "Mujer"
    assert dict(zip(*book["settings"], strict=True))["default_language"] == "English (en)"
    path = tmp_path / "form.xlsx"
    path.write_bytes(data)
    result = convert(xlsform=str(path))
    assert result.warnings == []
    assert 'lang="Spanish (es)"' in result.xform and "¿Cuántos años tiene?" in result.xform
    assert 'lang="English (en)"' in result.xform


def test_redcap_dictionary_in_spanish(capsys):
    import csv
    import io

    code, out, _ = cli(capsys, "questionnaire", "--redcap", "--lang", "es")
    assert code == 0
    rows = {r["Variable / Field Name"]: r for r in csv.DictReader(io.StringIO(out))}
    assert rows["age_years"]["Field Label"] == "¿Cuántos años tiene?"
    assert "female, Mujer | male, Hombre" in \
        rows["sex_at_birth"]["Choices, Calculations, OR Slider Labels"]
    assert rows["record_id"]["Field Label"] == "Id del registro"
    code, english, _ = cli(capsys, "questionnaire", "--redcap")
    assert code == 0 and "How old are you?" in english and "¿" not in english


# ------------------------------------------------------------------- broken translations

def test_a_broken_translation_from_the_environment_falls_back_to_english(
        capsys, answers_file, tmp_path, monkeypatch):
    import shutil

    from screener.ruleset.loading import DEFAULT_RULES_DIR

    rules = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, rules)
    locale = rules / "locales" / "es.yaml"
    locale.write_text(locale.read_text().replace("reviewed: false", "reviewed: [oops"))
    monkeypatch.setenv("LANG", "es_ES.UTF-8")
    code, out, err = cli(capsys, "screen", answers_file, "--rules", str(rules))
    assert code == 0 and out.startswith("RESULT: ")  # English, and the screening happened
    # the warning itself is in the locale's language: the program's catalogue is whole
    assert "aviso: la traducción 'es' no se puede usar" in err and "es.yaml:" in err
    code, _, err = cli(capsys, "screen", answers_file, "--rules", str(rules), "--lang", "es")
    assert code == 2 and "es.yaml" in err and "Traceback" not in err


def test_a_translation_file_named_for_another_language_is_refused(tmp_path):
    import shutil

    from screener.errors import RulesError
    from screener.ruleset.loading import DEFAULT_RULES_DIR

    rules = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, rules)
    (rules / "locales" / "es.yaml").rename(rules / "locales" / "pt.yaml")
    with pytest.raises(RulesError, match="language.code is 'es' but the file is named pt.yaml"):
        load_ruleset(rules, "pt")


@pytest.mark.slow  # a child process or a pseudo-terminal
@pytest.mark.timeout(180)
def test_spanish_terminal_run_from_lang_through_a_pty(tmp_path):
    """The installed entry point in a real terminal, Spanish from LANG: a red flag stops
    at once with the urgent advice in Spanish, and nothing is asked in English."""
    pexpect = pytest.importorskip("pexpect")
    import os
    from pathlib import Path

    env = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES")}
    env.update(SCREENER_HOME=str(tmp_path), NO_COLOR="1", LANG="es_ES.UTF-8")
    child = pexpect.spawn(str(Path(sys.executable).with_name("screener")), ["run", "--plain"],
                          env=env, encoding="utf-8", timeout=90, dimensions=(50, 200),
                          cwd=str(tmp_path))
    child.expect("Traducción al español pendiente de revisión clínica")
    child.expect(r"¿Tiene ahora mismo alguno de estos problemas\?")
    child.expect("Respuesta: ")
    child.sendline("3")  # chest pain
    child.expect("El cuestionario se ha detenido aquí por su respuesta.")
    child.expect("RESULTADO: BUSQUE ATENCIÓN MÉDICA URGENTE AHORA")
    child.expect(r"¿Guardar sus respuestas en un archivo")
    child.expect("Respuesta \\[n\\]: ")
    child.sendline("")
    child.expect(r"¿Guardar un informe de este resultado\?")
    child.expect("Respuesta \\[1\\]: ")
    child.sendline("")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_a_third_language_is_a_data_file(capsys, answers_file, tmp_path):
    """A new rules/locales/<code>.yaml is all the rules side needs: --lang offers it and
    the rules' texts come from it (here a stand-in 'fr' made from the Spanish file);
    without its gettext catalogue the program's own words stay English."""
    import shutil

    from screener.commands import languages
    from screener.ruleset.loading import DEFAULT_RULES_DIR

    rules = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, rules)
    text = (rules / "locales" / "es.yaml").read_text()
    (rules / "locales" / "fr.yaml").write_text(
        text.replace("code: es", "code: fr").replace("name: Spanish", "name: French"))
    assert languages(str(rules)) == ["en", "es", "fr"]
    code, out, err = cli(capsys, "rules", "check", "--rules", str(rules))
    assert code == 0, out + err
    code, out, _ = cli(capsys, "screen", answers_file, "--rules", str(rules), "--lang", "fr")
    assert code == 0
    assert "Posible vitamina D baja" in out  # the texts of locales/fr.yaml
    assert "Possible contributing factors" in out  # no fr catalogue yet: English words


def test_a_demo_in_spanish_tells_the_story_and_the_log_in_spanish(capsys):
    """A clinician demoing in Spanish: the persona's story, the running log's words
    (ids and codes stay, as in the clinician view) and the list are Spanish."""
    code, out, _ = cli(capsys, "demo", "--auto", "--plain", "--speed", "0", "--lang", "es",
                       "kidney-ace-spironolactone")
    assert code == 0
    assert "Enfermedad renal y diabetes, toma ramipril y espironolactona" in out
    assert "-> indicador de magnesium" in out and "= prioridad hasta ahora: " in out
    for english in ("Kidney disease and diabetes", " indicator", "triage so far", "-> fact "):
        assert english not in out
    code, out, _ = cli(capsys, "demo", "--list", "--lang", "es")
    assert code == 0 and "Oficinista muy al norte en enero" in out
