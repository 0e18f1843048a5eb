"""Workbench II pages in-process over a fake backend: HR, auditor, management and appraisal render safely."""

import json
import re

import httpx
import pytest

from tests.unit.console_fakes import CM_ID, EXTERNAL, _client, _csrf, _every_field_is_labelled, sign_in

PAGES = {
    "hr": [
        "/hr/managers",
        f"/hr/managers/{CM_ID}",
        f"/hr/managers/{CM_ID}/departure?poll=3",
        "/hr/applications",
        "/hr/grade-proposals",
    ],
    "auditor": [
        "/audit/departures",
        "/audit/departures/a-1",
        "/audit/findings",
        "/audit/compliance",
        "/audit/spot-checks",
        "/audit/spot-checks/s-1?reproduce=true",
        "/audit/journal?run=true",
    ],
}


@pytest.mark.parametrize("role", sorted(PAGES))
def test_every_workbench_ii_page_renders_in_zh_cn_without_inline_code_or_unlabelled_fields(hr_fake, role):
    with _client(hr_fake) as client:
        sign_in(client, role, CM_ID if role == "cm" else f"{role}-1")
        for path in PAGES[role]:
            page = client.get(path)
            assert page.status_code == 200, (path, page.text[:2000])
            assert not EXTERNAL.findall(page.text), path
            assert not re.search(r"<script(?![^>]*\ssrc=)", page.text), path
            assert not re.search(r"\s(on[a-z]+|style)=", page.text), path
            if "departure?" not in path:
                _every_field_is_labelled(path, page.text)


def test_hr_sees_failed_conditions_named_and_the_audit_progress(hr_fake):
    with _client(hr_fake) as client:
        sign_in(client, "hr", "hr-1")
        apps = client.get("/hr/applications").text
        assert "服务年限" in apps
        assert "健康" in apps
        manager = client.get(f"/hr/managers/{CM_ID}").text
        assert 'hx-trigger="every 2s"' in manager, "a pending departure refreshes itself"
        assert "¥1,600.00" in manager
        assert "0 / 1" in manager or "0" in manager
        done = client.get(f"/hr/managers/{CM_ID}/departure?poll=600").text
        assert "hx-trigger" not in done, "the polling is bounded"


def test_the_maker_of_a_grade_proposal_is_told_another_hr_user_decides(hr_fake):
    with _client(hr_fake) as client:
        sign_in(client, "hr", "hr-1")
        assert "data-maker" in client.get("/hr/grade-proposals").text
        hr_fake.on(
            "POST",
            "/grade-proposals/p-1/decision",
            status=422,
            body={
                "type": "/problems/rule_violation",
                "title": "Rule violated",
                "status": 422,
                "detail": "R-Q8 须由另一名人力资源人员确认",
                "rule_id": "R-Q8",
                "errors": [],
            },
        )
        page = client.get("/hr/grade-proposals")
        answer = client.post(
            "/hr/grade-proposals/p-1/decision",
            data={"csrf_token": _csrf(page.text), "decision": "confirm", "reason": "同意"},
        )
        assert answer.status_code == 422
        assert 'data-rule="R-Q8"' in answer.text


def test_the_journal_names_the_first_broken_row(hr_fake):
    with _client(hr_fake) as client:
        sign_in(client, "auditor", "aud-1")
        page = client.get("/audit/journal?run=true").text
        assert 'data-journal-ok="false"' in page
        assert "17" in page


def test_a_cm_cannot_open_hr_or_auditor_pages(hr_fake):
    with _client(hr_fake) as client:
        sign_in(client, "cm", CM_ID)
        for path in ("/hr/managers", "/audit/departures", "/audit/journal"):
            assert client.get(path).status_code == 403, path


def test_the_dashboard_draws_labelled_svg_charts_in_chinese(hr_fake):
    with _client(hr_fake) as client:
        sign_in(client, "management", "mgmt-1")
        page = client.get("/dashboard").text
        for chart in ("ch-grade", "ch-branch", "ch-pay", "ch-findings", "ch-pipeline"):
            assert f'data-chart="{chart}"' in page, chart
        assert "客户经理" in page
        assert "城北" in page
        assert "¥1,000,000.00" in page
        assert 'role="img"' in page


def test_a_finalized_cycle_offers_a_correction_with_a_reason_to_the_supervisor_only(hr_fake):
    with _client(hr_fake) as client:
        sign_in(client, "supervisor", "sup-1")
        assert "/appraisal/y-1/corrections" in client.get("/appraisal/y-1").text
    with _client(hr_fake) as client:
        sign_in(client, "management", "mgmt-1")
        assert "/appraisal/y-1/corrections" not in client.get("/appraisal/y-1").text
        assert client.get("/my-results").status_code == 403


def test_a_new_ladder_version_copies_the_one_in_force_with_hrs_changes(hr_fake):
    sent = []

    def publish(request):
        sent.append(json.loads(request.content))
        return httpx.Response(201, json={})

    hr_fake.routes[("POST", "/ladder/versions")] = publish
    with _client(hr_fake) as client:
        sign_in(client, "hr", "hr-1")
        page = client.get("/hr/ladder")
        answer = client.post(
            "/hr/ladder",
            data={
                "csrf_token": _csrf(page.text),
                "effective_from": "2027-01-01",
                "reason": "调整合格线",
                "cm.pass_mark": "75",
                "cm.fixed_pay": "",
            },
        )
        assert answer.status_code == 303
    assert sent[0]["effective_from"] == "2027-01-01"
    assert sent[0]["grades"][0]["pass_mark"] == "75"
    assert sent[0]["grades"][0]["fixed_pay"] == "60000.00"


def test_a_team_lead_splits_the_pool_and_the_service_answer_is_shown(hr_fake):
    running = {"id": "y-2", "year": 2025, "version": 2, "status": "computed"}
    hr_fake.on("GET", "/cycles", body=[running])
    hr_fake.on(
        "GET",
        "/cycles/y-2/pools",
        body=[{"team_id": "t-1", "amount": "5000.00", "allocated": False, "allocations": {}}],
    )
    sent = []

    def split(request):
        sent.append(json.loads(request.content))
        return httpx.Response(
            422,
            json={
                "type": "/problems/rule_violation",
                "title": "Rule violated",
                "status": 422,
                "detail": "R-A4 分配之和须等于利润池",
                "rule_id": "R-A4",
            },
        )

    hr_fake.routes[("PUT", "/cycles/y-2/pools/t-1")] = split
    with _client(hr_fake) as client:
        sign_in(client, "cm", CM_ID)
        page = client.get("/my-results")
        assert 'data-pool="t-1"' in page.text
        answer = client.post(
            "/my-results/pools/y-2/t-1", data={"csrf_token": _csrf(page.text), f"share.{CM_ID}": "4,000.00"}
        )
        assert answer.status_code == 422
        assert 'data-rule="R-A4"' in answer.text
    assert sent == [{"allocations": {CM_ID: "4000.00"}}]
