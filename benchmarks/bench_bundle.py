"""The offline bundle: size, build time, start to a usable window, and ``--selftest``.

Run: .venv/bin/python benchmarks/bench_bundle.py [--build] [--runs 3] [--cold]
  --build  time installer/build_bundle.sh first (about 5 minutes; needs the package index)
  --cold   drop the page cache before the first start (root only) for a true cold start
Start-up: the bundle runs with ITWB_EXIT_AFTER_SHOW=1, which quits once the main window is
shown (ui/app.py); measured on the offscreen platform and, when xvfb-run exists, on X11 (xcb).
Target: start to a usable window <= 3 s. Networking is disabled (unshare -n) when permitted.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, load

sys.path.insert(0, str(ROOT))
from tests.installer.offline import private_env, unshare_prefix  # noqa: E402

DIST = ROOT / "dist"
EXE = DIST / "workbench" / "workbench"
START_TARGET_S = 3.0


def _tree_size(folder: Path) -> tuple[int, int]:
    """(bytes, files) below ``folder``, symlinks not followed."""
    files = [p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()]
    return sum(p.stat().st_size for p in files), len(files)


def _timed_run(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[float, subprocess.CompletedProcess[str]]:
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True, timeout=900)
    return time.perf_counter() - start, done


def _drop_caches() -> bool:
    try:
        os.sync()
        Path("/proc/sys/vm/drop_caches").write_text("3\n", encoding="ascii")
        return True
    except OSError:
        return False


def _start_times(platform: str, runs: int, cold: bool, base: Path) -> list[float]:
    """Seconds from exec to exit of ``workbench`` with ITWB_EXIT_AFTER_SHOW=1 (first may be cold)."""
    env = {**private_env(base), "ITWB_EXIT_AFTER_SHOW": "1", "QT_QPA_PLATFORM": platform}
    argv = [str(EXE)]
    if platform == "xcb":
        argv = ["xvfb-run", "-a", "-s", "-screen 0 1280x1024x24 +extension GLX +render", *argv]
    prefix = list(unshare_prefix() or ())
    times = []
    for i in range(runs):
        if cold and i == 0 and not _drop_caches():
            print("  (could not drop the page cache: first run is not cold)")
        seconds, done = _timed_run([*prefix, *argv], env, base)
        if done.returncode != 0:
            raise SystemExit(f"workbench start failed ({platform}): {done.stderr[-2000:]}")
        times.append(seconds)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", action="store_true", help="time installer/build_bundle.sh first")
    parser.add_argument("--runs", type=int, default=3, help="starts per platform (default 3)")
    parser.add_argument("--cold", action="store_true", help="drop the page cache before the first start")
    args = parser.parse_args()
    print(f"load average before: {load()}; networking disabled: {'unshare -n' if unshare_prefix() else 'no'}")
    if args.build:
        start = time.perf_counter()
        subprocess.run(["bash", str(ROOT / "installer" / "build_bundle.sh")], check=True,
                       stdout=subprocess.DEVNULL)
        print(f"build time (build_bundle.sh, fresh venv + PyInstaller): {time.perf_counter() - start:.0f} s")
    if not EXE.is_file():
        raise SystemExit(f"no bundle at {EXE}: run bash installer/build_bundle.sh first")
    size, files = _tree_size(EXE.parent)
    archives = sorted(DIST.glob("workbench-*.tar.gz"))
    print(f"bundle: {size / 1e6:.0f} MB in {files} files"
          + (f"; archive {archives[0].name}: {archives[0].stat().st_size / 1e6:.0f} MB" if archives else ""))
    platforms = ["offscreen"] + (["xcb"] if shutil.which("xvfb-run") else [])
    with tempfile.TemporaryDirectory(prefix="itwb-bench-bundle-") as tmp:
        for n, platform in enumerate(platforms):
            times = _start_times(platform, args.runs, args.cold and n == 0, Path(tmp) / platform)
            label = "cold, then warm" if args.cold and n == 0 else "first, then warm"
            print(f"start to usable window ({platform}, {label}): "
                  + ", ".join(f"{t:.2f}" for t in times)
                  + f" s; median {statistics.median(times):.2f} s (target <= {START_TARGET_S:.0f} s)")
        base = Path(tmp) / "selftest"
        prefix = list(unshare_prefix() or ())
        seconds, done = _timed_run([*prefix, str(EXE), "--selftest"], private_env(base), base)
        print(f"--selftest: {seconds:.1f} s wall, exit {done.returncode}: {done.stdout.strip()}")
    print(f"load average after: {load()}")
    return 0 if done.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
