"""The only module that imports ``infomap`` (pinned 2.16; several calls change in 3.0).

Links go in as an (E, 2) integer array (fast, low memory); isolated investors are never
added, so they belong to no cluster (``from_scipy_sparse_matrix`` would make each one a
module). Cluster ids are renumbered 1, 2, … by decreasing size, ties by smallest member.
"""
from __future__ import annotations

import numpy as np

INFOMAP_VERSION = "2.16.0"


def infomap_clusters(n_nodes: int, a: np.ndarray, b: np.ndarray, seed: int, trials: int = 1) -> np.ndarray:
    """Two-level Infomap on the undirected unweighted edges (a, b); returns membership.

    ``membership[i]`` is the cluster id (1 = largest) of node i, 0 when i has no edge.
    """
    import infomap

    membership = np.zeros(n_nodes, dtype=np.int32)
    if a.size == 0:
        return membership
    links = np.empty((a.size, 2), dtype=np.int32)   # unweighted: a third of a float array's bytes
    links[:, 0] = a
    links[:, 1] = b
    im = infomap.Infomap(two_level=True, directed=False, seed=int(seed), num_trials=int(trials),
                         silent=True)
    im.add_links(links)
    modules = im.run().modules(level=1)
    nodes = np.fromiter(modules.keys(), dtype=np.int64, count=len(modules))
    raw = np.fromiter(modules.values(), dtype=np.int64, count=len(modules))
    membership[nodes] = canonical_ids(nodes, raw)
    return membership


def canonical_ids(nodes: np.ndarray, raw: np.ndarray) -> np.ndarray:
    """Renumber module labels 1, 2, … by decreasing size, ties by smallest node."""
    labels, inverse, sizes = np.unique(raw, return_inverse=True, return_counts=True)
    smallest = np.full(labels.size, np.iinfo(np.int64).max)
    np.minimum.at(smallest, inverse, nodes)
    order = np.lexsort((smallest, -sizes))
    new_id = np.empty(labels.size, dtype=np.int32)
    new_id[order] = np.arange(1, labels.size + 1, dtype=np.int32)
    return new_id[inverse]
