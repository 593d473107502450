"""Shared fixtures: real documents, real stores. Support plugins live in tests/support/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest_plugins = ["tests.support.bolt_server", "tests.reliability.report"]

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
EXAMPLES = ROOT / "examples"
SEED = DATA / "seed.txt"
SEED_GOLD = DATA / "seed.gold.json"


def pytest_report_header() -> str:
    from loaders import native

    return f"loaders: {native.mode}"  # compiled (make build) or the Python sources, and why


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return SEED


@pytest.fixture(scope="session")
def seed_gold() -> dict:
    return json.loads(SEED_GOLD.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def seed_extract():
    from loaders import extract_path

    return extract_path(SEED)


@pytest.fixture
def embedded_store(tmp_path):
    from graph.stores.embedded import EmbeddedStore

    return EmbeddedStore(tmp_path / "store.plankg")
