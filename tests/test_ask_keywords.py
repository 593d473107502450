"""queries.ask / ask_frame take every catalog parameter as a keyword, `name` included."""

from __future__ import annotations

import queries


def test_name_parameter_passes_as_keyword(embedded_store, seed_extract):
    embedded_store.load(seed_extract)
    rows = queries.ask("department", embedded_store, name="农牧局")
    assert rows and {r["department"] for r in rows} == {"农牧局"}
    assert {r["role"] for r in rows} == {"lead", "support"}
    frame = queries.ask_frame("partners", store=embedded_store, name="教科体局")
    assert "农牧局" in set(frame["partner"])
