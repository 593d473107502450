"""Builds the extraction hot path with mypyc when a C compiler is there; pure Python otherwise.

Everything else about the package is declared in pyproject.toml. The compiled modules are the same
sources, type-checked and translated to C: `extract_text` runs about 1.6x faster (docs/benchmarks.md).
Set PLANKG_COMPILE=0 to install without compiling; a failed compile also leaves pure Python, since
the extension is optional. loaders/native.py falls back to the sources when they are newer than
the build (an edit after `make build`), or when PLANKG_PURE_PYTHON=1.
"""

from __future__ import annotations

import os
import runpy

from setuptools import setup

#: which modules: one list, read from the module that decides at import time whether to use them
#: (runpy: importing the package would need its dependencies, which a build environment lacks)
COMPILED = runpy.run_path("loaders/native.py")["MODULES"]


def extensions() -> list:
    if os.environ.get("PLANKG_COMPILE", "1") == "0":
        return []
    try:
        from mypyc.build import mypycify
    except ImportError:  # building without the build requirements (setup.py run by hand)
        return []
    exts = mypycify(
        [*(f"loaders/{m}.py" for m in COMPILED), "--ignore-missing-imports", "--python-version", "3.11"],
        group_name="loaders.native",
        opt_level="3",
    )
    for ext in exts:
        ext.optional = True  # no compiler, or one that fails: install the pure-Python package
    return exts


setup(ext_modules=extensions())
