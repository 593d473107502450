"""The mypyc-compiled loader (setup.py, loaders/native.py): it reads every document exactly as the
Python sources do, and a build older than its sources never runs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

from loaders import extract_path, native

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"
#: every plan document shipped with the project, in every format the loader reads
DOCS = sorted(p for d in (ROOT / "examples", TESTS / "corpus", TESTS / "blind", *(TESTS / "blind").glob("round*"))
              for p in d.iterdir() if p.suffix not in (".json", ".md", ".py") and p.is_file())

_DUMP = """
import json, sys
from loaders import extract_path, native
print(json.dumps({"mode": native.mode, "extracts": [extract_path(p).model_dump(mode="json") for p in sys.argv[1:]]},
                 ensure_ascii=False))
"""


def _run(code: str, *args: str, cwd: Path = ROOT, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=600)


def test_the_python_sources_extract_what_this_process_extracts() -> None:
    """Under `make test` this process runs the compiled build (the report header says which): the
    same documents read by the plain sources in a child process give identical extracts."""
    assert len(DOCS) > 40 and {p.suffix for p in DOCS} >= {".txt", ".html"}
    out = _run(_DUMP, *map(str, DOCS), PLANKG_PURE_PYTHON="1")
    assert out.returncode == 0, out.stderr
    child = json.loads(out.stdout)
    assert child["mode"] == "python (PLANKG_PURE_PYTHON is set)"
    here = [extract_path(p).model_dump(mode="json") for p in DOCS]
    for doc, mine, theirs in zip(DOCS, here, child["extracts"], strict=True):
        assert mine == theirs, f"{doc.name} reads differently in mode {native.mode!r}"


def _package_copy(tmp: Path) -> Path:
    """loaders/ copied with a fake build beside each compiled module, newer than its source."""
    pkg = tmp / "loaders"
    shutil.copytree(ROOT / "loaders", pkg, ignore=shutil.ignore_patterns("*.so", "__pycache__"))
    past = time.time() - 60
    for m in native.MODULES:
        os.utime(pkg / f"{m}.py", (past, past))
        (pkg / f"{m}{EXTENSION_SUFFIXES[0]}").write_bytes(b"not a shared object")
    return pkg


_WHICH = "import loaders.extract as e, loaders.native as n; print(n.mode); print(e.__file__)"


def test_a_source_edited_after_the_build_runs_as_python(tmp_path: Path) -> None:
    pkg = _package_copy(tmp_path)
    (pkg / "roles.py").touch()  # the edit
    out = _run(_WHICH, cwd=tmp_path, PYTHONPATH=f"{tmp_path}{os.pathsep}{ROOT}")
    assert out.returncode == 0, out.stderr  # the fake builds were never loaded
    mode, where = out.stdout.splitlines()
    assert mode == "python (loaders/roles.py changed after the build)"
    assert where == str(pkg / "extract.py")
    assert out.stderr == ""  # quietly: a command's error must stay one line


def test_plankg_pure_python_skips_a_fresh_build(tmp_path: Path) -> None:
    pkg = _package_copy(tmp_path)
    out = _run(_WHICH, cwd=tmp_path, PYTHONPATH=f"{tmp_path}{os.pathsep}{ROOT}", PLANKG_PURE_PYTHON="1")
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["python (PLANKG_PURE_PYTHON is set)", str(pkg / "extract.py")]
    assert out.stderr == ""


def test_a_partial_build_is_not_used(tmp_path: Path) -> None:
    pkg = _package_copy(tmp_path)
    (pkg / f"targets{EXTENSION_SUFFIXES[0]}").unlink()
    out = _run(_WHICH, cwd=tmp_path, PYTHONPATH=f"{tmp_path}{os.pathsep}{ROOT}")
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[0] == "python (loaders/targets was not built)"
    assert out.stderr == ""
