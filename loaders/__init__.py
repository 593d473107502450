"""Documents in, PlanExtract out: `extract_text`, `extract_bytes`, `extract_path`."""

from __future__ import annotations

from loaders.extract import extract_text
from loaders.io import extract_bytes, extract_path

__all__ = ["extract_bytes", "extract_path", "extract_text"]
