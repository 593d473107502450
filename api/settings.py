"""HTTP API settings, read from the environment (pydantic-settings).

Built lazily through the cached `get_settings()`, never at import time, so tests and
`plankg serve` can pass their own `Settings` to `create_app`. Every field carries a description;
`docs/api.md` lists them all (a test checks it).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated
from urllib.parse import urlsplit, urlunsplit

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

MB = 1024 * 1024


class Settings(BaseSettings):
    """Everything the API reads from the environment; each field's env name is in its alias."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    store_uri: str | None = Field(
        default=None,
        validation_alias=AliasChoices("store_uri", "PLANKG_STORE_URI"),
        description=(
            "Store the API serves: a file path (embedded store) or a bolt://, neo4j://, neo4j+s:// "
            "URI (Bolt store). Unset: the CLI's rule, i.e. the embedded store at PLANKG_STORE, "
            "else .plankg/store.plankg under the working directory."
        ),
    )
    neo4j_user: str | None = Field(
        default=None,
        validation_alias=AliasChoices("neo4j_user", "NEO4J_USER"),
        description="User name for a Bolt store (read by the Bolt store itself, as in the CLI).",
    )
    neo4j_password: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("neo4j_password", "NEO4J_PASSWORD"),
        description="Password for a Bolt store; never echoed by /health or in errors.",
    )
    neo4j_database: str | None = Field(
        default=None,
        validation_alias=AliasChoices("neo4j_database", "NEO4J_DATABASE"),
        description="Database name for a Bolt store; unset means the server's default database.",
    )
    api_token: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("api_token", "PLANKG_API_TOKEN"),
        description=(
            "Bearer token that enables writes (POST /plans). Unset: writes are off and answer 403; "
            "a missing or wrong token answers 401."
        ),
    )
    max_upload_bytes: int = Field(
        default=20 * MB,
        ge=1,
        validation_alias=AliasChoices("max_upload_bytes", "PLANKG_API_MAX_UPLOAD_BYTES"),
        description="Largest accepted upload in bytes (default 20 MB); larger uploads answer 413.",
    )
    max_batch_files: int = Field(
        default=200,
        ge=1,
        validation_alias=AliasChoices("max_batch_files", "PLANKG_API_MAX_BATCH_FILES"),
        description="Most documents in one POST /plans/batch (default 200); more answer 400.",
    )
    default_limit: int = Field(
        default=50,
        ge=1,
        validation_alias=AliasChoices("default_limit", "PLANKG_API_DEFAULT_LIMIT"),
        description="Page size of list endpoints when the request gives no `limit`.",
    )
    max_limit: int = Field(
        default=500,
        ge=1,
        validation_alias=AliasChoices("max_limit", "PLANKG_API_MAX_LIMIT"),
        description="Largest `limit` a list endpoint accepts; larger values answer 422.",
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        validation_alias=AliasChoices("cors_origins", "PLANKG_API_CORS_ORIGINS"),
        description=(
            "Comma-separated origins allowed to call the API from a browser (CORS). Empty (the "
            "default): no cross-origin access. `*` allows any origin, without credentials."
        ),
    )

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [o.strip().rstrip("/") for o in value.split(",") if o.strip()]
        return value

    @field_validator("api_token", mode="after")
    @classmethod
    def _blank_token_is_none(cls, value: SecretStr | None) -> SecretStr | None:
        # PLANKG_API_TOKEN= (empty) must not enable writes with an empty bearer token
        if value is not None and not value.get_secret_value().strip():
            return None
        return value

    @model_validator(mode="after")
    def _limits(self) -> Settings:
        if self.default_limit > self.max_limit:
            raise ValueError(
                f"PLANKG_API_DEFAULT_LIMIT ({self.default_limit}) exceeds "
                f"PLANKG_API_MAX_LIMIT ({self.max_limit})"
            )
        return self

    @property
    def writes_enabled(self) -> bool:
        return self.api_token is not None


def redact_uri(uri: str) -> str:
    """A store URI fit to show: any password in it is replaced by `***`.

    >>> redact_uri("neo4j://neo4j:secret@db.example:7687")
    'neo4j://neo4j:***@db.example:7687'
    >>> redact_uri("/data/store.plankg")
    '/data/store.plankg'
    """
    parts = urlsplit(uri)
    if parts.password is None:
        return uri
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings of this process, read from the environment once."""
    return Settings()
