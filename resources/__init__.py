"""Shipped resources: icons and fonts, read with importlib.resources; nothing is fetched."""
