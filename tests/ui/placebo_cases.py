"""Demo cases with room for a placebo test (the 'long' demo market), for the GUI's placebo and
screening tests: a small test (19 pseudo-events, the fewest that can reach p = 0.05) asked
for through the case's saved settings, as an investigator would set it."""
from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

from engine.params import AnalysisParams

N_PLACEBO = 19
PARAMS = AnalysisParams().replace("placebo", n=N_PLACEBO)
DECOY_STOCK = "ACR"


def long_case(root: Path, decoy: bool) -> Path:
    """The 'long' demo market as a case with the small placebo in its settings; with ``decoy``,
    a second event on another stock (same dates, nothing planted there)."""
    from engine.case.store import CaseStore
    from engine.demo.generate import demo_paths, write_demo_market
    from engine.ingest.importer import import_case
    from ui.session import PARAMS_SETTING
    write_demo_market(root, seed=7, scale="long")
    if decoy:
        events = pd.read_csv(root / "events.csv", dtype=str)
        real = events.iloc[0]
        extra = {**real.to_dict(), "event_id": f"DECOY-{DECOY_STOCK}", "stock": DECOY_STOCK, "offer_price": "",
                 "description": f"decoy event on {DECOY_STOCK}"}
        pd.concat([events, pd.DataFrame([extra])]).to_csv(root / "events.csv", index=False)
    case = root / "case.itcase"
    import_case(demo_paths(root), case)
    with CaseStore.open(case) as store:
        store.set_setting(PARAMS_SETTING, PARAMS.to_json())
    return case


def private_copy(master: Path, tmp_path: Path) -> Path:
    out = tmp_path / "case.itcase"
    shutil.copy(master, out)
    return out
