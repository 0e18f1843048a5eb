"""R-A1: the background check that opens last year's cycle on the configured January day."""

import logging

from services.appraisal.service.cycles import open_due_cycles
from services.appraisal.settings import AppraisalSettings
from shared.every import every
from shared.runtime import Runtime

log = logging.getLogger(__name__)


async def run_auto_open(runtime: Runtime) -> None:
    """Check every `auto_open_check_seconds` until the service stops; a failed check is retried."""
    settings = runtime.settings
    assert isinstance(settings, AppraisalSettings)

    async def check_once() -> None:
        opened = await open_due_cycles(runtime.uow(), settings)
        if opened:
            log.info("appraisal cycles opened automatically: %s", ", ".join(opened))

    await every(settings.auto_open_check_seconds, check_once, what="automatic cycle opening", log=log)
