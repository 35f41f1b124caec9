"""Kill -9 at random moments: replacing a case and saving notes never leave a partial or
damaged case file.

No sleeps: the parent waits for lines the child prints (``start``, progress lines, saved
note numbers) and then kills after a seeded number of busy-wait iterations or at a seeded
progress line.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from engine.case.create import TEMP_SUFFIX, temp_files
from engine.case.store import CaseStore
from engine.case.datahash import data_hash
from tests.fixtures.small_case import FILE_HASHES, FILE_NAMES, big_trades_tables

ROOT = Path(__file__).resolve().parents[2]
N_ROWS = 20_000
pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="kill -9 tests need POSIX fork and signals")

# A zygote: builds both table variants once, then forks one writer per request, so each kill
# costs milliseconds instead of an interpreter start.
CREATE_CHILD = r"""
import os, sys
from pathlib import Path
from engine.case.store import CaseStore
from engine.progress import Reporter
from tests.fixtures.small_case import FILE_HASHES, FILE_NAMES, big_trades_tables
path, n = Path(sys.argv[1]), int(sys.argv[2])
variants = {seed: big_trades_tables(n, seed=seed) for seed in (1, 2)}
from engine.case.datahash import data_hash
data_hash(variants[1])  # warm up lazy library set-up once, not in every writer
def say(text):  # one write() per line: lines of the zygote and its writer never interleave
    os.write(1, (text + "\n").encode())
say("ready")
while line := sys.stdin.readline():
    seed = int(line)
    pid = os.fork()
    if pid == 0:
        try:
            reporter = Reporter(lambda stage, f: say(f"progress {f:.2f}"))
            say("start")
            CaseStore.create(path, variants[seed], FILE_HASHES, FILE_NAMES, force=True, reporter=reporter)
            say("done")
        except BaseException as exc:
            say(f"error {exc!r}")
        finally:
            os._exit(0)
    say(f"pid {pid}")
    sys.stdin.readline()  # the parent says when: until then the writer's pid cannot be reused
    os.waitpid(pid, 0)
    say("reaped")
"""

NOTES_CHILD = """
import sys
from pathlib import Path
from engine.case.store import CaseStore
with CaseStore.open(Path(sys.argv[1])) as store:
    i = 0
    while True:
        store.set_note("007", f"<p>draft {i}</p>")
        print(i, flush=True)
        i += 1
"""


def _busy(iterations: int) -> None:
    """Spin (no sleep) for a number of iterations."""
    x = 0
    for i in range(iterations):
        x ^= i


def _iterations_per_second() -> float:
    start = time.perf_counter()
    _busy(200_000)
    return 200_000 / (time.perf_counter() - start)


class _Zygote:
    """Drives CREATE_CHILD: one forked writer per ``run``."""

    def __init__(self, path: Path) -> None:
        self.proc = subprocess.Popen([sys.executable, "-c", CREATE_CHILD, str(path), str(N_ROWS)], cwd=ROOT,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
        assert self._line() == "ready"

    def _line(self) -> str:
        line = self.proc.stdout.readline()
        assert line, "the child died"
        assert not line.startswith("error"), line  # a writer failed on its own, not by our kill
        return line.strip()

    def run(self, seed: int, kill_after_iterations: int | None = None,
            kill_at_progress: int | None = None) -> tuple[bool, float]:
        """Start a writer; kill it as asked. Returns (killed before 'done', seconds start->done)."""
        self.proc.stdin.write(f"{seed}\n")
        self.proc.stdin.flush()
        pid, started, seen_progress, done, began = None, False, 0, False, 0.0
        while pid is None or not started:
            line = self._line()
            if line.startswith("pid "):
                pid = int(line.split()[1])
            elif line == "start":
                started, began = True, time.perf_counter()
        killed = kill_after_iterations is not None
        if killed:
            _busy(kill_after_iterations)
            os.kill(pid, signal.SIGKILL)  # a zombie until reaped below, so the pid is still ours
        elapsed = 0.0
        while not killed and not done:
            line = self._line()
            if line == "done":
                done, elapsed = True, time.perf_counter() - began
            elif line.startswith("progress") and kill_at_progress is not None:
                if seen_progress == kill_at_progress:
                    os.kill(pid, signal.SIGKILL)
                    killed = True
                seen_progress += 1
        self.proc.stdin.write("reap\n")
        self.proc.stdin.flush()
        while (line := self._line()) != "reaped":
            done = done or line == "done"
        return not done, elapsed

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=60)


@pytest.mark.slow
def test_kill_during_create_leaves_old_or_new_case_never_a_partial_one(tmp_path: Path) -> None:
    path = tmp_path / "case.itcase"
    hashes = {seed: data_hash(big_trades_tables(N_ROWS, seed=seed)) for seed in (1, 2)}
    CaseStore.create(path, big_trades_tables(N_ROWS, seed=1), FILE_HASHES, FILE_NAMES)
    current = 1
    rng = np.random.default_rng(20240607)
    zygote = _Zygote(path)
    try:
        killed, duration = zygote.run(2)  # an unkilled run measures how long a create takes
        assert not killed
        current = 2
        span = int(1.2 * duration * _iterations_per_second())
        outcomes = {"old": 0, "new": 0}
        for round_no in range(22):
            target = 3 - current
            if round_no % 2:
                zygote.run(target, kill_at_progress=int(rng.integers(0, 5)))
            else:
                zygote.run(target, kill_after_iterations=int(rng.integers(0, span)))
            with CaseStore.open(path, read_only=True) as store:
                report = store.verify()
            assert report.ok, (round_no, report.problems)
            assert report.data_hash in (hashes[current], hashes[target]), round_no
            outcomes["old" if report.data_hash == hashes[current] else "new"] += 1
            current = 1 if report.data_hash == hashes[1] else 2
            leftovers = [p for p in temp_files(path) if p.name.endswith(TEMP_SUFFIX)]
            assert len(leftovers) <= 1  # each create removes what earlier killed writers left
        assert outcomes["old"] >= 1
    finally:
        zygote.close()
    CaseStore.create(path, big_trades_tables(N_ROWS, seed=3), FILE_HASHES, FILE_NAMES, force=True)
    assert temp_files(path) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case.itcase"]


@pytest.mark.slow
def test_kill_while_saving_notes_keeps_the_last_committed_note(tmp_path: Path) -> None:
    path = tmp_path / "case.itcase"
    CaseStore.create(path, big_trades_tables(2_000, seed=1), FILE_HASHES, FILE_NAMES)
    rng = np.random.default_rng(99)
    saved = 0
    for _ in range(3):
        proc = subprocess.Popen([sys.executable, "-c", NOTES_CHILD, str(path)], cwd=ROOT,
                                stdout=subprocess.PIPE, text=True, bufsize=1)
        last = -1
        for _ in range(int(rng.integers(5, 300))):
            last = int(proc.stdout.readline())
        _busy(int(rng.integers(0, 5_000)))
        proc.kill()
        proc.wait()
        last = max([last] + [int(x) for x in proc.stdout.read().split()])  # printed before the kill
        proc.stdout.close()
        saved += last + 1
        with CaseStore.open(path) as store:
            text = store.note("007").text
            committed = int(text.removeprefix("<p>draft ").removesuffix("</p>"))
            assert committed in (last, last + 1)  # printed after its commit; one more may have landed
            saved += committed - last
            assert store.verify().ok
            assert len(store.audit_entries()) == 1 + saved
