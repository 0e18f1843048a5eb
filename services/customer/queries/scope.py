"""Office data scope as conditions: a supervisor (or an auditor set to it) sees only their office's subtree.

Staffing publishes the tree and who is where on `staffing.offices`; the service keeps the tree's closure per
change date (`service/scope.py`, handlers and conditions shared with audit and appraisal:
`shared/office_scope.py`). A caller with no office, in the head office, or whose role sees the whole
cooperative (management, admin, risk) is not restricted; a restricted caller sees the customers of the
offices at or below theirs in the tree in force today, and a customer outside answers like an unknown one.
"""

from datetime import date
from typing import Any, TypeVar, cast

from sqlalchemy import ColumnElement, Select, Table, select

from services.customer.models import (
    CustomerRow,
    OfficeClosureRow,
    OfficeProjectionRow,
    StaffOfficeProjectionRow,
)
from shared import office_scope
from shared.auth import Principal

T = TypeVar("T", bound=Any)
WHOLE_COOPERATIVE = office_scope.WHOLE_COOPERATIVE
OFFICES = office_scope.OfficeScope(
    office_scope.OfficeTables(
        cast(Table, OfficeProjectionRow.__table__),
        cast(Table, OfficeClosureRow.__table__),
        cast(Table, StaffOfficeProjectionRow.__table__),
    )
)
_scopes_restricting = office_scope.scopes_restricting


def in_scope(caller: Principal, office: Any, on: date | None = None) -> ColumnElement[bool]:
    """A condition on an office column: true where the caller's office scope reaches (today by default)."""
    return OFFICES.in_scope(caller, office, on)


def scoped_customer_ids(caller: Principal) -> Select[str]:
    """Ids of the cooperative's customers inside the caller's office scope."""
    return select(CustomerRow.id).where(
        CustomerRow.org_id == caller.org_id, in_scope(caller, CustomerRow.office_id)
    )


def restrict(query: Select[T], caller: Principal, customer_id: Any) -> Select[T]:
    """The query limited to rows of customers inside the caller's office scope (unchanged if none)."""
    if not _scopes_restricting(caller):
        return query
    return query.where(customer_id.in_(scoped_customer_ids(caller)))
