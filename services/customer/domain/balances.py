"""Balances from core banking (R-C5): the latest as-of wins; late and repeated reports change nothing.

Pure decisions: `service/banking.py` and `service/balance_import.py` load what is on record, call these,
and write through the guarded update that applies a report only over an older as-of.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

BALANCES = ("deposit_balance", "loan_balance")


def unknown_number(external_id: str | None, org_id: str) -> str:
    """Why a message naming the customer by an unknown core banking number is refused."""
    where = f"no customer file of {org_id} carries this core banking number"
    return f"for unknown external id {external_id}: {where}"


@dataclass(frozen=True, slots=True)
class Reported:
    """One balance report as the decision needs it: whose (by Steward's id or core banking's number), when."""

    org_id: str
    customer_id: str | None
    external_id: str | None
    as_of: datetime


@dataclass(frozen=True)
class Newest:
    """R-C5 over a batch: per (customer, cooperative) the index of the report to apply, and those refused."""

    reports: dict[tuple[str, str], int]
    refused: dict[int, str]


def newest_reports(reports: Sequence[Reported], known: Mapping[tuple[str, str], str]) -> Newest:
    """Per customer only the newest as-of counts (the first of equal ones); an unknown number is refused.

    `known` gives Steward's id of each (core banking number, cooperative) that names a file.
    """
    newest: dict[tuple[str, str], int] = {}
    refused: dict[int, str] = {}
    for index, report in enumerate(reports):
        customer_id = report.customer_id
        if customer_id is None:
            customer_id = known.get((report.external_id or "", report.org_id))
        if customer_id is None:
            refused[index] = "balances " + unknown_number(report.external_id, report.org_id)
            continue
        key = (customer_id, report.org_id)
        if key not in newest or report.as_of > reports[newest[key]].as_of:
            newest[key] = index
    return Newest(newest, refused)


def refused_unknown(reports: Sequence[Reported], unknown: set[tuple[str, str]]) -> dict[int, str]:
    """The reports naming, by Steward's id, a customer the cooperative does not have."""
    return {
        index: f"balances for unknown customer {r.customer_id}"
        for index, r in enumerate(reports)
        if r.customer_id is not None and (r.customer_id, r.org_id) in unknown
    }


class Opening(StrEnum):
    """What an opening-balance row does to the balances on record."""

    CREATED = "created"  # none on record yet
    UPDATED = "updated"  # newer than those on record
    UNCHANGED = "unchanged"  # the same report again
    OLDER = "older"  # older than (or as old as, but different from) those on record: flagged, no change


def opening(
    on_record: datetime | None,
    amounts_on_record: tuple[Decimal, Decimal, Decimal],
    as_of: datetime,
    amounts: tuple[Decimal, Decimal, Decimal],
) -> Opening:
    """R-C5 for an imported row: only a later as-of replaces what is on record; a correction needs one."""
    if on_record is None:
        return Opening.CREATED
    if on_record < as_of:
        return Opening.UPDATED
    return Opening.UNCHANGED if (on_record, amounts_on_record) == (as_of, amounts) else Opening.OLDER
