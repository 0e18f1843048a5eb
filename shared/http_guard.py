"""ASGI guard in front of every service: body size, input that cannot be stored, security headers, 500s.

It runs before routing, so it answers alike on every route: 413 above the body limit, 415 for a body
that is not JSON, 400 for a body that is not UTF-8 JSON, 422 for JSON numbers that are not finite and
for NUL characters or unpaired surrogates anywhere in the body, query or path (neither SQLite's UTF-8
nor PostgreSQL's text can hold them). Every answer gets the security headers; an HTML page a strict
Content-Security-Policy that admits the service's own assets and exactly the inline scripts it sends.
"""

import base64
import hashlib
import json
import math
import re
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import unquote_to_bytes

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.context import current_context
from shared.messages import Phrase
from shared.problems import problem_response, translated
from shared.ratelimit import WRITES

SECURITY_HEADERS = (
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "no-referrer"),
    ("cross-origin-opener-policy", "same-origin"),
)
API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"
_INLINE = re.compile(rb"<(script|style)\b([^>]*)>(.*?)</\1\s*>", re.IGNORECASE | re.DOTALL)
_HAS_SRC = re.compile(rb"\bsrc\s*=", re.IGNORECASE)
_ESCAPED_NUL_OR_SURROGATE = re.compile(r"\\u(?:0000|[dD][89a-fA-F])")


# Pages whose own (vendored) script compiles code at run time: the AsyncAPI viewer validates the
# document with Ajv, which builds its validators with `new Function`. Scripts still come only from the
# service itself; only evaluation of strings is allowed there, nowhere else.
EVAL_PAGES = frozenset({"/asyncapi"})


def html_csp(page: bytes, *, allow_eval: bool = False) -> str:
    """A strict policy for a page: own assets only, plus the hash of each inline script and style."""
    hashes: dict[bytes, list[str]] = {b"script": [], b"style": []}
    for match in _INLINE.finditer(page):
        kind, attributes, content = match.group(1).lower(), match.group(2), match.group(3)
        if kind == b"script" and _HAS_SRC.search(attributes):
            continue
        digest = base64.b64encode(hashlib.sha256(content).digest()).decode()
        hashes[kind].append(f"'sha256-{digest}'")
    scripts = " ".join(
        ["'self'", *(["'unsafe-eval'"] if allow_eval else []), *sorted(set(hashes[b"script"]))]
    )
    styles = " ".join(["'self'", *sorted(set(hashes[b"style"]))])
    return (
        f"default-src 'self'; script-src {scripts}; style-src {styles}; img-src 'self' data:; "
        "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    )


class Unprocessable(ValueError):
    """Input that parses but cannot be stored or computed with: the catalogue key of the reason."""

    def __init__(self, key: str, part: str = "body") -> None:
        super().__init__(key)
        self.key, self.part = key, part


def _refuse_constant(_name: str) -> Any:
    raise Unprocessable("http.number_not_finite")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise Unprocessable("http.number_not_finite")
    return value


def check_text(text: str, part: str) -> None:
    """Refuse NUL characters and unpaired surrogates, which no database stores as text."""
    if "\x00" in text:
        raise Unprocessable("http.nul_character", part)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise Unprocessable("http.lone_surrogate", part) from None


def _strings(value: Any) -> Iterator[str]:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def check_json(body: bytes) -> None:
    """Parse the body as strictly as it will be stored; raise `Unprocessable` or `ValueError`."""
    text = body.decode("utf-8")  # strict: no undecodable bytes, no surrogates encoded as UTF-8
    document = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite)
    if _ESCAPED_NUL_OR_SURROGATE.search(text):  # only then can a string hold one: look at each
        for value in _strings(document):
            check_text(value, "body")


def _is_json(content_type: str) -> bool:
    media = content_type.split(";")[0].strip().lower()
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


class HttpGuard:
    """Limits, input checks, security headers and the 500 problem, as plain ASGI."""

    def __init__(self, app: ASGIApp, max_body_bytes: int, body_limits: dict[str, int]) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        # longest prefix first, so /admin/x overrides /admin
        self.body_limits = sorted(body_limits.items(), key=lambda item: -len(item[0]))

    def limit_for(self, path: str) -> int:
        """The body limit of a path: the longest configured prefix, else the service's limit."""
        return next(
            (size for prefix, size in self.body_limits if path.startswith(prefix)), self.max_body_bytes
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Guard one HTTP request; anything else passes through."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        path = scope.get("path", "")
        started = False

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                out = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS:
                    out.setdefault(name, value)
                if "text/html" not in out.get("content-type", ""):
                    out.setdefault("content-security-policy", API_CSP)
            await send(message)

        async def refuse(status: int, code: str, key: str, params: Mapping[str, object]) -> None:
            response = problem_response(headers, path, status, code, translated(key, params))
            await response(scope, receive, guarded_send)

        try:
            refusal = self._check_url(scope)
            if refusal is not None:
                await refuse(422, "invalid_input", refusal.key, {"part": _part(refusal.part)})
                return
            receive_body = receive
            if scope["method"] in WRITES:  # other methods' bodies are never read
                body, refused = await self._read_body(scope, headers, receive)
                if refused is not None:
                    await refuse(*refused)
                    return
                receive_body = _replay(body, receive)
            allow_eval = path.rstrip("/") in EVAL_PAGES
            await self.app(scope, receive_body, self._with_csp(guarded_send, allow_eval))
        except Exception:
            if started:
                raise
            # logged once, by the app's handler of last resort, when the exception travels on
            params = {"correlation_id": current_context().correlation_id}
            await refuse(500, "internal_error", "http.internal_error", params)
            raise

    @staticmethod
    def _check_url(scope: Scope) -> Unprocessable | None:
        try:
            check_text(scope.get("path", ""), "path")
            query = unquote_to_bytes(scope.get("query_string", b"").replace(b"+", b" "))
            if b"\x00" in query:
                raise Unprocessable("http.nul_character", "query")
        except Unprocessable as exc:
            return exc
        return None

    async def _read_body(
        self, scope: Scope, headers: Headers, receive: Receive
    ) -> tuple[bytes, tuple[int, str, str, Mapping[str, object]] | None]:
        limit = self.limit_for(scope.get("path", ""))
        too_large = (413, "payload_too_large", "http.body_too_large", {"limit": limit})
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            return b"", too_large
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                return b"", too_large
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if not body:
            return body, None
        if not _is_json(headers.get("content-type", "")):
            return body, (415, "unsupported_media_type", "http.media_type", {})
        try:
            check_json(body)
        except Unprocessable as exc:
            return body, (422, "invalid_input", exc.key, {"part": _part(exc.part)})
        except UnicodeDecodeError:
            return body, (400, "malformed_body", "http.body_not_utf8", {})
        except json.JSONDecodeError as exc:
            return body, (
                400,
                "malformed_body",
                "http.body_not_json",
                {"line": exc.lineno, "column": exc.colno},
            )
        except (ValueError, RecursionError):
            return body, (400, "malformed_body", "http.body_not_json", {"line": "?", "column": "?"})
        return body, None

    @staticmethod
    def _with_csp(send: Send, allow_eval: bool) -> Send:
        """Buffer an HTML page to give it a policy naming its inline scripts; other answers stream."""
        html: dict[str, Any] = {}

        async def send_page(message: Message) -> None:
            if message["type"] == "http.response.start":
                if "text/html" in Headers(raw=message.get("headers", [])).get("content-type", ""):
                    html["start"], html["body"] = message, []
                    return
            elif message["type"] == "http.response.body" and "start" in html:
                html["body"].append(message.get("body", b""))
                if message.get("more_body", False):
                    return
                page = b"".join(html["body"])
                start = html.pop("start")
                MutableHeaders(scope=start)["content-security-policy"] = html_csp(page, allow_eval=allow_eval)
                await send(start)
                await send({"type": "http.response.body", "body": page})
                return
            await send(message)

        return send_page


def _part(part: str) -> Phrase:
    return Phrase(f"http.part.{part}")


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
