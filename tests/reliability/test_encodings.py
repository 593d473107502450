"""The same plan as UTF-8, UTF-8 with BOM, GB18030, UTF-16, CRLF or full-width punctuation gives the identical graph.

"Identical" is taken at its strictest: `graph.records.plan_records` of each variant (the nodes
and relations a store writes) equals that of the UTF-8 original in every id and every property,
document id and character spans included, except the Plan's `source` (the file name). This holds
because spans and the document id refer to the normalised text (NFKC, LF line ends, no BOM),
which is the same for all these variants. (Other formats - HTML, DOCX, PDF - give the same
tasks, roles and targets but different text, so different spans: tests/test_loader_formats.py.)
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from graph.records import plan_records
from loaders import extract_bytes, extract_path
from tests.conftest import EXAMPLES, SEED

pytestmark = pytest.mark.reliability

_HALF = ",():;!?%0123456789"
_FULL = "，（）：；！？％０１２３４５６７８９"


def full_width(text: str) -> str:
    """ASCII punctuation and digits as their full-width forms (as typed with a Chinese IME)."""
    return text.translate(str.maketrans(_HALF, _FULL))


VARIANTS: dict[str, Callable[[str], bytes]] = {
    "utf-8-bom": lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"),
    "gb18030": lambda t: t.encode("gb18030"),
    "utf-16": lambda t: t.encode("utf-16"),
    "utf-16-be": lambda t: b"\xfe\xff" + t.encode("utf-16-be"),
    "utf-16-le-no-bom": lambda t: t.encode("utf-16-le"),
    "crlf": lambda t: t.replace("\n", "\r\n").encode("utf-8"),
    "cr-only": lambda t: t.replace("\n", "\r").encode("utf-8"),
    "full-width": lambda t: full_width(t).encode("utf-8"),
    "gb18030-crlf-full-width": lambda t: full_width(t).replace("\n", "\r\n").encode("gb18030"),
    "utf-16-crlf-full-width": lambda t: full_width(t).replace("\n", "\r\n").encode("utf-16"),
}

DOCUMENTS = sorted({SEED, *EXAMPLES.glob("*.txt")}, key=lambda p: p.name)


def records(ex: object) -> tuple[list, list]:
    rec = plan_records(ex)  # type: ignore[arg-type]
    nodes = sorted(
        (n.id, n.label, {k: v for k, v in n.props.items() if not (n.label == "Plan" and k == "source")})
        for n in rec.nodes
    )
    rels = sorted((r.type, r.src, r.dst, r.props) for r in rec.relations)
    return [repr(n) for n in nodes], [repr(r) for r in rels]


@pytest.fixture(scope="module", params=DOCUMENTS, ids=lambda p: p.stem)
def original(request: pytest.FixtureRequest) -> tuple[Path, tuple[list, list]]:
    path: Path = request.param
    return path, records(extract_path(path))


def test_full_width_really_changes_the_bytes() -> None:
    """(the full-width variant is not a no-op: the seed has ASCII punctuation and digits to convert)"""
    text = SEED.read_text(encoding="utf-8")
    assert full_width(text) != text and "（" in full_width(text) and "２０２１" in full_width(text)


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_the_variant_gives_the_identical_graph(variant: str, original: tuple[Path, tuple[list, list]]) -> None:
    path, expected = original
    data = VARIANTS[variant](path.read_text(encoding="utf-8"))
    got = records(extract_bytes(data, f"{path.stem}.{variant}.txt"))
    assert got[0] == expected[0], "nodes differ"
    assert got[1] == expected[1], "relations differ"
