"""Import edge cases found by the bad-input campaign (issue 18 items 8, 10, 12): files that are
not regular or not text are refused from a bounded prefix (no hang, no MemoryError), Parquet
dates out of range and boolean volumes are named by row and column, and what an import
accepts but should say is printed and logged; the log file is private."""
from __future__ import annotations

import datetime as dt
import io
import os
import stat
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import main
from engine.applog import configure_logging, log_file
from engine.case.store import CaseStore
from engine.ingest import read as read_mod
from tests.engine.bad_inputs.base import BASE, set_cell, write_case

ROOT = Path(__file__).resolve().parents[2]


def _argv(paths: dict[str, Path], out: Path) -> list[str]:
    argv = ["import", "-q", "-o", str(out)]
    for name, path in paths.items():
        argv += [f"--{name}", str(path)]
    return argv


def test_a_fifo_as_input_is_refused_without_waiting(tmp_path: Path) -> None:
    paths = write_case(tmp_path / "in")
    paths["trades"].unlink()
    os.mkfifo(paths["trades"])
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), *_argv(paths, tmp_path / "c.itcase")],
                          capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 2 and "trades.csv: is not a regular file (a pipe, device or socket)" in done.stderr


def test_dev_zero_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = write_case(tmp_path / "in")
    paths["prices"] = Path("/dev/zero")
    assert main.main(_argv(paths, tmp_path / "c.itcase")) == 2
    assert "zero: is not a regular file" in capsys.readouterr().err


def test_a_huge_sparse_file_is_refused_from_its_first_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    paths = write_case(tmp_path / "in")
    with open(paths["trades"], "wb") as handle:  # 1 GiB of holes: a few blocks on disk
        handle.truncate(1024**3)
    reads: list[int] = []
    real_open = open

    class Counting(io.BufferedReader):
        def read(self, size: int | None = -1) -> bytes:  # type: ignore[override]
            data = super().read(size)
            reads.append(len(data))
            return data

    def counting_open(p, mode="r"):
        raw = real_open(p, "rb", buffering=0)
        return Counting(raw) if Path(p) == paths["trades"] else io.BufferedReader(raw)

    monkeypatch.setattr(read_mod, "open", counting_open, raising=False)
    assert main.main(_argv(paths, tmp_path / "c.itcase")) == 2
    assert "binary data, not CSV text (a NUL byte at offset 0)" in capsys.readouterr().err
    assert sum(reads) <= read_mod.SNIFF_BYTES


def test_an_oversized_file_is_refused_by_its_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(read_mod, "MAX_INPUT_BYTES", 100)
    assert main.main(_argv(write_case(tmp_path / "in"), tmp_path / "c.itcase")) == 2
    assert "trades.csv: is 0.0 GiB, larger than the 0 GiB" in capsys.readouterr().err


def _trades_parquet(path: Path, dates: list, volumes: pa.Array | None = None) -> Path:
    frame = pd.read_csv(io.StringIO(BASE["trades"]), dtype={"investor_id": str})
    table = pa.Table.from_pandas(frame, preserve_index=False)
    table = table.set_column(table.schema.get_field_index("date"), "date", pa.array(dates))
    if volumes is not None:
        table = table.set_column(table.schema.get_field_index("buy_shares"), "buy_shares", volumes)
    pq.write_table(table, path)
    return path


@pytest.mark.parametrize("bad, shown", [(dt.date(3000, 1, 1), "3000-01-01"), (dt.date(1850, 5, 5), "1850-05-05"),
                                        (dt.datetime(9999, 1, 1), "9999-01-01")])
def test_parquet_dates_out_of_range_are_named(tmp_path: Path, bad, shown: str,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    paths = write_case(tmp_path / "in")
    n = BASE["trades"].count("\n") - 1
    good = dt.datetime(2024, 1, 2) if isinstance(bad, dt.datetime) else dt.date(2024, 1, 2)
    dates = [good] * n
    dates[2] = bad
    paths["trades"] = _trades_parquet(tmp_path / "in" / "trades.parquet", dates)
    assert main.main(_argv(paths, tmp_path / "c.itcase")) == 2
    err = capsys.readouterr().err
    assert f"trades.parquet, row 4, column date: the date {shown}" in err and "outside the years 1900-2200" in err
    assert "blank date" not in err


def test_a_boolean_volume_column_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = write_case(tmp_path / "in")
    n = BASE["trades"].count("\n") - 1
    paths["trades"] = _trades_parquet(tmp_path / "in" / "trades.parquet", [dt.date(2024, 1, 2 + i % 4) for i in range(n)],
                                      pa.array([i % 2 == 0 for i in range(n)]))
    assert main.main(_argv(paths, tmp_path / "c.itcase")) == 2
    assert "trades.parquet, column buy_shares: the column holds true/false values, not numbers" \
        in capsys.readouterr().err


def test_unmatched_investors_and_future_trades_are_printed_and_logged(tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    investors = "investor_id,investor_type\n123,H\n7,IF\n42,L\n"  # two ids lost their leading zeros
    future = (dt.date.today() + dt.timedelta(days=400)).isoformat()
    trades = BASE["trades"] + f"42,BBB,{future},0,1,0,3,0,1,X\n"
    paths = write_case(tmp_path / "in", {"investors": investors, "trades": trades})
    out = tmp_path / "c.itcase"
    assert main.main(_argv(paths, out)) == 0
    err = capsys.readouterr().err
    expected = [f"investors.csv: 2 of 3 investors match no trade in trades.csv (e.g. '123', '7'); ids are "
                "compared as text, so leading zeros matter",
                f"trades.csv: 1 row is dated after the import day ({dt.date.today().isoformat()}), the latest "
                f"{future} (row {trades.count(chr(10))})"]
    assert [line[len("warning: "):] for line in err.splitlines() if line.startswith("warning: ")] == expected
    with CaseStore.open(out, read_only=True) as store:
        assert store.audit_entries()[0].details["warnings"] == expected


def test_a_clean_import_warns_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main.main(_argv(write_case(tmp_path / "in"), tmp_path / "c.itcase")) == 0
    assert "warning" not in capsys.readouterr().err
    with CaseStore.open(tmp_path / "c.itcase", read_only=True) as store:
        assert "warnings" not in store.audit_entries()[0].details


def test_the_log_file_is_readable_by_its_owner_only() -> None:
    target = log_file()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("old\n")
    target.chmod(0o644)  # a world-readable log left by an older version
    assert configure_logging() == target
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_event_after_the_data_is_refused_at_import_as_analyze_would(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    paths = write_case(tmp_path / "in", {"events": set_cell(BASE["events"], 2, "event_date", "2024-01-16")})
    assert main.main(_argv(paths, tmp_path / "c.itcase")) == 2
    assert "events.csv, row 2, column event_date: event_date 2024-01-16 is after the last date" \
        in capsys.readouterr().err
