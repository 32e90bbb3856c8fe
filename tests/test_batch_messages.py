"""What `screener batch` says to people: file names are echoed through
errors.printable (an escape sequence in a name is shown, never obeyed), and the urgent
lines about rejected records with a red flag follow --lang like every other command."""

from __future__ import annotations

import pytest

from screener import cli

FLAGGED = ("respondent_id,age_years,red_flags_now,palpitations\n"
           "P1,70,none,no\n"
           "P2,200,chest_pain,no\n"
           "P3,200,none,with_chest_pain_or_fainting\n")


@pytest.mark.parametrize("where", ["before", "after"])
def test_the_urgent_lines_follow_lang(tmp_path, capsys, where):
    source = tmp_path / "in.csv"
    source.write_text(FLAGGED)
    args = ["batch", str(source), "-o", str(tmp_path / "out.csv"), "--today", "2025-06-15"]
    args = ["--lang", "es", *args] if where == "before" else [*args, "--lang", "es"]
    assert cli.main(args) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines[1] == ("!!! URGENTE: registros con errores que indican un signo de alarma: 2 "
                        "(compruebe ahora el estado de estas personas: columna 'urgent' del "
                        "archivo de errores)")
    assert captured.err.startswith("screener: URGENTE: registros con errores que indican un "
                                   "signo de alarma: 2; compruebe ahora el estado de estas "
                                   "personas:")
    assert "fila 2 (respondent_id P2): red_flags_now=chest_pain" in captured.err
    assert f"(columna 'urgent' de {tmp_path / 'out.errors.csv'})" in captured.err
    assert "URGENT:" not in captured.out + captured.err


def test_file_names_are_echoed_printable(tmp_path, capsys):
    source = tmp_path / "in\x1b[2J.csv"
    source.write_text("respondent_id,age_years\nP1,70\n")  # no red_flags_now: a warning
    output = tmp_path / "out\x1b]0;x\x07.csv"
    assert cli.main(["batch", str(source), "-o", str(output), "--today", "2025-06-15"]) == 0
    captured = capsys.readouterr()
    assert "\x1b" not in captured.out + captured.err and "\x07" not in captured.out
    assert "in\\x1b[2J.csv has no red_flags_now column" in captured.err
    assert "results: " + str(tmp_path) + "/out\\x1b]0;x\\x07.csv" in captured.out


def test_a_redcap_file_name_is_echoed_printable(tmp_path, capsys):
    source = tmp_path / "rc\x1b[31m.csv"
    source.write_text("record_id,age_years,red_flags_now___none\nR1,70,1\n")
    assert cli.main(["batch", str(source), "-o", str(tmp_path / "out.csv"),
                     "--today", "2025-06-15"]) == 0
    err = capsys.readouterr().err
    assert "\x1b" not in err and "reading " + str(tmp_path) + "/rc\\x1b[31m.csv as" in err
