"""Scheduled audit work: the deadline sweep (R-R4, R-M4, R-M5) and regular spot checks (R-I5)."""

import logging

from services.audit.service.deadlines import sweep
from services.audit.service.spot_checks import schedule_regular
from services.audit.settings import AuditSettings
from shared.every import every
from shared.runtime import Runtime

log = logging.getLogger(__name__)


async def run_compliance_sweeps(runtime: Runtime) -> None:
    """Sweep every `compliance_sweep_seconds` until the service stops; a failed sweep is retried next time."""
    settings = runtime.settings
    assert isinstance(settings, AuditSettings)

    async def sweep_once() -> None:
        overdue = await sweep(runtime.uow(), None)
        if overdue:
            log.info("compliance sweep: %d deadlines passed", overdue)
        if settings.regular_spot_check_days > 0:
            started = await schedule_regular(
                runtime.uow(),
                settings.regular_spot_check_days,
                settings.regular_spot_check_population,
                settings.regular_spot_check_size,
            )
            if started:
                log.info("regular spot checks started: %s", ", ".join(started))

    await every(settings.compliance_sweep_seconds, sweep_once, what="compliance sweep", log=log)
