"""Customer settings (env prefix STEWARD_CUSTOMER_)."""

from decimal import Decimal
from typing import Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from shared.imports import IMPORT_BODY_LIMIT
from shared.settings import ServiceSettings, secret_problem

DEV_ID_DOCUMENT_KEY = "steward-local-id-document-key-not-for-production"


class CustomerSettings(ServiceSettings):
    """Settings of the customer service."""

    model_config = SettingsConfigDict(
        env_prefix="STEWARD_CUSTOMER_", env_nested_delimiter="__", extra="ignore"
    )

    service_name: str = "customer"
    http_body_limits: dict[str, int] = Field(
        default_factory=lambda: {"/imports/": IMPORT_BODY_LIMIT},
        description="per route: path prefix -> body limit in bytes (a whole file's rows for /imports/)",
    )
    database_url: str = "sqlite+aiosqlite:///./var/customer.db"
    http_port: int = 8001
    senior_risk_threshold: Decimal = Field(
        default=Decimal("1000000"), ge=0, description="R-C1: risk business above this needs a senior CM"
    )
    ladder_recheck_seconds: float = Field(
        default=3600,
        ge=0,
        le=86_400,
        description="R-Q3: how often ladder versions taking effect are looked for; 0 turns the check off",
    )
    id_document_key: SecretStr | None = Field(
        default=None,
        description="HMAC key of ID-document numbers (only their keyed hash is stored); required in prod "
        "(at least 32 characters); changing it makes stored numbers unsearchable.",
    )

    access_log_flush_seconds: float = Field(
        default=2.0, gt=0, le=300, description="how often recorded reads of customers are written"
    )
    access_log_batch_size: int = Field(
        default=5000, ge=1, le=1_000_000, description="pending reads that trigger a write before the period"
    )
    access_log_max_pending: int = Field(
        default=500_000, ge=1000, le=10_000_000, description="reads kept in memory while the database fails"
    )
    access_log_retention_days: int = Field(
        default=1830, ge=1, le=36_600, description="how long the record of who read which customer is kept"
    )

    @model_validator(mode="after")
    def _id_document_key_in_prod(self) -> Self:
        if self.id_document_key is None:
            if self.profile == "prod":
                raise ValueError("id_document_key must be set in the prod profile")
            self.id_document_key = SecretStr(DEV_ID_DOCUMENT_KEY)
        elif self.profile == "prod" and (problem := secret_problem(self.id_document_key.get_secret_value())):
            raise ValueError(
                f"id_document_key {problem}; prod needs a random key (secrets.token_urlsafe(48))"
            )
        return self

    def document_key(self) -> bytes:
        """The HMAC key ID-document numbers are hashed with."""
        assert self.id_document_key is not None
        return self.id_document_key.get_secret_value().encode()
