"""Seeded synthetic market with planted insiders, rings and decoys (``demo-data``).

What is planted, and why each method of METHOD.md should (or should not) see it:

* **Background** (demo_background): heavy-tailed activity on the target stock (lognormal number
  of active days). Occasional traders (a few days, evenly spread over the period, rarely
  concentrated in the target) buy or sell at random; regular traders keep a habit with steady
  order sizes: swing traders (a block bought and sold again, or sold and bought back),
  savings-plan accumulators (diversified, on a schedule), holders selling down a stake built
  before the data (on a schedule, often concentrated) and two-sided traders; a few daily
  traders often round-trip (state bs). Regular habits keep investors in the same k-means
  cluster window after window, so the other clusters are far less discontinuous than the
  rewarding one and the pooled one-sided Fisher test of METHOD §1 rejects (paper: 86 % vs 50 %).
  The paper's all-pairs reading (``anomalous_all_pairs``) can fail on a seed where one small
  cluster has expected counts near 1; that is why it is the secondary reading.
  Types H / IF / L, a volume spike and sell-side profit taking after the bid. Uninformed noise
  around every signal.
* **Hard insiders**: never traded the target stock before the last k-means window (the 20
  trading days ending the day before the PSE); buy heavily on 3-8 days of it, with little else
  traded then (magnitudo about 0.85-1), so their point is near (1,1,1) and they are hard
  discontinuous members of the rewarding cluster. Noise: some sell a little in the window.
* **Soft insiders**: traded the target before (small sells only, or small balanced trades),
  never in a rewarding pattern; then the same heavy buying: soft discontinuous suspects.
* **Rings** (insider rings): 5-12 members who co-trade on 18-30 common days well before the
  reference period (alternating buy / sell days, so no rewarding pattern and a flat position),
  buy heavily on the same 4-6 days of the last window and sell together after the bid. Their
  co-occurrences pass the Bonferroni-corrected hypergeometric test (SVN), Infomap groups them,
  and R_C over the reference period is 1 (only buys there): suspicious rings. Ring members are
  also soft insiders for k-means (they are listed in ``soft_insiders`` too), so the overlap of
  k-means suspects and suspicious rings is planted. At the ima scale a few extra small
  suspicious clusters (2-4 members) emerge from planted hard / soft insiders alone: hundreds of
  them buying on 3-8 of the same 20 days co-occur beyond chance. All their members are insiders.
* **Decoys**: buy big, concentrated bursts every 40-70 days and sell them 15-25 days later; one
  burst falls in the last window. They are in the rewarding cluster then, but also in earlier
  non-overlapping windows: continuous, so NOT suspects (they test the discontinuity rule).
* **Managed block** (+ ``--dense-block N`` more accounts): accounts trading on the same days in
  the same state, selling and buying back on alternate days (rebalancing, so positions stay
  bounded and the accounts stay in their k-means clusters): a big validated clique whose R_C
  is near 0, i.e. a cluster that is NOT a ring.
  Every pair is validated in bb and in ss, so a block of n accounts gives n(n-1)/2 pairs
  (ima scale with N = 2,000: 2,350 accounts, 2.76 M pairs, 5.5 M diagonal links).
* **Background false positives**: uninformed investors whose only target trade in the last
  window is a concentrated buy also look discontinuous; this is the method's own noise.
* **Benign groups**: small synchronised groups with mixed directions (validated, not suspicious).
* **Options** (demo_options): a normal daily chain, plus informed short-dated OTM call buying on
  a few days inside the reference period (none before it): the options-flow alerts.
* **Filings**: a few insider filings, some by planted insiders inside the last window.
* **Prices**: daily closes; the target jumps to about the offer price (+30-40 %) on the PSE.

Output is deterministic: the same seed and scale give byte-identical CSV files (sorted rows,
fixed number formats, "\\n" line ends). ``truth.json`` is for tests and benchmarks only.
"""
from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from engine.demo.assemble import assemble_market
from engine.demo.scales import scale_spec
from engine.errors import UsageError
from engine.tables import TABLE_NAMES

TRUTH_FILE = "truth.json"


@dataclass(frozen=True)
class DemoMarket:
    """The six input tables as written to CSV (text dates and ids) and the planted truth."""

    trades: pd.DataFrame
    events: pd.DataFrame
    investors: pd.DataFrame
    options: pd.DataFrame
    prices: pd.DataFrame
    filings: pd.DataFrame
    truth: dict

    def tables(self) -> dict[str, pd.DataFrame]:
        """Table name -> frame, in TABLE_NAMES order."""
        return {name: getattr(self, name) for name in TABLE_NAMES}


def generate_demo_market(seed: int = 7, scale: str = "default", dense_block: int = 0,
                         investors: int | None = None) -> DemoMarket:
    """Build the market in memory (no I/O); ``investors`` (opt-in) changes the scale's count."""
    if dense_block < 0:
        raise UsageError("--dense-block must be 0 or more")
    spec = scale_spec(scale)
    if investors is not None:
        if investors < spec.n_investors // 2:
            raise UsageError(f"--investors must be at least {spec.n_investors // 2} at the {scale} scale")
        spec = dataclasses.replace(spec, n_investors=investors)
    tables, truth = assemble_market(np.random.default_rng(seed), spec, dense_block)
    truth = {"seed": int(seed), "scale": scale, **truth}
    return DemoMarket(truth=truth, **tables)


FLOAT_FORMATS: dict[str, dict[str, str]] = {
    "trades": {"buy_value": "%.2f", "sell_value": "%.2f"},
    "events": {"offer_price": "%.2f"},
    "options": {"strike": "%.2f", "implied_vol": "%.4f", "underlying_close": "%.2f"},
    "prices": {"close": "%.2f"},
}


def _fixed(frame: pd.DataFrame, formats: dict[str, str]) -> pd.DataFrame:
    """Float columns as fixed-format text, so files are byte-identical everywhere."""
    out = frame.copy()
    for col, fmt in formats.items():
        out[col] = np.char.mod(fmt, out[col].to_numpy(np.float64))
    return out


def write_demo_market(out_dir: Path, seed: int = 7, scale: str = "default",
                      dense_block: int = 0, investors: int | None = None) -> dict[str, Path]:
    """Write the six CSV files and truth.json into ``out_dir``; table name -> path (+ "truth")."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    market = generate_demo_market(seed, scale, dense_block, investors)
    paths: dict[str, Path] = {}
    for name, frame in market.tables().items():
        path = out_dir / f"{name}.csv"
        _fixed(frame, FLOAT_FORMATS.get(name, {})).to_csv(path, index=False, lineterminator="\n")
        paths[name] = path
    truth_path = out_dir / TRUTH_FILE
    truth_path.write_text(json.dumps(market.truth, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    paths["truth"] = truth_path
    return paths


def demo_paths(out_dir: Path) -> dict[str, Path]:
    """Table name -> path of the demo CSV files present in ``out_dir`` (not truth.json)."""
    out_dir = Path(out_dir)
    return {name: out_dir / f"{name}.csv" for name in TABLE_NAMES if (out_dir / f"{name}.csv").is_file()}
