"""Documents in, PlanExtract out: `extract_text`, `extract_bytes`, `extract_path`."""

from __future__ import annotations

# first: it decides whether the compiled modules or their sources run (loaders/native.py)
from loaders import native  # noqa: F401
from loaders.extract import extract_text
from loaders.io import extract_bytes, extract_path

__all__ = ["extract_bytes", "extract_path", "extract_text"]
