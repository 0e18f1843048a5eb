"""Opening balances as their own book file: core banking's number, deposit, loan, overdue, as of a date.

Written through the same guarded update as `balance.reported` (R-C5, `banking.write_newest`): per
customer only a newer as-of replaces what is on record, so the same file twice changes nothing. A row
older than (or as old as, but different from) what is on record is flagged and changes nothing; a
correction needs a later as-of date. Negative amounts and as-of dates in the future are refused.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, time
from decimal import Decimal

from pydantic import ValidationError
from sqlalchemy import select

from services.customer.domain import balances as rules
from services.customer.domain.imports import book_refusals
from services.customer.service.banking import CUSTOMERS, write_newest
from shared.auth import Principal
from shared.bulk import paused_gc
from shared.contracts.corebanking import BalanceReported
from shared.imports import Cells, ImportRequest, ImportRow, ImportSummary, Report
from shared.uow import UnitOfWork

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class OnRecord:
    """A customer's balances as stored now."""

    customer_id: str
    as_of: datetime | None
    amounts: tuple[Decimal, Decimal, Decimal]


async def import_balances(
    uow: UnitOfWork, body: ImportRequest, caller: Principal, lang: str
) -> ImportSummary:
    """Check every row; unless it is a dry run or a row is refused, write the newer ones in one commit."""
    report = Report(body.file, lang)
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    async with uow:
        with paused_gc():
            stored = await _on_record(uow, caller.org_id)
            newest: dict[tuple[str, str], BalanceReported] = {}
            ids: dict[str, str] = {}
            seen: dict[str, int] = {}
            for row in body.rows:
                checked = _check(report, row, stored, seen)
                if checked is None:
                    continue
                known, event = checked
                ids[str(row.values["external_id"]).strip()] = known.customer_id
                amounts = (event.deposit, event.loan, event.overdue)
                outcome = rules.opening(known.as_of, known.amounts, event.as_of, amounts)
                if outcome in (rules.Opening.CREATED, rules.Opening.UPDATED):
                    newest[(known.customer_id, caller.org_id)] = event
                counts[outcome.value if outcome is not rules.Opening.OLDER else "unchanged"] += 1
                if outcome is rules.Opening.OLDER and known.as_of is not None:
                    report.flag_key(row.line, "as_of", "import.balances_newer", as_of=known.as_of.date())
            if not body.dry_run and not report.refused_lines and newest:
                await write_newest(uow, newest)
                await uow.commit()
    return report.summary(body.dry_run, len(body.rows), counts, ids)


def _check(
    report: Report, row: ImportRow, stored: dict[str, OnRecord], seen: dict[str, int]
) -> tuple[OnRecord, BalanceReported] | None:
    """One row as the report it would be, or None (refused, with its column)."""
    cells = Cells(report, row)
    external_id = cells.text("external_id", required=True, max_length=64)
    deposit, loan, overdue = (cells.money(c) or ZERO for c in ("deposit", "loan", "overdue"))
    day = cells.day("as_of", required=True)
    for refused in book_refusals(row.line, external_id, external_id in stored, seen):
        report.refuse(row.line, refused.column, refused.key, **refused.params)
    if row.line in report.refused_lines or external_id is None or day is None:
        return None
    known = stored[external_id]
    as_of = datetime.combine(day, time(), tzinfo=UTC)
    try:
        event = BalanceReported(
            customer_id=known.customer_id, deposit=deposit, loan=loan, overdue=overdue, as_of=as_of
        )
    except ValidationError:  # the contract's bounds; negative amounts were refused by their cells already
        report.refuse(row.line, "as_of", "import.as_of_ahead", value=day.isoformat())
        return None
    return known, event


async def _on_record(uow: UnitOfWork, org_id: str) -> dict[str, OnRecord]:
    """The cooperative's customers by core banking's number, with their balances now."""
    c = CUSTOMERS.c
    rows = await uow.session.execute(
        select(
            c.external_id, c.id, c.balances_as_of, c.deposit_balance, c.loan_balance, c.overdue_balance
        ).where(c.org_id == org_id, c.external_id.is_not(None))
    )
    return {
        r.external_id: OnRecord(
            r.id,
            r.balances_as_of,
            (r.deposit_balance or ZERO, r.loan_balance or ZERO, r.overdue_balance or ZERO),
        )
        for r in rows
    }
