"""Dialogs: import wizard, parameters, event picker, about/provenance, errors."""
