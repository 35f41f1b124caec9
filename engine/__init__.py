"""Qt-free analytics core of the insider-trading investigation workbench."""
