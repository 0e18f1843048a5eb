"""Messages of the staffing service's refusals: key -> (en, zh-CN)."""

STAFFING: dict[str, tuple[str, str]] = {
    "staffing.manager.not_found": ("manager {manager_id} not found", "未找到客户经理 {manager_id}"),
    "staffing.roster.duplicate_employee_no": (
        "employee number {employee_no} is already on the roll",
        "员工编号 {employee_no} 已在花名册中",
    ),
    "staffing.roster.validity_too_long": (
        "a certification is valid for at most {validity_years} years (R-Q7)",
        "资格认证的有效期最长为 {validity_years} 年（R-Q7）",
    ),
    # certification (R-Q2, R-Q6, R-Q7)
    "staffing.exam.in_future": ("the exam date cannot be in the future", "考试日期不能晚于今天"),
    "staffing.exam.expired": ("this exam result has already expired (R-Q7)", "该考试成绩已经过期（R-Q7）"),
    "staffing.exam.score_range": (
        "{name} score must be between 0 and 100",
        "{name} 成绩必须在 0 到 100 之间",
    ),
    "staffing.exam.not_reviewed": (
        "no approved qualification application: review comes before the exam (R-Q2)",
        "没有已通过的资格审查申请：先资格审查，后等级考试（R-Q2）",
    ),
    "staffing.exam.other_grade": (
        "the approved application is for grade {target_grade}, not {grade}",
        "已通过的申请针对等级 {target_grade}，而不是 {grade}",
    ),
    "staffing.exam.manager_inactive": (
        "manager {manager_id} is {status}; no certification (R-I6)",
        "客户经理 {manager_id} 的状态为 {status}，不予资格认证（R-I6）",
    ),
    "staffing.exam.renewal_grade": (
        "renewal is at the CM's grade {grade}; grade changes follow R-Q8",
        "续期按客户经理当前等级 {grade} 进行；等级变动按 R-Q8 办理",
    ),
    # departure (R-I6)
    "staffing.departure.not_active": (
        "a departure can only be requested for an active manager (status is {status})",
        "只有在岗的客户经理才能申请离岗（当前状态为 {status}）",
    ),
    "staffing.departure.last_day_past": (
        "the intended last day cannot be in the past",
        "拟离岗日期不能早于今天",
    ),
    "staffing.departure.not_pending": (
        "only a pending departure can be withdrawn (status is {status})",
        "只有待处理的离岗申请才能撤回（当前状态为 {status}）",
    ),
    "staffing.departure.cleared_not_pending": (
        "departure cleared for a manager who is {status}, not departure_pending",
        "离岗稽核通过时客户经理的状态为 {status}，而不是待离岗",
    ),
    "staffing.departure.manager_not_active": (
        "{what}: the manager is {status}, not active (R-I6)",
        "{what}：客户经理的状态为 {status}，不在岗（R-I6）",
    ),
    "staffing.departure.cleared_by_other": (
        'a departure is cleared by audit only, not by "{producer}" (R-I6)',
        "离岗只能由稽核部门确认，而不是“{producer}”（R-I6）",
    ),
    "staffing.departure.unknown_manager": (
        "departure cleared for unknown manager {manager_id}",
        "离岗稽核通过的客户经理 {manager_id} 不存在",
    ),
    # expenses
    "staffing.expense.not_positive": ("an expense amount must be positive", "费用金额必须大于零"),
    "staffing.expense.too_old": (
        "an expense more than {years} years back cannot be recorded: check the date (R-P2)",
        "不能登记 {years} 年以前的费用，请检查日期（R-P2）",
    ),
    "staffing.expense.in_future": ("an expense cannot be dated in the future", "费用日期不能晚于今天"),
    "staffing.expense.year_closed": ("the expense year {year} is closed", "{year} 年度的费用已经结账"),
    "staffing.expense.year_already_closed": (
        "the expense year {year} is already closed",
        "{year} 年度的费用已经结账，不能重复结账",
    ),
    "staffing.expense.own_only": ("a CM records only their own expenses", "客户经理只能登记自己的费用"),
    "staffing.expense.year_not_finished": ("only a finished year can be closed", "只有已结束的年度才能结账"),
    "staffing.expense.manager_inactive": (
        "manager {manager_id} is {status} and cannot record expenses",
        "客户经理 {manager_id} 的状态为 {status}，不能登记费用",
    ),
    "staffing.expense.customer_not_served": (
        "customer {customer_id} is not a customer {manager_id} serves (R-P2)",
        "客户 {customer_id} 不是客户经理 {manager_id} 服务的客户（R-P2）",
    ),
    "staffing.budget.past_year": (
        "budgets of past years are kept as they were",
        "以往年度的预算保持原样，不能修改",
    ),
    "staffing.budget.negative": ("a budget cannot be negative", "预算不能为负数"),
    # grades (R-Q3, R-Q8, R-C2)
    "staffing.grade.top_of_ladder": (
        "grade {current} is at the top of the ladder; cannot promote",
        "等级 {current} 已是等级序列的最高级，不能晋升",
    ),
    "staffing.grade.bottom_of_ladder": (
        "grade {current} is at the bottom of the ladder; cannot demote",
        "等级 {current} 已是等级序列的最低级，不能降级",
    ),
    "staffing.grade.proposal_decided": (
        "the proposal is already {status}",
        "该等级调整建议已经是 {status} 状态",
    ),
    "staffing.grade.confirm_own": (
        "a grade proposal must be confirmed by someone other than its maker (R-Q8)",
        "等级调整建议须由提出人以外的人确认（R-Q8）",
    ),
    "staffing.grade.manager_inactive_proposal": (
        "manager {manager_id} is {status}; grades are proposed for active CMs (R-Q8)",
        "客户经理 {manager_id} 的状态为 {status}；只为在岗客户经理提出等级调整（R-Q8）",
    ),
    "staffing.grade.proposed_unknown_manager": (
        "grade proposed for unknown manager {manager_id}",
        "等级调整建议针对的客户经理 {manager_id} 不存在",
    ),
    "staffing.grade.proposal_not_found": (
        "grade proposal {proposal_id} not found",
        "未找到等级调整建议 {proposal_id}",
    ),
    "staffing.grade.manager_inactive": (
        "manager {manager_id} is {status}; only an active CM's grade changes",
        "客户经理 {manager_id} 的状态为 {status}；只有在岗客户经理的等级可以变动",
    ),
    "staffing.grade.unchanged": (
        "manager {manager_id} is already {target}",
        "客户经理 {manager_id} 已经是 {target} 等级",
    ),
    "staffing.grade.proposal_stale": (
        "the CM's grade or status changed since the proposal; it no longer applies",
        "提出建议后客户经理的等级或状态已变化，该建议不再适用",
    ),
    "staffing.ladder.unknown_grade": (
        'unknown grade "{code}"; the ladder has: {known}',
        "未知等级“{code}”；等级序列中有：{known}",
    ),
    "staffing.ladder.empty": ("a ladder needs at least one grade (R-Q3)", "等级序列至少需要一个等级（R-Q3）"),
    "staffing.ladder.duplicate_codes": ("grade codes must be unique", "等级代码不能重复"),
    "staffing.ladder.duplicate_rank": ("two grades share a rank and level", "两个等级的级别和档次相同"),
    "staffing.ladder.no_lead_grade": (
        "a ladder needs a grade that may lead teams (R-C2)",
        "等级序列中必须有一个可以担任小组牵头人的等级（R-C2）",
    ),
    "staffing.ladder.weights_sum": (
        "grade {grade}: certification weights sum to {total}, not 1 (R-Q6)",
        "等级 {grade}：资格认证权重之和为 {total}，不是 1（R-Q6）",
    ),
    "staffing.ladder.pass_mark_range": (
        "grade {grade}: pass mark must be between 0 and 100",
        "等级 {grade}：及格分数必须在 0 到 100 之间",
    ),
    "staffing.ladder.unknown_classes": (
        "grade {grade}: unknown customer classes {unknown}",
        "等级 {grade}：未知的客户类别 {unknown}",
    ),
    "staffing.ladder.negative_amounts": (
        "grade {grade}: pay, budgets, rates and limits cannot be negative",
        "等级 {grade}：收入、预算、比率和授权额度不能为负数",
    ),
    "staffing.ladder.effective_in_past": (
        "a new ladder version cannot take effect in the past",
        "新版等级序列的生效日期不能早于今天",
    ),
    # qualification (R-Q2)
    "staffing.qualification.active_application": (
        "the candidate already has an active qualification application",
        "该候选人已有一份进行中的资格审查申请",
    ),
    "staffing.qualification.review_own": (
        "an applicant cannot review their own qualification application (R-Q2)",
        "申请人不能审查自己的资格审查申请（R-Q2）",
    ),
    "staffing.qualification.not_pending": (
        "the application is {status}, not pending review",
        "该申请的状态为 {status}，不是待审查",
    ),
    "staffing.qualification.hire_in_future": (
        "the hire date cannot be in the future",
        "入职日期不能晚于今天",
    ),
    "staffing.qualification.record_incomplete": (
        "the staff record lacks a hire date or education; HR must complete it first",
        "员工档案缺少入职日期或学历，须先由人力资源部门补全",
    ),
    "staffing.qualification.hr_or_self": (
        "only HR or the staff member themself may apply",
        "只有人力资源部门或员工本人可以提出申请",
    ),
    "staffing.qualification.not_staff": (
        "{staff_id} is {status}; only staff not yet on the CM post apply",
        "{staff_id} 的状态为 {status}；只有尚未担任客户经理的员工可以申请",
    ),
    "staffing.qualification.not_found": (
        "application {application_id} not found",
        "未找到申请 {application_id}",
    ),
    # teams (R-C2, R-I6, R-Q7)
    "staffing.team.lead_inactive": (
        "manager {manager_id} is {status} and cannot lead a team (R-C2, R-I6)",
        "客户经理 {manager_id} 的状态为 {status}，不能担任小组牵头人（R-C2、R-I6）",
    ),
    "staffing.team.lead_not_certified": (
        "manager {manager_id} is not certified and cannot lead a team (R-C2, R-Q7)",
        "客户经理 {manager_id} 未取得有效资格认证，不能担任小组牵头人（R-C2、R-Q7）",
    ),
    "staffing.team.lead_not_senior": (
        "manager {manager_id} is not of a senior grade and cannot lead a team (R-C2)",
        "客户经理 {manager_id} 不是高级客户经理，不能担任小组牵头人（R-C2）",
    ),
    "staffing.team.member_inactive": (
        "manager {manager_id} is {status} and cannot join a team (R-I6)",
        "客户经理 {manager_id} 的状态为 {status}，不能加入小组（R-I6）",
    ),
    "staffing.team.member_not_certified": (
        "manager {manager_id} is not certified and cannot join a team (R-Q7)",
        "客户经理 {manager_id} 未取得有效资格认证，不能加入小组（R-Q7）",
    ),
    "staffing.team.already_member": (
        "manager {manager_id} is already in this team",
        "客户经理 {manager_id} 已在该小组中",
    ),
    "staffing.team.not_found": ("team {team_id} not found", "未找到客户经理小组 {team_id}"),
    "staffing.team.dissolved": ("team {team_id} was dissolved", "客户经理小组 {team_id} 已解散"),
    "staffing.team.lead_leaves": (
        "the lead cannot leave the team; dissolve it or form a new one",
        "牵头人不能退出小组；请解散该小组或组建新的小组",
    ),
    "staffing.team.not_member": (
        "manager {manager_id} is not in team {team_id}",
        "客户经理 {manager_id} 不在小组 {team_id} 中",
    ),
    "staffing.office.not_found": ("office {office_id} not found", "未找到机构 {office_id}"),
    "staffing.office.root_exists": (
        "the cooperative already has its head office (the root of the tree)",
        "本联社已有总部机构（机构树的根）",
    ),
    "staffing.office.root_fixed": (
        "the cooperative's head office is the root of the tree and cannot move or be moved under nothing",
        "联社总部是机构树的根，不能移动，其他机构也不能移到根之外",
    ),
    "staffing.office.before_opening": (
        "office {office_id} did not exist yet on that date",
        "机构 {office_id} 在该日期尚未设立",
    ),
    "staffing.office.cycle": (
        "office {office_id} cannot be placed under itself or an office below it",
        "机构 {office_id} 不能置于自身或其下级机构之下",
    ),
    "staffing.office.parent_unknown": (
        "office {office_id} does not exist on {on}",
        "机构 {office_id} 在 {on} 不存在",
    ),
    "staffing.office.code_taken": ("office code {code} is already used", "机构代码 {code} 已被使用"),
    "staffing.login.taken": (
        "login {login} is already linked to manager {manager_id}",
        "登录名 {login} 已关联到客户经理 {manager_id}",
    ),
    "staffing.manager.no_login": (
        "manager {manager_id} has no linked login",
        "客户经理 {manager_id} 未关联登录名",
    ),
}
