"""A headless command run as a script ends without the interpreter's teardown (main.end_headless):
its output still arrives whole through a pipe, its exit code is kept, its exit handlers run."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import main
from engine.cli.params_cmd import settings_text
from engine.params import AnalysisParams

ROOT = Path(__file__).resolve().parents[2]


def _script(*argv: str, code: str = "", stdout: Any = subprocess.PIPE) -> subprocess.CompletedProcess[str]:
    """main.py run as ``__main__`` in a fresh interpreter, after ``code``."""
    run = "\n".join(("import runpy, sys", f"sys.argv = ['main.py', *{list(argv)!r}]", code,
                     "runpy.run_path('main.py', run_name='__main__')"))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}   # stdout buffered, as usual
    return subprocess.run([sys.executable, "-c", run], stdout=stdout, stderr=subprocess.PIPE, text=True,
                          cwd=ROOT, env=env, timeout=120)


def test_output_and_exit_code_survive_the_quick_end() -> None:
    out = _script("params")
    assert out.returncode == 0
    assert out.stdout == settings_text(AnalysisParams()) + "\n"   # buffered in the pipe until the end
    missing = _script("analyze", str(ROOT / "no-such.itcase"))
    assert missing.returncode == 2 and "no-such.itcase" in missing.stderr


def test_exit_handlers_run_and_only_engine_commands_end_early() -> None:
    registered = "import atexit; atexit.register(lambda: print('handler ran', flush=True))"
    assert _script("params", "--defaults", code=registered).stdout.endswith("handler ran\n")
    def command(*argv: str) -> str | None:   # what the script's end decides on
        return main.build_parser(list(argv)).parse_args(list(argv)).command
    assert command("analyze", "x", "--quiet") == "analyze" and "analyze" in main.COMMANDS
    assert "report" not in main.COMMANDS and command("--demo") is None   # Qt: torn down in order
    assert command("--open", "analyze") is None   # a case file named like a command opens the GUI


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (a disk that is always full)")
def test_output_lost_on_a_full_disk_is_never_a_success() -> None:
    """The buffered report cannot be written at the end: the command says so and exits 120, as the
    interpreter's own end would, instead of 0 with an empty file."""
    with open("/dev/full", "w") as full:
        out = _script("params", stdout=full)
    assert out.returncode == 120 and "could not be written" in out.stderr


def test_the_value_of_open_is_not_taken_for_a_command(capsys) -> None:
    """'--open CASE params' runs 'params' even when the case is named like a command."""
    assert main.command_named(["--open", "analyze", "params"]) == "params"
    assert main.command_named(["--open", "analyze"]) is None
    assert main.main(["--open", "analyze", "params", "--defaults"]) == 0
    assert capsys.readouterr().out == settings_text(AnalysisParams()) + "\n"
