"""Issue 19: audit's remaining decisions, pure (findings, deadlines, settings, journal, sampling)."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from services.audit.domain import compliance, deadlines, departure, findings, journal, sampling, settings
from services.audit.domain.compliance import Raise, Resolve, VisitPlan
from services.audit.domain.departure import ItemStatus
from shared.errors import Conflict
from shared.rules import RuleId, Violation

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)
DAY = timedelta(days=1)


def _raise(manager_id: str | None = "m-1") -> Raise:
    violation = Violation(RuleId.R_I1, "audit.compliance.overdue", {"overdue": Decimal("12.50")})
    return Raise(violation, "overdue:c-1", compliance.HIGH, manager_id, "c-1")


def test_R_I2_a_finding_opens_with_the_decision_its_description_and_its_evidence():
    new = findings.opened(_raise(), findings.evidence_of("e-1"))
    assert (new.rule_id, new.subject_key, new.manager_id, new.customer_id) == (
        "R-I1",
        "overdue:c-1",
        "m-1",
        "c-1",
    )
    assert (new.severity, new.status, new.raised_by, new.evidence) == (
        "high",
        "open",
        findings.SYSTEM,
        ["event:e-1"],
    )
    assert "12.50" in new.description
    unknown = Raise(Violation(RuleId.R_I1, "no.such.key"), "s")
    assert findings.describe(unknown) == "no.such.key"


def test_R_I2_a_rule_broken_again_adds_evidence_once_and_names_a_cm_only_where_none_was():
    assert findings.evidence_of(None, ["event:a"]) == ["event:a"]  # a passed deadline cites what it recorded
    assert findings.with_evidence(["event:a"], ["event:a", "event:b"]) == ["event:a", "event:b"]
    assert findings.named_manager(None, _raise("m-2")) == "m-2"
    assert findings.named_manager("m-1", _raise("m-2")) == "m-1"
    assert findings.named_manager(None, _raise(None)) is None


def test_R_I2_a_finding_is_resolved_once_with_who_and_when():
    done = findings.resolve("open", "fixed", "a-1", NOW)
    assert done == findings.Resolution("fixed", "a-1", NOW, "resolved")
    with pytest.raises(Conflict):
        findings.resolve("resolved", "again", "a-1", NOW)


def test_a_finding_is_keyed_on_its_customer_else_its_cm_else_its_subject():
    assert findings.event_key("c-1", "m-1", "s") == "c-1"
    assert findings.event_key(None, "m-1", "s") == "m-1"
    assert findings.event_key(None, None, "s") == "s"


def test_a_cm_reads_only_their_own_findings_without_evidence():
    assert findings.own_only({"cm"})
    assert not findings.own_only({"cm", "supervisor"})
    assert not findings.own_only({"auditor"})
    assert findings.shown_evidence(["event:a"], own=True) == []
    assert findings.shown_evidence(["event:a"], own=False) == ["event:a"]


def test_the_cm_responsible_is_the_primary_else_any_serving_cm():
    assert compliance.responsible([("m-2", "co_manager"), ("m-1", "primary")]) == "m-1"
    assert compliance.responsible([("m-3", None)]) == "m-3"  # rows from before roles
    assert compliance.responsible([]) is None


def test_R_I1_before_any_version_the_kept_limits_then_the_default_ladder_apply():
    on = date(2026, 6, 1)
    assert compliance.limit_on([], "cm", on) == Decimal("1000000")
    assert compliance.limit_on([], "cm", on, {"cm": Decimal("7")}) == Decimal("7")
    later = compliance.ladder_limits(2, date(2026, 7, 1), [("cm", "9")])
    assert later.limits == {"cm": Decimal("9")}
    assert compliance.limit_on([later], "cm", on) == Decimal("1000000")
    assert compliance.limit_on([later], "cm", date(2026, 7, 1)) == Decimal("9")


def test_R_R4_questions_are_due_by_the_end_of_the_earliest_day_and_an_answer_meets_them():
    assert deadlines.questions_due("r-1", []) is None
    watch = deadlines.questions_due("r-1", [date(2026, 6, 3), date(2026, 6, 2)])
    assert watch is not None
    assert (watch.rule, watch.subject, watch.moves) == (RuleId.R_R4, "recommendation:r-1", False)
    assert watch.due.date() == date(2026, 6, 2)
    assert watch.due.hour == 23
    met = deadlines.answered("r-1")
    assert met.resolve() == Resolve(RuleId.R_R4, "recommendation:r-1", "the question was answered")


def test_R_M5_the_follow_up_is_due_from_the_warning_and_an_in_person_visit_meets_it():
    watch = deadlines.follow_up("c-1", NOW, 14, "m-1")
    assert watch == deadlines.Watch(RuleId.R_M5, "customer:c-1", NOW + 14 * DAY, "m-1", "c-1")
    assert deadlines.answers_warning("in_person")
    assert not deadlines.answers_warning("phone")
    assert deadlines.visited("c-1").rule is RuleId.R_M5


def test_R_M4_a_plan_starts_ordinary_takes_a_new_importance_and_never_moves_back():
    plan = deadlines.plan_after(None, NOW, None, None)
    assert plan == VisitPlan("ordinary", NOW)
    plan = deadlines.plan_after(plan, NOW + DAY, "core", NOW + 2 * DAY)
    assert (plan.importance, plan.since, plan.last_visit) == ("core", NOW, NOW + 2 * DAY)
    assert deadlines.plan_after(plan, NOW, None, NOW + DAY).last_visit == NOW + 2 * DAY  # a late report


def test_R_M4_the_next_visit_moves_with_the_plan_and_one_still_ahead_clears_the_finding():
    plan = VisitPlan("core", NOW)
    watch, cleared = deadlines.next_visit("c-1", plan, 30, 7, NOW + DAY, "m-1")
    assert (watch.rule, watch.due, watch.moves, watch.manager_id) == (
        RuleId.R_M4,
        NOW + 37 * DAY,
        True,
        "m-1",
    )
    assert cleared == Resolve(RuleId.R_M4, "customer:c-1", "visited within the plan")
    assert deadlines.next_visit("c-1", plan, 30, 7, NOW + 40 * DAY, None)[1] is None


def test_R_M4_settings_taking_effect_replan_each_cooperative_once_from_its_latest_version():
    since = deadlines.taking_effect([("o-2", NOW), ("o-1", NOW), ("o-1", NOW + DAY)])
    assert since == {"o-1": NOW + DAY, "o-2": NOW}
    assert list(since) == ["o-1", "o-2"]


def test_settings_the_version_in_force_is_the_latest_to_have_taken_effect():
    versions = [(NOW + DAY, "later"), (NOW - DAY, "old"), (NOW, "now")]
    assert settings.in_force_at(versions, NOW) == "now"
    assert settings.in_force_at(versions, NOW - 2 * DAY) is None  # the defaults
    assert settings.scheduled_after(versions, NOW) == ["later"]


def test_settings_a_write_changes_only_what_it_sends():
    base = {"visit_tolerance_days": 7, "report_delay_hours": 48}
    write = {"visit_tolerance_days": 3, "report_delay_hours": 1, "effective_from": None, "scheduled": []}
    sent = {"visit_tolerance_days", "effective_from", "scheduled"}
    assert settings.merged(base, sent, write) == {"visit_tolerance_days": 3, "report_delay_hours": 48}


def _entry(event_id: str) -> journal.Entry:
    return journal.Entry(0, event_id, "t", "topic", "o-1", NOW.isoformat(), journal.body_hash(b"{}"))


def test_the_journal_numbers_and_chains_entries_on_from_its_head():
    first = journal.extend(None, [_entry("e-1"), _entry("e-2")])
    assert [link.entry.seq for link in first] == [1, 2]
    assert first[0].previous == journal.GENESIS
    assert first[1].previous == first[0].hash
    more = journal.extend((2, first[1].hash), [_entry("e-3")])
    assert (more[0].entry.seq, more[0].previous) == (3, first[1].hash)
    assert journal.body_hash(None) == journal.body_hash(b"")


def test_the_journal_verification_names_a_changed_row_a_changed_head_and_rows_cut_off():
    links = journal.extend(None, [_entry("e-1"), _entry("e-2"), _entry("e-3")])
    rows = [(link.entry, link.previous, link.hash) for link in links]
    assert journal.verify(rows, (3, links[2].hash)) is None
    assert journal.verify(rows, None) is None
    assert journal.verify(rows[:2], (3, links[2].hash)) == 3  # the last row cut off
    assert journal.verify(rows, (3, "f" * 64)) == 3  # the head's row changed
    assert journal.verify([], (1, "f" * 64)) == 1
    tampered = [rows[0], (rows[1][0], rows[1][1], "0" * 64), rows[2]]
    assert journal.verify(tampered, (3, links[2].hash)) == 2


def test_R_I6_the_serving_team_and_the_audit_progress():
    assert departure.team_roles("m-1", ["m-2", "m-1"]) == [("m-1", "primary"), ("m-2", "co_manager")]
    assert departure.items_done([ItemStatus.CLEAR, ItemStatus.FINDING, ItemStatus.CLEAR]) == 2


def test_R_I5_the_seed_the_recorded_population_and_the_draw_reproduced():
    assert sampling.seed_of(42) == 42
    assert 0 <= sampling.seed_of(None) < 2**62
    population = sampling.population_of([("s-2", "m-1", "b-1"), ("s-1", None, "b-2")], "manager")
    assert population == [("s-1", ""), ("s-2", "m-1")]
    sample = sampling.draw(population, 1, 7)
    assert sampling.reproduction([list(p) for p in population], 1, 7, sample) == (True, sample)
    assert sampling.reproduction(population, 1, 7, ["other"])[0] is False
