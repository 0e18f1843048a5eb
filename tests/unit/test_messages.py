"""The message catalogue: every key in en and zh-CN with the same parameters, every raise site using one."""

import ast
from datetime import date
from pathlib import Path

import pytest

from shared.errors import Conflict, NotFound, RuleViolation
from shared.messages import CATALOGUE, MAX_ECHO, RULE_ID, fields, language_of, render, show
from shared.messages.http import PROBLEM_CODES
from shared.messages.issues import ComplianceIssue

ON = date(2026, 6, 1)  # the day a team is judged on (certifications run to 2027 in these tests)

ROOT = Path(__file__).resolve().parents[2]
KINDS = {"RuleViolation", "NotFound", "Forbidden", "Conflict", "DomainError"}


def _raise_sites() -> list[tuple[str, ast.Call]]:
    sites = []
    for path in sorted((ROOT / "services").rglob("*.py")):
        if not {"domain", "service"} & set(path.parts):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in KINDS:
                sites.append((f"{path.relative_to(ROOT)}:{node.lineno}", node))
    return sites


def test_every_key_has_en_and_zh_cn_with_the_same_parameters():
    for key, (en, zh) in CATALOGUE.items():
        assert en.strip(), key
        assert zh.strip(), key
        assert fields(en) == fields(zh), f"{key}: en {fields(en)} zh-CN {fields(zh)}"


def test_every_zh_cn_text_is_chinese_and_names_the_same_rules():
    for key, (en, zh) in CATALOGUE.items():
        if en.startswith("{") and en.endswith("}") and len(fields(en)) == 1:
            continue  # a message that only wraps another
        assert any("\u4e00" <= ch <= "\u9fff" for ch in zh), f"{key}: {zh}"
        for rule in RULE_ID.findall(en):
            assert rule in zh, f"{key}: {rule} missing from {zh}"


def test_every_raise_site_names_a_key_with_exactly_its_parameters():
    sites = _raise_sites()
    assert len(sites) > 150, "the raise sites of the four services were not found"
    problems = []
    for where, call in sites:
        first = call.args[0] if call.args else None
        if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
            problems.append(f"{where}: the message is not a literal key")
            continue
        key = first.value
        if key not in CATALOGUE:
            problems.append(f"{where}: {key!r} is not in the catalogue")
            continue
        given = {k.arg for k in call.keywords if k.arg and k.arg != "rule"}
        if given != fields(CATALOGUE[key][0]):
            expected = sorted(fields(CATALOGUE[key][0]))
            problems.append(f"{where}: {key} takes {expected}, given {sorted(given)}")
    assert problems == [], "\n".join(problems)


def test_every_problem_code_has_a_title_and_a_description_in_both_languages():
    for code in PROBLEM_CODES:
        for prefix in ("title", "about"):
            assert f"{prefix}.{code}" in CATALOGUE, f"{prefix}.{code}"


def test_a_refusal_keeps_its_english_text_and_names_its_rule():
    refusal = RuleViolation("customer.assignment.primary_is_co_manager")
    assert refusal.message == "the primary responsible manager cannot also be a co-manager (R-C3)"
    assert str(refusal) == refusal.message
    assert refusal.rule_id == "R-C3"
    assert refusal.text("zh-CN") == "第一负责人不能同时担任协办客户经理（R-C3）"
    assert NotFound("customer.not_found", customer_id="c-1").rule_id is None
    assert Conflict("staffing.team.dissolved", team_id="t-1", rule="R-C2").rule_id == "R-C2"


def test_a_text_that_is_no_key_still_shows_and_names_its_rule():
    refusal = RuleViolation("a plain sentence (R-Q5)")
    assert refusal.text("zh-CN") == "a plain sentence (R-Q5)"
    assert refusal.rule_id == "R-Q5"


def test_parameters_are_shown_without_python_reprs_and_cut_at_200_characters():
    assert show(["medium", "large"]) == "medium, large"
    assert "[" not in render("staffing.ladder.unknown_classes", "en", {"grade": "g", "unknown": ["medium"]})
    long = show("x" * 10_000)
    assert len(long) == MAX_ECHO
    assert long.endswith("…")
    assert show("\ud800") == "?"


@pytest.mark.parametrize(
    ("header", "language"),
    [
        (None, "en"),
        ("", "en"),
        ("zh-CN", "zh-CN"),
        ("zh", "zh-CN"),
        ("zh-Hans-CN,zh;q=0.9", "zh-CN"),
        ("en-US,en;q=0.9,zh-CN;q=0.8", "en"),
        ("fr-FR,zh-CN;q=0.5", "zh-CN"),
        ("de", "en"),
        ("zh-CN;q=0.2,en;q=0.8", "en"),
        ("zh-CN;q=nonsense", "en"),
    ],
)
def test_the_language_follows_accept_language(header, language):
    assert language_of(header) == language


@pytest.mark.parametrize("size", ["large", "medium"])
@pytest.mark.parametrize("abnormal", ["predicted", "occurred"])
def test_R_C1_R_C3_every_reason_the_domain_gives_has_zh_cn_wording(size, abnormal):
    """The compliance issues stay English in the database and events; a zh-CN caller reads them translated."""
    from decimal import Decimal

    from services.customer.domain.assignment import violations
    from services.customer.domain.classification import Abnormality, Classification, Size

    everything = Classification(
        size=Size(size),
        core=True,
        major_value=True,
        complex_needs=True,
        investment_needs=True,
        first_development=True,
        risk_business=True,
        risk_amount=Decimal("2000000"),
        abnormal=Abnormality(abnormal),
        potential_risk=True,
        new_product_user=True,
        control_requested=True,
    )
    issues = violations(everything, None, [], {}, Decimal("1000000"), on=ON)
    assert len(issues) == 3  # R-C3, R-C1 and R-C2 (no senior leads the team)
    refusal = RuleViolation(
        "customer.assignment.team_breaks_rules", issues=[ComplianceIssue(i) for i in issues]
    )
    assert refusal.rule_id == "R-C3"
    assert refusal.message == "; ".join(issues)
    chinese = refusal.text("zh-CN")
    assert "R-C3：" in chinese
    assert "R-C1：" in chinese
    assert "R-C2：" in chinese
    latin = [w for w in chinese.replace("R-C", "").split() if any(c.isalpha() and c.isascii() for c in w)]
    assert latin == [], chinese


def test_state_codes_read_in_chinese_but_ids_stay_as_they_are():
    from services.staffing.domain.departure import ManagerStatus

    refusal = Conflict("staffing.departure.not_active", status=ManagerStatus.DEPARTED)
    assert refusal.message.endswith("(status is departed)")
    assert "已离岗" in refusal.text("zh-CN")
    named = RuleViolation("staffing.expense.manager_inactive", manager_id="active", status="departed")
    assert named.text("zh-CN").startswith("客户经理 active 的状态为 已离岗")
