"""Settings shared by every service; each service subclasses with its own env prefix."""

import math
import os
from collections import Counter
from typing import Any, Literal, Self
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_JWT_SECRET = "steward-local-development-secret-not-for-production"  # noqa: S105
# Keys that are public: the development key, the placeholder of deploy/compose/.env.example and the key
# of the k8s dev overlay.
KNOWN_SECRETS = frozenset(
    {
        DEV_JWT_SECRET,
        "change-me-to-a-random-string-of-at-least-32-characters",
        "dev-only-signing-key-never-used-outside-a-dev-cluster",
    }
)
MIN_SECRET_LENGTH = 32
MIN_SECRET_BITS = 128.0
SERVICE_PREFIXES = ("STEWARD_CUSTOMER_", "STEWARD_STAFFING_", "STEWARD_APPRAISAL_", "STEWARD_AUDIT_")


def secret_problem(secret: str) -> str | None:
    """Why a key may not sign production tokens: public, short, blank or guessable; None if fine."""
    if secret in KNOWN_SECRETS or "change-me" in secret.lower():
        return "is a published example or development key"
    if not secret.strip():
        return "is blank"
    if len(secret) < MIN_SECRET_LENGTH:
        return f"has fewer than {MIN_SECRET_LENGTH} characters"
    counts = Counter(secret)
    bits = -sum(n * math.log2(n / len(secret)) for n in counts.values())
    if bits < MIN_SECRET_BITS or len(counts) < 10:
        return f"is too regular to be random ({abs(bits):.0f} bits estimated, {MIN_SECRET_BITS:.0f} needed)"
    return None


def stray_profiles(env_prefix: str, profile: str) -> list[str]:
    """Profile variables set in a form this service does not read, naming another profile than its own."""
    own = f"{env_prefix}PROFILE".upper()
    others = {f"{p}PROFILE" for p in SERVICE_PREFIXES}
    return sorted(
        f"{name}={value}"
        for name, value in os.environ.items()
        if name.upper().startswith("STEWARD")
        and name.upper().replace("-", "_").rstrip("_").endswith("PROFILE")
        and name.upper() not in others | {own}
        and value.strip().lower() != profile
    )


Profile = Literal["dev", "test", "prod"]
SigningAlgorithm = Literal["RS256", "RS384", "RS512", "ES256", "ES384", "PS256"]


def _asymmetric_default() -> list[SigningAlgorithm]:
    return ["RS256", "ES256"]


LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
SecurityProtocol = Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"]
SaslMechanism = Literal["SCRAM-SHA-256", "SCRAM-SHA-512", "PLAIN"]


class KafkaSettings(BaseSettings):
    """How to reach Kafka: address, producer guarantees, TLS and SASL/SCRAM."""

    model_config = SettingsConfigDict(extra="ignore")

    bootstrap_servers: str = "127.0.0.1:9092"
    idempotent_producer: bool = Field(
        default=True, description="On for Apache Kafka; off for the embedded broker, which rejects it."
    )
    security_protocol: SecurityProtocol = "PLAINTEXT"
    sasl_mechanism: SaslMechanism | None = None
    sasl_username: str | None = None
    sasl_password: SecretStr | None = None
    ssl_cafile: str | None = None
    ssl_certfile: str | None = None
    ssl_keyfile: str | None = None
    topic_partitions: int = Field(default=3, ge=1, le=1000)
    topic_replication: int = Field(default=1, ge=1, le=10)
    create_topics: bool = True
    session_timeout_ms: int = Field(
        default=10_000, ge=1_000, le=300_000, description="consumer group liveness"
    )
    rebalance_timeout_ms: int | None = Field(
        default=None, ge=1_000, le=300_000, description="None: session timeout"
    )
    fetch_max_wait_ms: int = Field(
        default=500,
        ge=1,
        le=30_000,
        description="The longest a consumer's fetch waits for data, reached at rest (the adaptive wait's "
        "ceiling, see `fetch_min_wait_ms`). Apache Kafka answers as soon as data arrives, so 500 costs "
        "nothing there. The embedded broker answers only when the wait runs out, so the wait bounds an "
        "event hop there (docs/performance.md, issue 20).",
    )
    fetch_min_wait_ms: int = Field(
        default=15,
        ge=1,
        le=30_000,
        description="The adaptive fetch wait's floor: a consumer asks for this wait while records arrive and "
        "doubles it after each empty fetch (once none came for `fetch_wait_grace_ms`) up to "
        "`fetch_max_wait_ms`. Equal to or above the maximum: a fixed wait (docs/performance.md, issue 20).",
    )
    fetch_wait_grace_ms: int = Field(
        default=1_000,
        ge=0,
        le=60_000,
        description="How long after its last records a consumer keeps the short fetch wait before doubling.",
    )
    max_message_bytes: int = Field(
        default=1_000_000,
        ge=10_000,
        le=100_000_000,
        description="Largest event value: the envelope check, producer request size, topic max.message.bytes "
        "and consumer fetch size all derive from it (docs/operations.md, size limits).",
    )
    topic_prefix: str = Field(
        default="",
        max_length=64,
        pattern=r"^[A-Za-z0-9._-]*$",
        description="Prepended to every topic name, to share one cluster between environments.",
    )

    def topic(self, logical: str) -> str:
        """The physical name of a topic of the registry."""
        return f"{self.topic_prefix}{logical}"

    @model_validator(mode="after")
    def _sasl_complete(self) -> Self:
        complete = self.sasl_mechanism and self.sasl_username and self.sasl_password
        if self.security_protocol.startswith("SASL") and not complete:
            raise ValueError("SASL needs sasl_mechanism, sasl_username and sasl_password")
        return self


class ServiceSettings(BaseSettings):
    """Settings every service has; secrets have no default outside the dev profile."""

    model_config = SettingsConfigDict(env_prefix="STEWARD_", env_nested_delimiter="__", extra="ignore")

    service_name: str = "steward"
    profile: Profile = "dev"
    database_url: str = "sqlite+aiosqlite:///./var/steward.db"
    database_pool_size: int = Field(default=5, ge=1, le=100)
    # Business gauges (shared/gauges.py) are read from the database this often; 0 turns them off.
    business_gauge_seconds: float = Field(default=30.0, ge=0)
    kafka: KafkaSettings = Field(default_factory=KafkaSettings)
    jwt_secret: SecretStr | None = None
    jwt_previous_secrets: list[SecretStr] = Field(
        default_factory=list, max_length=5, description="keys still accepted while a rotation rolls out"
    )
    jwt_issuer: str = "steward"
    jwt_audience: str = "steward"
    # The identity provider (ADR 0007): tokens signed with its keys, found by OpenID Connect discovery.
    oidc_issuer: str | None = Field(
        default=None,
        description="the provider's issuer (iss); discovery names its JWKS; required in prod",
    )
    oidc_jwks_url: str | None = Field(default=None, description="the JWKS URL, if not the discovered one")
    oidc_jwks: dict[str, Any] | None = Field(default=None, description="an inline JWK set (tests, air gap)")
    oidc_audience: str = Field(default="steward", description="the aud the provider puts in our tokens")
    oidc_algorithms: list[SigningAlgorithm] = Field(default_factory=_asymmetric_default, min_length=1)
    oidc_leeway_seconds: int = Field(default=30, ge=0, le=300, description="clock skew allowed")
    oidc_jwks_refresh_seconds: float = Field(
        default=30, ge=0, le=3600, description="least time between refetches prompted by an unknown kid"
    )
    oidc_jwks_max_age_seconds: float = Field(
        default=3600, ge=1, le=86_400, description="the key set is refetched when older than this"
    )
    oidc_roles_claim: str = Field(
        default="roles", description="path of the roles: realm_access.roles, groups"
    )
    oidc_role_prefix: str = Field(default="", description="stripped from role names (steward-cm -> cm)")
    oidc_role_map: dict[str, str] = Field(default_factory=dict, description="provider role -> Steward role")
    oidc_unknown_roles: Literal["ignore", "refuse"] = Field(
        default="ignore",
        description="a role the mapping does not know; no known role at all: refused",
    )
    oidc_org_claim: str = Field(default="org_id", description="path of the cooperative's id")
    oidc_org_group_prefix: str | None = Field(
        default=None, description="or: the cooperative is the one group with this prefix (/coop/rcc-1)"
    )
    oidc_groups_claim: str = "groups"
    oidc_login_claim: str = Field(default="sub", description="the user's login: sub, preferred_username")
    login_link_cache_seconds: float = Field(
        default=5.0, ge=0, le=300, description="how long a CM's login → manager id answer is reused"
    )
    outbox_poll_seconds: float = Field(default=1.0, gt=0, le=60)
    outbox_batch_size: int = Field(default=200, ge=1, le=10_000)
    consumer_max_attempts: int = Field(default=3, ge=1, le=20)
    consumer_retry_backoff_seconds: float = Field(default=0.2, ge=0, le=60)
    consumer_batch_size: int = Field(
        default=500, ge=1, le=10_000, description="records per transaction on batch subscriptions"
    )
    consumer_batch_lanes: int = Field(
        default=2, ge=1, le=16, description="parallel transactions per batch, split by key (PostgreSQL)"
    )
    consumer_max_redeliveries: int = Field(
        default=10, ge=1, le=1_000, description="deliveries failing transiently while the database answers"
    )
    event_time_max_age_days: int = Field(
        default=3660, ge=1, le=36_600, description="oldest occurred_at/as_of accepted"
    )
    event_time_max_ahead_seconds: int = Field(
        default=86_400, ge=0, le=31_622_400, description="latest occurred_at/as_of ahead of now"
    )
    consumer_stall_seconds: float = Field(
        default=120, gt=0, le=86_400, description="pending and not advancing this long: /readyz?deep=1 fails"
    )
    consumer_watch_seconds: float = Field(
        default=5, gt=0, le=600, description="how often lag is measured and consumed topics checked"
    )
    start_consumers: bool = True
    shutdown_step_seconds: float = Field(
        default=8, gt=0, le=120, description="longest wait of each shutdown step before it is cut short"
    )
    idempotency_ttl_hours: int = Field(
        default=24, ge=24, le=720, description="how long a POST's Idempotency-Key and first answer are kept"
    )
    log_level: str = "INFO"
    http_host: str = "127.0.0.1"
    http_port: int = Field(default=8000, ge=1, le=65535)
    jwt_max_lifetime_hours: float = Field(
        default=24.0,
        gt=0,
        le=24 * 30,
        description="longest a token may live (exp - iat); longer ones are refused",
    )
    http_max_body_bytes: int = Field(
        default=1_048_576, ge=1024, le=64 * 1_048_576, description="413 above this request body size"
    )
    http_body_limits: dict[str, int] = Field(
        default_factory=dict,
        description="per route: path prefix -> body limit in bytes, overriding the above",
    )
    rate_limit_writes_per_second: float = Field(
        default=200.0, ge=0, le=1_000_000, description="per user and cooperative, on writes; 0: no limit"
    )
    rate_limit_write_burst: int = Field(
        default=5000, ge=1, le=1_000_000, description="writes a user may send at once before the rate applies"
    )

    @model_validator(mode="after")
    def _secrets_outside_dev(self) -> Self:
        if self.jwt_secret is None:
            if self.profile == "test":
                raise ValueError("jwt_secret must be set in the test profile")
            if self.profile == "dev":
                self.jwt_secret = SecretStr(DEV_JWT_SECRET)
        elif self.profile == "prod" and len(self.jwt_secret.get_secret_value()) < MIN_SECRET_LENGTH:
            raise ValueError(f"jwt_secret must be at least {MIN_SECRET_LENGTH} characters in prod")
        if self.profile == "prod":
            named = [("jwt_secret", self.jwt_secret)] if self.jwt_secret is not None else []
            named += [(f"jwt_previous_secrets[{i}]", k) for i, k in enumerate(self.jwt_previous_secrets)]
            for name, key in named:
                problem = secret_problem(key.get_secret_value())
                if problem:
                    raise ValueError(f"{name} {problem}; prod needs a random key (secrets.token_urlsafe(48))")
        return self

    @model_validator(mode="after")
    def _identity_provider_in_prod(self) -> Self:
        if self.profile != "prod":
            return self
        if not self.oidc_issuer:
            raise ValueError("prod needs oidc_issuer (and the provider's keys: discovery, oidc_jwks_url)")
        for name, url in (("oidc_issuer", self.oidc_issuer), ("oidc_jwks_url", self.oidc_jwks_url)):
            parts = urlsplit(url or "https://x")
            if parts.scheme != "https" and parts.hostname not in LOOPBACK_HOSTS:
                raise ValueError(f"{name} must be an https URL in prod")
        return self

    @property
    def accepts_shared_secret(self) -> bool:
        """True if HS256 tokens signed with jwt_secret are accepted: dev and test only, never prod."""
        return self.profile != "prod" and self.jwt_secret is not None

    @model_validator(mode="after")
    def _profile_read_as_set(self) -> Self:
        stray = stray_profiles(str(self.model_config.get("env_prefix", "")), self.profile)
        if stray:
            raise ValueError(
                f"{', '.join(stray)} is set but this service reads "
                f"{self.model_config.get('env_prefix', '')}PROFILE (profile {self.profile}): "
                "set that variable, or remove the other"
            )
        return self

    @property
    def group_prefix(self) -> str:
        """Prefix of this service's consumer groups."""
        return f"{self.kafka.topic_prefix}steward.{self.service_name}"

    def jwt_key(self) -> str:
        """The HMAC key tokens are signed with."""
        assert self.jwt_secret is not None
        return self.jwt_secret.get_secret_value()

    def jwt_verification_keys(self) -> list[str]:
        """The keys a token may be signed with: the current one first, then those being retired."""
        return [self.jwt_key(), *(k.get_secret_value() for k in self.jwt_previous_secrets)]
