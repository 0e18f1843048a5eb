"""Staffing settings (env prefix STEWARD_STAFFING_)."""

from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class StaffingSettings(ServiceSettings):
    """Settings of the staffing service."""

    model_config = SettingsConfigDict(
        env_prefix="STEWARD_STAFFING_", env_nested_delimiter="__", extra="ignore"
    )

    service_name: str = "staffing"
    database_url: str = "sqlite+aiosqlite:///./var/staffing.db"
    http_port: int = 8002
