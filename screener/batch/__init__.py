"""Batch screening: many records in (CSV or JSONL), one row per record out, in order.

Nothing is lost: a record that fails validation goes to the errors file with its row
number, respondent id, field and message, and the run goes on; output rows + error rows
always equal input records. Results are written in input order whatever the number of
workers, so the output is byte-identical for any N; an interrupted run can be resumed.
Red flags always win, even in rejected records (marked ``urgent`` and named).

One module per job (see engineering notes and benchmarks/README.md for speed):

- ``run``: ``run_batch``, one run from start to end, calling the others in order;
- ``paths``: the files a run reads and writes, their formats, checks before the run;
- ``records``: input records read, numbered and read for their answers (CSV, REDCap
  and ODK exports through ``interop.records``, JSONL), unreadable ones as error rows;
- ``worker``: screening one chunk of records (the function every executor runs);
- ``executors``: in this process, a pool of spawned processes, or a Dask cluster;
- ``output``: the result and error rows as CSV or JSONL text;
- ``checkpoint``: resume state, the partial files and the checkpoint beside them;
- ``summary``: the run's counts, as the summary file and as the terminal shows them.
"""

from ..errors import BatchError
from .checkpoint import checkpoint_done
from .cutting import count_records
from .paths import check_input, format_of, paths_for
from .records import resolve_read_as, write_input
from .run import DEFAULT_CHUNK, run_batch
from .summary import Summary, summary_table, urgent_errors_text

__all__ = ["DEFAULT_CHUNK", "BatchError", "Summary", "check_input", "checkpoint_done",
           "count_records", "format_of", "paths_for", "resolve_read_as", "run_batch",
           "summary_table", "urgent_errors_text", "write_input"]
