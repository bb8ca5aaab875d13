"""`hub complaints list` and `hub complaints show` as customer service uses them (000: 收货后投诉)."""
from __future__ import annotations

import asyncio
import json
from decimal import Decimal
from pathlib import Path

import pytest

from hub.cli import main
from hub.core.config import load_config
from hub.core.domain.inputs import NewComplaint, NewOrder, NewShipment
from hub.core.plugins import build_plugin_manager
from hub.core.service import Hub

LINES = [{"product_code": "SOFA-3", "spec": "3-seat, grey", "qty": 2, "unit_price": "4200"}]
CONTACT = {"name": "Li Lei", "phone": "+86 138 0000 0001", "address": "1 Harbour Rd"}


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "hub.toml"
    path.write_text(f'data_dir = "{tmp_path}"\n[plugins]\nenabled = []\n')

    async def complaints() -> None:
        config = load_config(path)
        hub = Hub(config, build_plugin_manager(config))
        await hub.start()
        try:
            await hub.create_order(NewOrder(ref="SO-CLI-1", customer={"code": "C-CLI", "name": "Cli Home"},
                                            lines=LINES, contact=CONTACT))
            for event, data in [("reviewed", {"lines": [{"line_no": 1, "available_qty": "2"}]}),
                                ("confirmation_sent", {}), ("confirmation_received", {}),
                                ("payment_received", {"amount": "8400"}), ("finance_approved", {})]:
                await hub.apply("order", "SO-CLI-1", event, data)
            await hub.create_shipment("SO-CLI-1", NewShipment(ref="SH-CLI-1", carrier="dhl", tracking_number="T1"))
            await hub.apply("shipment", "SH-CLI-1", "delivered", {})
            await hub.record_complaint("SO-CLI-1", NewComplaint(
                ref="CP-CLI-1", kind="shortage", lines={1: Decimal(1)}, channel="phone", description="one short"))
            await hub.apply("complaint", "CP-CLI-1", "investigation_started", {"investigator": "cs-wang"})
            await hub.apply("complaint", "CP-CLI-1", "answered", {
                "cause": "left at loading", "responsibility": {"party": "warehouse", "sanction": "warning"},
                "remedy": "credit", "plan": "credited on the next invoice"})
            await hub.record_complaint("SO-CLI-1", NewComplaint(
                ref="CP-CLI-2", kind="damage", lines={1: Decimal(1)}, channel="fax", description="scratch"))
            await hub.apply("complaint", "CP-CLI-2", "withdrawn", {"reason": "polished out"})
        finally:
            await hub.close()

    asyncio.run(complaints())
    return path


def test_complaints_list_with_filters_and_json(config_file, capsys):
    assert main(["--config", str(config_file), "complaints", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[:2] for line in lines] == [["CP-CLI-1", "answered"], ["CP-CLI-2", "withdrawn"]]
    assert main(["--config", str(config_file), "complaints", "list", "--state", "withdrawn", "--order",
                 "SO-CLI-1", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["ref"], r["kind"], r["channel"]) for r in rows] == [("CP-CLI-2", "damage", "fax")]


def test_complaints_show_prints_the_answer_and_timeline(config_file, capsys):
    assert main(["--config", str(config_file), "complaints", "show", "CP-CLI-1"]) == 0
    text = capsys.readouterr().out
    assert "cause: left at loading" in text and "sanction: warning" in text
    assert "remedy: credit: credited on the next invoice" in text and "investigation_started" in text
    assert main(["--config", str(config_file), "complaints", "show", "NOPE"]) == 1
    assert "not found" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--config", str(config_file), "complaints", "show"])
