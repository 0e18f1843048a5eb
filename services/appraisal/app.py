"""Composition root of the appraisal service."""

from pathlib import Path

from fastapi import FastAPI

from services.appraisal.api import ROUTERS
from services.appraisal.consumers import SUBSCRIPTIONS
from services.appraisal.models import MESSAGING
from services.appraisal.models.base import LOGIN_LINKS
from services.appraisal.scheduler import run_auto_open
from services.appraisal.settings import AppraisalSettings
from shared.app import build_service_app
from shared.logins import LoginLinks
from shared.runtime import ServiceDefinition

MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(settings: AppraisalSettings, *, configure_logs: bool = False) -> FastAPI:
    """Build the appraisal app; nothing connects until its lifespan starts."""
    definition = ServiceDefinition(
        name="appraisal",
        title="Appraisal",
        description="Yearly profit and non-profit appraisal, floating pay and grade proposals.",
        tables=MESSAGING,
        subscriptions=SUBSCRIPTIONS,
        publishes=("appraisal.results",),
        background=(run_auto_open,),
    )
    built = build_service_app(settings, definition, list(ROUTERS), configure_logs=configure_logs)
    built.state.login_links = LoginLinks(LOGIN_LINKS, settings.login_link_cache_seconds)
    return built


def app() -> FastAPI:
    """Factory for `uvicorn --factory`: settings from the environment."""
    return create_app(AppraisalSettings(), configure_logs=True)
