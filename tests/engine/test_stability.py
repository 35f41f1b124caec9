"""The centroid stability check (METHOD §1, paper footnote 9) on a hand-made market whose
rewarding label wanders: relabelling follows the soft insiders' old cluster into the corner, so
by label alone they look continuous; judged by distance they are found."""
from __future__ import annotations

import numpy as np
import pytest

from engine.kmeans.dynamic import cluster_windows
from engine.kmeans.stability import seen_in_own_cluster, wandered
from engine.kmeans.suspects import cluster_stats

N_W = 6
EARLIER = np.array([True, True, True, True, False, False])  # windows 4, 5 overlap the last one
CORNER = np.array([0.97, 0.97, 0.97])
GROUPS = {  # name: (size, position in windows 0..4, position in the last window or None = same)
    "background_sellers": (30, (-0.8, 0.2, -0.8), None),
    "mild_buyers": (30, (0.3, 0.1, 0.3), None),
    "soft": (20, (0.0, 0.6, -0.9), CORNER),     # traded before elsewhere, buy hard at the end
    "habitual": (5, CORNER, None),              # always at the corner: continuous (decoys)
    "hard": (15, None, CORNER),                 # new in the last window
}


@pytest.fixture(scope="module")
def market() -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    rng = np.random.default_rng(5)
    blocks, members, start = [], {}, 0
    for name, (size, early, last) in GROUPS.items():
        pos = np.full((N_W, size, 3), np.nan)
        if early is not None:
            pos[:-1] = early
        pos[-1] = last if last is not None else early
        blocks.append(pos + rng.uniform(-0.02, 0.02, pos.shape))
        members[name] = np.arange(start, start + size)
        start += size
    feats = np.concatenate(blocks, axis=1)
    return feats, ~np.isnan(feats[:, :, 0]), members


def test_the_label_wanders_and_distance_membership_finds_the_soft_insiders(market) -> None:
    feats, active, members = market
    dyn = cluster_windows(feats, active, 3, 10, 0)
    stats, disc = cluster_stats(feats, dyn.labels, dyn.centroids, EARLIER, +1, 0.05, 0.5)
    rew = stats.rewarding_cluster
    soft, hard, habitual = members["soft"], members["hard"], members["habitual"]
    # the set-up: the rewarding id is the soft insiders' old cluster, far from the corner before
    assert np.all(dyn.labels[:4, soft] == rew) and np.all(dyn.labels[-1, soft] == rew)
    assert np.all(np.linalg.norm(dyn.centroids[:4, rew] - dyn.centroids[-1, rew], axis=1) > 2.0)
    # the check fires in every earlier window and nowhere else
    assert stats.stability.rewarding_windows == (0, 1, 2, 3)
    # with the rule: every soft and hard insider is discontinuous, the habitual buyers are not
    suspects = set(np.flatnonzero(disc & (dyn.labels[-1] == rew)).tolist())
    assert suspects == set(soft.tolist()) | set(hard.tolist())
    # without it (labels only): the soft insiders look continuous, the habitual buyers new
    assert stats.stability.suspects_without_rule == hard.size + habitual.size
    assert stats.anomalous and stats.significance.anomalous_all_pairs
    assert stats.discontinuous[rew] == soft.size + hard.size


def test_distance_membership_against_brute_force() -> None:
    """Per investor and wandered window: in C iff strictly nearer C's last centroid than every
    centroid of that window (brute force over points and centroids)."""
    rng = np.random.default_rng(9)
    n_w, n, k = 5, 40, 3
    feats = rng.uniform(-1, 1, (n_w, n, 3))
    feats[rng.random((n_w, n)) < 0.2] = np.nan
    labels = np.where(np.isnan(feats[:, :, 0]), -1, rng.integers(0, k, (n_w, n))).astype(np.int16)
    cents = rng.uniform(-1, 1, (n_w, k, 3))
    earlier = np.array([True, True, True, False, False])
    sizes = np.stack([np.bincount(r[r >= 0], minlength=k) for r in labels.astype(np.int64)])
    wander = wandered(cents, sizes, earlier, 0.5)
    got = seen_in_own_cluster(feats, labels, cents, earlier, wander)
    for i in range(n):
        c = labels[-1, i]
        if c < 0:
            assert not got[i]
            continue
        want = False
        for w in range(n_w):
            if not earlier[w]:
                continue
            moved = np.linalg.norm(cents[w, c] - cents[-1, c]) > 0.5 or sizes[w, c] == 0
            assert wander[w, c] == moved
            if not moved:
                want |= labels[w, i] == c
            elif not np.isnan(feats[w, i, 0]):
                d_target = np.linalg.norm(feats[w, i] - cents[-1, c])
                want |= all(d_target < np.linalg.norm(feats[w, i] - cents[w, j]) for j in range(k))
        assert got[i] == want, i
