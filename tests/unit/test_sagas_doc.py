"""docs/sagas.md: every step of a saga diagram is a handler the target service registers for that event."""

import re
from pathlib import Path

from services.audit.consumers import SUBSCRIPTIONS as AUDIT
from services.customer.consumers import SUBSCRIPTIONS as CUSTOMER
from services.staffing.consumers import SUBSCRIPTIONS as STAFFING

DOC = Path(__file__).parents[2] / "docs" / "sagas.md"
STEP = re.compile(r"^\s*(\w+)-\)(\w+): ([a-z.-]+) → (\w+)\s*$", re.M)
SERVICES = {"Staffing": STAFFING, "Customer": CUSTOMER, "Audit": AUDIT}


def _registered(service: str) -> set[tuple[str, str]]:
    return {
        (event_type, handler.__name__)
        for subscription in SERVICES[service]
        for event_type, handler in subscription.handlers.items()
    }


def test_every_step_of_the_diagrams_is_a_registered_handler():
    steps = STEP.findall(DOC.read_text(encoding="utf-8"))
    assert len(steps) >= 8, (
        "no saga steps found: is the diagram's arrow syntax still `A-)B: event → handler`?"
    )
    missing = [
        f"{target}: {event_type} → {handler}"
        for _source, target, event_type, handler in steps
        if (event_type, handler) not in _registered(target)
    ]
    assert missing == []


def test_every_departure_reaction_of_the_code_is_in_the_diagram():
    steps = {(t, e, h) for _s, t, e, h in STEP.findall(DOC.read_text(encoding="utf-8"))}
    saga_events = {"manager.departure-requested", "manager.portfolio-published", "audit.departure-cleared"}
    saga_events |= {"manager.departure-withdrawn", "manager.departed"}
    for service in SERVICES:
        for event_type, handler in _registered(service):
            if event_type in saga_events:
                assert (service, event_type, handler) in steps, f"{service} {event_type} {handler} not drawn"


def test_reactions_are_named_after_the_event_they_answer():
    for service in SERVICES:
        for event_type, handler in _registered(service):
            if handler.startswith("when_"):
                full = event_type.replace(".", "_").replace("-", "_")
                action = event_type.split(".", 1)[1].replace("-", "_")
                named = (f"when_{full}_", f"when_{action}_")
                assert handler.startswith(named), (service, event_type, handler)
