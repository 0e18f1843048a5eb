"""Settings shared by every service; each service subclasses with its own env prefix."""

import math
import os
from collections import Counter
from typing import Literal, Self

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
        default=15,
        ge=1,
        le=30_000,
        description="How long a consumer's fetch waits for data. The embedded broker answers only when this "
        "runs out, so it bounds an event hop there: 15 ms keeps a hop under 20 ms at the median for a few "
        "per cent of a core at rest (docs/performance.md). Apache Kafka answers as soon as data arrives: "
        "set 500 there (docs/operations.md).",
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
    kafka: KafkaSettings = Field(default_factory=KafkaSettings)
    jwt_secret: SecretStr | None = None
    jwt_previous_secrets: list[SecretStr] = Field(
        default_factory=list, max_length=5, description="keys still accepted while a rotation rolls out"
    )
    jwt_issuer: str = "steward"
    jwt_audience: str = "steward"
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
            if self.profile != "dev":
                raise ValueError("jwt_secret must be set outside the dev profile")
            self.jwt_secret = SecretStr(DEV_JWT_SECRET)
        elif self.profile == "prod" and len(self.jwt_secret.get_secret_value()) < MIN_SECRET_LENGTH:
            raise ValueError(f"jwt_secret must be at least {MIN_SECRET_LENGTH} characters in prod")
        if self.profile == "prod":
            named = [("jwt_secret", self.jwt_secret)]
            named += [(f"jwt_previous_secrets[{i}]", k) for i, k in enumerate(self.jwt_previous_secrets)]
            for name, key in named:
                problem = secret_problem(key.get_secret_value())
                if problem:
                    raise ValueError(f"{name} {problem}; prod needs a random key (secrets.token_urlsafe(48))")
        return self

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
