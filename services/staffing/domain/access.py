"""Who sees what in staffing: a cooperative's own records, a CM's own record, a supervisor's subtree."""

from collections.abc import Collection, Mapping

from shared.errors import NotFound
from shared.offices import OfficeVersion, subtree

READS_ALL = frozenset({"hr", "admin", "supervisor", "management", "auditor"})
"""The roles that read the whole roll (a CM reads only their own record)."""

MANAGES = frozenset({"hr", "admin"})
"""The roles that act for any member of staff (apply, record an expense)."""

WHOLE_COOPERATIVE = frozenset({"management", "admin"})
"""The roles whose data scope is always the whole cooperative."""

RESTRICTING: Mapping[str, tuple[str, ...]] = {
    "supervisor": ("default", "subtree"),
    "auditor": ("subtree",),
    "hr": ("subtree",),
}
"""Per role, the placements that narrow the caller's data scope to their office's subtree."""


def reads_all(roles: Collection[str]) -> bool:
    """Whether the caller reads every staff record (within their data scope)."""
    return not READS_ALL.isdisjoint(roles)


def manages(roles: Collection[str]) -> bool:
    """Whether the caller acts for any member of staff."""
    return not MANAGES.isdisjoint(roles)


def in_org(row_org: str | None, org_id: str) -> bool:
    """Whether a record is the cooperative's: another's is answered like an unknown one, nothing leaks."""
    return row_org is not None and row_org == org_id


def check_manager_in_org(manager_id: str, row_org: str | None, org_id: str) -> None:
    """A staff record of the cooperative, for commands that name another CM."""
    if not in_org(row_org, org_id):
        raise NotFound("staffing.manager.not_found", manager_id=manager_id)


def may_narrow(roles: Collection[str]) -> bool:
    """Whether a placement may narrow the caller's data scope at all (else it is the whole cooperative)."""
    return WHOLE_COOPERATIVE.isdisjoint(roles) and any(role in RESTRICTING for role in roles)


def scope_restricted(roles: Collection[str], placed_scope: str | None) -> bool:
    """Whether the caller's placement narrows their data scope to their office's subtree."""
    if not may_narrow(roles) or placed_scope is None:
        return False
    return any(placed_scope in RESTRICTING.get(role, ()) for role in roles)


def scope_offices(tree: Mapping[str, OfficeVersion], office_id: str) -> list[str] | None:
    """The offices a restricted caller placed in an office sees today; None at the head office (all)."""
    office = tree.get(office_id)
    if office is not None and office.parent_id is None:
        return None
    return subtree(tree, office_id)


def needs_scope(known: bool, roles: Collection[str], caller_id: str, manager_id: str) -> bool:
    """Whether seeing another's record depends on the caller's data scope (a reader of the roll only)."""
    return known and reads_all(roles) and caller_id != manager_id


def check_visible(
    manager_id: str,
    known: bool,
    caller_id: str,
    roles: Collection[str],
    scope: Collection[str] | None,
    placed_office: str | None,
) -> None:
    """A CM sees only themself; a reader of the roll sees the staff of their scope; else 404."""
    own = caller_id == manager_id
    in_scope = scope is None or (placed_office is not None and placed_office in scope)
    if not known or not (own or (reads_all(roles) and in_scope)):
        raise NotFound("staffing.manager.not_found", manager_id=manager_id)


ROLL_READERS = READS_ALL
"""The roles that read any team's roll (a CM reads the roll of the team they lead)."""


def check_roll_reader(
    team_id: str, known: bool, lead_id: str | None, caller_id: str, roles: Collection[str]
) -> None:
    """The lead reads their own team's roll; a CM who does not lead it gets the answer for an unknown team."""
    if not known or (lead_id != caller_id and ROLL_READERS.isdisjoint(roles)):
        raise NotFound("staffing.team.not_found", team_id=team_id)
