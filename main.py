"""Entry point: the workbench GUI, or a headless command (see --help)."""
from __future__ import annotations

import argparse
import atexit
import contextlib
import importlib
import logging
import os
import sys
import threading
from typing import NoReturn

from engine.applog import configure_logging, log_file
from engine.cli import COMMANDS, Command
from engine.errors import CaseFileError, InputError, SchedulerError, UsageError
from engine.version import SOFTWARE_VERSION

EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT = 0, 1, 2
EXIT_OUTPUT_LOST = 120   # Python's own exit status when stdout cannot be flushed at exit


# The one command that renders figures with Qt (offscreen) lives in ui/.
ALL_COMMANDS: dict[str, Command] = {
    **COMMANDS, "report": Command("ui.report_cmd", "write the PDF case packet of an event")}


OPEN = "--open"   # the one option before the command that takes a value


def command_named(argv: list[str]) -> str | None:
    """The sub-command ``argv`` names (its first word that is neither an option nor the value of
    ``--open``), if any: its module is the only one imported and configured."""
    words = iter(argv)
    for word in words:
        if word == OPEN:
            next(words, None)
        elif not word.startswith("-"):
            return word
    return None


def build_parser(argv: list[str]) -> argparse.ArgumentParser:
    """The command line: no sub-command opens the GUI; sub-commands run headless.

    Only the module of the command named in ``argv`` is imported and configured.
    """
    parser = argparse.ArgumentParser(
        prog="main.py",
        description="Insider-trading investigation workbench. Without a command it opens the GUI.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {SOFTWARE_VERSION}")
    parser.add_argument("--demo", action="store_true", help="open the workbench on the bundled demo case")
    parser.add_argument("--selftest", action="store_true",
                        help="generate, import, analyse and report a small demo case in a temporary folder")
    parser.add_argument(OPEN, dest="case", metavar="CASE", help="open the workbench on this .itcase file")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    chosen = command_named(argv)
    for name, command in ALL_COMMANDS.items():
        command_parser = sub.add_parser(name, help=command.summary)
        if name == chosen:
            importlib.import_module(command.module).configure(command_parser)
    return parser


def _run_gui(args: argparse.Namespace) -> int:
    from ui.app import run_gui  # Qt is imported only for the GUI
    return run_gui(case=args.case, demo=args.demo)


def main(argv: list[str] | None = None) -> int:
    """Parse, dispatch, and turn every error into a message and an exit code."""
    argv = sys.argv[1:] if argv is None else argv
    return dispatch(build_parser(argv).parse_args(argv))


def dispatch(args: argparse.Namespace) -> int:
    """Run the parsed command (or the GUI); every error becomes a message and an exit code."""
    configure_logging()
    log = logging.getLogger("main")
    try:
        if args.command:
            return int(args.run(args) or 0)
        if args.selftest:
            from ui.selftest import run_selftest
            return run_selftest()
        return _run_gui(args)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (CaseFileError, UsageError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except SchedulerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_FAILURE
    except Exception as exc:  # the last line of defence: no traceback on screen
        log.exception("unexpected error")
        print(f"error: {exc.__class__.__name__}: {exc} (details in {log_file()})", file=sys.stderr)
        return EXIT_FAILURE


def end_headless(code: int) -> NoReturn:
    """Exit with ``code`` once the exit handlers have run, without the interpreter's teardown:
    freeing every object of the ~1,300 modules a headless analysis imports, one by one, took
    0.5-0.9 s of wall time after its output was written (dense case, load ~5); the system frees
    the process's memory at once. Not while another thread that the teardown would wait for still runs."""
    if any(not t.daemon for t in threading.enumerate() if t is not threading.main_thread()):
        sys.exit(code)
    atexit._run_exitfuncs()
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except (OSError, ValueError) as exc:   # a full disk or a closed pipe: the output is lost
        code = code or EXIT_OUTPUT_LOST   # never a success, as the interpreter's own end would say
        with contextlib.suppress(OSError, ValueError):
            print(f"error: the output could not be written ({exc})", file=sys.stderr)
    with contextlib.suppress(OSError, ValueError, AttributeError):
        sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    parsed = build_parser(sys.argv[1:]).parse_args(sys.argv[1:])
    status = dispatch(parsed)
    if parsed.command in COMMANDS:   # the GUI and ``report`` tear Qt down in order
        end_headless(status)
    sys.exit(status)
