"""Staffing's event subscriptions."""

from typing import Any

from services.staffing import service
from shared.consumer import Subscription
from shared.envelope import Envelope
from shared.uow import UnitOfWork


async def complete_departure(uow: UnitOfWork, envelope: Envelope, event: Any) -> None:
    """On `audit.departure-cleared`, mark the CM departed."""
    await service.complete_departure(uow, envelope, event)


SUBSCRIPTIONS = (
    Subscription(
        name="departure-outcomes",
        topic="audit.cases",
        handlers={"audit.departure-cleared": complete_departure},
    ),
)
