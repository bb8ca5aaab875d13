"""Helpers the core tests import (kept out of conftest.py, which other conftests can shadow)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

PG_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
SUPPORT = Path(__file__).resolve().parent


def recorder(tmp_path: Path, **settings: Any) -> dict[str, Any]:
    """Plugin config enabling the recording test plugin."""
    name = "hub_test_plugins:RECORDER"
    return {"enabled": [name], name: {"calls_file": str(tmp_path / "calls.jsonl"),
                                      "effects_file": str(tmp_path / "effects.txt"), **settings}}
