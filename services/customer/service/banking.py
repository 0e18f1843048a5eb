"""Balances from core banking (R-C5): the latest as-of wins; late and repeated messages change nothing."""

from collections.abc import Sequence
from datetime import UTC
from typing import Any, cast

from sqlalchemy import Table, bindparam, or_, select, text, update

from services.customer.domain import balances as rules
from services.customer.models import CustomerRow
from shared.contracts.corebanking import BalanceReported, CustomerReference
from shared.envelope import Envelope
from shared.errors import NotFound
from shared.tables import Hundredths
from shared.uow import UnitOfWork

CUSTOMERS = cast(Table, CustomerRow.__table__)
_NEWER = update(CUSTOMERS).where(
    CUSTOMERS.c.id == bindparam("customer_id"),
    CUSTOMERS.c.org_id == bindparam("cooperative"),
    or_(CUSTOMERS.c.balances_as_of.is_(None), CUSTOMERS.c.balances_as_of < bindparam("as_of")),
)
# One UPDATE per customer, sent as one executemany; the version bump keeps optimistic locking honest.
_SET_BALANCES = _NEWER.values(
    deposit_balance=bindparam("deposit"),
    loan_balance=bindparam("loan"),
    overdue_balance=bindparam("overdue"),
    balances_as_of=bindparam("as_of"),
    row_version=CUSTOMERS.c.row_version + 1,
)
# The same guarded update on PostgreSQL as one statement over arrays: one round trip, one plan.
_SET_NEWER_FROM_ARRAYS = text(
    """
    UPDATE customers AS c
    SET deposit_balance = v.deposit, loan_balance = v.loan, overdue_balance = v.overdue,
        balances_as_of = v.as_of, row_version = c.row_version + 1
    FROM unnest(CAST(:ids AS varchar[]), CAST(:orgs AS varchar[]), CAST(:deposits AS bigint[]),
                CAST(:loans AS bigint[]), CAST(:overdues AS bigint[]), CAST(:as_ofs AS timestamptz[]))
         AS v(id, org_id, deposit, loan, overdue, as_of)
    WHERE c.id = v.id AND c.org_id = v.org_id
      AND (c.balances_as_of IS NULL OR c.balances_as_of < v.as_of)
    RETURNING c.id, c.org_id
    """
)


async def record_balances(uow: UnitOfWork, envelope: Envelope, event: BalanceReported) -> None:
    """Update the roster's deposit, loan and overdue balances if this report is newer than the last."""
    refused = await record_balance_batch(uow, [(envelope, event)])
    if refused:
        raise NotFound("customer.balance_refused", reason=refused[0])


async def by_external_id(
    uow: UnitOfWork, references: Sequence[tuple[Envelope, CustomerReference]]
) -> dict[tuple[str, str], str]:
    """Steward's id of each (core banking number, cooperative) the messages name, where one is known."""
    wanted = {(r.external_id, e.org_id) for e, r in references if r.external_id is not None}
    if not wanted:
        return {}
    rows = await uow.session.execute(
        select(CUSTOMERS.c.external_id, CUSTOMERS.c.org_id, CUSTOMERS.c.id).where(
            CUSTOMERS.c.external_id.in_({external for external, _ in wanted})
        )
    )
    return {(row.external_id, row.org_id): row.id for row in rows if (row.external_id, row.org_id) in wanted}


async def record_balance_batch(
    uow: UnitOfWork, reports: Sequence[tuple[Envelope, BalanceReported]]
) -> dict[int, str]:
    """Apply many reports at once: per customer only the newest as-of counts; unknown customers refused."""
    seen = [rules.Reported(e.org_id, r.customer_id, r.external_id, r.as_of) for e, r in reports]
    decided = rules.newest_reports(seen, await by_external_id(uow, reports))
    if not decided.reports:
        return decided.refused
    newest = {key: _named(reports[i][1], key[0]) for key, i in decided.reports.items()}
    missed = await write_newest(uow, newest)
    return decided.refused | rules.refused_unknown(seen, missed - await _known(uow, missed))


async def write_newest(
    uow: UnitOfWork, newest: dict[tuple[str, str], BalanceReported]
) -> set[tuple[str, str]]:
    """Set each (customer, org)'s balances where the report is newer than those on record (R-C5).

    The (customer, org) pairs it may not have changed: on PostgreSQL exactly those it did not, elsewhere all.
    """
    if uow.session.get_bind().dialect.name == "postgresql":
        return newest.keys() - await _set_newer_in_one_statement(uow, newest)
    await uow.session.execute(_SET_BALANCES, [_values(org, e) for (_, org), e in newest.items()])
    return set(newest)


async def _set_newer_in_one_statement(
    uow: UnitOfWork, newest: dict[tuple[str, str], BalanceReported]
) -> set[tuple[str, str]]:
    """PostgreSQL: every guarded update in one statement over arrays; the (customer, org) it changed."""
    fen = Hundredths().process_bind_param
    dialect = uow.session.get_bind().dialect
    events = list(newest.values())
    changed = await uow.session.execute(
        _SET_NEWER_FROM_ARRAYS,
        {
            "ids": [e.customer_id for e in events],
            "orgs": [org for _, org in newest],
            "deposits": [fen(e.deposit, dialect) for e in events],
            "loans": [fen(e.loan, dialect) for e in events],
            "overdues": [fen(e.overdue, dialect) for e in events],
            "as_ofs": [e.as_of.astimezone(UTC) for e in events],
        },
    )
    return {(row.id, row.org_id) for row in changed}


async def _known(uow: UnitOfWork, pairs: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """Which (customer, org) pairs name a customer of that cooperative."""
    if not pairs:
        return set()
    rows = await uow.session.execute(
        select(CUSTOMERS.c.id, CUSTOMERS.c.org_id).where(CUSTOMERS.c.id.in_({cid for cid, _ in pairs}))
    )
    return {(row.id, row.org_id) for row in rows} & pairs


def _named(event: BalanceReported, customer_id: str) -> BalanceReported:
    return event if event.customer_id is not None else event.resolved(customer_id)


def _values(org_id: str, event: BalanceReported) -> dict[str, Any]:
    return {
        "customer_id": event.customer_id,
        "cooperative": org_id,
        "deposit": event.deposit,
        "loan": event.loan,
        "overdue": event.overdue,
        "as_of": event.as_of,
    }
