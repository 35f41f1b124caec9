"""``report``: write the PDF case packet of one event from the command line.

The only headless command that needs Qt: figures are rendered offscreen by the views,
then the Qt-free packet builder lays them out (ARCHITECTURE.md, layers).
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from engine.cli.case_args import add_event_arguments


def configure(parser: argparse.ArgumentParser) -> None:
    """The arguments of this command (its one-line help is in the command registry)."""
    parser.description = ("Analyse (or reuse the cached analysis of) one event and write its "
                          "case packet: evidence, method, parameters, provenance.")
    add_event_arguments(parser)
    parser.add_argument("--pdf", metavar="OUT.pdf", required=True, help="the packet to write")
    parser.add_argument("--suspects", metavar="ID", nargs="*",
                        help="suspects to include in detail (default: the top 20)")
    parser.add_argument("--rings", metavar="N", nargs="*", type=int,
                        help="ring ids to include in detail (default: the top 5)")
    parser.add_argument("--page-size", choices=("A4", "Letter"), default="A4")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    os.environ["QT_QPA_PLATFORM"] = "offscreen"  # a packet never depends on the screen
    from PySide6.QtWidgets import QApplication

    from engine.cli.case_args import analysed_case
    from engine.packet.build import PacketRequest
    from engine.packet.export import export_packet
    from ui.report_figures import render_figures

    request = PacketRequest(suspects=tuple(args.suspects) if args.suspects is not None else None,
                            rings=tuple(args.rings) if args.rings is not None else None,
                            page_size=args.page_size)
    app = QApplication.instance() or QApplication(["workbench-report"])
    with analysed_case(args) as (store, tables, event, result):
        figures = render_figures(result, tables, request)
        pdf = export_packet(store, result, Path(args.pdf), figures, request, tables=tables)
    app.processEvents()
    if not args.quiet:
        print(f"wrote {args.pdf} ({len(pdf):,} bytes) for event {event.event_id}; data hash {result.data_hash}",
              file=sys.stdout)
    return 0
