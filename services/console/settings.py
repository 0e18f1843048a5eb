"""Console settings (prefix STEWARD_CONSOLE_): where the services are, language, time zone, session."""

from typing import Literal, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

Profile = Literal["dev", "test", "prod"]
Locale = Literal["zh_CN", "en"]


class ConsoleSettings(BaseSettings):
    """How the console reaches the services and presents itself."""

    model_config = SettingsConfigDict(env_prefix="STEWARD_CONSOLE_", extra="ignore")

    profile: Profile = "dev"
    customer_url: str = "http://127.0.0.1:8001"
    staffing_url: str = "http://127.0.0.1:8002"
    appraisal_url: str = "http://127.0.0.1:8003"
    audit_url: str = "http://127.0.0.1:8004"
    backend_timeout_seconds: float = Field(default=5.0, gt=0, le=60, description="per call to a service")
    backend_max_connections: int = Field(default=100, ge=1, le=1000, description="pooled, per service")
    timezone: str = Field(default="Asia/Shanghai", description="the cooperative's time zone for display")
    default_locale: Locale = "zh_CN"
    session_hours: float = Field(default=8.0, gt=0, le=24 * 7)
    session_capacity: int = Field(default=10_000, ge=10, le=1_000_000)
    secure_cookies: bool | None = Field(default=None, description="None: on in prod, off elsewhere")
    page_size: int = Field(default=20, ge=5, le=200)
    dev_org: str = Field(default="rcc-demo", max_length=64, description="dev sign-in's default cooperative")
    csrf_secret: SecretStr | None = Field(default=None, description="signs anonymous CSRF tokens")
    log_level: str = "INFO"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @model_validator(mode="after")
    def _prod_is_strict(self) -> Self:
        if self.secure_cookies is None:
            self.secure_cookies = self.profile == "prod"
        secret = self.csrf_secret.get_secret_value() if self.csrf_secret else ""
        if self.profile == "prod" and len(secret) < 32:
            raise ValueError(
                "csrf_secret of at least 32 characters is required in prod (every replica signs alike)"
            )
        return self

    @property
    def dev_sign_in(self) -> bool:
        """The pick-a-user sign-in exists only in the dev profile."""
        return self.profile == "dev"

    @property
    def zone(self) -> ZoneInfo:
        """The cooperative's time zone."""
        return ZoneInfo(self.timezone)

    def service_urls(self) -> dict[str, str]:
        """Base URL of each service the console may call."""
        return {
            "customer": self.customer_url.rstrip("/"),
            "staffing": self.staffing_url.rstrip("/"),
            "appraisal": self.appraisal_url.rstrip("/"),
            "audit": self.audit_url.rstrip("/"),
        }
