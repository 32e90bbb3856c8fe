"""screener batch INPUT -o OUTPUT: screen every record of a CSV or JSONL file."""

from __future__ import annotations

from ..i18n import _
from . import add_lang_argument, choose_language, iso_date

DESCRIPTION = """\
Screen many records with the same rules: a CSV export (one column per question id,
multi items separated by ';', an empty cell = unanswered, an optional respondent_id
column) or JSONL (one answers object per line). Writes one row per valid record, in
input order: respondent_id, triage, complete (false: too few answers to rule the factors
out), factors, one <factor>_strength column per factor, notes and ruleset_hash. Invalid
records go to the errors file (row, respondent_id, field, message, urgent) and the run
goes on: output rows + error rows = input records. Red flags always win: an invalid
record whose answers hold a red flag (whatever the separator or column spelling) is
marked in the errors file's urgent column and named on stderr; records without an answer
to the urgent check (red_flags_now) are counted in the summary.

Survey tool exports screen as they are (forms from `screener questionnaire --redcap`
or `--xlsform`): a REDCap "CSV (raw data)" export (record_id as respondent id, checkbox
columns <question>___<code> folded into lists, REDCap's own columns ignored) or an ODK
Central CSV export (group paths removed, space-separated multi answers, KEY as
respondent id, SubmissionDate as screened_on when missing). The source is told from the
header and said on stderr; --from chooses it.
"""

EPILOG = """\
examples:
  screener batch survey.csv -o results.csv
  screener batch survey.csv -o results.csv --workers 2 --summary summary.json
  screener batch answers.jsonl -o results.jsonl --errors rejected.csv --today 2025-06-01
  screener batch survey.csv -o results.csv --resume      continue an interrupted run
  screener batch redcap_export.csv -o results.csv        a REDCap raw-data export
  screener batch odk_export.csv -o results.csv --from odk
  screener batch survey.csv -o results.csv --engine dask --scheduler tcp://host:8786

While running, results go to OUTPUT.partial with a checkpoint OUTPUT.checkpoint.json;
they are moved into place at the end. --today sets the date used for records without
screened_on (default: today), so that a run can be reproduced.

With --engine dask, a scheduler that cannot be reached stops the run within seconds; a
cluster left without any worker for a minute (said while waiting), or a scheduler lost
during the run, stops it too, and --resume continues it (with the cluster back, or with
--engine local: the output is the same).
"""


def add_arguments(parser) -> None:
    parser.add_argument("input", metavar="INPUT", help="records: .csv or .jsonl")
    parser.add_argument("-o", "--output", required=True, metavar="OUTPUT",
                        help="results file: .csv or .jsonl (format from the extension)")
    parser.add_argument("--errors", metavar="FILE",
                        help="rejected records (.csv or .jsonl; default OUTPUT-stem.errors.EXT)")
    parser.add_argument("--from", dest="read_as", default="auto",
                        choices=["auto", "plain", "redcap", "odk"],
                        help="what made the CSV file: plain (question id columns), redcap (a "
                             "REDCap 'CSV (raw data)' export), odk (an ODK Central CSV export); "
                             "default: told from its header, and said on stderr")
    parser.add_argument("--workers", type=int, default=1, metavar="N",
                        help="worker processes, each with its own engine (default 1)")
    parser.add_argument("--resume", action="store_true",
                        help="continue an interrupted run without redoing finished records")
    parser.add_argument("--force", action="store_true",
                        help="replace existing output/errors files or a stale checkpoint")
    parser.add_argument("--summary", metavar="FILE.json",
                        help="also save the summary (counts and percentages) as JSON")
    parser.add_argument("--today", metavar="YYYY-MM-DD", type=iso_date,
                        help="date for records without screened_on (default: today)")
    parser.add_argument("--engine", choices=["local", "dask"], default="local",
                        help="local processes (default) or a Dask cluster "
                             "(the dask extra: pip install 'dask[distributed]')")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="Dask scheduler address (default: a local cluster of --workers)")
    parser.add_argument("--rule-engine", choices=["durable", "python"], default=None,
                        help="durable-rules (default; SCREENER_ENGINE sets another) or the "
                             "built-in Python evaluator, generated from the same rules: the "
                             "same rows, several times faster (benchmarks/README.md)")
    add_lang_argument(parser, what="the urgent lines of the summary (red flags among the "
                                   "rejected records)")


def run(args) -> int:
    import json
    import sys
    import time
    from pathlib import Path

    from ..batch import (
        BatchError,
        check_input,
        checkpoint_done,
        count_records,
        format_of,
        paths_for,
        resolve_read_as,
        run_batch,
        summary_table,
        urgent_errors_text,
    )
    from ..errors import printable
    from ..files import write_private
    from ..interop.records import DESCRIPTIONS
    from ..ruleset.loading import load_ruleset

    choose_language(args)  # the urgent lines; results and errors files stay codes
    today = args.today
    if args.workers < 1:
        raise BatchError(_("--workers must be at least 1"), field="--workers")
    check_input(Path(args.input))  # before its name is read and the progress bar reads it
    fmt = format_of(args.input, "input")
    read_as = resolve_read_as(Path(args.input), fmt, args.read_as)
    if args.read_as == "auto" and read_as != "plain":  # a plain file needs no word
        print(f"screener: reading {printable(args.input)} as {DESCRIPTIONS[read_as]}; "
              "use --from plain|redcap|odk to choose", file=sys.stderr)

    if args.engine == "dask":  # Dask's own log lines (and tracebacks) never reach the person
        from ..batch.executors import quiet_dask_logs

        quiet_dask_logs()
    progress = None
    if sys.stderr.isatty():
        resumed_at = checkpoint_done(Path(args.output)) if args.resume else 0
        progress = _ProgressBar(count_records(Path(args.input), fmt), time.monotonic(),
                                resumed_at)
    try:
        summary = run_batch(args.input, args.output, errors_path=args.errors, rules=args.rules,
                            workers=args.workers, engine=args.engine, scheduler=args.scheduler,
                            resume=args.resume, force=args.force, today=today,
                            progress=progress, warn=_warn, notice=_Notice(progress),
                            read_as=read_as, summary_path=args.summary,
                            rule_engine=args.rule_engine)
    except BatchError:
        if progress:  # the error's paragraph starts on a line of its own
            sys.stderr.write("\n")
        raise
    except KeyboardInterrupt:
        if paths_for(Path(args.output))[1].exists():
            print("\nscreener: " + _("interrupted; finished records are kept: run the same "
                                     "command with --resume to continue"), file=sys.stderr)
        else:
            print("\nscreener: " + _("interrupted before any record was saved; nothing to "
                                     "resume"), file=sys.stderr)
        return 130
    if progress:
        progress.finish()
    data = summary.as_dict(load_ruleset(args.rules))
    sys.stdout.write(summary_table(data))
    if data["errors_with_red_flag"]:
        sys.stderr.write(urgent_errors_text(data))
    if args.summary:
        write_private(args.summary, json.dumps(data, indent=2) + "\n")
    return 0


def _warn(text: str) -> None:
    import sys

    from ..errors import printable

    print("screener: " + _("warning: {text}").format(text=printable(text)),
          file=sys.stderr)  # names a file


class _Notice:
    """Says a passing state of the run (waiting for a Dask worker) on its own stderr
    line; over the progress bar's line when there is one (the bar redraws after)."""

    def __init__(self, progress: _ProgressBar | None):
        self.progress = progress

    def __call__(self, text: str) -> None:
        import sys

        if self.progress:
            sys.stderr.write("\r\x1b[K")
            self.progress.last = float("-inf")  # redraw at the next update
        from ..errors import printable

        print(f"screener: {printable(text)}", file=sys.stderr, flush=True)


class _ProgressBar:
    """One line on stderr, redrawn at most 5 times a second: done/total, records/s, ETA."""

    def __init__(self, total: int, started: float, resumed_at: int = 0):
        self.total, self.started, self.last = total, started, float("-inf")
        self.first = resumed_at  # records/s counts what this run did, not a resumed start

    def __call__(self, done: int) -> None:
        import sys
        import time

        now = time.monotonic()
        if now - self.last < 0.2 and done < self.total:
            return
        self.last = now
        rate = (done - self.first) / max(now - self.started, 1e-9)
        left = (self.total - done) / rate if rate else 0
        width = 30
        filled = int(width * done / self.total) if self.total else width
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done:,}/{self.total:,} "
                         f"{rate:,.0f} records/s  ETA {int(left // 60)}:{int(left % 60):02d} ")
        sys.stderr.flush()

    def finish(self) -> None:
        import sys

        sys.stderr.write("\n")
