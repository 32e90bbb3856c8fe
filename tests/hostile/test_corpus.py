"""A corpus of hostile inputs, made by the tests (no committed binaries), run through
`screen`, `report`, `batch`, `batch --resume` and `resume` as a person would run them.

The only acceptable outcomes are a result, or exit 2 with one paragraph. Never a
traceback, a hang (every case runs under its own timeout), a write outside the paths
asked for, or a lost red flag: a case that holds one must end urgent, or name it in
an URGENT line.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import FIXED_DAY, ROOT

from screener.batch import run_batch
from screener.reading import MAX_BYTES

pytestmark = pytest.mark.slow  # every test runs commands over the whole corpus in child processes

SCREENER = [sys.executable, "-m", "screener"]
CASE_TIMEOUT = 60  # seconds per command: generous for a loaded 2-core machine
EXAMPLE = json.loads((ROOT / "examples" / "answers.json").read_text())
RED = '"red_flags_now": ["chest_pain"]'


@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[Path], None]  # writes the hostile thing at the given path
    red_flag: bool = False  # it reports a red flag that must not be lost


def text(body: str | bytes) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        path.write_bytes(body if isinstance(body, bytes) else body.encode("utf-8", "surrogatepass"))
    return make


def answers(**changes) -> str:
    return json.dumps({**EXAMPLE, **changes})


def symlink_to(target: str) -> Callable[[Path], None]:
    return lambda path: path.symlink_to(target)


def loop(path: Path) -> None:
    path.symlink_to(path.with_name(path.name + ".b"))
    path.with_name(path.name + ".b").symlink_to(path)


#: hostile answers files (also fed to drafts and, one line each, to batch)
FILES = [
    Case("valid", text(answers())),
    Case("valid-red-flag", text(answers(red_flags_now=["seizure"])), red_flag=True),
    Case("duplicate-key-red-flag", text('{' + RED + ', "age_years": 50, "red_flags_now": ["none"]}'),
         red_flag=True),
    Case("duplicate-key-red-flag-last", text('{"red_flags_now": ["none"], ' + RED + '}'),
         red_flag=True),
    Case("duplicate-key-nested", text('{"red_flags_now": ["none"], "x": {"a": 1, "a": 2}}')),
    Case("red-flag-in-invalid", text('{' + RED + ', "age_years": 500}'), red_flag=True),
    Case("red-flag-with-none", text('{"red_flags_now": ["chest_pain", "none"]}'), red_flag=True),
    Case("red-flag-broken-json", text('{' + RED + ', "age_years": }'), red_flag=True),
    Case("red-flag-huge-number", text('{' + RED + ', "age_years": ' + "9" * 5000 + "}"),
         red_flag=True),
    Case("red-flag-deep", text('{' + RED + ', "x": ' + "[" * 5000 + "]" * 5000 + "}"),
         red_flag=True),
    Case("huge-integer", text('{"age_years": ' + "9" * 5000 + "}")),
    Case("huge-negative", text('{"age_years": -' + "9" * 5000 + "}")),
    Case("huge-float", text('{"age_years": 1' + "0" * 400 + ".5}")),
    Case("float-overflow", text('{"age_years": 1e999999}')),
    Case("nan", text('{"age_years": NaN}')),
    Case("infinity", text('{"age_years": -Infinity}')),
    Case("deep-5000", text("[" * 5000 + "]" * 5000)),
    Case("deep-objects", text('{"a":' * 3000 + "1" + "}" * 3000)),
    Case("deep-100-value", text('{"age_years": ' + "[" * 100 + "]" * 100 + "}")),
    Case("not-utf8", text(b'{"age_years": 5\xff}')),
    Case("utf16", text(json.dumps({"age_years": 50}).encode("utf-16"))),
    Case("utf16-red-flag", text(json.dumps({"red_flags_now": ["chest_pain"]}).encode("utf-16")),
         red_flag=True),  # Windows "Unicode text": read through its BOM
    Case("bom", text(b"\xef\xbb\xbf" + answers().encode())),
    Case("lone-surrogate-escape", text('{"housebound": "\\ud800"}')),
    Case("empty", text("")),
    Case("null", text("null")),
    Case("list", text("[1, 2, 3]")),
    Case("string", text('"red_flags_now chest_pain"')),
    Case("too-big", text(" " * (MAX_BYTES + 1))),
    Case("red-flag-too-big", text('{' + RED + ', "x": "' + "a" * MAX_BYTES + '"}'),
         red_flag=True),  # refused for its size; its start is still searched
    Case("big-key", text('{"' + "k" * (MAX_BYTES - 100) + '": 1}')),
    Case("big-value", text('{"housebound": "' + "v" * (MAX_BYTES - 100) + '"}')),
    Case("many-keys", text(json.dumps({f"k{i}": i for i in range(40_000)}))),
    Case("escape-sequences", text(json.dumps({"housebound": "\x1b[2J\x1b]0;pwned\x07",
                                              "\x1b[31mred": 1, "age_years": "\u202e05"}))),
    Case("respondent-id-link", text(answers(respondent_id="www.evil-phish.com"))),
    Case("respondent-id-formula", text(answers(respondent_id="=HYPERLINK(\"x\")"))),
    Case("fifo", lambda p: os.mkfifo(p)),
    Case("folder", lambda p: p.mkdir()),
    Case("dev-zero", symlink_to("/dev/zero")),
    Case("dev-urandom", symlink_to("/dev/urandom")),
    Case("dangling-symlink", symlink_to("/nonexistent/answers.json")),
    Case("symlink-loop", loop),
    Case("proc-file", symlink_to("/proc/self/status")),
]

IDS = [c.name for c in FILES]


def snapshot(folder: Path) -> dict:
    """Every path under ``folder``, with the size and modification time of files."""
    found = {}
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = Path(root, name)
            try:
                info = path.lstat()
            except OSError:
                continue
            kept = None if path.is_dir() and not path.is_symlink() else (info.st_size,
                                                                      info.st_mtime_ns)
            found[str(path.relative_to(folder))] = kept
    return found


def run(args: list[str], cwd: Path, home: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, SCREENER_HOME=str(home), NO_COLOR="1")
    try:
        return subprocess.run([*SCREENER, *args], cwd=cwd, env=env, capture_output=True,
                              timeout=CASE_TIMEOUT, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        pytest.fail(f"hang: screener {' '.join(args[:2])} did not finish in {CASE_TIMEOUT} s")


def check_outcome(proc: subprocess.CompletedProcess, case: Case, result: str = "") -> str:
    """A result (exit 0) or one paragraph (exit 2); never a traceback; red flags kept."""
    err = proc.stderr.decode("utf-8", "replace")
    out = proc.stdout.decode("utf-8", "replace") + result
    assert "Traceback" not in err, err[-2000:]
    assert proc.returncode in (0, 2), (proc.returncode, err[-2000:])
    assert "\x1b" not in err and "\x07" not in err, "a control character reached the terminal"
    if proc.returncode == 2:
        assert proc.stdout == b"" and err.startswith("screener: error: "), err[:500]
        assert "\n\n" not in err.strip() and len(err) < 3000, err[:3000]
    if case.red_flag:
        urgent = ("screener: URGENT" in err or '"triage": "urgent"' in out
                  or "## Get urgent medical care now" in out)
        assert urgent, f"lost red flag: {err[:500]} {out[:300]}"
    return err


@pytest.fixture
def place(tmp_path):
    """(the case's own folder, the file to hand over, the data folder)."""
    def make(case: Case) -> tuple[Path, Path, Path]:
        work, home = tmp_path / "work", tmp_path / "home"
        work.mkdir()
        home.mkdir()
        path = work / "answers.json"
        case.make(path)
        return work, path, home
    return make


def in_process(capsys, args: list[str]) -> subprocess.CompletedProcess:
    """The command run in this process (faster than a new interpreter per case; the
    case's timeout mark still fails a hang)."""
    from screener import cli

    code = cli.main(args)
    out, err = capsys.readouterr()
    return subprocess.CompletedProcess(args, code, out.encode(), err.encode())


@pytest.mark.timeout(CASE_TIMEOUT)
@pytest.mark.parametrize("case", FILES, ids=IDS)
def test_screen_holds(place, capsys, case):
    work, path, home = place(case)
    before = snapshot(work.parent)
    proc = in_process(capsys, ["screen", str(path), "--format", "json"])
    check_outcome(proc, case)
    if proc.returncode == 0 and case.red_flag:
        assert json.loads(proc.stdout)["triage"] == "urgent"
    assert snapshot(work.parent) == before, "screen wrote a file"


@pytest.mark.timeout(CASE_TIMEOUT)
@pytest.mark.parametrize("case", FILES, ids=IDS)
def test_report_holds(place, capsys, case):
    work, path, home = place(case)
    (work / "out").mkdir()
    before = snapshot(work.parent)
    report = work / "out" / "report.md"
    proc = in_process(capsys, ["report", str(path), "-o", str(report)])
    check_outcome(proc, case, report.read_text() if proc.returncode == 0 else "")
    after = snapshot(work.parent)
    created = set(after) - set(before)
    assert created <= {"work/out/report.md"}, f"wrote outside the requested path: {created}"
    assert {k: v for k, v in after.items() if k in before} == before
    if proc.returncode == 0:
        assert "www.evil" not in report.read_text()  # an id is never a link


# ------------------------------------------------------------------------- batch

#: cases that are one line of a JSONL file (the rest are about files themselves)
LINE_CASES = [c for c in FILES if c.name not in (
    "fifo", "folder", "dev-zero", "dev-urandom", "dangling-symlink", "symlink-loop",
    "proc-file", "too-big", "empty", "bom", "utf16")]


def jsonl_corpus(path: Path) -> list[Case]:
    """Every line case, each between two good records; returns the cases in order."""
    good = answers().encode()
    lines = []
    for case in LINE_CASES:
        scratch = path.with_name("scratch")
        case.make(scratch)
        body = scratch.read_bytes().replace(b"\n", b" ")
        scratch.unlink()
        lines += [good, body]
    lines += [good, b'{"x": "' + b"y" * (MAX_BYTES + 10) + b'", ' + RED.encode() + b"}"]
    path.write_bytes(b"\n".join(lines) + b"\n")
    return LINE_CASES + [Case("over-long-line", text(""), red_flag=True)]


def csv_corpus(path: Path) -> None:
    columns = ["respondent_id", "age_years", "red_flags_now", "housebound"]
    rows = [
        "A,50,none,no",
        "B,4_0,none,no",
        "C,\u0664\u0660,none,no",
        ",,,",
        "E," + "9" * 5000 + ",chest_pain,no",
        "F,50,none," + "x" * 200_000,
        "I," + "9" * 200_000 + ",chest_pain,no",
        "=HYPERLINK(\"x\"),500,seizure,no",
        "\x1b]0;pwned\x07,50,none,sometimes",
        "G,50,none,no,extra",
        "H,50,\"unterminated,no",
    ]
    path.write_bytes((",".join(columns) + "\n").encode() + "\n".join(rows[:3]).encode()
                     + b"\n" + b"Jos\xe9,50,none,no\n" + "\n".join(rows[3:]).encode() + b"\n")


def check_batch(proc, work: Path, output: Path, before: dict) -> dict:
    err = proc.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err and proc.returncode == 0, err[-2000:]
    assert "\x1b" not in err
    allowed = {output.name, output.name.replace(".", ".errors.", 1), "summary.json"}
    created = {k for k in set(snapshot(work)) - set(before)}
    assert created <= allowed, f"wrote outside the requested paths: {created - allowed}"
    return json.loads((work / "summary.json").read_text())


@pytest.mark.parametrize("workers", ["1", "2"])
def test_batch_jsonl_corpus_runs_to_the_end(tmp_path, workers):
    source = tmp_path / "in.jsonl"
    cases = jsonl_corpus(source)
    output = tmp_path / "out.jsonl"
    before = snapshot(tmp_path)
    proc = run(["batch", str(source), "-o", str(output), "--today", "2025-06-15", "--workers",
                workers, "--summary", str(tmp_path / "summary.json")], tmp_path, tmp_path)
    summary = check_batch(proc, tmp_path, output, before)
    assert summary["reconciles"] and summary["input_records"] == 2 * len(cases)
    rows = {int(r["row"]): r for r in map(
        json.loads, (tmp_path / "out.errors.jsonl").read_text().split("\n")[:-1])}
    results = [json.loads(line) for line in output.read_text().split("\n")[:-1]]
    assert summary["screened"] == len(results)
    screened = iter(results)
    for number in range(1, 2 * len(cases) + 1):
        case = cases[(number - 1) // 2] if number % 2 == 0 else None
        if number in rows:
            assert case is not None, f"a good record (row {number}) was rejected"
            if case.red_flag:
                assert rows[number]["urgent"], f"lost red flag: {case.name}"
        else:
            result = next(screened)
            if case is not None and case.red_flag:
                assert result["triage"] == "urgent", case.name


def test_batch_csv_corpus_runs_to_the_end(tmp_path):
    source = tmp_path / "in.csv"
    csv_corpus(source)
    output = tmp_path / "out.csv"
    before = snapshot(tmp_path)
    proc = run(["batch", str(source), "-o", str(output), "--today", "2025-06-15",
                "--summary", str(tmp_path / "summary.json")], tmp_path, tmp_path)
    summary = check_batch(proc, tmp_path, output, before)
    assert summary["reconciles"] and summary["screened"] == 1
    import csv

    with open(tmp_path / "out.errors.csv", newline="") as handle:
        errors = list(csv.DictReader(handle))
    assert [e["row"] for e in errors][:5] == ["2", "3", "4", "5", "6"]
    urgent = {e["row"]: e["urgent"] for e in errors if e["urgent"]}
    assert urgent.get("6") == "red_flags_now=chest_pain"  # beside a 5,000-digit age
    assert urgent.get("8") == "red_flags_now=chest_pain"  # beside a cell over the limit
    assert urgent.get("9") == "red_flags_now=seizure"  # beside a formula id
    cells = [v for e in errors for v in e.values()]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_batch_resume_over_the_corpus_gives_the_same_bytes(tmp_path):
    """Interrupted after its first chunk (500 records), then `batch --resume`: the same
    bytes as one uninterrupted run, hostile records included."""
    from screener.batch import DEFAULT_CHUNK

    once = tmp_path / "once.jsonl"
    jsonl_corpus(once)
    source = tmp_path / "in.jsonl"
    source.write_bytes(once.read_bytes() * 10)  # past the first chunk
    output = tmp_path / "out.jsonl"
    with pytest.raises(KeyboardInterrupt):
        run_batch(source, output, today=FIXED_DAY, chunk_size=DEFAULT_CHUNK, stop_after=1)
    args = ["--today", "2025-06-15", "--summary", str(tmp_path / "summary.json")]
    proc = run(["batch", str(source), "-o", str(output), "--resume", *args], tmp_path, tmp_path)
    assert "Traceback" not in proc.stderr.decode() and proc.returncode == 0, proc.stderr[-2000:]
    assert json.loads((tmp_path / "summary.json").read_text())["resumed_at"] == DEFAULT_CHUNK
    proc = run(["batch", str(source), "-o", str(tmp_path / "again.jsonl"), "--force", *args],
               tmp_path, tmp_path)
    assert proc.returncode == 0
    assert output.read_bytes() == (tmp_path / "again.jsonl").read_bytes()
    assert (tmp_path / "out.errors.jsonl").read_bytes() == \
        (tmp_path / "again.errors.jsonl").read_bytes()


@pytest.mark.parametrize("case", [c for c in FILES if c.name in (
    "fifo", "folder", "dev-zero", "dangling-symlink", "symlink-loop", "proc-file")],
    ids=lambda c: c.name)
def test_batch_refuses_files_that_are_not_files(place, case):
    work, path, home = place(case)
    target = work / "in.jsonl"
    path.rename(target)
    before = snapshot(work)
    proc = run(["batch", str(target), "-o", str(work / "out.jsonl")], work, home)
    check_outcome(proc, case)
    if case.name != "proc-file":  # a /proc file is a regular file: its lines are rejected
        assert proc.returncode == 2 and snapshot(work) == before


# ------------------------------------------------------------------------ drafts

def draft(answers_json: str) -> Callable[[Path], None]:
    """A draft as `screener run` saves it, around hostile answers (JSON text)."""
    from screener.ruleset.loading import load_ruleset

    def make(path: Path) -> None:
        text(f'{{"draft_version": 1, "ruleset_hash": "{load_ruleset().content_hash}", '
             f'"answers": {answers_json}, "position": "sex_at_birth", "confirmed": [], '
             '"saved_at": "2025-06-15T10:00:00"}')(path)
    return make


DRAFTS = FILES + [
    Case("draft-valid", draft('{"age_years": 70}')),
    Case("draft-bad-values", draft('{"age_years": "old", "housebound": "sometimes", "x": 1}')),
    Case("draft-duplicate-key", draft('{"age_years": 70, "age_years": 71}')),
    Case("draft-huge-integer", draft('{"age_years": ' + "9" * 5000 + "}")),
    Case("draft-deep", draft('{"age_years": ' + "[" * 5000 + "]" * 5000 + "}")),
    Case("draft-escapes", draft(json.dumps({"\x1b]0;pwned\x07": "\x1b[2J"}))),
]


@pytest.mark.parametrize("case", DRAFTS, ids=[c.name for c in DRAFTS])
def test_resume_holds_with_a_hostile_draft(tmp_path, case):
    """`screener resume` in a real terminal with the case as its draft: a clear error
    (exit 2), or the questionnaire goes on and is stopped with Ctrl-C (exit 130)."""
    import io

    pexpect = pytest.importorskip("pexpect")
    home = tmp_path / "home"
    home.mkdir()
    case.make(home / "draft.json")
    env = dict(os.environ, SCREENER_HOME=str(home), TERM="xterm-256color", NO_COLOR="1",
               PROMPT_TOOLKIT_NO_CPR="1")
    child = pexpect.spawn(sys.executable, ["-m", "screener", "resume", "--plain"], env=env,
                          encoding="utf-8", timeout=CASE_TIMEOUT, dimensions=(50, 200),
                          cwd=str(tmp_path))
    child.logfile_read = seen = io.StringIO()
    try:
        if child.expect(["screener: error: ", "Continuing your screening", pexpect.EOF]) == 1:
            child.expect(r"\?")  # the next question is on screen: stop here
            child.sendcontrol("c")
        child.expect(pexpect.EOF)
    except pexpect.TIMEOUT:
        pytest.fail(f"hang: resume with the '{case.name}' draft")
    finally:
        child.close(force=True)
    output = seen.getvalue()
    assert "Traceback" not in output, output[-2000:]
    assert child.exitstatus in (2, 130), (child.exitstatus, output[-1000:])
    if child.exitstatus == 2:
        assert "\x1b]0" not in output and "\x07" not in output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home"]
    assert {p.name for p in home.iterdir()} <= {"draft.json", "draft.json.b", "draft.lock"}
