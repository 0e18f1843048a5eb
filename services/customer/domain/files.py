"""Customer files (R-C4, R-C6, R-R3, R-C3): who opens one, one core banking number per file, roster events.

Pure decisions: `service/files.py` loads the holder of a number, the last section version or the roster
line before a change, calls these and persists what they decide.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from services.customer.domain.classification import check_control_request
from shared.errors import Conflict, Forbidden


def file_no(number: int) -> str:
    """R-C4: the distinct file number of the cooperative's n-th file."""
    return f"F{number:08d}"


def check_opener(
    caller: str, team: Iterable[str], may_manage: bool, may_control: bool, control_requested: bool
) -> None:
    """R-C4/R-C3: a supervisor or a CM of the new team opens a file; only a control role asks for two CMs."""
    if not may_manage and caller not in set(team):
        raise Forbidden("customer.file_not_served")
    check_control_request(False, control_requested, may_control)


def check_external_id(external_id: str | None, holder: str | None, own_id: str) -> None:
    """R-C4: core banking's number names one customer file of the cooperative."""
    if external_id is not None and holder is not None and holder != own_id:
        raise Conflict("customer.external_id_taken", external_id=external_id, customer_id=holder)


@dataclass(frozen=True)
class RosterLine:
    """The roster fields a change may publish: core banking's number and the importance."""

    external_id: str | None
    importance: str


@dataclass(frozen=True)
class Identified:
    """The file now carries another core banking number (`customer.identified`)."""

    external_id: str | None
    previous_external_id: str | None


@dataclass(frozen=True)
class Reclassified:
    """The customer's importance changed (`customer.classified`)."""

    importance: str


def roster_events(before: RosterLine, after: RosterLine) -> list[Identified | Reclassified]:
    """R-C4: what a roster change publishes: a new number, a new importance, in that order."""
    events: list[Identified | Reclassified] = []
    if after.external_id != before.external_id:
        events.append(Identified(after.external_id, before.external_id))
    if after.importance != before.importance:
        events.append(Reclassified(after.importance))
    return events


def next_version(last: int | None) -> int:
    """R-C6/R-R3: a section is never edited: each write is the next version (the first is 1)."""
    return (last or 0) + 1
