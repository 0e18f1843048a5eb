"""Messages of the customer service's refusals: key -> (en, zh-CN)."""

CUSTOMER: dict[str, tuple[str, str]] = {
    "customer.not_found": ("customer {customer_id} not found", "未找到客户 {customer_id}"),
    "customer.external_id_taken": (
        "core banking number {external_id} already names customer {customer_id}",
        "核心系统客户号 {external_id} 已属于客户 {customer_id}",
    ),
    "customer.external_id_taken_meanwhile": (
        "core banking number {external_id} was just given to another customer",
        "核心系统客户号 {external_id} 刚被分配给另一客户",
    ),
    "customer.manager_unknown": (
        "manager {manager_id} is not known to customer service",
        "客户服务不认识客户经理 {manager_id}",
    ),
    "customer.manager_not_known": (
        "manager {manager_id} not known to customer service",
        "客户服务中没有客户经理 {manager_id}",
    ),
    "customer.team_unknown": (
        "team {team_id} not known to customer service",
        "客户服务不认识客户经理小组 {team_id}",
    ),
    "customer.balance_refused": ("{reason}", "余额报告被拒绝：{reason}"),
    "customer.file_not_served": (
        "a CM may only open files for customers they serve",
        "客户经理只能为自己服务的客户建立档案",
    ),
    # assignment (R-C1, R-C3, R-I6, R-Q5, R-Q7, R-A4)
    "customer.compliance.two_managers": (
        "R-C3: needs two or more CMs with a named primary ({why})",
        "R-C3：需要两名或以上客户经理并指定第一负责人（{why}）",
    ),
    "customer.compliance.senior": (
        "R-C1: needs a senior CM ({why})",
        "R-C1：需要由高级客户经理服务（{why}）",
    ),
    "customer.compliance.senior_led_team": (
        "R-C2: a core customer of major value is served by a team led by a senior CM",
        "R-C2：对信用社价值重大的核心客户须由高级客户经理牵头的客户经理小组服务",
    ),
    "customer.compliance.grade_classes": (
        "R-Q5: grade {grade} of {manager_id} may not serve {classes}",
        "R-Q5：客户经理 {manager_id} 的等级 {grade} 不能服务以下客户类别：{classes}",
    ),
    "customer.assignment.manager_inactive": (
        "manager {manager_id} is {status}; no new customers may be assigned (R-I6)",
        "客户经理 {manager_id} 的状态为 {status}，不得再分配新客户（R-I6）",
    ),
    "customer.assignment.manager_not_certified": (
        "manager {manager_id} is not certified; an expired CM serves no new customers (R-Q7)",
        "客户经理 {manager_id} 未取得有效资格认证，认证过期的客户经理不得服务新客户（R-Q7）",
    ),
    "customer.assignment.primary_is_co_manager": (
        "the primary responsible manager cannot also be a co-manager (R-C3)",
        "第一负责人不能同时担任协办客户经理（R-C3）",
    ),
    "customer.assignment.team_breaks_rules": (
        "{issues}",
        "客户经理配置不符合规则：{issues}",
    ),
    "customer.assignment.shares_strangers": (
        "shares name managers not serving the customer: {unknown}",
        "分成比例中包含未服务该客户的客户经理：{unknown}",
    ),
    "customer.assignment.share_not_positive": ("every share must be positive", "每一份分成比例都必须大于零"),
    "customer.assignment.shares_not_100": (
        "attribution shares sum to {total}%, not 100% (R-A4)",
        "业绩分成比例合计为 {total}%，不是 100%（R-A4）",
    ),
    "customer.assignment.pool_needs_team": (
        "profit can be pooled only to a team (R-A4)",
        "利润只能归集到客户经理小组（R-A4）",
    ),
    "customer.assignment.pool_has_shares": (
        "a team pool has no individual shares; the team lead allocates it (R-A4)",
        "小组利润池不设个人分成比例，由牵头人分配（R-A4）",
    ),
    "customer.reassignment.same_manager": (
        "a reassignment needs two different managers",
        "移交客户需要两名不同的客户经理",
    ),
    "customer.reassignment.not_served": (
        "some customers are not served by {from_manager_id}",
        "部分客户不由客户经理 {from_manager_id} 服务",
    ),
    "customer.reassignment.failed": ("{file_no}: {reason}", "档案 {file_no}：{reason}"),
    "customer.reassignment.none_moved": (
        "no customer was moved: {failures}",
        "没有移交任何客户：{failures}",
    ),
    # credit recommendations (R-R2, R-R3, R-I1)
    "customer.credit.not_serving": (
        "only a CM serving this customer may recommend business for it (R-R2, R-I1)",
        "只有服务该客户的客户经理才能提出业务建议（R-R2、R-I1）",
    ),
    "customer.credit.product_not_allowed": (
        "grade {grade} may not market the product {product} (R-Q5)",
        "等级 {grade} 不能营销产品 {product}（R-Q5）",
    ),
    "customer.classification.control_request_roles": (
        "only audit, a product department, internal control or a supervisor may set or clear the request "
        "for two or more CMs (R-C3)",
        "只有稽核、产品部门、内控部门或主管部门可以提出或撤销配备两名以上客户经理的要求（R-C3）",
    ),
    "customer.credit.amount_not_positive": ("a recommended amount must be positive", "建议金额必须大于零"),
    "customer.credit.no_cosign_needed": (
        "the recommendation is {status}; it needs no co-sign",
        "业务建议的状态为 {status}，无需会签",
    ),
    "customer.credit.author_cosigns": (
        "the author cannot co-sign their own recommendation (R-I1)",
        "建议人不能会签自己的业务建议（R-I1）",
    ),
    "customer.credit.cosigner_not_senior": (
        "only an active, certified senior CM may co-sign (R-I1)",
        "只有在岗且资格有效的高级客户经理才能会签（R-I1）",
    ),
    "customer.credit.decides_own": (
        "nobody decides on their own recommendation (R-R2)",
        "任何人不得对自己的业务建议作出决定（R-R2）",
    ),
    "customer.credit.not_decidable": (
        "the recommendation is {status} and cannot be decided now",
        "业务建议的状态为 {status}，目前不能作出决定",
    ),
    "customer.credit.cm_only": (
        "only a customer manager recommends business (R-R2)",
        "只有客户经理才能提出业务建议（R-R2）",
    ),
    "customer.credit.not_found": ("recommendation {rec_id} not found", "未找到业务建议 {rec_id}"),
    "customer.credit.decision_unknown": (
        "decision for unknown recommendation {recommendation_id}",
        "决定针对的业务建议 {recommendation_id} 不存在",
    ),
    "customer.credit.approval_without_amount": (
        "an approval carries the approved amount",
        "批准决定必须写明批准金额",
    ),
    "customer.credit.question_not_found": (
        "question {question_id} not found on recommendation {rec_id}",
        "业务建议 {rec_id} 中没有问题 {question_id}",
    ),
    "customer.credit.question_answered": (
        "this question was already answered; answers are not edited (R-R3)",
        "该问题已经回答，回答不得修改（R-R3）",
    ),
    "customer.report.correction_mismatch": (
        "a correction supersedes a report of the same customer and kind",
        "更正只能替代同一客户、同一类型的报告",
    ),
    "customer.report.other_customer": (
        "report {report_id} is not a report on this customer",
        "报告 {report_id} 不是该客户的报告",
    ),
    # pipeline (target customers)
    "customer.pipeline.own_targets": ("a CM adds targets for themself", "客户经理只能为自己添加目标客户"),
    "customer.pipeline.not_found": ("target {prospect_id} not found", "未找到目标客户 {prospect_id}"),
    "customer.pipeline.owner_inactive": ("manager {owner} is not an active CM", "{owner} 不是在岗的客户经理"),
    "customer.pipeline.lost_without_reason": ("say why the target was lost", "请说明目标客户流失的原因"),
    "customer.pipeline.won_without_file": (
        "a won target names the customer file opened for it",
        "已成交的目标客户必须注明为其建立的客户档案",
    ),
    "customer.pipeline.same_stage": ("the target is already {current}", "目标客户已处于 {current} 阶段"),
    "customer.pipeline.won_before_proposal": (
        "a target is won only after a proposal",
        "目标客户须先经过方案阶段才能成交",
    ),
    "customer.pipeline.backwards": (
        "a target moves forward: {current} cannot go back to {new}",
        "目标客户只能向前推进：不能从 {current} 退回 {new}",
    ),
    "customer.pipeline.score_range": ("segmentation scores run from 0 to 10", "细分市场评分范围为 0 到 10"),
    # visits and daily work reports (R-M2, R-R3, R-W4)
    "customer.visit.in_future": (
        "a visit in the future cannot be filed as done (R-M2)",
        "未来的访问不能登记为已完成（R-M2）",
    ),
    "customer.visit.correction_mismatch": (
        "a correction supersedes a visit report of the same customer and kind (R-R3)",
        "更正只能替代同一客户、同一类型的访问报告（R-R3）",
    ),
    "customer.visit.not_found": ("visit {supersedes_id} not found", "未找到访问记录 {supersedes_id}"),
    "customer.day.plan_submitted": ("the plan for {day} was already submitted", "{day} 的工作计划已经提交"),
    "customer.visit.too_old": (
        "a visit more than {days} days ago cannot be filed: check the date",
        "不能登记 {days} 天以前的访问，请检查日期",
    ),
    "customer.visit.next_before_visit": (
        "the next visit must be on or after this visit's day (R-M3)",
        "下次访问日期不能早于本次访问（R-M3）",
    ),
    "customer.day.plan_too_far": (
        "a day's plan is made at most {days} days ahead (R-W4)",
        "工作计划最多只能提前 {days} 天制定（R-W4）",
    ),
    "customer.day.plan_late": (
        "a day's plan is made before the day, not after it (R-W4)",
        "当天的工作计划应在当天之前制定，不能事后补做（R-W4）",
    ),
    "customer.day.outcome_before_plan": (
        "submit the morning plan before the outcome (R-W4)",
        "请先提交早间计划，再提交工作结果（R-W4）",
    ),
    "customer.day.outcome_submitted": (
        "the outcome for {day} was already submitted",
        "{day} 的工作结果已经提交",
    ),
    "customer.day.outcome_early": (
        "the outcome of a day is reported on or after that day (R-W4)",
        "当天的工作结果应在当天或之后报告（R-W4）",
    ),
    "customer.day.own_report": (
        "a CM writes only their own daily report (R-W4)",
        "客户经理只能填写自己的日工作报告（R-W4）",
    ),
    "customer.day.not_found": (
        "no daily report of {manager_id} on {day}",
        "客户经理 {manager_id} 在 {day} 没有日工作报告",
    ),
    "customer.day.task_not_planned": (
        "task {task} is not in the plan of {day}",
        "任务 {task} 不在 {day} 的计划中",
    ),
}
