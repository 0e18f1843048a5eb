"""The scheduled R-Q7 expiry sweep, run in the background of the staffing service."""

import logging

from services.staffing.service.certification import sweep_expiry
from services.staffing.settings import StaffingSettings
from shared.every import every
from shared.runtime import Runtime

log = logging.getLogger(__name__)


async def run_expiry_sweeps(runtime: Runtime) -> None:
    """Sweep every `expiry_sweep_seconds` until the service stops; a failed sweep is retried next time."""
    settings = runtime.settings
    assert isinstance(settings, StaffingSettings)

    async def sweep_once() -> None:
        result = await sweep_expiry(runtime.uow(), None, settings.certification_warning_days)
        if result.warned or result.expired:
            log.info("expiry sweep: %d warned, %d expired", len(result.warned), len(result.expired))

    await every(settings.expiry_sweep_seconds, sweep_once, what="expiry sweep", log=log)
