"""The Workbench speaks zh-CN first: every template string and every code has a zh-CN entry."""

import re
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.messages.extract import extract_from_dir
from starlette.requests import Request

from services.console import formatting, i18n
from services.console.labels import LABELS, label
from services.customer.domain.assignment import AssignmentRole, AttributionMode
from services.customer.domain.classification import Abnormality, CustomerKind, Importance, Size
from services.customer.domain.credit import RecommendationStatus, ReportKind
from services.customer.domain.pipeline import Stage
from services.customer.domain.visits import Priority, VisitKind
from services.staffing.domain.departure import ManagerStatus
from services.staffing.domain.ladder import DEFAULT_GRADES, ExpenseCategory
from shared.auth import Role

ROOT = Path(__file__).resolve().parents[2]
CONSOLE = ROOT / "services" / "console"
ZH = i18n.CATALOGUES["zh_CN"]


def _extracted() -> set[str]:
    method_map = [("**.py", "python"), ("**/templates/**.html", "jinja2.ext:babel_extract")]
    options = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n", "trim_blocks": "true"}}
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(CONSOLE), method_map, options, keywords={"_": None, "gettext": None, "N_": None}
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_template_and_code_string_has_a_zh_cn_entry():
    messages = _extracted()
    assert len(messages) > 200, "the extraction found the templates"
    missing = sorted(m for m in messages if m and not ZH.get(m))
    assert not missing, f"no zh-CN entry (run `make i18n`, then translate): {missing}"


@pytest.mark.parametrize(
    ("kind", "codes"),
    [
        ("kind", CustomerKind),
        ("size", Size),
        ("importance", Importance),
        ("abnormal", Abnormality),
        ("manager_status", ManagerStatus),
        ("visit_kind", VisitKind),
        ("report_kind", ReportKind),
        ("recommendation_status", RecommendationStatus),
        ("assignment_role", AssignmentRole),
        ("attribution_mode", AttributionMode),
        ("priority", Priority),
        ("expense_category", ExpenseCategory),
        ("stage", Stage),
        ("grade", [g.code for g in DEFAULT_GRADES]),
        ("role", [r for r in Role if r not in (Role.INTEGRATION, Role.PLATFORM)]),
    ],
)
def test_every_code_the_user_sees_has_a_zh_cn_label(kind, codes):
    for code in codes:
        source = LABELS[kind].get(str(code))
        assert source, f"{kind} {code} has no label"
        assert ZH.get(source), f"{kind} {code}: {source!r} has no zh-CN entry"


def test_every_implemented_rule_id_has_a_title_in_both_languages():
    rules = set(re.findall(r"R-[A-Z]\d+", (ROOT / "docs" / "rules.md").read_text()))
    assert rules
    for rule in rules:
        assert rule in LABELS["rule"], rule
        assert label("rule", rule) != rule
        assert i18n.translate(LABELS["rule"][rule], "zh_CN") != LABELS["rule"][rule], rule


def test_an_unknown_code_shows_as_itself_not_an_error():
    assert label("kind", "spaceship") == "spaceship"
    assert label("kind", None) == ""


def _request(headers: dict[str, str]) -> Request:
    raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    return Request({"type": "http", "headers": raw, "method": "GET", "path": "/"})


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({}, "zh_CN"),
        ({"Accept-Language": "en-US,en;q=0.9"}, "en"),
        ({"Accept-Language": "fr, en;q=0.5, zh-CN;q=0.8"}, "zh_CN"),
        ({"Accept-Language": "en", "Cookie": "steward_lang=zh_CN"}, "zh_CN"),
        ({"Cookie": "steward_lang=en"}, "en"),
        ({"Cookie": "steward_lang=xx", "Accept-Language": "de"}, "zh_CN"),
    ],
)
def test_language_from_cookie_then_accept_language_then_zh_cn(headers, expected):
    assert i18n.negotiate(_request(headers), "zh_CN") == expected


def test_translation_follows_the_current_locale():
    token = i18n.current_locale.set("zh_CN")
    try:
        assert label("importance", "core") == "核心客户"
        i18n.current_locale.set("en")
        assert label("importance", "core") == "Core"
    finally:
        i18n.current_locale.reset(token)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("1234567.891"), "¥1,234,567.89"),
        ("1234567.89", "¥1,234,567.89"),
        ("0", "¥0.00"),
        ("-1500.5", "-¥1,500.50"),
        (1000000, "¥1,000,000.00"),
        (None, ""),
        ("n/a", "n/a"),
    ],
)
def test_money_is_yuan_with_separators_and_two_places(value, shown):
    assert formatting.money(value) == shown


def test_money_refuses_a_float():
    with pytest.raises(TypeError):
        formatting.money(0.1)


def test_times_show_in_the_cooperatives_zone():
    shanghai = ZoneInfo("Asia/Shanghai")
    assert formatting.local_time("2026-12-01T18:30:00Z", shanghai) == "2026-12-02 02:30"
    assert formatting.local_time("2026-12-01T18:30:00+00:00", ZoneInfo("UTC")) == "2026-12-01 18:30"
    assert formatting.local_time("2026-12-01T18:30:00", shanghai) == "2026-12-02 02:30", "naive is UTC"
    assert formatting.local_time(None, shanghai) == ""


def test_every_zh_cn_entry_keeps_the_placeholders_and_formats():
    placeholder = re.compile(r"%\((\w+)\)s")
    for source, text in ZH.items():
        assert sorted(placeholder.findall(source)) == sorted(placeholder.findall(text)), source
        # Jinja formats every message with %: a lone % would fail the page
        assert text % {name: "x" for name in placeholder.findall(text)}, source
