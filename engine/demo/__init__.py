"""The seeded synthetic market with planted insiders, rings and decoys (``demo-data``).

A test instrument: never tuned to make a detector's verdict come out.
"""
