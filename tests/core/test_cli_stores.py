"""`hub stores list` and `hub stores show` as the order desk uses them (000, 新开店备发货流程)."""
from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from hub.cli import main
from hub.core.config import load_config
from hub.core.domain.inputs import NewStore
from hub.core.plugins import build_plugin_manager
from hub.core.service import Hub


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "hub.toml"
    path.write_text(f'data_dir = "{tmp_path}"\n[plugins]\nenabled = []\n')

    async def stores() -> None:
        config = load_config(path)
        hub = Hub(config, build_plugin_manager(config))
        await hub.start()
        try:
            await hub.open_store(NewStore(ref="ST-CLI-1", customer={"code": "C-CLI", "name": "Cli Home"},
                                          name="Cli Home Ningbo"))
            await hub.apply("store", "ST-CLI-1", "documents_sent",
                            {"documents": ["project_brief", "design_plan", "image_items_list"]})
            await hub.open_store(NewStore(ref="ST-CLI-2", customer_code="C-CLI"))
            await hub.apply("store", "ST-CLI-2", "cancelled", {"reason": "lease withdrawn"})
        finally:
            await hub.close()

    asyncio.run(stores())
    return path


def test_stores_list_with_filters_and_json(config_file, capsys):
    assert main(["--config", str(config_file), "stores", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[:2] for line in lines] == [["ST-CLI-1", "documents_sent"], ["ST-CLI-2", "cancelled"]]
    assert main(["--config", str(config_file), "stores", "list", "--state", "cancelled", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["ref"], r["customer_code"]) for r in rows] == [("ST-CLI-2", "C-CLI")]


def test_stores_show_prints_lists_timers_and_timeline(config_file, capsys):
    assert main(["--config", str(config_file), "stores", "show", "ST-CLI-1"]) == 0
    text = capsys.readouterr().out
    assert "documents sent: project_brief, design_plan, image_items_list" in text
    assert "timer store_product_list due" in text and "documents_sent" in text
    assert main(["--config", str(config_file), "stores", "show", "NOPE"]) == 1
    assert "not found" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--config", str(config_file), "stores", "show"])
