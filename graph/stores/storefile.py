"""The embedded store's file: a checksummed snapshot followed by an append-only journal.

    MAGIC                  b"PLANKG-EMBEDDED/2\\n"
    u64 length, sha256     of the snapshot payload
    16 bytes               random, new for every snapshot: which file a reader's offsets refer to
    payload                the graph, pickled
    entry*                 one committed write each:
        b"PKJ1", u64 length, sha256 of the body, crc32 of the 44 header bytes before it
        body               a pickled (op, ...) tuple: ("load", [plan rows...]) or ("drop", plan id)

A write that changes a few plans appends one entry and fsyncs it; rewriting the snapshot (a temp
file renamed over the store, so the journal goes with the old snapshot) happens only now and then
(compaction). Opening the store unpickles the snapshot and replays the entries.

A killed writer can leave an incomplete last entry (a torn tail): a header cut short, a body cut
short, or a body whose checksum fails and that ends exactly at the end of the file. It never
committed (the write had not returned), so readers ignore it and the next writer cuts it off.
Anything damaged before the last entry is an error, never skipped: entries after it may depend on it.
Files written by plankg before the journal (PLANKG-EMBEDDED/1: magic, sha256, payload) still read;
the first write rewrites them in this format.

The payload is a pickle: open only stores you trust.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import pickle
import re
import struct
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from graph.errors import StoreError

MAGIC = b"PLANKG-EMBEDDED/2\n"
MAGIC_V1 = b"PLANKG-EMBEDDED/1\n"
SNAPSHOT_HEAD = struct.Struct("<Q32s16s")  # payload length, payload sha256, file id
ENTRY_MARK = b"PKJ1"
ENTRY_HEAD = struct.Struct("<4sQ32sI")  # mark, body length, body sha256, crc32 of the first 44 bytes
OPS = ("load", "drop")

Entry = tuple[Any, ...]


@dataclass(frozen=True)
class Snapshot:
    """What a full read found: the snapshot's payload and where the journal starts and ends."""

    payload: memoryview
    head: bytes         # magic and header: a file with the same head holds the same snapshot
    journal_start: int  # offset of the first entry (== file length for a PLANKG-EMBEDDED/1 file)
    legacy: bool        # a PLANKG-EMBEDDED/1 file: no journal may be appended to it


@dataclass(frozen=True)
class Journal:
    entries: list[Entry]
    end: int            # offset just past the last complete entry
    torn: bool          # bytes after `end` (an incomplete entry a killed writer left)


def unreadable(path: Path, why: str) -> StoreError:
    return StoreError(f"the embedded store {path} is unreadable: {why}")


def read_snapshot(path: Path, data: bytes) -> Snapshot:
    """Check the header and the payload's checksum of a whole file's bytes."""
    view = memoryview(data)
    if data.startswith(MAGIC):
        head = len(MAGIC) + SNAPSHOT_HEAD.size
        if len(data) < head:
            raise unreadable(path, "damaged (cut off in its header)")
        length, digest, _ = SNAPSHOT_HEAD.unpack_from(data, len(MAGIC))
        if head + length > len(data):
            raise unreadable(path, "damaged (cut off in its snapshot)")
        payload = view[head:head + length]
        if hashlib.sha256(payload).digest() != digest:
            raise unreadable(path, "damaged (checksum mismatch)")
        return Snapshot(payload, bytes(view[:head]), head + length, legacy=False)
    if data.startswith(MAGIC_V1):
        head = len(MAGIC_V1) + 32
        payload = view[head:]
        if hashlib.sha256(payload).digest() != data[len(MAGIC_V1):head]:
            raise unreadable(path, "damaged (checksum mismatch)")
        return Snapshot(payload, b"", len(data), legacy=True)
    raise unreadable(path, "not a plankg store file (or one written by an older plankg: delete it "
                           "and load the plans again)")


def read_journal(path: Path, data: bytes | memoryview, start: int) -> Journal:
    """The committed entries in `data`, which holds the file's bytes from offset `start` on."""
    view = memoryview(data)
    entries: list[Entry] = []
    at = 0
    while at < len(view):
        rest = len(view) - at
        if rest < ENTRY_HEAD.size:
            return Journal(entries, start + at, torn=True)
        mark, length, digest, crc = ENTRY_HEAD.unpack_from(view, at)
        if mark != ENTRY_MARK or zlib.crc32(view[at:at + ENTRY_HEAD.size - 4]) != crc:
            if not any(view[at:]):  # zeros where a write never landed (a crash of the machine)
                return Journal(entries, start + at, torn=True)
            raise unreadable(path, f"damaged journal entry at byte {start + at}")
        body_at = at + ENTRY_HEAD.size
        if length > len(view) - body_at:
            return Journal(entries, start + at, torn=True)
        body = view[body_at:body_at + length]
        if hashlib.sha256(body).digest() != digest:
            if body_at + length == len(view):  # the last entry, never confirmed to its writer
                return Journal(entries, start + at, torn=True)
            raise unreadable(path, f"damaged journal entry at byte {start + at} (checksum mismatch)")
        entries.append(_decode(path, body, start + at))
        at = body_at + length
    return Journal(entries, start + at, torn=False)


def _decode(path: Path, body: memoryview, offset: int) -> Entry:
    try:
        entry = pickle.loads(body)
    except Exception as e:  # a checksummed body that does not unpickle: say where
        raise unreadable(path, f"journal entry at byte {offset} does not decode ({type(e).__name__})") from e
    if not isinstance(entry, tuple) or not entry or entry[0] not in OPS:
        raise unreadable(path, f"journal entry at byte {offset} is not a plankg operation")
    return entry


def encode_entry(entry: Entry) -> bytes:
    buf = io.BytesIO()
    pickle.dump(entry, buf, protocol=pickle.HIGHEST_PROTOCOL)
    body = buf.getbuffer()
    head = ENTRY_HEAD.pack(ENTRY_MARK, len(body), hashlib.sha256(body).digest(), 0)
    crc = zlib.crc32(head[:-4])
    return head[:-4] + struct.pack("<I", crc) + bytes(body)


def read_appended(path: Path, head: bytes, offset: int) -> bytes | None:
    """The bytes from `offset` on, if the file still starts with `head` (None: another snapshot,
    even one that reuses the inode of the file the offset was taken in)."""
    with path.open("rb") as fh:
        if not head or fh.read(len(head)) != head:
            return None
        fh.seek(offset)
        return fh.read()


def append(path: Path, data: bytes, at: int) -> os.stat_result:
    """Write `data` at offset `at` (cutting off a torn tail first) and fsync it; on any failure
    cut the file back to `at`, so it is byte for byte what it was. The caller holds the lock."""
    fd = os.open(path, os.O_RDWR)
    try:
        if os.fstat(fd).st_size != at:
            os.ftruncate(fd, at)
        try:
            os.lseek(fd, at, os.SEEK_SET)
            view, done = memoryview(data), 0
            while done < len(view):
                done += os.write(fd, view[done:])
            os.fsync(fd)
        except BaseException:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, at)
            raise
        return os.fstat(fd)
    finally:
        os.close(fd)


class _HashingWriter:
    """A file-like sink for pickle.dump that hashes and counts what it writes."""

    def __init__(self, fh: BinaryIO) -> None:
        self._fh = fh
        self.hash = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.hash.update(data)
        self.size += len(data)
        return self._fh.write(data)


def remove_stale_temps(path: Path) -> None:
    """Delete temp files a killed writer left behind. Called only under the exclusive lock, when
    no writer of this store can be mid-write; the pattern (mkstemp's 8 random characters) never
    matches another store's temp files."""
    stale = re.compile(re.escape(f".{path.name}.") + r"[a-z0-9_]{8}")
    with contextlib.suppress(OSError):
        for p in path.parent.iterdir():
            if stale.fullmatch(p.name):
                with contextlib.suppress(OSError):
                    p.unlink()


def write_snapshot(path: Path, graph: object) -> tuple[os.stat_result, bytes, int]:
    """Pickle `graph` to a temp file beside the store, fsync it and rename it over the store (an
    empty journal). Returns the new file's stat, its head and the offset where its journal starts."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(MAGIC + bytes(SNAPSHOT_HEAD.size))
            sink = _HashingWriter(fh)
            pickle.dump(graph, sink, protocol=pickle.HIGHEST_PROTOCOL)
            fh.seek(len(MAGIC))
            head = MAGIC + SNAPSHOT_HEAD.pack(sink.size, sink.hash.digest(), os.urandom(16))
            fh.write(head[len(MAGIC):])
            fh.flush()
            os.fsync(fh.fileno())
            st = os.fstat(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)
    return st, head, len(head) + sink.size


def _fsync_dir(folder: Path) -> None:
    # the rename is durable once the folder is: best effort (some file systems refuse)
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
