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
    # OpenID Connect sign-in (docs/operations.md): on when an issuer is set; required in prod.
    oidc_issuer: str | None = Field(default=None, description="the IdP's issuer URL (discovery under it)")
    oidc_client_id: str = Field(default="steward-console", max_length=200)
    oidc_client_secret: SecretStr | None = Field(default=None, description="None: a public client (PKCE)")
    oidc_scopes: str = Field(default="openid profile", description="asked for at sign-in; openid is added")
    oidc_redirect_url: str | None = Field(default=None, description="absolute /auth/callback URL")
    oidc_post_logout_url: str | None = Field(default=None, description="absolute /signed-out URL")
    oidc_user_claim: str = Field(default="sub", description="claim path of the user id the services know")
    oidc_name_claim: str = Field(default="name", description="claim path of the display name")
    oidc_roles_claim: str = Field(default="realm_access.roles", description="claim path of the roles")
    oidc_org_claim: str = Field(default="org_id", description="claim path of the cooperative")
    oidc_refresh_seconds: float = Field(default=60, ge=0, le=3600, description="refresh this long before")
    oidc_timeout_seconds: float = Field(default=5.0, gt=0, le=60, description="per call to the IdP")

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
        if self.oidc_issuer is not None and not self.oidc_issuer.strip():
            self.oidc_issuer = None  # compose passes an unset variable as ""
        if self.oidc_client_secret is not None and not self.oidc_client_secret.get_secret_value():
            self.oidc_client_secret = None
        if self.profile == "prod" and not self.oidc_issuer:
            raise ValueError("oidc_issuer is required in prod (the Workbench signs in through the IdP)")
        if self.profile == "prod" and not str(self.oidc_issuer).startswith("https://"):
            raise ValueError("oidc_issuer must be an https:// URL in prod")
        return self

    @property
    def oidc(self) -> bool:
        """Sign-in through the cooperative's identity provider (an issuer is configured)."""
        return bool(self.oidc_issuer)

    @property
    def dev_sign_in(self) -> bool:
        """The pick-a-user sign-in exists only in the dev profile, and only without an IdP."""
        return self.profile == "dev" and not self.oidc

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
