"""The PDF case packet: evidence, method, parameters and provenance of one analysis, its export
record and its verification against the case.
"""
