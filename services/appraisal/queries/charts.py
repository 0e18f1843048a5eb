"""The appraisal summary as an SVG written by hand: text stays text, so Chinese renders with any CJK font."""

import math
from collections.abc import Sequence
from decimal import Decimal
from xml.sax.saxutils import escape

from services.appraisal.schemas.results import SummaryRead
from shared.spreadsheet import Language

FONTS = (
    "'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', "
    "'WenQuanYi Micro Hei', 'SimHei', 'Helvetica Neue', Arial, sans-serif"
)
PANEL_W, PANEL_H, TOP, BOTTOM, LEFT = 400, 420, 75, 90, 90
TEXT = {
    "en": {
        "title": "Appraisal {year} (version {version}, {status})",
        "grade": "Attributed profit by grade",
        "branch": "Attributed profit by branch",
        "bands": "Non-profit scores",
        "yuan": "yuan",
        "cms": "CMs",
        "no score": "no score",
        "below 60": "below 60",
    },
    "zh-CN": {
        "title": "{year} 年度考核（第 {version} 版，{status}）",
        "grade": "按等级的归属利润",
        "branch": "按网点的归属利润",
        "bands": "非利润考核得分",
        "yuan": "元",
        "cms": "客户经理人数",
        "no score": "无得分",
        "below 60": "60 以下",
    },
}
STATUS_ZH = {"open": "进行中", "computed": "已计算", "finalized": "已定稿", "superseded": "已更正"}


def _step(span: float) -> float:
    """A round tick step (1, 2 or 5 times a power of ten) giving about five ticks."""
    raw = span / 5 if span > 0 else 1.0
    power = 10.0 ** math.floor(math.log10(raw))
    return next(float(m * power) for m in (1, 2, 5, 10) if m * power >= raw)


def _ticks(values: Sequence[float], whole: bool) -> list[float]:
    low, high = min([0.0, *values]), max([0.0, *values])
    step = max(_step(high - low), 1.0) if whole else _step(high - low)
    start = math.floor(low / step) * step
    ticks = [start]
    while ticks[-1] < high - 1e-9 or len(ticks) < 2:
        ticks.append(ticks[-1] + step)
    return ticks


def _label(value: float, money: bool) -> str:
    return f"{value:,.2f}" if money else f"{value:,.0f}"


def _panel(
    x0: int, title: str, unit: str, labels: Sequence[str], values: Sequence[Decimal | int], money: bool
) -> list[str]:
    numbers = [float(v) for v in values]
    ticks = _ticks(numbers, whole=not money)
    low, high = ticks[0], ticks[-1]
    plot_h, plot_w = PANEL_H - TOP - BOTTOM, PANEL_W - LEFT - 20

    def y(v: float) -> float:
        return TOP + plot_h * (high - v) / (high - low)

    parts = [
        f'<text x="{x0 + PANEL_W / 2}" y="50" text-anchor="middle" font-size="15" '
        f'font-weight="bold">{escape(title)}</text>',
        f'<text x="{x0 + 14}" y="{TOP + plot_h / 2}" font-size="12" text-anchor="middle" '
        f'transform="rotate(-90 {x0 + 14} {TOP + plot_h / 2})">{escape(unit)}</text>',
    ]
    for tick in ticks:
        parts.append(
            f'<line x1="{x0 + LEFT}" x2="{x0 + LEFT + plot_w}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
            'stroke="#dddddd"/>'
            f'<text x="{x0 + LEFT - 6}" y="{y(tick) + 4:.1f}" font-size="11" text-anchor="end">'
            f"{_label(tick, False) if abs(tick) >= 1 or tick == 0 else f'{tick:,.2f}'}</text>"
        )
    slot = plot_w / max(len(numbers), 1)
    for index, (label, value, number) in enumerate(zip(labels, values, numbers, strict=True)):
        left = x0 + LEFT + slot * index + slot * 0.15
        top, bottom = sorted((y(number), y(0.0)))
        shown = f"{value:,.2f}" if money else f"{value:,}"
        parts.append(
            f'<rect x="{left:.1f}" y="{top:.1f}" width="{slot * 0.7:.1f}" height="{bottom - top:.1f}" '
            f'fill="{"#3b6ea5" if money else "#6a994e"}"><title>{escape(label)}: {shown}</title></rect>'
            f'<text x="{left + slot * 0.35:.1f}" y="{(top - 4 if number >= 0 else bottom + 12):.1f}" '
            f'font-size="10" text-anchor="middle">{shown}</text>'
            f'<text x="{left + slot * 0.35:.1f}" y="{TOP + plot_h + 16}" font-size="11" '
            f'text-anchor="end" transform="rotate(-30 {left + slot * 0.35:.1f} {TOP + plot_h + 16})">'
            f"{escape(label)}</text>"
        )
    parts.append(
        f'<line x1="{x0 + LEFT}" x2="{x0 + LEFT + plot_w}" y1="{y(0.0):.1f}" y2="{y(0.0):.1f}" '
        'stroke="#333"/>'
    )
    return parts


def summary_svg(
    report: SummaryRead, lang: Language, grade_names: dict[str, str], band_order: Sequence[str]
) -> bytes:
    """Profit by grade (ladder order) and by branch, and CMs per score band, labelled, as one SVG."""
    text = TEXT[lang]
    status = STATUS_ZH.get(report.status, report.status) if lang == "zh-CN" else report.status
    title = text["title"].format(year=report.year, version=report.version, status=status)
    bands = [*band_order, "no score"]
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{PANEL_W * 3}" height="{PANEL_H + 30}" '
        f'viewBox="0 0 {PANEL_W * 3} {PANEL_H + 30}" font-family="{FONTS}" lang="{lang}">',
        f"<title>{escape(title)}</title>",
        f'<rect width="{PANEL_W * 3}" height="{PANEL_H + 30}" fill="#ffffff"/>',
        f'<text x="{PANEL_W * 1.5}" y="20" text-anchor="middle" font-size="17">{escape(title)}</text>',
        *_panel(
            0,
            text["grade"],
            text["yuan"],
            [grade_names.get(g.group, g.group) for g in report.by_grade],
            [g.total_profit for g in report.by_grade],
            money=True,
        ),
        *_panel(
            PANEL_W,
            text["branch"],
            text["yuan"],
            [g.group for g in report.by_branch],
            [g.total_profit for g in report.by_branch],
            money=True,
        ),
        *_panel(
            PANEL_W * 2,
            text["bands"],
            text["cms"],
            [text.get(b, b) for b in bands],
            [report.score_bands.get(b, 0) for b in bands],
            money=False,
        ),
        "</svg>",
    ]
    return "\n".join(parts).encode("utf-8")
