"""Rules folders and persona folders are input too ("a red flag is never lost, whatever
the input"): a clinician's proposed rules come in through `--rules DIR` and `rules check
DIR`, sample patients through `--personas DIR`. Each test here is a hostile folder that
hung, ate memory, or let a text break a report or reach the terminal before, and must
now end in one paragraph naming the file (and the line where there is one), exit
non-zero, never a traceback or a hang.

Every file of such a folder is read through the answers files' funnel
(reading.read_bytes: regular files only, a size limit) and every YAML file through
yaml_source.read_yaml (aliases, depth, control characters, one-line texts). The folders
are copies of the shipped ones (tmp_path), changed by each test.

The loader-level tests run in this process, under an alarm; the command tests run
`python -m screener` in a child process with a timeout and a memory cap, so that a
regression shows as a failure, not as a hung or swapping machine.
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import signal
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import ROOT

from screener.errors import RulesError
from screener.personas import load_personas
from screener.reports.templating import md_escape
from screener.ruleset import yaml_source
from screener.ruleset.loading import collect_ruleset, load_ruleset
from screener.ruleset.problems import LOAD_CHECKS

ANSWERS = ROOT / "examples" / "answers.json"
SCREENER = [sys.executable, "-m", "screener"]
CHILD_TIMEOUT = 60  # seconds a command may take: generous on a loaded 2-core machine
LOAD_TIMEOUT = 20  # seconds loading a folder may take in this process
MEMORY_CAP = 2 << 30  # bytes of address space a child may use (a run needs ~0.5 GB)
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


# ------------------------------------------------------------------------- helpers

def copy_rules(tmp_path: Path) -> Path:
    folder = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", folder)
    return folder


def copy_personas(tmp_path: Path) -> Path:
    folder = tmp_path / "personas"
    shutil.copytree(ROOT / "personas", folder)
    return folder


def edit(path: Path, old: str, new: str) -> int:
    """Replace the first ``old`` in the file by ``new``; the line it was on."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}: the shipped file changed"
    at = text.index(old)
    path.write_text(text[:at] + new + text[at + len(old):], encoding="utf-8")
    return text.count("\n", 0, at) + 1


def laughs(levels: int = 9) -> str:
    """A 'billion laughs' flow list of under 1 KB that expands to 9 ** levels strings;
    its last anchor is &l<levels - 1>."""
    items = ["&l0 [" + ", ".join(["lol"] * 9) + "]"]
    items += [f"&l{n} [" + ", ".join([f"*l{n - 1}"] * 9) + "]" for n in range(1, levels)]
    return "[" + ", ".join(items) + "]"


def plant_laughs(folder: Path) -> int:
    """The bomb in notes.yaml, expanded where a rule lists its sources; its line."""
    line = edit(folder / "notes.yaml", "rules:\n", f"x-laughs: {laughs()}\nrules:\n")
    edit(folder / "notes.yaml", "    sources: [nhs-111, fda-cds-2022]\n",
         "    sources: [nhs-111, fda-cds-2022, *l8]\n")
    return line


@contextmanager
def deadline(seconds: int = LOAD_TIMEOUT):
    """Fail (instead of hanging) when the block takes longer than ``seconds``."""
    def expired(signum, frame):
        raise TimeoutError(f"still loading after {seconds} s: a hang")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def refused(load, *args) -> str:
    """The text of the RulesError ``load(*args)`` raises (with its problems)."""
    load_ruleset.cache_clear()
    with deadline(), pytest.raises(RulesError) as caught:
        load(*args)
    return str(caught.value)


def problems_of(folder: Path) -> list:
    """The problems `rules check` reports for the folder (collect_ruleset)."""
    with deadline():
        _, problems = collect_ruleset(folder)
    return problems


def _cap_memory():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def run(*args) -> subprocess.CompletedProcess:
    """`screener ARGS` in a child process, with a timeout and a memory cap."""
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100"}
    return subprocess.run([*SCREENER, *map(str, args)], cwd=ROOT, env=env,
                          capture_output=True, text=True, errors="surrogateescape",
                          timeout=CHILD_TIMEOUT, preexec_fn=_cap_memory)


def assert_refused(proc: subprocess.CompletedProcess, file: Path, *says: str,
                   line: int | None = None) -> None:
    """Exit non-zero with a short message naming the file (and line), no traceback."""
    text = proc.stdout + proc.stderr
    assert proc.returncode in (1, 2), text[-2000:]
    assert "Traceback" not in text, text[-2000:]
    where = f"{file}:{line}" if line else str(file)
    assert where in text, text[-2000:]
    for words in says:
        assert words in text, text[-2000:]
    assert len(proc.stderr) < 2000  # a paragraph, not a dump of the file
    assert not CONTROL.search(text), "a control character reached the output"


# ------------------------------------------------ the funnel: regular files, size

def test_a_fifo_named_in_ruleset_yaml_is_refused_not_waited_on(tmp_path):
    folder = copy_rules(tmp_path)
    (folder / "notes.yaml").unlink()
    os.mkfifo(folder / "notes.yaml")
    text = refused(load_ruleset, folder)
    assert f"{folder / 'notes.yaml'}: is a named pipe (FIFO)" in text
    assert "only regular files are read" in text
    assert [p.code for p in problems_of(folder)] == ["unreadable-file"]


def test_a_fifo_no_file_names_is_refused_too(tmp_path):
    """Every *.yaml file of the folder is read for its hash, named or not."""
    folder = copy_rules(tmp_path)
    os.mkfifo(folder / "extra.yaml")
    text = refused(load_ruleset, folder)
    assert f"{folder / 'extra.yaml'}: is a named pipe (FIFO)" in text
    assert [(p.code, p.file) for p in problems_of(folder)] == [
        ("unreadable-file", str(folder / "extra.yaml"))]


def test_a_file_name_with_an_escape_sequence_is_shown_escaped(tmp_path):
    folder = copy_rules(tmp_path)
    os.mkfifo(folder / "\x1b]0;pwned\x07.yaml")
    text = refused(load_ruleset, folder)
    assert f"{folder}/\\x1b]0;pwned\\x07.yaml: is a named pipe (FIFO)" in text
    assert not CONTROL.search(text)


def test_a_folder_named_like_a_yaml_file_is_refused(tmp_path):
    folder = copy_rules(tmp_path)
    (folder / "extra.yaml").mkdir()
    assert f"{folder / 'extra.yaml'}: is a folder, not a file" in refused(load_ruleset, folder)


@pytest.mark.slow  # a child process
def test_a_fifo_as_the_hazard_log_is_refused_by_rules_check(tmp_path):
    """hazards.yaml is outside the hash, and read by `rules check` only."""
    folder = copy_rules(tmp_path)
    (folder / "hazards.yaml").unlink()
    os.mkfifo(folder / "hazards.yaml")
    proc = run("rules", "check", "--rules", folder)
    assert_refused(proc, folder / "hazards.yaml", "named pipe")


@pytest.mark.slow  # a child process
def test_a_fifo_named_yml_is_not_waited_on_by_the_lint(tmp_path):
    """The dose-text lint reads every *.yml file too."""
    folder = copy_rules(tmp_path)
    os.mkfifo(folder / "extra.yml")
    proc = run("rules", "check", "--rules", folder)
    assert "Traceback" not in proc.stderr and proc.returncode == 0, proc.stderr


@pytest.mark.slow  # a child process
@pytest.mark.parametrize("command", [
    ["screen", ANSWERS], ["rules", "check"], ["personas"], ["demo", "--list"]])
def test_a_link_to_dev_zero_is_refused_by_every_command(tmp_path, command):
    folder = copy_rules(tmp_path)
    (folder / "zero.yaml").symlink_to("/dev/zero")
    proc = run(*command, "--rules", folder)
    assert_refused(proc, folder / "zero.yaml", "is a device, not a file")


@pytest.mark.slow  # a child process
def test_a_fifo_among_the_rules_is_refused_by_screen(tmp_path):
    folder = copy_rules(tmp_path)
    os.mkfifo(folder / "extra.yaml")
    assert_refused(run("screen", ANSWERS, "--rules", folder), folder / "extra.yaml",
                   "named pipe")


@pytest.mark.slow  # a child process
def test_a_huge_rules_file_is_refused_before_it_is_read(tmp_path):
    folder = copy_rules(tmp_path)
    with open(folder / "sparse.yaml", "wb") as handle:  # 8 GB that take no disk
        handle.truncate(8 << 30)
    proc = run("screen", ANSWERS, "--rules", folder)
    assert_refused(proc, folder / "sparse.yaml", "too large (8,589,934,592 bytes) for a "
                   "rules file", "the limit is 1,000,000 bytes")


# ------------------------------------------------------------ aliases and depth

def test_a_billion_laughs_in_a_rules_file_is_refused_with_its_line(tmp_path):
    folder = copy_rules(tmp_path)
    line = plant_laughs(folder)
    assert len(laughs()) < 1000
    text = refused(load_ruleset, folder)
    assert f"{folder / 'notes.yaml'}:{line}: x-laughs: anchors and aliases" in text
    assert "more than 100,000 values" in text
    assert "yaml-limits" in [p.code for p in problems_of(folder)]


@pytest.mark.slow  # a child process
@pytest.mark.parametrize("command", [["screen", ANSWERS], ["rules", "check"]])
def test_a_billion_laughs_does_not_hang_the_commands(tmp_path, command):
    folder = copy_rules(tmp_path)
    line = plant_laughs(folder)
    assert_refused(run(*command, "--rules", folder), folder / "notes.yaml",
                   "billion laughs", line=line)


def test_an_alias_inside_its_own_anchor_is_refused(tmp_path):
    folder = copy_rules(tmp_path)
    line = edit(folder / "notes.yaml", "    sources: [nhs-111, fda-cds-2022]\n",
                "    sources: &self [nhs-111, fda-cds-2022, *self]\n")
    text = refused(load_ruleset, folder)
    assert f"notes.yaml:{line}: sources: an alias refers to the list or mapping it is in" in text


def test_nesting_deeper_than_the_limit_is_refused(tmp_path):
    folder = copy_rules(tmp_path)
    depth = yaml_source.MAX_DEPTH + 150
    line = edit(folder / "notes.yaml", "    sources: [nhs-111, fda-cds-2022]\n",
                "    sources: [nhs-111, " + "[" * depth + "]" * depth + "]\n")
    text = refused(load_ruleset, folder)
    assert f"notes.yaml:{line}: sources: nested too deeply" in text


def test_the_shipped_aliases_still_load():
    """hydration.yaml repeats conditions with anchors: a few aliases are fine."""
    assert "*" in (ROOT / "rules" / "hydration.yaml").read_text()
    load_ruleset.cache_clear()
    assert load_ruleset(ROOT / "rules").rules


# ---------------------------------------------- control characters, one-line texts

ESC_TITLE = ("title: Aged 65 or over", 'title: "Aged 65 or over\\e[2J\\e]0;pwned\\a"')


@pytest.mark.parametrize("file, old, new, field, says", [
    ("vitamin_d.yaml", *ESC_TITLE, "title", "\\x1b (ESC"),
    ("vitamin_d.yaml", "title: Aged 65 or over", 'title: "Aged 65 or over\\x9b2J"', "title",
     "\\x9b (CSI"),
    ("vitamin_d.yaml", "title: Aged 65 or over", 'title: "Aged 65\\rYou are fine"', "title",
     "\\x0d (carriage return)"),
    ("hydration.yaml", "reason: Alcohol increases",
     'reason: "\\e]8;;https://x.example\\aAlcohol\\e]8;;\\a" # increases', "reason",
     "\\x1b (ESC"),
    ("questions.yaml", 'label: "Tea- or cola-coloured urine',
     'label: "\\u202eTea- or cola-coloured urine', "label", "\\u202e (RIGHT-TO-LEFT OVERRIDE)"),
    ("ruleset.yaml", "name: screener-nutrition", 'name: "screener\\x00nutrition"', "name",
     "\\x00 (NUL)"),
    ("locales/es.yaml", "title: Comprobación urgente", 'title: "Comprobación\\e[8m urgente"',
     "title", "\\x1b (ESC"),
])
def test_a_control_character_in_a_rules_text_is_refused_with_file_line_and_field(
        tmp_path, file, old, new, field, says):
    folder = copy_rules(tmp_path)
    line = edit(folder / file, old, new)
    load, args = (load_ruleset, (folder, "es")) if file.startswith("locales") else (
        load_ruleset, (folder,))
    text = refused(load, *args)
    assert f"{folder / file}:{line}: {field}: the text holds {says}" in text
    assert "a terminal obeys such characters" in text
    assert not CONTROL.search(text)


@pytest.mark.slow  # a child process
def test_a_control_character_reaches_no_output_of_any_command(tmp_path):
    """The check is where every YAML file is read, so every command refuses the folder
    (the escape sequence would clear the screen and retitle the window)."""
    folder = copy_rules(tmp_path)
    line = edit(folder / "vitamin_d.yaml", *ESC_TITLE)
    commands = [["screen", ANSWERS], ["report", ANSWERS, "-o", tmp_path / "r.md"],
                ["explain", ANSWERS], ["whatif", ANSWERS, "--set", "age_years=40"],
                ["personas"], ["demo", "--list"], ["questionnaire", "--redcap"],
                ["batch", ROOT / "examples" / "survey.csv", "-o", tmp_path / "out.csv"],
                ["rules", "check"], ["rules", "show", "VD-AGE"], ["rules", "graph"],
                ["rules", "test"]]
    for command in commands:
        proc = run(*command, "--rules", folder)
        assert_refused(proc, folder / "vitamin_d.yaml", "title: the text holds \\x1b",
                       line=line)
    assert not (tmp_path / "r.md").exists() and not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize("file, old, new, what", [
    ("vitamin_d.yaml", "title: Aged 65 or over",
     'title: "Aged 65 or over\\n\\n# You are fine, no need to see anyone"', "title: this text"),
    ("vitamin_d.yaml", "title: Aged 65 or over", "title: |\n      Aged 65 or over\n      # Fine",
     "title: this text"),
    ("questions.yaml", 'label: "Tea- or cola-coloured urine',
     'label: "Tea\\n## Nothing urgent', "options: label: an option's label"),
    ("ruleset.yaml", "    title: Get urgent medical care now",
     '    title: "Get urgent medical care now\\n\\n# Or not"', "title: this text"),
])
def test_a_line_break_in_a_one_line_text_is_refused_at_load(tmp_path, file, old, new, what):
    folder = copy_rules(tmp_path)
    line = edit(folder / file, old, new)
    text = refused(load_ruleset, folder)
    assert f"{folder / file}:{line}: {what} must be one line, but it breaks its line" in text
    assert "line-break" in [p.code for p in problems_of(folder)]


def test_a_line_break_in_a_translated_option_label_is_refused(tmp_path):
    folder = copy_rules(tmp_path)
    text = (folder / "locales" / "es.yaml").read_text(encoding="utf-8")
    match = re.search(r"^      (\w+): (.+)$", text[text.index("    options:"):], re.M)
    line = edit(folder / "locales" / "es.yaml", match.group(0),
                f'      {match.group(1)}: "{match.group(2)}\\n# Nada urgente"')
    message = refused(load_ruleset, folder, "es")
    assert f"es.yaml:{line}: options: {match.group(1)}: an option's label must be one line" \
        in message


@pytest.mark.slow  # a child process
def test_a_line_break_in_a_title_never_reaches_a_report(tmp_path):
    folder = copy_rules(tmp_path)
    line = edit(folder / "vitamin_d.yaml", "title: Aged 65 or over",
                'title: "Aged 65 or over\\n\\n# You are fine, no need to see anyone"')
    proc = run("report", ANSWERS, "--rules", folder, "-o", tmp_path / "r.md")
    assert_refused(proc, folder / "vitamin_d.yaml", "must be one line", line=line)
    assert not (tmp_path / "r.md").exists()


def test_a_line_break_in_prose_cannot_start_a_heading_in_markdown():
    """Prose (a reason, a note) may break its lines; in Markdown a break is a space."""
    escaped = md_escape("With age the skin makes less.\n\n# You are fine\r\n- no need")
    assert "\n" not in escaped and "\r" not in escaped
    assert escaped == r"With age the skin makes less. # You are fine - no need"


def test_tabs_line_breaks_in_prose_and_non_ascii_letters_still_load(tmp_path):
    folder = copy_rules(tmp_path)
    edit(folder / "notes.yaml", "    reason: >-\n", "    reason: |-\n")
    edit(folder / "vitamin_d.yaml", "title: Aged 65 or over",
         'title: "Aged\\t65 or over, caf\\u00e9\\u00a0\\u200dok"')
    load_ruleset.cache_clear()
    with deadline():
        assert load_ruleset(folder).rules


def test_the_new_check_codes_are_documented():
    for code in ("unreadable-file", "yaml-limits", "control-character", "line-break"):
        assert code in LOAD_CHECKS
        assert f"`{code}`" in (ROOT / "rules" / "README.md").read_text(encoding="utf-8")


# ----------------------------------------------------------------------- personas

def persona_refused(folder: Path) -> str:
    load_ruleset.cache_clear()
    ruleset = load_ruleset()
    with deadline(), pytest.raises(RulesError) as caught:
        load_personas(folder, ruleset)
    return str(caught.value)


@pytest.mark.parametrize("old, new, field, says", [
    ("name: ", 'name: "Sam\\e]0;pwned\\a \\e[31mRed"  # was: ', "name", "\\x1b (ESC"),
    ("story: ", 'story: "\\e[2J\\e[Hall clear"  # was: ', "story", "\\x1b (ESC"),
    ("story: ", 'story: "a \\x9d0;x\\x9c b"  # was: ', "story", "\\x9d (OSC"),
    ("name: ", 'name: "Sam\\u2028Second line"  # was: ', "name", "\\u2028 (LINE SEPARATOR)"),
])
def test_a_control_character_in_a_persona_is_refused_with_file_line_and_field(
        tmp_path, old, new, field, says):
    folder = copy_personas(tmp_path)
    path = folder / "healthy-adult.yaml"
    line = edit(path, old, new)
    text = persona_refused(folder)
    assert f"{path}:{line}: {field}: the text holds {says}" in text
    assert not CONTROL.search(text)


def test_a_line_break_in_a_persona_name_is_refused(tmp_path):
    folder = copy_personas(tmp_path)
    path = folder / "healthy-adult.yaml"
    line = edit(path, "name: ", 'name: "Sam\\n# Not a sample patient"  # was: ')
    assert f"{path}:{line}: name: this text must be one line" in persona_refused(folder)


def test_a_fifo_among_the_personas_is_refused_not_waited_on(tmp_path):
    folder = copy_personas(tmp_path)
    os.mkfifo(folder / "zz-pipe.yaml")
    text = persona_refused(folder)
    assert f"{folder / 'zz-pipe.yaml'}: is a named pipe (FIFO)" in text
    assert "1 problem in the personas folder" in text


def test_a_billion_laughs_in_a_persona_is_refused(tmp_path):
    folder = copy_personas(tmp_path)
    path = folder / "healthy-adult.yaml"
    line = edit(path, "answers:\n", f"x-laughs: {laughs()}\nanswers:\n  x: *l8\n")
    assert f"{path}:{line}: x-laughs: anchors and aliases" in persona_refused(folder)


@pytest.mark.slow  # a child process
@pytest.mark.parametrize("command", [["personas"], ["demo", "--list"],
                                     ["demo", "healthy-adult", "--auto", "--speed", "0"]])
def test_persona_commands_show_no_escape_sequence(tmp_path, command):
    folder = copy_personas(tmp_path)
    path = folder / "healthy-adult.yaml"
    line = edit(path, "name: ", 'name: "Sam\\e]0;pwned\\a \\e[31mRed"  # was: ')
    proc = run(*command, "--personas", folder)
    assert_refused(proc, path, "name: the text holds \\x1b", line=line)


@pytest.mark.slow  # a child process
def test_a_link_to_dev_zero_among_the_personas_is_refused(tmp_path):
    folder = copy_personas(tmp_path)
    (folder / "zero.yaml").symlink_to("/dev/zero")
    assert_refused(run("personas", "--personas", folder), folder / "zero.yaml",
                   "is a device, not a file")
