"""The four services as the launcher knows them: module, port, migrations, settings."""

from dataclasses import dataclass
from pathlib import Path

from services.appraisal.app import MIGRATIONS as APPRAISAL_MIGRATIONS
from services.appraisal.settings import AppraisalSettings
from services.audit.app import MIGRATIONS as AUDIT_MIGRATIONS
from services.audit.settings import AuditSettings
from services.customer.app import MIGRATIONS as CUSTOMER_MIGRATIONS
from services.customer.settings import CustomerSettings
from services.staffing.app import MIGRATIONS as STAFFING_MIGRATIONS
from services.staffing.settings import StaffingSettings
from shared.settings import ServiceSettings


@dataclass(frozen=True)
class ServiceEntry:
    """How to run and migrate one service."""

    name: str
    app_factory: str
    default_port: int
    migrations: Path
    settings: type[ServiceSettings]

    @property
    def env_prefix(self) -> str:
        """Environment prefix of the service's settings."""
        return f"STEWARD_{self.name.upper()}_"


SERVICES: tuple[ServiceEntry, ...] = (
    ServiceEntry("customer", "services.customer.app:app", 8001, CUSTOMER_MIGRATIONS, CustomerSettings),
    ServiceEntry("staffing", "services.staffing.app:app", 8002, STAFFING_MIGRATIONS, StaffingSettings),
    ServiceEntry("appraisal", "services.appraisal.app:app", 8003, APPRAISAL_MIGRATIONS, AppraisalSettings),
    ServiceEntry("audit", "services.audit.app:app", 8004, AUDIT_MIGRATIONS, AuditSettings),
)


def entry(name: str) -> ServiceEntry:
    """The catalog entry of a service by name."""
    for service in SERVICES:
        if service.name == name:
            return service
    raise KeyError(name)
