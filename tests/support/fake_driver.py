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


@dataclass
class FakeDriver:
    """`fail_on(statement) -> Exception | None` decides, statement by statement, what fails;
    `answer(text) -> rows | None` answers reads."""

    fail_on: Callable[[Statement], BaseException | None] = lambda s: None
    answer: Callable[[str], list[dict[str, Any]] | None] = lambda text: None
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
