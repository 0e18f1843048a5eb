"""Messages of the HTTP layer: problem titles per code, field errors, authentication, limits."""

# The stable problem codes, their status and title: the list docs/integration.md documents.
PROBLEM_CODES: dict[str, int] = {
    "bad_request": 400,
    "malformed_body": 400,
    "unauthorized": 401,
    "forbidden": 403,
    "role_required": 403,
    "not_found": 404,
    "method_not_allowed": 405,
    "conflict": 409,
    "payload_too_large": 413,
    "unsupported_media_type": 415,
    "validation_failed": 422,
    "invalid_input": 422,
    "rule_violation": 422,
    "too_many_requests": 429,
    "idempotency_key_reused": 422,
    "idempotency_key_in_flight": 409,
    "internal_error": 500,
    "unavailable": 503,
}

HTTP: dict[str, tuple[str, str]] = {
    # titles: one per problem code
    "title.bad_request": ("Bad request", "请求有误"),
    "title.malformed_body": ("Malformed request body", "请求体格式错误"),
    "title.unauthorized": ("Not authenticated", "未通过身份认证"),
    "title.forbidden": ("Forbidden", "无权执行此操作"),
    "title.role_required": ("Role required", "需要相应角色"),
    "title.not_found": ("Not found", "未找到"),
    "title.method_not_allowed": ("Method not allowed", "不支持该请求方法"),
    "title.conflict": ("Conflict", "与当前状态冲突"),
    "title.payload_too_large": ("Request body too large", "请求体过大"),
    "title.unsupported_media_type": ("Unsupported media type", "不支持的媒体类型"),
    "title.validation_failed": ("Invalid input", "输入无效"),
    "title.invalid_input": ("Input cannot be processed", "输入无法处理"),
    "title.rule_violation": ("Refused by a business rule", "业务规则不允许"),
    "title.too_many_requests": ("Too many requests", "请求过于频繁"),
    "title.idempotency_key_reused": (
        "Idempotency-Key used for another request",
        "Idempotency-Key 已用于另一请求",
    ),
    "title.idempotency_key_in_flight": (
        "Request with this Idempotency-Key still running",
        "该 Idempotency-Key 的请求仍在处理",
    ),
    "http.idempotency.key_invalid": (
        "Idempotency-Key must be 1 to 255 visible ASCII characters",
        "Idempotency-Key 必须是 1 至 255 个可见 ASCII 字符",
    ),
    "http.idempotency.key_reused": (
        "Idempotency-Key {key} was used for another request ({request}); use a new key",
        "Idempotency-Key {key} 已用于另一个请求（{request}），请使用新的键",
    ),
    "http.idempotency.in_flight": (
        "the request with this Idempotency-Key is still running; retry in a moment",
        "使用该 Idempotency-Key 的请求仍在处理中，请稍后重试",
    ),
    "http.idempotency.unavailable": (
        "the database is unavailable; nothing was changed, retry with the same Idempotency-Key",
        "数据库暂不可用，未做任何更改，请使用同一 Idempotency-Key 重试",
    ),
    "title.internal_error": ("Internal error", "内部错误"),
    "title.unavailable": ("Service unavailable", "服务暂不可用"),
    # details of the HTTP layer's own refusals
    "http.bad_request": ("the request is malformed", "请求格式有误"),
    "http.not_found": (
        "nothing is at {path}; the API is described at /docs",
        "{path} 不存在；接口说明见 /docs",
    ),
    "http.method_not_allowed": (
        "{method} is not allowed on {path}",
        "{path} 不支持 {method} 方法",
    ),
    "http.body_too_large": (
        "the request body exceeds {limit} bytes; nothing was changed",
        "请求体超过 {limit} 字节，未做任何更改",
    ),
    "http.media_type": (
        "send the request body as application/json (UTF-8)",
        "请以 application/json（UTF-8）格式发送请求体",
    ),
    "http.body_not_utf8": ("the request body is not valid UTF-8", "请求体不是有效的 UTF-8 编码"),
    "http.body_not_json": (
        "the request body is not valid JSON (line {line}, column {column})",
        "请求体不是有效的 JSON（第 {line} 行，第 {column} 列）",
    ),
    "http.number_not_finite": (
        "numbers must be finite: NaN, Infinity and out-of-range numbers are refused",
        "数字必须是有限值：不接受 NaN、Infinity 或超出范围的数字",
    ),
    "http.nul_character": (
        "the {part} contains a NUL character (\\u0000), which cannot be stored",
        "{part}中含有无法保存的空字符（\\u0000）",
    ),
    "http.lone_surrogate": (
        "the {part} contains an unpaired UTF-16 surrogate, which is not text",
        "{part}中含有不成对的 UTF-16 代理字符，不是有效文本",
    ),
    "http.part.body": ("request body", "请求体"),
    "http.part.query": ("query string", "查询参数"),
    "http.part.path": ("path", "路径"),
    "http.validation": (
        "{count} field(s) of the request are invalid; see errors",
        "请求中有 {count} 个字段无效，详见 errors",
    ),
    "http.validation_more": (
        "{count} field(s) of the request are invalid; the first {shown} are listed in errors",
        "请求中有 {count} 个字段无效，errors 中列出了前 {shown} 个",
    ),
    "http.rate_limited": (
        "too many write requests from this user; retry in {seconds} s",
        "该用户的写请求过于频繁，请在 {seconds} 秒后重试",
    ),
    "http.internal_error": (
        "an unexpected error occurred; it was logged under the correlation id {correlation_id}",
        "发生意外错误，已按关联编号 {correlation_id} 记录",
    ),
    "http.unavailable": (
        "the database is unavailable; nothing was changed, retry later",
        "数据库暂不可用，未做任何更改，请稍后重试",
    ),
    "http.lost_update": (
        "the record was changed by someone else meanwhile; reload and retry",
        "该记录已被他人修改，请刷新后重试",
    ),
    "http.duplicate": (
        "the request conflicts with existing data (a duplicate?); nothing was changed",
        "请求与现有数据冲突（可能重复），未做任何更改",
    ),
    # authentication and roles
    "auth.missing_token": ("missing bearer token", "缺少 Bearer 令牌"),
    "auth.token_expired": ("token expired", "令牌已过期"),
    "auth.invalid_token": ("invalid token: {reason}", "令牌无效：{reason}"),
    "auth.token_too_long_lived": (
        "invalid token: it lives longer than the {hours} h allowed",
        "令牌无效：有效期超过允许的 {hours} 小时",
    ),
    "auth.reason.missing_claim": ("it lacks the {claim} claim", "缺少 {claim} 声明"),
    "auth.reason.signature": ("the signature does not match", "签名不符"),
    "auth.reason.algorithm": ("the algorithm is not allowed", "不允许使用该签名算法"),
    "auth.reason.malformed": ("it is not a well-formed JWT", "不是格式正确的 JWT"),
    "auth.reason.audience": ("wrong audience", "受众（aud）不符"),
    "auth.reason.issuer": ("wrong issuer", "签发者（iss）不符"),
    "auth.reason.not_yet_valid": ("it is not valid yet", "尚未生效"),
    "auth.reason.claims": (
        "its roles, user or cooperative are missing or unknown",
        "角色、用户或信用社缺失或无法识别",
    ),
    "auth.reason.other": ("it is not a valid token", "不是有效的令牌"),
    "auth.reason.unknown_key": (
        "its signing key is not one of the identity provider's keys",
        "签名密钥不在身份提供方的密钥集中",
    ),
    "auth.reason.keys_unavailable": (
        "the identity provider's keys cannot be fetched now",
        "暂时无法获取身份提供方的密钥",
    ),
    "auth.roles_required": ("requires one of the roles: {roles}", "需要以下角色之一：{roles}"),
    # field errors (pydantic's error types, read by a person)
    "field.missing": ("this field is required", "此字段为必填项"),
    "field.extra_forbidden": ("unknown field; it is not part of this request", "未知字段，不属于此请求"),
    "field.string_type": ("must be text", "必须是文本"),
    "field.string_too_short": (
        "must have at least {min_length} character(s)",
        "至少需要 {min_length} 个字符",
    ),
    "field.string_too_long": ("must have at most {max_length} character(s)", "最多 {max_length} 个字符"),
    "field.string_pattern_mismatch": ("must match the pattern {pattern}", "必须符合格式 {pattern}"),
    "field.number": ("must be a number", "必须是数字"),
    "field.integer": ("must be a whole number", "必须是整数"),
    "field.decimal_places": (
        "must have at most {decimal_places} decimal place(s)",
        "最多 {decimal_places} 位小数",
    ),
    "field.decimal_digits": ("has too many digits", "位数过多"),
    "field.greater_than": ("must be greater than {gt}", "必须大于 {gt}"),
    "field.greater_than_equal": ("must be at least {ge}", "必须大于或等于 {ge}"),
    "field.less_than": ("must be less than {lt}", "必须小于 {lt}"),
    "field.less_than_equal": ("must be at most {le}", "必须小于或等于 {le}"),
    "field.one_of": ("must be one of: {expected}", "必须是以下之一：{expected}"),
    "field.bool": ("must be true or false", "必须是 true 或 false"),
    "field.date": ("must be a date (YYYY-MM-DD)", "必须是日期（YYYY-MM-DD）"),
    "field.datetime": (
        "must be a date and time with its offset (2025-01-31T09:30:00+08:00)",
        "必须是带时区偏移的日期时间（2025-01-31T09:30:00+08:00）",
    ),
    "field.timezone": ("must carry a timezone offset", "必须带有时区偏移"),
    "field.list": ("must be a list", "必须是列表"),
    "field.object": ("must be an object", "必须是对象"),
    "field.too_short": ("needs at least {min_length} item(s)", "至少需要 {min_length} 项"),
    "field.too_long": ("takes at most {max_length} item(s)", "最多 {max_length} 项"),
    "field.finite": ("must be a finite number", "必须是有限的数字"),
    "field.json": ("is not valid JSON", "不是有效的 JSON"),
    "field.value_error": ("{reason}", "取值无效：{reason}"),
    "field.invalid": ("is not a valid value", "取值无效"),
}

# what each code means, served at GET /problems/{code}
HTTP.update(
    {
        "about.bad_request": (
            "The request is malformed; fix it before retrying.",
            "请求格式有误，请修正后再试。",
        ),
        "about.malformed_body": (
            "The body is not UTF-8 JSON. Send JSON encoded as UTF-8.",
            "请求体不是 UTF-8 编码的 JSON，请以 UTF-8 编码发送 JSON。",
        ),
        "about.unauthorized": (
            "No bearer token, or one that is expired, forged or lives too long. Get a new token.",
            "缺少 Bearer 令牌，或令牌已过期、无效或有效期过长。请重新获取令牌。",
        ),
        "about.forbidden": (
            "The caller may not do this to this object (ownership, cooperative or a rule of who may act).",
            "调用者无权对该对象执行此操作（归属、所属信用社或操作权限规则）。",
        ),
        "about.role_required": (
            "None of the caller's roles may call this operation; detail names the roles that may.",
            "调用者的角色均无权调用此操作；detail 列出了有权调用的角色。",
        ),
        "about.not_found": (
            "The object does not exist or is not visible to the caller; both answer alike.",
            "对象不存在或调用者无权查看；两种情况答复相同。",
        ),
        "about.method_not_allowed": (
            "The path exists but not with this HTTP method; see /docs.",
            "该路径存在，但不支持此 HTTP 方法；请查看 /docs。",
        ),
        "about.conflict": (
            "The object's current state does not allow this, or someone changed it meanwhile. "
            "Reload, then decide.",
            "对象的当前状态不允许此操作，或已被他人修改。请刷新后再决定。",
        ),
        "about.payload_too_large": (
            "The body exceeds the service's limit (HTTP_MAX_BODY_BYTES). Nothing was changed.",
            "请求体超过服务的限制（HTTP_MAX_BODY_BYTES），未做任何更改。",
        ),
        "about.unsupported_media_type": (
            "Bodies are application/json in UTF-8.",
            "请求体须为 UTF-8 编码的 application/json。",
        ),
        "about.validation_failed": (
            "Some fields are invalid; errors lists each with its location and a message.",
            "部分字段无效；errors 列出了每个字段的位置和说明。",
        ),
        "about.invalid_input": (
            "The input holds what cannot be stored or computed: NaN or infinite numbers, NUL characters, "
            "unpaired surrogates.",
            "输入中含有无法保存或计算的内容：NaN 或无穷大的数字、空字符、不成对的代理字符。",
        ),
        "about.rule_violation": (
            "A business rule refused the request; rule_id names it (see docs/rules.md). Nothing was changed.",
            "业务规则拒绝了该请求；rule_id 给出规则编号（见 docs/rules.md）。未做任何更改。",
        ),
        "about.too_many_requests": (
            "Too many writes from this user; wait Retry-After seconds.",
            "该用户的写请求过多，请等待 Retry-After 秒后重试。",
        ),
        "about.internal_error": (
            "An unexpected error; report the X-Correlation-ID of the answer.",
            "发生意外错误；请报告响应中的 X-Correlation-ID。",
        ),
        "about.unavailable": (
            "The database is unavailable; nothing was changed. Retry after Retry-After seconds.",
            "数据库暂不可用，未做任何更改。请在 Retry-After 秒后重试。",
        ),
        "about.idempotency_key_reused": (
            "The Idempotency-Key was already used for a different request (another body or path), or is "
            "malformed. Send a new key with each new request, and the same key only when retrying it.",
            "该 Idempotency-Key 已用于另一个请求（请求体或路径不同），或格式不正确。每个新请求请使用新的键，"
            "只有重试同一请求时才使用同一个键。",
        ),
        "about.idempotency_key_in_flight": (
            "The first request with this Idempotency-Key is still being processed. Retry in a moment with "
            "the same key: you will get its answer.",
            "使用该 Idempotency-Key 的第一个请求仍在处理中。请稍后用同一个键重试，将得到它的结果。",
        ),
    }
)

# The schemas' own validators speak English (pydantic's value_error); their zh-CN wording, by pattern.
VALIDATOR_ZH: tuple[tuple[str, str], ...] = (
    (
        r'^money must be given as a string such as "1234\.56", not a float$',
        '金额须以字符串给出（如 "1234.56"），不能是浮点数',
    ),
    (r"^not a decimal amount: .*$", "不是有效的十进制金额"),
    (r"^money must be a decimal string, got (\w+)$", "金额须为十进制字符串，实际为 {0}"),
    (r"^money must be a finite amount$", "金额必须是有限值"),
    (r"^money has at most two decimal places \(fen\)$", "金额最多保留两位小数（分）"),
    (r"^money amount out of range$", "金额超出范围"),
    (r"^a (\w+) visit carries exactly its own record \((\w+)\)$", "{0} 访问只能带有它自己的记录（{1}）"),
    (r"^a sales visit needs its R-D2 plan$", "销售访问须附 R-D2 访问计划"),
    (r"^only a sales visit has a sales plan$", "只有销售访问才有销售计划"),
)
