"""graph.model.normalise_text takes shortcuts for speed; its result must stay plain NFKC."""

from __future__ import annotations

import random
import unicodedata

import pytest

from graph.model import normalise_text


def _reference(text: str) -> str:
    text = unicodedata.normalize("NFKC", text.replace("\ufeff", ""))
    return text.replace("\r\n", "\n").replace("\r", "\n")


@pytest.mark.parametrize("text", [
    "一、重点任务\n(一)建设平台。(牵头单位:县科技局;配合单位:县财政局)",
    "（牵头单位：县科技局；配合单位：县财政局）\u3000到２０２５年，建成３个。",
    "①推进\r\n②完善\r③落实",  # circled numbers need full NFKC on their lines only
    "\ufeff标题\n",
    "e\u0301 and ｶﾞ and 가 and Å\n\u0301 after a line end",  # composition and a leading combining mark
    "，\u0301（\u0308",  # a combining mark right after a replaced full-width character
    "",
])
def test_normalise_is_nfkc(text: str) -> None:
    assert normalise_text(text) == _reference(text)


def test_normalise_is_nfkc_on_random_mixtures() -> None:
    rng = random.Random(9)
    pool = list("，（）：；\u3000．！？％中文ab\n\r\ufeff①Ⅲ…ｶﾞ゙\u0301\u0308\u0327\u1100\u1161\u11a8\u212b\ufb01½")
    pool += [chr(rng.randrange(0x20, 0x3100)) for _ in range(200)]
    for _ in range(3000):
        text = "".join(rng.choice(pool) for _ in range(rng.randrange(1, 40)))
        assert normalise_text(text) == _reference(text), repr(text)
