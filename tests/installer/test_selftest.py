"""``main.py --selftest``: the full offline run from source, and its verdict when a step breaks."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.installer.offline import files_under, offline, private_env, unshare_prefix

ROOT = Path(__file__).resolve().parents[2]
PROBE = "import socket\nsocket.create_connection(('1.1.1.1', 53), timeout=5)\n"
OK_LINE = re.compile(r"^selftest OK: import \d+\.\d s, analysis \d+\.\d s, packet \d+\.\d s, "
                     r"(\d+) pages, (\d+)/(\d+) planted insiders flagged$")


def _run_offline(argv: list[str], base: Path) -> subprocess.CompletedProcess[str]:
    env = private_env(base)
    (base / "cwd").mkdir(exist_ok=True)
    argv, env = offline(argv, env, base / "blocker")
    return subprocess.run(argv, env=env, cwd=base / "cwd", capture_output=True, text=True, timeout=600)


def test_the_offline_wrapper_really_blocks_the_network(tmp_path: Path) -> None:
    """Guard for the test below: a connection attempt under the same wrapper must fail."""
    done = _run_offline([sys.executable, "-c", PROBE], tmp_path)
    assert done.returncode != 0
    assert ("Network is unreachable" in done.stderr if unshare_prefix() else "network disabled" in done.stderr)


def test_the_socket_blocker_fallback_refuses_connections_and_lookups(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Where unshare is not permitted, the sitecustomize blocker stands in for it."""
    from tests.installer import offline as offline_module
    monkeypatch.setattr(offline_module, "unshare_prefix", lambda: None)
    for code in (PROBE, "import socket\nsocket.getaddrinfo('pypi.org', 443)\n"):
        argv, env = offline_module.offline([sys.executable, "-c", code], private_env(tmp_path), tmp_path / "b")
        done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode != 0 and "network disabled for this offline run" in done.stderr


@pytest.mark.slow
def test_selftest_from_source_passes_offline_and_writes_only_to_its_folders(tmp_path: Path) -> None:
    done = _run_offline([sys.executable, str(ROOT / "main.py"), "--selftest"], tmp_path)
    lines = done.stdout.strip().splitlines()
    assert done.returncode == 0, done.stdout + done.stderr
    assert len(lines) == 1 and (match := OK_LINE.match(lines[0])), done.stdout
    pages, found, planted = map(int, match.groups())
    assert pages > 10 and planted > 0 and found >= 0.75 * planted
    # The temporary case folder is gone; nothing in the working folder, data or settings.
    for name in ("tmp", "cwd", "data", "settings"):
        assert files_under(tmp_path / name) == [], name
    assert files_under(tmp_path / "log") == ["workbench.log"]
    assert lines[0] in (tmp_path / "log" / "workbench.log").read_text(encoding="utf-8")
    # Fontconfig may refresh its per-user cache on a machine whose system cache is stale.
    assert [f for f in files_under(tmp_path / "home") if not f.startswith(".cache/fontconfig/")] == []



def _verdict(capsys: pytest.CaptureFixture[str]) -> str:
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def test_a_broken_input_file_fails_the_import_step(monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    import pandas as pd

    from ui import selftest
    real_write = selftest.write_demo_market

    def write_without_buy_value(out: Path, seed: int) -> dict[str, Path]:
        paths = real_write(out, seed=seed)
        pd.read_csv(paths["trades"], dtype=str).drop(columns=["buy_value"]).to_csv(paths["trades"], index=False)
        return paths

    monkeypatch.setattr(selftest, "write_demo_market", write_without_buy_value)
    assert selftest.run_selftest() == 1
    verdict = _verdict(capsys)
    assert verdict.startswith("selftest FAILED at import: ") and "trades.csv" in verdict and "buy_value" in verdict


@pytest.mark.slow
def test_a_packet_that_does_not_match_its_case_fails_the_packet_check(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from pypdf import PdfReader, PdfWriter

    from ui import selftest
    real_export = selftest.export_packet

    def export_with_a_foreign_data_hash(store, result, pdf_path: Path, figures) -> bytes:
        data = real_export(store, result, pdf_path, figures)
        writer = PdfWriter(clone_from=PdfReader(str(pdf_path)))
        keywords = str(writer.metadata["/Keywords"])
        writer.add_metadata({"/Keywords": re.sub(r"data_hash=[0-9a-f]{64}", "data_hash=" + "0" * 64, keywords)})
        writer.write(str(pdf_path))
        return data

    monkeypatch.setattr(selftest, "_render_figures", lambda result, tables: {})  # no Qt needed here
    monkeypatch.setattr(selftest, "export_packet", export_with_a_foreign_data_hash)
    assert selftest.run_selftest() == 1
    verdict = _verdict(capsys)
    assert verdict.startswith("selftest FAILED at packet verification: the packet's data hash 0000000000000000")


def test_a_crashing_step_is_named_with_its_error(monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    from ui import selftest

    def analysis_out_of_memory(*args, **kwargs):
        raise MemoryError("cannot allocate the panel")

    monkeypatch.setattr(selftest, "analyze", analysis_out_of_memory)
    assert selftest.run_selftest() == 1
    assert _verdict(capsys) == "selftest FAILED at analysis: MemoryError: cannot allocate the panel"
