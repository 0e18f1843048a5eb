"""Audit settings (env prefix STEWARD_AUDIT_)."""

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
