"""``--placebo`` and ``--scheduler``: where the independent tasks run, and their progress on stderr."""
from __future__ import annotations

import argparse
import sys

from engine.errors import UsageError
from engine.params import AnalysisParams
from engine.tasks.runner import Outcome, RunnerSpec, TaskListener, probe


def add_task_arguments(parser: argparse.ArgumentParser, placebo_default: int) -> None:
    """The placebo size and the Dask scheduler options."""
    parser.add_argument("--placebo", type=int, metavar="N", default=None,
                        help=f"pseudo-events of the placebo test, METHOD §5 (default {placebo_default}; 0 = off)")
    parser.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                        help="run the independent tasks on this Dask scheduler (default: local worker processes)")
    parser.add_argument("--workers", type=int, metavar="N",
                        help="local worker processes (default: the number of cores)")


def with_placebo(params: AnalysisParams, args: argparse.Namespace, default: int) -> AnalysisParams:
    """``--placebo N`` wins over the settings; without it, ``default`` when the settings say 0."""
    n = args.placebo if args.placebo is not None else (params.placebo.n or default)
    if n < 0:
        raise UsageError(f"--placebo must be 0 or more, not {n}")
    return params.replace("placebo", n=n)


def runner_spec(args: argparse.Namespace) -> RunnerSpec:
    """Local processes, or the scheduler given (tcp:// or tls:// only)."""
    if args.workers is not None and args.workers < 1:
        raise UsageError(f"--workers must be at least 1, not {args.workers}")
    address = args.scheduler
    if address is not None and not address.startswith(("tcp://", "tls://")):
        raise UsageError(f"--scheduler takes tcp://HOST:PORT or tls://HOST:PORT, not {address!r}")
    if address is not None:
        probe(address)   # before any work: an unreachable scheduler is an error at once
    return RunnerSpec(scheduler=address, workers=args.workers)


def stderr_listener(quiet: bool, what: str) -> TaskListener | None:
    """One line per finished task on stderr: which, where, and the error of a failed one."""
    if quiet:
        return None

    def show(outcome: Outcome, done: int, total: int) -> None:
        state = "done" if outcome.ok else f"FAILED (attempt {outcome.attempts}): {outcome.error}"
        print(f"{what} {done}/{total} {outcome.label} {state} [{outcome.where}]", file=sys.stderr, flush=True)
    return show
