"""Small helpers for the analyst notebooks (notebooks/*.ipynb): a store holding the bundled plans,
a CJK font for matplotlib, and saving a figure for docs/.

>>> notebook_store_uri({"NEO4J_URI": "bolt://db:7687"})
'bolt://db:7687'
>>> notebook_store_uri({}) is None
True
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graph.errors import PlankgError
from graph.stores import open_store

if TYPE_CHECKING:
    from graph.stores.base import Store

#: the bundled example plans (a source checkout; notebooks run from one)
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

#: preferred CJK families, Simplified Chinese first; Debian's fonts-noto-cjk gives the first
CJK_FAMILIES = (
    "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN",
    "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC", "SimHei",
    "Noto Sans CJK JP", "Noto Serif CJK SC",
)
_CJK_FILE = re.compile(r"CJK|SourceHan|wqy|WenQuanYi|msyh|PingFang|simhei", re.IGNORECASE)
#: characters every label font must have (department names, chain names)
PROBE = "农牧局乳业教科体局各乡镇人民政府"


def bundled_plans() -> list[Path]:
    """The example plans shipped in examples/ (科技兴旗, 科技兴市, 奶业振兴)."""
    return sorted(EXAMPLES.glob("*.txt"))


def notebook_store_uri(env: Mapping[str, str] | None = None) -> str | None:
    """The Bolt URI from NEO4J_URI when set (credentials from NEO4J_USER / NEO4J_PASSWORD),
    else None: the notebooks then use a temporary embedded store."""
    env = os.environ if env is None else env
    return env.get("NEO4J_URI") or None


def notebook_store(paths: Iterable[str | os.PathLike[str]] | None = None) -> Store:
    """A store with the given plans loaded (default: the bundled ones).

    Bolt when NEO4J_URI is set (plans are loaded with replace semantics; other plans already in
    that database stay and show up in the answers), else a fresh embedded store in a temporary
    directory, so a notebook never touches the user's default store.
    """
    from loaders import extract_path

    uri = notebook_store_uri()
    if uri is None:
        uri = str(Path(tempfile.mkdtemp(prefix="plankg-nb-")) / "store.plankg")
    store = open_store(uri)
    for path in paths if paths is not None else bundled_plans():
        store.load(extract_path(Path(path)))
    return store


def _has_glyphs(fname: str, text: str) -> bool:
    from matplotlib import font_manager

    font = font_manager.get_font(fname)
    return all(font.get_char_index(ord(ch)) for ch in text if not ch.isspace())


def cjk_font(probe: str = PROBE) -> tuple[str, str]:
    """(family, file) of an installed font that has a glyph for every character of `probe`."""
    from matplotlib import font_manager

    for attempt in range(2):
        for family in CJK_FAMILIES:
            try:
                fname = font_manager.findfont(font_manager.FontProperties(family=family),
                                              fallback_to_default=False)
            except ValueError:
                continue
            if _has_glyphs(fname, probe):
                return family, fname
        if attempt == 0:
            # matplotlib's font cache predates a font installed later (make system-deps): add the
            # system's CJK files to this process's font manager and look again
            for path in font_manager.findSystemFonts():
                if _CJK_FILE.search(Path(path).name):
                    font_manager.fontManager.addfont(path)
    raise PlankgError(
        "no CJK font found for matplotlib; install one (Debian: apt-get install fonts-noto-cjk, "
        "or `make system-deps`) and remove matplotlib's font cache"
    )


def use_cjk_font(probe: str = PROBE) -> str:
    """Make matplotlib draw text with a CJK font (no tofu boxes); returns the family chosen."""
    import matplotlib as mpl

    family, _ = cjk_font(probe)
    mpl.rcParams["font.family"] = "sans-serif"
    mpl.rcParams["font.sans-serif"] = [family, "DejaVu Sans"]
    mpl.rcParams["axes.unicode_minus"] = False
    return family


def save_figure(fig: Any, name: str, directory: str | os.PathLike[str] | None = None) -> Path | None:
    """Save `fig` as notebook_<name>.png into `directory` (default: PLANKG_FIGURES); None when
    neither is set, so running a notebook interactively writes nothing."""
    target = directory or os.environ.get("PLANKG_FIGURES")
    if not target:
        return None
    path = Path(target) / f"notebook_{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    # small on purpose: the docs screenshots stay well under 200 KB
    fig.savefig(path, dpi=80, bbox_inches="tight")
    return path
