"""Messages of the audit service's refusals: key -> (en, zh-CN)."""

AUDIT: dict[str, tuple[str, str]] = {
    "audit.departure.cleared_not_cancellable": (
        "the departure audit already cleared; it cannot be cancelled",
        "离岗稽核已经通过，不能撤销",
    ),
    "audit.departure.own": (
        "an auditor cannot review their own departure (R-I6)",
        "稽核人员不能稽核自己的离岗（R-I6）",
    ),
    "audit.departure.already_cleared": ("this departure audit is already cleared", "该离岗稽核已经通过"),
    "audit.departure.cancelled": (
        "this departure audit was cancelled: the departure was withdrawn",
        "该离岗稽核已撤销：离岗申请已撤回",
    ),
    "audit.item.already_clear": ("this item is already clear", "该事项已确认无问题"),
    "audit.item.open_findings": (
        "the item has {open_findings} open finding(s); resolve them first (R-I6)",
        "该事项还有 {open_findings} 个未解决的问题，请先解决（R-I6）",
    ),
    "audit.settings.effective_in_past": (
        "settings cannot take effect in the past ({effective_from}); choose today or a later day",
        "设置的生效日期不能早于今天（{effective_from}），请选择今天或之后的日期",
    ),
    "audit.settings.effective_too_far": (
        "settings can take effect at most {days} days ahead ({effective_from} is too far)",
        "设置最多只能提前 {days} 天生效（{effective_from} 太远）",
    ),
    "audit.sample.empty": ("a sample needs at least one item", "抽查样本至少需要一个事项"),
    "audit.departure.not_found": ("departure audit {audit_id} not found", "未找到离岗稽核 {audit_id}"),
    "audit.departure.item_not_found": (
        "item {item_id} not found in departure audit {audit_id}",
        "离岗稽核 {audit_id} 中没有事项 {item_id}",
    ),
    "audit.finding.not_found": ("finding {finding_id} not found", "未找到稽核发现 {finding_id}"),
    "audit.finding.resolved": ("the finding is already resolved", "该稽核发现已经解决"),
    "audit.spot_check.not_found": ("spot check {check_id} not found", "未找到抽查 {check_id}"),
    "audit.spot_check.item_not_found": (
        "item {item_id} not found in spot check {check_id}",
        "抽查 {check_id} 中没有事项 {item_id}",
    ),
    "audit.spot_check.empty_population": (
        "there are no {population} to sample yet",
        "目前还没有可供抽查的 {population}",
    ),
    "audit.compliance.team": ("{issues}", "{issues}"),
    "audit.compliance.expired_serving": (
        "certification expired while still serving customers (R-Q7)",
        "资格认证已过期仍在服务客户（R-Q7）",
    ),
    "audit.compliance.not_serving": (
        "recommended by a CM not serving the customer (R-I1)",
        "由不服务该客户的客户经理提出建议（R-I1）",
    ),
    "audit.compliance.over_limit": (
        "{amount} exceeds the authorization limit {limit} without a senior co-sign (R-I1)",
        "{amount} 超过授权限额 {limit}，且没有高级客户经理会签（R-I1）",
    ),
    "audit.compliance.over_budget": (
        "spending {spent} over the budget {budget} (R-I4)",
        "营销费用 {spent} 超过预算 {budget}（R-I4）",
    ),
    "audit.compliance.rating_warning": (
        "early warning: rating {rating}, flags {flags} (R-I1)",
        "风险预警：评级 {rating}，预警标志 {flags}（R-I1）",
    ),
    "audit.compliance.late_report": (
        "visit reports filed later than the delay after the visit (R-M2); each is one piece of evidence",
        "拜访报告未在拜访后及时完成归档（R-M2），每份迟交报告计为一条证据",
    ),
    "audit.compliance.overdue": (
        "early warning: overdue balance {overdue} (R-I1)",
        "风险预警：逾期余额 {overdue}（R-I1）",
    ),
    "audit.compliance.question_overdue": (
        "a question from risk is overdue (due {due}) (R-R4)",
        "风险部门的问询已逾期（应答日期 {due}）（R-R4）",
    ),
    "audit.compliance.no_follow_up_visit": (
        "no visit after a dissatisfaction warning (due {due}) (R-M5)",
        "客户不满预警后未走访（应走访日期 {due}）（R-M5）",
    ),
    "audit.compliance.visits_overdue": (
        "visits overdue against the visit plan (due {due}) (R-M4)",
        "未按走访计划走访（应走访日期 {due}）（R-M4）",
    ),
    "audit.compliance.deadline_passed": ("deadline passed (due {due})", "期限已过（{due}）"),
}
