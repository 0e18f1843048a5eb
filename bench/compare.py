"""A run's figures against the previous run's (bench/results/<name>.previous.json), so a regression shows."""

import json
from pathlib import Path
from typing import Any

SKIP = {"benchmark", "measured_at", "machine"}


def numbers(result: dict[str, Any], prefix: str = "") -> dict[str, float]:
    """Every numeric figure of a result, nested ones named with dots (lists and booleans left out)."""
    found: dict[str, float] = {}
    for key, value in result.items():
        if key in SKIP and not prefix:
            continue
        name = f"{prefix}{key}"
        if isinstance(value, bool):
            continue
        if isinstance(value, int | float):
            found[name] = float(value)
        elif isinstance(value, dict):
            found.update(numbers(value, f"{name}."))
    return found


def table(previous: dict[str, Any], current: dict[str, Any]) -> str:
    """A plain-text table: figure, previous, now, change in percent."""
    before, now = numbers(previous), numbers(current)
    load_then = previous.get("machine", {}).get("load_average", "?")
    load_now = current.get("machine", {}).get("load_average", "?")
    lines = [
        f"{current.get('benchmark')}: against the run of {previous.get('measured_at', '?')} "
        f"(load average then {load_then}, now {load_now})",
        f"  {'figure':<40} {'previous':>14} {'now':>14} {'change':>8}",
    ]
    for name in sorted(now):
        then = before.get(name)
        if then is None:
            lines.append(f"  {name:<40} {'-':>14} {now[name]:>14,.3f} {'new':>8}")
            continue
        change = f"{(now[name] - then) / abs(then) * 100:+.0f}%" if then else "-"
        lines.append(f"  {name:<40} {then:>14,.3f} {now[name]:>14,.3f} {change:>8}")
    return "\n".join(lines)


def keep_previous(path: Path) -> dict[str, Any] | None:
    """Move the last run's result aside (to `<name>.previous.json`) and return it, if there was one."""
    if not path.exists():
        return None
    try:
        previous: dict[str, Any] = json.loads(path.read_text())
    except ValueError:
        return None
    path.with_suffix(".previous.json").write_text(json.dumps(previous, indent=2) + "\n")
    return previous
