"""The scheduled compliance sweep (R-R4, R-M5 deadlines), run in the background of the audit service."""

import asyncio
import logging

from services.audit.service.deadlines import sweep
from services.audit.settings import AuditSettings
from shared.runtime import Runtime

log = logging.getLogger(__name__)


async def run_compliance_sweeps(runtime: Runtime) -> None:
    """Sweep every `compliance_sweep_seconds` until the service stops; a failed sweep is retried next time."""
    settings = runtime.settings
    assert isinstance(settings, AuditSettings)
    if settings.compliance_sweep_seconds <= 0:
        return
    while True:
        try:
            overdue = await sweep(runtime.uow(), None)
            if overdue:
                log.info("compliance sweep: %d deadlines passed", overdue)
        except Exception as exc:  # a database outage must not kill the loop
            log.warning("compliance sweep failed: %s", exc)
        await asyncio.sleep(settings.compliance_sweep_seconds)
