"""Single suspects: dynamic k-means discontinuity (METHOD.md §1): window features, K choice,
warm-started clustering with Jaccard relabelling, the rewarding cluster, suspects, significance and
the baselines.
"""
