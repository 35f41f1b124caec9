"""Every menu/toolbar action in one place: name, text, shortcut, icon, tip.

The main window connects ``actions[name].triggered``; nothing else creates actions, so
shortcuts cannot clash unnoticed (a test checks they are unique).
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from ui.icons import icon


@dataclass(frozen=True, slots=True)
class ActionSpec:
    """One action's description."""

    name: str
    text: str
    shortcut: str | QKeySequence.StandardKey | None
    icon: str | None
    tip: str
    checkable: bool = False
    short: str = ""          # toolbar label when the menu text is long


SPECS: tuple[ActionSpec, ...] = (
    ActionSpec("open_case", "&Open case…", QKeySequence.StandardKey.Open, "open", "Open a .itcase file", short="Open"),
    ActionSpec("import_case", "&Import data…", "Ctrl+I", "import",
               "Create a case from trades, events and optional tables", short="Import"),
    ActionSpec("open_demo", "Open &demo case", None, "demo", "Open the bundled synthetic demo case"),
    ActionSpec("close_case", "&Close case", QKeySequence.StandardKey.Close, "close", "Close the open case"),
    ActionSpec("quit", "&Quit", QKeySequence.StandardKey.Quit, "quit", "Quit the workbench"),
    ActionSpec("export_packet", "Export &packet…", "Ctrl+Shift+E", None,
               "Write the PDF case packet: chosen suspects and rings, figures, method, provenance"),
    ActionSpec("export_suspects_csv", "&Suspects (CSV)…", None, None, "Every suspect with score, profit and decision"),
    ActionSpec("export_rings_csv", "&Rings (CSV)…", None, None, "Every cluster of the validated network"),
    ActionSpec("export_graphml", "&Network (GraphML)…", None, None, "The validated network for Gephi or Cytoscape"),
    ActionSpec("export_notes_md", "Notes (&Markdown)…", None, None, "Every note, time-stamped, as Markdown"),
    ActionSpec("export_notes_html", "Notes (&HTML)…", None, None, "Every note, time-stamped, as a web page"),
    ActionSpec("export_audit_csv", "&Audit log (CSV)…", None, None, "The hash-chained audit log as CSV"),
    ActionSpec("audit_trail", "Audit &trail…", "Ctrl+Shift+L", None,
               "Who did what and when: filter, verify the chain, export"),
    ActionSpec("choose_event", "Choose &event…", "Ctrl+E", "event", "Choose which event of the case to analyse", short="Event"),
    ActionSpec("analyse", "&Run analysis", "F5", "analyse", "Analyse the event with the current parameters", short="Analyse"),
    ActionSpec("cancel", "&Cancel analysis", "Ctrl+.", "cancel", "Stop the running analysis", short="Cancel"),
    ActionSpec("parameters", "&Parameters…", "Ctrl+Shift+P", "parameters",
               "Change the analysis parameters (METHOD.md defaults)", short="Parameters"),
    ActionSpec("threshold_sweep", "Threshold s&weep…", None, None,
               "Investors in suspicious clusters as the validation threshold runs over 1e-12 … 1e-2"),
    ActionSpec("compare_bicm", "Compare with &BiCM…", None, None,
               "Validate with the bipartite configuration model and compare the clusterings"),
    ActionSpec("run_placebo", "Run p&lacebo test", None, None,
               "Compare the event with ordinary days of the stock (METHOD §5), on the workbench's worker processes"),
    ActionSpec("screen_events", "Screen all e&vents", None, None,
               "Analyse every event of the case with its placebo test and rank them (METHOD §6)"),
    ActionSpec("back", "&Back", QKeySequence.StandardKey.Back, "back", "Previous selection"),
    ActionSpec("forward", "&Forward", QKeySequence.StandardKey.Forward, "forward", "Next selection"),
    ActionSpec("clear_selection", "Clear &selection", "Ctrl+Shift+A", "clear-selection",
               "Select no investor", short="Clear"),
    ActionSpec("expand_focus", "E&xpand focus in the network", "Ctrl+Shift+X", "expand",
               "Add the focus investor's first neighbours to the network exploration"),
    ActionSpec("reset_exploration", "&Restart network exploration", None, None,
               "Clear the explored nodes (the path stays in the audit log)"),
    ActionSpec("focus_notes", "Go to &notes", "Ctrl+Shift+N", "note", "Move the keyboard focus to the notes"),
    ActionSpec("dark_theme", "&Dark theme", "Ctrl+Shift+D", "theme", "Switch between light and dark", True),
    ActionSpec("reset_layout", "&Reset layout", None, "layout", "Put every panel back in its place"),
    ActionSpec("copy_hash", "Copy data &hash", "Ctrl+Shift+H", None, "Copy the case's data hash"),
    ActionSpec("about", "&About and provenance", QKeySequence.StandardKey.HelpContents, "about",
               "Version, data hash, parameters hash and input files"),
)


def build_actions(parent: QWidget) -> dict[str, QAction]:
    """Create every action as a child of ``parent``."""
    actions: dict[str, QAction] = {}
    for spec in SPECS:
        action = QAction(spec.text, parent)
        action.setObjectName(f"action_{spec.name}")
        if spec.shortcut is not None:
            action.setShortcut(QKeySequence(spec.shortcut))
        if spec.icon is not None:
            action.setIcon(icon(spec.icon))
        tip = spec.tip
        if not action.shortcut().isEmpty():
            tip = f"{tip} ({action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)})"
        action.setToolTip(tip)
        action.setStatusTip(spec.tip)
        action.setCheckable(spec.checkable)
        if spec.short:
            action.setIconText(spec.short)
        actions[spec.name] = action
    return actions


def refresh_icons(actions: dict[str, QAction]) -> None:
    """Redraw icons in the current palette's colour (after a theme switch)."""
    by_name = {s.name: s for s in SPECS}
    for name, action in actions.items():
        spec = by_name.get(name)
        if spec is not None and spec.icon is not None:
            action.setIcon(icon(spec.icon))
