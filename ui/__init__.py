"""The workbench's Qt layer: application, main window, session, selection, workers, dialogs."""
