"""Single suspects: dynamic k-means discontinuity (METHOD.md §1): window features, the K scan and
the choice of K by stability (kscan), warm-started clustering with Jaccard relabelling (dynamic,
lloyd), the centroid stability rule (stability), the rewarding cluster and suspects (suspects),
the Fisher tests (significance), the K − 2 … K + 2 table (sensitivity), the baselines, and the
stage entry points (stage) with their JSON (section).
"""
