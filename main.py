"""Entry point: the workbench GUI, or a headless command (see --help)."""
from __future__ import annotations

import argparse
import importlib
import logging
import sys

from engine.applog import configure_logging, log_file
from engine.cli import COMMANDS, Command
from engine.errors import CaseFileError, InputError, SchedulerError, UsageError
from engine.version import SOFTWARE_VERSION

EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT = 0, 1, 2


# The one command that renders figures with Qt (offscreen) lives in ui/.
ALL_COMMANDS: dict[str, Command] = {
    **COMMANDS, "report": Command("ui.report_cmd", "write the PDF case packet of an event")}


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
    parser.add_argument("--open", dest="case", metavar="CASE", help="open the workbench on this .itcase file")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    chosen = next((a for a in argv if not a.startswith("-")), None)
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
    args = build_parser(argv).parse_args(argv)
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


if __name__ == "__main__":
    sys.exit(main())
