"""Composition root of the staffing service."""

from pathlib import Path

from fastapi import FastAPI

from services.staffing.api import ROUTERS
from services.staffing.consumers import SUBSCRIPTIONS
from services.staffing.models import LOGIN_LINKS, MESSAGING
from services.staffing.settings import StaffingSettings
from services.staffing.sweeper import run_expiry_sweeps
from shared.app import build_service_app
from shared.logins import LoginLinks
from shared.runtime import ServiceDefinition

MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(settings: StaffingSettings, *, configure_logs: bool = False) -> FastAPI:
    """Build the staffing app; nothing connects until its lifespan starts."""
    definition = ServiceDefinition(
        name="staffing",
        title="Staffing",
        description=(
            "Who may be a customer manager: roll, grades, certification, teams, expenses, departures."
        ),
        tables=MESSAGING,
        subscriptions=SUBSCRIPTIONS,
        publishes=("staffing.managers", "staffing.expenses", "staffing.offices"),
        background=(run_expiry_sweeps,),
    )
    built = build_service_app(settings, definition, list(ROUTERS), configure_logs=configure_logs)
    built.state.login_links = LoginLinks(LOGIN_LINKS, settings.login_link_cache_seconds)
    return built


def app() -> FastAPI:
    """Factory for `uvicorn --factory`: settings from the environment."""
    return create_app(StaffingSettings(), configure_logs=True)
