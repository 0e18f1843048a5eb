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
}
