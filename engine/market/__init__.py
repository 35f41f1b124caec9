"""The target stock as the analytics see it: trading calendar and windows, the investor x day
panel, and per-investor metrics over the reference period (METHOD.md notation, shared by §1-§5).
"""
