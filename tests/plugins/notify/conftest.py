"""Fixtures of the notify plugin tests (helpers that tests import live in ``notify_helpers``)."""
from __future__ import annotations


import pytest
from notify_helpers import Ledger



@pytest.fixture
def ledger() -> Ledger:
    return Ledger()
