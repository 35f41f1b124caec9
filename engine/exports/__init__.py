"""File exports besides the packet: suspects and rings CSV, notes (Markdown, safe HTML), the
validated network as links CSV and GraphML (CASE_FORMAT.md §4).
"""
