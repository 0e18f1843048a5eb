"""Money as ¥1,234,567.89 (Decimal, never float) and times in the cooperative's time zone."""

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

FEN = Decimal("0.01")


def money(value: object) -> str:
    """¥ with thousands separators and two places; empty for no value; the text itself if not a number."""
    if value is None or value == "":
        return ""
    if isinstance(value, float):
        raise TypeError("money is never a float")
    try:
        amount = Decimal(str(value)).quantize(FEN)
    except (InvalidOperation, ValueError):
        return str(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}¥{abs(amount):,.2f}"


def percent(value: object) -> str:
    """A share such as 33.33 as "33.33%"."""
    if value is None or value == "":
        return ""
    try:
        return f"{Decimal(str(value)).quantize(FEN)}%"
    except (InvalidOperation, ValueError):
        return str(value)


def _parse(value: object) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and value:
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    return None


def local_time(value: object, zone: ZoneInfo) -> str:
    """An API time (aware UTC) as YYYY-MM-DD HH:MM in the cooperative's zone; naive is taken as UTC."""
    moment = _parse(value)
    if moment is None:
        return "" if value is None else str(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def local_date(value: object) -> str:
    """A date as YYYY-MM-DD."""
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)[:10]


def today_in(zone: ZoneInfo) -> date:
    """Today in the cooperative's time zone (a CM's day starts at their midnight)."""
    return datetime.now(zone).date()
