"""R-P1..R-P3: floating pay from profit (no cap, no floor), fixed pay by grade, overspend, pay in kind."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from shared.errors import Conflict, RuleViolation

FEN = Decimal("0.01")
ZERO = Decimal("0.00")
MONTHS = 12
RATE_PLACES = Decimal("0.000001")


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


@dataclass(frozen=True)
class GradeTime:
    """A grade held for some days of the year, with its floating rate and monthly fixed pay."""

    grade: str
    days: int
    floating_rate: Decimal
    monthly_fixed_pay: Decimal


@dataclass(frozen=True)
class YearTerms:
    """The rate and fixed pay of a CM's year, and how they follow from the grades held."""

    floating_rate: Decimal
    fixed_pay: Decimal
    rate_how: str
    fixed_how: str

    @classmethod
    def whole_year(cls, floating_rate: Decimal, monthly_fixed_pay: Decimal) -> "YearTerms":
        """One grade held all year."""
        fixed = (monthly_fixed_pay * MONTHS).quantize(FEN)
        return cls(floating_rate, fixed, "", f"fixed {monthly_fixed_pay} x {MONTHS} = {fixed}")


def year_terms(held: Sequence[GradeTime], days_in_year: int) -> YearTerms:
    """R-P1: the grades in force during the year, weighted by the days each was held.

    The floating rate is the day-weighted rate over the days a grade was held (profit is only made
    while on post); fixed pay is each grade's monthly pay for the share of the year it was held.
    """
    spans = [span for span in held if span.days > 0]
    if not spans:
        raise RuleViolation("appraisal.pay.no_grade")
    if len(spans) == 1 and spans[0].days >= days_in_year:
        return YearTerms.whole_year(spans[0].floating_rate, spans[0].monthly_fixed_pay)
    days = sum(span.days for span in spans)
    rate = (sum((span.floating_rate * span.days for span in spans), ZERO) / days).quantize(
        RATE_PLACES, rounding=ROUND_HALF_UP
    )
    fixed = sum(
        (span.monthly_fixed_pay * MONTHS * span.days / days_in_year for span in spans), ZERO
    ).quantize(FEN, rounding=ROUND_HALF_UP)
    parts = ", ".join(f"{span.grade} {span.days} days at {span.floating_rate}" for span in spans)
    monthly = ", ".join(f"{span.grade} {span.monthly_fixed_pay}/month" for span in spans)
    return YearTerms(
        rate,
        fixed,
        f"rate {rate} weighted by days held ({parts}); ",
        f"fixed for {days} of {days_in_year} days ({monthly}) = {fixed}",
    )


def pay_sheet(
    profit: Decimal,
    terms: YearTerms,
    overspend: Decimal,
    policy: LossPolicy,
    carried_loss_in: Decimal = ZERO,
) -> PaySheet:
    """R-P1/R-P2: floating = profit x rate with no cap; a loss pays nothing or is carried forward."""
    floating_rate = terms.floating_rate
    if carried_loss_in > 0:
        raise RuleViolation("appraisal.pay.carried_loss_positive")
    if overspend < 0:
        raise RuleViolation("appraisal.pay.overspend_negative")
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
    fixed = terms.fixed_pay
    net = fixed + floating - overspend
    if carried_in:
        how = f"profit {profit} with {carried_in} loss carried in; " + how
    how = terms.rate_how + how + f"; {terms.fixed_how}; overspend -{overspend}; net {net}"
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
        raise RuleViolation("appraisal.pay.in_kind_not_positive")
    paid = sum(already, ZERO)
    if paid + value > floating_pay:
        raise RuleViolation("appraisal.pay.in_kind_exceeds", in_kind=paid + value, floating_pay=floating_pay)


def pay_in_kind(
    finalized: bool, floating_pay: Decimal, already: Iterable[Decimal], value: Decimal
) -> Decimal:
    """R-P3: pay in kind only against a finalized sheet, within its floating pay; the value recorded."""
    if not finalized:
        raise Conflict("appraisal.pay.in_kind_not_final")
    check_in_kind(floating_pay, already, value)
    return value


def in_cash(floating_pay: Decimal, in_kind: Iterable[Decimal]) -> Decimal:
    """R-P3: the floating pay still due in cash once what was paid in kind is deducted."""
    return floating_pay - sum(in_kind, ZERO)
