"""`hub documents list|render` as the order desk prints paper without the API: the PDF written to a
file (or stdout), its text read back by pdftotext; an unknown order or a document that has nothing to
say yet is an error that names why, not a traceback."""
from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from hub.cli import main
from hub.core.config import load_config
from hub.core.domain.inputs import NewOrder
from hub.core.plugins import build_plugin_manager
from hub.core.service import Hub

from pdf_reading import pdf_text


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "hub.toml"
    path.write_text(f'data_dir = "{tmp_path}"\n[plugins]\nenabled = []\n[documents]\ncompany_name = "宁波示范家居"\n',
                    encoding="utf-8")

    async def orders() -> None:
        config = load_config(path)
        hub = Hub(config, build_plugin_manager(config))
        await hub.start()
        try:
            await hub.create_order(NewOrder.model_validate({
                "ref": "SO-CLI-DOC", "customer": {"code": "C-CLI", "name": "李记家具", "grade": "B"},
                "lines": [{"product_code": "TABLE-OAK", "qty": "3", "unit_price": "1200"}]}))
        finally:
            await hub.close()

    asyncio.run(orders())
    return path


def test_documents_list_and_render_a_pdf(config_file, tmp_path, capsys):
    assert main(["--config", str(config_file), "documents", "list", "order", "SO-CLI-DOC"]) == 0
    listed = capsys.readouterr().out
    assert "order_confirmation" in listed and "订单确认书" in listed and "not yet" in listed
    out = tmp_path / "confirmation.pdf"
    assert main(["--config", str(config_file), "documents", "render", "order", "SO-CLI-DOC", "order_confirmation",
                 "-o", str(out)]) == 0
    text = pdf_text(out.read_bytes())
    assert "订单确认书" in text and "SO-CLI-DOC" in text and "宁波示范家居" in text and "TABLE-OAK" in text
    assert "3,600.00" in text


def test_documents_errors_name_the_reason(config_file, capsys):
    assert main(["--config", str(config_file), "documents", "render", "order", "SO-NONE", "order_confirmation"]) != 0
    assert "SO-NONE not found" in capsys.readouterr().err
    assert main(["--config", str(config_file), "documents", "render", "order", "SO-CLI-DOC", "loading_notice"]) != 0
    assert "not collected" in capsys.readouterr().err
