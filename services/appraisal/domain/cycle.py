"""R-A1: the yearly appraisal cycle: opened in January for the year before, then computed and finalized."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from services.appraisal.domain.evaluation import draw_sample
from shared.errors import Conflict, RuleViolation


class CycleStatus(StrEnum):
    """Where a cycle stands; finalized results never change."""

    OPEN = "open"
    COMPUTED = "computed"
    FINALIZED = "finalized"
    SUPERSEDED = "superseded"

    @property
    def final(self) -> bool:
        """A finalized version's results never change, nor do those of a version a correction superseded."""
        return self in (CycleStatus.FINALIZED, CycleStatus.SUPERSEDED)


def check_year(year: int, today: date) -> None:
    """A cycle appraises a year that has ended (R-A1: the previous year, in January)."""
    if year >= today.year:
        raise RuleViolation("appraisal.cycle.year_not_ended", year=year)
    if year < 2000:
        raise RuleViolation("appraisal.cycle.year_out_of_range", year=year)


def check_can_open(existing: list[tuple[int, str]]) -> int:
    """The next version for a year; refused while one is open or once finalized (use a correction)."""
    for _version, status in existing:
        if status in (CycleStatus.OPEN, CycleStatus.COMPUTED):
            raise Conflict("appraisal.cycle.already_open")
        if status == CycleStatus.FINALIZED:
            raise Conflict("appraisal.cycle.finalized")
    return max((v for v, _ in existing), default=0) + 1


def check_editable(status: CycleStatus) -> None:
    """Evaluations and allocations change only before finalization."""
    if status not in (CycleStatus.OPEN, CycleStatus.COMPUTED):
        raise Conflict("appraisal.cycle.immutable", status=status.value)


def recompute(status: CycleStatus) -> CycleStatus:
    """R-A1: a cycle not final may be computed again, from the ledger and the evaluations so far."""
    check_editable(status)
    return CycleStatus.COMPUTED


def check_before_deadline(deadline: date, today: date) -> None:
    """Evaluations are collected until the deadline (a supervisor may extend it)."""
    if today > deadline:
        raise Conflict("appraisal.cycle.deadline_passed", deadline=deadline.isoformat())


def default_deadline(opened_on: date, days: int) -> date:
    """The deadline of a cycle opened on a date."""
    return opened_on + timedelta(days=days)


def auto_open_due(today: date, month: int, day: int) -> int | None:
    """The year whose cycle is due to open automatically today, or None before the configured date."""
    return today.year - 1 if today >= date(today.year, month, day) else None


@dataclass(frozen=True)
class Opening:
    """R-A1: a cycle to open: its version, deadline, sample size and loss policy, and who takes part."""

    version: int
    deadline: date
    sample_size: int
    loss_policy: str
    samples: dict[str, list[str]]  # each participant (a graded CM still on staff) and their customers drawn


def takes_part(standing: str, grade: str | None) -> bool:
    """R-A1: a cycle appraises every CM still on staff who holds a grade."""
    return standing != "left" and grade is not None


def portfolios(assignments: Iterable[tuple[str, Sequence[str]]]) -> dict[str, list[str]]:
    """R-A3: each CM's customers now, from the current assignments (a customer, the CMs on it)."""
    served: dict[str, list[str]] = {}
    for customer_id, manager_ids in assignments:
        for manager_id in manager_ids:
            served.setdefault(manager_id, []).append(customer_id)
    return served


@dataclass(frozen=True)
class OpeningConfig:
    """The settings in force that shape a new cycle."""

    deadline_days: int
    sample_size: int
    loss_policy: str


def open_cycle(
    existing: list[tuple[int, str]],
    deadline: date | None,
    sample_size: int | None,
    loss_policy: str | None,
    seed: str,
    managers: Iterable[str],
    portfolios: Mapping[str, Sequence[str]],
    config: OpeningConfig,
    today: date,
) -> Opening:
    """R-A1, R-A3: the next version of a year's cycle, every graded CM in it with their customer sample."""
    version = check_can_open(existing)
    due = deadline or default_deadline(today, config.deadline_days)
    if due < today:
        raise Conflict("appraisal.cycle.deadline_in_past")
    size = config.sample_size if sample_size is None else sample_size
    samples = {m: draw_sample(seed, m, portfolios.get(m, []), size) for m in managers}
    return Opening(version, due, size, loss_policy or config.loss_policy, samples)


def correct(
    status: CycleStatus, versions: Iterable[int], deadline: date | None, days: int, today: date
) -> Opening:
    """A finalized cycle is corrected by the next version (inputs carried over), with a new deadline."""
    if status is not CycleStatus.FINALIZED:
        raise Conflict("appraisal.cycle.correct_final_only")
    return Opening(max(versions) + 1, deadline or default_deadline(today, days), 0, "", {})


def move_deadline(status: CycleStatus, deadline: date, today: date) -> date:
    """A cycle not finalized may get a new deadline, never one in the past."""
    check_editable(status)
    if deadline < today:
        raise Conflict("appraisal.cycle.deadline_in_past")
    return deadline


def check_remindable(status: str, cycle_id: str) -> None:
    """R-A3: reminders go out only while evaluations are collected."""
    if status not in (CycleStatus.OPEN, CycleStatus.COMPUTED):
        raise RuleViolation("appraisal.reminder.cycle_not_open", cycle_id=cycle_id)


@dataclass(frozen=True)
class Finalized:
    """R-A1, R-Q8: a finalized sheet, and whether its grade proposal is new (published again) or not."""

    manager_id: str
    proposal_changed: bool


@dataclass(frozen=True)
class Finalization:
    """R-A1: the cycle now final, the version it corrects (if any) superseded, and each sheet."""

    status: CycleStatus
    superseded: CycleStatus | None
    sheets: list[Finalized]


def finalize(
    cycle_id: str,
    status: CycleStatus,
    corrects: bool,
    missing_evaluations: int,
    unsplit_pools: Sequence[str],
    results: Sequence[tuple[str, str]],
    previous: Mapping[str, str],
) -> Finalization:
    """R-A1: refused while evaluations or pool splits are missing; each CM's proposal published when new."""
    check_editable(status)
    if missing_evaluations:
        raise RuleViolation(
            "appraisal.cycle.evaluations_missing", count=missing_evaluations, cycle_id=cycle_id
        )
    if unsplit_pools:
        raise RuleViolation("appraisal.cycle.pools_unsplit", unsplit=list(unsplit_pools))
    sheets = [Finalized(m, previous.get(m) != proposal) for m, proposal in results]
    return Finalization(CycleStatus.FINALIZED, CycleStatus.SUPERSEDED if corrects else None, sheets)
