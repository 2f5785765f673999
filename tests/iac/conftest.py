"""Fixtures of the IaC tests (helpers live in helpers.py)."""

from __future__ import annotations

import pytest

from .helpers import PARITY, IacResult, scan_iac


@pytest.fixture(scope="session")
def parity_scan() -> IacResult:
    return scan_iac(PARITY)
