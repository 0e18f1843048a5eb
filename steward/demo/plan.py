"""The cooperative the demo seeds: CMs, teams and customers with who serves them (pure, seeded, no I/O).

Assignments follow the customer service's own rules (R-C1 senior, R-C3 two with a primary, R-Q5 grade
classes), so every team the plan proposes is accepted; the one refusal the demo shows is deliberate.
"""

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from services.customer.domain.classification import (
    Classification,
    CustomerKind,
    Size,
    customer_classes,
    needs_senior,
    needs_two_managers,
)

FAMILIES = ("Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Zhao", "Huang", "Zhou", "Wu", "Xu", "Sun")
GIVEN = ("Wei", "Fang", "Min", "Jing", "Lei", "Qiang", "Yan", "Jun", "Hui", "Ping", "Gang", "Xia", "Tao")
PLACES = ("Hillside", "Riverside", "Green Valley", "Red Earth", "Three Springs", "East Lake", "Willow Bend")
TRADES = ("Feed Mill", "Agri-Machinery Co.", "Tea Garden", "Pig Farm", "Fruit Packers", "Brick Works")
BODIES = ("Township Office", "Middle School", "Health Center", "Water Authority", "Village Committee")
BRANCHES = ("north", "south", "east", "west")
TOP, MIDDLE, LOW = "top", "middle", "low"


@dataclass(frozen=True)
class Grade:
    """What the demo needs of a rung of the ladder in force for the year."""

    code: str
    tier: str
    may_lead_teams: bool
    classes: frozenset[str]
    budget: dict[str, Decimal]
    limit: Decimal
    keep_score: Decimal
    keep_profit: Decimal
    reach_score: Decimal
    reach_profit: Decimal
    products: tuple[str, ...] = ()  # R-Q5: what the grade may market (none listed: every product)

    def credit_product(self) -> str:
        """R-Q5: the credit product a CM of this grade recommends: loans, else a credit line it may market."""
        if not self.products or "loans" in self.products:
            return "loans"
        return "cards" if "cards" in self.products else self.products[0]


def grades_from_ladder(ladder: dict[str, Any]) -> dict[str, Grade]:
    """Top, middle and lowest grade of the ladder (GET /ladder), keyed by tier."""
    ordered = sorted(ladder["grades"], key=lambda g: (g["rank"], g["level"]))
    if len(ordered) < 3 or not ordered[0]["may_lead_teams"]:
        raise ValueError("the demo needs a ladder of at least three grades whose highest may lead teams")
    picked = {TOP: ordered[0], MIDDLE: ordered[1], LOW: ordered[-1]}
    return {
        tier: Grade(
            code=g["code"],
            tier=tier,
            may_lead_teams=g["may_lead_teams"],
            classes=frozenset(g["customer_classes"]),
            budget={k: Decimal(str(v)) for k, v in g["expense_budget"].items()},
            limit=Decimal(str(g["authorization_limit"])),
            keep_score=Decimal(str(g["keep_standard"]["min_score"])),
            keep_profit=Decimal(str(g["keep_standard"]["min_profit"])),
            reach_score=Decimal(str(g["reach_standard"]["min_score"])),
            reach_profit=Decimal(str(g["reach_standard"]["min_profit"])),
            products=tuple(g.get("products") or ()),
        )
        for tier, g in picked.items()
    }


@dataclass
class ManagerPlan:
    """A CM of the demo cooperative; `story` marks the ones the year is about."""

    key: str
    employee_no: str
    name: str
    grade: Grade
    branch: str
    talent: float
    story: str = ""
    id: str = ""

    @property
    def tier(self) -> str:
        """Top, middle or low rung."""
        return self.grade.tier


@dataclass
class TeamPlan:
    """R-C2: a team led by a top-grade CM; the lead's split of the pool is fixed by the plan."""

    key: str
    name: str
    lead: str
    members: list[str]
    id: str = ""

    def split(self) -> dict[str, Decimal]:
        """R-A4: the lead keeps half of the pool; the members share the rest equally."""
        others = Decimal("0.5") / len(self.members) if self.members else Decimal(0)
        return {self.lead: Decimal("1") - others * len(self.members), **{m: others for m in self.members}}


@dataclass
class CustomerPlan:
    """A customer file: roster, classification, who serves it, and its year at core banking."""

    key: str
    name: str
    kind: CustomerKind
    branch: str
    importance: str
    classification: Classification
    primary: str = ""
    co: list[str] = field(default_factory=list)
    team: str | None = None
    shares: dict[str, Decimal] = field(default_factory=dict)
    profit_fen: int = 0
    story: str = ""
    neglected: bool = False
    unhappy: bool = False
    arrears: bool = False
    id: str = ""

    @property
    def classes(self) -> frozenset[str]:
        """R-Q5 classes this customer falls in."""
        return customer_classes(self.classification)

    @property
    def pooled(self) -> bool:
        """R-A4: the profit goes to the team's pool."""
        return self.team is not None

    def classification_json(self) -> dict[str, Any]:
        """The classification as the customer API takes it."""
        c = self.classification
        return {
            **{k: getattr(c, k) for k in ("core", "major_value", "complex_needs", "investment_needs")},
            **{k: getattr(c, k) for k in ("first_development", "risk_business", "potential_risk")},
            "new_product_user": c.new_product_user,
            "control_requested": c.control_requested,
            "size": c.size.value if c.size else None,
            "risk_amount": str(c.risk_amount),
            "abnormal": c.abnormal.value,
        }


@dataclass
class Cooperative:
    """Everything the demo seeds, before any id is known."""

    seed: int
    grades: dict[str, Grade]
    branches: tuple[str, ...]
    managers: dict[str, ManagerPlan]
    teams: dict[str, TeamPlan]
    customers: list[CustomerPlan]

    def by_story(self, story: str) -> ManagerPlan:
        """The CM playing a part of the year's story."""
        return next(m for m in self.managers.values() if m.story == story)

    def of_tier(self, tier: str) -> list[ManagerPlan]:
        """CMs of one rung, in plan order."""
        return [m for m in self.managers.values() if m.tier == tier]

    def showcase(self, story: str) -> CustomerPlan:
        """The customer set up to show one rule."""
        return next(c for c in self.customers if c.story == story)

    def team_of_lead(self, lead: str) -> TeamPlan | None:
        """The team a CM leads, if any."""
        return next((t for t in self.teams.values() if t.lead == lead), None)


def _sizes(n: int) -> tuple[int, int, int]:
    top = max(2, round(n * 0.2))
    low = max(3, round(n * 0.3))
    return top, n - top - low, low


def plan_managers(
    rng: random.Random, n: int, grades: dict[str, Grade], branches: Sequence[str]
) -> dict[str, ManagerPlan]:
    """R-Q3: the CMs over three grades and the branches; who rises, who slips, who leaves."""
    tops, middles, lows = _sizes(n)
    tiers = [TOP] * tops + [MIDDLE] * middles + [LOW] * lows
    managers: dict[str, ManagerPlan] = {}
    for i, tier in enumerate(tiers):
        key = f"m{i + 1:03d}"
        name = f"{rng.choice(FAMILIES)} {rng.choice(GIVEN)}"
        branch = branches[i % len(branches)]
        talent = round(rng.uniform(0.85, 1.2), 3)
        managers[key] = ManagerPlan(key, f"E{i + 1:04d}", name, grades[tier], branch, talent)
    by_tier = {t: [m for m in managers.values() if m.tier == t] for t in (TOP, MIDDLE, LOW)}
    by_tier[MIDDLE][0].story, by_tier[MIDDLE][-1].story = "rising", "slipping"
    by_tier[LOW][0].story, by_tier[LOW][-1].story = "rising", "departing"
    return managers


def plan_teams(managers: dict[str, ManagerPlan]) -> dict[str, TeamPlan]:
    """R-C2: half the top-grade CMs lead a team of a middle and a low CM without a part in the story."""
    tops = [m for m in managers.values() if m.tier == TOP]
    middles = [m for m in managers.values() if m.tier == MIDDLE and not m.story]
    lows = [m for m in managers.values() if m.tier == LOW and not m.story]
    teams: dict[str, TeamPlan] = {}
    for i, lead in enumerate(tops[: max(1, len(tops) // 2)]):
        members = [pool[i % len(pool)].key for pool in (middles, lows) if pool]
        key = f"t{i + 1}"
        teams[key] = TeamPlan(key, f"{lead.branch.title()} key accounts {i + 1}", lead.key, members)
    return teams


def _classification(rng: random.Random, kind: CustomerKind) -> Classification:
    roll = rng.random()
    if kind in (CustomerKind.FARM_HOUSEHOLD, CustomerKind.INDIVIDUAL):
        if kind is CustomerKind.INDIVIDUAL and roll < 0.04:
            return Classification(size=Size.SMALL, investment_needs=True)
        if roll < 0.10:
            return Classification(size=Size.SMALL, new_product_user=True)
        if roll < 0.12:
            return Classification(size=Size.SMALL, risk_business=True, risk_amount=Decimal("150000"))
        return Classification(size=Size.SMALL)
    if kind is CustomerKind.INSTITUTIONAL:
        size = Size.LARGE if rng.random() < 0.4 else Size.MEDIUM
        return Classification(size=size, complex_needs=roll < 0.4, core=0.4 <= roll < 0.6)
    size = rng.choices((Size.SMALL, Size.MEDIUM, Size.LARGE), (50, 30, 20))[0]
    if size is Size.LARGE and roll < 0.3:
        return Classification(
            size=size, risk_business=True, risk_amount=Decimal(rng.randrange(12, 40) * 100_000)
        )
    if size is Size.MEDIUM and roll < 0.25:
        return Classification(
            size=size, risk_business=True, risk_amount=Decimal(rng.randrange(2, 9) * 100_000)
        )
    return Classification(size=size, first_development=size is Size.MEDIUM and roll > 0.85)


def _importance(c: Classification) -> str:
    if c.core:
        return "core"
    big = c.size in (Size.MEDIUM, Size.LARGE)
    return "important" if big or c.major_value or c.complex_needs or c.investment_needs else "ordinary"


def _name(rng: random.Random, kind: CustomerKind, index: int) -> str:
    if kind is CustomerKind.FARM_HOUSEHOLD:
        return f"{rng.choice(FAMILIES)} family farm ({index})"
    if kind is CustomerKind.INDIVIDUAL:
        return f"{rng.choice(FAMILIES)} {rng.choice(GIVEN)} ({index})"
    if kind is CustomerKind.INSTITUTIONAL:
        return f"{rng.choice(PLACES)} {rng.choice(BODIES)} ({index})"
    return f"{rng.choice(PLACES)} {rng.choice(TRADES)} ({index})"


def _showcase(teams: dict[str, TeamPlan], managers: dict[str, ManagerPlan]) -> list[CustomerPlan]:
    """Customers set up to show R-A4 pools, R-C3 with shares and its refusal, R-C1, R-Q5 after promotion."""
    core = Classification(size=Size.LARGE, core=True, major_value=True)
    risky = Classification(size=Size.LARGE, risk_business=True, risk_amount=Decimal("2500000"))
    shown = [
        CustomerPlan("", f"{PLACES[i % len(PLACES)]} Food Processing Group", CustomerKind.CORPORATE,
                     managers[t.lead].branch, "core", core, team=t.key, story=f"team-{t.key}")
        for i, t in enumerate(teams.values())
    ]  # fmt: skip
    for name, kind, c, story in (
        (
            "Riverside Agri-Machinery Co.",
            CustomerKind.CORPORATE,
            Classification(size=Size.MEDIUM),
            "two-managers",
        ),
        (
            "Chen Hui (investor)",
            CustomerKind.INDIVIDUAL,
            Classification(investment_needs=True),
            "senior-only",
        ),
        ("Three Springs Cold Chain Ltd.", CustomerKind.CORPORATE, risky, "large-risk"),
    ):
        shown.append(CustomerPlan("", name, kind, "", _importance(c), c, story=story))
    return shown


class Assigner:
    """Picks who serves each customer by the service's rules, spreading load over each branch."""

    def __init__(self, managers: dict[str, ManagerPlan], teams: dict[str, TeamPlan], threshold: Decimal):
        self.managers, self.teams, self.threshold = managers, teams, threshold
        self.load: dict[str, int] = dict.fromkeys(managers, 0)

    def _pick(self, branch: str, ok: Iterable[ManagerPlan], avoid: Sequence[str] = ()) -> ManagerPlan:
        fits = [m for m in ok if m.key not in avoid]
        local = [m for m in fits if m.branch == branch] or fits
        chosen = min(local, key=lambda m: (self.load[m.key], m.key))
        self.load[chosen.key] += 1
        return chosen

    def _covers(self, m: ManagerPlan, classes: frozenset[str]) -> bool:
        return classes <= m.grade.classes

    def assign(self, c: CustomerPlan) -> None:
        """Primary, co-managers, team and shares for one customer."""
        everyone = list(self.managers.values())
        below_top = [m for m in everyone if m.tier != TOP and self._covers(m, c.classes)]
        two = bool(needs_two_managers(c.classification))
        big = c.classification.size is Size.LARGE  # R-M6: the most valuable customers get senior CMs
        if c.team is not None:
            team = self.teams[c.team]
            c.primary, c.co = team.lead, list(team.members)
            self.load[team.lead] += 1
        elif needs_senior(c.classification, self.threshold) or not below_top or big:
            leads = [m for m in everyone if m.grade.may_lead_teams and self._covers(m, c.classes)]
            c.primary = self._pick(c.branch, leads).key
            if two:  # a senior on the team mentors the co-manager (R-Q5)
                helpers = [m for m in everyone if m.tier == MIDDLE]
                c.co = [self._pick(c.branch, helpers, [c.primary]).key]
                c.shares = {c.primary: Decimal("70"), c.co[0]: Decimal("30")}
        elif two:
            able = [m for m in below_top if m.story != "departing"]
            c.primary = self._pick(c.branch, able).key
            c.co = [self._pick(c.branch, able, [c.primary]).key]
            c.shares = {c.primary: Decimal("60"), c.co[0]: Decimal("40")}
        else:
            c.primary = self._pick(c.branch, below_top).key
        c.branch = self.managers[c.primary].branch


def plan_customers(
    rng: random.Random,
    n: int,
    managers: dict[str, ManagerPlan],
    teams: dict[str, TeamPlan],
    branches: Sequence[str],
    threshold: Decimal,
) -> list[CustomerPlan]:
    """R-C4 customers of every kind, classified so that R-C1 and R-C3 apply to some, and who serves them."""
    assigner = Assigner(managers, teams, threshold)
    customers = _showcase(teams, managers)
    kinds = (
        CustomerKind.FARM_HOUSEHOLD,
        CustomerKind.INDIVIDUAL,
        CustomerKind.CORPORATE,
        CustomerKind.INSTITUTIONAL,
    )
    while len(customers) < n:
        kind = rng.choices(kinds, (45, 35, 15, 5))[0]
        drawn = _classification(rng, kind)
        name = _name(rng, kind, len(customers) + 1)
        customers.append(CustomerPlan("", name, kind, rng.choice(branches), _importance(drawn), drawn))
    for i, customer in enumerate(customers):
        customer.key = f"c{i + 1:05d}"
        customer.branch = customer.branch or rng.choice(branches)
        assigner.assign(customer)
    regular = [c for c in customers if not c.story and c.team is None]
    for c in rng.sample(regular, max(1, len(regular) // 25)):
        c.neglected = True
    for c in rng.sample([c for c in regular if not c.neglected], max(1, len(regular) // 50)):
        c.unhappy = True
    loans = [c for c in regular if c.kind in (CustomerKind.FARM_HOUSEHOLD, CustomerKind.CORPORATE)]
    for c in rng.sample(loans, max(1, len(loans) // 50)):
        c.arrears = True
    return customers


def plan_cooperative(
    seed: int, n_managers: int, n_customers: int, grades: dict[str, Grade], threshold: Decimal
) -> Cooperative:
    """The whole cooperative for a seed: the same seed always plans the same cooperative."""
    if n_managers < 8:
        raise ValueError("the demo needs at least 8 CMs (three grades and a part for each in the story)")
    rng = random.Random(seed)  # noqa: S311 - a reproducible simulation, not secrecy
    branches = BRANCHES[: max(2, min(len(BRANCHES), n_managers // 10))]
    managers = plan_managers(rng, n_managers, grades, branches)
    teams = plan_teams(managers)
    minimum = len(teams) + 3 + 2
    if n_customers < max(minimum, 4 * n_managers):
        raise ValueError(
            f"the demo needs at least {max(minimum, 4 * n_managers)} customers for {n_managers} CMs"
        )
    customers = plan_customers(rng, n_customers, managers, teams, branches, threshold)
    return Cooperative(seed, grades, tuple(branches), managers, teams, customers)
