"""The pseudo-event (placebo) test of METHOD §5: the event compared with ordinary days.

``dates`` picks the pseudo-event dates, ``pseudo`` is the per-date analysis (a pure
function, one Dask task per date), ``empirical`` the p-values, ``stage`` runs it all for one
event and makes the JSON ``placebo`` section, ``cache`` keeps it in the case file.
"""
