"""docs/queries.md is generated from the catalog; it must match what the generator prints now."""

from __future__ import annotations

from pathlib import Path

from api.catalog_docs import render
from queries import catalog

DOC = Path(__file__).resolve().parent.parent / "docs" / "queries.md"


def test_docs_queries_md_is_not_stale():
    assert DOC.read_text(encoding="utf-8") == render(), (
        "docs/queries.md is stale: run `make docs` (python -m api.catalog_docs -o docs/queries.md)"
    )


def test_docs_cover_every_entry_and_parameter():
    text = DOC.read_text(encoding="utf-8")
    for spec in catalog():
        assert f"## `{spec.name}`" in text and spec.question_zh in text
        for p in spec.params:
            assert f"| `{p.name}` |" in text
