"""A recording stand-in for neo4j.Driver: sessions, managed transactions and their statements.

It answers the few reads the Bolt store makes while writing (plan state, department aliases,
degrees) with empty results, so a load runs end to end without a server. It keeps what a real
driver would have committed or rolled back: a managed transaction commits when the unit of work
returns and rolls back when it raises.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Statement:
    text: str
    params: dict[str, Any]
    tx: int | None  # None: auto-commit (session.run)


class FakeResult:
    def __init__(self, rows: list[dict[str, Any]] | None = None) -> None:
        self._rows = rows or []

    def __iter__(self) -> Iterator[Any]:
        return iter(FakeRecord(r) for r in self._rows)

    def single(self) -> Any:
        return FakeRecord(self._rows[0]) if self._rows else None

    def consume(self) -> None:
        return None


class FakeRecord(dict):  # type: ignore[type-arg]
    def data(self) -> dict[str, Any]:
        return dict(self)


def first_load_written(text: str) -> list[dict[str, Any]] | None:
    """The default answers: a first load's guarded write (cypher.unless_loaded) finds no loaded
    plan and writes; every other read finds nothing."""
    return [{"written": True}] if text.rstrip().endswith("AS written") else None


@dataclass
class FakeDriver:
    """`fail_on(statement) -> Exception | None` decides, statement by statement, what fails;
    `answer(text) -> rows | None` answers reads."""

    fail_on: Callable[[Statement], BaseException | None] = lambda s: None
    answer: Callable[[str], list[dict[str, Any]] | None] = first_load_written
    statements: list[Statement] = field(default_factory=list)
    transactions: list[dict[str, Any]] = field(default_factory=list)
    closed: bool = False

    def session(self, **config: Any) -> FakeSession:
        return FakeSession(self, config)

    def close(self) -> None:
        self.closed = True

    # what the tests read
    def committed(self) -> list[dict[str, Any]]:
        return [t for t in self.transactions if t["outcome"] == "commit"]

    def in_tx(self, n: int) -> list[Statement]:
        return [s for s in self.statements if s.tx == n]


class FakeSession:
    def __init__(self, driver: FakeDriver, config: dict[str, Any]) -> None:
        self.driver, self.config = driver, config

    def __enter__(self) -> FakeSession:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def _record(self, text: str, params: dict[str, Any] | None, tx: int | None) -> FakeResult:
        st = Statement(text, dict(params or {}), tx)
        self.driver.statements.append(st)
        error = self.driver.fail_on(st)
        if error is not None:
            raise error
        return FakeResult(self.driver.answer(text))

    def run(self, text: str, params: dict[str, Any] | None = None, **kw: Any) -> FakeResult:
        return self._record(text, {**(params or {}), **kw}, None)

    def _managed(self, mode: str, work: Callable[..., Any]) -> Any:
        n = len(self.driver.transactions)
        entry: dict[str, Any] = {"mode": mode, "outcome": "open", "config": self.config}
        self.driver.transactions.append(entry)
        tx = FakeTx(self, n)
        try:
            result = work(tx)
        except BaseException:
            entry["outcome"] = "rollback"
            raise
        entry["outcome"] = "commit"
        return result

    def execute_write(self, work: Callable[..., Any]) -> Any:
        return self._managed("write", work)

    def execute_read(self, work: Callable[..., Any]) -> Any:
        return self._managed("read", work)


class FakeTx:
    def __init__(self, session: FakeSession, n: int) -> None:
        self.session, self.n = session, n

    def run(self, text: str, params: dict[str, Any] | None = None, **kw: Any) -> FakeResult:
        return self.session._record(text, {**(params or {}), **kw}, self.n)


class InterceptingDriver:
    """A REAL driver whose write transactions call `on_statement(n)` before their n-th statement
    (counted from 1 across the wrapper's life): the hook may kill the server or raise, to fail a
    load part-way through a real transaction."""

    def __init__(self, driver: Any, on_statement: Callable[[int], None]) -> None:
        self.driver, self.on_statement, self.seen = driver, on_statement, 0

    def _tick(self) -> None:
        self.seen += 1
        self.on_statement(self.seen)

    def session(self, **config: Any) -> _InterceptingSession:
        return _InterceptingSession(self, self.driver.session(**config))

    def close(self) -> None:
        self.driver.close()


class _InterceptingSession:
    def __init__(self, owner: InterceptingDriver, real: Any) -> None:
        self.owner, self.real = owner, real

    def __enter__(self) -> _InterceptingSession:
        self.real.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.real.__exit__(*exc)

    def run(self, *args: Any, **kw: Any) -> Any:
        return self.real.run(*args, **kw)

    def execute_read(self, work: Callable[..., Any]) -> Any:
        return self.real.execute_read(work)

    def execute_write(self, work: Callable[..., Any]) -> Any:
        return self.real.execute_write(lambda tx: work(_InterceptingTx(self.owner, tx)))


class _InterceptingTx:
    def __init__(self, owner: InterceptingDriver, tx: Any) -> None:
        self.owner, self.tx = owner, tx

    def run(self, *args: Any, **kw: Any) -> Any:
        self.owner._tick()
        return self.tx.run(*args, **kw)
