"""The DOMAIN rule ids as a type, and the typed result of a rule that breaks (`Violation`).

Every service names a rule by `RuleId` (never by a string it wrote itself), and a pure domain decision
returns `Violation`s: the rule, the catalogue key of its message (`shared.messages`) and its parameters.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from types import MappingProxyType


class RuleId(StrEnum):
    """The numbered rules of `DOMAIN.md` (R-R1 ... R-I6)."""

    R_R1 = "R-R1"
    R_R2 = "R-R2"
    R_R3 = "R-R3"
    R_R4 = "R-R4"
    R_R5 = "R-R5"
    R_Q1 = "R-Q1"
    R_Q2 = "R-Q2"
    R_Q3 = "R-Q3"
    R_Q4 = "R-Q4"
    R_Q5 = "R-Q5"
    R_Q6 = "R-Q6"
    R_Q7 = "R-Q7"
    R_Q8 = "R-Q8"
    R_P1 = "R-P1"
    R_P2 = "R-P2"
    R_P3 = "R-P3"
    R_W1 = "R-W1"
    R_W2 = "R-W2"
    R_W3 = "R-W3"
    R_W4 = "R-W4"
    R_C1 = "R-C1"
    R_C2 = "R-C2"
    R_C3 = "R-C3"
    R_C4 = "R-C4"
    R_C5 = "R-C5"
    R_C6 = "R-C6"
    R_C7 = "R-C7"
    R_D1 = "R-D1"
    R_D2 = "R-D2"
    R_D3 = "R-D3"
    R_D4 = "R-D4"
    R_M1 = "R-M1"
    R_M2 = "R-M2"
    R_M3 = "R-M3"
    R_M4 = "R-M4"
    R_M5 = "R-M5"
    R_M6 = "R-M6"
    R_A1 = "R-A1"
    R_A2 = "R-A2"
    R_A3 = "R-A3"
    R_A4 = "R-A4"
    R_I1 = "R-I1"
    R_I2 = "R-I2"
    R_I3 = "R-I3"
    R_I4 = "R-I4"
    R_I5 = "R-I5"
    R_I6 = "R-I6"

    @classmethod
    def of_issue(cls, issue: str) -> "RuleId | None":
        """The rule a v1 compliance-issue line starts with ("R-C3: ..."), or None (an unknown form)."""
        head = issue.split(":", 1)[0].strip()
        try:
            return cls(head)
        except ValueError:
            return None


def _frozen(params: Mapping[str, object]) -> Mapping[str, object]:
    return MappingProxyType(dict(params))


@dataclass(frozen=True)
class Violation:
    """A rule broken: which rule, the message key of the catalogue and the message's parameters."""

    rule: RuleId
    message_key: str
    params: Mapping[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", _frozen(self.params))

    def __hash__(self) -> int:
        return hash((self.rule, self.message_key, tuple(sorted((k, str(v)) for k, v in self.params.items()))))


def in_force(versions: Iterable[tuple[int, date]], on: date) -> int | None:
    """Configuration in force on a date: the highest version whose effective date has come (or None)."""
    due = [version for version, effective_from in versions if effective_from <= on]
    return max(due) if due else None
