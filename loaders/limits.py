"""Size and time limits for reading a document, so a stray file on a share cannot stall a load.

- Size: a document larger than `max_bytes()` (env PLANKG_MAX_BYTES, default 50 MB) is refused
  before it is read or parsed: `check_path` looks at the file's size, `check_size` at a buffer's,
  and `check_archive` at what a .docx/.xlsx (a zip) unpacks to, so a small file that expands to
  gigabytes of XML (a zip bomb) is refused too.
- Time: `parse_deadline(name)` bounds one document's parse (env PLANKG_PARSE_SECONDS, default
  60 s). In the main thread of a Unix process it arms SIGALRM, so even a parse stuck inside a
  library is interrupted; in other threads (the HTTP API's workers, where signals cannot be
  delivered) a watchdog timer raises the timeout into the parsing thread
  (PyThreadState_SetAsyncExc). Both take effect at the next Python bytecode, i.e. when a C
  extension returns. Loops may also call `tick()`, a cheap cooperative check.

Both raise ParseError with a one-line message naming the document and the limit's variable.
"""

from __future__ import annotations

import contextlib
import ctypes
import io
import os
import signal
import stat
import threading
import time
import zipfile
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path

from graph.errors import ParseError, PlankgError

MB = 1024 * 1024
DEFAULT_MAX_BYTES = 50 * MB
DEFAULT_PARSE_SECONDS = 60.0
MAX_BYTES_ENV = "PLANKG_MAX_BYTES"
PARSE_SECONDS_ENV = "PLANKG_PARSE_SECONDS"

#: (document name, monotonic deadline, limit) of the parse running in this context, for `tick()`
_deadline: ContextVar[tuple[str, float, float] | None] = ContextVar("plankg_parse_deadline", default=None)


def _env_number(var: str, default: float) -> float:
    raw = os.environ.get(var, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if value <= 0:
        raise PlankgError(f"{var} must be a positive number, got {raw!r}")
    return value


def max_bytes() -> int:
    """The largest document accepted, in bytes (PLANKG_MAX_BYTES; read at each call)."""
    return int(_env_number(MAX_BYTES_ENV, DEFAULT_MAX_BYTES))


def parse_seconds() -> float:
    """The longest one document's parse may take (PLANKG_PARSE_SECONDS; read at each call)."""
    return _env_number(PARSE_SECONDS_ENV, DEFAULT_PARSE_SECONDS)


def _too_big(name: str, size: int, limit: int) -> ParseError:
    return ParseError(
        f"{name}: file is too large ({size:,} bytes; limit {limit:,} bytes, set {MAX_BYTES_ENV} to change)"
    )


def check_size(size: int, name: str) -> None:
    """Refuse a document of `size` bytes when it is over the limit."""
    limit = max_bytes()
    if size > limit:
        raise _too_big(name, size, limit)


def check_path(path: str | os.PathLike[str]) -> None:
    """Refuse a file over the limit by its size on disk, before anything reads it, and anything
    that is not a regular file: a FIFO with no writer would block the read forever, a device
    (/dev/zero, /dev/urandom) has no size to check."""
    p = Path(path)
    try:
        st = p.stat()
    except OSError as e:
        raise ParseError(f"{p}: cannot read: {e.strerror}") from e
    if not stat.S_ISREG(st.st_mode):
        kind = "a directory" if stat.S_ISDIR(st.st_mode) else "a pipe, device or socket"
        raise ParseError(f"{p}: not a regular file ({kind}); save the document to a file first")
    check_size(st.st_size, str(p))


def check_archive(data: bytes, name: str) -> None:
    """Refuse a zip-based document (.docx, .xlsx) whose members unpack to more than the limit.

    The declared sizes can be trusted: Python's zipfile never inflates a member past them."""
    if not data.startswith(b"PK\x03\x04"):
        return
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            unpacked = sum(info.file_size for info in z.infolist())
    except Exception:  # BadZipFile, NotImplementedError, ...: the format reader reports a broken archive
        return
    limit = max_bytes()
    if unpacked > limit:
        raise ParseError(
            f"{name}: the archive unpacks to {unpacked:,} bytes (limit {limit:,} bytes, "
            f"set {MAX_BYTES_ENV} to change)"
        )


def read_limited(path: str | os.PathLike[str]) -> bytes:
    """The bytes of a file that passes the size limit (checked before and while reading, since a
    file can grow between the two)."""
    p = Path(path)
    check_path(p)
    limit = max_bytes()
    try:
        with p.open("rb") as fh:
            data = fh.read(limit + 1)
    except OSError as e:
        raise ParseError(f"{p}: cannot read: {e.strerror}") from e
    if len(data) > limit:
        raise _too_big(str(p), len(data), limit)
    return data


def _timeout(name: str, seconds: float) -> ParseError:
    return ParseError(
        f"{name}: parsing took longer than {seconds:g} s (set {PARSE_SECONDS_ENV} to change)"
    )


def tick() -> None:
    """Raise ParseError when the current parse is past its deadline; cheap enough for loops."""
    current = _deadline.get()
    if current is not None and time.monotonic() > current[1]:
        raise _timeout(current[0], current[2])


class ParseTimeout(ParseError):
    """Raised into a worker thread whose parse ran out of time; parse_deadline rewords it."""

    def __init__(self, *args: object) -> None:
        super().__init__(*(args or ("parsing took longer than the time limit",)))


class _Watchdog:
    """Raises ParseTimeout in the thread that created it once `limit` seconds have passed."""

    def __init__(self, limit: float) -> None:
        self.tid = threading.get_ident()
        self.lock = threading.Lock()
        self.done = False
        self.timer = threading.Timer(limit, self._fire)
        self.timer.daemon = True
        self.timer.start()

    def _set(self, exc: type[BaseException] | None) -> None:
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(self.tid), ctypes.py_object(exc) if exc else None)

    def _fire(self) -> None:
        with self.lock:
            if not self.done:
                self._set(ParseTimeout)

    def stop(self) -> None:
        with self.lock:
            self.done = True
            self.timer.cancel()
            self._set(None)  # withdraw a timeout that fired but has not been delivered yet


def _can_use_alarm(limit: float) -> bool:
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        return False
    # an enclosing timer (pytest-timeout, an outer parse_deadline) that fires first does the job
    remaining = signal.getitimer(signal.ITIMER_REAL)[0]
    return remaining == 0.0 or remaining > limit


@contextlib.contextmanager
def parse_deadline(name: str, seconds: float | None = None) -> Iterator[None]:
    """Bound the parse of document `name` to `seconds` (default `parse_seconds()`).

    An enclosing SIGALRM timer is suspended while ours runs and re-armed afterwards with the
    time it had left, so the two nest."""
    limit = parse_seconds() if seconds is None else seconds
    started = time.monotonic()
    token = _deadline.set((name, started + limit, limit))
    use_alarm = _can_use_alarm(limit)
    if use_alarm:
        def on_alarm(signum: int, frame: object) -> None:
            # re-arm, so a parser that swallows the first exception is interrupted again
            signal.setitimer(signal.ITIMER_REAL, 0.2)
            raise _timeout(name, limit)

        previous = signal.signal(signal.SIGALRM, on_alarm)
        outer_left, outer_interval = signal.setitimer(signal.ITIMER_REAL, limit)
    watchdog = _Watchdog(limit) if threading.current_thread() is not threading.main_thread() else None
    try:
        yield
    except ParseTimeout:
        raise _timeout(name, limit) from None
    finally:
        if watchdog is not None:
            watchdog.stop()
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
            if outer_left:
                left = max(outer_left - (time.monotonic() - started), 0.001)
                signal.setitimer(signal.ITIMER_REAL, left, outer_interval)
        _deadline.reset(token)
