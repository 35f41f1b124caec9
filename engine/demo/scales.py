"""Sizes of the demo market: the small default market and the reference-study (IMA) scale."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from engine.demo.background import BackgroundSpec
from engine.errors import UsageError


@dataclass(frozen=True)
class ScaleSpec:
    """Everything that differs between scales; the behaviours themselves do not."""

    name: str
    n_investors: int          # before --dense-block
    n_days: int               # trading days from START_DATE
    n_stocks: int             # target stock included
    event_date: str | None    # ISO date of the PSE; None = at event_fraction of the period
    event_fraction: float
    reference_lead: int       # trading days from reference_start to the PSE
    n_hard: int
    n_soft: int               # lone soft insiders (ring members are soft insiders too)
    ring_sizes: tuple[int, ...]
    n_decoys: int
    block_size: int           # managed accounts trading in sync
    block_days: int           # their common days over the period
    benign_sizes: tuple[int, ...]
    n_informed_option_days: int
    n_option_hard: int        # hard insiders who also buy the informed calls
    n_option_ring: int        # members of the first ring who do too
    n_case_filings: int       # filings by planted insiders in the last window
    n_other_filings: int      # filings by background investors, earlier
    background: BackgroundSpec
    venue_split_rate: float   # share of trade rows split over two venues


_DEFAULT = ScaleSpec(
    name="default", n_investors=3_000, n_days=300, n_stocks=12, event_date=None,
    event_fraction=2 / 3, reference_lead=22, n_hard=16, n_soft=8, ring_sizes=(6, 8, 11),
    n_decoys=12, block_size=45, block_days=40, benign_sizes=(3, 4, 4, 5, 6),
    n_informed_option_days=3, n_option_hard=3, n_option_ring=2, n_case_filings=2,
    n_other_filings=4,
    background=BackgroundSpec(target_median_days=1.8, target_sigma=1.4, daily_share=0.004,
                              concentrated_share=0.2, other_ratio_cap=8.0),
    venue_split_rate=0.004)


SCALES: dict[str, ScaleSpec] = {
    "default": _DEFAULT,
    # the default market with a longer history before the PSE, room for 40 pseudo-events (METHOD §5)
    "long": dataclasses.replace(_DEFAULT, name="long", n_days=420, event_fraction=0.85),
    "ima": ScaleSpec(
        name="ima", n_investors=27_000, n_days=541, n_stocks=12, event_date="2020-07-13",
        event_fraction=0.0, reference_lead=22, n_hard=220, n_soft=50,
        ring_sizes=(5, 6, 7, 8, 9, 10, 11, 12, 6, 8), n_decoys=60, block_size=350, block_days=60,
        benign_sizes=(3, 3, 4, 4, 4, 5, 5, 6, 6, 3, 4, 5, 6, 3, 4, 5, 6, 4, 5, 3),
        n_informed_option_days=4, n_option_hard=8, n_option_ring=4, n_case_filings=6,
        n_other_filings=14,
        background=BackgroundSpec(target_median_days=1.8, target_sigma=1.35, daily_share=0.005,
                                  concentrated_share=0.2, other_ratio_cap=8.0),
        venue_split_rate=0.003),
}


def scale_spec(name: str) -> ScaleSpec:
    """The spec of a named scale; a clear error for an unknown one."""
    try:
        return SCALES[name]
    except KeyError:
        raise UsageError(f"unknown scale {name!r}; choose one of: {', '.join(SCALES)}") from None
