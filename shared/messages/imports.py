"""Messages of bulk imports (`steward import`): each problem names the file, row and column."""

IMPORTS: dict[str, tuple[str, str]] = {
    "import.required": ("a value is required", "必填"),
    "import.too_long": ("at most {max_length} characters", "最多 {max_length} 个字符"),
    "import.bad_date": ("{value} is not a date (YYYY-MM-DD)", "{value} 不是日期（格式 YYYY-MM-DD）"),
    "import.bad_amount": ("{value} is not an amount in yuan", "{value} 不是有效的金额（元）"),
    "import.bad_flag": ("{value} is not yes or no (是/否)", "{value} 不是“是”或“否”"),
    "import.bad_code": ("{value} is not one of {allowed}", "{value} 不在可选值 {allowed} 之中"),
    "import.duplicate": ("{value} is already on line {line}", "{value} 已出现在第 {line} 行"),
    "import.office_unknown": ("no office with code {value}", "没有代码为 {value} 的机构"),
    "import.office_required": (
        "a new staff member belongs to an office: give its office code",
        "新员工须属于某个机构：请填写所属机构代码",
    ),
    "import.office_outside_scope": (
        "the customer's office is outside the offices you manage",
        "该客户所属机构不在您管辖的机构范围内",
    ),
    "import.outside_scope": (
        "customer {value} belongs to an office outside the offices you manage",
        "客户 {value} 属于您管辖范围以外的机构",
    ),
    "import.second_root": (
        "only the head office has no parent office; {value} is already the head office",
        "只有联社总部没有上级机构；总部已是 {value}",
    ),
    "import.cycle": ("office {value} would be under itself", "机构 {value} 将成为自己的下级"),
    "import.grade_unknown": ("no grade {value} in the ladder in force", "现行等级体系中没有等级 {value}"),
    "import.manager_unknown": ("no CM with employee number {value}", "没有工号为 {value} 的客户经理"),
    "import.team_unknown": ("no live team {value}", "没有有效的客户经理小组 {value}"),
    "import.primary_is_co": (
        "the primary CM {value} is also listed as a co-manager",
        "第一负责人 {value} 同时被列为协办客户经理",
    ),
    "import.customer_unknown": (
        "no customer with core-banking number {value}",
        "没有核心系统客户号为 {value} 的客户",
    ),
    "import.as_of_ahead": (
        "{value} is in the future; balances are as of a past date",
        "{value} 是将来的日期；余额须为过去某日的余额",
    ),
    "import.balances_newer": (
        "balances as of {as_of} are already on record (newest wins, R-C5); this row changes nothing,"
        " a correction needs a later as-of date",
        "系统中已有截至 {as_of} 的余额（以最新为准，R-C5）；本行不做更改，更正须使用更晚的余额日期",
    ),
}
