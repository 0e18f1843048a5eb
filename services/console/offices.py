"""The appraisal by office as the console shows it: the service's rows in tree order, each with its depth."""

from typing import Any

MAX_INDENT = 5  # deeper offices are drawn at this indent (the stylesheet has classes depth-0..depth-5)


def with_depth(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each row with `depth` below the first office shown (its parent is listed before it, or it is a top)."""
    depth: dict[str, int] = {}
    out = []
    for row in rows:
        parent = row.get("parent_id")
        level = depth[parent] + 1 if parent in depth else 0
        depth[str(row.get("office_id"))] = level
        out.append({**row, "depth": level, "indent": min(level, MAX_INDENT)})
    return out


def office_label(row: dict[str, Any]) -> str:
    """An office as "code name" (the name alone when it has no code)."""
    code, name = str(row.get("code") or ""), str(row.get("name") or "")
    return f"{code} {name}".strip() if code and code != name else name or code
