"""Staffing settings (env prefix STEWARD_STAFFING_)."""

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from services.staffing.domain.qualification import Education
from shared.imports import IMPORT_BODY_LIMIT
from shared.settings import ServiceSettings


class StaffingSettings(ServiceSettings):
    """Settings of the staffing service."""

    model_config = SettingsConfigDict(
        env_prefix="STEWARD_STAFFING_", env_nested_delimiter="__", extra="ignore"
    )

    service_name: str = "staffing"
    http_body_limits: dict[str, int] = Field(
        default_factory=lambda: {"/imports/": IMPORT_BODY_LIMIT},
        description="per route: path prefix -> body limit in bytes (a whole file's rows for /imports/)",
    )
    database_url: str = "sqlite+aiosqlite:///./var/staffing.db"
    http_port: int = 8002
    certification_validity_years: int = Field(default=2, ge=1, le=10, description="R-Q7 validity of an exam")
    certification_warning_days: int = Field(
        default=60, ge=1, le=365, description="R-Q7 warning ahead of expiry"
    )
    qualification_min_years: int = Field(default=3, ge=0, le=40, description="R-Q1 years of RCC service")
    qualification_min_education: Education = Field(default=Education.COLLEGE, description="R-Q1 education")
    expiry_sweep_seconds: float = Field(default=3600, ge=0, description="R-Q7 sweep interval; 0 turns it off")
