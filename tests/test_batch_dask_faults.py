"""`screener batch --engine dask` when the cluster fails: one paragraph, a non-zero exit
and a run that --resume finishes with the same bytes, never a wait without end or
Dask's traceback.

The cluster tests start a real `dask scheduler` and `dask worker` (no nanny, so a killed
worker stays dead) as child processes, and run the command in a child too (Dask leaves
threads behind; see test_batch.py), with the waits shortened: WORKER_WAIT,
CONNECT_TIMEOUT and NOTICE_EVERY of screener.batch.executors.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import FIXED_DAY, ROOT

from screener.authoring.generate import answer_sets
from screener.batch import executors, paths_for, run_batch, write_input
from screener.batch.executors import ClusterError


def dask_or_skip():
    return pytest.importorskip("dask.distributed",
                               reason="Dask is not installed (the dask extra: uv sync --extra dask)")


def records_file(tmp_path: Path, ruleset, count: int, seed: int = 5) -> Path:
    sets = answer_sets(ruleset, count, seed=seed)
    for i, answers in enumerate(sets):
        answers["respondent_id"] = f"R{i:05d}"
    return write_input(tmp_path / "in.jsonl", sets, ruleset)


#: the command in a child, with the waits of executors shortened for the test
_COMMAND = ("import sys\n"
            "from screener.batch import executors\n"
            "executors.WORKER_WAIT, executors.CONNECT_TIMEOUT, executors.NOTICE_EVERY = "
            "float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])\n"
            "from screener.cli import main\n"
            "sys.exit(main(sys.argv[4:]))\n")


def command(args, worker_wait=6, connect_timeout=4, notice_every=2) -> list[str]:
    return [sys.executable, "-c", _COMMAND, str(worker_wait), str(connect_timeout),
            str(notice_every), "batch", *map(str, args), "--today", FIXED_DAY.isoformat()]


class Cluster:
    """A `dask scheduler` on 127.0.0.1 and its `dask worker`s, each a child process
    started (and ended) by the test, by process id."""

    def __init__(self, folder: Path):
        self.folder, self.workers, self.logs = folder, [], []
        info = folder / "scheduler.json"
        self.scheduler = self._start(["distributed.cli.dask_scheduler", "--host", "127.0.0.1",
                                      "--port", "0", "--no-dashboard", "--scheduler-file",
                                      str(info)], "scheduler")
        deadline = time.monotonic() + 60
        while not info.exists() or not info.read_text().strip():
            assert self.scheduler.poll() is None and time.monotonic() < deadline, self.log()
            time.sleep(0.1)
        self.address = json.loads(info.read_text())["address"]

    def _start(self, args: list[str], name: str) -> subprocess.Popen:
        log = open(self.folder / f"{name}.log", "w")
        self.logs.append(log)
        return subprocess.Popen([sys.executable, "-m", *args], stdout=subprocess.DEVNULL,
                                stderr=log, cwd=ROOT)

    def add_worker(self) -> subprocess.Popen:
        worker = self._start(["distributed.cli.dask_worker", self.address, "--nthreads", "1",
                              "--no-nanny", "--no-dashboard", "--host", "127.0.0.1",
                              "--death-timeout", "30"], f"worker{len(self.workers)}")
        self.workers.append(worker)
        # until the scheduler has it (asked from a child: a Client leaves threads behind)
        probe = subprocess.run([sys.executable, "-c",
                                "import sys; from dask.distributed import Client\n"
                                "c = Client(sys.argv[1], timeout=30)\n"
                                "c.wait_for_workers(int(sys.argv[2]), timeout=60); c.close()",
                                self.address, str(sum(w.poll() is None for w in self.workers))],
                               capture_output=True, text=True, timeout=120)
        assert probe.returncode == 0, probe.stderr[-2000:] + self.log()
        return worker

    def log(self) -> str:
        return "".join(path.read_text()[-1500:] for path in sorted(self.folder.glob("*.log")))

    def close(self) -> None:
        for proc in [*self.workers, self.scheduler]:
            if proc.poll() is None:
                proc.kill()
            proc.wait(timeout=30)
        for log in self.logs:
            log.close()


@pytest.fixture
def cluster(tmp_path):
    dask_or_skip()
    folder = tmp_path / "cluster"
    folder.mkdir()
    running = Cluster(folder)
    yield running
    running.close()


def start_and_wait_for_checkpoint(args, output: Path, **waits) -> subprocess.Popen:
    proc = subprocess.Popen(command(args, **waits), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT)
    checkpoint = paths_for(output)[1]
    deadline = time.monotonic() + 120
    while not checkpoint.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "no checkpoint within 120 s"
        time.sleep(0.02)
    return proc


def one_paragraph(err: str) -> str:
    """The error paragraph of stderr (notices before it are lines of their own)."""
    assert "Traceback" not in err and "distributed." not in err, err
    [error] = [line for line in err.splitlines() if line.startswith("screener: error: ")]
    return error


def uninterrupted(tmp_path: Path, source: Path) -> bytes:
    run_batch(source, tmp_path / "full.csv", today=FIXED_DAY)
    return (tmp_path / "full.csv").read_bytes()


# ------------------------------------------------------------------ a real cluster

@pytest.mark.slow  # a Dask scheduler and worker in child processes, a worker killed
def test_last_worker_killed_stops_with_one_paragraph_then_resume_gives_the_same_bytes(
        tmp_path, ruleset, cluster):
    source = records_file(tmp_path, ruleset, 6000)
    output = tmp_path / "out.csv"
    worker = cluster.add_worker()
    args = [source, "-o", output, "--engine", "dask", "--scheduler", cluster.address]
    proc = start_and_wait_for_checkpoint(args, output, worker_wait=6, notice_every=2)
    os.kill(worker.pid, signal.SIGKILL)  # the cluster's only worker
    killed = time.monotonic()
    out, err = proc.communicate(timeout=120)
    waited = time.monotonic() - killed
    assert proc.returncode == 2, err
    error = one_paragraph(err)
    assert f"the Dask cluster at {cluster.address} has had no worker for 6 s" in error
    assert f"dask worker {cluster.address} --nthreads 1" in error
    assert "Finished records are kept: run the same command with --resume" in error
    assert "screener: waiting for a Dask worker (" in err  # said while it waited
    assert 5 < waited < 40, waited
    assert out == "" and not output.exists()
    done = json.loads(paths_for(output)[1].read_text())["records_done"]
    assert 0 < done < 6000

    cluster.add_worker()  # the cluster is back: --resume finishes on it
    resumed = subprocess.run(command([*args, "--resume"]), capture_output=True, text=True,
                             cwd=ROOT, timeout=300)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert resumed.stdout.startswith("6,000 records = 6,000 screened + 0 with errors")
    assert output.read_bytes() == uninterrupted(tmp_path, source)
    assert not paths_for(output)[1].exists()


@pytest.mark.slow  # a Dask scheduler and worker in child processes, the scheduler killed
def test_scheduler_lost_mid_run_stops_with_one_paragraph_then_resume_gives_the_same_bytes(
        tmp_path, ruleset, cluster):
    source = records_file(tmp_path, ruleset, 6000, seed=6)
    output = tmp_path / "out.csv"
    cluster.add_worker()
    args = [source, "-o", output, "--engine", "dask", "--scheduler", cluster.address]
    proc = start_and_wait_for_checkpoint(args, output, connect_timeout=4)
    os.kill(cluster.scheduler.pid, signal.SIGKILL)
    killed = time.monotonic()
    out, err = proc.communicate(timeout=120)
    waited = time.monotonic() - killed
    assert proc.returncode == 2, err
    error = one_paragraph(err)
    assert f"lost the Dask scheduler at {cluster.address} during the run (it did not " in error
    assert "Finished records are kept: run the same command with --resume" in error
    assert waited < 40, waited
    assert out == "" and not output.exists()

    # the scheduler is gone for good: --resume with the local engine finishes it
    local = [source, "-o", output, "--resume"]
    resumed = subprocess.run(command(local), capture_output=True, text=True, cwd=ROOT,
                             timeout=300)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert resumed.stdout.startswith("6,000 records = 6,000 screened + 0 with errors")
    assert output.read_bytes() == uninterrupted(tmp_path, source)


@pytest.mark.slow  # a Dask scheduler in a child process, never a worker
def test_a_cluster_without_workers_stops_in_bounded_time_and_saves_nothing(
        tmp_path, ruleset, cluster):
    source = records_file(tmp_path, ruleset, 50)
    output = tmp_path / "out.csv"
    started = time.monotonic()
    proc = subprocess.run(command([source, "-o", output, "--engine", "dask", "--scheduler",
                                   cluster.address], worker_wait=5, notice_every=2),
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert time.monotonic() - started < 40
    error = one_paragraph(proc.stderr)
    assert "has had no worker for 5 s" in error
    assert "No record was saved, so there is nothing to resume" in error
    assert proc.stderr.count("screener: waiting for a Dask worker (") >= 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cluster", "in.jsonl"]


@pytest.mark.slow  # the command in a child process, Dask's connect
@pytest.mark.parametrize("what", ["refused", "not dask", "silent"])
def test_an_unreachable_scheduler_is_one_paragraph_quickly(tmp_path, ruleset, what):
    """Nothing listening (refused at once), something that is not a Dask scheduler
    (answers garbage), something that accepts and says nothing (Dask's connect timeout)."""
    dask_or_skip()
    source = records_file(tmp_path, ruleset, 20)
    server = None
    if what == "refused":
        with socket.socket() as probe:  # a port nothing listens on
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
    else:
        reply = "b'HTTP/1.1 400 Bad Request\\r\\n\\r\\n' * 1000" if what == "not dask" else "b''"
        server = subprocess.Popen(
            [sys.executable, "-c",
             "import socket, sys, time\n"
             "s = socket.create_server(('127.0.0.1', 0)); print(s.getsockname()[1], flush=True)\n"
             "held = []\n"
             "while True:\n"
             "    c, _ = s.accept(); held.append(c)\n"
             f"    c.sendall({reply})\n"], stdout=subprocess.PIPE, text=True)
        port = int(server.stdout.readline())
    try:
        started = time.monotonic()
        proc = subprocess.run(command([source, "-o", tmp_path / "out.csv", "--engine", "dask",
                                       "--scheduler", f"tcp://127.0.0.1:{port}"],
                                      connect_timeout=3),
                              capture_output=True, text=True, cwd=ROOT, timeout=120)
        elapsed = time.monotonic() - started
    finally:
        if server is not None:
            server.kill()
            server.wait(timeout=30)
    assert proc.returncode == 2, proc.stderr
    error = one_paragraph(proc.stderr)
    assert "No record was saved, so there is nothing to resume" in error
    if what == "refused":
        assert f"cannot reach the Dask scheduler at tcp://127.0.0.1:{port} (connection " \
               f"refused: nothing listens on port {port} of 127.0.0.1)" in error
    else:
        said = "answered something else" if what == "not dask" else "said nothing within 3 s"
        assert f"no Dask scheduler answers at tcp://127.0.0.1:{port} (what listens on port " \
               f"{port} of 127.0.0.1 {said}; a scheduler's port is usually 8786" in error
    assert elapsed < 30, elapsed
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]


# ---------------------------------------------------------------- no cluster needed

@pytest.mark.parametrize("address, why", [
    ("nonsense", "missing port number"),
    ("http://127.0.0.1:1", "unknown address scheme 'http'"),
    ("127.0.0.1:port", "'127.0.0.1:port' is not an address Dask can use"),
])
def test_a_malformed_scheduler_address_is_refused_before_anything_starts(tmp_path, ruleset,
                                                                          address, why):
    dask_or_skip()
    source = records_file(tmp_path, ruleset, 5)
    threads = threading.active_count()
    with pytest.raises(ClusterError) as raised:
        run_batch(source, tmp_path / "out.csv", engine="dask", scheduler=address, today=FIXED_DAY)
    assert why in raised.value.message and "nothing to resume" in raised.value.message
    assert "\n" not in str(raised.value)
    assert threading.active_count() == threads  # no Dask client was made
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]


class FakeFuture:
    def __init__(self, outcomes, status="pending"):
        self.outcomes, self.status = list(outcomes), status

    def result(self, timeout=None):
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, TimeoutError):
            time.sleep(timeout or 0)
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome


class FakeClient:
    """Answers the scheduler's identity with the next worker count (the last one
    repeated), or raises it."""

    def __init__(self, counts):
        self.counts = list(counts)
        self.scheduler = self
        self.timeouts = []

    def sync(self, function, callback_timeout=None):
        self.timeouts.append(callback_timeout)
        return function()

    def identity(self):
        count = self.counts.pop(0) if len(self.counts) > 1 else self.counts[0]
        if isinstance(count, BaseException):
            raise count
        return {"workers": {f"w{i}": {} for i in range(count)}}


def test_the_watch_waits_while_a_worker_comes_back_and_says_so(monkeypatch):
    monkeypatch.setattr(executors, "WORKER_WAIT", 0.5)
    monkeypatch.setattr(executors, "NOTICE_EVERY", 0.0)
    monkeypatch.setattr(executors, "POLL", 0.01)
    said = []
    # no worker, no worker, then one again: the wait resets and the result comes
    watch = executors._Watch(FakeClient([0, 0, 1]), "tcp://h:1", said.append)
    future = FakeFuture([TimeoutError(), TimeoutError(), TimeoutError(), {"done": 1}])
    assert watch.result(future, (1, 10)) == {"done": 1}
    assert watch.since is None
    assert said and said[0].startswith("waiting for a Dask worker (0 s; the Dask cluster at "
                                       "tcp://h:1 has none, the run stops after 0 s)")


def test_the_watch_stops_after_worker_wait_without_a_worker(monkeypatch):
    monkeypatch.setattr(executors, "WORKER_WAIT", 0.05)
    monkeypatch.setattr(executors, "POLL", 0.01)
    watch = executors._Watch(FakeClient([0]), None, None)
    with pytest.raises(ClusterError, match="the local Dask cluster has had no worker for "
                                           r"0 s, so the run stopped.*--workers N"):
        watch.result(FakeFuture([TimeoutError()] * 1000), (1, 10))


def test_the_watch_turns_dask_faults_into_cluster_errors():
    distributed = dask_or_skip()
    from distributed.client import FutureCancelledError

    watch = executors._Watch(FakeClient([1]), "tcp://h:1", None)
    with pytest.raises(ClusterError, match="workers of the Dask cluster at tcp://h:1 died while "
                                           "screening records 501 to 1,000"):
        watch.result(FakeFuture([distributed.KilledWorker("task", "worker", 3)], "error"),
                     (501, 1000))
    with pytest.raises(ClusterError, match="lost the Dask scheduler at tcp://h:1 during the run"):
        watch.result(FakeFuture([FutureCancelledError("k", "scheduler-connection-lost")],
                                "cancelled"), (1, 500))
    with pytest.raises(ClusterError, match="cannot run the screening .*No module named "
                                           "'screener'.*every worker's environment"):
        watch.result(FakeFuture([ModuleNotFoundError("No module named 'screener'")], "error"),
                     (1, 500))
    with pytest.raises(ClusterError, match=r"lost the Dask scheduler at tcp://h:1 during "
                                           r"the run \(it did not come back within 10 s\)"):
        watch.result(FakeFuture([FutureCancelledError("k", "scheduler-connection-lost")],
                                "cancelled"), (1, 500))
    # asking for the workers: the scheduler went away, or stopped answering
    with pytest.raises(ClusterError, match=r"lost the Dask scheduler at tcp://h:1 during the "
                                           r"run \(closed\)"):
        executors._Watch(FakeClient([OSError("closed")]), "tcp://h:1", None).workers()
    frozen = FakeClient([TimeoutError("timed out after 10 s.")])
    with pytest.raises(ClusterError, match=r"\(it did not answer within 10 s\)"):
        executors._Watch(frozen, "tcp://h:1", None).workers()
    assert frozen.timeouts == [executors.CONNECT_TIMEOUT]
    # the screening's own error (raised on the worker) is the local engine's
    with pytest.raises(PermissionError):
        watch.result(FakeFuture([PermissionError("rules")], "error"), (1, 500))


def test_cluster_error_says_whether_resume_can_continue():
    kept = ClusterError("the cluster went away").advise(kept=True)
    assert kept.message == ("the cluster went away. Finished records are kept: run the same "
                            "command with --resume to continue (once the cluster works again, "
                            "or with --engine local)")
    assert "nothing to resume" in ClusterError("x").advise(kept=False).message


def spawned_children(pid: int) -> list[int]:
    """The processes multiprocessing spawned from ``pid`` (a local cluster's workers)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
                cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
            except OSError:
                continue
            if int(stat[1]) == pid and b"spawn_main" in cmdline:
                found.append(int(entry))
    return found


@pytest.mark.slow  # a local Dask cluster in a child process, its worker killed
@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads /proc")
def test_a_local_cluster_worker_killed_is_restarted_and_the_run_finishes(tmp_path, ruleset):
    """A worker that comes back within WORKER_WAIT (the local cluster's nanny restarts
    it) lets the run go on: same bytes as the local engine."""
    dask_or_skip()
    source = records_file(tmp_path, ruleset, 6000, seed=7)
    output = tmp_path / "out.csv"
    proc = start_and_wait_for_checkpoint([source, "-o", output, "--engine", "dask",
                                          "--workers", "1"], output, worker_wait=60)
    [worker] = spawned_children(proc.pid)
    os.kill(worker, signal.SIGKILL)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    assert "Traceback" not in err and "distributed." not in err, err
    assert out.startswith("6,000 records = 6,000 screened + 0 with errors")
    assert output.read_bytes() == uninterrupted(tmp_path, source)
