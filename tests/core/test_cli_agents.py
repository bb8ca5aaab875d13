"""`hub agents list|absent|present` as the customer-service supervisor uses them (003): who is in, marking an
agent away so their customers' requests go to the supervisor, and back."""
from __future__ import annotations

import asyncio
import json
from decimal import Decimal
from pathlib import Path

import pytest

from hub.cli import main
from hub.core.config import load_config
from hub.core.domain.inputs import NewOrder, NewReturn
from hub.core.plugins import build_plugin_manager
from hub.core.service import Hub

LINES = [{"product_code": "SOFA-3", "spec": "3-seat, grey", "qty": 1, "unit_price": "4200"}]
CONTACT = {"name": "Li Lei", "phone": "+86 138 0000 0001", "address": "1 Harbour Rd"}


def _hub(path: Path) -> Hub:
    config = load_config(path)
    return Hub(config, build_plugin_manager(config))


async def _request(path: Path, ref: str) -> str:
    """A refund request of the CLI customer's order; answers who handles it."""
    hub = _hub(path)
    await hub.start()
    try:
        return (await hub.request_return(NewReturn(ref=ref, order_ref="SO-CLI-1", type="refund", reason="twice",
                                                   amount=Decimal("100")))).data["agent"]
    finally:
        await hub.close()


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "hub.toml"
    path.write_text(f'data_dir = "{tmp_path}"\nagents = ["agent-1", "agent-2"]\n'
                    'supervisors = ["cs-du-feng", "cs-chen-xiaoxue"]\n[plugins]\nenabled = []\n')

    async def released() -> None:
        hub = _hub(path)
        await hub.start()
        try:
            await hub.create_order(NewOrder(ref="SO-CLI-1", customer={"code": "C-CLI", "name": "Cli Home"},
                                            lines=LINES, contact=CONTACT))
            for event, data in [("reviewed", {"lines": [{"line_no": 1, "available_qty": "1"}]}),
                                ("confirmation_sent", {}), ("confirmation_received", {}),
                                ("payment_received", {"amount": "4200"}), ("finance_approved", {})]:
                await hub.apply("order", "SO-CLI-1", event, data)
        finally:
            await hub.close()

    asyncio.run(released())
    assert asyncio.run(_request(path, "RT-CLI-1")) == "agent-1"
    return path


def test_agents_list_shows_everyone_with_their_open_requests(config_file, capsys):
    assert main(["--config", str(config_file), "agents", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[:2] for line in lines] == [["agent-1", "agent"], ["agent-2", "agent"],
                                                    ["cs-du-feng", "supervisor"], ["cs-chen-xiaoxue", "supervisor"]]
    assert "open requests 1" in lines[0] and all(line.endswith("present") for line in lines)


def test_an_agent_marked_absent_sends_their_customers_to_the_supervisor_until_marked_back(config_file, capsys):
    # when the supervisor marks agent-1 away
    assert main(["--config", str(config_file), "agents", "absent", "agent-1", "--reason", "annual leave",
                 "--until", "2099-01-05T09:00+08:00", "--actor", "cs-du-feng"]) == 0
    assert "ABSENT since" in capsys.readouterr().out
    # then the list says so, and the customer's next request goes to the supervisor
    assert main(["--config", str(config_file), "agents", "list", "--json"]) == 0
    agent = json.loads(capsys.readouterr().out)[0]
    assert (agent["name"], agent["present"], agent["reason"], agent["until"]) == (
        "agent-1", False, "annual leave", "2099-01-05 01:00:00+00:00")
    assert asyncio.run(_request(config_file, "RT-CLI-2")) == "cs-du-feng"
    # when they are marked back, the requests are theirs again
    assert main(["--config", str(config_file), "agents", "present", "agent-1"]) == 0
    assert capsys.readouterr().out.split()[:2] == ["agent-1", "agent"]
    assert asyncio.run(_request(config_file, "RT-CLI-3")) == "agent-1"


def test_unknown_names_and_incomplete_commands_are_refused(config_file, capsys):
    assert main(["--config", str(config_file), "agents", "absent", "nobody", "--reason", "x"]) == 1
    assert "unknown agent 'nobody'" in capsys.readouterr().err
    for argv in (["agents", "absent", "agent-1"], ["agents", "present"], ["agents", "list", "--reason", "x"],
                 ["agents", "absent", "agent-1", "--reason", "x", "--until", "2099-01-05T09:00"]):
        with pytest.raises(SystemExit):
            main(["--config", str(config_file), *argv])
    assert main(["--config", str(config_file), "agents", "list", "--json"]) == 0
    assert all(agent["present"] for agent in json.loads(capsys.readouterr().out))
