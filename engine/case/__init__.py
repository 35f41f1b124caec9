"""The case file (CASE_FORMAT.md §3): SQLite store, schema and migrations, the investigator's work,
the hash-chained audit log, the data hash and the table codec. Everything that is evidence lives here.
"""
