"""The customers import's decisions (R-C4, R-C5, R-A rules): its vocabulary, a row's checks, what changes.

Existing data that breaks an assignment rule is taken as it was: the customer is marked non-compliant
naming the rule. `service/imports.py` reads the cells and the projections, calls these, and writes.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from services.customer.domain import assignment as rules
from services.customer.domain.balances import BALANCES
from services.customer.domain.classification import Classification, CustomerKind, Importance, Size
from shared.errors import DomainError
from shared.rules import Violation

KINDS = {k.value: k.value for k in CustomerKind} | {
    "公司客户": "corporate",
    "机构客户": "institutional",
    "个人客户": "individual",
    "农户": "farm_household",
}
IMPORTANCE = {i.value: i.value for i in Importance} | {
    "核心客户": "core",
    "重要客户": "important",
    "一般客户": "ordinary",
}
SIZES = {s.value: s.value for s in Size} | {"大型": "large", "中型": "medium", "小型": "small"}
FLAGS = ("core", "major_value", "complex_needs", "investment_needs", "first_development", "risk_business")
SEPARATORS = re.compile(r"[;；,，、\s]+")


@dataclass(frozen=True)
class Refusal:
    """Why a row cannot be taken: the column, the catalogue key and its values."""

    column: str
    key: str
    params: Mapping[str, object]


@dataclass(frozen=True)
class RowNames:
    """What a row names, as written: core banking's number, the CMs' employee numbers, office and team."""

    line: int
    external_id: str | None
    primary_no: str | None
    co_nos: Sequence[str]
    office_code: str | None
    team_id: str | None


def co_numbers(cell: str | None) -> list[str]:
    """The co-managers' employee numbers of a cell, however separated (；，、 or spaces)."""
    return [n for n in SEPARATORS.split(cell or "") if n]


def refusals(
    row: RowNames,
    managers: Mapping[str, object],
    offices: Mapping[str, str],
    teams: Mapping[str, object],
    seen: dict[str, int],
) -> list[Refusal]:
    """Every name the row gives must be known, the primary not also a co-manager, each number once a file.

    `seen` holds the line each core banking number was first given on; this row's is added.
    """
    found = [
        Refusal(column, "import.manager_unknown", {"value": no})
        for no, column in (
            (row.primary_no, "primary_employee_no"),
            *((n, "co_employee_nos") for n in row.co_nos),
        )
        if no is not None and no not in managers
    ]
    if row.primary_no is not None and row.primary_no in row.co_nos:
        found.append(Refusal("co_employee_nos", "import.primary_is_co", {"value": row.primary_no}))
    if row.office_code is not None and row.office_code not in offices:
        found.append(Refusal("office_code", "import.office_unknown", {"value": row.office_code}))
    if row.team_id is not None and row.team_id not in teams:
        found.append(Refusal("team_id", "import.team_unknown", {"value": row.team_id}))
    if row.external_id is not None:
        if row.external_id in seen:
            params = {"value": row.external_id, "line": seen[row.external_id]}
            found.append(Refusal("external_id", "import.duplicate", params))
        else:
            seen[row.external_id] = row.line
    return found


def office_of(
    office_code: str | None,
    offices: Mapping[str, str],
    placed: Mapping[str, str],
    primary: str,
    root: str | None,
) -> str | None:
    """The customer's office: the row's, else its primary CM's, else the head office, else none yet."""
    if office_code:
        return offices[office_code]
    return placed.get(primary) or root or None


def classification(values: Mapping[str, Any]) -> Classification:
    """A row's classification (as stored) as the domain's value."""
    return Classification(
        size=Size(values["size"]) if values["size"] else None,
        risk_amount=Decimal(values["risk_amount"]),
        **{f: values[f] for f in FLAGS},
    )


@dataclass(frozen=True)
class TeamVerdict:
    """The rules a legacy team breaks: CMs who may not serve (R-I6, R-Q7) and the team rules (R-C1..R-Q5)."""

    refused_managers: tuple[DomainError, ...]
    violations: tuple[Violation, ...]


def judge_team(
    c: Classification,
    team: Sequence[rules.ManagerView],
    grades: Mapping[str, rules.GradeView],
    threshold: Decimal,
    lead: rules.ManagerView | None,
    today: date,
) -> TeamVerdict:
    """What an imported team breaks, to be taken as it was and flagged; nothing is refused."""
    refused = []
    for view in team:
        try:
            rules.check_assignable(view, view.manager_id, view.org_id, today)
        except DomainError as exc:
            refused.append(exc)
    broken = rules.team_violations(c, team[0], list(team[1:]), grades, threshold, lead, on=today)
    return TeamVerdict(tuple(refused), tuple(broken))


def outside_reach(
    external_id: str, known: bool, known_office: str | None, office: str | None, reach: set[str]
) -> Refusal | None:
    """A branch supervisor imports only into their office subtree: other rows are refused at their cell.

    `known`: the row updates a customer on file, whose office is `known_office`; `office` is the row's.
    """
    if known and known_office not in reach:
        return Refusal("external_id", "import.outside_scope", {"value": external_id})
    if office not in reach:
        return Refusal("office_code", "import.office_outside_scope", {})
    return None


@dataclass(frozen=True)
class Standing:
    """A customer as on file, or as its import row wants it: roster fields, team, class, compliance."""

    values: Mapping[str, Any]
    team: tuple[str, ...]
    team_id: str | None
    classification: Mapping[str, Any]
    compliant: bool
    issues: list[str]


@dataclass(frozen=True)
class Update:
    """What an existing customer's row changes: its team, roster fields, classification, compliance."""

    team_changed: bool
    fields: dict[str, Any]
    balances_as_of: datetime | None
    classification_changed: bool
    compliance_changed: bool

    @property
    def changed(self) -> bool:
        """True if anything differs."""
        return (
            self.team_changed or bool(self.fields) or self.classification_changed or self.compliance_changed
        )


def update(on_file: Standing, balances_as_of: datetime | None, row: Standing, since: datetime) -> Update:
    """Bring an existing customer in line with its row; R-C5: an empty cell or newer balances stay.

    `row.values` names the fields the row sets; `on_file.values` holds the same fields as stored.
    """
    was = on_file.values
    fields = {k: v for k, v in row.values.items() if was[k] != v and k not in BALANCES}
    balances = {k: v for k, v in imported_balances(balances_as_of, since, row.values).items() if was[k] != v}
    return Update(
        (on_file.team, on_file.team_id) != (row.team, row.team_id),
        fields | balances,
        since if balances else None,
        on_file.classification != row.classification,
        (on_file.compliant, on_file.issues) != (row.compliant, row.issues),
    )


def imported_balances(
    on_record: datetime | None, since: datetime, cells: Mapping[str, Decimal | None]
) -> dict[str, Decimal]:
    """R-C5 in the customers import: a row's deposit and loan, unless empty or older than those on record."""
    if on_record is not None and on_record > since:
        return {}
    return {name: value for name in BALANCES if (value := cells.get(name)) is not None}


def book_refusals(line: int, external_id: str | None, on_file: bool, seen: dict[str, int]) -> list[Refusal]:
    """An opening-balance row names a file on record by core banking's number, once in the book.

    `seen` holds the line each number was first given on; this row's is added if it is the first.
    """
    if external_id is None:
        return []
    found = []
    if external_id in seen:
        found.append(
            Refusal("external_id", "import.duplicate", {"value": external_id, "line": seen[external_id]})
        )
    seen.setdefault(external_id, line)
    if not on_file:
        found.append(Refusal("external_id", "import.customer_unknown", {"value": external_id}))
    return found


def imported_team(primary: str, co: Sequence[str]) -> list[tuple[str, rules.AssignmentRole, Decimal]]:
    """R-A4/R-C3 for an imported team: the primary then the co-managers, each an equal share."""
    team = [primary, *co]
    shares = rules.equal_shares(team)
    roles = [rules.AssignmentRole.PRIMARY, *(rules.AssignmentRole.CO_MANAGER for _ in co)]
    return [(m, role, shares[m]) for m, role in zip(team, roles, strict=True)]
