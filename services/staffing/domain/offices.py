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


def open_office(versions: Sequence[OfficeVersion], new: OfficeVersion) -> OfficeVersion:
    """A new office: its code not taken by any office, in a place that keeps one tree."""
    if any(v.code == new.code for v in versions):
        raise Conflict("staffing.office.code_taken", code=new.code)
    check_new_office(versions, new)
    return new


def move(
    versions: Sequence[OfficeVersion], office_id: str, on: date, parent_id: str | None, name: str | None
) -> OfficeVersion:
    """The office under another from a date (its code kept, renamed when asked); earlier dates keep theirs."""
    own = sorted((v for v in versions if v.office_id == office_id), key=lambda v: v.effective_from)
    if not own:
        raise NotFound("staffing.office.not_found", office_id=office_id)
    before = tree_as_of(own, on).get(office_id, own[0])
    moved = OfficeVersion(office_id, on, parent_id, before.code, name or before.name)
    check_move(versions, moved)
    return moved


def with_version(versions: Sequence[OfficeVersion], version: OfficeVersion) -> list[OfficeVersion]:
    """The versions once this one is kept: it replaces the office's version of the same date."""
    key = (version.office_id, version.effective_from)
    return [v for v in versions if (v.office_id, v.effective_from) != key] + [version]


def check_exists(versions: Sequence[OfficeVersion], office_id: str) -> None:
    """An office opened at some date (staff may be placed in it ahead of its opening)."""
    if office_id not in tree_as_of(versions, date.max):
        raise NotFound("staffing.office.not_found", office_id=office_id)


def needs_placing(
    versions: Sequence[OfficeVersion], office_id: str, scope: str, placed: tuple[str, str] | None
) -> bool:
    """Whether a user is still to be placed in the office with that scope (the office must exist)."""
    check_exists(versions, office_id)
    return placed != (office_id, scope)
