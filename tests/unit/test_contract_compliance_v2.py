"""`customer.compliance-changed` v2: structured issues (rule id, message key, params); v1 stays readable."""

from datetime import date
from decimal import Decimal
from pathlib import Path

from services.customer.domain.assignment import GradeView, ManagerView, issue_line, team_violations
from services.customer.domain.classification import Classification, Size
from shared.contracts import EVENT_TYPES
from shared.contracts.customer import ComplianceViolation
from shared.envelope import parse_envelope
from shared.messages import CATALOGUE, render
from shared.rules import RuleId

ON = date(2026, 6, 1)  # the day a team is judged on (certifications run to 2027 in these tests)

CONTRACTS = Path(__file__).resolve().parents[2] / "docs" / "contracts"


def test_v2_is_published_and_the_v1_schema_and_example_are_kept():
    contract = EVENT_TYPES["customer.compliance-changed"]
    assert contract.schema_version == 2
    assert (CONTRACTS / "customer.compliance-changed.v1.schema.json").exists()
    v1 = parse_envelope((CONTRACTS / "examples" / "customer.compliance-changed.v1.json").read_bytes())
    assert v1.schema_version == 1
    assert contract.payload.model_validate(v1.payload).violations == ()
    v2 = parse_envelope((CONTRACTS / "examples" / "customer.compliance-changed.v2.json").read_bytes())
    (violation,) = contract.payload.model_validate(v2.payload).violations
    assert violation.rule is RuleId.R_C3
    assert violation.message_key in CATALOGUE


def test_customer_team_violations_are_typed_and_render_the_v1_lines_unchanged():
    trainee = ManagerView("m-t", "org", "active", None, "trainee")
    grades = {"trainee": GradeView("trainee", False, frozenset({"basic", "small"}))}
    found = team_violations(Classification(size=Size.MEDIUM), trainee, [], grades, Decimal("1000"), on=ON)
    assert [v.rule for v in found] == [RuleId.R_C3, RuleId.R_Q5]
    assert [issue_line(v) for v in found] == [
        "R-C3: needs two or more CMs with a named primary (medium customer)",
        "R-Q5: grade trainee of m-t may not serve medium",
    ]
    for v in found:
        payload = ComplianceViolation.of(v)
        assert payload.rule is v.rule
        assert render(payload.message_key, "zh-CN", payload.params)


def test_an_unknown_rule_id_is_read_as_no_rule():
    assert ComplianceViolation(rule_id="R-Z9", message_key="x").rule is None


def test_R_C2_a_core_customer_of_major_value_is_led_by_a_senior_primary_or_team_lead():
    senior, cm = (
        ManagerView("m-s", "org", "active", None, "senior"),
        ManagerView("m-c", "org", "active", None, "cm"),
    )
    grades = {
        "senior": GradeView("senior", True, frozenset({"basic", "core", "major_value"})),
        "cm": GradeView("cm", False, frozenset({"basic", "core", "major_value"})),
    }
    core = Classification(core=True, major_value=True)
    rules = [v.rule for v in team_violations(core, cm, [senior], grades, Decimal("1000"), on=ON)]
    assert rules == [RuleId.R_C2]
    assert team_violations(core, senior, [cm], grades, Decimal("1000"), on=ON) == []
    assert team_violations(core, cm, [senior], grades, Decimal("1000"), team_lead=senior, on=ON) == []
    assert team_violations(Classification(core=True), cm, [senior], grades, Decimal("1000"), on=ON) == []


def test_finding_9_negative_balances_fail_the_contract_and_the_fast_path_defers():
    import json

    import pytest
    from pydantic import ValidationError

    from shared.contracts.corebanking import BalanceReported
    from shared.wire import parse_balance
    from tests.support import envelope_bytes

    good = {"customer_id": "c-1", "deposit": "1.00", "loan": "2.00", "overdue": "0.00"}
    good["as_of"] = "2026-03-01T00:00:00+00:00"
    assert parse_balance(envelope_bytes("balance.reported", "c-1", good)) is not None
    for field in ("deposit", "loan", "overdue"):
        bad = {**good, field: "-0.01"}
        assert (
            parse_balance(envelope_bytes("balance.reported", "c-1", bad)) is None
        )  # the ordinary path decides
        with pytest.raises(ValidationError, match=f"the {field} balance is negative"):
            BalanceReported.model_validate(bad)
    assert json.loads(envelope_bytes("balance.reported", "c-1", good))["payload"] == good
    ahead = {**good, "as_of": "9999-12-31T23:00:00-05:00"}  # would hide every real report (newest wins)
    assert parse_balance(envelope_bytes("balance.reported", "c-1", ahead)) is None
    with pytest.raises(ValidationError, match="is in the future"):
        BalanceReported.model_validate(ahead)
