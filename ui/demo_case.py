"""The bundled demo case: generated once in the user data folder, rebuilt on a new version."""
from __future__ import annotations

import tempfile
from pathlib import Path

from engine.applog import data_dir
from engine.progress import Reporter
from engine.version import SOFTWARE_VERSION

DEMO_SEED = 7


def demo_case_path() -> Path:
    return data_dir() / "demo" / "demo.itcase"


def _marker() -> Path:
    return data_dir() / "demo" / "version.txt"


def demo_is_current() -> bool:
    """True when the demo case exists and was built by this software version."""
    marker = _marker()
    return (demo_case_path().is_file() and marker.is_file()
            and marker.read_text(encoding="utf-8").strip() == SOFTWARE_VERSION)


def build_demo_case(reporter: Reporter | None = None) -> Path:
    """Generate the default-scale demo market and import it (replacing an older build)."""
    from engine.demo.generate import demo_paths, write_demo_market
    from engine.ingest.importer import import_case
    rep = reporter or Reporter()
    rep.plan([("Generating the demo market", 1.0), ("Importing the demo case", 1.0)])
    out = demo_case_path()
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="itwb-demo-") as tmp:
        rep.stage("Generating the demo market")
        write_demo_market(Path(tmp), seed=DEMO_SEED)
        rep.stage("Importing the demo case")
        import_case(demo_paths(Path(tmp)), out, force=True, reporter=None)
    _marker().write_text(SOFTWARE_VERSION, encoding="utf-8")
    rep.advance(1.0)
    return out

