"""Property-based run of the OpenAPI document (schemathesis): no 5xx and no response that violates
the schema, for valid and for invalid requests, on the embedded store loaded with the bundled plans.

Each operation is driven through `APIOperation.as_strategy` under hypothesis (schemathesis'
`from_fixture` pytest loader does not run on this pytest), in-process through the ASGI app.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import positive_data_acceptance

from api.app import create_app
from api.settings import Settings
from graph.stores.embedded import EmbeddedStore
from tests.conftest import EXAMPLES, SEED

TOKEN = "schemathesis-token"


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from loaders import extract_path

    path = tmp_path_factory.mktemp("schema") / "s.plankg"
    store = EmbeddedStore(path)
    for p in (SEED, *sorted(EXAMPLES.glob("*.txt"))):
        store.load(extract_path(p))
    # a token, so POST /plans really parses what schemathesis sends
    app = create_app(Settings(store_uri=str(path), api_token=TOKEN, max_limit=200))
    return schemathesis.openapi.from_asgi("/openapi.json", app)


def operations(schema: Any) -> list[Any]:
    return [result.ok() for result in schema.get_all_operations()]


def test_the_document_covers_every_route(api_schema: Any) -> None:
    labels = {op.label for op in operations(api_schema)}
    assert {"GET /queries/{name}", "GET /departments", "GET /tasks/{task_id}", "POST /plans",
            "GET /health"} <= labels


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_server_errors_and_no_schema_violations(api_schema: Any, mode: GenerationMode) -> None:
    ran = 0
    for op in operations(api_schema):
        inputs = len(op.path_parameters) + len(op.query) + len(op.headers) + len(op.body)
        if mode is GenerationMode.NEGATIVE and not inputs:
            continue  # nothing to make invalid

        @given(case=op.as_strategy(generation_mode=mode))
        @settings(max_examples=40, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case: Any) -> None:
            headers = {"Authorization": f"Bearer {TOKEN}"} if case.method.upper() == "POST" else None
            # a schema-valid body can still be an unreadable document or an ambiguous name (422):
            # that is semantics, not a schema violation
            case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

        try:
            check()
        except Unsatisfiable:
            # only unconstrained strings (e.g. a name in the path): every value is valid
            assert mode is GenerationMode.NEGATIVE, op.label
            continue
        ran += 1
    assert ran >= (10 if mode is GenerationMode.POSITIVE else 5)
