"""Executors: each runs ``process_chunk`` over the chunks and yields the results in input
order, whatever the number of workers, so the output is byte-identical for any N.

- ``local`` with one worker: in this process (no pickling, the same function);
- ``local`` with N workers: N *processes* (spawned), each loading the ruleset and
  building its one engine once in an initializer; never threads on one engine;
- ``dask``: the same function submitted to a Dask cluster.
"""

from __future__ import annotations

import os
import threading
from itertools import islice
from typing import Callable, Iterable, Iterator

from ..errors import BatchError
from .worker import Task, init_worker, process_chunk

def in_chunks(records: Iterable, size: int) -> Iterator[list]:
    """The records in lists of ``size`` (the last one shorter), read as they are needed."""
    iterator = iter(records)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _in_order(submit, chunks: Iterator[list], window: int) -> Iterator[dict]:
    """Keep ``window`` chunks in flight; yield results in submission order."""
    pending: list = []
    for chunk in chunks:
        pending.append(submit(chunk))
        if len(pending) >= window:
            yield pending.pop(0).result()
    while pending:
        yield pending.pop(0).result()


def run_local(task: Task, chunks: Iterator[list], workers: int, scheduler: str | None
              ) -> Iterator[dict]:
    if workers <= 1:  # in this process: no pickling, same function
        for chunk in chunks:
            yield process_chunk(task, chunk)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # spawn: a fresh interpreter per worker, so no engine state is inherited by fork
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                             initializer=_pool_worker,
                             initargs=(task.rules_dir, task.ruleset_hash, os.getpid())) as pool:
        yield from _in_order(lambda c: pool.submit(process_chunk, task, c), chunks, 3 * workers)


def _pool_worker(rules_dir: str | None, ruleset_hash: str, parent: int) -> None:
    """A local worker process: leaves as soon as the run that started it is gone."""
    threading.Thread(target=_exit_when_orphaned, args=(parent,), daemon=True,
                     name="screener-parent-watch").start()
    init_worker(rules_dir, ruleset_hash)


def _exit_when_orphaned(parent: int, every: float = 0.5) -> None:
    """Exit this process once its parent has died (SIGKILL or SIGTERM give the parent
    no chance to stop its workers; an orphan is re-parented, so its parent id changes).
    Without workers holding it open, multiprocessing's resource tracker ends too."""
    import time

    while os.getppid() == parent:
        time.sleep(every)
    os._exit(1)


def run_dask(task: Task, chunks: Iterator[list], workers: int, scheduler: str | None
             ) -> Iterator[dict]:
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise BatchError(
            "the dask engine needs Dask, which is not installed: in the screener folder "
            "run `uv sync --extra dask`, or `pip install 'dask[distributed]>=2024.1'` "
            "into screener's environment") from None
    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(n_workers=max(workers, 1), threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
    try:
        window = 3 * max(len(client.scheduler_info().get("workers", {})), 1)
        yield from _in_order(lambda c: client.submit(process_chunk, task, c, pure=False),
                             chunks, window)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


#: --engine name -> executor(task, chunks, workers, scheduler) yielding results in order
ENGINES: dict[str, Callable[..., Iterator[dict]]] = {"local": run_local, "dask": run_dask}
