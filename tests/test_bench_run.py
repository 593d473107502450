"""The benchmark runner's results.json contract, on the 10-plan corpus (no Bolt, no API servers).

Timings are not asserted (benchmarks live in benchmarks/); only that every figure is produced.
"""

from __future__ import annotations

import json

from benchmarks.run import bench_size, flatten

REQUIRED = ("parse_mb_s", "parse_baseline_mb_s", "embedded_load_records_s", "embedded_per_doc_records_s",
            "co_leads_p50_ms", "co_leads_first_ms", "rss_mb_per_10k_tasks", "open_index_ms")


def test_a_small_run_produces_every_embedded_figure() -> None:
    r = bench_size("10p", seed=1, quick=True, bolt_uri=None, api_seconds=None)
    assert r["plans"] == 10
    assert "error" not in r["rss_read"], r["rss_read"]
    flat = flatten(r)
    for name in REQUIRED:
        assert name in flat, name
    from loaders import native

    assert r["parse"]["loaders"] == native.mode
    if native.mode == "compiled":  # as under make test: the Python sources are measured beside the build
        assert {"parse_python_mb_s", "parse_compiled_vs_python"} <= set(flat)
    for name, fig in flat.items():
        assert set(fig) == {"value", "unit"}, name
        assert isinstance(fig["value"], int | float) and fig["value"] >= 0, name
    from benchmarks.measure import QUERY_PARAMS

    for query in QUERY_PARAMS:  # every catalog question answered on the generated corpus
        assert query.replace("-", "_") + "_p50_ms" in flat, r["embedded_queries"].get(query)
    json.dumps(flat)
