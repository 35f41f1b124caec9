"""Presentation data for every view, prepared from an analysis result without Qt (so the
analysis child never imports a GUI toolkit): one function per view kind.
"""
