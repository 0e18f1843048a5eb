"""Identity of a customer outside Steward: core banking's number and the ID document (kept hashed)."""

import hashlib
import hmac
import re

_SEPARATORS = re.compile(r"[\s-]+")


def normalized_document(number: str) -> str:
    """The ID-document number as compared: no spaces or hyphens, upper case (the `x` check digit)."""
    return _SEPARATORS.sub("", number).upper()


def document_hash(key: bytes, number: str) -> str:
    """HMAC-SHA256 of the normalized number: equal numbers match, the number cannot be read back."""
    return hmac.new(key, normalized_document(number).encode(), hashlib.sha256).hexdigest()
