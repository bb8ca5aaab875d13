"""The ``documents`` command: an order's, shipment's or claim's papers, listed or written as PDF."""
from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from hub.core.documents.kinds import KINDS, LANGUAGES


def cmd_documents(args: argparse.Namespace) -> int:
    from hub.cli import _config
    from hub.core.documents.sources import kind_for, language_for, listing, read_subject
    from hub.core.plugins import build_plugin_manager
    from hub.core.service import Hub

    config = _config(args)

    async def work() -> Any:
        hub = Hub(config, build_plugin_manager(config))
        try:
            await hub.start()
            subject, related, values = await read_subject(hub, args.entity, args.ref)
            if args.action == "list":
                return listing(args.entity, args.ref, subject, f"/api/{args.entity}s/{args.ref}/documents")
            kind = kind_for(args.entity, args.kind, subject)
            language = language_for(kind, subject, config.documents.language, args.lang)
            return kind, await hub.documents.pdf(kind.name, subject, related, language, values)
        finally:
            await hub.close()

    result = asyncio.run(work())
    if args.action == "list":
        if args.json:
            print(json.dumps(result, indent=2, ensure_ascii=False))
        for item in [] if args.json else result:
            state = "available" if item["available"] else f"not yet: {item['unavailable_reason']}"
            print(f"{item['kind']:<20} {item['title']['zh-CN']}  {state}")
        return 0
    kind, pdf = result
    out = Path(args.output or kind.filename(args.ref))
    if str(out) == "-":
        sys.stdout.buffer.write(pdf)
    else:
        out.write_bytes(pdf)
        print(f"wrote {out} ({len(pdf):,} bytes)")
    return 0


def documents_parser(sub: Any) -> None:
    documents = sub.add_parser("documents", help="an entity's papers (订单确认书, 送货单, ...): list, or render a PDF")
    documents.add_argument("action", choices=["list", "render"], help="list them, or render one as PDF")
    documents.add_argument("entity", choices=["order", "shipment", "claim"], help="whose papers")
    documents.add_argument("ref", help="the order's, shipment's or claim's reference")
    documents.add_argument("kind", nargs="?", choices=sorted(KINDS), help="render: which document")
    documents.add_argument("--lang", choices=LANGUAGES, help="render: zh-CN or en (default: the customer's for "
                           "customer papers, [documents] language for internal ones)")
    documents.add_argument("-o", "--output", help="render: the PDF file to write (default: KIND-REF.pdf; - for stdout)")
    documents.add_argument("--json", action="store_true", help="list: print JSON instead of lines")
    documents.set_defaults(func=cmd_documents)
