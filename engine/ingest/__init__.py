"""Reading and validating the six input tables (CASE_FORMAT.md §1-2) and importing them into a
new case, all or nothing; every problem named by file, row and column.
"""
