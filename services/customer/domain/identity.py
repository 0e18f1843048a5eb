"""Identity of a customer outside Steward: core banking's number and the ID document (kept hashed)."""

import hashlib
import hmac
import re
import unicodedata

_SEPARATORS = re.compile(r"[\s-]+")


def normalized_document(number: str) -> str:
    """The ID-document number as compared: no spaces or hyphens, upper case (the `x` check digit)."""
    return _SEPARATORS.sub("", number).upper()


def document_hash(key: bytes, number: str) -> str:
    """HMAC-SHA256 of the normalized number: equal numbers match, the number cannot be read back."""
    return hmac.new(key, normalized_document(number).encode(), hashlib.sha256).hexdigest()


_NOT_DIGIT = re.compile(r"\D")
_PHONE_LIKE = re.compile(r"^[\d\s+()-]+$")
MIN_PHONE_DIGITS = 4


def name_key(name: str) -> str:
    """The name as searched: compatibility forms folded (full-width letters), case folded."""
    return unicodedata.normalize("NFKC", name).casefold().strip()


def phone_key(contact: str | None) -> str | None:
    """The contact's digits reversed, so that a number's ending is a prefix (`…0138000` finds `+86 138…`)."""
    digits = _NOT_DIGIT.sub("", contact or "")
    return digits[::-1] if len(digits) >= MIN_PHONE_DIGITS else None


def phone_query(text: str) -> str | None:
    """The reversed digits a search text stands for, if it looks like (the end of) a phone number."""
    return phone_key(text) if _PHONE_LIKE.match(text) else None


def prefix_range(prefix: str) -> tuple[str, str]:
    """[low, high) holding exactly the strings starting with `prefix`, in code point (byte) order."""
    last = prefix[-1]
    return prefix, prefix[:-1] + (chr(ord(last) + 1) if ord(last) < 0x10FFFF else last)
