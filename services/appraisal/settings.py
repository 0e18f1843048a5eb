"""Appraisal settings (env prefix STEWARD_APPRAISAL_)."""

from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class AppraisalSettings(ServiceSettings):
    """Settings of the appraisal service."""

    model_config = SettingsConfigDict(
        env_prefix="STEWARD_APPRAISAL_", env_nested_delimiter="__", extra="ignore"
    )

    service_name: str = "appraisal"
    database_url: str = "sqlite+aiosqlite:///./var/appraisal.db"
    http_port: int = 8003
