"""Bytes -> plan text: format by extension or sniffing, encoding by BOM / strict decoding /
charset-normalizer. Every failure is a one-line ParseError naming the file.

The readers of each format live beside this module: loaders.html (portal pages), loaders.office
(.docx, .xlsx), loaders.pdf (.pdf, and text copied out of a PDF)."""

from __future__ import annotations

import io
import os
import re
import zipfile
from pathlib import Path
from typing import Any

from graph.errors import ParseError
from graph.model import PlanExtract
from loaders.html import html_text
from loaders.office import docx_text, xlsx_text
from loaders.pdf import pdf_text, rejoin_if_wrapped

TEXT_EXT = {".txt", ".text", ".md", ".markdown", ".csv", ".tsv"}
HTML_EXT = {".html", ".htm", ".xhtml", ".shtml", ".jhtml"}


def extract_path(path: str | os.PathLike[str], **kw: Any) -> PlanExtract:
    """Read a plan document from disk (.txt .html .docx .pdf .xlsx)."""
    from loaders.limits import read_limited

    p = Path(path)
    if p.is_dir():
        raise ParseError(f"{p}: is a directory, not a document")
    if not p.exists():
        raise ParseError(f"{p}: no such file")
    return extract_bytes(read_limited(p), str(p), **kw)


def extract_bytes(data: bytes, name: str, **kw: Any) -> PlanExtract:
    """Read a plan document given as bytes; `name` gives the format by its extension."""
    from loaders.extract import extract_text
    from loaders.limits import check_archive, check_size, parse_deadline

    check_size(len(data), name)
    check_archive(data, name)
    with parse_deadline(name):
        if _kind(data, name) == "xlsx":
            from loaders import worksheet

            if worksheet.is_task_table(data):  # a workbook plankg exported (or one in its layout)
                return worksheet.extract_xlsx(data, Path(name).name)
        text = document_text(data, name)
        try:
            return extract_text(text, source=Path(name).name, raw=text, **kw)
        except ParseError:
            raise
        except Exception as e:  # a bug must still not leak a traceback to a user
            raise ParseError(f"{name}: could not extract a plan ({type(e).__name__}: {e})") from e


def document_text(data: bytes, name: str) -> str:
    """The plain text of a document, lines as in the source."""
    if not data or not data.strip():
        raise ParseError(f"{name}: the file is empty")
    kind = _kind(data, name)
    try:
        if kind == "docx":
            return docx_text(data)
        if kind == "pdf":
            return pdf_text(data, name)
        if kind == "xlsx":
            return xlsx_text(data)
    except ParseError:
        raise
    except Exception as e:
        raise ParseError(f"{name}: not a readable .{kind} file ({type(e).__name__})") from e
    text = decode(data, name)
    if kind == "html" or (kind == "text" and re.match(r"\s*<(?:!doctype|html|head|body)", text[:200], re.I)):
        return html_text(text)
    if Path(name).suffix.lower() in (".md", ".markdown"):
        text = markdown_plain(text)
    return rejoin_if_wrapped(text)


_MD_MARKS = re.compile(r"^[ \t]*(?:#{1,6}[ \t]+|>[ \t]?)|\*\*|__", re.M)
_MD_RULE = re.compile(r"^[ \t]*(?:-{3,}|\*{3,}|_{3,})[ \t]*$", re.M)


def markdown_plain(text: str) -> str:
    """Markdown as the plan's text: heading marks (#), quote marks (>), bold marks and rules go;
    pipe tables stay (loaders.tables reads them)."""
    return _MD_MARKS.sub("", _MD_RULE.sub("", text))


def _kind(data: bytes, name: str) -> str:
    ext = Path(name).suffix.lower()
    if data[:4] == b"%PDF" or ext == ".pdf":
        return "pdf"
    if data[:4] == b"PK\x03\x04" or ext in (".docx", ".xlsx"):
        if ext == ".xlsx":
            return "xlsx"
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                names = set(z.namelist())
        except (zipfile.BadZipFile, NotImplementedError, ValueError, OSError):  # a damaged header field
            raise ParseError(f"{name}: corrupt {ext or 'zip'} file (not a valid zip archive)") from None
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "word/document.xml" in names:
            return "docx"
        raise ParseError(f"{name}: a zip archive that is neither .docx nor .xlsx")
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" or ext in (".doc", ".wps"):
        raise ParseError(f"{name}: legacy Word (.doc/.wps) is not supported; save it as .docx")
    if ext in HTML_EXT:
        return "html"
    return "text"


_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def decode(data: bytes, name: str) -> str:
    """UTF-8 (BOM or not), UTF-16 (BOM or not), GB18030/GBK; binary is refused."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return _decode_cut(data[len(bom):], enc.replace("-sig", ""))
            except UnicodeDecodeError:
                raise ParseError(f"{name}: declares {enc} by its byte-order mark but does not decode") from None
    sample = data[:4000]
    if sample.count(0) > len(sample) // 4:
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        enc = "utf-16-be" if even > odd else "utf-16-le"
        try:
            return _check(_decode_cut(data, enc), name)
        except UnicodeDecodeError:
            raise ParseError(f"{name}: binary data, not a text document") from None
    for enc in ("utf-8", "gb18030"):
        try:
            # utf-8 first, tail-tolerant: GB18030 would read a cut UTF-8 file as mojibake
            return _check(_decode_cut(data, enc), name)
        except UnicodeDecodeError:
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None and len(data) % 2:  # UTF-16 without a BOM, its last code unit cut in half
        best = from_bytes(data[:-1]).best()
    if best is None:
        raise ParseError(f"{name}: unknown text encoding or binary data")
    return _check(str(best), name)


def _decode_cut(data: bytes, enc: str) -> str:
    """Strict decoding, except that a multibyte character cut off at the very end (a truncated
    download or copy) is dropped: the rest of the file is still a plan. A bad byte anywhere else
    still fails, so the next encoding gets its turn."""
    try:
        return data.decode(enc)
    except UnicodeDecodeError as e:
        if e.end < len(data) or len(data) - e.start > 3:
            raise
        return data[: e.start].decode(enc)


_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def _check(text: str, name: str) -> str:
    if len(_CONTROL.findall(text[:20000])) > max(3, len(text[:20000]) // 100):
        raise ParseError(f"{name}: binary data, not a text document")
    return text


