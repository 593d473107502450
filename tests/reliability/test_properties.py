"""Property-based: arbitrary text, plan-like text, mutated real plans and damaged files give a valid PlanExtract or a one-line ParseError.

Hypothesis draws the inputs; every example must either parse into an extract that passes
`checks.assert_valid_extract` (JSON round trip, references resolve, spans inside the text,
records build) or raise the project's ParseError with a one-line message. Anything else - another
exception type, a multi-line message, a hang (pytest-timeout) - fails. Example counts are bounded
so all properties together stay around a minute.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.errors import ParseError
from graph.model import PlanExtract
from loaders import extract_bytes, extract_text
from tests.conftest import EXAMPLES, ROOT, SEED
from tests.reliability import badfiles
from tests.reliability.checks import assert_valid_extract

pytestmark = [pytest.mark.reliability, pytest.mark.timeout(240)]

PLANS = [SEED, *sorted(EXAMPLES.glob("*.txt")), *sorted((ROOT / "tests" / "corpus").glob("*.txt"))]

FAST = settings(deadline=None, max_examples=120, suppress_health_check=[HealthCheck.too_slow])


@cache
def plan_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


@contextmanager
def parse_seconds(seconds: str) -> Iterator[None]:
    """A short parse limit for one example (hypothesis and monkeypatch do not mix)."""
    old = os.environ.get("PLANKG_PARSE_SECONDS")
    os.environ["PLANKG_PARSE_SECONDS"] = seconds
    try:
        yield
    finally:
        if old is None:
            del os.environ["PLANKG_PARSE_SECONDS"]
        else:
            os.environ["PLANKG_PARSE_SECONDS"] = old


def valid_or_parse_error(read: Callable[[], PlanExtract], example: object) -> None:
    """`example` goes into the failure message: the schemathesis pytest plugin (loaded for
    tests/test_api_schema.py) blanks hypothesis's own "Failing test case" report."""
    try:
        ex = read()
    except ParseError as e:
        msg = str(e)
        assert msg.strip() and "\n" not in msg.strip(), f"{msg!r} for {example!r:.3000}"
        return
    except Exception as e:
        raise AssertionError(f"{type(e).__name__}: {e} for {example!r:.3000}") from e
    try:
        assert_valid_extract(ex)
    except AssertionError as e:
        raise AssertionError(f"{e} for {example!r:.3000}") from e


# ---- strategies -------------------------------------------------------------------------------

FRAGMENTS = [
    "一、", "二、", "三、重点任务", "(一)", "（二）", "1.", "2、", "(1)", "（3）", "①", "②",
    "牵头单位：", "牵头部门:", "责任单位：", "配合部门:", "（牵头单位：发改委、工信局；配合单位：各乡镇人民政府）",
    "(牵头部门:农牧局;配合部门:教科体局)", "由市科技局牵头，财政局配合", "各相关部门", "有关乡镇人民政府",
    "旗委组织部", "农牧局", "到2025年，", "力争达到30%以上", "每年", "不少于5家", "乳业", "伊利乳业",
    "《阿荣旗“科技兴旗”三年行动实施方案》", "〔2021〕32号", "2021年11月11日", "实施方案", "（2021—2023年）",
    "。", "；", "、", "\n", "\n\n", "\t", "|", "(", ")", "（", "）", "《", "》", "“", "”", " ", "\u3000",
    "\ufeff", "\r\n", "\u200b", "🚀", "Ⅳ", "ＡＢＣ", "\x00", "\x0c",
]

plan_like = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(min_size=1, max_size=12)), min_size=0, max_size=120
).map("".join)

MUTATIONS = st.lists(
    st.tuples(
        st.sampled_from(["delete", "duplicate", "insert", "swap-lines", "truncate", "bracket", "drop-newlines"]),
        st.floats(min_value=0, max_value=1),
        st.floats(min_value=0, max_value=1),
        st.sampled_from(FRAGMENTS),
    ),
    min_size=1,
    max_size=6,
)


def mutate(text: str, ops: list[tuple[str, float, float, str]]) -> str:
    for op, a, b, frag in ops:
        n = len(text)
        i, j = sorted((int(a * n), int(b * n)))
        if op == "delete":
            text = text[:i] + text[j:]
        elif op == "duplicate":
            text = text[:j] + text[i:j] + text[j:]
        elif op == "insert":
            text = text[:i] + frag + text[i:]
        elif op == "swap-lines":
            lines = text.split("\n")
            x, y = int(a * (len(lines) - 1)), int(b * (len(lines) - 1))
            lines[x], lines[y] = lines[y], lines[x]
            text = "\n".join(lines)
        elif op == "truncate":
            text = text[: max(i, 1)]
        elif op == "bracket":
            text = text[:i] + "（" + text[i:j] + text[j:].replace("）", "", 1)
        elif op == "drop-newlines":
            text = text[:i] + text[i:j].replace("\n", "") + text[j:]
    return text


# ---- properties -------------------------------------------------------------------------------

@FAST
@given(st.text(max_size=400))
def test_arbitrary_text(text: str) -> None:
    valid_or_parse_error(lambda: extract_text(text), text)


@FAST
@given(plan_like)
def test_plan_like_fragments(text: str) -> None:
    """headings, annotations, targets and brackets in random order and number"""
    valid_or_parse_error(lambda: extract_text(text, source="fuzz.txt"), text)


@settings(FAST, max_examples=150)
@given(st.sampled_from(PLANS), MUTATIONS)
def test_mutated_real_plans(path: Path, ops: list[tuple[str, float, float, str]]) -> None:
    """the seed, the examples and the corpus with slices deleted, duplicated, swapped, truncated"""
    valid_or_parse_error(lambda: extract_text(mutate(plan_text(path), ops), source=path.name), (path.name, ops))


@cache
def seed_bytes(kind: str) -> bytes:
    return {
        "txt": SEED.read_bytes,
        "gb18030.txt": lambda: plan_text(SEED).encode("gb18030"),
        "utf-16.txt": lambda: plan_text(SEED).encode("utf-16"),
        "html": badfiles.seed_html,
        "docx": badfiles.seed_docx,
        "pdf": badfiles.seed_pdf,
        "xlsx": badfiles.seed_xlsx,
    }[kind]()


@settings(FAST, max_examples=80)
@given(
    st.sampled_from(["txt", "gb18030.txt", "utf-16.txt", "html", "docx", "pdf", "xlsx"]),
    st.lists(st.tuples(st.floats(0, 1), st.binary(min_size=1, max_size=64)), min_size=1, max_size=4),
    st.floats(0.05, 1.0),
)
def test_damaged_files_of_every_format(kind: str, patches: list[tuple[float, bytes]], keep: float) -> None:
    """the seed as .txt (three encodings), .html, .docx, .pdf and .xlsx with bytes overwritten and cut off"""
    data = bytearray(seed_bytes(kind))
    for at, patch in patches:
        i = int(at * (len(data) - 1))
        data[i: i + len(patch)] = patch
    damaged = bytes(data[: max(1, int(len(data) * keep))])
    with parse_seconds("20"):
        valid_or_parse_error(lambda: extract_bytes(damaged, f"damaged.{kind}"), (kind, patches, keep))


@settings(FAST, max_examples=60)
@given(st.binary(max_size=2000), st.sampled_from(["x.txt", "x.html", "x.docx", "x.pdf", "x.xlsx", "x", "x.doc"]))
def test_arbitrary_bytes_with_any_name(data: bytes, name: str) -> None:
    with parse_seconds("20"):
        valid_or_parse_error(lambda: extract_bytes(data, name), (data, name))
