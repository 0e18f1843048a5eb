"""Composition root of the audit service."""

from pathlib import Path

from fastapi import FastAPI

from services.audit.api import ROUTERS
from services.audit.consumers import SUBSCRIPTIONS
from services.audit.models import LOGIN_LINKS, MESSAGING
from services.audit.settings import AuditSettings
from services.audit.sweeper import run_compliance_sweeps
from shared.app import build_service_app
from shared.logins import LoginLinks
from shared.runtime import ServiceDefinition

MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(settings: AuditSettings, *, configure_logs: bool = False) -> FastAPI:
    """Build the audit app; nothing connects until its lifespan starts."""
    definition = ServiceDefinition(
        name="audit",
        title="Audit",
        description=(
            "Internal control: departure audits, spot checks, compliance rules, early warnings, journal."
        ),
        tables=MESSAGING,
        subscriptions=SUBSCRIPTIONS,
        publishes=("audit.cases", "audit.findings"),
        background=(run_compliance_sweeps,),
    )
    built = build_service_app(settings, definition, list(ROUTERS), configure_logs=configure_logs)
    built.state.login_links = LoginLinks(LOGIN_LINKS, settings.login_link_cache_seconds)
    return built


def app() -> FastAPI:
    """Factory for `uvicorn --factory`: settings from the environment."""
    return create_app(AuditSettings(), configure_logs=True)
