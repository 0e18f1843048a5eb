"""People-facing messages in en and zh-CN: a catalogue of templates, the caller's language, safe rendering.

Pure Python (domain code raises `shared.errors` exceptions that render through it). A key names one
message; its templates take `{name}` parameters, the same in every language. A parameter is shown as
text: lists joined by commas, dates in ISO form, enums by value, and never more than `MAX_ECHO`
characters of it, so a request value cannot come back in an error at length.
"""

import re
import string
from collections.abc import Mapping
from datetime import date
from enum import Enum
from typing import Final

from shared.messages.appraisal import APPRAISAL
from shared.messages.audit import AUDIT
from shared.messages.customer import CUSTOMER
from shared.messages.http import HTTP
from shared.messages.imports import IMPORTS
from shared.messages.staffing import STAFFING

LANGUAGES: Final = ("en", "zh-CN")
DEFAULT_LANGUAGE: Final = "en"
MAX_ECHO: Final = 200
RULE_ID = re.compile(r"\bR-[A-Z]\d+\b")

# key -> (en template, zh-CN template)
CATALOGUE: Final[dict[str, tuple[str, str]]] = {
    **HTTP,
    **CUSTOMER,
    **STAFFING,
    **APPRAISAL,
    **AUDIT,
    **IMPORTS,
}


class Phrase:
    """A message of the catalogue used as a parameter of another, shown in the same language."""

    def __init__(self, key: str, **params: object) -> None:
        self.key, self.params = key, params

    def text(self, language: str) -> str:
        """The phrase in a language."""
        return render(self.key, language, self.params) or self.key


def clip(text: str, limit: int = MAX_ECHO) -> str:
    """The text, cut to `limit` characters with an ellipsis, and without characters that cannot travel."""
    text = text.encode("utf-8", "replace").decode("utf-8").replace("\x00", "")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def show(value: object, language: str = DEFAULT_LANGUAGE) -> str:
    """A parameter as a person reads it: no Python reprs, at most `MAX_ECHO` characters."""
    text_of = getattr(value, "text", None)
    if callable(text_of) and hasattr(value, "key"):  # a phrase or a domain error inside another message
        return clip(str(text_of(language)), MAX_ECHO * 2)
    if isinstance(value, Enum):
        return clip(str(value.value))
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else list(value)
        separator = "；" if language == "zh-CN" else "; "
        if not all(isinstance(i, str) and len(i) < 40 for i in items):
            return clip(separator.join(show(i, language) for i in items), MAX_ECHO * 4)
        return clip(", ".join(items))
    return clip(str(value))


# Codes of the domain's states and kinds that a message names, as a zh-CN reader knows them; only for
# the parameters that carry such a code, so that an id is never "translated".
CODE_PARAMETERS: Final = frozenset({"status", "current", "new", "what", "population"})
CODES_ZH: Final[dict[str, str]] = {
    "staff": "员工（未任客户经理）",
    "active": "在岗",
    "departure_pending": "待离岗",
    "departed": "已离岗",
    "removed": "已免去客户经理职务",
    "pending": "待处理",
    "confirmed": "已确认",
    "rejected": "已驳回",
    "ineligible": "不符合条件",
    "pending_review": "待审查",
    "approved": "已批准",
    "certified": "已认证",
    "awaiting_cosign": "待会签",
    "submitted": "已提交",
    "info_requested": "待补充信息",
    "declined": "已拒绝",
    "target": "目标",
    "contacted": "已联系",
    "visited": "已访问",
    "proposal": "方案",
    "won": "已成交",
    "lost": "已流失",
    "open": "进行中",
    "computed": "已计算",
    "finalized": "已定稿",
    "superseded": "已被更正版本取代",
    "awaiting_portfolio": "待客户清单",
    "in_progress": "稽核中",
    "cleared": "已通过",
    "cancelled": "已撤销",
    "performance": "业务绩效",
    "ability": "工作能力与经验",
    "quality": "服务质量",
    "customers": "客户",
    "visits": "访问记录",
    "recommendations": "业务建议",
    "expenses": "费用",
}


def _in_language(name: str, value: object, language: str) -> object:
    if language != "zh-CN" or name not in CODE_PARAMETERS:
        return value
    code = str(value.value) if isinstance(value, Enum) else value
    return CODES_ZH.get(code, value) if isinstance(code, str) else value


def fields(template: str) -> set[str]:
    """The parameter names a template uses."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def language_of(accept_language: str | None) -> str:
    """zh-CN or en, whichever the Accept-Language header prefers; en when it names neither."""
    best, best_q = DEFAULT_LANGUAGE, 0.0
    for part in (accept_language or "")[:500].split(","):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, number = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(number)
                except ValueError:
                    quality = 0.0
        tag = tag.strip().lower()
        found = "zh-CN" if tag.startswith("zh") else "en" if tag.startswith("en") or tag == "*" else None
        if found and quality > best_q:
            best, best_q = found, quality
    return best


def render(key: str, language: str, params: Mapping[str, object]) -> str | None:
    """The message of `key` in the language with its parameters, or None if the key is unknown."""
    templates = CATALOGUE.get(key)
    if templates is None:
        return None
    template = templates[1] if language == "zh-CN" else templates[0]
    shown = {name: show(_in_language(name, value, language), language) for name, value in params.items()}
    return template.format_map(shown)


def rule_of(key: str, fallback: str = "") -> str | None:
    """The DOMAIN rule a message names (the first, if several), else the one named in `fallback`."""
    templates = CATALOGUE.get(key)
    found = RULE_ID.search(templates[0] if templates else "") or RULE_ID.search(fallback)
    return found.group(0) if found else None
