"""The appraisal summary chart: Chinese stays text, grades in ladder order, labelled values, no 1e6 offset."""

import re
from decimal import Decimal
from xml.etree import ElementTree

from services.appraisal.queries.reports import chart_svg
from services.appraisal.schemas.results import GroupSummary, SummaryRead

SVG = "{http://www.w3.org/2000/svg}"


def _group(name: str, profit: str) -> GroupSummary:
    value = Decimal(profit)
    return GroupSummary(
        group=name,
        managers=1,
        total_profit=value,
        mean_profit=value,
        median_profit=value,
        min_profit=value,
        max_profit=value,
        mean_score=None,
        total_floating_pay=Decimal(0),
        proposals={},
    )


REPORT = SummaryRead(
    cycle_id="cy-1",
    year=2025,
    version=1,
    status="finalized",
    managers=3,
    by_grade=[_group("senior", "12500000.00"), _group("cm", "2500000.00"), _group("trainee", "-300.00")],
    by_branch=[_group("城北支社", "15000000.00"), _group("south", "-300.00")],
    score_bands={"90-100": 2, "below 60": 1},
)


def _texts(svg: bytes) -> list[str]:
    root = ElementTree.fromstring(svg)  # noqa: S314 (our own output)
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def test_chinese_labels_stay_text_with_a_cjk_font_list():
    svg = chart_svg(REPORT, "zh-CN")
    root = ElementTree.fromstring(svg)  # noqa: S314 (our own output)
    assert "Noto Sans CJK SC" in root.get("font-family", "")
    assert "Microsoft YaHei" in root.get("font-family", "")
    texts = _texts(svg)
    assert "按等级的归属利润" in texts
    assert "城北支社" in texts
    assert "<path" not in svg.decode()  # no glyphs drawn as outlines


def test_grades_in_ladder_order_with_thousands_separated_value_labels_and_no_axis_offset():
    texts = _texts(chart_svg(REPORT, "en"))
    grades = [t for t in texts if t in ("Senior CM", "CM", "Trainee CM")]
    assert grades == ["Senior CM", "CM", "Trainee CM"]
    assert "12,500,000.00" in texts
    assert "-300.00" in texts
    assert "10,000,000" in texts  # axis ticks written out in full
    assert not any(re.search(r"\de[+-]?\d", t) or "\u00d710" in t for t in texts)


def test_counts_of_cms_get_whole_ticks():
    texts = _texts(chart_svg(REPORT, "en"))
    assert "0.50" not in texts
    assert "1.50" not in texts
