"""R-P1..R-P3: floating pay from profit (no cap, no floor), fixed pay by grade, overspend, pay in kind."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from shared.errors import RuleViolation

FEN = Decimal("0.01")
ZERO = Decimal("0.00")
MONTHS = 12


class LossPolicy(StrEnum):
    """What a year's loss does to floating pay (the cooperative chooses)."""

    ZERO = "zero"
    CARRY_FORWARD = "carry_forward"


@dataclass(frozen=True)
class PaySheet:
    """Every component of a CM's yearly pay and how it was reached."""

    attributed_profit: Decimal
    carried_loss_in: Decimal
    pay_base: Decimal
    floating_rate: Decimal
    floating_pay: Decimal
    carried_loss_out: Decimal
    fixed_pay: Decimal
    overspend: Decimal
    net_pay: Decimal
    explanation: str


def pay_sheet(
    profit: Decimal,
    floating_rate: Decimal,
    monthly_fixed_pay: Decimal,
    overspend: Decimal,
    policy: LossPolicy,
    carried_loss_in: Decimal = ZERO,
) -> PaySheet:
    """R-P1/R-P2: floating = profit x rate with no cap; a loss pays nothing or is carried forward."""
    if carried_loss_in > 0:
        raise RuleViolation("a carried loss is zero or negative")
    if overspend < 0:
        raise RuleViolation("an overspend is zero or positive")
    carried_in = carried_loss_in if policy is LossPolicy.CARRY_FORWARD else ZERO
    base = profit + carried_in
    if base > 0:
        floating = (base * floating_rate).quantize(FEN, rounding=ROUND_HALF_UP)
        carried_out = ZERO
        how = f"floating {base} x {floating_rate} = {floating}"
    else:
        floating = ZERO
        carried_out = base if policy is LossPolicy.CARRY_FORWARD else ZERO
        how = f"profit base {base} is not positive: no floating pay"
        if carried_out < 0:
            how += f"; {carried_out} carried to next year"
    fixed = (monthly_fixed_pay * MONTHS).quantize(FEN)
    net = fixed + floating - overspend
    if carried_in:
        how = f"profit {profit} with {carried_in} loss carried in; " + how
    how += f"; fixed {monthly_fixed_pay} x {MONTHS} = {fixed}; overspend -{overspend}; net {net}"
    return PaySheet(
        attributed_profit=profit,
        carried_loss_in=carried_in,
        pay_base=base,
        floating_rate=floating_rate,
        floating_pay=floating,
        carried_loss_out=carried_out,
        fixed_pay=fixed,
        overspend=overspend,
        net_pay=net,
        explanation=how,
    )


def check_in_kind(floating_pay: Decimal, already: Iterable[Decimal], value: Decimal) -> None:
    """R-P3: pay in kind is recorded at its value and cannot exceed the floating pay due."""
    if value <= 0:
        raise RuleViolation("pay in kind is recorded with a positive value")
    paid = sum(already, ZERO)
    if paid + value > floating_pay:
        raise RuleViolation(
            f"pay in kind {paid + value} would exceed the floating pay of {floating_pay} (R-P3)"
        )
