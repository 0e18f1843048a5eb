"""Message catalogues (Babel .po, read at start-up), the user's language, and code labels."""

from collections.abc import Callable
from contextvars import ContextVar
from pathlib import Path

from babel.messages.pofile import read_po
from starlette.requests import Request

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"
LOCALES = ("zh_CN", "en")
LANG_COOKIE = "steward_lang"
HTTP_LANG = {"zh_CN": "zh-CN", "en": "en"}

current_locale: ContextVar[str] = ContextVar("current_locale", default="zh_CN")


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "mark, translate later"
    """Mark a string for extraction; it is translated where it is shown."""
    return message


def load_catalogue(locale: str) -> dict[str, str]:
    """msgid → msgstr of one locale's .po file (English msgids need no catalogue)."""
    path = LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    return {
        str(m.id): str(m.string)
        for m in catalog
        if m.id and isinstance(m.id, str) and m.string and not m.fuzzy
    }


CATALOGUES: dict[str, dict[str, str]] = {locale: load_catalogue(locale) for locale in LOCALES}


def translate(message: str, locale: str | None = None) -> str:
    """The message in the locale (current one by default); the English source when there is none."""
    return CATALOGUES.get(locale or current_locale.get(), {}).get(message, message)


def gettext(message: str) -> str:
    """Jinja's `_()`."""
    return translate(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Jinja's plural form; Chinese has one form."""
    return translate(singular if n == 1 else plural)


def negotiate(request: Request, default: str) -> str:
    """The cookie's language, else the best of Accept-Language, else the default (zh-CN)."""
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in LOCALES:
        return chosen
    header = request.headers.get("accept-language", "")
    ranked: list[tuple[float, str]] = []
    for part in header.split(","):
        piece = part.strip().split(";q=")
        tag = piece[0].strip().lower()
        try:
            weight = float(piece[1]) if len(piece) > 1 else 1.0
        except ValueError:
            continue
        if tag.startswith("zh"):
            ranked.append((weight, "zh_CN"))
        elif tag.startswith("en"):
            ranked.append((weight, "en"))
    return max(ranked, key=lambda r: r[0])[1] if ranked else default


Translator = Callable[[str], str]
