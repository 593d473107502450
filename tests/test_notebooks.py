"""The analyst notebooks (notebooks/*.ipynb) run top to bottom on a fresh kernel — on a temporary
embedded store, and on the Bolt store when the session's server is up — with CJK labels that
render (no tofu), and the helpers behind them (api/notebook.py) do what the notebooks rely on."""

from __future__ import annotations

import io
import json
import os
import re
import warnings
from pathlib import Path
from typing import Any

import matplotlib as mpl
import nbformat
import pytest
from matplotlib import font_manager
from matplotlib.figure import Figure
from nbclient import NotebookClient

import queries
from api.notebook import CJK_FAMILIES, bundled_plans, cjk_font, notebook_store, save_figure, use_cjk_font

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
EXPECTED = ["01_responsibilities", "02_overlaps_and_gaps", "03_targets_and_timeline", "04_cross_plan"]
FIGURE_LIMIT = 200_000  # bytes: the docs screenshots stay small
TOFU = "missing from font"  # matplotlib's warning when a glyph is not in the font


def _ids(path: Path) -> str:
    return path.stem


def _missing_glyph_warnings(fig: Figure, target: Any) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(target, format="png", dpi=60)
    return [str(w.message) for w in caught if TOFU in str(w.message)]


# -- the font -------------------------------------------------------------------------------


def test_cjk_font_has_glyphs_for_department_names():
    family, fname = cjk_font()
    assert family in CJK_FAMILIES
    font = font_manager.get_font(fname)
    assert all(font.get_char_index(ord(ch)) for ch in "农牧局")


def test_saved_figure_labels_are_drawn_with_the_cjk_font(tmp_path):
    with mpl.rc_context():
        family = use_cjk_font()
        fig = Figure(figsize=(3, 2))
        ax = fig.subplots()
        ax.barh([0, 1], [3, 5])
        ax.set_yticks([0, 1], ["农牧局", "教科体局"])
        ax.set_title("牵头任务数")
        ax.set_xlabel("乳业")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            path = save_figure(fig, "probe", tmp_path)
        assert path == tmp_path / "notebook_probe.png" and path.stat().st_size > 0
        assert [str(w.message) for w in caught if TOFU in str(w.message)] == []
        _, fname = cjk_font()
        for text in (ax.title, ax.xaxis.label, *ax.get_yticklabels()):
            assert text.get_fontproperties().get_family()[0] in (family, "sans-serif")
            assert os.fspath(font_manager.findfont(text.get_fontproperties())) == os.fspath(fname)


def test_without_the_cjk_font_the_same_labels_are_tofu():
    # the check above can fail: matplotlib's default font has no 农牧局 and says so
    with mpl.rc_context({"font.family": "sans-serif", "font.sans-serif": ["DejaVu Sans"]}):
        fig = Figure(figsize=(3, 2))
        fig.subplots().set_title("农牧局")
        assert _missing_glyph_warnings(fig, io.BytesIO())


def test_save_figure_writes_nothing_without_a_directory(monkeypatch, tmp_path):
    monkeypatch.delenv("PLANKG_FIGURES", raising=False)
    assert save_figure(Figure(), "x") is None
    monkeypatch.setenv("PLANKG_FIGURES", str(tmp_path / "figs"))
    assert save_figure(Figure(figsize=(1, 1)), "x") == tmp_path / "figs" / "notebook_x.png"


def test_notebook_store_holds_the_bundled_plans(monkeypatch):
    monkeypatch.delenv("NEO4J_URI", raising=False)
    assert len(bundled_plans()) == 3
    with notebook_store() as store:
        assert store.kind == "embedded"
        titles = {r["title"] for r in queries.ask("plans", store)}
    assert titles == {"阿荣旗“科技兴旗”三年行动实施方案", "呼伦贝尔市“科技兴市”三年行动实施方案",
                      "阿荣旗奶业振兴行动方案"}


# -- the notebooks as files -------------------------------------------------------------------


def test_the_notebooks_are_there():
    assert [p.stem for p in NOTEBOOKS] == EXPECTED


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids)
def test_saved_without_outputs_with_question_and_answer(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(c.outputs == [] and c.execution_count is None for c in code)
    first, last = nb.cells[0], nb.cells[-1]
    assert first.cell_type == "markdown" and "**Question.**" in first.source
    assert last.cell_type == "markdown" and last.source.startswith("## Answer")


# -- the notebooks executed -------------------------------------------------------------------


def _execute(path: Path, figures: Path, extra_env: dict[str, str]) -> Any:
    nb = nbformat.read(path, as_version=4)
    env = {k: v for k, v in os.environ.items() if k not in ("NEO4J_URI", "PLANKG_FIGURES", "MPLBACKEND")}
    # a source checkout need not be pip-installed for the kernel to import the project
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    env["PLANKG_FIGURES"] = str(figures)
    env.update(extra_env)
    client = NotebookClient(nb, timeout=240, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute(env=env)
    return nb


def _text(nb: Any) -> list[str]:
    """Every printed stream, in order (stdout and stderr, where matplotlib's warnings land)."""
    return [o.text for c in nb.cells if c.cell_type == "code" for o in c.outputs
            if o.output_type == "stream"]


def _check_run(nb: Any, path: Path, figures: Path, kind: str) -> None:
    text = "".join(_text(nb))
    assert f"store: {kind}" in text
    assert TOFU not in text
    images = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if "image/png" in o.get("data", {})]
    assert images, "the notebook drew no figure"
    if path.stem.startswith("01"):  # the interactive co-lead view, rendered offline by neo4j-viz
        html = [o["data"]["text/html"] for c in nb.cells if c.cell_type == "code" for o in c.outputs
                if "text/html" in o.get("data", {})]
        blocks = [m.group(1) for h in html for m in _VIZ_DATA.finditer(h)]
        assert blocks, "no interactive view"
        captions = {n["caption"] for b in blocks for n in json.loads(b)["nodes"]}
        assert any(c.startswith("农牧局") for c in captions)
    figure = figures / f"notebook_{path.stem[:2]}.png"
    assert figure.exists() and 0 < figure.stat().st_size < FIGURE_LIMIT


_VIZ_DATA = re.compile(r'<script type="application/json" id="neo4j-viz-data">(.*?)</script>', re.S)
_EMBEDDED_RUNS: dict[Path, Any] = {}


def _embedded_run(path: Path, tmp_path_factory: pytest.TempPathFactory) -> Any:
    if path not in _EMBEDDED_RUNS:
        figures = tmp_path_factory.mktemp(f"figures-{path.stem[:2]}")
        nb = _execute(path, figures, {})
        _check_run(nb, path, figures, "embedded")
        _EMBEDDED_RUNS[path] = nb
    return _EMBEDDED_RUNS[path]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids)
def test_notebook_runs_on_the_embedded_store(path, tmp_path_factory):
    _embedded_run(path, tmp_path_factory)


def _summary(nb: Any) -> list[str]:
    # the printed findings, minus the line naming the store
    return [re.sub(r"^store: \w+", "store:", t) for t in _text(nb)]


@pytest.mark.bolt
@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids)
def test_notebook_runs_on_the_bolt_store_with_the_same_findings(path, tmp_path, tmp_path_factory,
                                                                 bolt_store, bolt_uri):
    nb = _execute(path, tmp_path, {"NEO4J_URI": bolt_uri})
    _check_run(nb, path, tmp_path, "bolt")
    assert _summary(nb) == _summary(_embedded_run(path, tmp_path_factory))
