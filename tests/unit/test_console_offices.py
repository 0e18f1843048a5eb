"""The console's appraisal by office (issue 21) and the full thresholds page (R-M2, R-M4, R-M5, R-I1)."""

import json
import re

import httpx

from services.console.offices import MAX_INDENT, office_label, with_depth
from services.console.pages.thresholds import FIELDS, settings_body
from tests.unit.console_fakes import _client, _csrf, _every_field_is_labelled, sign_in

FIGURES = {
    "min_profit": "0.00",
    "max_profit": "0.00",
    "median_profit": "0.00",
    "mean_score": None,
    "total_floating_pay": "1500.5",
    "proposals": {},
}
TREE = [
    {"office_id": "o-hq", "parent_id": None, "code": "HQ", "name": "联社总部", "managers": 3},
    {"office_id": "o-n", "parent_id": "o-hq", "code": "N", "name": "北区信用社", "managers": 2},
    {"office_id": "o-n1", "parent_id": "o-n", "code": "N1", "name": "北街网点", "managers": 1},
    {"office_id": "o-s", "parent_id": "o-hq", "code": "S", "name": "南区信用社", "managers": 1},
]
PROFIT = {"o-hq": "1234567.8", "o-n": "300.3", "o-n1": "200.2", "o-s": "1234067.3"}
ROWS = [{**FIGURES, **o, "total_profit": PROFIT[o["office_id"]], "mean_profit": "100.1"} for o in TREE]


def _rows(html: str) -> list[tuple[str, str]]:
    return re.findall(r'data-office-code="([^"]+)" data-depth="(\d+)"', html)


def test_offices_take_their_depth_from_the_tree_order():
    assert [r["depth"] for r in with_depth(TREE)] == [0, 1, 2, 1]
    # a restricted reader's rows start at their branch: it is the top of what they see
    assert [r["depth"] for r in with_depth(TREE[1:3])] == [0, 1]
    chain = [{"office_id": f"o{i}", "parent_id": f"o{i - 1}" if i else None} for i in range(9)]
    deep = with_depth(chain)
    assert deep[-1]["depth"] == 8
    assert deep[-1]["indent"] == MAX_INDENT
    assert office_label(TREE[1]) == "N 北区信用社"
    assert office_label({"code": "", "name": "网点"}) == "网点"


def test_the_dashboard_shows_the_appraisal_by_office_following_the_tree(hr_fake):
    hr_fake.on("GET", "/cycles/y-1/summary/offices", body=ROWS)
    with _client(hr_fake) as client:
        sign_in(client, "management", "mgmt-1")
        page = client.get("/dashboard").text
        assert 'data-chart="ch-office"' in page
        assert 'data-chart="ch-branch"' not in page
        assert _rows(page) == [("HQ", "0"), ("N", "1"), ("N1", "2"), ("S", "1")]
        assert '<text x="28" y="' in page, "an outlet's label sits under its branch's"
        assert "¥1,234,567.80" in page
        assert "¥300.30" in page
        assert "¥1,500.50" in page
        assert "<th>机构</th>" in page
        assert "按机构汇总的考核" in page
        assert "信用社含其网点" in page
        assert not re.search(r"\s(on[a-z]+|style)=", page)
        client.get("/language/en?next=/dashboard")
        english = client.get("/dashboard").text
        assert "<th>Office</th>" in english
        assert "Mean attributed profit by office" in english
    asked = [r for r in hr_fake.requests if r.url.path == "/cycles/y-1/summary/offices"]
    assert asked
    assert asked[0].headers["Authorization"].startswith("Bearer ")


def test_a_cooperative_without_a_tree_keeps_the_branch_chart(hr_fake):
    hr_fake.on("GET", "/cycles/y-1/summary/offices", body=[])
    with _client(hr_fake) as client:
        sign_in(client, "management", "mgmt-1")
        page = client.get("/dashboard").text
        assert 'data-chart="ch-branch"' in page
        assert "城北" in page
        assert 'data-chart="ch-office"' not in page
        assert "data-office-summary" not in page


def test_the_cycle_page_shows_what_the_service_gives_a_branch_supervisor(hr_fake):
    hr_fake.on("GET", "/cycles/y-1/summary/offices", body=ROWS[1:3])  # the service scoped it to N
    with _client(hr_fake) as client:
        sign_in(client, "supervisor", "sup-n")
        page = client.get("/appraisal/y-1").text
        assert _rows(page) == [("N", "0"), ("N1", "1")]
        assert "南区信用社" not in page
        assert "联社总部" not in page
        assert '<td class="office depth-1"' in page


def test_every_threshold_is_shown_with_its_rule_in_both_languages(hr_fake):
    settings = {
        "visit_interval_core_days": 30,
        "visit_interval_important_days": 60,
        "visit_interval_ordinary_days": 90,
        "visit_tolerance_days": 7,
        "dissatisfaction_visit_days": 14,
        "satisfaction_window": 3,
        "satisfaction_threshold": "3.50",
        "report_delay_hours": 48,
        "rating_warnings": ["C", "D"],
    }
    hr_fake.on("GET", "/compliance/settings", body=settings)
    with _client(hr_fake) as client:
        sign_in(client, "auditor", "aud-1")
        page = client.get("/audit/thresholds").text
        for name in settings:
            assert f'data-threshold="{name}"' in page, name
        assert '<dd data-threshold="satisfaction_threshold">3.50</dd>' in page
        assert '<dd data-threshold="report_delay_hours">48</dd>' in page
        for words in ("访问报告", "满意度", "风险识别与预警", "宽限", "R-M2", "R-M5", "R-I1"):
            assert words in page, words
        client.get("/language/en?next=/audit/thresholds")
        english = client.get("/audit/thresholds").text
        assert "Hours after a visit within which its visit report is due" in english
        assert "Risk identification and early warning" in english
    with _client(hr_fake) as client:
        sign_in(client, "admin", "admin-1")
        form = client.get("/audit/thresholds").text
        _every_field_is_labelled("/audit/thresholds", form)
        for name in FIELDS:
            assert f'name="{name}"' in form, name
        assert 'step="0.01"' in form
        assert 'value="3.50"' in form


def test_an_admin_saves_every_field_and_sees_the_services_refusal_at_its_field(hr_fake):
    sent: list[dict[str, object]] = []

    def put(request: httpx.Request) -> httpx.Response:
        sent.append(json.loads(request.content))
        error = {"loc": ["body", "satisfaction_threshold"], "msg": "须在 1 至 5 之间"}
        return httpx.Response(422, json={"status": 422, "title": "Invalid", "errors": [error]})

    hr_fake.routes[("PUT", "/compliance/settings")] = put
    typed = {name: "10" for name in FIELDS} | {
        "satisfaction_threshold": "6",
        "rating_warnings": "C，D, watch",
    }
    with _client(hr_fake) as client:
        sign_in(client, "admin", "admin-1")
        page = client.get("/audit/thresholds")
        answer = client.post("/audit/thresholds", data={"csrf_token": _csrf(page.text), **typed})
        assert answer.status_code == 422
        assert (
            'id="f-satisfaction_threshold" name="satisfaction_threshold" type="number" value="6"'
            in answer.text
        )
        assert re.search(r'name="satisfaction_threshold"[^>]*aria-invalid="true"', answer.text)
        assert "须在 1 至 5 之间" in answer.text
    assert sent[0] == {**{name: "10" for name in FIELDS}, "satisfaction_threshold": "6"} | {
        "rating_warnings": ["C", "D", "watch"]
    }
    assert settings_body({})["rating_warnings"] == []
    assert settings_body({})["report_delay_hours"] == ""
