"""Malformed-input corpus for the import tests: a small valid case and mutations of it."""
