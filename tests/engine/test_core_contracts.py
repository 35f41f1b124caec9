"""The shared core: Qt-free engine, parameters, safe serialisation, progress/cancel."""
from __future__ import annotations

import dataclasses
import datetime as dt
import io
import pkgutil
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

import engine
from engine.errors import Cancelled, InputError, Problem
from engine.params import AnalysisParams
from engine.progress import Reporter
from engine import serialize
from engine.serialize import dumps, loads

ROOT = Path(__file__).resolve().parents[2]


def test_engine_never_loads_qt() -> None:
    """Importing every engine module in a fresh interpreter leaves Qt unloaded (lazy imports too)."""
    names = [m.name for m in pkgutil.walk_packages(engine.__path__, "engine.")]
    assert len(names) >= 5
    code = ("import importlib, sys\n"
            f"for n in {names!r}: importlib.import_module(n)\n"
            "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph', 'shiboken6', 'ui', 'views')]\n"
            "print(','.join(bad))\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_params_round_trip_and_hash_changes_with_any_setting() -> None:
    base = AnalysisParams()
    assert AnalysisParams.from_dict(base.to_dict()) == base
    assert base.hash() == AnalysisParams().hash()
    seen = {base.hash()}
    for section in ("kmeans", "svn", "options", "episodes"):
        for f in dataclasses.fields(getattr(base, section)):
            value = getattr(getattr(base, section), f.name)
            new = (not value) if isinstance(value, bool) else (
                value + 1 if isinstance(value, (int, float)) else f"{value}x" if isinstance(value, str) else 3)
            changed = base.replace(section, **{f.name: new})
            assert changed.hash() not in seen, (section, f.name)
            seen.add(changed.hash())
    with pytest.raises(ValueError, match="unknown"):
        AnalysisParams.from_dict({"kmeans": {"bogus": 1}})


def test_method_defaults() -> None:
    p = AnalysisParams()
    assert (p.kmeans.window_length, p.kmeans.window_step, p.kmeans.n_windows) == (20, 5, 27)
    assert (p.kmeans.k_min, p.kmeans.k_max, p.kmeans.elbow_tolerance) == (2, 15, 0.05)
    assert (p.svn.theta, p.svn.min_active_days, p.svn.alpha, p.svn.correction) == (0.01, 8, 0.01, "bonferroni")
    assert (p.options.alert_threshold, p.options.high_threshold, p.options.iforest_contamination) == (0.7, 0.85, 0.1)
    assert p.episodes.high_risk_score == 650


@dataclasses.dataclass(frozen=True)
class _Inner:
    n: int
    x: float | None
    ids: np.ndarray


@dataclasses.dataclass(frozen=True)
class _Outer:
    items: list[_Inner]
    counts: dict[str, int]
    day: dt.date
    pair: tuple[int, ...]
    maybe: _Inner | None = None


def test_serialize_round_trip_keeps_text_ids_and_is_deterministic() -> None:
    obj = _Outer([_Inner(1, None, np.array(["007", "x"], dtype=object)),
                  _Inner(2, 2.5, np.arange(4, dtype=np.int32))],
                 {"a": 1}, dt.date(2020, 7, 1), (3, 4))
    payload = dumps(obj)
    back = loads(_Outer, payload)
    assert back.items[0].ids.dtype == object and list(back.items[0].ids) == ["007", "x"]
    assert back.items[1].ids.dtype == np.int32 and back.items[1].x == 2.5
    assert (back.counts, back.day, back.pair, back.maybe) == ({"a": 1}, dt.date(2020, 7, 1), (3, 4), None)
    assert dumps(back) == payload
    members = zipfile.ZipFile(io.BytesIO(payload)).infolist()
    assert {m.date_time for m in members} == {(1980, 1, 1, 0, 0, 0)}  # no clock time in the bytes


def _sample() -> _Outer:
    return _Outer([_Inner(1, None, np.array(["007", "x"], dtype=object)),
                   _Inner(2, 2.5, np.arange(4, dtype=np.int32))], {"a": 1}, dt.date(2020, 7, 1), (3, 4))


def test_serialized_arrays_are_standard_zstandard_frames_of_npy_bytes() -> None:
    """Each member is a .npy file in one Zstandard frame, readable by any zstd decoder."""
    archive = zipfile.ZipFile(io.BytesIO(dumps(_sample())))
    assert all(m.filename.endswith(".npy.zst") and m.compress_type == zipfile.ZIP_STORED
               for m in archive.infolist())
    raw = pa.input_stream(pa.py_buffer(archive.read("a1.npy.zst")), compression="zstd").read()
    assert np.array_equal(np.load(io.BytesIO(raw), allow_pickle=False), np.arange(4, dtype=np.int32))


@pytest.mark.parametrize("array", [
    np.arange(6).reshape(2, 3), np.asfortranarray(np.arange(6.0).reshape(2, 3)), np.array(3.5),
    np.zeros(0, dtype="<U3"), np.zeros((0, 4)), np.array(["007", "x"]), np.arange(10)[::2],
    np.array([True, False]), np.arange(3, dtype=">i4"), np.zeros(2, dtype=[("a", "<i4"), ("b", "<f8")])],
    ids=["c", "fortran", "scalar", "empty-text", "empty-2d", "text", "strided", "bool", "big-endian", "record"])
def test_member_bytes_are_what_numpy_writes(array: np.ndarray) -> None:
    """The one-copy .npy bytes of a member equal numpy's own ``write_array`` output."""
    assert bytes(serialize._npy_bytes(array)) == _npy(array)


def test_members_compressed_on_threads_give_the_bytes_of_one_thread(monkeypatch) -> None:
    obj = _Outer([_Inner(i, None, np.arange(1000 * i, dtype=np.int64) % 7) for i in range(1, 9)],
                 {"a": 1}, dt.date(2020, 7, 1), (3, 4))
    threaded = dumps(obj)
    monkeypatch.setattr(serialize, "_THREADS", 1)
    assert dumps(obj) == threaded


def test_results_cached_by_earlier_versions_still_load() -> None:
    """The earlier format (an .npz of zlib-deflated members) is still read, values unchanged."""
    payload = dumps(_sample())
    old = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(payload)) as new, zipfile.ZipFile(old, "w", zipfile.ZIP_DEFLATED) as npz:
        for member in new.namelist():
            raw = pa.input_stream(pa.py_buffer(new.read(member)), compression="zstd").read()
            npz.writestr(member.removesuffix(".zst"), raw)
    assert dumps(loads(_Outer, old.getvalue())) == payload


def test_a_pickled_array_in_a_result_is_refused() -> None:
    buffer, member = io.BytesIO(), io.BytesIO()
    np.save(member, np.array([{"x": 1}], dtype=object), allow_pickle=True)
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a0.npy", member.getvalue())
    with pytest.raises(ValueError):
        loads(_Outer, buffer.getvalue())


def _one_member(name: str, npy: bytes, compress_type: int = zipfile.ZIP_STORED) -> bytes:
    """A serialised result whose only array is ``npy`` as a Zstandard member (beside its JSON)."""
    good = zipfile.ZipFile(io.BytesIO(dumps(_Inner(1, None, np.arange(2)))))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("__json__.npy.zst"), good.read("__json__.npy.zst"))
        info = zipfile.ZipInfo(f"{name}.npy.zst")
        info.compress_type = compress_type
        archive.writestr(info, pa.Codec("zstd", 1).compress(npy, asbytes=True))
    return buffer.getvalue()


def _npy(array: np.ndarray) -> bytes:
    out = io.BytesIO()
    np.lib.format.write_array(out, array, allow_pickle=False)
    return out.getvalue()


def test_a_decompression_bomb_is_refused_before_it_fills_memory() -> None:
    """A 1 TB array of zeros declared in a few kilobytes: refused from its header, nothing unpacked."""
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "<f8", "fortran_order": False, "shape": (1 << 37,)})
    payload = _one_member("a0", header.getvalue() + bytes(1 << 20))
    assert len(payload) < 1 << 16
    with pytest.raises(ValueError, match="declares"):
        loads(_Inner, payload)


def test_an_array_longer_or_shorter_than_its_header_is_refused() -> None:
    npy = _npy(np.arange(4, dtype=np.int64))
    assert loads(_Inner, _one_member("a0", npy)).ids.tolist() == [0, 1, 2, 3]
    for bad in (npy + bytes(8), npy[:-8]):
        with pytest.raises(ValueError, match="header says"):
            loads(_Inner, _one_member("a0", bad))


def test_a_zstandard_member_must_be_stored_as_written() -> None:
    """Deflate inside the zip could inflate a small payload a thousandfold before any check."""
    with pytest.raises(ValueError, match="not stored"):
        loads(_Inner, _one_member("a0", _npy(np.arange(4)), zipfile.ZIP_DEFLATED))


def _json_member(payload: bytes) -> bytes:
    """The unpacked JSON structure of a serialised result (its size counts against the budget)."""
    raw = zipfile.ZipFile(io.BytesIO(payload)).read("__json__.npy.zst")
    return pa.input_stream(pa.py_buffer(raw), compression="zstd").read()


def test_the_arrays_of_a_result_share_one_memory_budget(monkeypatch) -> None:
    """Each array fits the budget alone; together they exceed it, so the result is refused."""
    obj = _Outer([_Inner(1, None, np.zeros(100)), _Inner(2, None, np.zeros(100))], {}, dt.date(2020, 1, 1), ())
    payload = dumps(obj)
    monkeypatch.setattr("engine.serialize._memory_budget", lambda: 1000 + len(_json_member(payload)))
    with pytest.raises(ValueError, match="declares"):
        loads(_Outer, payload)


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_the_budget_follows_a_control_group_limit(tmp_path, version) -> None:
    """In a container limited to 4 GB (3 GB used) a bomb may unpack 0.5 GB, not half the host's memory."""
    listing, root = tmp_path / "cgroup", tmp_path / "sys"
    if version == "v2":
        listing.write_text("0::/box\n")
        folder, limit, used = root / "box", "memory.max", "memory.current"
    else:
        listing.write_text("5:devices:/\nnot a cgroup line\n4:memory:/box\n0::/\n")
        folder, limit, used = root / "memory" / "box", "memory.limit_in_bytes", "memory.usage_in_bytes"
    folder.mkdir(parents=True)
    (folder / limit).write_text(f"{4 << 30}\n")
    (folder / used).write_text(f"{3 << 30}\n")
    assert serialize._cgroup_room(listing, root) == 1 << 30
    (folder / limit).write_text("max\n" if version == "v2" else "9223372036854771712\n")   # no limit
    assert serialize._cgroup_room(listing, root) is None


def test_the_budget_is_half_the_smaller_room(monkeypatch) -> None:
    monkeypatch.setattr(serialize, "_meminfo_available", lambda: 10 << 30)
    monkeypatch.setattr(serialize, "_cgroup_room", lambda: 2 << 30)
    assert serialize._memory_budget() == 1 << 30
    monkeypatch.setattr(serialize, "_cgroup_room", lambda: None)
    assert serialize._memory_budget() == 5 << 30


def test_fortran_ordered_and_empty_arrays_round_trip_writable() -> None:
    obj = _Outer([_Inner(1, None, np.asfortranarray(np.arange(6.0).reshape(2, 3))),
                  _Inner(2, None, np.array([], dtype="<U3"))], {}, dt.date(2020, 1, 1), ())
    back = loads(_Outer, dumps(obj))
    assert np.array_equal(back.items[0].ids, obj.items[0].ids) and back.items[0].ids.flags.f_contiguous
    assert back.items[1].ids.shape == (0,) and back.items[0].ids.flags.writeable


def test_reporter_weights_and_cancel() -> None:
    seen: list[tuple[str, float]] = []
    rep = Reporter(lambda s, f: seen.append((s, f)))
    rep.plan([("a", 1.0), ("b", 3.0)])
    rep.stage("a")
    rep.advance(1.0)
    rep.stage("b")
    rep.advance(0.5)
    assert seen[0] == ("a", 0.0)
    assert seen[-1] == ("b", pytest.approx(0.25 + 0.75 * 0.5))
    assert [f for _, f in seen] == sorted(f for _, f in seen)
    cancel = threading.Event()
    rep2 = Reporter(cancel_event=cancel)
    rep2.check()
    cancel.set()
    with pytest.raises(Cancelled):
        rep2.check()


def test_problem_wording_follows_case_format() -> None:
    err = InputError([Problem("trades.csv", 4, "buy_shares", "negative volume -3"),
                      Problem("events.csv", None, None, "file is empty")])
    assert str(err).splitlines() == ["trades.csv, row 4, column buy_shares: negative volume -3",
                                     "events.csv: file is empty"]


def test_every_setting_has_exactly_one_definition() -> None:
    from engine.param_docs import PARAM_DOCS, param_rows
    rows = param_rows(AnalysisParams())
    assert {f"{section}.{name}" for section, name, _, _ in rows} == set(PARAM_DOCS)
    assert all(doc.strip() for _, _, _, doc in rows)
