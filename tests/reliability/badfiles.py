"""Generators of bad and awkward documents, made at test time from the seed plan.

Each generator returns bytes; `BAD` maps a case name to (file name, bytes factory, expectation).
Expectation "error" means the loader must refuse the file with a one-line ParseError naming it;
"graph" means it must give a valid PlanExtract (the text is a plan, however odd); "either"
means both are acceptable answers, as long as it is one of them.
"""

from __future__ import annotations

import io
import random
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "tests" / "data" / "seed.txt"

Expect = Literal["error", "graph", "either"]


def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


# ---- well-formed documents in each format (the base for truncation and corruption) -----------

def seed_html() -> bytes:
    body = "".join(f"<p>{line}</p>\n" for line in seed_text().split("\n") if line.strip())
    return ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>方案</title></head><body>"
            f"<div id='zoom'>{body}</div></body></html>").encode()


def seed_docx() -> bytes:
    import docx

    doc = docx.Document()
    for line in seed_text().split("\n"):
        doc.add_paragraph(line)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def seed_pdf() -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("cn", fontName="STSong-Light", fontSize=11, leading=16, wordWrap="CJK")
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4).build(
        [Paragraph(line, style) for line in seed_text().split("\n") if line.strip()]
    )
    return buf.getvalue()


def seed_xlsx() -> bytes:
    """The seed as a one-column worksheet, a line per row."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for line in seed_text().split("\n"):
        ws.append([line])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def pdf_without_text_layer() -> bytes:
    """What a scanner produces, minus the picture: pages of shapes and no text at all."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    for page in range(3):
        for i in range(40):
            c.rect(40 + (i % 5) * 100, 60 + (i // 5) * 90 + page, 80, 12 + i % 7, fill=i % 2)
            c.line(40, 50 + i * 18, 550, 52 + i * 18)
        c.circle(300, 420, 60 + page * 10)
        c.showPage()
    c.save()
    return buf.getvalue()


# ---- damage ----------------------------------------------------------------------------------

def truncate(data: bytes, fraction: float = 0.5) -> bytes:
    return data[: int(len(data) * fraction)]


def flip_bytes(data: bytes, start: float = 0.3, count: int = 400, seed: int = 7) -> bytes:
    """Overwrite `count` bytes from `start` (a fraction of the length) with noise."""
    rnd = random.Random(seed)
    buf = bytearray(data)
    at = int(len(buf) * start)
    for i in range(at, min(len(buf), at + count)):
        buf[i] = rnd.randrange(256)
    return bytes(buf)


def docx_with_broken_xml() -> bytes:
    """A valid zip whose word/document.xml is cut off mid-element."""
    good = zipfile.ZipFile(io.BytesIO(seed_docx()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in good.infolist():
            data = good.read(info.filename)
            if info.filename == "word/document.xml":
                data = data[: len(data) // 2]
            z.writestr(info, data)
    return out.getvalue()


def docx_without_document() -> bytes:
    """A zip with the docx content types but no word/document.xml."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types xmlns='http://schemas.openxmlformats.org/package/2006/content-types'/>")
        z.writestr("docProps/app.xml", "<Properties/>")
    return out.getvalue()


def docx_billion_laughs() -> bytes:
    """word/document.xml declaring nested entities (XML entity expansion)."""
    good = zipfile.ZipFile(io.BytesIO(seed_docx()))
    lol = ('<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "哈哈哈哈哈哈哈哈哈哈">'
           + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
           + "]>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in good.infolist():
            data = good.read(info.filename)
            if info.filename == "word/document.xml":
                text = data.decode("utf-8")
                text = re.sub(r"^<\?xml[^>]*\?>", "", text)
                text = text.replace("<w:t>", "<w:t>&i;", 1)
                data = (lol + text).encode("utf-8")
            z.writestr(info, data)
    return out.getvalue()


def docx_with_future_zip_version() -> bytes:
    """A .docx whose central directory claims every member needs zip version 25.5 to extract."""
    data = bytearray(seed_docx())
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        data[at + 6: at + 8] = (255).to_bytes(2, "little")
        at = data.find(b"PK\x01\x02", at + 4)
    return bytes(data)


def docx_zip_bomb(unpacked: int = 200 * 1024 * 1024) -> bytes:
    """A small .docx whose document.xml inflates to `unpacked` bytes (200 MB) of paragraphs."""
    good = zipfile.ZipFile(io.BytesIO(seed_docx()))
    pad = ("<w:p><w:r><w:t>" + "哈" * 200 + "</w:t></w:r></w:p>").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for info in good.infolist():
            if info.filename != "word/document.xml":
                z.writestr(info, good.read(info.filename))
                continue
            head, tail = good.read(info.filename).split(b"<w:body>", 1)
            with z.open("word/document.xml", "w", force_zip64=True) as fh:
                fh.write(head + b"<w:body>")
                block = pad * 4096
                for _ in range(unpacked // len(block)):
                    fh.write(block)
                fh.write(tail)
    return out.getvalue()


def deeply_nested_html(depth: int = 20000) -> bytes:
    return ("<html><body>" + "<div>" * depth + "一、总体要求" + "</div>" * depth + "</body></html>").encode()


def binary_noise(n: int = 64 * 1024, seed: int = 1) -> bytes:
    return random.Random(seed).randbytes(n)


def png_named_txt() -> bytes:
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + binary_noise(4000, 2)


def elf_named_txt() -> bytes:
    return b"\x7fELF\x02\x01\x01\x00" + bytes(56) + binary_noise(4000, 3)


def truncated_utf8() -> bytes:
    """UTF-8 cut in the middle of a three-byte character."""
    data = seed_text().encode("utf-8")
    cut = len(data) // 2
    while data[cut] & 0xC0 == 0x80 or data[cut] < 0x80:
        cut += 1
    return data[: cut + 1]


# ---- odd but genuine plans --------------------------------------------------------------------

_ANNOTATION = re.compile(r"[(（](?:牵头|责任|配合)[^()（）]*[)）]")
_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十\d]+[)）]|\d+[.．、])")


def plan_without_annotations() -> str:
    return _ANNOTATION.sub("", seed_text())


def plan_without_headings() -> str:
    return "\n".join(_HEADING.sub("", line) for line in seed_text().split("\n"))


def prose_without_structure() -> str:
    """Chinese text that is not a plan at all: one paragraph, no title, headings or parties."""
    return "今天天气很好，我们去公园散步，看见很多人在放风筝。" * 40


def unbalanced_brackets() -> str:
    """Every third annotation loses its closing bracket; stray openers and closers mid-sentence
    in others; an unclosed 《 and 〔 at the end."""
    out, n = [], 0
    for line in seed_text().split("\n"):
        damaged = line
        if "牵头部门" in line:
            n += 1
            if n % 3 == 0:
                damaged = line.rstrip(")）")
            elif n % 3 == 1:
                mid = len(line) // 3
                damaged = line[:mid] + "（《" + line[mid:mid * 2] + "】)" + line[mid * 2:]
        out.append(damaged)
    return "\n".join(out) + "\n(((《〔【"


def mixed_scripts() -> str:
    """The seed with Latin, Cyrillic, Arabic, Mongolian, Tibetan, emoji and RTL marks mixed in."""
    extras = ["Plan Ａ–Ｚ", "План", "خطة", "ᠮᠣᠩᠭᠣᠯ", "བོད་ཡིག", "🚀🐄🥛", "\u202eRTL\u202c", "𠀀𪚥", "ℌ ㎏ ①"]
    lines = seed_text().split("\n")
    return "\n".join(line + (" " + extras[i % len(extras)] if i % 4 == 0 else "") for i, line in enumerate(lines))


@dataclass(frozen=True)
class Bad:
    name: str
    make: Callable[[], bytes]
    expect: Expect
    #: words one of which the error message must contain (besides the file name)
    words: tuple[str, ...] = ()


def _utf8(fn: Callable[[], str]) -> Callable[[], bytes]:
    return lambda: fn().encode("utf-8")


BAD: dict[str, Bad] = {
    "empty-txt": Bad("empty.txt", lambda: b"", "error", ("empty",)),
    "empty-html": Bad("empty.html", lambda: b"", "error", ("empty",)),
    "empty-docx": Bad("empty.docx", lambda: b"", "error", ("empty",)),
    "empty-pdf": Bad("empty.pdf", lambda: b"", "error", ("empty",)),
    "whitespace-only": Bad("blank.txt", lambda: b"\n \xe3\x80\x80\t\r\n", "error", ("empty",)),
    "html-without-text": Bad("chrome.html", lambda: b"<html><head><script>x=1</script></head><body><div class='nav'>\xe9\xa6\x96\xe9\xa1\xb5</div></body></html>", "error"),
    "binary-noise-txt": Bad("noise.txt", binary_noise, "error", ("binary", "encoding")),
    "png-named-txt": Bad("picture.txt", png_named_txt, "error", ("binary", "encoding")),
    "elf-named-txt": Bad("program.txt", elf_named_txt, "error", ("binary", "encoding")),
    "binary-named-pdf": Bad("noise.pdf", binary_noise, "error", ("pdf",)),
    "binary-named-docx": Bad("noise.docx", binary_noise, "error", ("zip", "docx")),
    "truncated-utf8-txt": Bad("truncated.txt", truncated_utf8, "either"),
    "truncated-html": Bad("truncated.html", lambda: truncate(seed_html(), 0.6), "either"),
    "truncated-docx": Bad("truncated.docx", lambda: truncate(seed_docx(), 0.5), "error", ("docx", "zip")),
    "truncated-pdf": Bad("truncated.pdf", lambda: truncate(seed_pdf(), 0.5), "either"),
    "corrupt-docx-xml": Bad("broken-xml.docx", docx_with_broken_xml, "error", ("docx",)),
    "docx-without-document": Bad("hollow.docx", docx_without_document, "error", ("docx", "zip")),
    "docx-entity-expansion": Bad("laughs.docx", docx_billion_laughs, "either"),
    "empty-xlsx": Bad("empty.xlsx", lambda: b"", "error", ("empty",)),
    "binary-named-xlsx": Bad("noise.xlsx", binary_noise, "error", ("xlsx", "zip")),
    "truncated-xlsx": Bad("truncated.xlsx", lambda: truncate(seed_xlsx(), 0.5), "error", ("xlsx", "zip")),
    "corrupt-xlsx-bytes": Bad("scrambled.xlsx", lambda: flip_bytes(seed_xlsx(), 0.4, 300), "either"),
    "corrupt-pdf-bytes": Bad("scrambled.pdf", lambda: flip_bytes(seed_pdf(), 0.2, 2000), "either"),
    "pdf-without-text-layer": Bad("scanned.pdf", pdf_without_text_layer, "error", ("text layer",)),
    "docx-future-zip-version": Bad("future.docx", docx_with_future_zip_version, "error", ("zip", "docx")),
    "docx-zip-bomb": Bad("bomb.docx", docx_zip_bomb, "error", ("unpacks to",)),
    "deeply-nested-html": Bad("nested.html", deeply_nested_html, "either"),
    "plan-without-annotations": Bad("no-annotations.txt", _utf8(plan_without_annotations), "graph"),
    "plan-without-headings": Bad("no-headings.txt", _utf8(plan_without_headings), "either"),
    "prose-not-a-plan": Bad("prose.txt", _utf8(prose_without_structure), "either"),
    "unbalanced-brackets": Bad("brackets.txt", _utf8(unbalanced_brackets), "graph"),
    "mixed-scripts": Bad("mixed.txt", _utf8(mixed_scripts), "graph"),
}


def write(case: str, folder: Path) -> Path:
    bad = BAD[case]
    path = folder / bad.name
    path.write_bytes(bad.make())
    return path


def write_huge(folder: Path, size: int = 100 * 1024 * 1024, name: str = "huge.txt") -> Path:
    """A real 100 MB plan file (the seed repeated), written block by block."""
    block = (seed_text() + "\n").encode("utf-8") * 64
    path = folder / name
    with path.open("wb") as fh:
        left = size
        while left > 0:
            chunk = block[:left]
            fh.write(chunk)
            left -= len(chunk)
    return path
