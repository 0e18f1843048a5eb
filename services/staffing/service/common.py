"""What staffing commands share: a CM's status as the domain's, and `manager.registered`."""

from services.staffing.domain.departure import ManagerStatus
from services.staffing.models import ManagerRow
from shared.contracts.staffing import ManagerRegistered
from shared.uow import UnitOfWork


def emit_registered(uow: UnitOfWork, row: ManagerRow) -> None:
    """Announce that a person is now on the CM post."""
    uow.emit("manager.registered", key=row.id, org_id=row.org_id, payload=registered(row))


def registered(row: ManagerRow) -> ManagerRegistered:
    """The `manager.registered` payload of a CM as the row holds them."""
    assert row.grade is not None
    return ManagerRegistered(
        manager_id=row.id,
        employee_no=row.employee_no,
        name=row.name,
        grade=row.grade,
        branch=row.branch,
        status=row.status,
        certified_until=row.certified_until,
    )


def status_of(row: ManagerRow) -> ManagerStatus:
    """The row's status as the domain's enum."""
    return ManagerStatus(row.status)
