"""``report``: write the PDF case packet of one event from the command line.

The only headless command that needs Qt: figures are rendered offscreen by the views,
then the Qt-free packet builder lays them out (ARCHITECTURE.md, layers).
"""
from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from pathlib import Path

from engine.cli.case_args import add_event_arguments
from engine.cli.task_args import add_task_arguments
from engine.packet.numbers import DATE_FORMATS


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
    parser.add_argument("--date-format", choices=tuple(DATE_FORMATS), default="iso",
                        help="how dates are printed (default iso: 2019-10-10)")
    parser.add_argument("--currency", metavar="CODE", help="currency of the stock's prices and values, e.g. EUR")
    parser.add_argument("--investigator", metavar="NAME",
                        help="record the investigator who signs off the case's packets (kept in the case settings)")
    parser.add_argument("--role", metavar="ROLE", help="the investigator's role (kept in the case settings)")
    parser.add_argument("--sign", metavar="KEY.p12", help="sign the packet (PAdES) with this PKCS#12 key and certificate")
    parser.add_argument("--sign-pass-file", metavar="F", help="file holding the key's passphrase (first line)")
    add_task_arguments(parser, placebo_default=0)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    os.environ["QT_QPA_PLATFORM"] = "offscreen"  # a packet never depends on the screen
    from PySide6.QtWidgets import QApplication

    from engine.case.annotations import annotations_from_document, annotations_key
    from engine.cli.case_args import analysed_case, params_from_args
    from engine.cli.task_args import runner_spec, stderr_listener, with_placebo
    from engine.errors import UsageError
    from engine.packet.build import PacketRequest
    from engine.packet.case_state import investigator_of, set_investigator
    from engine.packet.export import export_packet
    from engine.packet.numbers import Locale
    from engine.packet.sign import load_signer
    from ui.report_figures import render_figures

    if args.sign_pass_file and not args.sign:
        raise UsageError("--sign-pass-file needs --sign KEY.p12")
    signer = load_signer(Path(args.sign), Path(args.sign_pass_file) if args.sign_pass_file else None) \
        if args.sign else None   # a bad key stops here, before any work and with no file written
    request = PacketRequest(suspects=tuple(args.suspects) if args.suspects is not None else None,
                            rings=tuple(args.rings) if args.rings is not None else None,
                            page_size=args.page_size, locale=Locale(args.date_format, args.currency))
    params = with_placebo(params_from_args(args), args, default=0)
    spec = runner_spec(args)
    app = QApplication.instance() or QApplication(["workbench-report"])
    with analysed_case(args, {"--pdf": args.pdf}) as (store, tables, event, result):
        if store.read_only:  # the export could not be logged: refuse before writing anything
            raise UsageError(f"{args.case} is read-only (read-only media or folder): a packet's export is "
                             "recorded in the case's audit log; copy the case to a writable folder first")
        if args.investigator is not None or args.role is not None:
            name, role = investigator_of(store)
            set_investigator(store, args.investigator if args.investigator is not None else name,
                             args.role if args.role is not None else role)
        if params.placebo.n > 0:   # the placebo pages: the cached test, or run now
            from engine.placebo.run import placebo_for
            request = dataclasses.replace(request, placebo=placebo_for(
                tables, result, params, store, spec, listener=stderr_listener(args.quiet, "placebo")))
        annotations = annotations_from_document(store.document(annotations_key(event.event_id)))
        figures = render_figures(result, tables, request, annotations)
        pdf = export_packet(store, result, Path(args.pdf), figures, request, tables=tables, signer=signer)
    app.processEvents()
    if not args.quiet:
        print(f"wrote {args.pdf} ({len(pdf):,} bytes) for event {event.event_id}; data hash {result.data_hash}"
              + (f"; signed by {signer.subject}" if signer is not None else ""), file=sys.stdout)
    return 0
