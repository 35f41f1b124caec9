"""Run a command with networking disabled: ``unshare -n`` when permitted, else a socket blocker.

The blocker is a ``sitecustomize`` that makes every IPv4/IPv6 connect and name lookup raise;
it only reaches Python started from source (a frozen bundle ignores PYTHONPATH), so bundle
tests require ``unshare``.
"""
from __future__ import annotations

import functools
import os
import subprocess
from pathlib import Path

BLOCKER = '''\
import socket

def _refuse(*args, **kwargs):
    raise OSError("network disabled for this offline run")

_connect, _connect_ex = socket.socket.connect, socket.socket.connect_ex

def _guard(method):
    def guarded(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6):
            _refuse()
        return method(self, address)
    return guarded

socket.socket.connect = _guard(_connect)
socket.socket.connect_ex = _guard(_connect_ex)
socket.getaddrinfo = socket.create_connection = _refuse
'''


@functools.cache
def unshare_prefix() -> tuple[str, ...] | None:
    """The ``unshare`` options that work here (``-n`` as root, ``-rn`` as a user), or None."""
    for prefix in (("unshare", "-n"), ("unshare", "-rn")):
        try:
            done = subprocess.run([*prefix, "true"], capture_output=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if done.returncode == 0:
            return prefix
    return None


def offline(argv: list[str], env: dict[str, str], scratch: Path) -> tuple[list[str], dict[str, str]]:
    """``argv`` and ``env`` that run the command without network (``scratch`` holds the blocker)."""
    prefix = unshare_prefix()
    if prefix is not None:
        return [*prefix, *argv], env
    folder = scratch / "no-network"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sitecustomize.py").write_text(BLOCKER, encoding="utf-8")
    paths = [str(folder), *filter(None, [env.get("PYTHONPATH")])]
    return argv, {**env, "PYTHONPATH": os.pathsep.join(paths)}


def private_env(base: Path) -> dict[str, str]:
    """An environment whose home, data, log, settings and temp folders all lie under ``base``."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("ITWB_", "XDG_", "QT_", "PYTHON")) and k not in ("HOME", "TMPDIR", "DISPLAY")}
    folders = {"HOME": "home", "TMPDIR": "tmp", "ITWB_DATA_DIR": "data", "ITWB_LOG_DIR": "log",
               "ITWB_SETTINGS_DIR": "settings"}
    for key, name in folders.items():
        (base / name).mkdir(parents=True, exist_ok=True)
        env[key] = str(base / name)
    return env


def files_under(folder: Path) -> list[str]:
    """Every file below ``folder``, as sorted relative paths."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
