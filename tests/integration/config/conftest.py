"""A sandbox seeded for the connections-as-code tests (the seed lives in ``config_support.py``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from config_support import SEED

from mmoauth_gui.sandbox import Sandbox


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(seed=SEED) as sb:
        yield sb
