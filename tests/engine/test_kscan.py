"""The choice of K by the stability of the rewarding cluster (METHOD §1 "Choosing K") on
hand-made rewarding member sets, with the runs and the fallback worked out by hand."""
from __future__ import annotations

import numpy as np

from engine.kmeans.kscan import jaccard, stability_choice

N = 100


def _members(spec: dict[int, range]) -> dict[int, np.ndarray]:
    out = {}
    for k, rows in spec.items():
        mask = np.zeros(N, bool)
        mask[list(rows)] = True
        out[k] = mask
    return out


def test_first_k_of_the_longest_stable_run() -> None:
    # K=2,3: 60 of 100 active (> 50%): trivially stable, must not count. K=4..5 stable (run 4-5,
    # J(R5, R6) = 0.5 breaks it); K=6..9 stable (run of 4): chosen K = 6.
    spec = {2: range(60), 3: range(60), 4: range(20), 5: range(20), 6: range(40),
            7: range(40), 8: range(40), 9: range(40), 10: range(40), 11: range(10), 12: range(10), 13: range(30)}
    k, stable, reason, cands = stability_choice(_members(spec), N, 2, 11, 0.9, 0.5)
    assert (k, stable) == (6, True) and "6–9" in reason
    by_k = {c.k: c for c in cands}
    assert by_k[2].jaccard_next == 1.0 and not by_k[2].qualifies            # share 0.6 > 0.5
    assert by_k[5].jaccard_next == 0.5 and not by_k[5].qualifies
    assert [c.k for c in cands if c.qualifies] == [4, 6, 7, 8, 9, 11]
    assert not by_k[12].qualifies                                          # beyond k_max
    assert by_k[11].jaccard_next2 == jaccard(_members(spec)[12], _members(spec)[13])


def test_equal_runs_go_to_the_smaller_k() -> None:
    spec = {2: range(10), 3: range(10), 4: range(10), 5: range(30), 6: range(30), 7: range(30), 8: range(70)}
    k, stable, _, _ = stability_choice(_members(spec), N, 2, 6, 0.9, 0.5)
    assert (k, stable) == (2, True)   # runs 2-3 and 5-6, both of length 2 (J(R4, R5) = 1/3)


def test_without_a_run_k_maximises_the_overlap_with_the_next_two_and_is_not_stable() -> None:
    # every J(R_K, R_K+1) < 0.9: min(J(K,K+1), J(K+1,K+2)) is largest at K = 3 (0.8, 0.92; K = 4 qualifies alone, no run)
    spec = {2: range(0, 10), 3: range(0, 20), 4: range(0, 25), 5: range(2, 25), 6: range(50, 60), 7: range(70, 80)}
    k, stable, reason, _ = stability_choice(_members(spec), N, 2, 5, 0.9, 0.5)
    assert jaccard(_members(spec)[3], _members(spec)[4]) == 0.8
    assert (k, stable) == (3, False) and "NOT STABLE" in reason
