"""Insider rings: the statistically validated co-trading network (METHOD.md §2): states,
co-occurrence counts, exact hypergeometric tails, Bonferroni / FDR / threshold validation, Infomap
rings and their ranking, the side studies and the human-in-the-loop neighbourhood.
"""
