"""The scheduled R-Q3 re-check of ladder versions taking effect, run in the customer service's background."""

import logging

from services.customer.service.ladder_days import recheck_ladders_taking_effect
from services.customer.settings import CustomerSettings
from shared.every import every
from shared.runtime import Runtime

log = logging.getLogger(__name__)


async def run_ladder_rechecks(runtime: Runtime) -> None:
    """Check every `ladder_recheck_seconds` until the service stops; a failed check is retried next time."""
    settings = runtime.settings
    assert isinstance(settings, CustomerSettings)

    async def check_once() -> None:
        done = await recheck_ladders_taking_effect(runtime.uow(), None, settings.senior_risk_threshold)
        if done:
            log.info("ladder re-check: %d cooperatives re-evaluated", len(done))

    await every(settings.ladder_recheck_seconds, check_once, what="ladder re-check", log=log)
