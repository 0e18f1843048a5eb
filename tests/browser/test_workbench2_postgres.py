"""Workbench II's browser tests (test_workbench2, test_workbench2_gaps) again, on PostgreSQL."""

from collections.abc import Iterator

import pytest

from tests.browser.stack import Stack, postgres_stack
from tests.browser.test_workbench2 import (  # noqa: F401 (collected here again, against this module's stack)
    test_a_cm_sees_only_their_own_appraisal_result,
    test_a_grade_proposal_waits_for_a_second_hr_user,
    test_an_admin_sets_the_cooperatives_thresholds_and_the_auditor_reads_them,
    test_auditor_clears_the_last_customer_and_the_hr_page_shows_departed_without_reload,
    test_auditor_findings_compliance_spot_check_reproduction_and_journal,
    test_hr_publishes_a_ladder_version_effective_from_a_future_date,
    test_hr_roll_filters_and_a_cms_page_with_certification_results,
    test_qualification_conditions_are_named_and_another_hr_user_reviews,
    test_supervisor_runs_the_appraisal_cycle_and_management_reads_the_dashboard,
    test_workbench_i_main_pages_have_no_serious_accessibility_violations,
)
from tests.browser.test_workbench2_gaps import (  # noqa: F401
    test_an_auditor_reads_who_read_a_customer_filtered_and_paged,
    test_the_cms_page_shows_risks_decision_without_reload,
    test_the_makers_page_shows_the_grade_confirmation_without_reload,
)

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, postgres_admin_url: str) -> Iterator[Stack]:
    """The suite with one fresh PostgreSQL database per service, dropped afterwards."""
    with postgres_stack(tmp_path_factory.mktemp("browser-wb2-pg"), postgres_admin_url, "wb2") as running:
        yield running
