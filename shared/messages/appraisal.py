"""Messages of the appraisal service's refusals: key -> (en, zh-CN)."""

APPRAISAL: dict[str, tuple[str, str]] = {
    # attribution of profit (R-A4)
    "appraisal.amount_precision": ("{amount} has more than two decimal places", "{amount} 的小数超过两位"),
    "appraisal.split.nothing": ("nothing to split the amount over", "没有可以分配该金额的对象"),
    "appraisal.split.weight_not_positive": ("split weights must be positive", "分配权重必须大于零"),
    "appraisal.pool.no_member": (
        "an allocation names at least one team member",
        "分配至少要列出一名小组成员",
    ),
    "appraisal.pool.strangers": ("not members of the team: {strangers}", "以下人员不是小组成员：{strangers}"),
    "appraisal.pool.unequal": (
        "allocations add up to {total}, the team pool is {pool}: they must be equal (R-A4)",
        "分配合计 {total}，小组利润池为 {pool}：两者必须相等（R-A4）",
    ),
    "appraisal.pool.needs_team": (
        "a team pool needs a team (R-A4)",
        "小组利润池必须属于一个客户经理小组（R-A4）",
    ),
    "appraisal.pool.not_led": (
        "no pool of team {team_id} in cycle {cycle_id} that you lead (R-A4)",
        "考核周期 {cycle_id} 中没有由您牵头的小组 {team_id} 的利润池（R-A4）",
    ),
    # cycles (R-A1)
    "appraisal.cycle.year_not_ended": (
        "year {year} has not ended; a cycle appraises a past year (R-A1)",
        "{year} 年尚未结束，考核周期只考核已结束的年度（R-A1）",
    ),
    "appraisal.cycle.year_out_of_range": ("year {year} is out of range", "年份 {year} 超出范围"),
    "appraisal.cycle.immutable": (
        "the cycle is {status}; its results are immutable",
        "考核周期的状态为 {status}，其结果不可更改",
    ),
    "appraisal.cycle.deadline_passed": (
        "the deadline {deadline} has passed; a supervisor may extend it",
        "截止日期 {deadline} 已过，可由客户经理主管部门延期",
    ),
    "appraisal.cycle.already_open": ("a cycle for this year is already open", "本年度的考核周期已经开启"),
    "appraisal.cycle.finalized": (
        "the cycle for this year is finalized; open a correction with a reason",
        "本年度的考核周期已定稿，如需更改请说明理由并发起更正",
    ),
    "appraisal.cycle.not_found": ("appraisal cycle {cycle_id} not found", "未找到考核周期 {cycle_id}"),
    "appraisal.cycle.deadline_in_past": ("the deadline is in the past", "截止日期已经过去"),
    "appraisal.cycle.correct_final_only": (
        "only the finalized version of a cycle is corrected",
        "只能更正考核周期的定稿版本",
    ),
    "appraisal.cycle.evaluations_missing": (
        "{count} mandatory evaluations are missing (R-A3); see /cycles/{cycle_id}/missing-evaluations",
        "缺少 {count} 份必需的评价（R-A3），见 /cycles/{cycle_id}/missing-evaluations",
    ),
    "appraisal.cycle.pools_unsplit": (
        "team pools not yet split by their leads (R-A4): {unsplit}",
        "以下小组利润池尚未由牵头人分配（R-A4）：{unsplit}",
    ),
    # evaluations (R-A3)
    "appraisal.score.range": (
        "{what} must be between 0 and 100, got {value}",
        "{what} 必须在 0 到 100 之间，实际为 {value}",
    ),
    "appraisal.score.precision": ("{what} has at most two decimal places", "{what} 最多保留两位小数"),
    "appraisal.weights.negative": ("{what} weights must not be negative", "{what} 的权重不能为负数"),
    "appraisal.weights.sum": (
        "{what} weights must sum to 1, they sum to {total}",
        "{what} 的权重之和必须为 1，实际为 {total}",
    ),
    "appraisal.evaluation.criteria_missing": (
        "every criterion of R-A3 is scored; missing: {missing}",
        "R-A3 的每项考核指标都必须评分；缺少：{missing}",
    ),
    "appraisal.evaluation.customer_by_channel": (
        "customer evaluations are entered by the channel that collected them",
        "客户抽样评价由收集评价的渠道录入",
    ),
    "appraisal.evaluation.customer_unnamed": (
        "a customer evaluation names the customer",
        "客户评价必须注明客户",
    ),
    "appraisal.evaluation.customer_not_drawn": (
        "customer {customer_id} was not drawn to evaluate {manager_id} (R-A3)",
        "客户 {customer_id} 未被抽中评价客户经理 {manager_id}（R-A3）",
    ),
    "appraisal.evaluation.not_appraised": (
        "manager {manager_id} is not appraised in cycle {cycle_id}",
        "客户经理 {manager_id} 不在考核周期 {cycle_id} 的考核范围内",
    ),
    "appraisal.evaluation.self_by_cm": (
        "a self-assessment is entered by the CM themself",
        "自评由客户经理本人录入",
    ),
    "appraisal.evaluation.supervisor_only": (
        "the supervising department's evaluation is entered by a supervisor",
        "主管部门评价由客户经理主管部门录入",
    ),
    "appraisal.evaluation.colleague_only": (
        "a colleague evaluation is entered by another CM",
        "同事评价由其他客户经理录入",
    ),
    "appraisal.evaluation.customer_only": (
        "only a customer evaluation names a customer",
        "只有客户评价才注明客户",
    ),
    # pay (R-P3)
    "appraisal.pay.no_grade": ("no grade held during the year", "该年度没有任何等级记录"),
    "appraisal.pay.carried_loss_positive": ("a carried loss is zero or negative", "结转亏损应为零或负数"),
    "appraisal.pay.overspend_negative": ("an overspend is zero or positive", "超支额应为零或正数"),
    "appraisal.pay.in_kind_not_positive": (
        "pay in kind is recorded with a positive value",
        "非货币形式收入须按正数价值登记",
    ),
    "appraisal.pay.in_kind_exceeds": (
        "pay in kind {in_kind} would exceed the floating pay of {floating_pay} (R-P3)",
        "非货币形式收入 {in_kind} 将超过浮动收入 {floating_pay}（R-P3）",
    ),
    "appraisal.pay.in_kind_not_final": (
        "pay in kind is recorded against a finalized, current result",
        "非货币形式收入只能登记在已定稿的当前考核结果上",
    ),
    "appraisal.reminder.cycle_not_open": (
        "reminders are sent only until cycle {cycle_id} is finalized",
        "考核周期 {cycle_id} 定稿后不能再发送提醒",
    ),
    "appraisal.result.not_found": (
        "no result of manager {manager_id} in cycle {cycle_id}",
        "考核周期 {cycle_id} 中没有客户经理 {manager_id} 的考核结果",
    ),
}
