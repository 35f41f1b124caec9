"""A headless command run as a script ends without the interpreter's teardown (main.end_headless):
its output still arrives whole through a pipe, its exit code is kept, its exit handlers run."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import main
from engine.cli.params_cmd import settings_text
from engine.params import AnalysisParams

ROOT = Path(__file__).resolve().parents[2]


def _script(*argv: str, code: str = "") -> subprocess.CompletedProcess[str]:
    """main.py run as ``__main__`` in a fresh interpreter, after ``code``."""
    run = "\n".join(("import runpy, sys", f"sys.argv = ['main.py', *{list(argv)!r}]", code,
                     "runpy.run_path('main.py', run_name='__main__')"))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}   # stdout buffered, as usual
    return subprocess.run([sys.executable, "-c", run], capture_output=True, text=True, cwd=ROOT, env=env,
                          timeout=120)


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
