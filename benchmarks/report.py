"""docs/benchmarks.md and docs/benchmarks.png from a full run's results (benchmarks/results_full.json).

    python -m benchmarks.report            # re-render the docs from the last full run

The tables and the plot are generated; the analysis (hot spots, before/after) is hand-written in
benchmarks/notes.md and included verbatim.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
PLOT = ROOT / "docs" / "benchmarks.png"
NOTES = Path(__file__).resolve().parent / "notes.md"
PLOTTED = ("co-leads", "department", "workload", "overlaps", "targets", "path", "lineage", "plans")


def _fmt(v: Any, digits: int = 1) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        if v >= 100:
            return f"{v:,.0f}"
        return f"{v:.{digits}f}" if v >= 1 else f"{v:.3f}"
    return f"{v:,}" if isinstance(v, int) else str(v)


def _sizes(full: dict[str, Any]) -> list[dict[str, Any]]:
    return sorted(full["sizes"].values(), key=lambda r: r["tasks"])


def goals(r: dict[str, Any], big: dict[str, Any] | None) -> list[tuple[str, str, str, bool | None]]:
    """(goal, target, measured, met) rows for the 10k size (and 100k for memory)."""
    out: list[tuple[str, str, str, bool | None]] = []
    p = r["parse"]["parse_mb_s"]
    mode = r["parse"].get("loaders", "?")
    out.append((f"parse throughput, one core (loaders {mode})", ">= 5 MB/s", f"{p:.2f} MB/s", p >= 5))
    e = r["embedded_load"]["records_s"]
    out.append(("embedded load (load_many)", ">= 50k records/s", f"{e:,.0f} records/s", e >= 50000))
    co = r["embedded_queries"].get("co-leads", {})
    if "cpu_p50_ms" in co:
        out.append(("co-leads p50 at 10k tasks, embedded (warm)", "<= 50 ms", f"{co['cpu_p50_ms']:.2f} ms",
                    co["cpu_p50_ms"] <= 50))
        out.append(("co-leads first call at 10k tasks (nothing cached but the index)", "<= 50 ms",
                    f"{co['first_cpu_ms']:.1f} ms", co["first_cpu_ms"] <= 50))
    bw = r.get("bolt_writes") or {}
    if "bolt_batched_vs_per_row" in bw:
        v = bw["bolt_batched_vs_per_row"]
        vl = bw.get("bolt_batched_vs_per_row_large_plan")
        out.append(("Bolt batched vs per-row", ">= 10x", f"{v}x real plans, {vl}x one 2k-task plan", v >= 10))
    a = r.get("api")
    if a:
        d, bare = a["department"], a["bare"]
        ratio = d["rps"] / bare["rps"] if bare["rps"] else 0
        out.append(("API p99 (GET /departments, 50 clients)", "<= 50 ms", f"{d['p99_ms']:.0f} ms", d["p99_ms"] <= 50))
        out.append(("API throughput vs bare FastAPI", ">= 0.5x", f"{ratio:.2f}x", ratio >= 0.5))
    if big:
        rr = big.get("rss_read", {})
        rl = big.get("rss_load", {})
        if "peak_mb" in rr:
            out.append(("100k tasks RSS, open + query", "< 2 GB", f"{rr['peak_mb']:,.0f} MB", rr["peak_mb"] < 2048))
        if "peak_mb" in rl:
            out.append(("100k tasks RSS, extract + load_many", "< 2 GB", f"{rl['peak_mb']:,.0f} MB",
                        rl["peak_mb"] < 2048))
        q10 = r["embedded_queries"].get("co-leads", {}).get("first_cpu_ms")
        q100 = big["embedded_queries"].get("co-leads", {}).get("first_cpu_ms")
        if q10 and q100:
            growth = q100 / q10
            scale = big["tasks"] / r["tasks"]
            out.append(("co-leads growth 10k -> 100k (first call)", f"<= {scale:.0f}x (linear)", f"{growth:.1f}x",
                        growth <= scale))
    return out


def size_table(r: dict[str, Any]) -> list[str]:
    p, e = r["parse"], r["embedded_load"]
    lines = [f"### {r['tasks']:,} tasks ({r['plans']:,} plans, {p['bytes'] / 1e6:.1f} MB)", "",
             "| figure | value | baseline (same run) | ratio |", "| --- | --- | --- | --- |",
             f"| parse (extract_text, loaders {p.get('loaders', '?')}), MB per CPU s | {_fmt(p['parse_mb_s'], 2)} "
             f"| read + NFKC {_fmt(p['baseline_mb_s'])} | {p['parse_mb_s'] / p['baseline_mb_s']:.3f} |",
             f"| embedded load_many, records per CPU s | {_fmt(e['records_s'])} | load() one plan at a time into "
             f"the rest: {_fmt(e['per_doc_records_s'])} | {e['records_s'] / e['per_doc_records_s']:,.0f}x |",
             f"| one plan via load() into this store | {e['per_doc_wall_s'] * 1000:,.0f} ms wall | | |"]
    if "python" in p:
        lines.insert(5, f"| parse, compiled vs the Python sources (PLANKG_PURE_PYTHON=1) | {_fmt(p['parse_mb_s'], 2)} "
                        f"| {_fmt(p['python']['parse_mb_s'], 2)} | {p['parse_mb_s'] / p['python']['parse_mb_s']:.2f}x |")
    if "bolt_load" in r:
        b = r["bolt_load"]
        failed = f" ({b['failed_plans']} plans failed, skipped)" if b.get("failed_plans") else ""
        lines.append(f"| Bolt load (FalkorDB, one tx per plan), records/s | {_fmt(b['records_s'])}{failed} | | |")
    rr = r.get("rss_read", {})
    if "peak_mb" in rr:
        lines.append(f"| peak RSS: open store + index + queries | {_fmt(rr['peak_mb'])} MB | interpreter + imports "
                     f"{_fmt(rr['base_mb'])} MB | {(rr['peak_mb'] - rr['base_mb']) / (r['tasks'] / 10000):.0f} MB per 10k tasks |")
    rl = r.get("rss_load", {})
    if "peak_mb" in rl:
        lines.append(f"| peak RSS: extract + load_many | {_fmt(rl['peak_mb'])} MB | | |")
    a = r.get("api")
    if a:
        bare = a["bare"]
        for name in ("department", "co-leads"):
            s = a[name]
            lines.append(f"| API {name}: requests/s, p50 / p99 ms | {_fmt(s['rps'])}, {_fmt(s['p50_ms'])} / "
                         f"{_fmt(s['p99_ms'])} | bare FastAPI {_fmt(bare['rps'])} rps, p99 {_fmt(bare['p99_ms'])} "
                         f"| {s['rps'] / bare['rps']:.2f} |")
    bw = r.get("bolt_writes")
    if bw and "error" in bw:
        lines.append(f"| Bolt batched vs per-row | not measured: {bw['error']} | | |")
    if bw:
        for name in ("corpus", "large_plan"):
            w = bw.get("raw", {}).get(name)
            if w:
                runs = ", ".join(f"{x['batch_rows']}: {x['rows_per_second']:,}" for x in w["runs"])
                lines.append(f"| Bolt rows/s by batch size ({name}, {w['documents']} docs) | {runs} | batch 1 "
                             f"| {w['speedup_batched_vs_per_row']}x |")
    op = r["embedded_queries"].get("open", {})
    lines += ["", f"Opening the embedded store: reading the file {_fmt(op.get('read_cpu_ms'))} CPU ms, building the "
              f"query index {_fmt(op.get('index_cpu_ms'))} CPU ms (once per store version; the API does it at startup).",
              "", "| query | rows | embedded first call, CPU ms | embedded warm p50, CPU ms | Bolt p50, wall ms |",
              "| --- | --- | --- | --- | --- |"]
    bq = r.get("bolt_queries", {})
    for name, v in r["embedded_queries"].items():
        if name == "open":
            continue
        if "error" in v:
            lines.append(f"| {name} | error: {v['error']} | | | |")
            continue
        b = bq.get(name, {})
        lines.append(f"| {name} | {v['rows']:,} | {_fmt(v['first_cpu_ms'])} | {_fmt(v['cpu_p50_ms'], 2)} | "
                     f"{_fmt(b.get('p50_ms')) if 'p50_ms' in b else b.get('error', '–')} |")
    return [*lines, ""]


def plot(full: dict[str, Any]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = _sizes(full)
    fig, ax = plt.subplots(figsize=(7, 4.2), dpi=80)
    xs = [r["tasks"] for r in sizes]
    for name in PLOTTED:
        ys = [r["embedded_queries"].get(name, {}).get("first_cpu_ms") for r in sizes]
        pts = [(x, y) for x, y in zip(xs, ys, strict=True) if y]
        if pts:
            ax.plot(*zip(*pts, strict=True), marker="o", label=f"{name} (embedded, first call)")
    warm = [(r["tasks"], r["embedded_queries"].get("co-leads", {}).get("cpu_p50_ms")) for r in sizes]
    ax.plot(*zip(*[p for p in warm if p[1]], strict=True), "k--", marker="x", label="co-leads (embedded, warm p50)")
    bolt = [(r["tasks"], r.get("bolt_queries", {}).get("co-leads", {}).get("p50_ms")) for r in sizes]
    bolt = [p for p in bolt if p[1]]
    if bolt:
        ax.plot(*zip(*bolt, strict=True), "r:", marker="s", label="co-leads (Bolt/FalkorDB, p50, wall ms)")
    lo, hi = min(xs), max(xs)
    ax.plot([lo, hi], [50 * lo / 10000, 50 * hi / 10000], color="grey", lw=0.8, label="linear, 50 ms at 10k")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("tasks in the store")
    ax.set_ylabel("latency (CPU ms)")
    ax.set_title("Catalog query latency vs corpus size")
    ax.legend(fontsize=6.5, loc="upper left")
    ax.grid(True, which="both", lw=0.3)
    fig.tight_layout()
    fig.savefig(PLOT)
    plt.close(fig)


def write(full: dict[str, Any]) -> None:
    sizes = _sizes(full)
    ten = next((r for r in sizes if r["tasks"] == 10000), sizes[-1])
    big = next((r for r in sizes if r["tasks"] == 100000), None)
    m = full["machine"]
    lines = ["# Benchmarks", "",
             "Generated by `make bench` (`python -m benchmarks.run`) from a synthetic national corpus "
             "(`python -m benchmarks.corpus`); `make bench-quick` measures the 10k-task size in under two "
             "minutes and writes `benchmarks/results.json`. Do not edit the generated sections by hand: "
             "the analysis lives in `benchmarks/notes.md`.", "",
             "## Machine", "",
             f"{m['cpu']}, {m['cores']} cores, {m['mem_mb']} MB RAM, Python {m['python']}, Linux {m['kernel']}. "
             f"1-minute load average during the run: {full.get('load_average', '?')} (other work shared the "
             "machine, so single-core figures are CPU seconds of the measuring process, not wall time).", "",
             "## Goals", "", "| goal | target | measured | met |", "| --- | --- | --- | --- |"]
    for goal, target, got, met in goals(ten, big):
        lines.append(f"| {goal} | {target} | {got} | {'yes' if met else 'no' if met is not None else '?'} |")
    lines += ["", "## Latency growth", "", "![catalog latency vs corpus size, log-log](benchmarks.png)", ""]
    if big:
        lines += ["First calls (CPU ms, nothing cached but the index; the median of three fresh processes) from 10k to 100k tasks; linear growth is 10x.",
                  "", "| query | 10k | 100k | growth |", "| --- | --- | --- | --- |"]
        for name, v in ten["embedded_queries"].items():
            w = big["embedded_queries"].get(name, {})
            if "first_cpu_ms" in v and "first_cpu_ms" in w:
                g = w["first_cpu_ms"] / v["first_cpu_ms"] if v["first_cpu_ms"] else 0
                flag = " (superlinear)" if g > 12 else ""
                lines.append(f"| {name} | {_fmt(v['first_cpu_ms'])} | {_fmt(w['first_cpu_ms'])} | {g:.0f}x{flag} |")
        lines.append("")
    lines += ["## Results per size", ""]
    for r in sizes:
        lines += size_table(r)
    if NOTES.exists():
        lines += [NOTES.read_text(encoding="utf-8").rstrip(), ""]
    DOC.write_text("\n".join(lines), encoding="utf-8")
    plot(full)


def main() -> None:
    from benchmarks.run import RESULTS_FULL

    write(json.loads(RESULTS_FULL.read_text(encoding="utf-8")))


if __name__ == "__main__":
    main()
