"""The registry of topics and event types: one place that says what travels where."""

from dataclasses import dataclass

from pydantic import BaseModel

from shared.contracts.appraisal import EvaluationReminded, GradeProposed, ResultFinalized
from shared.contracts.audit import (
    DepartureAuditOpened,
    DepartureCleared,
    FindingRaised,
    FindingResolved,
    SettingsChanged,
)
from shared.contracts.corebanking import BalanceReported, CustomerRated, ProfitPosted
from shared.contracts.credit import (
    CreditDecisionMade,
    CreditRecommendationAnswered,
    CreditRecommendationSubmitted,
    ReportSubmitted,
)
from shared.contracts.customer import (
    CustomerAssignmentChanged,
    CustomerClassified,
    CustomerComplianceChanged,
    CustomerIdentified,
    CustomerRegistered,
    DissatisfactionWarned,
    ManagerPortfolioPublished,
    VisitFiled,
)
from shared.contracts.expenses import ExpenseBudgetExceeded, ExpenseRecorded, ExpenseYearClosed
from shared.contracts.offices import OfficeChanged, StaffLoginLinked, StaffOfficeAssigned
from shared.contracts.staffing import (
    LadderPublished,
    ManagerCertificationExpired,
    ManagerCertificationExpiring,
    ManagerCertified,
    ManagerDeparted,
    ManagerDepartureRequested,
    ManagerDepartureWithdrawn,
    ManagerGradeChanged,
    ManagerRegistered,
    TeamChanged,
)


@dataclass(frozen=True)
class TopicSpec:
    """A topic, its owner and what its key is."""

    name: str
    owner: str
    key: str
    description: str
    external: bool = False


@dataclass(frozen=True)
class EventContract:
    """An event type: the topic it travels on, its payload model and schema version."""

    event_type: str
    topic: str
    payload: type[BaseModel]
    schema_version: int = 1


TOPICS: dict[str, TopicSpec] = {
    t.name: t
    for t in (
        TopicSpec("staffing.managers", "staffing", "manager_id", "CM lifecycle: roll, grades, departures"),
        TopicSpec("staffing.expenses", "staffing", "manager_id", "Marketing expenses and overspend"),
        TopicSpec("staffing.offices", "staffing", "office_id or user_id", "The office tree and who is where"),
        TopicSpec(
            "customer.customers",
            "customer",
            "customer_id or manager_id",
            "Customer files, assignments, portfolios",
        ),
        TopicSpec("customer.activities", "customer", "customer_id", "Visits, contacts, reports"),
        TopicSpec("customer.credit-recommendations", "customer", "customer_id", "Recommendations to risk"),
        TopicSpec("appraisal.results", "appraisal", "manager_id", "Finalized yearly appraisal results"),
        TopicSpec(
            "audit.cases",
            "audit",
            "manager_id or org_id",
            "Departure audits, spot checks, cooperative settings",
        ),
        TopicSpec("audit.findings", "audit", "customer_id", "Compliance findings"),
        TopicSpec(
            "corebanking.balances", "corebanking", "customer_id or external_id", "Balances", external=True
        ),
        TopicSpec(
            "corebanking.pnl", "corebanking", "customer_id or external_id", "Profit postings", external=True
        ),
        TopicSpec("risk.credit-decisions", "risk", "customer_id", "Credit decisions", external=True),
        TopicSpec("risk.customer-ratings", "risk", "customer_id", "Ratings and warnings", external=True),
    )
}

EVENT_TYPES: dict[str, EventContract] = {
    c.event_type: c
    for c in (
        EventContract("manager.registered", "staffing.managers", ManagerRegistered),
        EventContract("manager.departure-requested", "staffing.managers", ManagerDepartureRequested),
        EventContract("manager.departed", "staffing.managers", ManagerDeparted),
        EventContract("manager.departure-withdrawn", "staffing.managers", ManagerDepartureWithdrawn),
        EventContract("manager.certified", "staffing.managers", ManagerCertified),
        EventContract("manager.certification-expiring", "staffing.managers", ManagerCertificationExpiring),
        EventContract("manager.certification-expired", "staffing.managers", ManagerCertificationExpired),
        EventContract("manager.grade-changed", "staffing.managers", ManagerGradeChanged),
        EventContract("team.changed", "staffing.managers", TeamChanged),
        EventContract("ladder.published", "staffing.managers", LadderPublished),
        EventContract("office.changed", "staffing.offices", OfficeChanged),
        EventContract("office.staff-assigned", "staffing.offices", StaffOfficeAssigned),
        EventContract("staff.login-linked", "staffing.offices", StaffLoginLinked),
        EventContract("expense.recorded", "staffing.expenses", ExpenseRecorded),
        EventContract("expense.budget-exceeded", "staffing.expenses", ExpenseBudgetExceeded),
        EventContract("expense.year-closed", "staffing.expenses", ExpenseYearClosed),
        EventContract("appraisal.grade-proposed", "appraisal.results", GradeProposed),
        EventContract("appraisal.result-finalized", "appraisal.results", ResultFinalized),
        EventContract("appraisal.evaluation-reminded", "appraisal.results", EvaluationReminded),
        EventContract("report.submitted", "customer.activities", ReportSubmitted),
        EventContract("visit.filed", "customer.activities", VisitFiled),
        EventContract("customer.dissatisfaction-warned", "customer.activities", DissatisfactionWarned),
        EventContract(
            "credit-recommendation.submitted",
            "customer.credit-recommendations",
            CreditRecommendationSubmitted,
        ),
        EventContract(
            "credit-recommendation.answered", "customer.credit-recommendations", CreditRecommendationAnswered
        ),
        EventContract("credit-decision.made", "risk.credit-decisions", CreditDecisionMade),
        EventContract("balance.reported", "corebanking.balances", BalanceReported, schema_version=2),
        EventContract("profit.posted", "corebanking.pnl", ProfitPosted, schema_version=2),
        EventContract("customer.rated", "risk.customer-ratings", CustomerRated),
        EventContract("customer.registered", "customer.customers", CustomerRegistered),
        EventContract("manager.portfolio-published", "customer.customers", ManagerPortfolioPublished),
        EventContract("customer.assignment-changed", "customer.customers", CustomerAssignmentChanged),
        EventContract("customer.classified", "customer.customers", CustomerClassified),
        EventContract("customer.identified", "customer.customers", CustomerIdentified),
        EventContract(
            "customer.compliance-changed", "customer.customers", CustomerComplianceChanged, schema_version=2
        ),
        EventContract("audit.departure-audit-opened", "audit.cases", DepartureAuditOpened),
        EventContract("audit.departure-cleared", "audit.cases", DepartureCleared),
        EventContract("audit.finding-raised", "audit.findings", FindingRaised),
        EventContract("audit.finding-resolved", "audit.findings", FindingResolved),
        EventContract("audit.settings-changed", "audit.cases", SettingsChanged),
    )
}


def contract_for(event_type: str) -> EventContract:
    """Return the contract of an event type, or raise KeyError."""
    return EVENT_TYPES[event_type]


def dlq_topic(topic: str) -> str:
    """Name of the dead-letter topic of a topic."""
    return f"{topic}.dlq"
