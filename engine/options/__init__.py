"""Options flow (METHOD.md §3): daily contract-level features, risk score, calibration, alerts
and their workflow, for one event's stock.
"""
