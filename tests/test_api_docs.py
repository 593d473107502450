"""docs/api.md documents every setting and every endpoint, each endpoint with a curl example."""

from __future__ import annotations

import re

from api.app import create_app
from api.settings import Settings
from tests.conftest import ROOT

DOC = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")


def env_names(field: str) -> list[str]:
    alias = Settings.model_fields[field].validation_alias
    return [c for c in getattr(alias, "choices", []) if isinstance(c, str) and c.isupper()]


def test_every_setting_is_documented_with_help_text() -> None:
    for name, field in Settings.model_fields.items():
        assert field.description, f"setting {name} has no help text"
        names = env_names(name)
        assert names, f"setting {name} has no environment name"
        for env in names:
            assert f"`{env}`" in DOC, f"{env} is not in docs/api.md"


def test_every_endpoint_is_documented_with_a_curl_example() -> None:
    paths = create_app(Settings(store_uri="unused.plankg")).openapi()["paths"]
    assert len(paths) >= 10
    for path, item in paths.items():
        shown = path.replace("{task_id}", "{id}").replace("{plan_id}", "{id}")
        for method in item:
            assert f"`{method.upper()} {shown}`" in DOC or f"`{method.upper()} {shown}` and" in DOC \
                or re.search(rf"`{method.upper()} {re.escape(shown)}`", DOC) \
                or re.search(rf"and `{method.upper()} {re.escape(shown)}`", DOC), \
                f"{method.upper()} {shown} is not in docs/api.md"
        stem = shown.split("{")[0].rstrip("/")
        assert re.search(rf"curl[^\n]*127\.0\.0\.1:8000{re.escape(stem)}", DOC), f"no curl example for {path}"
