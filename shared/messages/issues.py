"""The customer service's compliance issues (stored and published in English) shown in zh-CN too.

`violations` in the customer domain writes each issue as one English line ("R-C3: needs two or more
CMs with a named primary (large customer, core customer)"); those lines are kept as they are in the
database and in events, and translated here, phrase by phrase, when a person reads a refusal.
"""

import re

_ISSUES = (
    (
        re.compile(r"^R-C3: needs two or more CMs with a named primary \((?P<why>.*)\)$"),
        "R-C3：需要两名或以上客户经理并指定第一负责人（{why}）",
    ),
    (
        re.compile(r"^R-C2: a core customer of major value is served by a team led by a senior CM$"),
        "R-C2：对信用社价值重大的核心客户须由高级客户经理牵头的客户经理小组服务",
    ),
    (re.compile(r"^R-C1: needs a senior CM \((?P<why>.*)\)$"), "R-C1：需要由高级客户经理服务（{why}）"),
    (
        re.compile(r"^R-Q5: grade (?P<grade>.*) of (?P<manager>\S+) may not serve (?P<classes>.*)$"),
        "R-Q5：客户经理 {manager} 的等级 {grade} 不能服务以下客户类别：{classes}",
    ),
)
_REASONS = {
    "large customer": "大型客户",
    "medium customer": "中型客户",
    "core customer": "核心客户",
    "of major value": "对信用社价值重大",
    "has risk business": "发生风险业务",
    "abnormal (predicted)": "预测会发生异常",
    "abnormal (occurred)": "已发生异常",
    "potential risk": "存在潜在风险",
    "uses a new product": "运用新产品",
    "requested by a product department or internal control": "产品部门或内控部门要求",
    "core customer of major value": "对信用社价值重大的核心客户",
    "complex (advisory) needs": "有复杂（咨询类）需求",
    "investment or capital-operation needs": "有投资或资本运作需求",
    "first development of a large customer or a new product": "初次开发的大型客户或新产品",
    "abnormal customer (crisis management)": "异常客户（危机处理）",
    "unknown": "未知",
}
_RISK_ABOVE = re.compile(r"^risk business above (?P<amount>\S+)$")


def _reason(text: str) -> str:
    above = _RISK_ABOVE.match(text)
    if above:
        return f"风险业务金额超过 {above.group('amount')}"
    return _REASONS.get(text, text)


def issue_in_chinese(issue: str) -> str:
    """One compliance issue line in zh-CN; a line of an unknown form stays as it is."""
    for pattern, template in _ISSUES:
        found = pattern.match(issue)
        if found:
            parts = found.groupdict()
            if "why" in parts:
                parts["why"] = "、".join(_reason(r) for r in parts["why"].split(", "))
            if "grade" in parts:
                parts["grade"] = _reason(parts["grade"])
            return template.format(**parts)
    return issue


class ComplianceIssue:
    """A compliance issue as a message parameter: English as stored, zh-CN translated."""

    key = "customer.compliance_issue"

    def __init__(self, issue: str) -> None:
        self.issue = issue

    def text(self, language: str) -> str:
        """The issue in a language."""
        return issue_in_chinese(self.issue) if language == "zh-CN" else self.issue
