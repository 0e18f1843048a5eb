"""Customer settings (env prefix STEWARD_CUSTOMER_)."""

from decimal import Decimal

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class CustomerSettings(ServiceSettings):
    """Settings of the customer service."""

    model_config = SettingsConfigDict(
        env_prefix="STEWARD_CUSTOMER_", env_nested_delimiter="__", extra="ignore"
    )

    service_name: str = "customer"
    database_url: str = "sqlite+aiosqlite:///./var/customer.db"
    http_port: int = 8001
    senior_risk_threshold: Decimal = Field(
        default=Decimal("1000000"), ge=0, description="R-C1: risk business above this needs a senior CM"
    )
