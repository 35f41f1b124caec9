"""Plain-language explanations of alerts, suspects and rings (METHOD.md §3): a deterministic
template, and an optional local-model drafter on loopback, off by default.
"""
