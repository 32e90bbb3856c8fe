"""The errors the library raises, in the person's language (issue 21, item 4): an
answers file that is missing, unreadable or invalid, an unknown format or persona, a
bad --set, an output file that is already there, a batch input that is missing. Before,
`screener --lang es ...` said argparse's words in Spanish and these in English.

Each case runs the real CLI in this process and checks the Spanish message, then the
same command in English, word for word as before. The batch results and errors files
stay English whatever --lang says: they are data."""

from __future__ import annotations

import csv
import json

import pytest
from conftest import ROOT

from screener.cli import main

ANSWERS = str(ROOT / "examples" / "answers.json")
SURVEY = str(ROOT / "examples" / "survey.csv")


def error_of(argv, capsys, code=2) -> str:
    assert main(argv) == code
    return capsys.readouterr().err


@pytest.mark.parametrize(("argv", "spanish", "english"), [
    (["screen", "nonexistent.json"],
     "screener: error: nonexistent.json: no se encuentra el archivo de respuestas\n",
     "screener: error: nonexistent.json: no such answers file\n"),
    (["report", ANSWERS, "--format", "nope"],
     "screener: error: formato desconocido 'nope'; elija uno de: md, html, pdf, json, fhir\n",
     "screener: error: unknown format 'nope'; choose one of: md, html, pdf, json, fhir\n"),
    (["explain", "--persona", "nobody"],
     "screener: error: no existe la persona 'nobody'; personas: athlete-drinks-plenty",
     "screener: error: no persona 'nobody'; personas: athlete-drinks-plenty"),
    (["demo", "nobody"],
     "no existe el paciente de ejemplo 'nobody'; consulte: screener demo --list",
     "no sample patient 'nobody'; see: screener demo --list"),
])
def test_a_library_error_in_spanish_and_unchanged_in_english(argv, spanish, english, capsys):
    err = error_of(["--lang", "es", *argv], capsys)
    assert err.startswith(spanish) if spanish.startswith("screener") else spanish in err
    err = error_of(argv, capsys)
    assert err.startswith(english) if english.startswith("screener") else english in err


def test_a_csv_given_to_screen_points_to_batch_in_spanish(capsys):
    err = error_of(["--lang", "es", "screen", SURVEY], capsys)
    assert (f"{SURVEY}: esto parece una tabla CSV (un registro por fila), pero screen lee un "
            "solo objeto de respuestas en JSON") in err
    assert "this looks like" not in err
    assert "this looks like a CSV table (one record a row), but screen reads" in error_of(
        ["screen", SURVEY], capsys)


def test_invalid_answers_are_listed_in_spanish(tmp_path, capsys):
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"age_years": 500, "sex_at_birth": "mal", "age": 3}, indent=1))
    err = error_of(["--lang", "es", "screen", str(path)], capsys)
    assert f"3 respuestas no válidas en {path}" in err
    assert "age_years: se recibió 500; se esperaba un número entero de 0 a 120" in err
    assert "identificador de pregunta desconocido 'age' (¿quería decir 'age_years'?)" in err
    assert "'mal' no es un código" in err
    err = error_of(["screen", str(path)], capsys)
    assert f"3 invalid answers in {path}" in err
    assert "age_years: got 500; expected a whole number from 0 to 120" in err
    assert "unknown question id 'age' (did you mean 'age_years'?)" in err


def test_broken_json_is_said_in_spanish(tmp_path, capsys):
    path = tmp_path / "answers.json"
    path.write_text('{"age_years": 40,,}')
    assert "no es JSON válido: " in error_of(["--lang", "es", "screen", str(path)], capsys)
    assert "not valid JSON: " in error_of(["screen", str(path)], capsys)


def test_an_output_file_already_there_in_spanish(tmp_path, capsys):
    out = tmp_path / "report.md"
    out.write_text("kept")
    err = error_of(["--lang", "es", "report", ANSWERS, "-o", str(out)], capsys)
    assert f"{out} ya existe: use --force para reemplazarlo o elija otro nombre" in err
    err = error_of(["report", ANSWERS, "-o", str(out)], capsys)
    assert f"{out} already exists: use --force to replace it, or choose another file" in err
    assert out.read_text() == "kept"


def test_the_batch_errors_file_stays_english_under_spanish(tmp_path, capsys):
    """The errors file is data: the same words whatever --lang the run has (the
    in-process executor runs in the CLI's language; spawned workers never knew it)."""
    records = tmp_path / "records.jsonl"
    records.write_text('{"respondent_id": "a1", "age_years": 500}\n{"age_years": 40}\n')
    out = tmp_path / "results.csv"
    main(["--lang", "es", "batch", str(records), "-o", str(out)])
    capsys.readouterr()
    [row] = list(csv.DictReader((tmp_path / "results.errors.csv").open()))
    assert row["message"] == "age_years: got 500; expected a whole number from 0 to 120 (years)"


def test_a_bad_set_in_whatif_in_spanish(capsys):
    argv = ["whatif", "--persona", "healthy-adult", "--set", "foo=bar", "--set", "age_years=x"]
    err = error_of(["--lang", "es", *argv], capsys)
    assert err.startswith("screener: error: --set: 2 cambios no válidos\n"
                          "  - 'foo' no es un identificador de pregunta\n"
                          "  - age_years: 'x' no es un número entero (se esperaba de 0 a 120)")
    assert error_of(argv, capsys).startswith(
        "screener: error: --set: 2 invalid changes\n  - 'foo' is not a question id\n"
        "  - age_years: 'x' is not a whole number (expected 0 to 120)")


def test_batch_input_and_output_names_in_spanish(tmp_path, capsys):
    missing = str(tmp_path / "missing.csv")
    out = str(tmp_path / "out.csv")
    err = error_of(["--lang", "es", "batch", missing, "-o", out], capsys)
    assert err == f"screener: error: {missing}: no se encuentra el archivo de entrada\n"
    assert error_of(["batch", missing, "-o", out], capsys) == (
        f"screener: error: {missing}: no such input file\n")
    err = error_of(["--lang", "es", "batch", SURVEY, "-o", str(tmp_path / "out.txt")], capsys)
    assert "no se puede saber qué formato tiene el archivo de resultados a partir de '.txt'" in err
    err = error_of(["batch", SURVEY, "-o", str(tmp_path / "out.txt")], capsys)
    assert "cannot tell the output format from '.txt': name it .csv or .jsonl or .ndjson" in err


def test_the_batch_summary_table_in_spanish_its_rows_keep_their_ids(tmp_path, capsys):
    records = tmp_path / "records.jsonl"
    records.write_text('{"respondent_id": "a1", "age_years": 500}\n{"age_years": 40}\n')
    assert main(["--lang", "es", "batch", str(records), "-o", str(tmp_path / "es.csv")]) == 0
    table = capsys.readouterr().out
    assert table.startswith("2 registros = evaluados: 1 + con errores: 1\n")
    assert "\ntriaje                     número % evaluados\nurgent  " in table
    assert "\n(incompletos)  " in table and "\nfactor  " in table
    assert main(["batch", str(records), "-o", str(tmp_path / "en.csv")]) == 0
    table = capsys.readouterr().out
    assert table.startswith("2 records = 1 screened + 1 with errors\n")
    assert "\ntriage                      count  % screened\nurgent  " in table


def test_a_refused_fhir_response_in_spanish(tmp_path, capsys):
    response = json.loads((ROOT / "examples" / "response.json").read_text())
    response["item"].insert(0, {"linkId": "age_years", "answer": [{"valueInteger": "40"}]})
    path = tmp_path / "response.json"
    path.write_text(json.dumps(response))
    err = error_of(["--lang", "es", "screen", str(path)], capsys)
    assert "debe ser un número entero, no una cadena (\"40\") (en QuestionnaireResponse" in err
    err = error_of(["screen", str(path)], capsys)
    assert "must be a whole number, not a string (\"40\") (at QuestionnaireResponse" in err
    response["status"] = "entered-in-error"
    path.write_text(json.dumps(response))
    assert error_of(["--lang", "es", "screen", str(path)], capsys).endswith(
        "este QuestionnaireResponse está marcado como entered-in-error: no se evalúa\n")
    assert error_of(["screen", str(path)], capsys).endswith(
        "this QuestionnaireResponse is marked entered-in-error: it is not screened\n")
