"""Triage across investors (METHOD.md §4): episodes with adaptive gaps and their 200-800 score.
"""
