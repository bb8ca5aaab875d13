"""The drills reuse the web tests' fixtures (the admin token, the migrated SQLite template)."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests/: the ``web`` test package

from web.conftest import admin_token, migrated_db  # noqa: E402,F401
