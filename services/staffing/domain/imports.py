"""Bulk imports of the cooperative's book (go-live): which rows of an office or staff file are taken.

The service reads each cell (required, length, date, code); these decide what the rows mean together:
duplicates, one head office, known parents and offices, no cycle, and what is created, updated or left.
"""

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from shared.offices import OfficeVersion, has_cycle, tree_as_of


@dataclass(frozen=True)
class Refusal:
    """A row that cannot be taken (nothing of the file is written): line, column, message key, values."""

    line: int
    column: str
    key: str
    params: Mapping[str, object] = field(default_factory=dict)


def stable_id(prefix: str, org_id: str, natural_key: str) -> str:
    """The same office code or employee number of a cooperative always gets the same id."""
    return f"{prefix}-{hashlib.sha256(f'{org_id}:{natural_key}'.encode()).hexdigest()[:12]}"


def _counts() -> dict[str, int]:
    return {"created": 0, "updated": 0, "unchanged": 0}


@dataclass(frozen=True)
class OfficeLine:
    """One row of an office file as read: code, name, parent's code (None: head office), from when."""

    line: int
    code: str | None
    name: str | None
    parent_code: str | None
    effective_from: date


@dataclass(frozen=True)
class OfficesPlan:
    """What an office file does: its refusals, counts, each code's office id and the versions to keep."""

    refusals: tuple[Refusal, ...]
    counts: dict[str, int]
    ids: dict[str, str]
    versions: tuple[OfficeVersion, ...]


def plan_offices(org_id: str, versions: Sequence[OfficeVersion], lines: Sequence[OfficeLine]) -> OfficesPlan:
    """Offices by code: one row per code, one head office, parents known; a change is kept from its date."""
    refusals: list[Refusal] = []
    now_tree = tree_as_of(versions, date.max)
    by_code = {v.code: v for v in now_tree.values()}
    root = next((v for v in now_tree.values() if v.parent_id is None), None)
    seen: dict[str, int] = {}
    wanted: list[tuple[OfficeLine, str, str]] = []
    for row in lines:
        if row.code is None or row.name is None:
            continue
        if row.code in seen:
            refusals.append(
                Refusal(row.line, "code", "import.duplicate", {"value": row.code, "line": seen[row.code]})
            )
            continue
        seen[row.code] = row.line
        if row.parent_code is None and root is not None and root.code != row.code:
            refusals.append(Refusal(row.line, "parent_code", "import.second_root", {"value": root.code}))
            continue
        wanted.append((row, row.code, row.name))
    codes = set(by_code) | {code for _, code, _ in wanted}
    roots = [(row, code) for row, code, _ in wanted if row.parent_code is None]
    for row, _code in roots[1:]:
        refusals.append(Refusal(row.line, "parent_code", "import.second_root", {"value": roots[0][1]}))
    for row, _, _ in wanted:
        if row.parent_code is not None and row.parent_code not in codes:
            refusals.append(
                Refusal(row.line, "parent_code", "import.office_unknown", {"value": row.parent_code})
            )
    ids = {c: by_code[c].office_id if c in by_code else stable_id("o", org_id, c) for c in codes}
    counts = _counts()
    new: list[OfficeVersion] = []
    for row, code, name in wanted:
        parent_id = ids.get(row.parent_code) if row.parent_code else None
        known = by_code.get(code)
        if known is not None and (known.name, known.parent_id) == (name, parent_id):
            counts["unchanged"] += 1
            continue
        counts["created" if known is None else "updated"] += 1
        start = row.effective_from if known is None else max(row.effective_from, known.effective_from)
        new.append(OfficeVersion(ids[code], start, parent_id, code, name))
    replaced = {(n.office_id, n.effective_from) for n in new}
    merged = [v for v in versions if (v.office_id, v.effective_from) not in replaced] + new
    if new and has_cycle(tree_as_of(merged, date.max)):
        refusals.append(Refusal(seen[new[0].code], "parent_code", "import.cycle", {"value": new[0].code}))
    return OfficesPlan(tuple(refusals), counts, ids, tuple(new))


EDUCATION = {e: e for e in ("secondary", "vocational", "college", "bachelor", "master", "doctorate")} | {
    "中专": "vocational",
    "高中": "secondary",
    "大专": "college",
    "本科": "bachelor",
    "硕士": "master",
    "博士": "doctorate",
}
"""Education as a staff file may write it: the code, or its Chinese name."""


@dataclass(frozen=True)
class StaffLine:
    """One row of a staff file as read; `refused` when one of its cells already was."""

    line: int
    employee_no: str | None
    name: str | None
    grade: str | None
    certified_until: date | None
    hire_date: date | None
    education: str | None
    office_code: str | None
    refused: bool = False


@dataclass(frozen=True)
class KnownStaff:
    """A staff member already on the roll: their id and what a re-import compares."""

    manager_id: str
    name: str
    grade: str | None
    certified_until: date | None


@dataclass(frozen=True)
class StaffChange:
    """A row that creates or updates a CM; `place_in` the office they move to (None: they stay)."""

    row: StaffLine
    manager_id: str
    employee_no: str
    name: str
    grade: str
    new: bool
    place_in: str | None


@dataclass(frozen=True)
class StaffPlan:
    """What a staff file does: its refusals, counts, each employee number's id and the changes."""

    refusals: tuple[Refusal, ...]
    counts: dict[str, int]
    ids: dict[str, str]
    changes: tuple[StaffChange, ...]


Taken = tuple[StaffLine, str, str, str, str | None]  # the row, its employee no, name, grade and office


def _taken_staff(
    lines: Sequence[StaffLine], offices: Mapping[str, str], existing: Mapping[str, KnownStaff]
) -> tuple[list[Refusal], list[Taken]]:
    refusals: list[Refusal] = []
    taken: list[Taken] = []
    seen: dict[str, int] = {}
    for row in lines:
        office = offices.get(row.office_code) if row.office_code else None
        unknown = row.office_code is not None and office is None
        if unknown:
            refusals.append(
                Refusal(row.line, "office_code", "import.office_unknown", {"value": row.office_code})
            )
        no, name, grade = row.employee_no, row.name, row.grade
        if no is None or name is None or grade is None or row.refused or unknown:
            continue
        if no in seen:
            refusals.append(
                Refusal(row.line, "employee_no", "import.duplicate", {"value": no, "line": seen[no]})
            )
            continue
        if office is None and no not in existing:  # every staff member belongs to an office
            refusals.append(Refusal(row.line, "office_code", "import.office_required"))
            continue
        seen[no] = row.line
        taken.append((row, no, name, grade, office))
    return refusals, taken


def plan_staff(
    org_id: str,
    lines: Sequence[StaffLine],
    offices: Mapping[str, str],
    existing: Mapping[str, KnownStaff],
    placed: Mapping[str, str],
) -> StaffPlan:
    """CMs by employee number, each in a known office; unchanged when name, grade, certificate and office are.

    `offices` maps office codes to ids; `existing` the roll by employee number; `placed` user ids to offices.
    """
    refusals, taken = _taken_staff(lines, offices, existing)
    ids = {
        no: existing[no].manager_id if no in existing else stable_id("m", org_id, no)
        for _, no, _, _, _ in taken
    }
    counts = _counts()
    changes: list[StaffChange] = []
    for row, no, name, grade, office in taken:
        known = existing.get(no)
        same_office = office is None or placed.get(ids[no]) == office
        if (
            known is not None
            and (known.name, known.grade, known.certified_until) == (name, grade, row.certified_until)
            and same_office
        ):
            counts["unchanged"] += 1
            continue
        counts["created" if known is None else "updated"] += 1
        changes.append(
            StaffChange(row, ids[no], no, name, grade, known is None, None if same_office else office)
        )
    return StaffPlan(tuple(refusals), counts, ids, tuple(changes))
