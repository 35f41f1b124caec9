"""Screening every event of a case (METHOD §6): each event's analysis and placebo test as one
task, events ranked by the placebo p of the excess discontinuous share, JSON and CSV out."""
