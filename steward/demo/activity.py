"""The year the demo simulates, planned up front from the seed: profit, core banking, visits, expenses,
credit and evaluations (pure, no I/O; the same seed always plans the same year)."""

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_CEILING, Decimal

from services.customer.domain.classification import CustomerKind, Size
from steward.demo.plan import LOW, MIDDLE, TOP, Cooperative, CustomerPlan, ManagerPlan

FEN = Decimal("0.01")
INTERVALS = {"core": 30, "important": 60, "ordinary": 90}
PROFIT = {  # yuan a year, before the primary CM's talent
    (CustomerKind.FARM_HOUSEHOLD, False): (2_000, 12_000),
    (CustomerKind.INDIVIDUAL, False): (1_000, 8_000),
    (CustomerKind.INDIVIDUAL, True): (20_000, 60_000),
    (CustomerKind.CORPORATE, Size.SMALL): (20_000, 80_000),
    (CustomerKind.CORPORATE, Size.MEDIUM): (120_000, 350_000),
    (CustomerKind.CORPORATE, Size.LARGE): (400_000, 1_200_000),
    (CustomerKind.INSTITUTIONAL, Size.MEDIUM): (80_000, 300_000),
    (CustomerKind.INSTITUTIONAL, Size.LARGE): (300_000, 900_000),
}
PRODUCTS = {
    CustomerKind.FARM_HOUSEHOLD: ("loans", "deposits", "cards"),
    CustomerKind.INDIVIDUAL: ("deposits", "cards", "wealth"),
    CustomerKind.CORPORATE: ("loans", "deposits", "payment_agency"),
    CustomerKind.INSTITUTIONAL: ("deposits", "payment_agency", "loans"),
}
SCORE_BANDS = {  # (story or tier) -> source -> (low, high); kept inside the default ladder's standards
    "rising": {"self": (88, 94), "supervisor": (90, 95), "customer": (88, 94)},
    "slipping": {"self": (76, 82), "supervisor": (52, 58), "customer": (58, 64)},
    TOP: {"self": (84, 92), "supervisor": (82, 90), "customer": (82, 90)},
    MIDDLE: {"self": (78, 86), "supervisor": (74, 82), "customer": (75, 83)},
    LOW: {"self": (68, 76), "supervisor": (62, 70), "customer": (64, 72)},
}


def _rng(seed: int, *parts: object) -> random.Random:
    return random.Random(":".join(str(p) for p in (seed, *parts)))  # noqa: S311 - reproducible simulation


def _range(c: CustomerPlan) -> tuple[int, int]:
    if c.kind in (CustomerKind.FARM_HOUSEHOLD, CustomerKind.INDIVIDUAL):
        return PROFIT[(c.kind, c.classification.investment_needs and c.kind is CustomerKind.INDIVIDUAL)]
    return PROFIT.get((c.kind, c.classification.size or Size.SMALL), (20_000, 80_000))


def expected_profit(coop: Cooperative) -> dict[str, int]:
    """R-A2/R-A4 as the plan expects it, in fen: shares to CMs, pools split the way each lead splits them."""
    result: dict[str, int] = defaultdict(int)
    pools: dict[str, int] = defaultdict(int)
    for c in coop.customers:
        if c.pooled:
            pools[str(c.team)] += c.profit_fen
        elif c.shares:
            for key, share in c.shares.items():
                result[key] += int(c.profit_fen * share / 100)
        else:
            result[c.primary] += c.profit_fen
    for team_key, fen in pools.items():
        for key, part in coop.teams[team_key].split().items():
            result[key] += int(fen * part)
    return result


def _floor(coop: Cooperative, m: ManagerPlan) -> Decimal:
    if m.story == "departing":
        return Decimal(0)
    if m.story == "rising":
        above = coop.grades[TOP if m.tier == MIDDLE else MIDDLE]
        return above.reach_profit * Decimal("1.15")
    return m.grade.keep_profit * Decimal("1.10")


def _held(coop: Cooperative, m: ManagerPlan, c: CustomerPlan) -> Decimal:
    """The fraction of a customer's profit a CM ends up with (R-A4 shares, or the lead's part of a pool)."""
    if c.pooled:
        return coop.teams[str(c.team)].split().get(m.key, Decimal(0))
    if c.shares:
        return c.shares.get(m.key, Decimal(0)) / 100
    return Decimal(1) if c.primary == m.key else Decimal(0)


def plan_profits(coop: Cooperative) -> None:
    """Each customer's profit of the year; a CM below their standard gets busier customers (the score is
    what sets the one CM who slips apart)."""
    for c in coop.customers:
        low, high = _range(c)
        yuan = _rng(coop.seed, "profit", c.key).uniform(low, high) * coop.managers[c.primary].talent
        c.profit_fen = int(yuan * (0.6 if c.arrears else 1.0) * 100)
    for m in coop.managers.values():
        want = int(_floor(coop, m) * 100)
        own = [c for c in coop.customers if c.primary == m.key]
        for _ in range(5):
            got = expected_profit(coop).get(m.key, 0)
            weighted = sum(c.profit_fen * _held(coop, m, c) for c in own)
            if got >= want or weighted <= 0:
                break
            factor = 1 + Decimal(want - got) / weighted * Decimal("1.02")
            for c in own:  # scaling a customer lifts every CM who holds part of it: nobody falls below
                c.profit_fen = int((c.profit_fen * factor).to_integral_value(ROUND_CEILING))


@dataclass(frozen=True)
class Posting:
    """R-A2: one profit posting of a customer for a period and product."""

    period: str
    product: str
    amount: Decimal
    posted_on: date


def postings(c: CustomerPlan, year: int, seed: int) -> list[Posting]:
    """Monthly postings for corporate and institutional customers, quarterly for households and persons."""
    rng = _rng(seed, "postings", c.key)
    monthly = c.kind in (CustomerKind.CORPORATE, CustomerKind.INSTITUTIONAL)
    months = list(range(1, 13)) if monthly else [3, 6, 9, 12]
    provision = c.profit_fen // 10 if c.arrears else 0
    weights = [rng.uniform(0.7, 1.3) for _ in months]
    total = c.profit_fen + provision
    parts = [int(total * w / sum(weights)) for w in weights]
    parts[-1] += total - sum(parts)
    result = []
    for month, fen in zip(months, parts, strict=True):
        product = rng.choice(PRODUCTS[c.kind])
        result.append(Posting(f"{year}-{month:02d}", product, Decimal(fen) / 100, _month_end(year, month)))
    if provision:
        result.append(
            Posting(f"{year}-12", "loan-loss-provision", Decimal(-provision) / 100, date(year, 12, 31))
        )
    return result


def _month_end(year: int, month: int) -> date:
    return (date(year + month // 12, month % 12 + 1, 1)) - timedelta(days=1)


@dataclass(frozen=True)
class Balance:
    """R-C5: a customer's balances at core banking at a quarter's end."""

    as_of: datetime
    deposit: Decimal
    loan: Decimal
    overdue: Decimal


def balances(c: CustomerPlan, year: int, seed: int) -> list[Balance]:
    """Quarter-end balances of businesses and of customers in arrears (who fall behind in the second half),
    the year-end balance of other households and persons."""
    rng = _rng(seed, "balances", c.key)
    yearly = Decimal(max(c.profit_fen, 100_000)) / 100
    borrows = c.kind in (CustomerKind.CORPORATE, CustomerKind.FARM_HOUSEHOLD) or c.arrears
    business = c.kind in (CustomerKind.CORPORATE, CustomerKind.INSTITUTIONAL)
    result = []
    for month in (3, 6, 9, 12) if business or c.arrears else (12,):
        deposit = (yearly * Decimal(str(round(rng.uniform(4, 12), 2)))).quantize(FEN)
        loan = (
            (yearly * Decimal(str(round(rng.uniform(3, 15), 2)))).quantize(FEN)
            if borrows
            else Decimal("0.00")
        )
        overdue = (loan * Decimal("0.08")).quantize(FEN) if c.arrears and month >= 9 else Decimal("0.00")
        at = datetime.combine(_month_end(year, month), time(15, 0), tzinfo=UTC)
        result.append(Balance(at, deposit, loan, overdue))
    return result


@dataclass(frozen=True)
class Visit:
    """A visit or phone contact the primary CM files right after it (R-M1..R-M3, R-D2, R-D3)."""

    kind: str
    at: datetime
    satisfaction: int | None


def visits(c: CustomerPlan, year: int, today: date, seed: int) -> list[Visit]:
    """R-M4: visits by importance through the year, and the latest round within each customer's interval.

    They are in filing order: the latest round first, so that no deadline sweep running meanwhile sees a
    customer whose history is in but whose latest visit is not (R-M4). An unhappy customer's low scores
    take the rolling satisfaction below the threshold on the first report (R-M5).
    """
    rng = _rng(seed, "visits", c.key)
    months = {"core": [2, 5, 8, 11], "important": [4, 10]}.get(c.importance, [])
    calls = {"core": [3, 9], "important": [7]}.get(c.importance, [])
    if not months and (c.neglected or c.unhappy or c.classification.first_development or rng.random() < 0.3):
        months = [rng.randrange(2, 12)]
    if c.unhappy and len(months) < 2:
        months = [5, 10]
    if not calls and rng.random() < 0.1:
        calls = [rng.randrange(1, 13)]
    scores = [2 if c.unhappy and i else rng.choice((3, 4, 4, 5, 5)) for i in range(len(months))]
    if c.unhappy:
        scores[0] = 3
    history = [
        Visit(
            "sales" if i == 0 and c.classification.first_development else "maintenance", _day(year, m, rng), s
        )
        for i, (m, s) in enumerate(zip(months, scores, strict=True))
    ] + [Visit("phone", _day(year, m, rng), None) for m in calls]
    history.sort(key=lambda v: v.at)
    if c.neglected:  # seen early in the year and not since: overdue by any interval (R-M4)
        return [v for v in history if v.at.month <= 6] or [Visit("maintenance", _day(year, 4, rng), 4)]
    back = rng.randrange(3, max(4, INTERVALS[c.importance] // 2))
    latest = Visit(
        "maintenance",
        datetime.combine(today - timedelta(days=back), time(2, 30), tzinfo=UTC),
        2 if c.unhappy else rng.choice((4, 5)),
    )
    return [latest, *history]


def _day(year: int, month: int, rng: random.Random) -> datetime:
    return datetime(year, month, rng.randrange(1, 28), rng.randrange(1, 9), 0, tzinfo=UTC)


@dataclass(frozen=True)
class Expense:
    """R-P2: a marketing expense a CM records against their grade's budget."""

    category: str
    amount: Decimal
    spent_on: date
    on_customer: bool


def overspends(m: ManagerPlan, index: int) -> bool:
    """Who goes over budget this year: the slipping CM and one CM in six."""
    return m.story == "slipping" or (index % 6 == 3 and m.story != "departing")


def expenses(m: ManagerPlan, index: int, year: int, seed: int) -> list[Expense]:
    """A year of marketing expenses per category; an overspender goes over its yearly total (R-P2)."""
    rng = _rng(seed, "expenses", m.key)
    result = []
    for category, budget in sorted(m.grade.budget.items()):
        if budget <= 0:
            continue
        over = overspends(m, index)
        spent = budget * Decimal(str(round(rng.uniform(1.12, 1.35) if over else rng.uniform(0.45, 0.9), 3)))
        count = rng.randrange(1, 4)
        parts = [(spent / count).quantize(FEN) for _ in range(count)]
        parts[-1] += spent.quantize(FEN) - sum(parts)
        for amount in parts:
            day = date(year, rng.randrange(1, 13), rng.randrange(1, 28))
            result.append(Expense(category, amount, day, category in ("entertainment", "gifts")))
    return sorted(result, key=lambda e: e.spent_on)


@dataclass(frozen=True)
class Recommendation:
    """R-R2: credit a CM recommends for a customer they serve; risk decides."""

    customer: str
    author: str
    amount: Decimal
    cosigner: str | None = None


def recommendations(coop: Cooperative) -> list[Recommendation]:
    """One recommendation per CM on a customer of theirs, team credit above a trainee's limit, arrears."""
    rng = _rng(coop.seed, "credit")
    result: list[Recommendation] = []
    bands = {LOW: (60_000, 180_000), MIDDLE: (300_000, 900_000), TOP: (1_500_000, 3_500_000)}
    for m in coop.managers.values():
        own = [c for c in coop.customers if c.primary == m.key and not c.pooled and not c.arrears]
        if m.story == "departing" or not own:
            continue
        low, high = bands[m.tier]
        amount = min(Decimal(rng.randrange(low, high, 10_000)), m.grade.limit)
        result.append(Recommendation(rng.choice(own).key, m.key, amount))
    for team in coop.teams.values():
        trainee = next((k for k in team.members if coop.managers[k].tier == LOW), None)
        pooled = [c for c in coop.customers if c.team == team.key]
        if trainee is not None and pooled:
            amount = (coop.managers[trainee].grade.limit * Decimal("1.5")).quantize(Decimal(1))
            result.append(Recommendation(pooled[0].key, trainee, amount, cosigner=team.lead))
    for c in [c for c in coop.customers if c.arrears and coop.managers[c.primary].story != "departing"][:2]:
        result.append(Recommendation(c.key, c.primary, Decimal("100000")))
    return result


def evaluation(seed: int, m: ManagerPlan, source: str, index: int = 0) -> dict[str, Decimal]:
    """R-A3: the three criteria of one evaluation, around the CM's band for that source."""
    low, high = SCORE_BANDS[m.story if m.story in ("rising", "slipping") else m.tier][source]
    target = _rng(seed, "score", m.key, source, index).randrange(low, high + 1)
    return {
        "performance": Decimal(min(100, target + 1)),
        "ability": Decimal(max(0, target - 1)),
        "quality": Decimal(target),
    }
