"""Significance of the rewarding cluster's discontinuous share (METHOD §1 "Significance").

Primary (JSON ``anomalous``): the rewarding cluster against all other clusters pooled, Fisher's
exact test, one-sided (alternative "greater") on [[rewarding discontinuous, rewarding
continuous], [rest discontinuous, rest continuous]]; anomalous when p < the level. Secondary
(the paper's eq. 4 reading, ``anomalous_all_pairs``): the same test against each other cluster
of at least 2 members; anomalous when every comparison rejects. Single-member and empty
clusters are listed, not tested. The p-values treat investors as independent, so once the
placebo test has run they are descriptive (the placebo p is the verdict).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.stats import fisher_exact

TEST_NAME = "fisher_one_sided"
MIN_TESTED_SIZE = 2


@dataclass(frozen=True)
class Comparison:
    """The rewarding cluster against another cluster (``cluster``) or all others pooled (None)."""

    cluster: int | None
    size_rewarding: int
    size_other: int
    share_rewarding: float | None    # discontinuous share; None for an empty cluster
    share_other: float | None
    test: str | None                 # TEST_NAME, or None when not tested (fewer than 2 members)
    statistic: float | None          # sample odds ratio; None when not tested or not finite
    p_value: float | None


@dataclass(frozen=True)
class Significance:
    """Pooled and pairwise comparisons and both verdicts at ``level``."""

    level: float
    pooled: Comparison
    pairwise: tuple[Comparison, ...]
    anomalous: bool
    anomalous_all_pairs: bool

    @property
    def largest_pairwise_p(self) -> float | None:
        """The pairwise p that decides the all-pairs verdict (None when nothing was tested)."""
        ps = [c.p_value for c in self.pairwise if c.p_value is not None]
        return max(ps) if ps else None


def fisher_greater(table: np.ndarray) -> tuple[float | None, float]:
    """One-sided Fisher exact test on a 2x2 count table: (odds ratio or None, p)."""
    stat, p = fisher_exact(table.astype(np.int64), alternative="greater")
    stat = float(stat)
    return (stat if math.isfinite(stat) else None), float(p)


def _share(disc: int, size: int) -> float | None:
    return disc / size if size else None


def _compare(cluster: int | None, d_r: int, n_r: int, d_o: int, n_o: int, tested: bool) -> Comparison:
    stat = p = None
    if tested:
        stat, p = fisher_greater(np.array([[d_r, n_r - d_r], [d_o, n_o - d_o]]))
    return Comparison(cluster=cluster, size_rewarding=n_r, size_other=n_o, share_rewarding=_share(d_r, n_r),
                      share_other=_share(d_o, n_o), test=TEST_NAME if tested else None, statistic=stat, p_value=p)


def significance(sizes: np.ndarray, disc: np.ndarray, rewarding: int, level: float) -> Significance:
    """Pooled and pairwise one-sided Fisher tests of the rewarding cluster's discontinuous share."""
    sizes, disc = sizes.astype(np.int64), disc.astype(np.int64)
    d_r, n_r = int(disc[rewarding]), int(sizes[rewarding])
    rest = np.arange(sizes.size) != rewarding
    n_rest = int(sizes[rest].sum())
    pooled = _compare(None, d_r, n_r, int(disc[rest].sum()), n_rest, n_r > 0 and n_rest > 0)
    pairs = tuple(_compare(k, d_r, n_r, int(disc[k]), int(sizes[k]), n_r > 0 and sizes[k] >= MIN_TESTED_SIZE)
                  for k in np.flatnonzero(rest).tolist())
    tested = [c.p_value for c in pairs if c.p_value is not None]
    return Significance(level=level, pooled=pooled, pairwise=pairs,
                        anomalous=pooled.p_value is not None and pooled.p_value < level,
                        anomalous_all_pairs=bool(tested) and all(p < level for p in tested))
