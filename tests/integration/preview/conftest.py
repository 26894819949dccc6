"""A sandbox seeded for the preview tests (the seed lives in ``preview_seed.py``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from preview_seed import PREVIEW_SEED

from mmoauth_gui.sandbox import Sandbox


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(seed=PREVIEW_SEED) as sb:
        yield sb
