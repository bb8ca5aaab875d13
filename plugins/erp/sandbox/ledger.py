"""The sandbox ERP's books: a JSON-lines file, one posting per idempotency key."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


class Ledger:
    def __init__(self, path: Path) -> None:
        self.path = path

    def postings(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text().splitlines() if line.strip()]

    def find(self, key: str) -> dict[str, Any] | None:
        return next((p for p in self.postings() if p["key"] == key), None)

    def post(self, key: str, kind: str, ref: str, **fields: Any) -> dict[str, Any]:
        """Append once per key: a redelivered handoff finds its earlier posting and returns it."""
        found = self.find(key)
        if found:
            return found
        number = f"{kind.upper()[:3]}-{len(self.postings()) + 1:05d}"
        posting = {"key": key, "kind": kind, "ref": ref, "number": number, **fields}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a") as out:
            out.write(json.dumps(posting, default=str) + "\n")
            out.flush()
            os.fsync(out.fileno())
        return posting
