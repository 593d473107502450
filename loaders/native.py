"""Whether the extraction hot path runs as mypyc-compiled code, and the rule that keeps a stale
build from running.

`pip install` (setup.py) compiles MODULES with mypyc into extension modules beside their sources,
and Python imports an extension before a same-named .py. That is the point, but it also means an
edit to loaders/roles.py would silently not run until the next build. So before any of them is
imported, importing this module compares modification times: if any source is newer than its
build (or a build is missing, or PLANKG_PURE_PYTHON=1), every compiled module is imported from its
source instead — all of them, because compiled modules call each other directly and a mixed set would
still run the old code. This module imports nothing of the package and runs before it, so setup.py
reads MODULES from here too.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

#: the modules `extract_text` spends its time in; the format readers (io, office, pdf, html …)
#: spend theirs in their libraries and stay Python
MODULES = (
    "aliases", "departments", "extract", "header", "indicators", "lexicon",
    "outline", "roles", "rules", "structure", "tables", "targets",
)
HERE = Path(__file__).resolve().parent
_SUFFIX = importlib.machinery.EXTENSION_SUFFIXES[0]  # .cpython-311-x86_64-linux-gnu.so


class _Sources(importlib.abc.MetaPathFinder):
    """Finds loaders.<m> for m in MODULES as its .py file, ahead of the extension module."""

    def find_spec(self, fullname: str, path: Sequence[str] | None,
                  target: ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        package, _, name = fullname.rpartition(".")
        if package != __package__ or name not in MODULES:
            return None
        return importlib.util.spec_from_file_location(fullname, HERE / f"{name}.py")


def _why_not_compiled() -> str | None:
    if os.environ.get("PLANKG_PURE_PYTHON", "") not in ("", "0"):
        return "PLANKG_PURE_PYTHON is set"
    built = [HERE / f"{m}{_SUFFIX}" for m in MODULES]
    if not any(b.exists() for b in built):
        return "not built"
    for m, b in zip(MODULES, built, strict=True):
        why = (f"loaders/{m} was not built" if not b.exists()
               else f"loaders/{m}.py changed after the build" if (HERE / f"{m}.py").stat().st_mtime > b.stat().st_mtime
               else None)
        if why:  # not warned about: a CLI error must stay one line; `mode` tells (pytest header, /health)
            return why
    return None


def _choose() -> str:
    why = _why_not_compiled()
    if why is None:
        return "compiled"
    if not any(isinstance(f, _Sources) for f in sys.meta_path):
        sys.meta_path.insert(0, _Sources())
    return f"python ({why})"


#: decided once per process, on the package's first import, before any compiled module is imported:
#: "compiled", or "python (<why not>)"
mode = _choose()
