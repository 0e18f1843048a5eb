"""Composition root of the customer service."""

from pathlib import Path

from fastapi import FastAPI

from services.customer.access_log import AccessLog
from services.customer.api import ROUTERS
from services.customer.consumers import subscriptions
from services.customer.models import LOGIN_LINKS, MESSAGING
from services.customer.settings import CustomerSettings
from services.customer.sweeper import run_ladder_rechecks
from shared.app import build_service_app
from shared.logins import LoginLinks
from shared.runtime import ServiceDefinition

MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(settings: CustomerSettings, *, configure_logs: bool = False) -> FastAPI:
    """Build the customer app; nothing connects until its lifespan starts."""
    access_log = AccessLog(settings)
    definition = ServiceDefinition(
        name="customer",
        title="Customer",
        description="Customer files, who serves whom, visits, reports and credit recommendations.",
        tables=MESSAGING,
        subscriptions=subscriptions(settings.senior_risk_threshold),
        publishes=("customer.customers", "customer.activities", "customer.credit-recommendations"),
        background=(access_log.run, run_ladder_rechecks),
    )
    built = build_service_app(settings, definition, list(ROUTERS), configure_logs=configure_logs)
    built.state.access_log = access_log
    built.state.login_links = LoginLinks(LOGIN_LINKS, settings.login_link_cache_seconds)
    return built


def app() -> FastAPI:
    """Factory for `uvicorn --factory`: settings from the environment."""
    return create_app(CustomerSettings(), configure_logs=True)
