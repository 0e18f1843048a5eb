"""The office tree: cooperative → branches → outlets, any depth, each place in force from a date."""

from collections.abc import Sequence
from datetime import date

from shared.errors import Conflict, NotFound, RuleViolation
from shared.offices import OfficeVersion, change_dates, has_cycle, tree_as_of


def check_new_office(versions: Sequence[OfficeVersion], new: OfficeVersion) -> None:
    """A new office hangs under an office that exists then; only one cooperative (root) office."""
    if new.parent_id is None:
        if any(v.parent_id is None for v in versions):
            raise Conflict("staffing.office.root_exists")
        return
    _check_parent(versions, new)


def check_move(versions: Sequence[OfficeVersion], moved: OfficeVersion) -> None:
    """A move keeps the tree a tree on its date and on every later date; the cooperative stays the root."""
    own = [v for v in versions if v.office_id == moved.office_id]
    if not own:
        raise NotFound("staffing.office.not_found", office_id=moved.office_id)
    if any(v.parent_id is None for v in own) or moved.parent_id is None:
        raise RuleViolation("staffing.office.root_fixed")
    if min(v.effective_from for v in own) > moved.effective_from:
        raise RuleViolation("staffing.office.before_opening", office_id=moved.office_id)
    _check_parent(versions, moved)
    after = [
        v
        for v in versions
        if not (v.office_id == moved.office_id and v.effective_from == moved.effective_from)
    ]
    after.append(moved)
    for on in change_dates(after):
        if on >= moved.effective_from and has_cycle(tree_as_of(after, on)):
            raise RuleViolation("staffing.office.cycle", office_id=moved.office_id)


def _check_parent(versions: Sequence[OfficeVersion], office: OfficeVersion) -> None:
    assert office.parent_id is not None
    if office.parent_id == office.office_id:
        raise RuleViolation("staffing.office.cycle", office_id=office.office_id)
    if office.parent_id not in tree_as_of(versions, office.effective_from):
        raise NotFound("staffing.office.parent_unknown", office_id=office.parent_id, on=office.effective_from)


def opened_on(versions: Sequence[OfficeVersion], office_id: str) -> date | None:
    """The date an office first appears in the tree."""
    dates = [v.effective_from for v in versions if v.office_id == office_id]
    return min(dates) if dates else None
