from __future__ import annotations

from pathlib import Path

import pytest

from v8snap.node import find_node

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.fixture(scope="session")
def node() -> Path:
    return find_node()


@pytest.fixture
def fixture_app() -> object:
    def get(name: str) -> Path:
        path = FIXTURES / name
        assert path.is_dir(), path
        return path

    return get
