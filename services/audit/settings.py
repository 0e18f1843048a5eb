"""Audit settings (env prefix STEWARD_AUDIT_)."""

from typing import Literal

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class AuditSettings(ServiceSettings):
    """Settings of the audit service."""

    model_config = SettingsConfigDict(env_prefix="STEWARD_AUDIT_", env_nested_delimiter="__", extra="ignore")

    service_name: str = "audit"
    database_url: str = "sqlite+aiosqlite:///./var/audit.db"
    http_port: int = 8004
    compliance_sweep_seconds: float = Field(
        default=300, ge=0, description="R-R4/R-M5 deadline sweep; 0 turns it off"
    )
    regular_spot_check_days: int = Field(
        default=90, ge=0, le=366, description="R-I5 regular checks; 0 turns off"
    )
    regular_spot_check_population: Literal["customers", "visits", "recommendations", "expenses"] = "customers"
    regular_spot_check_size: int = Field(default=20, ge=1, le=1000)
