"""The projection of core banking's customer numbers onto Steward's ids, for services keyed by customer."""

from sqlalchemy import Column, MetaData, PrimaryKeyConstraint, String, Table, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.contracts.customer import CustomerIdentified, CustomerRegistered


def define_customer_refs(metadata: MetaData) -> Table:
    """Add the `customer_refs` table: (cooperative, core banking number) → customer id."""
    return Table(
        "customer_refs",
        metadata,
        Column("org_id", String(64), nullable=False),
        Column("external_id", String(64), nullable=False),
        Column("customer_id", String(64), nullable=False, index=True),
        PrimaryKeyConstraint("org_id", "external_id", name="pk_customer_refs"),
    )


async def learn(
    session: AsyncSession, refs: Table, org_id: str, event: CustomerRegistered | CustomerIdentified
) -> None:
    """Follow `customer.registered` and `customer.identified`: the customer's number now, if any."""
    await session.execute(
        delete(refs).where(refs.c.org_id == org_id, refs.c.customer_id == event.customer_id)
    )
    if event.external_id is not None:
        await session.execute(
            delete(refs).where(refs.c.org_id == org_id, refs.c.external_id == event.external_id)
        )
        await session.execute(
            refs.insert().values(org_id=org_id, external_id=event.external_id, customer_id=event.customer_id)
        )


async def resolve(session: AsyncSession, refs: Table, org_id: str, external_id: str) -> str | None:
    """The customer core banking's number names in a cooperative, if this service has learned it."""
    found: str | None = await session.scalar(
        select(refs.c.customer_id).where(refs.c.org_id == org_id, refs.c.external_id == external_id)
    )
    return found
