"""Executors: each runs ``process_chunk`` over the chunks and yields the results in input
order, whatever the number of workers, so the output is byte-identical for any N.

- ``local`` with one worker: in this process (no pickling, the same function);
- ``local`` with N workers: N *processes* (spawned), each loading the ruleset and
  building its one engine once in an initializer; never threads on one engine;
- ``dask``: the same function submitted to a Dask cluster; its faults (no worker left,
  the scheduler unreachable or lost) end the run in one paragraph (ClusterError), and
  the run can be resumed.
"""

from __future__ import annotations

import os
import threading
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from contextlib import contextmanager
from itertools import islice

from ..errors import BatchError, shown
from .task import Task
from .worker import init_worker, process_chunk


def in_chunks(records: Iterable, size: int) -> Iterator[list]:
    """The records in lists of ``size`` (the last one shorter), read as they are needed."""
    iterator = iter(records)
    while chunk := list(islice(iterator, size)):
        yield chunk


def run_local(task: Task, chunks: Iterator[list], workers: int, scheduler: str | None,
              notice: Callable[[str], None] | None = None) -> Generator[dict, None, None]:
    if workers <= 1:  # in this process: no pickling, same function
        for chunk in chunks:
            yield process_chunk(task, chunk)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    # spawn: a fresh interpreter per worker, so no engine state is inherited by fork
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                             initializer=_pool_worker,
                             initargs=(task.rules_dir, task.ruleset_hash, os.getpid())) as pool:
        pending: deque = deque()  # up to 3 chunks a worker in flight, yielded in order
        rows = (0, 0)
        try:
            for chunk in chunks:
                if pending:  # submit fails at once once the pool is broken
                    rows = pending[0][1]
                pending.append((pool.submit(process_chunk, task, chunk),
                                (chunk[0][0], chunk[-1][0])))  # (number, record) pairs
                if len(pending) >= 3 * workers:
                    future, rows = pending.popleft()
                    yield future.result()
            while pending:
                future, rows = pending.popleft()
                yield future.result()
        except BrokenProcessPool:  # a worker was killed (kill -9, out of memory) or crashed
            raise WorkerError(
                f"a local worker process stopped while records {rows[0]:,} to {rows[1]:,} "
                "were being screened (it was killed, or ran out of memory), so the run "
                "stopped") from None


class WorkerError(BatchError):
    """A local worker process died during the run. run_batch adds whether --resume can
    continue (as for ClusterError)."""

    def advise(self, kept: bool) -> WorkerError:
        self.message += (". Finished records are kept: run the same command with --resume "
                         "to continue" if kept else ". No record was saved, so there is "
                         "nothing to resume: run the command again")
        return self


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


#: a Dask run with no worker in its cluster stops after this many seconds (a worker that
#: restarts or joins within them lets it go on); tests set it lower
WORKER_WAIT = 60.0
#: seconds to reach the scheduler: to connect at the start, and to reconnect once lost
CONNECT_TIMEOUT = 10.0
#: how often an unfinished chunk looks at the cluster, and how often a wait is said
POLL = 1.0
NOTICE_EVERY = 10.0


class ClusterError(BatchError):
    """The Dask cluster failed the run: no worker left, the scheduler unreachable or
    lost, workers dying on one chunk. run_batch adds whether --resume can continue."""

    def advise(self, kept: bool) -> ClusterError:
        self.message += (". Finished records are kept: run the same command with --resume to "
                         "continue (once the cluster works again, or with --engine local)"
                         if kept else ". No record was saved, so there is nothing to resume: "
                         "run the command again once the cluster works")
        return self


def run_dask(task: Task, chunks: Iterator[list], workers: int, scheduler: str | None,
             notice: Callable[[str], None] | None = None) -> Generator[dict, None, None]:
    """The chunks screened on a Dask cluster (``scheduler``, or a local one of
    ``workers`` processes), in order. A fault of the cluster ends in a ClusterError,
    one paragraph, never a wait without end or Dask's traceback: the scheduler cannot be
    reached in CONNECT_TIMEOUT, is lost (and not back within it), or the cluster has had
    no worker for WORKER_WAIT seconds (``notice`` says so every NOTICE_EVERY seconds of
    the wait); workers dying on a chunk as often as Dask allows, or unable to import
    screener. Dask's own log lines in this process are kept quiet meanwhile."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise BatchError(
            "the dask engine needs Dask, which is not installed: in the screener folder "
            "run `uv sync --extra dask`, or `pip install 'dask[distributed]>=2024.1'` "
            "into screener's environment") from None
    with _dask_logs_quiet():
        cluster = None
        if scheduler:
            client = _connect(Client, scheduler)
        else:
            try:
                cluster = LocalCluster(n_workers=max(workers, 1), threads_per_worker=1,
                                       processes=True, dashboard_address=None)
                client = Client(cluster, timeout=CONNECT_TIMEOUT, set_as_default=False)
            except Exception as exc:
                if cluster is not None:
                    _close(None, cluster)
                raise ClusterError(f"cannot start a local Dask cluster ({_why(exc)})") from None
        try:
            watch = _Watch(client, scheduler, notice)
            window = 3 * max(watch.workers(), 1)
            pending: deque = deque()
            for chunk in chunks:
                rows = (chunk[0][0], chunk[-1][0])  # (number, record) pairs
                pending.append((client.submit(process_chunk, task, chunk, pure=False), rows))
                if len(pending) >= window:
                    yield watch.result(*pending.popleft())
            while pending:
                yield watch.result(*pending.popleft())
        finally:
            _close(client, cluster)


class _Watch:
    """Waits for one chunk's result while watching the cluster (see run_dask)."""

    def __init__(self, client, scheduler: str | None, notice):
        self.client, self.scheduler, self.notice = client, scheduler, notice
        self.where = (f"the Dask cluster at {shown(scheduler)}" if scheduler
                      else "the local Dask cluster")
        self.boss = (f"the Dask scheduler at {shown(scheduler)}" if scheduler
                     else "the local Dask cluster's scheduler")
        self.since: float | None = None  # when the cluster was first seen without a worker
        self.said = 0.0

    def workers(self) -> int:
        """The cluster's workers now, asked of the scheduler with a bounded wait (a
        scheduler that stopped answering is lost as much as one that went away)."""
        try:
            info = self.client.sync(self.client.scheduler.identity,
                                    callback_timeout=CONNECT_TIMEOUT)
            return len(info.get("workers", {}))
        except Exception as exc:  # CommClosedError (an OSError), a timeout, closed client...
            raise self.lost(exc) from None

    def result(self, future, rows: tuple[int, int]) -> dict:
        from concurrent.futures import CancelledError

        from distributed import KilledWorker

        while True:
            try:
                return future.result(timeout=POLL)
            except TimeoutError:  # not done yet (builtins and asyncio's, 3.11+)
                pass
            except KilledWorker:
                raise ClusterError(
                    f"workers of {self.where} died while screening records {rows[0]:,} to "
                    f"{rows[1]:,}, as many times as Dask allows for one task, so the run "
                    "stopped (a worker short of memory, or killed)") from None
            except ImportError as exc:  # the worker's Python has no (or another) screener
                raise ClusterError(
                    f"a worker of {self.where} cannot run the screening ({_why(exc)}): "
                    "install screener, the same version, in every worker's environment") from None
            except Exception as exc:
                if future.status == "error":  # the screening raised: as with the local engine
                    raise
                if isinstance(exc, (CancelledError, OSError)):  # the scheduler went away
                    raise self.lost(exc) from None
                raise
            self.wait_for_worker()

    def wait_for_worker(self) -> None:
        """Stop once the cluster has had no worker for WORKER_WAIT seconds; say the wait."""
        import time

        now = time.monotonic()
        if self.workers():
            self.since = None
            return
        if self.since is None:
            self.since = self.said = now
        waited = now - self.since
        if waited >= WORKER_WAIT:
            start = (f"`dask worker {shown(self.scheduler)} --nthreads 1`" if self.scheduler
                     else "--workers N")
            raise ClusterError(
                f"{self.where} has had no worker for {waited:.0f} s, so the run stopped: its "
                f"last worker died or left (start workers with {start})")
        if self.notice and now - self.said >= NOTICE_EVERY:
            self.said = now
            self.notice(f"waiting for a Dask worker ({waited:.0f} s; {self.where} has none, "
                        f"the run stops after {WORKER_WAIT:.0f} s)")

    def lost(self, exc: BaseException) -> ClusterError:
        from concurrent.futures import CancelledError

        why = (f"it did not come back within {CONNECT_TIMEOUT:.0f} s"
               if isinstance(exc, CancelledError)  # Dask gave up reconnecting
               else f"it did not answer within {CONNECT_TIMEOUT:.0f} s"
               if isinstance(exc, TimeoutError) else _why(exc))
        return ClusterError(f"lost {self.boss} during the run ({why})")


def _connect(client_class, address: str):
    """A Client of the scheduler at ``address``, or a ClusterError within about
    CONNECT_TIMEOUT (a refused connection or an unknown host at once: see _probe)."""
    try:
        _probe(address)
        return client_class(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (ValueError, TypeError) as exc:
        why = f"'{shown(address)}' is not an address Dask can use ({_why(exc)})"
    except _NotAScheduler as exc:
        why = f"no Dask scheduler answers at {shown(address)} ({_why(exc)})"
    except Exception as exc:
        why = f"cannot reach the Dask scheduler at {shown(address)} ({_why(exc)})"
    _collect_quietly()  # the half-made Client's __del__ may complain
    raise ClusterError(f"{why}: give the address `dask scheduler` prints, such as "
                       "tcp://HOST:8786, and check that it runs and that this machine can "
                       "reach it")


def _probe(address: str) -> None:
    """For a tcp:// address, an OSError at once if nothing listens there or the host is
    unknown, and within CONNECT_TIMEOUT if what listens is not a Dask scheduler. A
    scheduler speaks first (the length of its handshake); Dask's own connect would wait
    for ever on a server that accepts and says nothing, such as an HTTP port (the
    dashboard's). Other schemes (tls://...) are left to Dask."""
    import socket
    import struct

    from distributed.comm.addressing import parse_address, parse_host_port

    scheme, location = parse_address(address)  # ValueError for a malformed address
    if scheme != "tcp":
        return
    host, port = parse_host_port(location)
    try:
        conn = socket.create_connection((host, port), timeout=CONNECT_TIMEOUT)
    except socket.gaierror as exc:
        raise OSError(f"unknown host '{host}': {exc.strerror}") from None
    except ConnectionRefusedError:
        raise OSError(f"connection refused: nothing listens on port {port} of {host}") from None
    except TimeoutError:
        raise OSError(f"no answer from port {port} of {host} within "
                      f"{CONNECT_TIMEOUT:.0f} s") from None
    hint = "" if port == 8786 else "; a scheduler's port is usually 8786 (8787: its dashboard)"
    with conn:
        first = b""
        try:
            while len(first) < 8 and (got := conn.recv(8 - len(first))):
                first += got
        except TimeoutError:
            raise _NotAScheduler(f"what listens on port {port} of {host} said nothing within "
                                 f"{CONNECT_TIMEOUT:.0f} s{hint}") from None
        except OSError as exc:
            raise _NotAScheduler(f"port {port} of {host}: {exc.strerror or exc}") from None
    if len(first) < 8 or struct.unpack("<Q", first)[0] > 1 << 26:  # a handshake is small
        raise _NotAScheduler(f"what listens on port {port} of {host} answered something "
                             f"else{hint}")


class _NotAScheduler(OSError):
    """Something listens at the address, but not a Dask scheduler."""


def _why(exc: BaseException) -> str:
    """An exception in a few words, on one line (Dask's can be several)."""
    text = " ".join(str(exc).split())
    return shown(text, 200) if text else type(exc).__name__


def _close(client, cluster) -> None:
    """Close what run_dask opened, quickly even when the scheduler is gone."""
    for thing in (client, cluster):
        if thing is not None:
            try:
                thing.close(timeout=CONNECT_TIMEOUT / 2)
            except Exception:  # already gone: nothing left to close
                pass


def _collect_quietly() -> None:
    import gc
    import sys

    hook, sys.unraisablehook = sys.unraisablehook, lambda unraisable: None
    try:
        gc.collect()
    finally:
        sys.unraisablehook = hook


@contextmanager
def _dask_logs_quiet():
    """Dask's log lines (reconnecting, a worker lost, closing, with their tracebacks)
    stay out of screener's output while it runs: the run says what matters in its own
    words. The command line keeps them out for good (quiet_dask_logs): after a fault,
    Dask's threads go on logging as they wind down."""
    levels = quiet_dask_logs()
    try:
        yield
    finally:
        for logger, level in levels.items():
            logger.setLevel(level)


def quiet_dask_logs() -> dict:
    """Silence the ``distributed`` loggers (Dask's configuration, applied when it is
    first imported, gives some their own level, so each is set after that import);
    returns their levels before."""
    import logging

    try:
        import distributed  # noqa: F401 - sets Dask's levels first
    except ImportError:  # run_dask says how to install it
        return {}
    names = ["distributed", *(name for name in list(logging.root.manager.loggerDict)
                              if name.startswith("distributed."))]
    levels = {}
    for name in names:
        logger = logging.getLogger(name)
        levels[logger] = logger.level
        logger.setLevel(logging.CRITICAL + 1)
    return levels


#: --engine name -> executor(task, chunks, workers, scheduler, notice) yielding results in
#: order; ``notice(text)`` says a passing state (waiting for a Dask worker). Generators:
#: run_batch closes one to stop a run early (``stop_after``)
ENGINES: dict[str, Callable[..., Generator[dict, None, None]]] = {
    "local": run_local, "dask": run_dask}
